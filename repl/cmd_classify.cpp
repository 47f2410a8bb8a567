// covenant classify CASE.yaml|DIR... [--rules DIR|FILE...] [--facts FILE...] [--format table|json|csv|md] [--out FILE]
//                   [--jobs N] [--explain] [--sensitivity N [--band B] [--seed S]]
// covenant test [DIR|FILE...]
// covenant explain CASE.yaml [--institution ID] [--format text|json|dot]
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

#include "classify/classify.hpp"
#include "classify/sensitivity.hpp"
#include "classify/trend.hpp"
#include "commands.hpp"
#include "commands_domain.hpp"
#include "explain/why.hpp"
#include "runtime/engine.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

namespace {

struct Loaded {
    Session session;
    ClassifyOptions classify;
};

// Loads the packs and the shared fact files; prints diagnostics. Returns false when anything failed.
bool load_for_cases(const std::vector<std::string>& rules, const std::vector<std::string>& facts, bool no_color,
                    Loaded& loaded) {
    CommonOptions common;
    common.no_color = no_color;
    std::string error;
    if (!domain_inputs(rules, facts, common.rule_files, common.fact_files, error)) {
        std::cerr << "covenant: " << error << "\n";
        return false;
    }
    bool ok = load(common, loaded.session);
    print_diagnostics(loaded.session, common);
    if (!ok || loaded.session.sink.has_errors()) return false;
    loaded.classify.shared_facts = std::move(loaded.session.fact_files);
    return true;
}

// The case files under `inputs`; prints why and returns nothing when a path is missing or unreadable.
std::optional<std::vector<std::string>> case_files(const std::vector<std::string>& inputs) {
    std::string error;
    std::vector<std::string> paths = expand_case_paths(inputs, error);
    if (!error.empty()) {
        std::cerr << "covenant: " << error << "\n";
        return std::nullopt;
    }
    return paths;
}

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

// Writes a report to standard output or, with --out, atomically to the file.
// Writes a report to stdout, or atomically to `out`.
int write_report(const std::string& out, const std::string& report) {
    std::string error;
    if (out.empty()) {
        std::cout << report;
    } else if (!write_file_atomically(out, report, error)) {
        std::cerr << "covenant: error[" << code_id(Code::CannotWriteFile) << "]: " << error << "\n";
        return kExitInputError;
    }
    return kExitOk;
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
    cmd->add_option("CASE", o.inputs, "Case files (YAML) or directories of them (searched recursively)")->required();
    cmd->add_option("--rules", o.rules, "Rule packs: .rules files or directories of them (default: the shipped rules/core)")
        ->type_name("DIR|FILE");
    cmd->add_option("--facts", o.facts,
                    "Fact files asserted into every case (default with the shipped rules: kb/threats.yaml)")
        ->type_name("FILE.yaml");
    cmd->add_option("--format", o.format, "table | json (JSON Lines) | csv | md (default: table on a terminal, json otherwise)")
        ->check(CLI::IsMember({"table", "json", "csv", "md", "markdown"}));
    cmd->add_option("--out", o.out, "Write the report to FILE (atomically: a temporary file, then rename)")->type_name("FILE");
    cmd->add_option("--jobs,-j", o.jobs, "Cases classified in parallel (the output order is the input order)")
        ->check(CLI::Range(1u, 256u));
    CLI::Option* explain =
        cmd->add_flag("--explain", o.explain, "Add the reasons behind each result (JSON: `because`; Markdown and table: a tree)");
    cmd->add_option("--max-firings", o.max_firings, "Stop a case's run after N rule firings (default 1000000)");
    cmd->add_flag("--no-color", o.no_color, "Never colour diagnostics");
    SensitivityCommandOptions& so = o.sensitivity;
    CLI::Option* sensitivity =
        cmd->add_option("--sensitivity", so.runs,
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
    if (!load_for_cases(o.rules, o.facts, o.no_color, loaded)) return kExitInputError;
    auto found = case_files(o.inputs);
    if (!found) return kExitInputError;
    std::vector<std::string>& paths = *found;
    if (paths.empty()) {
        std::cerr << "covenant: no case files (*.yaml, *.yml) found\n";
        return kExitInputError;
    }
    loaded.classify.max_firings = o.max_firings;
    if (o.sensitivity.runs > 0) return run_sensitivity(o, loaded, paths);
    std::vector<CaseResult> results = classify_all(*loaded.session.program, paths, loaded.classify, o.jobs);

    bool failed = false;
    for (const auto& r : results) {
        if (r.error) {
            failed = true;
            std::cerr << r.error->rendered;
        } else if (!r.run_problem.empty()) {
            failed = true;
            std::cerr << r.file << ": error: the run did not finish: " << r.run_problem << "\n";
        }
    }
    std::string format = o.format;
    if (format.empty()) format = (o.out.empty() && ::isatty(STDOUT_FILENO)) ? "table" : "json";
    int written = write_report(o.out, render_report(results, *format_named(format), o.explain, report_labels(*loaded.session.program)));
    if (written != kExitOk) return written;
    return failed ? kExitInputError : kExitOk;
}

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
    cmd->add_option("--rules", o.rules, "Rule packs: .rules files or directories of them (default: the shipped rules/core)")
        ->type_name("DIR|FILE");
    cmd->add_option("--facts", o.facts,
                    "Fact files asserted into every year (default with the shipped rules: kb/threats.yaml)")
        ->type_name("FILE.yaml");
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
            if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
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
    if (!load_for_cases(o.rules, o.facts, o.no_color, loaded)) return kExitInputError;
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
    if (int written = write_report(o.out, render_trend(*series, points, f)); written != kExitOk) return written;
    bool failed = false;
    for (const auto& p : points) {
        if (!p.result.run_problem.empty()) {
            failed = true;
            std::cerr << o.series << ": error: the run of " << p.year << " did not finish: " << p.result.run_problem << "\n";
        }
        for (const auto& e : p.expectations)
            if (!e.passed) {
                failed = true;
                if (f != TrendFormat::Table || !o.out.empty())
                    std::cerr << o.series << ": expectation failed in " << p.year << ": " << e.institution << " " << e.what
                              << " — " << e.detail << "\n";
            }
    }
    return failed ? kExitInputError : kExitOk;
}

CLI::App* add_test_command(CLI::App& app, TestCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "test",
        "Check the `expect:` blocks of case files against what the rules conclude; print each expectation as\n"
        "passed or failed with the reasons. Exit status 1 if any fails.\n"
        "Default: kb/cases and rules/core/tests of the project.");
    cmd->add_option("PATH", o.inputs, "Case files or directories");
    cmd->add_option("--rules", o.rules, "Rule packs (default: the shipped rules/core)")->type_name("DIR|FILE");
    cmd->add_option("--facts", o.facts, "Fact files asserted into every case (default: kb/threats.yaml)")
        ->type_name("FILE.yaml");
    cmd->add_flag("--verbose,-v", o.verbose, "Also show the details of passed expectations");
    cmd->add_flag("--no-color", o.no_color, "Never colour output");
    return cmd;
}

int run_test(const TestCommandOptions& o) {
    Loaded loaded;
    if (!load_for_cases(o.rules, o.facts, o.no_color, loaded)) return kExitInputError;
    std::vector<std::string> inputs = o.inputs;
    if (inputs.empty()) {
        auto root = project_root();
        if (!root) {
            std::cerr << "covenant: cannot find the project's kb/cases; name the case files\n";
            return kExitUsage;
        }
        for (const char* sub : {"kb/cases", "rules/core/tests", "kb/series"})
            if (fs::is_directory(fs::path(*root) / sub)) inputs.push_back((fs::path(*root) / sub).string());
    }
    auto found = case_files(inputs);
    if (!found) return kExitInputError;
    // Series files (kb/series) are checked year by year, through `trend`; the others as cases.
    std::vector<std::string> paths, series_paths;
    for (const auto& p : *found) {
        std::ifstream in(p);  // an unreadable file goes with the cases, which report it
        std::string text(std::istreambuf_iterator<char>(in), {});
        (looks_like_series(text) ? series_paths : paths).push_back(p);
    }
    auto results = classify_all(*loaded.session.program, paths, loaded.classify, 1);
    bool color = !o.no_color && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    std::size_t passed = 0, failed = 0, cases_without = 0;
    for (const auto& r : results) {
        auto outcomes = check_expectations(r);
        if (outcomes.empty()) {
            ++cases_without;
            continue;
        }
        std::cout << r.case_id << " (" << r.file << ")\n";
        if (r.error) std::cerr << r.error->rendered;
        for (const auto& x : outcomes) {
            const char* mark = x.passed ? (color ? "\x1b[32mpass\x1b[0m" : "pass") : (color ? "\x1b[31mFAIL\x1b[0m" : "FAIL");
            std::cout << "  " << mark << "  " << (x.institution.empty() ? "" : x.institution + ": ") << x.what;
            if ((!x.passed || o.verbose) && !x.detail.empty()) std::cout << " — " << x.detail;
            std::cout << "\n";
            (x.passed ? passed : failed)++;
        }
    }
    for (const auto& path : series_paths) {
        std::string why;
        FileId id = loaded.session.sources.load(path, why);
        DiagnosticSink sink;
        std::optional<Series> series;
        std::vector<TrendPoint> points;
        if (id != 0) {
            series = read_series(loaded.session.sources.file(id), *loaded.session.program, sink);
            if (series)
                points = classify_trend(*loaded.session.program, *series, loaded.session.sources.file(id),
                                        loaded.classify.shared_facts, {}, loaded.classify.max_firings, sink);
        }
        std::cout << (series ? series->id : fs::path(path).stem().string()) << " (" << path << ", a series)\n";
        if (id == 0 || points.empty()) {
            std::cerr << (id == 0 ? why + "\n" : render_all(sink, loaded.session.sources));
            std::cout << "  " << (color ? "\x1b[31mFAIL\x1b[0m" : "FAIL") << "  the series loads\n";
            ++failed;
            continue;
        }
        bool any = false;
        for (const auto& p : points)
            for (const auto& x : p.expectations) {
                any = true;
                const char* mark = x.passed ? (color ? "\x1b[32mpass\x1b[0m" : "pass") : (color ? "\x1b[31mFAIL\x1b[0m" : "FAIL");
                std::cout << "  " << mark << "  " << p.year << " " << (x.institution.empty() ? "" : x.institution + ": ")
                          << x.what;
                if ((!x.passed || o.verbose) && !x.detail.empty()) std::cout << " — " << x.detail;
                std::cout << "\n";
                (x.passed ? passed : failed)++;
            }
        if (!any) ++cases_without;
    }
    std::cout << passed << " passed, " << failed << " failed";
    if (cases_without) std::cout << " (" << cases_without << " case files without expectations)";
    std::cout << "\n";
    return failed ? kExitInputError : kExitOk;
}

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
    cmd->add_option("--rules", o.rules, "Rule packs (default: the shipped rules/core)")->type_name("DIR|FILE");
    cmd->add_option("--facts", o.facts, "Fact files asserted first (default: kb/threats.yaml)")->type_name("FILE.yaml");
    cmd->add_flag("--no-color", o.no_color, "Never colour output");
    return cmd;
}

int run_explain(const ExplainCommandOptions& o) {
    Loaded loaded;
    if (!load_for_cases(o.rules, o.facts, o.no_color, loaded)) return kExitInputError;
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
    RunResult run = engine.run(limits);
    if (run.reason != StopReason::Quiescent && run.reason != StopReason::Halted) {
        std::cerr << "covenant: the run did not finish: " << stop_reason_text(run.reason) << "\n";
        for (const auto& e : run.errors) std::cerr << e << "\n";
        return run.reason == StopReason::Error ? kExitInputError : kExitLimit;
    }

    const Program& p = *s.program;
    const TemplateDef* inst = p.find_template("institution");
    if (!inst) {
        std::cerr << "covenant: the rules define no `institution` template; use `covenant run` for other packs\n";
        return kExitInputError;
    }
    std::vector<FactId> targets;
    bool found = false;
    for (FactId f : engine.facts_of(inst->id)) {
        std::string who = to_display(engine.fact(f).values[static_cast<std::size_t>(inst->slot_index("id"))]);
        if (!o.institution.empty() && who != o.institution) continue;
        found = true;
        for (const char* name : {"architecture", "strain"}) {
            const TemplateDef* t = p.find_template(name);
            if (!t) continue;
            for (FactId c : engine.facts_of(t->id))
                if (to_display(engine.fact(c).values[static_cast<std::size_t>(t->slot_index("institution"))]) == who)
                    targets.push_back(c);
        }
    }
    if (!found) {
        std::cerr << "covenant: no institution '" << o.institution << "' in " << o.input << "\n";
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
    if (targets.empty()) std::cerr << "covenant: no architecture or strain was concluded\n";
    return kExitOk;
}

}  // namespace covenant::cli
