// What the `covenant` subcommands share: exit codes, colour, diagnostics output, the rule search path, and loading
// the program and fact files named on the command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"

namespace covenant::cli {

// Exit codes, documented in README.md and docs/cli.md.
enum ExitCode : int {
    kExitOk = 0,
    kExitInputError = 1,  // a rule file, fact file or run-time error, reported as diagnostics
    kExitUsage = 2,       // the command line itself is wrong (CLI11 reports it)
    kExitLimit = 3,       // `run` stopped at --max-firings or --timeout
};

// Options common to the subcommands that load rules.
struct CommonOptions {
    std::vector<std::string> rule_files;
    std::vector<std::string> fact_files;
    std::vector<std::string> rules_path;  // --rules-path, searched before the default
    bool no_color = false;
};

// Everything a command loaded: the sources (spans point into them), the diagnostics so far, and the results.
struct Session {
    SourceManager sources;
    DiagnosticSink sink;
    std::optional<Program> program;
    std::vector<FactFile> fact_files;
};

// Whether diagnostics on stderr get ANSI colours: stderr is a terminal, --no-color was not given, and NO_COLOR
// (https://no-color.org) is not set.
bool use_color(const CommonOptions& options);

// The default search path for `use`: the `rules/` directory of the project the executable was built in (found by
// walking up from the executable's directory), or <prefix>/share/covenant/rules for an installed binary. Empty when
// neither exists.
std::vector<std::string> default_rules_path();

// The rule packs and shared fact files of the domain commands (classify, test, explain, repl). `rules` names .rules
// files or directories (a directory stands for the *.rules files directly inside it, sorted); when it is empty the
// shipped rules/core is used and then, unless `facts` names some, the shipped threat catalogue kb/threats.yaml is
// asserted into every case. Returns false with `error` in words when the rules cannot be found.
bool domain_inputs(const std::vector<std::string>& rules, const std::vector<std::string>& facts,
                   std::vector<std::string>& rule_files, std::vector<std::string>& shared_facts, std::string& error);

// The project root that holds the shipped rules/ and kb/ (the parent of the default rules directory), if found.
std::optional<std::string> project_root();

// Loads the rule files (and the packs they use) and then the fact files against the program. Returns false when
// anything failed; the diagnostics are in session.sink either way (warnings included).
// `one_world`: the fact files are asserted together (`run`), so at most one of them may be a case file; otherwise
// (`check`) each case file is checked as its own world with the files that are not cases.
bool load(const CommonOptions& options, Session& session, bool one_world = true);

// Writes the session's diagnostics to stderr (sorted, with a summary line); nothing when there are none.
void print_diagnostics(const Session& session, const CommonOptions& options);

}  // namespace covenant::cli
