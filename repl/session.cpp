// The session's core: starting it, its worlds, diagnostics, and the dispatch of a command line through the command
// table (repl_commands.cpp). The commands themselves live in repl_*.cpp, one file per group.
#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "classify/packs.hpp"
#include "classify/shipped.hpp"
#include "cli_common.hpp"
#include "kb/world.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

std::string did_you_mean(const std::string& hint) { return hint.empty() ? "" : "; did you mean '" + hint + "'?"; }

std::string unknown_template_message(const Program& p, const std::string& name) {
    // Score templates are not offered: a pattern names them by predicate (`why score`), not by template name.
    std::vector<std::string> names;
    for (const auto& t : p.templates)
        if (!t.is_score) names.push_back(t.name);
    return fmt::format("unknown template '{}'{}", name, did_you_mean(closest_match(name, names)));
}

std::string unknown_slot_message(const TemplateDef& t, const std::string& slot) {
    std::vector<std::string> slots;
    for (const auto& s : t.slots) slots.push_back(s.name);
    return fmt::format("template '{}' has no slot '{}'{}", t.name, slot, did_you_mean(closest_match(slot, slots)));
}

CaseHeader case_header(const FactFile& file, const std::string& path) {
    CaseHeader header;
    const MetaValue* name = file.meta("case");
    header.name = name && name->kind == MetaValue::Kind::Scalar ? name->scalar : fs::path(path).stem().string();
    if (name) header.name_span = name->span;
    for (const char* key : {"case", "as_of", "title"})
        if (const MetaValue* m = file.meta(key); m && m->kind == MetaValue::Kind::Scalar)
            header.metadata.emplace_back(key, m->scalar);
    return header;
}

std::string ReplSession::Case::header(std::string_view key) const {
    std::string value;
    for (const auto& [k, v] : metadata)
        if (k == key) value = v;
    return value;
}

ReplSession::ReplSession(std::ostream& out, SessionOptions options)
    : out_(out), options_(std::move(options)), watcher_(std::make_unique<Watcher>(*this)) {}

ReplSession::~ReplSession() {
    // The engines refer to the program: destroy them first.
    scratch_.reset();
    cases_.clear();
}

ReplSession::World& ReplSession::current() { return scratch_ ? *scratch_ : *cases_[current_case_].world; }
const ReplSession::World& ReplSession::current() const {
    return scratch_ ? *scratch_ : *cases_[current_case_].world;
}

std::string ReplSession::prompt() const {
    if (consultation_) return "consult " + consultation_->institution + "> ";
    return scratch_ ? "what-if> " : "covenant> ";
}

LoadOptions ReplSession::load_options() const {
    LoadOptions options;
    options.search_path = options_.rules_path;
    for (auto& dir : pack_search_path()) options.search_path.push_back(std::move(dir));
    return options;
}

bool ReplSession::start(const std::vector<std::string>& rule_files, const std::vector<std::string>& shared_fact_files,
                        const std::vector<std::string>& case_files) {
    DiagnosticSink sink;
    auto program = load_program(rule_files, load_options(), sources_, sink);
    bool ok = program.has_value();
    std::vector<GivenFact> given;
    if (program) {
        program_ = std::make_unique<Program>(std::move(*program));
        rule_files_ = rule_files;
        // Every file is read first; then each case is checked as its own world: the shared files and the case.
        // A --facts file with a case header (`case:` or `as_of:`) is a case, as `load` makes it one (CLI11 gives
        // `--facts kb/threats.yaml kb/cases/sco-2025.yaml` both files to --facts); only the others are shared.
        std::vector<FactFile> shared, cases;
        std::vector<std::string> case_paths;
        auto read = [&](const std::string& path, bool is_shared) {
            std::string why;
            FileId id = sources_.load(path, why);
            if (id == 0) {
                sink.error(SourceSpan{}, Code::CannotReadFile, "{}", why);
                ok = false;
                return;
            }
            FactFileOptions read_options;
            read_options.as_case = !is_shared;  // a CASE argument is a case, as for `covenant classify`
            auto facts = read_fact_file(sources_.file(id), *program_, sink, read_options);
            if (!facts) {
                ok = false;
                return;
            }
            if (is_shared && !facts->is_case) {
                shared.push_back(std::move(*facts));
            } else {
                cases.push_back(std::move(*facts));
                case_paths.push_back(path);
            }
        };
        for (const auto& f : shared_fact_files) read(f, true);
        // The default shared facts (classify/packs.hpp) apply unless a shared file was named: a case named with
        // --facts is not one, so `--facts CASE.yaml` still gets the threat catalogue, as `covenant classify` does.
        std::vector<std::string> shared_files;
        for (const auto& f : shared) shared_files.push_back(sources_.file(f.file).path);
        bool defaults = options_.default_facts && shared.empty();
        if (defaults)
            for (const auto& f : default_shared_facts(*program_)) {
                read(f, true);
                shared_files.push_back(f);
            }
        if (options_.verbose) say_what_was_loaded(*program_, rule_files, shared_files, defaults);
        for (const auto& f : case_files) read(f, false);
        std::vector<const FactFile*> shared_world;
        for (const auto& f : shared) shared_world.push_back(&f);
        if (ok && cases.empty()) ok = check_world(*program_, shared_world, sink);
        for (std::size_t k = 0; ok && k < cases.size(); ++k) {
            std::vector<const FactFile*> world = shared_world;
            world.push_back(&cases[k]);
            ok = check_world(*program_, world, sink, k == 0 ? 0 : shared.size()) && ok;
        }
        given = rules_facts(*program_);
        for (const auto& f : shared)
            for (const auto& fact : f.facts) given.push_back({fact, true});
        std::set<std::string> names;
        for (std::size_t k = 0; ok && k < cases.size(); ++k) {
            // Case files given at the start must have distinct names (`load` instead adds to a case of that name).
            CaseHeader header = case_header(cases[k], case_paths[k]);
            if (!names.insert(header.name).second) {
                sink.error(header.name_span, Code::CaseHeader,
                           "two case files are named '{}'; give each its own `case:`", header.name);
                ok = false;
                break;
            }
            std::vector<GivenFact> case_given = given;
            for (auto& fact : cases[k].facts) case_given.push_back({std::move(fact), false});
            cases_.push_back({std::move(header.name), std::move(header.metadata), make_world(std::move(case_given))});
        }
    }
    if (!sink.diagnostics().empty()) report(sink);
    if (!ok) {
        cases_.clear();
        return false;
    }
    if (cases_.empty()) cases_.push_back({"session", {}, make_world(std::move(given))});
    current_case_ = 0;
    if (cases_.size() > 1)
        out_ << fmt::format("{} cases, each in its own world; the current case is {} (`case` lists them, `case NAME` "
                            "switches)\n",
                            cases_.size(), cases_.front().name);
    return true;
}

std::vector<GivenFact> rules_facts(const Program& program) {
    std::vector<GivenFact> given;
    for (const auto& f : program.facts) {
        // A fact written twice is one fact in working memory: record it once, so that a retract takes it back.
        bool present = std::any_of(given.begin(), given.end(), [&](const GivenFact& g) {
            return g.fact.tmpl == f.tmpl && g.fact.values == f.values;
        });
        if (!present) given.push_back({f, true, true});
    }
    return given;
}

std::unique_ptr<ReplSession::World> ReplSession::make_world(std::vector<GivenFact> given, bool quiet) {
    // An ostream without a buffer discards what is written to it.
    static std::ostream discard(nullptr);
    auto world = std::make_unique<World>();
    world->engine = std::make_unique<Engine>(*program_);
    world->engine->set_output(quiet ? discard : out_);
    world->engine->set_sources(&sources_);
    world->engine->set_trace(quiet ? nullptr : watcher_.get());
    if (profiling_ && !quiet) world->engine->set_profile(&profile_);
    // No engine->reset(): it would assert the facts blocks, which `given` holds already (or not, when retracted).
    for (const auto& g : given) world->engine->assert_fact(g.fact.tmpl, g.fact.values, g.fact.span);
    world->given = std::move(given);
    return world;
}

std::uint64_t ReplSession::settle(World& world) {
    RunLimits limits;
    limits.max_firings = kSettleFirings;
    limits.interrupt = interrupt_;
    RunResult r = world.engine->run(limits);
    for (const auto& e : r.errors) out_ << render_run_error(e, world.engine->sources()) << "\n";
    if (r.reason != StopReason::Quiescent && r.reason != StopReason::Halted)
        out_ << fmt::format("note: the run stopped before quiescence ({}); conclusions may be incomplete\n",
                            stop_reason_text(r.reason));
    return r.firings;
}

bool ReplSession::error(const Line& line, std::size_t begin, std::size_t length, Code code,
                        const std::string& message) {
    DiagnosticSink sink;
    const SourceFile& f = sources_.file(line.file);
    begin = std::min(begin, f.text.size());
    length = std::min(std::max<std::size_t>(length, 1), f.text.size() - begin + (begin == f.text.size() ? 1 : 0));
    sink.error(f.span_at(static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(length)), code, "{}", message);
    RenderOptions o;
    o.color = options_.color;
    out_ << render(sink.diagnostics().front(), sources_, o);
    return false;
}

const SourceFile& ReplSession::line_part(const Line& l, std::size_t b, std::size_t e) {
    std::string padded = std::string(b, ' ') + l.text.substr(b, e - b);
    return sources_.file(sources_.add(sources_.file(l.file).path, padded));
}

void ReplSession::report(const DiagnosticSink& sink) {
    RenderOptions o;
    o.color = options_.color;
    out_ << render_all(sink, sources_, o);
}

ReplSession::Status ReplSession::execute(std::string_view raw) {
    std::string text(raw);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (options_.echo) out_ << prompt() << text << "\n";
    std::size_t b = skip_space(text, 0);
    if (!consultation_ && (b == text.size() || text[b] == '#')) return Status::Continue;
    ++line_number_;
    Line line{text, sources_.add(fmt::format("<repl:{}>", line_number_), text)};
    if (consultation_) {
        consult_answer(line);
        return Status::Continue;
    }
    std::size_t e = word_end(text, b);
    std::string name = text.substr(b, e - b);
    const Command* command = find_command(name);
    if (!command) {
        error(line, b, e - b, Code::ParseExpected,
              fmt::format("unknown command '{}'{} (`help` lists the commands)", name,
                          did_you_mean(closest_match(name, command_names()))));
        return Status::Continue;
    }
    if (!command->handler) return Status::Quit;
    (this->*(command->handler))(line, skip_space(text, e));
    out_.flush();
    return Status::Continue;
}

}  // namespace covenant::cli
