// covenant report CASE.yaml|DIR... --out FILE [--rules DIR|FILE...] [--facts FILE...] [--title TEXT] [--data]
//
// The classification of the cases as one self-contained HTML page (engine/classify/html_report.hpp, docs/report.md).
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "classify/html_report.hpp"
#include "classify/trend.hpp"
#include "commands_domain.hpp"
#include "domain_common.hpp"

namespace covenant::cli {

namespace {

// A series file named among the inputs: classified year by year as `covenant trend` does, drawn as trend's chart.
// Nothing (the problems printed) when the series cannot be read or classified.
std::optional<Trajectory> trajectory(Loaded& loaded, const std::string& path, const ReportLabels& labels,
                                     const ReportCommandOptions& o) {
    std::string why;
    FileId id = loaded.session.sources.load(path, why);
    if (id == 0) {
        std::cerr << "covenant: error[" << code_id(Code::CannotReadFile) << "]: " << why << "\n";
        return std::nullopt;
    }
    const SourceFile& file = loaded.session.sources.file(id);
    DiagnosticSink sink;
    const Program& program = *loaded.session.program;
    auto series = read_series(file, program, sink);
    std::vector<TrendPoint> points;
    if (series)
        points = classify_trend(program, *series, file, loaded.classify.shared_facts, {}, o.max_firings, sink);
    if (!sink.diagnostics().empty()) {
        RenderOptions ro;
        ro.color = !o.no_color && ::isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");
        std::cerr << render_all(sink, loaded.session.sources, ro);
    }
    if (!series || points.empty()) return std::nullopt;
    Trajectory t{series->id, series->title, path, render_trend(*series, points, TrendFormat::Svg, labels), {}};
    for (const auto& p : points) {
        show_printed(p.result);
        if (!p.result.run_problem.empty())
            t.problems.push_back(fmt::format("The run of {} did not finish: {}", p.year, p.result.run_problem));
        for (const auto& e : p.expectations)
            if (!e.passed) t.problems.push_back(fmt::format("Expectation failed in {}: {} {} — {}", p.year,
                                                            e.institution, e.what, e.detail));
    }
    for (const auto& problem : t.problems) std::cerr << path << ": " << problem << "\n";
    return t;
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "report",
        "Classify case files and write one self-contained HTML page to hand to colleagues: the classification\n"
        "table (sortable, filterable), per case its title, sources and left_out with the scores drawn against the\n"
        "rules' thresholds and the strains with what each counted, and across cases a strain-by-case heat map and\n"
        "a scatter of the scores; a series file among them (kb/series) adds its trajectory chart. It loads\n"
        "nothing when viewed and prints one case per page (docs/report.md).\n"
        "One bad case is shown as an error on the page; the exit status is then 1.");
    cmd->add_option("CASE", o.inputs,
                    "Case files and series files (YAML) or directories of them (searched recursively); a .rules\n"
                    "file named here is a rule pack, as with --rules")
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
    std::vector<std::string> paths, series_paths;
    split_series(*found, paths, series_paths);
    const Program& program = *loaded.session.program;
    if (!program.report.subject)
        std::cerr << "covenant: warning: the loaded rules declare no subject (`report subject TEMPLATE`, "
                     "docs/language.md §12), so the page will have no results\n";
    loaded.classify.max_firings = o.max_firings;
    loaded.classify.derivations = !o.data;  // the page draws them; the data leaves them out
    std::vector<CaseResult> results = classify_all(program, paths, loaded.classify, o.jobs);
    bool failed = show_problems(results);
    ReportLabels labels = report_labels(program);
    std::vector<Trajectory> trajectories;
    if (!o.data) {
        for (const auto& path : series_paths) {
            if (auto t = trajectory(loaded, path, labels, o)) {
                failed = failed || !t->problems.empty();
                trajectories.push_back(std::move(*t));
            } else {
                failed = true;
            }
        }
    }
    ScoreThresholds thresholds = score_thresholds(program);
    std::string page;
    if (o.data) {
        page = report_data(results, labels, thresholds);
    } else {
        HtmlReportOptions options;
        if (!o.title.empty()) options.title = o.title;
        for (const auto& p : program.packs)
            if (!p.name.empty()) options.packs.push_back(p.name);
        options.trajectories = std::move(trajectories);
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
