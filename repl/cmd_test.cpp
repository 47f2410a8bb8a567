// covenant test [DIR|FILE...]: the `expect:` blocks of case files and series checked against what the rules conclude
// (engine/classify/expect.hpp, docs/cli.md).
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands_domain.hpp"
#include "domain_common.hpp"
#include "classify/shipped.hpp"
#include "classify/trend.hpp"

namespace covenant::cli {

namespace fs = std::filesystem;

CLI::App* add_test_command(CLI::App& app, TestCommandOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "test",
        "Check the `expect:` blocks of case files against what the rules conclude; print each expectation as\n"
        "passed or failed with the reasons. Exit status 1 if any fails.\n"
        "Default: kb/cases and rules/core/tests of the project.");
    cmd->add_option("PATH", o.inputs, "Case files or directories");
    add_pack_options(cmd, o.rules, o.facts, o.no_default_facts, nullptr, "asserted into every case");
    cmd->add_flag("--verbose,-v", o.verbose,
                  "Also show the details of passed expectations, and say on stderr which files were loaded");
    cmd->add_flag("--no-color", o.no_color, "Never colour output");
    return cmd;
}

int run_test(const TestCommandOptions& o) {
    Loaded loaded;
    if (!load_for_cases(o.rules, o.facts, o.no_default_facts, o.verbose, o.no_color, loaded)) return kExitInputError;
    std::vector<std::string> inputs = o.inputs;
    if (inputs.empty()) {
        auto root = shipped_data_dir();
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
    split_series(*found, paths, series_paths);
    auto results = classify_all(*loaded.session.program, paths, loaded.classify, 1);
    bool color = !o.no_color && ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    std::size_t passed = 0, failed = 0, cases_without = 0;
    for (const auto& r : results) {
        show_printed(r);
        auto outcomes = check_expectations(r);
        if (outcomes.empty()) {
            ++cases_without;
            continue;
        }
        std::cout << r.case_id << " (" << r.file << ")\n";
        if (r.error) std::cerr << r.error->rendered;
        for (const auto& x : outcomes) {
            const char* mark =
                x.passed ? (color ? "\x1b[32mpass\x1b[0m" : "pass") : (color ? "\x1b[31mFAIL\x1b[0m" : "FAIL");
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
                const char* mark =
                    x.passed ? (color ? "\x1b[32mpass\x1b[0m" : "pass") : (color ? "\x1b[31mFAIL\x1b[0m" : "FAIL");
                std::cout << "  " << mark << "  " << p.year << " "
                          << (x.institution.empty() ? "" : x.institution + ": ") << x.what;
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

}  // namespace covenant::cli
