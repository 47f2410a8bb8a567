// The subcommands of `covenant`. Each adds itself to the CLI11 app (options bound to its Options struct) and runs
// after parsing; run functions return the process exit code (cli_common.hpp).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"

namespace covenant::cli {

struct CheckOptions {
    CommonOptions common;
    std::string show;  // "", "ast" or "program"
};
CLI::App* add_check_command(CLI::App& app, CheckOptions& options);
int run_check(const CheckOptions& options);

struct RunOptions {
    CommonOptions common;
    std::string strategy = "depth";
    std::string matching = "lazy";   // lazy or eager (Engine::set_lazy)
    std::uint64_t max_firings = 0;
    double timeout_seconds = 0;
    std::vector<std::string> watch;  // facts, rules, activations
    bool stats = false;
    bool conclusions = false;
    bool profile = false;                 // per-rule profile on stderr after the run
    std::string profile_format = "text";  // text or json
    bool profile_no_times = false;        // leave the times out (deterministic output)
};
CLI::App* add_run_command(CLI::App& app, RunOptions& options);
int run_run(const RunOptions& options);

struct DocOptions {
    CommonOptions common;
    std::vector<std::string> rules;  // files or directories; empty: the shipped rules/core
    std::string out;                 // empty: stdout
};
CLI::App* add_doc_command(CLI::App& app, DocOptions& options);
int run_doc(const DocOptions& options);

// covenant fmt: rule files laid out canonically (syntax/format.hpp), in place, or checked (--check), or shown as a
// diff (--diff); standard input to standard output with `-` or no files.
struct FmtOptions {
    std::vector<std::string> paths;  // files and directories; empty or "-": standard input
    bool check = false;
    bool diff = false;
    bool verbose = false;
    bool no_color = false;
    std::string stdin_name = "<stdin>";
};
CLI::App* add_fmt_command(CLI::App& app, FmtOptions& options);
int run_fmt(const FmtOptions& options);

// covenant lsp: the Language Server on stdin/stdout (docs/lsp.md); `version` goes into its serverInfo.
struct LspOptions {
    std::vector<std::string> rules_path;
};
CLI::App* add_lsp_command(CLI::App& app, LspOptions& options);
int run_lsp(const LspOptions& options, const std::string& version);

// covenant man: the manual page, from the app's own definitions (hidden from --help).
CLI::App* add_man_command(CLI::App& app);
int run_man(CLI::App& app);

// Adds --rules-path and --no-color to a subcommand.
void add_common_flags(CLI::App& command, CommonOptions& options);

}  // namespace covenant::cli
