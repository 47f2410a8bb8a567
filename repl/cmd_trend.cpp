// covenant trend SERIES.yaml [--years Y,Y|Y-Y] [--format table|jsonl|csv|svg] [--out FILE]: one institution
// through time (engine/classify/trend.hpp, docs/cli.md).
#include <iostream>

#include <fmt/format.h>

#include "commands_domain.hpp"
#include "domain_common.hpp"
#include "classify/trend.hpp"

namespace covenant::cli {

CLI::App* add_trend_command(CLI::App& app, TrendCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "trend",
        "Follow an institution through time: classify a series file (the facts of a base year plus dated changes,\n"
        "docs/kb.md) in each of its years and print the trajectory of type, scores and strains, with each change of\n"
        "type explained by the changes and reasons between the two years. Exit status 1 if an expectation fails.");
    cmd->add_option("SERIES", o.series, "A series file (YAML)")->required();
    cmd->add_option("--years", o.years,
                    "The years to classify: a list (1949,1989,2024) or a range (1949-2024); default: the series' own\n"
                    "(`years:`, else the base year, every change's year and `until:`)")
        ->type_name("LIST|RANGE");
    add_pack_options(cmd, o.rules, o.facts, o.no_default_facts, &o.verbose, "asserted into every year");
    cmd->add_option("--format", o.format,
                    "table | jsonl (JSON Lines) | csv | svg (a chart of the scores with the type as bands and strain\n"
                    "markers); default: table on a terminal, jsonl otherwise")
        ->check(CLI::IsMember({"table", "jsonl", "json", "csv", "svg"}));
    cmd->add_option("--out", o.out, "Write the trajectory to FILE (atomically: a temporary file, then rename)");
    cmd->add_option("--max-firings", o.max_firings, "Stop a year's run after N rule firings (default 1000000)");
    cmd->add_flag("--no-color", o.no_color, "Never colour diagnostics");
    return cmd;
}

int run_trend(const TrendCommandOptions& o) {
    // The years asked for: "1949,1989" or "1949-2024".
    std::vector<std::int64_t> years;
    if (!o.years.empty()) {
        auto number = [](const std::string& t) -> std::optional<std::int64_t> {
            if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos)
                return std::nullopt;
            return std::stoll(t);
        };
        std::size_t dash = o.years.find('-');
        bool bad = false;
        if (dash != std::string::npos) {
            auto from = number(o.years.substr(0, dash)), to = number(o.years.substr(dash + 1));
            if (!from || !to || *from > *to || *to - *from > 10000) bad = true;
            else for (std::int64_t y = *from; y <= *to; ++y) years.push_back(y);
        } else {
            std::size_t b = 0;
            while (!bad && b <= o.years.size()) {
                std::size_t e = o.years.find(',', b);
                if (e == std::string::npos) e = o.years.size();
                auto y = number(o.years.substr(b, e - b));
                if (!y) bad = true;
                else years.push_back(*y);
                b = e + 1;
            }
        }
        if (bad) {
            std::cerr << "covenant: --years: expected a list of years (1949,1989,2024) or a range (1949-2024), got '"
                      << o.years << "'\n";
            return kExitUsage;
        }
    }
    Loaded loaded;
    if (!load_for_cases(o.rules, o.facts, o.no_default_facts, o.verbose, o.no_color, loaded)) return kExitInputError;
    std::string why;
    FileId id = loaded.session.sources.load(o.series, why);
    DiagnosticSink sink;
    RenderOptions ro;
    ro.color = !o.no_color && ::isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");
    if (id == 0) {
        std::cerr << "covenant: error[" << code_id(Code::CannotReadFile) << "]: " << why << "\n";
        return kExitInputError;
    }
    const SourceFile& file = loaded.session.sources.file(id);
    auto series = read_series(file, *loaded.session.program, sink);
    std::vector<TrendPoint> points;
    if (series)
        points = classify_trend(*loaded.session.program, *series, file, loaded.classify.shared_facts, years,
                                o.max_firings, sink);
    if (!sink.diagnostics().empty()) std::cerr << render_all(sink, loaded.session.sources, ro);
    if (!series || points.empty()) return kExitInputError;
    std::string format = o.format;
    if (format.empty()) format = (o.out.empty() && ::isatty(STDOUT_FILENO)) ? "table" : "jsonl";
    TrendFormat f = format == "table" ? TrendFormat::Table
                  : format == "csv"   ? TrendFormat::Csv
                  : format == "svg"   ? TrendFormat::Svg
                                      : TrendFormat::JsonLines;
    std::string text = render_trend(*series, points, f, report_labels(*loaded.session.program));
    if (int written = write_report(o.out, text); written != kExitOk) return written;
    bool failed = false;
    for (const auto& p : points) show_printed(p.result);
    for (const auto& p : points) {
        if (!p.result.run_problem.empty()) {
            failed = true;
            std::cerr << o.series << ": error: the run of " << p.year << " did not finish: " << p.result.run_problem
                      << "\n";
        }
        for (const auto& e : p.expectations)
            if (!e.passed) {
                failed = true;
                if (f != TrendFormat::Table || !o.out.empty())
                    std::cerr << o.series << ": expectation failed in " << p.year << ": " << e.institution << " "
                              << e.what << " — " << e.detail << "\n";
            }
    }
    return failed ? kExitInputError : kExitOk;
}

}  // namespace covenant::cli
