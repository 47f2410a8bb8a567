// The domain subcommands of `covenant`: classify (cmd_classify.cpp), trend (cmd_trend.cpp), report (cmd_report.cpp),
// test (cmd_test.cpp) and explain (cmd_explain.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "classify/sensitivity.hpp"
#include "cli_common.hpp"

namespace covenant::cli {

// The options of `classify --sensitivity` (docs/cli.md).
struct SensitivityCommandOptions {
    unsigned runs = 0;  // 0: no sensitivity analysis
    double band = kDefaultSensitivityBand;
    std::uint64_t seed = kDefaultSensitivitySeed;
};

struct ClassifyCommandOptions {
    std::vector<std::string> inputs;  // case files or directories
    std::vector<std::string> rules;   // .rules files or directories; default rules/core
    std::vector<std::string> facts;   // shared fact files; default kb/threats.yaml when the core packs are loaded
    bool no_default_facts = false;    // --no-default-facts
    bool verbose = false;             // --verbose: say what was loaded
    std::string format;               // table | json | csv | md; default by terminal
    std::string out;
    unsigned jobs = 1;
    bool explain = false;
    std::uint64_t max_firings = 1'000'000;
    bool no_color = false;
    SensitivityCommandOptions sensitivity;
};
CLI::App* add_classify_command(CLI::App& app, ClassifyCommandOptions& options);
int run_classify(const ClassifyCommandOptions& options);

struct TrendCommandOptions {
    std::string series;               // the series file
    std::vector<std::string> rules;
    std::vector<std::string> facts;
    bool no_default_facts = false;
    bool verbose = false;
    std::string years;                // "1949,1989,2024" or "1949-2024"; default: the series' years
    std::string format;               // table | jsonl | csv | svg; default: table on a terminal, jsonl otherwise
    std::string out;
    std::uint64_t max_firings = 1'000'000;
    bool no_color = false;
};
CLI::App* add_trend_command(CLI::App& app, TrendCommandOptions& options);
int run_trend(const TrendCommandOptions& options);

struct ReportCommandOptions {
    std::vector<std::string> inputs;  // case files and directories
    std::vector<std::string> rules;
    std::vector<std::string> facts;
    bool no_default_facts = false;
    bool verbose = false;
    std::string out;                  // required: the page is a file to hand on
    std::string title;
    bool data = false;                // the embedded JSON instead of the page
    unsigned jobs = 1;
    std::uint64_t max_firings = 1'000'000;
    bool no_color = false;
};
CLI::App* add_report_command(CLI::App& app, ReportCommandOptions& options);
int run_report(const ReportCommandOptions& options);

struct TestCommandOptions {
    std::vector<std::string> inputs;
    std::vector<std::string> rules;
    std::vector<std::string> facts;
    bool no_default_facts = false;
    bool verbose = false;  // the details of passed expectations, and what was loaded
    bool no_color = false;
};
CLI::App* add_test_command(CLI::App& app, TestCommandOptions& options);
int run_test(const TestCommandOptions& options);

struct ExplainCommandOptions {
    std::string input;
    std::string institution;
    std::string format = "text";
    std::size_t depth = 32;
    std::vector<std::string> rules;
    std::vector<std::string> facts;
    bool no_default_facts = false;
    bool verbose = false;
    bool no_color = false;
};
CLI::App* add_explain_command(CLI::App& app, ExplainCommandOptions& options);
int run_explain(const ExplainCommandOptions& options);

// The interactive session (cmd_repl.cpp, repl/session.hpp).
struct ReplCommandOptions {
    std::vector<std::string> cases;
    std::vector<std::string> rules;  // default rules/core (and then kb/threats.yaml as shared facts)
    std::vector<std::string> facts;
    bool no_default_facts = false;
    bool verbose = false;
    bool no_color = false;
    bool echo = false;
};
CLI::App* add_repl_command(CLI::App& app, ReplCommandOptions& options);
int run_repl(const ReplCommandOptions& options);

}  // namespace covenant::cli
