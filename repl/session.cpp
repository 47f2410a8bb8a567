#include "session.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "check/check.hpp"
#include "classify/classify.hpp"
#include "cli_common.hpp"
#include "classify/consult.hpp"
#include "explain/why.hpp"
#include "explain/whynot.hpp"
#include "kb/fact_file.hpp"
#include "kb/world.hpp"
#include "syntax/parse.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

// One working memory: the engine and the facts given to it, in the order they were given (the replay record).
struct ReplSession::World {
    std::unique_ptr<Engine> engine;
    std::vector<GivenFact> given;
    std::vector<std::string> changes;  // what-if scratch copies: the changes, as typed
};

// One command line, registered as the source `<repl:N>` so that diagnostics can point into it.
struct ReplSession::Line {
    std::string text;
    FileId file = 0;
};

// An interview in progress (`consult INSTITUTION`): lines are answers until `done` or no question is left.
struct ReplSession::Consultation {
    std::string institution;
    std::vector<std::pair<TemplateId, SlotIndex>> skipped;  // answered `unknown`
    std::optional<Question> question;                       // the one being asked
    std::size_t answered = 0;
};

// `watch`: a CLIPS-like trace (the same lines as `covenant run --watch`) written to the session's output.
class ReplSession::Watcher final : public TraceListener {
public:
    explicit Watcher(ReplSession& s) : s_(s) {}
    bool facts = false, rules = false, activations = false;

    void on_assert(const FactView& f) override {
        if (facts) s_.out_ << fmt::format("==> f-{:<5} {}\n", f.id, format_fact(*s_.program_, f.tmpl, f.values.data()));
    }
    void on_retract(const FactView& f) override {
        if (facts) s_.out_ << fmt::format("<== f-{:<5} {}\n", f.id, format_fact(*s_.program_, f.tmpl, f.values.data()));
    }
    void on_activation(RuleId rule, std::span<const FactId> ids, bool added) override {
        if (!activations) return;
        const Rule& r = s_.program_->rules.at(rule);
        s_.out_ << fmt::format("{} Activation {} {}: {}\n", added ? "==>" : "<==", r.salience, r.name, id_list(ids));
    }
    void on_fire(std::uint64_t firing, RuleId rule, std::span<const FactId> ids) override {
        if (rules) s_.out_ << fmt::format("FIRE {:>4} {}: {}\n", firing, s_.program_->rules.at(rule).name, id_list(ids));
    }
    static std::string id_list(std::span<const FactId> ids) {
        std::string s;
        for (std::size_t i = 0; i < ids.size(); ++i) s += fmt::format("{}f-{}", i ? "," : "", ids[i]);
        return s;
    }

private:
    ReplSession& s_;
};

namespace {

// A run that brings conclusions up to date before they are shown; large enough for any shipped case.
constexpr std::uint64_t kSettleFirings = 1'000'000;

struct CommandHelp {
    const char* name;
    const char* synopsis;
    const char* text;
    const char* example;
};

// The commands, in the order `help` lists them.
const std::vector<CommandHelp>& command_table() {
    static const std::vector<CommandHelp> table = {
        {"help", "help [COMMAND]", "List the commands, or explain one with an example.", "help why"},
        {"load", "load FILE", "Load a rule file (.rules: the program is rebuilt with it and the given facts are\n"
                              "replayed) or a fact file (.yaml). A case file becomes a case of its own, in its own\n"
                              "world, and the current case; other fact files join the current case.",
         "load kb/cases/nato-2024.yaml"},
        {"case", "case [NAME]", "List the loaded cases (each is its own world: their facts never match each other's),\n"
                                "or make NAME the current case, the one the other commands look at.",
         "case nato-1989"},
        {"compare", "compare A B", "Two cases side by side: type, scores and strains of each institution, then the\n"
                                   "given facts and the reasons (rule, weight, text) that only one of them has.",
         "compare nato-1989 nato-2024"},
        {"reset", "reset", "Clear working memory and assert the given facts again; rules fire anew at the next `run`.",
         "reset"},
        {"facts", "facts [TEMPLATE|PATTERN]", "List the live facts (of one template, or matching a pattern), with their ids.",
         "facts conflict(institution: sco, start: >= 2020)"},
        {"assert", "assert FACT", "Give a fact: template(slot: value, ...); slots left out take their defaults.",
         "assert mandate(institution: sco, kind: piracy)"},
        {"retract", "retract ID|PATTERN", "Take back given facts: by id (f-12 or 12) or every fact matching a pattern.",
         "retract mandate(institution: sco, kind: cyber)"},
        {"modify", "modify ID|PATTERN (slot: value, ...)", "Change slots of one given fact (it gets a new id).",
         "modify institution(id: sco) (enforcement: sanctions)"},
        {"run", "run [N]", "Fire activations until the agenda is empty (or N firings). Ctrl-C stops it between firings.",
         "run 10"},
        {"agenda", "agenda", "The activations waiting to fire, in firing order (salience, rule, facts).", "agenda"},
        {"rules", "rules [TEXT]", "List the rules (whose name contains TEXT) with kind and location.", "rules strain"},
        {"watch", "watch facts|rules|activations|off", "Trace facts entering and leaving working memory, firings, or\n"
                                                       "activations; `off` stops every trace; no argument shows them.",
         "watch rules"},
        {"classify", "classify [INSTITUTION]", "Run to quiescence and show each case's institutions: type, scores,\n"
                                               "strains and the evidence behind them (as `covenant classify --explain`).",
         "classify sco"},
        {"why", "why ID|PATTERN|score PRED(ARGS) [--depth N] [--format text|json|dot]",
         "The derivation tree of a fact or a score: the rules that concluded it from which facts, down to the\n"
         "given facts and where they were written.",
         "why architecture(institution: sco)"},
        {"why-not", "why-not PATTERN", "For a conclusion that was not reached: each rule that could conclude it and\n"
                                       "the first condition that failed.",
         "why-not architecture(institution: sco, type: community)"},
        {"what-if", "what-if CHANGE; CHANGE... | what-if off | what-if keep",
         "Try changes (assert FACT, retract REF, modify REF (slot: value)) on a scratch copy of the session;\n"
         "the other commands then look at the copy. `diff` compares it with the original; `off` discards it,\n"
         "`keep` adopts it.",
         "what-if modify institution(id: sco) (decision_rule: majority)"},
        {"diff", "diff", "What the what-if changed: given facts, types, scores, strains and other conclusions.", "diff"},
        {"consult", "consult INSTITUTION", "An interview for the facts the rules use and the case lacks, most decisive\n"
                                           "first. Answer with a value, press Enter for the default, or say `unknown`,\n"
                                           "`why` or `done`.",
         "consult sco"},
        {"save", "save FILE.yaml", "Write the session's given facts as a case file that `covenant classify` reads.",
         "save /tmp/sco-changed.yaml"},
        {"explain", "explain RULE", "A rule's text, kind, doc string and where it is defined.", "explain architecture_hybrid"},
        {"stats", "stats", "Counts: rules, templates, facts, firings, activations, network size.", "stats"},
        {"quit", "quit", "Leave the session (also `exit` or Ctrl-D).", "quit"},
        {"exit", "exit", "Leave the session (also `quit` or Ctrl-D).", "exit"},
    };
    return table;
}

const CommandHelp* find_command(std::string_view name) {
    for (const auto& c : command_table())
        if (name == c.name) return &c;
    return nullptr;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t skip_space(const std::string& s, std::size_t i) {
    while (i < s.size() && is_space(s[i])) ++i;
    return i;
}

std::size_t word_end(const std::string& s, std::size_t i) {
    while (i < s.size() && !is_space(s[i])) ++i;
    return i;
}

// The end of [b, e) without trailing blanks.
std::size_t trim_end(const std::string& s, std::size_t b, std::size_t e) {
    while (e > b && is_space(s[e - 1])) --e;
    return e;
}

// Splits [b, e) at top-level occurrences of `sep` (outside quotes and parentheses) into trimmed ranges.
std::vector<std::pair<std::size_t, std::size_t>> split_top(const std::string& s, std::size_t b, std::size_t e, char sep) {
    std::vector<std::pair<std::size_t, std::size_t>> parts;
    int depth = 0;
    bool quoted = false;
    std::size_t start = b;
    for (std::size_t i = b; i < e; ++i) {
        char c = s[i];
        if (quoted) {
            if (c == '\\') ++i;
            else if (c == '"') quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
        } else if (c == sep && depth == 0) {
            parts.emplace_back(skip_space(s, start), trim_end(s, start, i));
            start = i + 1;
        }
    }
    parts.emplace_back(skip_space(s, start), trim_end(s, start, e));
    for (auto& p : parts)
        if (p.first > p.second) p.first = p.second;
    return parts;
}

// `f-12` or `12` as a fact id.
std::optional<FactId> fact_id_from(std::string_view text) {
    if (text.size() > 2 && (text[0] == 'f' || text[0] == 'F') && text[1] == '-') text.remove_prefix(2);
    if (text.empty() || text.size() > 9) return std::nullopt;
    FactId id = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + static_cast<FactId>(c - '0');
    }
    return id;
}


std::vector<std::string> names_of_templates(const Program& p, bool with_scores) {
    std::vector<std::string> names;
    for (const auto& t : p.templates)
        if (!t.is_score || with_scores) names.push_back(t.name);
    return names;
}

// YAML double-quoted scalar: the escapes YAML 1.2 defines, so the fact-file reader gets the exact text back.
std::string yaml_quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
                else out += c;
        }
    }
    return out + "\"";
}

std::string yaml_value(const Value& v) {
    if (v.type == Type::String) return yaml_quoted(v.text());
    return to_source(v);
}

// The slot that names the institution a fact is about: `institution`, or `id` for the institution template itself.
int institution_slot(const TemplateDef& t) {
    if (t.name == "institution") return t.slot_index("id");
    return t.slot_index("institution");
}

}  // namespace

ReplSession::ReplSession(std::ostream& out, SessionOptions options)
    : out_(out), options_(std::move(options)), watcher_(std::make_unique<Watcher>(*this)) {}

ReplSession::~ReplSession() {
    // The engines refer to the program: destroy them first.
    scratch_.reset();
    cases_.clear();
}

std::vector<std::string> ReplSession::command_names() {
    std::vector<std::string> names;
    for (const auto& c : command_table()) names.emplace_back(c.name);
    return names;
}

ReplSession::World& ReplSession::current() { return scratch_ ? *scratch_ : *cases_[current_case_].world; }
const ReplSession::World& ReplSession::current() const {
    return scratch_ ? *scratch_ : *cases_[current_case_].world;
}

std::string ReplSession::prompt() const {
    if (consultation_) return "consult " + consultation_->institution + "> ";
    return scratch_ ? "what-if> " : "covenant> ";
}

bool ReplSession::start(const std::vector<std::string>& rule_files, const std::vector<std::string>& shared_fact_files,
                    const std::vector<std::string>& case_files) {
    DiagnosticSink sink;
    LoadOptions load_options;
    load_options.search_path = options_.rules_path;
    for (auto& dir : default_rules_path()) load_options.search_path.push_back(std::move(dir));
    auto program = load_program(rule_files, load_options, sources_, sink);
    bool ok = program.has_value();
    std::vector<GivenFact> given;
    if (program) {
        program_ = std::make_unique<Program>(std::move(*program));
        rule_files_ = rule_files;
        // Every file is read first; then each case is checked as its own world: the shared files and the case.
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
            if (is_shared) {
                shared.push_back(std::move(*facts));
            } else {
                cases.push_back(std::move(*facts));
                case_paths.push_back(path);
            }
        };
        for (const auto& f : shared_fact_files) read(f, true);
        for (const auto& f : case_files) read(f, false);
        std::vector<const FactFile*> shared_world;
        for (const auto& f : shared) shared_world.push_back(&f);
        if (ok && cases.empty()) ok = check_world(*program_, shared_world, sink);
        for (std::size_t k = 0; ok && k < cases.size(); ++k) {
            std::vector<const FactFile*> world = shared_world;
            world.push_back(&cases[k]);
            ok = check_world(*program_, world, sink, k == 0 ? 0 : shared.size()) && ok;
        }
        for (const auto& f : shared)
            for (const auto& fact : f.facts) given.push_back({fact, true});
        std::set<std::string> names;
        for (std::size_t k = 0; ok && k < cases.size(); ++k) {
            Case c;
            const MetaValue* name = cases[k].meta("case");
            c.name = name && name->kind == MetaValue::Kind::Scalar ? name->scalar
                                                                   : fs::path(case_paths[k]).stem().string();
            if (!names.insert(c.name).second) {
                sink.error(name ? name->span : SourceSpan{}, Code::CaseHeader,
                           "two case files are named '{}'; give each its own `case:`", c.name);
                ok = false;
                break;
            }
            for (const char* key : {"case", "as_of", "title"})
                if (const MetaValue* m = cases[k].meta(key); m && m->kind == MetaValue::Kind::Scalar)
                    c.metadata.emplace_back(key, m->scalar);
            std::vector<GivenFact> case_given = given;
            for (auto& fact : cases[k].facts) case_given.push_back({std::move(fact), false});
            c.world = make_world(std::move(case_given));
            cases_.push_back(std::move(c));
        }
    }
    RenderOptions render_options;
    render_options.color = options_.color;
    if (!sink.diagnostics().empty()) out_ << render_all(sink, sources_, render_options);
    if (!ok) {
        cases_.clear();
        return false;
    }
    if (cases_.empty()) {
        Case c;
        c.name = "session";
        c.world = make_world(std::move(given));
        cases_.push_back(std::move(c));
    }
    current_case_ = 0;
    if (cases_.size() > 1)
        out_ << fmt::format("{} cases, each in its own world; the current case is {} (`case` lists them, `case NAME` "
                            "switches)\n",
                            cases_.size(), cases_.front().name);
    return true;
}

std::unique_ptr<ReplSession::World> ReplSession::make_world(std::vector<GivenFact> given) {
    auto world = std::make_unique<World>();
    world->engine = std::make_unique<Engine>(*program_);
    world->engine->set_output(out_);
    world->engine->set_sources(&sources_);
    world->engine->set_trace(watcher_.get());
    world->engine->reset();
    for (const auto& g : given) world->engine->assert_fact(g.fact.tmpl, g.fact.values, g.fact.span);
    world->given = std::move(given);
    return world;
}

std::uint64_t ReplSession::settle(World& world) {
    RunLimits limits;
    limits.max_firings = kSettleFirings;
    limits.interrupt = interrupt_;
    RunResult r = world.engine->run(limits);
    for (const auto& e : r.errors) out_ << e << "\n";
    if (r.reason != StopReason::Quiescent && r.reason != StopReason::Halted)
        out_ << fmt::format("note: the run stopped before quiescence ({}); conclusions may be incomplete\n",
                            stop_reason_text(r.reason));
    return r.firings;
}

bool ReplSession::error(const Line& line, std::size_t begin, std::size_t length, Code code, const std::string& message) {
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
    std::string command = text.substr(b, e - b);
    std::size_t args = skip_space(text, e);
    if (command == "quit" || command == "exit") return Status::Quit;
    using Handler = void (ReplSession::*)(const Line&, std::size_t);
    static const std::map<std::string, Handler, std::less<>> handlers = {
        {"help", &ReplSession::cmd_help},         {"load", &ReplSession::cmd_load},       {"reset", &ReplSession::cmd_reset},
        {"facts", &ReplSession::cmd_facts},       {"assert", &ReplSession::cmd_assert},   {"retract", &ReplSession::cmd_retract},
        {"modify", &ReplSession::cmd_modify},     {"run", &ReplSession::cmd_run},         {"agenda", &ReplSession::cmd_agenda},
        {"rules", &ReplSession::cmd_rules},       {"watch", &ReplSession::cmd_watch},     {"classify", &ReplSession::cmd_classify},
        {"why", &ReplSession::cmd_why},           {"why-not", &ReplSession::cmd_why_not}, {"what-if", &ReplSession::cmd_what_if},
        {"diff", &ReplSession::cmd_diff},         {"save", &ReplSession::cmd_save},       {"explain", &ReplSession::cmd_explain},
        {"stats", &ReplSession::cmd_stats},
        {"consult", &ReplSession::cmd_consult},
        {"case", &ReplSession::cmd_case},         {"compare", &ReplSession::cmd_compare},
    };
    auto it = handlers.find(command);
    if (it == handlers.end()) {
        std::string hint = closest_match(command, command_names());
        error(line, b, e - b, Code::ParseExpected,
              fmt::format("unknown command '{}'{} (`help` lists the commands)", command,
                          hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        return Status::Continue;
    }
    (this->*(it->second))(line, args);
    out_.flush();
    return Status::Continue;
}

// ---- help ----

void ReplSession::cmd_help(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        out_ << "Commands (`help COMMAND` explains one with an example):\n";
        // Each command with the first sentence of its help; a long synopsis gets a line of its own.
        constexpr std::size_t kColumn = 36;
        for (const auto& c : command_table()) {
            std::string text(c.text);
            std::replace(text.begin(), text.end(), '\n', ' ');
            std::string first = text.substr(0, text.find(". ") == std::string::npos ? text.size() : text.find(". ") + 1);
            std::string synopsis(c.synopsis);
            if (synopsis.size() > kColumn) out_ << "  " << synopsis << "\n" << std::string(kColumn + 3, ' ') << first << "\n";
            else out_ << fmt::format("  {:<{}} {}\n", synopsis, kColumn, first);
        }
        return;
    }
    std::string name = l.text.substr(b, e - b);
    const CommandHelp* c = find_command(name);
    if (!c) {
        std::string hint = closest_match(name, command_names());
        error(l, b, e - b, Code::ParseExpected,
              fmt::format("no command '{}'{}", name, hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        return;
    }
    out_ << c->synopsis << "\n" << c->text << "\nExample:\n  " << c->example << "\n";
}

// ---- working memory ----

void ReplSession::cmd_reset(const Line&, std::size_t) {
    World& w = current();
    w.engine->reset();
    for (const auto& g : w.given) w.engine->assert_fact(g.fact.tmpl, g.fact.values, g.fact.span);
    out_ << fmt::format("working memory reset: {} given facts asserted again\n", w.given.size());
}

void ReplSession::cmd_facts(const Line& l, std::size_t b) {
    const World& w = current();
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::optional<TemplateId> only;
    if (b < e && l.text.find('(', b) < e) {
        // A pattern: the facts it matches.
        auto ids = resolve_facts(l, b, e, w);
        if (!ids) return;
        for (FactId id : *ids) {
            FactView f = w.engine->fact(id);
            out_ << fmt::format("f-{:<5} {}\n", id, format_fact(*program_, f.tmpl, f.values.data()));
        }
        out_ << fmt::format("{} fact{}\n", ids->size(), ids->size() == 1 ? "" : "s");
        return;
    }
    if (b < e) {
        std::string name = l.text.substr(b, e - b);
        const TemplateDef* t = program_->find_template(name);
        if (!t) {
            std::string hint = closest_match(name, names_of_templates(*program_, false));
            error(l, b, e - b, Code::UnknownTemplate,
                  fmt::format("unknown template '{}'{}", name, hint.empty() ? "" : "; did you mean '" + hint + "'?"));
            return;
        }
        only = t->id;
    }
    std::size_t n = 0;
    for (FactId id : only ? w.engine->facts_of(*only) : w.engine->facts()) {
        FactView f = w.engine->fact(id);
        out_ << fmt::format("f-{:<5} {}\n", id, format_fact(*program_, f.tmpl, f.values.data()));
        ++n;
    }
    out_ << fmt::format("{} fact{}\n", n, n == 1 ? "" : "s");
}

std::optional<ast::Pattern> ReplSession::pattern_in(const Line& l, std::size_t b, std::size_t e) {
    // Padded with blanks so that diagnostics point at the pattern's columns in the typed line.
    std::string padded = std::string(b, ' ') + l.text.substr(b, e - b);
    const SourceFile& file = sources_.file(sources_.add(sources_.file(l.file).path, padded));
    DiagnosticSink sink;
    auto pattern = parse_pattern(file, sink);
    if (!pattern) {
        RenderOptions ro;
        ro.color = options_.color;
        out_ << render_all(sink, sources_, ro);
        return std::nullopt;
    }
    if (!program_->find_template(pattern->template_name.name)) {
        std::string hint = closest_match(pattern->template_name.name, names_of_templates(*program_, false));
        error(l, pattern->template_name.span.offset, pattern->template_name.name.size(), Code::UnknownTemplate,
              fmt::format("unknown template '{}'{}", pattern->template_name.name,
                          hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        return std::nullopt;
    }
    return pattern;
}

std::optional<std::vector<FactId>> ReplSession::resolve_facts(const Line& l, std::size_t b, std::size_t e,
                                                          const World& world) {
    e = trim_end(l.text, b, e);
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a fact id (f-12) or a pattern such as institution(id: sco)");
        return std::nullopt;
    }
    if (auto id = fact_id_from(std::string_view(l.text).substr(b, e - b))) {
        if (!world.engine->is_live(*id)) {
            error(l, b, e - b, Code::ParseExpected, fmt::format("no live fact f-{}; `facts` lists them", *id));
            return std::nullopt;
        }
        return std::vector<FactId>{*id};
    }
    // A pattern: constants in slots select facts; variables match anything.
    auto pattern = pattern_in(l, b, e);
    if (!pattern) return std::nullopt;
    const TemplateDef* t = program_->find_template(pattern->template_name.name);
    struct Test {
        std::size_t slot;
        ast::CmpOp op;
        std::vector<Value> values;
    };
    std::vector<Test> tests;
    for (const auto& c : pattern->slots) {
        int slot = t->slot_index(c.slot.name);
        if (slot < 0) {
            std::vector<std::string> slots;
            for (const auto& s : t->slots) slots.push_back(s.name);
            std::string hint = closest_match(c.slot.name, slots);
            error(l, c.slot.span.offset, c.slot.name.size(), Code::UnknownSlot,
                  fmt::format("template '{}' has no slot '{}'{}", t->name, c.slot.name,
                              hint.empty() ? "" : "; did you mean '" + hint + "'?"));
            return std::nullopt;
        }
        if (!c.op) continue;
        Test test{static_cast<std::size_t>(slot), *c.op, {}};
        for (const auto& operand : c.values) {
            if (operand.is_variable) continue;
            std::string why;
            auto v = value_from_text(literal_text(operand.literal), operand.literal.kind == ast::Literal::Kind::String,
                                     t->slots[static_cast<std::size_t>(slot)], why);
            if (!v) {
                error(l, operand.span.offset, operand.span.length, Code::FactBadValue, why);
                return std::nullopt;
            }
            test.values.push_back(*v);
        }
        if (!test.values.empty()) tests.push_back(std::move(test));
    }
    std::vector<FactId> found;
    for (FactId id : world.engine->facts_of(t->id)) {
        FactView f = world.engine->fact(id);
        bool all = true;
        for (const auto& test : tests) {
            const Value& have = f.values[test.slot];
            bool ok;
            if (test.op == ast::CmpOp::Eq || test.op == ast::CmpOp::Ne) {
                bool any = std::any_of(test.values.begin(), test.values.end(),
                                       [&](const Value& v) { return equal_for_match(have, v); });
                ok = test.op == ast::CmpOp::Eq ? any : !any;
            } else {
                bool comparable = true;
                int c = compare(have, test.values.front(), comparable);
                ok = comparable && ((test.op == ast::CmpOp::Lt && c < 0) || (test.op == ast::CmpOp::Le && c <= 0) ||
                                    (test.op == ast::CmpOp::Gt && c > 0) || (test.op == ast::CmpOp::Ge && c >= 0));
            }
            if (!ok) {
                all = false;
                break;
            }
        }
        if (all) found.push_back(id);
    }
    if (found.empty()) {
        error(l, b, e - b, Code::ParseExpected, "no live fact matches this pattern; `facts " + t->name + "` lists them");
        return std::nullopt;
    }
    return found;
}

std::optional<std::size_t> ReplSession::given_index(const Line& l, std::size_t b, std::size_t e, const World& world,
                                                FactId id) {
    FactView f = world.engine->fact(id);
    for (std::size_t i = 0; i < world.given.size(); ++i) {
        const InitialFact& g = world.given[i].fact;
        if (g.tmpl == f.tmpl && std::equal(g.values.begin(), g.values.end(), f.values.begin(), f.values.end()))
            return i;
    }
    std::string what;
    switch (f.origin) {
        case Origin::Concluded:
        case Origin::Asserted: {
            std::string rule;
            const Justification* j = f.supports.empty() ? nullptr : world.engine->justification(f.supports.front());
            if (j) rule = " by rule " + program_->rules.at(j->rule).name;
            what = fmt::format("f-{} was derived{}; change one of the given facts it rests on (`why f-{}`)", id, rule, id);
            break;
        }
        case Origin::Score: what = fmt::format("f-{} is a score, maintained from evidence; it cannot be changed", id); break;
        case Origin::Given: what = fmt::format("f-{} comes from a facts block of the rules, not from the session", id); break;
    }
    error(l, b, e - b, Code::ParseExpected, what);
    return std::nullopt;
}

bool ReplSession::parse_changes(const Line& l, std::size_t b, std::size_t e, TemplateId tmpl,
                            std::vector<std::pair<SlotIndex, Value>>& changes) {
    // [b, e) is "(slot: value, ...)".
    const TemplateDef& t = program_->templates.at(tmpl);
    for (auto [pb, pe] : split_top(l.text, b + 1, e - 1, ',')) {
        std::size_t colon = l.text.find(':', pb);
        if (pb == pe || colon == std::string::npos || colon >= pe)
            return error(l, pb, std::max<std::size_t>(pe - pb, 1), Code::ParseExpected, "expected `slot: value`");
        std::size_t ne = trim_end(l.text, pb, colon);
        std::string name = l.text.substr(pb, ne - pb);
        int slot = t.slot_index(name);
        if (slot < 0) {
            std::vector<std::string> slots;
            for (const auto& s : t.slots) slots.push_back(s.name);
            std::string hint = closest_match(name, slots);
            return error(l, pb, ne - pb, Code::UnknownSlot,
                         fmt::format("template '{}' has no slot '{}'{}", t.name, name,
                                     hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        }
        std::size_t vb = skip_space(l.text, colon + 1);
        std::string text = l.text.substr(vb, pe - vb);
        bool quoted = text.size() >= 2 && text.front() == '"' && text.back() == '"';
        if (quoted) {
            std::string inner;
            for (std::size_t i = 1; i + 1 < text.size(); ++i) {
                if (text[i] == '\\' && i + 2 < text.size()) {
                    ++i;
                    inner += text[i] == 'n' ? '\n' : text[i] == 't' ? '\t' : text[i];
                } else {
                    inner += text[i];
                }
            }
            text = inner;
        }
        if (vb == pe) return error(l, vb, 1, Code::ParseExpected, "expected a value after ':'");
        std::string why;
        auto v = value_from_text(text, quoted, t.slots[static_cast<std::size_t>(slot)], why);
        if (!v) return error(l, vb, pe - vb, Code::FactBadValue, why);
        if (std::string problem = slot_range_problem(t.slots[static_cast<std::size_t>(slot)], *v); !problem.empty())
            return error(l, vb, pe - vb, Code::OutOfRange, problem);
        changes.emplace_back(static_cast<SlotIndex>(slot), *v);
    }
    return true;
}

bool ReplSession::edit_given(const Line& l, std::size_t b, std::size_t e, const World& world,
                         std::vector<GivenFact>& given) {
    std::size_t ve = word_end(l.text, b);
    ve = std::min(ve, e);
    std::string verb = l.text.substr(b, ve - b);
    std::size_t ab = skip_space(l.text, ve);
    if (verb == "assert") {
        std::string padded = std::string(ab, ' ') + l.text.substr(ab, e - ab);
        const SourceFile& file = sources_.file(sources_.add(sources_.file(l.file).path, padded));
        DiagnosticSink sink;
        auto term = parse_fact(file, sink);
        std::optional<InitialFact> fact;
        if (term) fact = check_fact(*term, *program_, sink);
        if (fact) {
            // A given fact's references must name facts of this world (given ones, or itself).
            RefIndex index(*program_);
            for (const auto& g : given) index.add(g.fact.tmpl, g.fact.values.data());
            index.add(fact->tmpl, fact->values.data());
            check_fact_refs(*program_, index, *fact, sink);
        }
        if (!fact || sink.has_errors()) {
            RenderOptions ro;
            ro.color = options_.color;
            out_ << render_all(sink, sources_, ro);
            return false;
        }
        bool present = std::any_of(given.begin(), given.end(), [&](const GivenFact& g) {
            return g.fact.tmpl == fact->tmpl && g.fact.values == fact->values;
        });
        if (!present) given.push_back({std::move(*fact), false});
        return true;
    }
    if (verb != "retract" && verb != "modify")
        return error(l, b, ve - b, Code::ParseExpected,
                     fmt::format("expected a change: assert FACT, retract REF or modify REF (slot: value), got '{}'",
                                 verb));
    std::size_t ref_end = e;
    std::size_t open = std::string::npos;
    if (verb == "modify") {
        std::size_t te = trim_end(l.text, ab, e);
        if (te == ab || l.text[te - 1] != ')')
            return error(l, te, 1, Code::ParseExpected, "expected the changes in parentheses: (slot: value, ...)");
        int depth = 0;
        for (std::size_t i = te; i-- > ab;) {
            if (l.text[i] == ')') ++depth;
            else if (l.text[i] == '(' && --depth == 0) {
                open = i;
                break;
            }
        }
        if (open == std::string::npos || trim_end(l.text, ab, open) == ab)
            return error(l, ab, 1, Code::ParseExpected, "expected a fact id or pattern before the changes");
        // `modify institution(id: sco)` has a pattern but no changes: the group is the pattern's own.
        if (open > ab && (std::isalnum(static_cast<unsigned char>(l.text[open - 1])) || l.text[open - 1] == '_'))
            return error(l, te, 1, Code::ParseExpected, "expected the changes after the fact: modify REF (slot: value, ...)");
        ref_end = open;
        e = te;
    }
    auto ids = resolve_facts(l, ab, ref_end, world);
    if (!ids) return false;
    if (verb == "modify" && ids->size() > 1) {
        std::string list;
        for (FactId id : *ids) list += fmt::format(" f-{}", id);
        return error(l, ab, trim_end(l.text, ab, ref_end) - ab, Code::ParseExpected,
                     fmt::format("this matches {} facts ({}); modify changes one: name it by id", ids->size(), list.substr(1)));
    }
    std::vector<std::size_t> indices;
    for (FactId id : *ids) {
        auto i = given_index(l, ab, trim_end(l.text, ab, ref_end) - ab, world, id);
        if (!i) return false;
        FactView f = world.engine->fact(id);
        // `given` may already differ from world.given (earlier changes on the same line): find by content.
        auto it = std::find_if(given.begin(), given.end(), [&](const GivenFact& g) {
            return g.fact.tmpl == f.tmpl && std::equal(g.fact.values.begin(), g.fact.values.end(), f.values.begin(),
                                                       f.values.end());
        });
        if (it != given.end()) indices.push_back(static_cast<std::size_t>(it - given.begin()));
    }
    if (verb == "retract") {
        std::sort(indices.rbegin(), indices.rend());
        for (std::size_t i : indices) given.erase(given.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
    }
    std::vector<std::pair<SlotIndex, Value>> changes;
    if (!parse_changes(l, open, e, world.engine->fact(ids->front()).tmpl, changes)) return false;
    if (!indices.empty())
        for (auto& [slot, value] : changes) given[indices.front()].fact.values[slot] = value;
    return true;
}

void ReplSession::cmd_assert(const Line& l, std::size_t b) {
    World& w = current();
    std::vector<GivenFact> given = w.given;
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a fact: template(slot: value, ...)");
        return;
    }
    // Reuse the change parser on "assert FACT" (b - 7 is where the verb starts when typed with one space; find it).
    std::size_t verb = l.text.rfind("assert", b);
    if (!edit_given(l, verb, e, w, given)) return;
    if (given.size() == w.given.size()) {
        out_ << "already given\n";
        return;
    }
    const InitialFact& f = given.back().fact;
    FactId id = w.engine->assert_fact(f.tmpl, f.values, f.span);
    w.given = std::move(given);
    if (scratch_) w.changes.push_back(l.text.substr(verb, e - verb));
    out_ << fmt::format("f-{}\n", id);
}

void ReplSession::cmd_retract(const Line& l, std::size_t b) {
    World& w = current();
    std::size_t e = trim_end(l.text, b, l.text.size());
    auto ids = resolve_facts(l, b, e, w);
    if (!ids) return;
    std::vector<std::size_t> indices;
    for (FactId id : *ids) {
        auto i = given_index(l, b, e - b, w, id);
        if (!i) return;
        indices.push_back(*i);
    }
    for (FactId id : *ids) {
        w.engine->retract(id);
        out_ << fmt::format("retracted f-{}\n", id);
    }
    std::sort(indices.rbegin(), indices.rend());
    for (std::size_t i : indices) w.given.erase(w.given.begin() + static_cast<std::ptrdiff_t>(i));
    if (scratch_) w.changes.push_back("retract " + l.text.substr(b, e - b));
}

void ReplSession::cmd_modify(const Line& l, std::size_t b) {
    World& w = current();
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::vector<GivenFact> given = w.given;
    std::size_t verb = l.text.rfind("modify", b);
    if (!edit_given(l, verb, e, w, given)) return;
    // Apply the same edit to the engine: the one changed given fact is the entry whose values differ.
    for (std::size_t i = 0; i < given.size(); ++i) {
        if (given[i].fact.values == w.given[i].fact.values) continue;
        auto old_id = w.engine->find_fact(w.given[i].fact.tmpl, w.given[i].fact.values);
        std::vector<std::pair<SlotIndex, Value>> changes;
        for (std::size_t s = 0; s < given[i].fact.values.size(); ++s)
            if (!(given[i].fact.values[s] == w.given[i].fact.values[s]))
                changes.emplace_back(static_cast<SlotIndex>(s), given[i].fact.values[s]);
        FactId id = old_id ? w.engine->modify(*old_id, changes) : kNoFact;
        w.given = std::move(given);
        if (scratch_) w.changes.push_back(l.text.substr(verb, e - verb));
        out_ << fmt::format("f-{} -> f-{}\n", old_id ? *old_id : kNoFact, id);
        return;
    }
    out_ << "nothing changed\n";
}

void ReplSession::cmd_run(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    RunLimits limits;
    limits.interrupt = interrupt_;
    if (b < e) {
        std::string n = l.text.substr(b, e - b);
        if (n.find_first_not_of("0123456789") != std::string::npos || n.size() > 12) {
            error(l, b, e - b, Code::InvalidNumber, fmt::format("expected a number of firings, got '{}'", n));
            return;
        }
        limits.max_firings = std::stoull(n);
    }
    RunResult r = current().engine->run(limits);
    for (const auto& err : r.errors) out_ << err << "\n";
    out_ << fmt::format("{} firing{} ({})\n", r.firings, r.firings == 1 ? "" : "s", stop_reason_text(r.reason));
}

void ReplSession::cmd_agenda(const Line&, std::size_t) {
    auto agenda = current().engine->agenda();
    for (const auto& a : agenda)
        out_ << fmt::format("{:>4} {}: {}\n", a.salience, program_->rules.at(a.rule).name, Watcher::id_list(a.facts));
    out_ << fmt::format("{} activation{}\n", agenda.size(), agenda.size() == 1 ? "" : "s");
}

void ReplSession::cmd_rules(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string filter = l.text.substr(b, e - b);
    std::size_t n = 0;
    for (const auto& r : program_->rules) {
        if (!filter.empty() && r.name.find(filter) == std::string::npos) continue;
        out_ << fmt::format("{:<40} {:<9} {}\n", r.name, rule_kind_name(r.kind), location_text(sources_, r.span));
        ++n;
    }
    out_ << fmt::format("{} rule{}\n", n, n == 1 ? "" : "s");
}

void ReplSession::cmd_watch(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    for (auto [wb, we] : split_top(l.text, b, e, ' ')) {
        if (wb == we) continue;
        std::string what = l.text.substr(wb, we - wb);
        if (what == "facts") watcher_->facts = true;
        else if (what == "rules") watcher_->rules = true;
        else if (what == "activations") watcher_->activations = true;
        else if (what == "off") watcher_->facts = watcher_->rules = watcher_->activations = false;
        else {
            error(l, wb, we - wb, Code::ParseExpected,
                  fmt::format("expected facts, rules, activations or off, got '{}'", what));
            return;
        }
    }
    std::string on;
    if (watcher_->facts) on += " facts";
    if (watcher_->rules) on += " rules";
    if (watcher_->activations) on += " activations";
    out_ << "watching:" << (on.empty() ? " nothing" : on) << "\n";
}

// ---- classification and explanations ----

CaseResult ReplSession::case_result(std::size_t index) {
    World& w = index == current_case_ && scratch_ ? *scratch_ : *cases_[index].world;
    settle(w);
    CaseResult result;
    result.case_id = cases_[index].name;
    for (const auto& [key, value] : cases_[index].metadata) {
        // The year the case describes, as `covenant classify` reads it (an integer, else left out).
        if (key == "as_of" && !value.empty() && value.size() < 10 &&
            value.find_first_not_of("0123456789") == std::string::npos)
            result.as_of = std::stoll(value);
    }
    if (index == current_case_ && scratch_) result.case_id += " (what-if)";
    result.institutions = collect_results(*w.engine);
    return result;
}

// Every case, each from its own world (during a what-if only the current case, from the scratch copy): the same
// table `covenant classify --format table --explain` prints for the same files.
void ReplSession::cmd_classify(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string wanted = l.text.substr(b, e - b);
    std::vector<CaseResult> results;
    std::vector<std::string> known;
    for (std::size_t k = 0; k < cases_.size(); ++k) {
        if (scratch_ && k != current_case_) continue;
        CaseResult result = case_result(k);
        std::vector<InstitutionResult> kept;
        for (auto& r : result.institutions) {
            known.push_back(r.institution);
            if (wanted.empty() || r.institution == wanted) kept.push_back(std::move(r));
        }
        result.institutions = std::move(kept);
        if (!result.institutions.empty()) results.push_back(std::move(result));
    }
    if (!wanted.empty() && results.empty()) {
        std::string hint = closest_match(wanted, known);
        error(l, b, e - b, Code::ParseExpected,
              fmt::format("no institution '{}' in working memory{}", wanted,
                          hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        return;
    }
    if (results.empty()) {
        out_ << "no institution facts in working memory\n";
        return;
    }
    out_ << render_report(results, ReportFormat::Table, true);
}

std::optional<std::size_t> ReplSession::find_case(const Line& l, std::size_t b, std::size_t e) {
    std::string name = l.text.substr(b, e - b);
    std::vector<std::string> names;
    for (std::size_t k = 0; k < cases_.size(); ++k) {
        if (cases_[k].name == name) return k;
        names.push_back(cases_[k].name);
    }
    std::string hint = closest_match(name, names);
    error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected,
          fmt::format("no case '{}' is loaded{}", name,
                      hint.empty() ? "; `case` lists the cases" : "; did you mean '" + hint + "'?"));
    return std::nullopt;
}

void ReplSession::cmd_case(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        for (std::size_t k = 0; k < cases_.size(); ++k) {
            std::string as_of, title;
            for (const auto& [key, value] : cases_[k].metadata) {
                if (key == "as_of") as_of = value;
                if (key == "title") title = value;
            }
            std::size_t own = 0;
            for (const auto& g : cases_[k].world->given) own += !g.shared;
            out_ << fmt::format("{} {}{}{}  ({} given fact{})\n", k == current_case_ ? "*" : " ", cases_[k].name,
                                as_of.empty() ? "" : "  as of " + as_of, title.empty() ? "" : "  " + title, own,
                                own == 1 ? "" : "s");
        }
        return;
    }
    auto k = find_case(l, b, e);
    if (!k) return;
    if (*k != current_case_ && (scratch_ || consultation_)) {
        error(l, b, e - b, Code::ParseExpected, "a what-if or consultation is active: end it before switching cases");
        return;
    }
    current_case_ = *k;
    out_ << fmt::format("the current case is {}\n", cases_[*k].name);
}

void ReplSession::cmd_compare(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::size_t ae = word_end(l.text, b);
    std::size_t bb = skip_space(l.text, ae);
    std::size_t be = word_end(l.text, bb);
    if (b == e || bb >= e || trim_end(l.text, be, e) != be) {
        error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected, "expected two case names: compare A B");
        return;
    }
    auto first = find_case(l, b, ae);
    if (!first) return;
    auto second = find_case(l, bb, be);
    if (!second) return;
    CaseResult ra = case_result(*first), rb = case_result(*second);
    const std::string& na = ra.case_id;
    const std::string& nb = rb.case_id;
    // Institutions are paired by id; two cases of one institution each are paired whatever their ids.
    std::vector<std::pair<const InstitutionResult*, const InstitutionResult*>> pairs;
    if (ra.institutions.size() == 1 && rb.institutions.size() == 1) {
        pairs.emplace_back(&ra.institutions[0], &rb.institutions[0]);
    } else {
        for (const auto& x : ra.institutions) {
            const InstitutionResult* y = nullptr;
            for (const auto& z : rb.institutions)
                if (z.institution == x.institution) y = &z;
            pairs.emplace_back(&x, y);
        }
        for (const auto& z : rb.institutions)
            if (std::none_of(ra.institutions.begin(), ra.institutions.end(),
                             [&](const InstitutionResult& x) { return x.institution == z.institution; }))
                pairs.emplace_back(nullptr, &z);
    }
    auto type_text = [](const InstitutionResult* r) {
        if (!r) return std::string("-");
        return r->subtype.empty() || r->subtype == "none" ? r->architecture : r->architecture + " (" + r->subtype + ")";
    };
    auto score = [](const InstitutionResult* r, const std::string& pred) {
        if (!r) return std::string("-");
        for (const auto& sc : r->scores)
            if (sc.predicate == pred) return fmt::format("{:.2f}", sc.value);
        return std::string("-");
    };
    auto strains = [](const InstitutionResult* r) {
        if (!r) return std::string("-");
        std::string out;
        for (const auto& st : r->strains) out += (out.empty() ? "" : ", ") + fmt::format("{} {:.2f}", st.kind, st.severity);
        return out.empty() ? std::string("(none)") : out;
    };
    std::size_t width = std::max<std::size_t>({na.size(), 24});
    std::size_t label_width = std::string("  architecture").size();
    for (const auto& [x, y] : pairs)
        for (const auto& sc : (x ? x : y)->scores) label_width = std::max(label_width, sc.predicate.size() + 2);
    label_width += 2;
    // A '*' marks the rows that differ.
    auto row = [&](const std::string& label, const std::string& a, const std::string& bv) {
        std::string mark = a == bv ? "  " : "* ";
        out_ << fmt::format("{}{:<{}}{:<{}}  {}\n", mark, label, label_width, a, width, bv);
    };
    out_ << fmt::format("  {:<{}}{:<{}}  {}\n", "", label_width, na, width, nb);
    for (const auto& [x, y] : pairs) {
        std::string who = x ? x->institution : y->institution;
        if (x && y && x->institution != y->institution) who = x->institution + " / " + y->institution;
        out_ << who << "\n";
        row("  architecture", type_text(x), type_text(y));
        // Every score predicate of the program (collect_results lists them in template order).
        for (const auto& sc : (x ? x : y)->scores) row("  " + sc.predicate, score(x, sc.predicate), score(y, sc.predicate));
        row("  strains", strains(x), strains(y));
    }
    // What differs underneath: the given facts (the case files' own, not the shared ones) and the reasons.
    auto given_texts = [&](std::size_t k) {
        std::set<std::string> out;
        const World& w = k == current_case_ && scratch_ ? *scratch_ : *cases_[k].world;
        for (const auto& g : w.given)
            if (!g.shared) out.insert(format_fact(*program_, g.fact.tmpl, g.fact.values.data()));
        return out;
    };
    auto reason_texts = [](const CaseResult& r) {
        std::set<std::string> out;
        for (const auto& inst : r.institutions) {
            for (const auto& why : inst.reasons)
                out.insert(fmt::format("{} {:+.2f}  {}  [{} {}]", why.toward, why.weight, why.text, why.kind, why.rule));
            for (const auto& st : inst.strains)
                out.insert(fmt::format("strain {} {:.2f}  {}  [{}]", st.kind, st.severity, st.reason, st.rule));
        }
        return out;
    };
    auto only = [&](const std::set<std::string>& a, const std::set<std::string>& other, const std::string& what) {
        std::vector<std::string> list;
        for (const auto& x : a)
            if (!other.count(x)) list.push_back(x);
        out_ << fmt::format("{} ({}):\n", what, list.size());
        for (const auto& x : list) out_ << "  " << x << "\n";
    };
    // A given fact with an `id` slot that both cases have, changed: its slots that differ, rather than two facts.
    auto keyed = [&](std::size_t k) {
        std::map<std::string, const InitialFact*> out;
        const World& w = k == current_case_ && scratch_ ? *scratch_ : *cases_[k].world;
        for (const auto& g : w.given) {
            int id = program_->templates[g.fact.tmpl].slot_index("id");
            if (g.shared || id < 0) continue;
            out[program_->templates[g.fact.tmpl].name + "(id: " + to_source(g.fact.values[id]) + ")"] = &g.fact;
        }
        return out;
    };
    auto ga = given_texts(*first), gb = given_texts(*second);
    std::vector<std::string> changed;
    auto ka = keyed(*first), kb = keyed(*second);
    for (const auto& [key, fa] : ka) {
        auto it = kb.find(key);
        if (it == kb.end() || fa->values == it->second->values) continue;
        const TemplateDef& t = program_->templates[fa->tmpl];
        std::string what;
        for (std::size_t i = 0; i < t.slots.size(); ++i)
            if (!(fa->values[i] == it->second->values[i]))
                what += fmt::format("{}{}: {} -> {}", what.empty() ? "" : ", ", t.slots[i].name,
                                    to_source(fa->values[i]), to_source(it->second->values[i]));
        changed.push_back(key + "  " + what);
        ga.erase(format_fact(*program_, fa->tmpl, fa->values.data()));
        gb.erase(format_fact(*program_, it->second->tmpl, it->second->values.data()));
    }
    if (!changed.empty()) {
        out_ << fmt::format("given facts changed from {} to {} ({}):\n", na, nb, changed.size());
        for (const auto& c : changed) out_ << "  " << c << "\n";
    }
    auto wa = reason_texts(ra), wb = reason_texts(rb);
    only(ga, gb, "given facts only in " + na);
    only(gb, ga, "given facts only in " + nb);
    only(wa, wb, "reasons only in " + na);
    only(wb, wa, "reasons only in " + nb);
}

void ReplSession::cmd_why(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    WhyOptions wopt;
    std::string format = "text";
    // Options may come anywhere after the target; the target is what is left.
    std::size_t target_end = e;
    for (std::size_t i = b; i < e;) {
        std::size_t we = word_end(l.text, i);
        std::string word = l.text.substr(i, we - i);
        if (word == "--depth" || word == "--format") {
            target_end = std::min(target_end, i);
            std::size_t vb = skip_space(l.text, we);
            std::size_t ve = word_end(l.text, vb);
            std::string value = l.text.substr(vb, ve - vb);
            if (word == "--depth") {
                if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 6) {
                    error(l, vb, ve - vb, Code::InvalidNumber, "expected a depth (a number of rule levels)");
                    return;
                }
                wopt.max_depth = std::stoul(value);
            } else {
                if (value != "text" && value != "json" && value != "dot") {
                    error(l, vb, ve - vb, Code::ParseExpected, "expected text, json or dot");
                    return;
                }
                format = value;
            }
            i = skip_space(l.text, ve);
        } else {
            i = skip_space(l.text, we);
        }
    }
    target_end = trim_end(l.text, b, target_end);
    World& w = current();
    settle(w);
    std::vector<WhyNode> trees;
    if (l.text.compare(b, 6, "score ") == 0) {
        // score PRED(ARG, ...)
        std::size_t pb = skip_space(l.text, b + 6);
        std::size_t open = l.text.find('(', pb);
        if (open == std::string::npos || open >= target_end || l.text[target_end - 1] != ')') {
            error(l, pb, target_end - pb, Code::ParseExpected, "expected a score such as community(sco)");
            return;
        }
        std::string pred = l.text.substr(pb, trim_end(l.text, pb, open) - pb);
        auto parts = split_top(l.text, open + 1, target_end - 1, ',');
        const TemplateDef* t = program_->find_score_template(pred, parts.size());
        if (!t) {
            std::vector<std::string> preds;
            for (const auto& tt : program_->templates)
                if (tt.is_score) preds.push_back(tt.predicate);
            std::string hint = closest_match(pred, preds);
            error(l, pb, pred.size(), Code::UnknownTemplate,
                  fmt::format("no score {}/{}{}", pred, parts.size(), hint.empty() ? "" : "; did you mean '" + hint + "'?"));
            return;
        }
        std::vector<Value> args;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            auto [ab, ae] = parts[i];
            std::string why;
            auto v = value_from_text(l.text.substr(ab, ae - ab), false, t->slots[i], why);
            if (!v) {
                error(l, ab, ae - ab, Code::FactBadValue, why);
                return;
            }
            args.push_back(*v);
        }
        trees.push_back(explain_score(*w.engine, sources_, t->id, args, wopt));
    } else {
        auto ids = resolve_facts(l, b, target_end, w);
        if (!ids) return;
        for (FactId id : *ids) trees.push_back(explain_fact(*w.engine, sources_, id, wopt));
    }
    TreeStyle style;
    style.unicode = options_.unicode;
    style.color = options_.color;
    if (format == "json") out_ << render_why_json(trees);
    else if (format == "dot") out_ << render_why_dot(trees);
    else out_ << render_why_text(trees, style);
}

void ReplSession::cmd_why_not(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a pattern such as architecture(institution: sco, type: community)");
        return;
    }
    auto pattern = pattern_in(l, b, e);
    if (!pattern) return;
    const TemplateDef* t = program_->find_template(pattern->template_name.name);
    WhyNotTarget target;
    target.tmpl = t->id;
    target.slots.resize(t->slots.size());
    for (const auto& c : pattern->slots) {
        int slot = t->slot_index(c.slot.name);
        if (slot < 0) {
            error(l, c.slot.span.offset, c.slot.name.size(), Code::UnknownSlot,
                  fmt::format("template '{}' has no slot '{}'", t->name, c.slot.name));
            return;
        }
        if (!c.op || *c.op != ast::CmpOp::Eq || c.values.size() != 1 || c.values.front().is_variable) continue;
        const auto& lit = c.values.front().literal;
        std::string why;
        auto v = value_from_text(literal_text(lit), lit.kind == ast::Literal::Kind::String,
                                 t->slots[static_cast<std::size_t>(slot)], why);
        if (!v) {
            error(l, c.values.front().span.offset, c.values.front().span.length, Code::FactBadValue, why);
            return;
        }
        target.slots[static_cast<std::size_t>(slot)] = *v;
    }
    World& w = current();
    settle(w);
    out_ << render_why_not(why_not(*w.engine, sources_, target), sources_);
}

// ---- what-if ----

void ReplSession::cmd_what_if(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string arg = l.text.substr(b, e - b);
    if (arg.empty()) {
        if (!scratch_) {
            out_ << "no what-if is active; start one with `what-if CHANGE` (see `help what-if`)\n";
            return;
        }
        out_ << "what-if changes:\n";
        for (const auto& c : scratch_->changes) out_ << "  " << c << "\n";
        return;
    }
    if (arg == "off") {
        if (!scratch_) {
            error(l, b, e - b, Code::ParseExpected, "no what-if is active");
            return;
        }
        scratch_.reset();
        out_ << "what-if discarded; back to the session's facts\n";
        return;
    }
    if (arg == "keep") {
        if (!scratch_) {
            error(l, b, e - b, Code::ParseExpected, "no what-if is active");
            return;
        }
        base() = std::move(scratch_);
        base()->changes.clear();
        out_ << "what-if adopted: its facts are now the session's\n";
        return;
    }
    const World& from = current();
    std::vector<GivenFact> given = from.given;
    std::vector<std::string> changes = from.changes;
    for (auto [cb, ce] : split_top(l.text, b, e, ';')) {
        if (cb == ce) continue;
        if (!edit_given(l, cb, ce, from, given)) return;
        changes.push_back(l.text.substr(cb, ce - cb));
    }
    auto world = make_world(std::move(given));
    world->changes = std::move(changes);
    scratch_ = std::move(world);
    out_ << fmt::format("what-if: {} change{} on a scratch copy; classify, why and diff look at it; "
                        "`what-if off` discards it, `what-if keep` adopts it\n",
                        scratch_->changes.size(), scratch_->changes.size() == 1 ? "" : "s");
}

void ReplSession::cmd_diff(const Line& l, std::size_t b) {
    (void)b;
    if (!scratch_) {
        error(l, 0, l.text.size(), Code::ParseExpected, "no what-if is active; `diff` compares a what-if with the session");
        return;
    }
    settle(*base());
    settle(*scratch_);
    auto fact_texts = [&](const World& w, bool given) {
        std::set<std::string> out;
        for (FactId id : w.engine->facts()) {
            FactView f = w.engine->fact(id);
            if ((f.origin == Origin::Given) != given || f.origin == Origin::Score) continue;
            out.insert(format_fact(*program_, f.tmpl, f.values.data()));
        }
        return out;
    };
    std::size_t differences = 0;
    auto set_diff = [&](const std::set<std::string>& before, const std::set<std::string>& after) {
        for (const auto& s : before)
            if (!after.count(s)) {
                out_ << fmt::format("  - {}\n", s);
                ++differences;
            }
        for (const auto& s : after)
            if (!before.count(s)) {
                out_ << fmt::format("  + {}\n", s);
                ++differences;
            }
    };
    out_ << "given facts (- only in the session, + only in the what-if):\n";
    set_diff(fact_texts(*base(), true), fact_texts(*scratch_, true));
    auto before = collect_results(*base()->engine);
    auto after = collect_results(*scratch_->engine);
    out_ << "classification:\n";
    std::set<std::string> names;
    for (const auto& r : before) names.insert(r.institution);
    for (const auto& r : after) names.insert(r.institution);
    for (const auto& name : names) {
        auto find = [&](const std::vector<InstitutionResult>& rs) -> const InstitutionResult* {
            for (const auto& r : rs)
                if (r.institution == name) return &r;
            return nullptr;
        };
        const InstitutionResult* x = find(before);
        const InstitutionResult* y = find(after);
        if (!x || !y) {
            out_ << fmt::format("  {}: {}\n", name, x ? "no longer in working memory" : "new in working memory");
            ++differences;
            continue;
        }
        if (x->architecture != y->architecture || x->subtype != y->subtype) {
            out_ << fmt::format("  {}: type {} ({}) -> {} ({}), by rule {}\n", name, x->architecture, x->subtype,
                                y->architecture, y->subtype, y->architecture_rule.empty() ? "-" : y->architecture_rule);
            ++differences;
        }
        for (const auto& s : x->scores) {
            for (const auto& t : y->scores)
                if (t.predicate == s.predicate && std::fabs(t.value - s.value) > 1e-9) {
                    out_ << fmt::format("  {}: score {} {:.2f} -> {:.2f}\n", name, s.predicate, s.value, t.value);
                    ++differences;
                }
        }
        // A strain is identified by its kind and the rule that found it: one kind can be found for several reasons.
        auto strain_map = [](const InstitutionResult& r) {
            std::map<std::string, const StrainResult*> m;
            for (const auto& s : r.strains) m[s.kind + " [" + s.rule + "]"] = &s;
            return m;
        };
        auto sx = strain_map(*x), sy = strain_map(*y);
        for (const auto& [kind, s] : sx) {
            auto it = sy.find(kind);
            if (it == sy.end()) {
                out_ << fmt::format("  {}: strain {} gone (was {:.2f})\n", name, kind, s->severity);
                ++differences;
            } else if (std::fabs(it->second->severity - s->severity) > 1e-9) {
                out_ << fmt::format("  {}: strain {} {:.2f} -> {:.2f}\n", name, kind, s->severity, it->second->severity);
                ++differences;
            }
        }
        for (const auto& [kind, s] : sy)
            if (!sx.count(kind)) {
                out_ << fmt::format("  {}: strain {} new ({:.2f}): {}\n", name, kind, s->severity, s->reason);
                ++differences;
            }
    }
    out_ << "every derived fact (- no longer derived, + newly derived):\n";
    set_diff(fact_texts(*base(), false), fact_texts(*scratch_, false));
    if (differences == 0) out_ << "no differences\n";
}

// ---- consult ----


void ReplSession::cmd_consult(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string who = l.text.substr(b, e - b);
    const TemplateDef* inst = program_->find_template("institution");
    if (!inst || inst->slot_index("id") < 0) {
        error(l, 0, l.text.size(), Code::UnknownTemplate, "the rules define no institution(id: ...) template to consult on");
        return;
    }
    std::vector<std::string> known;
    auto slot = static_cast<std::size_t>(inst->slot_index("id"));
    for (FactId id : current().engine->facts_of(inst->id)) known.push_back(to_display(current().engine->fact(id).values[slot]));
    if (who.empty() || std::find(known.begin(), known.end(), who) == known.end()) {
        std::string hint = who.empty() ? "" : closest_match(who, known);
        error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected,
              who.empty() ? "expected an institution id"
                          : fmt::format("no institution '{}' in working memory{}", who,
                                        hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        return;
    }
    consultation_ = std::make_unique<Consultation>();
    consultation_->institution = who;
    out_ << fmt::format("consulting on {}: answer each question, press Enter for the default, or say unknown, why "
                        "or done\n", who);
    consult_next();
}

void ReplSession::consult_next() {
    Consultation& c = *consultation_;
    std::vector<InitialFact> given;
    for (const auto& g : current().given) given.push_back(g.fact);
    auto questions = rank_questions(*program_, given, c.institution, c.skipped);
    if (questions.empty()) {
        out_ << fmt::format("no more questions; {} answered\n", c.answered);
        consultation_.reset();
        return;
    }
    c.question = std::move(questions.front());
    const Question& q = *c.question;
    std::string answers;
    for (const auto& a : q.answers) answers += (answers.empty() ? "" : " | ") + to_display(a);
    out_ << q.text << "\n  answers: " << answers;
    if (q.default_answer) out_ << "  (default: " << to_display(*q.default_answer) << ")";
    out_ << "\n";
}

void ReplSession::consult_answer(const Line& l) {
    Consultation& c = *consultation_;
    const Question& q = *c.question;
    std::size_t b = skip_space(l.text, 0);
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string answer = l.text.substr(b, e - b);
    if (answer == "done") {
        out_ << fmt::format("consultation ended; {} answered\n", c.answered);
        consultation_.reset();
        return;
    }
    if (answer == "unknown") {
        c.skipped.emplace_back(q.tmpl, q.slot);
        consult_next();
        return;
    }
    if (answer == "why") {
        out_ << "  used by:";
        for (const auto& r : q.used_by) out_ << " " << r;
        out_ << "\n";
        for (const auto& effect : q.effects) out_ << "  " << effect << "\n";
        return;
    }
    const TemplateDef& t = program_->templates.at(q.tmpl);
    const SlotDef& slot = t.slots.at(q.slot);
    if (q.new_fact && !q.other_required.empty()) {
        // One answer cannot make this fact: it needs other required slots too. Say so and go on.
        std::string names;
        for (SlotIndex s : q.other_required) names += (names.empty() ? "" : ", ") + t.slots.at(s).name;
        out_ << fmt::format("  a {} fact also needs {}: give it with `assert` after the interview; skipped\n", t.name,
                            names);
        c.skipped.emplace_back(q.tmpl, q.slot);
        consult_next();
        return;
    }
    std::optional<Value> value;
    if (answer.empty()) {
        if (!q.default_answer) {
            error(l, b, 1, Code::ParseExpected, "this question has no default; give an answer, `unknown` or `done`");
            return;
        }
        value = q.default_answer;
    } else {
        bool quoted = answer.size() >= 2 && answer.front() == '"' && answer.back() == '"';
        std::string why;
        value = value_from_text(quoted ? answer.substr(1, answer.size() - 2) : answer, quoted, slot, why);
        if (!value) {
            error(l, b, e - b, Code::FactBadValue, why);
            return;
        }
        if (std::string problem = slot_range_problem(slot, *value); !problem.empty()) {
            error(l, b, e - b, Code::OutOfRange, problem);
            return;
        }
    }
    // The answer goes into the given fact of this template about the institution, or into a new one.
    World& w = current();
    int who_slot = institution_slot(t);
    Value who = Value::symbol(c.institution);
    std::optional<std::size_t> index;
    for (std::size_t i = 0; i < w.given.size(); ++i)
        if (w.given[i].fact.tmpl == t.id && who_slot >= 0 &&
            equal_for_match(w.given[i].fact.values[static_cast<std::size_t>(who_slot)], who))
            index = i;
    if (index) {
        InitialFact& g = w.given[*index].fact;
        auto old_id = w.engine->find_fact(g.tmpl, g.values);
        std::pair<SlotIndex, Value> change{q.slot, *value};
        if (old_id) w.engine->modify(*old_id, std::span(&change, 1));
        g.values[q.slot] = *value;
    } else {
        InitialFact f;
        f.tmpl = t.id;
        for (std::size_t s = 0; s < t.slots.size(); ++s) {
            if (s == q.slot) f.values.push_back(*value);
            else if (static_cast<int>(s) == who_slot) f.values.push_back(who);
            else if (t.slots[s].default_value) f.values.push_back(*t.slots[s].default_value);
            else {
                error(l, b, std::max<std::size_t>(e - b, 1), Code::MissingSlot,
                      fmt::format("cannot record this answer: slot '{}' of '{}' has no default; use `assert`", t.slots[s].name,
                                  t.name));
                return;
            }
        }
        w.engine->assert_fact(f.tmpl, f.values, f.span);
        w.given.push_back({std::move(f), false});
    }
    ++c.answered;
    // rank_questions cannot tell an answered optional slot that holds its default from an unanswered one.
    c.skipped.emplace_back(q.tmpl, q.slot);
    settle(w);
    for (const auto& r : collect_results(*w.engine)) {
        if (r.institution != c.institution) continue;
        std::string scores;
        for (const auto& s : r.scores) scores += fmt::format(", {} {:.2f}", s.predicate, s.value);
        out_ << fmt::format("  now: {} ({}){}\n", r.architecture, r.subtype, scores);
    }
    consult_next();
}


// ---- files, rules, statistics ----

void ReplSession::cmd_load(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a file: rules (.rules) or facts (.yaml)");
        return;
    }
    std::string path = l.text.substr(b, e - b);
    std::string ext = fs::path(path).extension().string();
    if (ext == ".yaml" || ext == ".yml") {
        std::string why;
        FileId id = sources_.load(path, why);
        if (id == 0) {
            error(l, b, e - b, Code::CannotReadFile, why);
            return;
        }
        DiagnosticSink sink;
        auto facts = read_fact_file(sources_.file(id), *program_, sink);
        RenderOptions ro;
        ro.color = options_.color;
        if (!sink.diagnostics().empty()) out_ << render_all(sink, sources_, ro);
        if (!facts) return;
        // A case file is a world of its own (cases never mix): a new case, or its own case again. Any other fact
        // file joins the current case. Either way its references are checked against the facts of that world.
        const MetaValue* case_name = facts->meta("case");
        std::string name = case_name && case_name->kind == MetaValue::Kind::Scalar ? case_name->scalar
                                                                                   : fs::path(path).stem().string();
        bool new_case = false;
        if (facts->is_case) {
            auto it = std::find_if(cases_.begin(), cases_.end(), [&](const Case& c) { return c.name == name; });
            bool only_session = cases_.size() == 1 && cases_.front().name == "session" &&
                                std::none_of(base()->given.begin(), base()->given.end(),
                                             [](const GivenFact& g) { return !g.shared; });
            if (it == cases_.end() || only_session) {
                if (scratch_ || consultation_) {
                    error(l, b, e - b, Code::ParseExpected,
                          "a what-if or consultation is active: end it before loading another case");
                    return;
                }
                new_case = true;
            } else if (static_cast<std::size_t>(it - cases_.begin()) != current_case_) {
                error(l, b, e - b, Code::ParseExpected,
                      fmt::format("'{}' is loaded as another case; `case {}` first to add to it", name, name));
                return;
            }
        }
        std::vector<GivenFact> shared_given;
        for (const auto& g : base()->given)
            if (g.shared) shared_given.push_back(g);
        const std::vector<GivenFact>& into = new_case ? shared_given : current().given;
        RefIndex index(*program_);
        for (const auto& g : into) index.add(g.fact.tmpl, g.fact.values.data());
        for (const auto& f : facts->facts) index.add(f.tmpl, f.values.data());
        DiagnosticSink ref_sink;
        if (!check_file_refs(*program_, index, *facts, ref_sink)) {
            out_ << render_all(ref_sink, sources_, ro);
            return;
        }
        if (new_case) {
            Case c;
            c.name = name;
            for (const char* key : {"case", "as_of", "title"})
                if (const MetaValue* m = facts->meta(key); m && m->kind == MetaValue::Kind::Scalar)
                    c.metadata.emplace_back(key, m->scalar);
            std::vector<GivenFact> given = shared_given;
            for (auto& f : facts->facts) given.push_back({std::move(f), false});
            std::size_t count = given.size() - shared_given.size();
            c.world = make_world(std::move(given));
            bool replace = cases_.size() == 1 && cases_.front().name == "session" &&
                           std::none_of(cases_.front().world->given.begin(), cases_.front().world->given.end(),
                                        [](const GivenFact& g) { return !g.shared; });
            if (replace) cases_.clear();
            cases_.push_back(std::move(c));
            current_case_ = cases_.size() - 1;
            out_ << fmt::format("{} fact{} asserted from {} as case {}, in its own world{}\n", count,
                                count == 1 ? "" : "s", path, name,
                                cases_.size() > 1 ? fmt::format("; it is now the current case ({} cases: `case` lists "
                                                                "them, `compare` sets two side by side)",
                                                                cases_.size())
                                                  : "");
            return;
        }
        World& w = current();
        std::size_t added = 0;
        for (auto& f : facts->facts) {
            bool present = std::any_of(w.given.begin(), w.given.end(), [&](const GivenFact& g) {
                return g.fact.tmpl == f.tmpl && g.fact.values == f.values;
            });
            if (present) continue;
            w.engine->assert_fact(f.tmpl, f.values, f.span);
            w.given.push_back({std::move(f), false});
            ++added;
        }
        out_ << fmt::format("{} fact{} asserted from {}\n", added, added == 1 ? "" : "s", path);
        return;
    }
    if (ext != ".rules") {
        error(l, b, e - b, Code::CannotReadFile, fmt::format("'{}' is neither a rule file (.rules) nor a fact file (.yaml)", path));
        return;
    }
    if (scratch_) {
        error(l, b, e - b, Code::ParseExpected, "a what-if is active: `what-if off` or `what-if keep` before loading rules");
        return;
    }
    std::vector<std::string> files = rule_files_;
    files.push_back(path);
    LoadOptions load_options;
    load_options.search_path = options_.rules_path;
    for (auto& dir : default_rules_path()) load_options.search_path.push_back(std::move(dir));
    DiagnosticSink sink;
    auto program = load_program(files, load_options, sources_, sink);
    RenderOptions ro;
    ro.color = options_.color;
    if (!sink.diagnostics().empty()) out_ << render_all(sink, sources_, ro);
    if (!program) {
        out_ << "the rules were not loaded; the session is unchanged\n";
        return;
    }
    auto next = std::make_unique<Program>(std::move(*program));
    // The given facts carry template ids of the old program: map them by template and slot name, case by case.
    std::vector<std::vector<GivenFact>> replay(cases_.size());
    std::size_t replayed = 0;
    for (std::size_t k = 0; k < cases_.size(); ++k) {
        for (const auto& g : cases_[k].world->given) {
            const TemplateDef& old_t = program_->templates.at(g.fact.tmpl);
            const TemplateDef* t = next->find_template(old_t.name);
            GivenFact moved{{}, g.shared};
            moved.fact.span = g.fact.span;
            if (t) {
                moved.fact.tmpl = t->id;
                for (const auto& s : t->slots) {
                    int old = old_t.slot_index(s.name);
                    if (old >= 0)
                        moved.fact.values.push_back(g.fact.values[static_cast<std::size_t>(old)]);
                    else if (s.default_value)
                        moved.fact.values.push_back(*s.default_value);
                    else {
                        t = nullptr;
                        break;
                    }
                }
            }
            if (!t) {
                error(l, b, e - b, Code::MissingSlot,
                      fmt::format(
                          "with these rules the given fact {} no longer fits its template; the session is unchanged",
                          format_fact(*program_, g.fact.tmpl, g.fact.values.data())));
                return;
            }
            replay[k].push_back(std::move(moved));
            ++replayed;
        }
    }
    // Swap in order: the old engines go before the old program they refer to.
    std::swap(program_, next);
    for (std::size_t k = 0; k < cases_.size(); ++k) cases_[k].world = make_world(std::move(replay[k]));
    next.reset();
    rule_files_ = std::move(files);
    out_ << fmt::format("{} rules loaded; {} given facts replayed\n", program_->rules.size(), replayed);
}

void ReplSession::cmd_save(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string path = l.text.substr(b, e - b);
    std::string ext = fs::path(path).extension().string();
    if (path.empty() || (ext != ".yaml" && ext != ".yml")) {
        error(l, b, std::max<std::size_t>(e - b, 1), Code::CannotWriteFile, "expected a file name ending in .yaml");
        return;
    }
    // Checked here so that the message does not name write_file_atomically's temporary file.
    fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
        error(l, b, e - b, Code::CannotWriteFile, fmt::format("cannot write '{}': no directory '{}'", path, parent.string()));
        return;
    }
    const World& w = current();
    std::string text = "# Written by `covenant repl`: the session's given facts.\n";
    for (const auto& [key, value] : case_metadata())
        text += key + ": " + (key == "as_of" ? value : yaml_quoted(value)) + "\n";
    text += "facts:\n";
    // Grouped by template (a YAML mapping cannot repeat a key), templates in order of first appearance.
    std::vector<TemplateId> order;
    // Facts of case templates (the snapshot) come from the header written above: the reader makes them again.
    auto written = [&](const GivenFact& g) { return !g.shared && !program_->templates[g.fact.tmpl].is_case_template(); };
    for (const auto& g : w.given)
        if (written(g) && std::find(order.begin(), order.end(), g.fact.tmpl) == order.end()) order.push_back(g.fact.tmpl);
    std::size_t n = 0;
    for (TemplateId tmpl : order) {
        const TemplateDef& t = program_->templates.at(tmpl);
        text += "  " + t.name + ":\n";
        for (const auto& g : w.given) {
            if (!written(g) || g.fact.tmpl != tmpl) continue;
            std::string slots;
            for (std::size_t s = 0; s < t.slots.size(); ++s) {
                const Value& v = g.fact.values[s];
                // Slots at their default are left out, as a person would write the file.
                if (t.slots[s].default_value && *t.slots[s].default_value == v) continue;
                slots += (slots.empty() ? "" : ", ") + t.slots[s].name + ": " + yaml_value(v);
            }
            text += "    - {" + slots + "}\n";
            ++n;
        }
    }
    std::string why;
    if (!write_file_atomically(path, text, why)) {
        error(l, b, e - b, Code::CannotWriteFile, why);
        return;
    }
    out_ << fmt::format("{} fact{} written to {}\n", n, n == 1 ? "" : "s", path);
}

void ReplSession::cmd_explain(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string name = l.text.substr(b, e - b);
    const Rule* r = program_->find_rule(name);
    if (!r) {
        std::vector<std::string> names;
        for (const auto& x : program_->rules) names.push_back(x.name);
        std::string hint = name.empty() ? "" : closest_match(name, names);
        error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected,
              name.empty() ? "expected a rule name; `rules` lists them"
                           : fmt::format("no rule '{}'{}", name, hint.empty() ? "" : "; did you mean '" + hint + "'?"));
        return;
    }
    out_ << fmt::format("{} {} ({})\n", rule_kind_name(r->kind), r->name, location_text(sources_, r->span));
    if (!r->doc.empty()) out_ << "  " << r->doc << "\n";
    if (r->span.file != 0 && r->span.file < sources_.size()) {
        const SourceFile& f = sources_.file(r->span.file);
        if (r->span.offset + r->span.length <= f.text.size()) out_ << f.text.substr(r->span.offset, r->span.length) << "\n";
    }
}

void ReplSession::cmd_stats(const Line&, std::size_t) {
    const World& w = current();
    EngineStats s = w.engine->stats();
    std::size_t templates = 0;
    for (const auto& t : program_->templates)
        if (!t.is_score) ++templates;
    out_ << fmt::format("rules:        {} in {} packs, {} templates\n", program_->rules.size(), program_->packs.size(),
                        templates)
         << fmt::format("given facts:  {}\n", w.given.size())
         << fmt::format("facts:        {} live, {} peak, {} asserted, {} retracted\n", s.live_facts, s.peak_facts,
                        s.facts_asserted, s.facts_retracted)
         << fmt::format("firings:      {}\n", s.firings)
         << fmt::format("activations:  {} created, {} waiting\n", s.activations_created, w.engine->agenda().size())
         << fmt::format("network:      {} nodes, {} tokens\n", s.rete_nodes, s.tokens);
}

// ---- completion ----

std::vector<std::string> ReplSession::complete(std::string_view before, std::string_view word) const {
    std::vector<std::string> candidates;
    std::string line(before);
    std::size_t b = skip_space(line, 0);
    std::size_t e = word_end(line, b);
    if (consultation_) {
        if (consultation_->question)
            for (const auto& a : consultation_->question->answers) candidates.push_back(to_display(a));
        for (const char* w : {"unknown", "why", "done"}) candidates.emplace_back(w);
    } else if (b == line.size()) {
        candidates = command_names();
    } else {
        std::string command = line.substr(b, e - b);
        if (command == "help") {
            candidates = command_names();
        } else if (command == "watch") {
            candidates = {"facts", "rules", "activations", "off"};
        } else if (command == "explain") {
            for (const auto& r : program_->rules) candidates.push_back(r.name);
        } else if (command == "rules") {
            for (const auto& r : program_->rules) candidates.push_back(r.name);
        } else if (command == "case" || command == "compare") {
            for (const auto& c : cases_) candidates.push_back(c.name);
        } else if (command == "classify" || command == "consult") {
            if (const TemplateDef* inst = program_->find_template("institution"); inst && inst->slot_index("id") >= 0)
                for (FactId id : current().engine->facts_of(inst->id))
                    candidates.push_back(
                        to_display(current().engine->fact(id).values[static_cast<std::size_t>(inst->slot_index("id"))]));
        } else {
            // Inside an open parenthesis: slot names of the template before it; otherwise templates and fact ids.
            int depth = 0;
            std::size_t open = std::string::npos;
            for (std::size_t i = line.size(); i-- > e;) {
                if (line[i] == ')') ++depth;
                else if (line[i] == '(' && depth-- == 0) {
                    open = i;
                    break;
                }
            }
            if (open != std::string::npos) {
                std::size_t ne = open;
                std::size_t nb = ne;
                while (nb > 0 && (std::isalnum(static_cast<unsigned char>(line[nb - 1])) || line[nb - 1] == '_')) --nb;
                if (const TemplateDef* t = program_->find_template(line.substr(nb, ne - nb)))
                    for (const auto& s : t->slots) candidates.push_back(s.name + ":");
            } else {
                if (command == "what-if")
                    for (const char* w : {"off", "keep", "assert", "retract", "modify"}) candidates.emplace_back(w);
                if (command == "why") candidates.emplace_back("score");
                for (const auto& t : program_->templates)
                    if (!t.is_score) candidates.push_back(t.name);
                if (command != "assert" && command != "facts")
                    for (FactId id : current().engine->facts()) candidates.push_back(fmt::format("f-{}", id));
            }
        }
    }
    std::vector<std::string> out;
    for (auto& c : candidates)
        if (c.compare(0, word.size(), word) == 0) out.push_back(std::move(c));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace covenant::cli
