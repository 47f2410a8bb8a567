// covenant report CASE.yaml|DIR... --out FILE [--rules DIR|FILE...] [--facts FILE...] [--title TEXT] [--data]
//
// The classification of the cases as one self-contained HTML page (engine/classify/html_report.hpp, docs/report.md).
#include <iostream>

#include <fmt/format.h>

#include "classify/html_report.hpp"
#include "commands_domain.hpp"
#include "domain_common.hpp"

namespace covenant::cli {

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "report",
        "Classify case files and write one self-contained HTML page to hand to colleagues: the classification\n"
        "table (sortable, filterable), per case its title, sources and left_out with the scores drawn against the\n"
        "rules' thresholds and the strains with what each counted, and across cases a strain-by-case heat map and\n"
        "a scatter of the scores. It loads nothing when viewed and prints one case per page (docs/report.md).\n"
        "One bad case is shown as an error on the page; the exit status is then 1.");
    cmd->add_option("CASE", o.inputs,
                    "Case files (YAML) or directories of them (searched recursively); a .rules file named here\n"
                    "is a rule pack, as with --rules")
        ->required();
    add_pack_options(cmd, o.rules, o.facts, o.no_default_facts, &o.verbose, "asserted into every case");
    cmd->add_option("--out,-o", o.out,
                    "Write the page to FILE (atomically: a temporary file, then rename); - writes it to standard\n"
                    "output")
        ->type_name("FILE")
        ->required();
    cmd->add_option("--title", o.title, "The page's title (default: \"Covenant report\")")->type_name("TEXT");
    cmd->add_flag("--data", o.data,
                  "Write the page's data (the JSON embedded in it: labels, thresholds, results) instead of the page");
    cmd->add_option("--jobs,-j", o.jobs, "Cases classified in parallel (the page is the same for every N)")
        ->check(CLI::Range(1u, 256u));
    cmd->add_option("--max-firings", o.max_firings, "Stop a case's run after N rule firings (default 1000000)");
    cmd->add_flag("--no-color", o.no_color, "Never colour diagnostics");
    return cmd;
}

int run_report(const ReportCommandOptions& o) {
    Loaded loaded;
    if (!load_for_cases(o.rules, o.facts, o.no_default_facts, o.verbose, o.no_color, loaded)) return kExitInputError;
    auto found = case_files(o.inputs);
    if (!found) return kExitInputError;
    if (found->empty()) {
        std::cerr << "covenant: no case files (*.yaml, *.yml) found\n";
        return kExitInputError;
    }
    const Program& program = *loaded.session.program;
    if (!program.report.subject)
        std::cerr << "covenant: warning: the loaded rules declare no subject (`report subject TEMPLATE`, "
                     "docs/language.md §12), so the page will have no results\n";
    loaded.classify.max_firings = o.max_firings;
    loaded.classify.derivations = !o.data;  // the page draws them; the data leaves them out
    std::vector<CaseResult> results = classify_all(program, *found, loaded.classify, o.jobs);
    bool failed = show_problems(results);
    ReportLabels labels = report_labels(program);
    ScoreThresholds thresholds = score_thresholds(program);
    std::string page;
    if (o.data) {
        page = report_data(results, labels, thresholds);
    } else {
        HtmlReportOptions options;
        if (!o.title.empty()) options.title = o.title;
        for (const auto& p : program.packs)
            if (!p.name.empty()) options.packs.push_back(p.name);
        page = render_html_report(results, labels, thresholds, options);
    }
    bool to_stdout = o.out == "-";
    int written = write_report(to_stdout ? std::string() : o.out, page);
    if (written != kExitOk) return written;
    if (!to_stdout)
        std::cerr << fmt::format("covenant: wrote {} ({} case{}{})\n", o.out, results.size(),
                                 results.size() == 1 ? "" : "s", failed ? ", some with errors" : "");
    return failed ? kExitInputError : kExitOk;
}

}  // namespace covenant::cli
