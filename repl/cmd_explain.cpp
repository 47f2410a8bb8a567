// covenant explain CASE.yaml [--institution ID] [--format text|json|dot]: the derivation of every reported
// conclusion and finding of a case (engine/explain/why.hpp, docs/cli.md).
#include <iostream>

#include <fmt/format.h>

#include "commands_domain.hpp"
#include "domain_common.hpp"
#include <unistd.h>

#include <cstdlib>

#include "explain/why.hpp"
#include "runtime/engine.hpp"

namespace covenant::cli {

CLI::App* add_explain_command(CLI::App& app, ExplainCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "explain",
        "Explain why a case got its architecture type and strains: the derivation tree of each conclusion, down\n"
        "to the given facts (with the case file and line they came from).");
    cmd->add_option("CASE.yaml", o.input, "The case file")->required();
    cmd->add_option("--institution", o.institution, "Only this institution (default: every institution in the case)");
    cmd->add_option("--format", o.format, "text | json | dot (Graphviz: dot -Tsvg)")
        ->check(CLI::IsMember({"text", "json", "dot"}));
    cmd->add_option("--depth", o.depth, "How many rule levels to follow (default 32)");
    add_pack_options(cmd, o.rules, o.facts, o.no_default_facts, &o.verbose, "asserted first");
    cmd->add_flag("--no-color", o.no_color, "Never colour output");
    return cmd;
}

int run_explain(const ExplainCommandOptions& o) {
    Loaded loaded;
    if (!load_for_cases(o.rules, o.facts, o.no_default_facts, o.verbose, o.no_color, loaded)) return kExitInputError;
    Session& s = loaded.session;
    std::string why;
    FileId id = s.sources.load(o.input, why);
    if (id == 0) {
        std::cerr << "covenant: error[" << code_id(Code::CannotReadFile) << "]: " << why << "\n";
        return kExitInputError;
    }
    DiagnosticSink sink;
    auto ff = read_fact_file(s.sources.file(id), *s.program, sink);
    if (!ff) {
        std::cerr << render_all(sink, s.sources);
        return kExitInputError;
    }
    Engine engine(*s.program);
    engine.reset();
    for (const auto& shared : loaded.classify.shared_facts)
        for (const auto& f : shared.facts) engine.assert_fact(f.tmpl, f.values, f.span);
    for (const auto& f : ff->facts) engine.assert_fact(f.tmpl, f.values, f.span);
    RunLimits limits;
    limits.max_firings = 1'000'000;
    engine.set_output(std::cerr);  // a pack's `print` output is not the explanation (stdout: text, JSON or DOT)
    RunResult run = engine.run(limits);
    if (run.reason != StopReason::Quiescent && run.reason != StopReason::Halted) {
        std::cerr << "covenant: the run did not finish: " << stop_reason_text(run.reason) << "\n";
        for (const auto& e : run.errors) std::cerr << render_run_error(e, engine.sources()) << "\n";
        return run.reason == StopReason::Error ? kExitInputError : kExitLimit;
    }

    const Program& p = *s.program;
    // What to explain: every reported conclusion and finding (`report`, docs/language.md §12) about each subject.
    const ReportSpec& spec = p.report;
    if (!spec.subject) {
        std::cerr << "covenant: the rules declare no subject (`report subject TEMPLATE`); use `covenant run` for "
                     "other packs\n";
        return kExitInputError;
    }
    const TemplateDef& inst = p.templates[spec.subject->tmpl];
    std::vector<std::pair<TemplateId, SlotIndex>> reported;  // template, its slot naming the subject
    for (const auto& c : spec.conclusions) reported.emplace_back(c.tmpl, c.link);
    for (const auto& f : spec.findings) reported.emplace_back(f.tmpl, f.link);
    std::vector<FactId> targets;
    bool found = false;
    for (FactId f : engine.facts_of(inst.id)) {
        std::string who = to_display(engine.fact(f).values[spec.subject->key]);
        if (!o.institution.empty() && who != o.institution) continue;
        found = true;
        for (const auto& [tmpl, link] : reported)
            for (FactId c : engine.facts_of(tmpl))
                if (to_display(engine.fact(c).values[link]) == who) targets.push_back(c);
    }
    if (!found) {
        std::cerr << "covenant: no " << inst.name << " '" << o.institution << "' in " << o.input << "\n";
        return kExitInputError;
    }
    WhyOptions wopt;
    wopt.max_depth = o.depth;
    TreeStyle style;
    style.unicode = ::isatty(STDOUT_FILENO) && !o.no_color;
    style.color = style.unicode && !std::getenv("NO_COLOR");
    std::vector<WhyNode> trees;
    for (FactId t : targets) trees.push_back(explain_fact(engine, s.sources, t, wopt));
    if (o.format == "json") std::cout << render_why_json(trees);
    else if (o.format == "dot") std::cout << render_why_dot(trees);
    else std::cout << render_why_text(trees, style);
    if (targets.empty()) std::cerr << "covenant: nothing the packs report was concluded\n";
    return kExitOk;
}

}  // namespace covenant::cli
