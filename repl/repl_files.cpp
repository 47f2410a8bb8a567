// Files: `load` (rule files rebuild the program; case files become cases; other fact files join the current case)
// and `save` (the current case's given facts as a case file, written by kb/fact_writer.hpp).
#include <algorithm>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "base/file_io.hpp"
#include "check/check.hpp"
#include "classify/html_report.hpp"
#include "kb/fact_writer.hpp"
#include "kb/world.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

void ReplSession::cmd_load(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a file: rules (.rules) or facts (.yaml)");
        return;
    }
    std::string path = l.text.substr(b, e - b);
    std::string ext = fs::path(path).extension().string();
    if (ext == ".yaml" || ext == ".yml") load_fact_file(l, b, e, path);
    else if (ext == ".rules") load_rule_file(l, b, e, path);
    else
        error(l, b, e - b, Code::CannotReadFile,
              fmt::format("'{}' is neither a rule file (.rules) nor a fact file (.yaml)", path));
}

bool ReplSession::only_placeholder_case() const {
    return cases_.size() == 1 && cases_.front().name == "session" &&
           std::none_of(cases_.front().world->given.begin(), cases_.front().world->given.end(),
                        [](const GivenFact& g) { return !g.shared; });
}

void ReplSession::load_fact_file(const Line& l, std::size_t b, std::size_t e, const std::string& path) {
    std::string why;
    FileId id = sources_.load(path, why);
    if (id == 0) {
        error(l, b, e - b, Code::CannotReadFile, why);
        return;
    }
    DiagnosticSink sink;
    auto facts = read_fact_file(sources_.file(id), *program_, sink);
    if (!sink.diagnostics().empty()) report(sink);
    if (!facts) return;
    // A case file is a world of its own (cases never mix): a new case, or its own case again. Any other fact
    // file joins the current case. Either way its references are checked against the facts of that world.
    CaseHeader header = case_header(*facts, path);
    auto new_case = load_target(l, b, e, *facts, header.name);
    if (!new_case) return;
    std::vector<GivenFact> shared_given;
    for (const auto& g : base()->given)
        if (g.shared) shared_given.push_back(g);
    const std::vector<GivenFact>& into = *new_case ? shared_given : current().given;
    RefIndex index(*program_);
    for (const auto& g : into) index.add(g.fact.tmpl, g.fact.values.data());
    for (const auto& f : facts->facts) index.add(f.tmpl, f.values.data());
    DiagnosticSink ref_sink;
    if (!check_file_refs(*program_, index, *facts, ref_sink)) {
        report(ref_sink);
        return;
    }
    if (!*new_case) {
        join_current(facts->facts, path);
        return;
    }
    std::size_t own = facts->facts.size();
    for (auto& f : facts->facts) shared_given.push_back({std::move(f), false});
    add_case(std::move(header.name), std::move(header.metadata), std::move(shared_given), own, path);
}

std::optional<bool> ReplSession::load_target(const Line& l, std::size_t b, std::size_t e, const FactFile& file,
                                             const std::string& name) {
    if (!file.is_case) return false;
    auto it = std::find_if(cases_.begin(), cases_.end(), [&](const Case& c) { return c.name == name; });
    if (it == cases_.end() || only_placeholder_case()) {
        if (scratch_ || consultation_) {
            error(l, b, e - b, Code::ParseExpected,
                  "a what-if or consultation is active: end it before loading another case");
            return std::nullopt;
        }
        return true;
    }
    if (static_cast<std::size_t>(it - cases_.begin()) != current_case_) {
        error(l, b, e - b, Code::ParseExpected,
              fmt::format("'{}' is loaded as another case; `case {}` first to add to it", name, name));
        return std::nullopt;
    }
    return false;
}

void ReplSession::add_case(std::string name, std::vector<std::pair<std::string, std::string>> metadata,
                           std::vector<GivenFact> given, std::size_t own, const std::string& path) {
    if (only_placeholder_case()) cases_.clear();
    cases_.push_back({std::move(name), std::move(metadata), make_world(std::move(given))});
    current_case_ = cases_.size() - 1;
    out_ << fmt::format("{} fact{} asserted from {} as case {}, in its own world{}\n", own, own == 1 ? "" : "s", path,
                        cases_.back().name,
                        cases_.size() > 1 ? fmt::format("; it is now the current case ({} cases: `case` lists "
                                                        "them, `compare` sets two side by side)",
                                                        cases_.size())
                                          : "");
}

void ReplSession::join_current(std::vector<InitialFact>& facts, const std::string& path) {
    World& w = current();
    std::size_t added = 0;
    for (auto& f : facts) {
        bool present = std::any_of(w.given.begin(), w.given.end(), [&](const GivenFact& g) {
            return g.fact.tmpl == f.tmpl && g.fact.values == f.values;
        });
        if (present) continue;
        w.engine->assert_fact(f.tmpl, f.values, f.span);
        w.given.push_back({std::move(f), false});
        ++added;
    }
    out_ << fmt::format("{} fact{} asserted from {}\n", added, added == 1 ? "" : "s", path);
}

void ReplSession::load_rule_file(const Line& l, std::size_t b, std::size_t e, const std::string& path) {
    if (scratch_) {
        error(l, b, e - b, Code::ParseExpected,
              "a what-if is active: `what-if off` or `what-if keep` before loading rules");
        return;
    }
    std::vector<std::string> files = rule_files_;
    files.push_back(path);
    DiagnosticSink sink;
    auto program = load_program(files, load_options(), sources_, sink);
    if (!sink.diagnostics().empty()) report(sink);
    if (!program) {
        out_ << "the rules were not loaded; the session is unchanged\n";
        return;
    }
    auto next = std::make_unique<Program>(std::move(*program));
    std::size_t replayed = 0;
    auto replay = replay_onto(*next, l, b, e, replayed);
    if (!replay) return;
    // Swap in order: the old engines go before the old program they refer to.
    std::swap(program_, next);
    profile_.rules.clear();  // counted by the old program's rule ids
    profile_.clear();
    stopped_at_.reset();
    for (std::size_t k = 0; k < cases_.size(); ++k) cases_[k].world = make_world(std::move((*replay)[k]));
    next.reset();
    rule_files_ = std::move(files);
    out_ << fmt::format("{} rules loaded; {} given facts replayed\n", program_->rules.size(), replayed);
}

std::optional<std::vector<std::vector<GivenFact>>> ReplSession::replay_onto(const Program& next, const Line& l,
                                                                            std::size_t b, std::size_t e,
                                                                            std::size_t& replayed) {
    // The given facts carry template ids of the old program: map them by template and slot name (nullopt when the
    // template or a slot without a default is gone).
    auto move_fact = [&](const InitialFact& f) -> std::optional<InitialFact> {
        const TemplateDef& old_t = program_->templates.at(f.tmpl);
        const TemplateDef* t = next.find_template(old_t.name);
        if (!t) return std::nullopt;
        InitialFact moved;
        moved.span = f.span;
        moved.tmpl = t->id;
        for (const auto& s : t->slots) {
            int old = old_t.slot_index(s.name);
            if (old >= 0) moved.values.push_back(f.values[static_cast<std::size_t>(old)]);
            else if (s.default_value) moved.values.push_back(*s.default_value);
            else return std::nullopt;
        }
        return moved;
    };
    auto same = [](const InitialFact& x, const InitialFact& y) { return x.tmpl == y.tmpl && x.values == y.values; };
    std::vector<std::vector<GivenFact>> replay(cases_.size());
    for (std::size_t k = 0; k < cases_.size(); ++k) {
        const std::vector<GivenFact>& given = cases_[k].world->given;
        // The facts blocks come from the new program, less those of the old one this case no longer has (the user
        // retracted or modified them): those stay withdrawn.
        std::vector<InitialFact> withdrawn;
        for (const auto& o : program_->facts) {
            bool kept = std::any_of(given.begin(), given.end(),
                                    [&](const GivenFact& g) { return g.from_rules && same(g.fact, o); });
            if (auto moved = move_fact(o); !kept && moved) withdrawn.push_back(std::move(*moved));
        }
        for (auto& g : rules_facts(next))
            if (std::none_of(withdrawn.begin(), withdrawn.end(), [&](const InitialFact& w) { return same(w, g.fact); }))
                replay[k].push_back(std::move(g));
        // Then the rest of the record, in order: facts-block facts the user modified, shared files, the case's own.
        for (const auto& g : given) {
            auto is_this = [&](const InitialFact& o) { return same(o, g.fact); };
            if (g.from_rules && std::any_of(program_->facts.begin(), program_->facts.end(), is_this))
                continue;  // read again from the new program above
            auto moved = move_fact(g.fact);
            if (!moved) {
                error(l, b, e - b, Code::MissingSlot,
                      fmt::format(
                          "with these rules the given fact {} no longer fits its template; the session is unchanged",
                          format_fact(*program_, g.fact.tmpl, g.fact.values.data())));
                return std::nullopt;
            }
            ++replayed;
            auto is_moved = [&](const GivenFact& r) { return same(r.fact, *moved); };
            if (std::any_of(replay[k].begin(), replay[k].end(), is_moved))
                continue;  // a fact given again by a facts block of the new rules
            replay[k].push_back({std::move(*moved), g.shared, g.from_rules});
        }
    }
    return replay;
}

// The file a command writes, from l.text[b, e): a name ending in `ext` (or `alt`) in a directory that exists —
// checked here so that the message does not name write_file_atomically's temporary file. Reports and returns
// nothing otherwise.
std::optional<std::string> ReplSession::output_path(const Line& l, std::size_t b, std::size_t e, const char* ext,
                                                    const char* alt) {
    std::string path = l.text.substr(b, e - b);
    std::string got = fs::path(path).extension().string();
    if (path.empty() || (got != ext && got != alt)) {
        error(l, b, std::max<std::size_t>(e - b, 1), Code::CannotWriteFile,
              fmt::format("expected a file name ending in {}", ext));
        return std::nullopt;
    }
    fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
        error(l, b, e - b, Code::CannotWriteFile,
              fmt::format("cannot write '{}': no directory '{}'", path, parent.string()));
        return std::nullopt;
    }
    return path;
}

// The session's cases as `covenant report`'s page. Sources and left_out are not kept by the session, so the page
// shows the title and results only.
void ReplSession::cmd_report(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::optional<std::string> path = output_path(l, b, e, ".html", ".htm");
    if (!path) return;
    std::vector<CaseResult> results;
    for (std::size_t k = 0; k < cases_.size(); ++k)
        if (!scratch_ || k == current_case_) results.push_back(case_result(k, true));
    HtmlReportOptions options;
    options.title = "Covenant session report";
    for (const auto& p : program_->packs)
        if (!p.name.empty()) options.packs.push_back(p.name);
    std::string page =
        render_html_report(results, report_labels(*program_), score_thresholds(*program_), options);
    std::string why;
    if (!write_file_atomically(*path, page, why)) {
        error(l, b, e - b, Code::CannotWriteFile, why);
        return;
    }
    out_ << fmt::format("{} case{} written to {}\n", results.size(), results.size() == 1 ? "" : "s", *path);
}

void ReplSession::cmd_save(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::optional<std::string> path = output_path(l, b, e, ".yaml", ".yml");
    if (!path) return;
    // The case's own facts: the shared ones (kb/threats.yaml) are not part of the case file.
    std::vector<InitialFact> own;
    for (const auto& g : current().given)
        if (!g.shared) own.push_back(g.fact);
    FactFileText file =
        write_fact_file(*program_, "Written by `covenant repl`: the session's given facts.", case_metadata(), own);
    std::string why;
    if (!write_file_atomically(*path, file.text, why)) {
        error(l, b, e - b, Code::CannotWriteFile, why);
        return;
    }
    out_ << fmt::format("{} fact{} written to {}\n", file.facts, file.facts == 1 ? "" : "s", *path);
}

}  // namespace covenant::cli
