// covenant classify CASE.yaml|DIR... [--rules DIR|FILE...] [--facts FILE...] [--format table|json|csv|md] [--out FILE]
//                   [--jobs N] [--explain] [--sensitivity N [--band B] [--seed S]]
//
// The domain front end: the rule packs are parsed and compiled once; every case runs on a fresh working memory.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "base/file_io.hpp"
#include "classify/classify.hpp"
#include "classify/sensitivity.hpp"
#include "classify/trend.hpp"
#include "commands.hpp"
#include "commands_domain.hpp"
#include "domain_common.hpp"
#include "explain/why.hpp"
#include "runtime/engine.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

namespace {

constexpr long long kMaxSensitivityRuns = 1'000'000;

// Validators that say what a good value is (CLI11 prefixes the option's name).
CLI::Validator sensitivity_runs_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            std::size_t used = 0;
            long long n = 0;
            try {
                n = std::stoll(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != text.size() || used == 0 || n < 1 || n > kMaxSensitivityRuns)
                return fmt::format("the number of perturbed runs N must be a whole number from 1 to {}, not '{}'",
                                   kMaxSensitivityRuns, text);
            return {};
        },
        "");
}

CLI::Validator band_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            std::size_t used = 0;
            double b = 0;
            try {
                b = std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != text.size() || used == 0 || !std::isfinite(b) || !(b > 0.0 && b <= 1.0))
                return fmt::format("the band B must be a number in (0, 1] (0.2: each weight is multiplied by a factor "
                                   "between 0.8 and 1.2), not '{}'",
                                   text);
            return {};
        },
        "");
}

// A seed is a whole number from 0 to 2^64 - 1 (CLI11 alone would wrap "-1" around and saturate larger numbers).
CLI::Validator seed_check() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            bool digits = !text.empty() && text.size() <= 20 &&
                          std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (digits) {
                errno = 0;
                std::strtoull(text.c_str(), nullptr, 10);
                if (errno == 0) return {};
            }
            return fmt::format("the seed S must be a whole number from 0 to 18446744073709551615, not '{}'", text);
        },
        "");
}

std::optional<ReportFormat> format_named(const std::string& name) {
    if (name == "table") return ReportFormat::Table;
    if (name == "json") return ReportFormat::Json;
    if (name == "csv") return ReportFormat::Csv;
    if (name == "md" || name == "markdown") return ReportFormat::Markdown;
    return std::nullopt;
}


// classify --sensitivity N: the baseline and N perturbed runs of every case (engine/classify/sensitivity.hpp).
int run_sensitivity(const ClassifyCommandOptions& o, const Loaded& loaded, const std::vector<std::string>& paths) {
    const SensitivityCommandOptions& so = o.sensitivity;
    SensitivityReport report =
        sensitivity_analysis(*loaded.session.program, paths, loaded.classify, so.runs, so.band, so.seed, o.jobs);
    bool failed = false;
    for (const auto& c : report.cases) {
        if (c.baseline.error) {
            failed = true;
            std::cerr << c.baseline.error->rendered;
        } else if (!c.baseline.run_problem.empty()) {
            failed = true;
            std::cerr << c.baseline.file << ": error: the run did not finish: " << c.baseline.run_problem << "\n";
        } else if (c.unfinished_runs > 0) {
            failed = true;
            std::cerr << c.baseline.file << ": error: " << c.unfinished_runs << " of " << report.runs
                      << " perturbed runs did not finish: " << c.unfinished_problem << "\n";
        }
    }
    if (report.weights.constant == 0)
        std::cerr << "covenant: warning: the rules have no constant evidence weight, so nothing is perturbed\n";
    std::string format = o.format;
    if (format.empty()) format = (o.out.empty() && ::isatty(STDOUT_FILENO)) ? "table" : "json";
    int written = write_report(o.out, render_sensitivity(report, *format_named(format)));
    if (written != kExitOk) return written;
    return failed ? kExitInputError : kExitOk;
}

}  // namespace

CLI::App* add_classify_command(CLI::App& app, ClassifyCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "classify",
        "Classify case files: which architecture each institution embodies (community, balance_of_power, hybrid or\n"
        "undetermined), its scores, and where it is under strain. One bad case gives an error record; the others\n"
        "still run, and the exit status is 1 at the end.");
    cmd->add_option("CASE", o.inputs,
                    "Case files (YAML) or directories of them (searched recursively); a .rules file named here\n"
                    "is a rule pack, as with --rules")
        ->required();
    add_pack_options(cmd, o.rules, o.facts, o.no_default_facts, &o.verbose, "asserted into every case");
    cmd->add_option("--format", o.format,
                    "table | json (JSON Lines) | csv | md (default: table on a terminal, json otherwise)")
        ->check(CLI::IsMember({"table", "json", "csv", "md", "markdown"}));
    cmd->add_option("--out", o.out, "Write the report to FILE (atomically: a temporary file, then rename)")
        ->type_name("FILE");
    cmd->add_option("--jobs,-j", o.jobs, "Cases classified in parallel (the output order is the input order)")
        ->check(CLI::Range(1u, 256u));
    CLI::Option* explain = cmd->add_flag(
        "--explain", o.explain, "Add the reasons behind each result (JSON: `because`; Markdown and table: a tree)");
    cmd->add_option("--max-firings", o.max_firings, "Stop a case's run after N rule firings (default 1000000)");
    cmd->add_flag("--no-color", o.no_color, "Never colour diagnostics");
    SensitivityCommandOptions& so = o.sensitivity;
    CLI::Option* sensitivity =
        cmd->add_option(
               "--sensitivity", so.runs,
               fmt::format("How sure is each label: classify N more times with every constant evidence weight\n"
                           "perturbed (see --band; thresholds and computed weights are not) and report per\n"
                           "institution the share of runs that keep its type, subtype and each strain; labels\n"
                           "kept in fewer than {}% of the runs are marked fragile (docs/cli.md)",
                           kFragileBelowPercent))
            ->type_name("N")
            ->check(sensitivity_runs_check());
    sensitivity->excludes(explain);
    cmd->add_option("--band", so.band,
                    fmt::format("With --sensitivity: each run multiplies every constant evidence weight by its own\n"
                                "factor drawn uniformly from [1 - B, 1 + B], clamped to [-1, 1] (default {:g})",
                                kDefaultSensitivityBand))
        ->type_name("B")
        ->check(band_check())
        ->needs(sensitivity);
    cmd->add_option("--seed", so.seed,
                    fmt::format("With --sensitivity: the seed of the draws; the same seed gives the same report\n"
                                "(default {})",
                                kDefaultSensitivitySeed))
        ->type_name("S")
        ->check(seed_check())
        ->needs(sensitivity);
    return cmd;
}

int run_classify(const ClassifyCommandOptions& o) {
    Loaded loaded;
    if (!load_for_cases(o.rules, o.facts, o.no_default_facts, o.verbose, o.no_color, loaded)) return kExitInputError;
    auto found = case_files(o.inputs);
    if (!found) return kExitInputError;
    std::vector<std::string>& paths = *found;
    if (paths.empty()) {
        std::cerr << "covenant: no case files (*.yaml, *.yml) found\n";
        return kExitInputError;
    }
    loaded.classify.max_firings = o.max_firings;
    // Without a subject every case gives an empty row set: say why rather than print an empty table silently.
    if (!loaded.session.program->report.subject)
        std::cerr << "covenant: warning: the loaded rules declare no subject (`report subject TEMPLATE`, "
                     "docs/language.md §12), so no case has anything to classify; `covenant run` runs any pack\n";
    if (o.sensitivity.runs > 0) return run_sensitivity(o, loaded, paths);
    std::string format = o.format;
    if (format.empty()) format = (o.out.empty() && ::isatty(STDOUT_FILENO)) ? "table" : "json";
    const ReportLabels labels = report_labels(*loaded.session.program);
    std::vector<CaseResult> results;
    std::vector<std::string> report;  // in pieces, written in order
    if (*format_named(format) == ReportFormat::Json) {
        // JSON is case by case (append_case_json), so each worker renders its case at once and keeps only the text
        // and what show_problems needs: every full result kept until the end made the peak memory, and its
        // first-touch page faults, grow with the number of cases. The rendering also runs on every worker. The
        // report is the same.
        results.resize(paths.size());
        report.resize(paths.size());
        for_each_case(*loaded.session.program, paths.size(), o.jobs, [&](Engine& engine, std::size_t i) {
            CaseResult r = classify_case(engine, paths[i], loaded.classify);
            append_case_json(report[i], r, o.explain, labels);
            r.institutions = {};
            r.expectations = {};
            r.sources = {};
            r.left_out = {};
            results[i] = std::move(r);
        });
    } else {
        results = classify_all(*loaded.session.program, paths, loaded.classify, o.jobs);
        report.push_back(render_report(results, *format_named(format), o.explain, labels));
    }

    bool failed = show_problems(results);
    int written = write_report(o.out, report);
    if (written != kExitOk) return written;
    return failed ? kExitInputError : kExitOk;
}

}  // namespace covenant::cli
