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

// Files are told apart by extension wherever a command takes both kinds: `.rules` files named among the case or
// fact files move to `rules` (so `--rules core extra.rules CASES` and `CASES extra.rules` both mean what they say),
// and `.yaml`/`.yml` files named among the rule files move to `facts` (`run family.rules family.yaml`). Directories
// stay where they were named. Order within each list is kept.
void sort_by_extension(std::vector<std::string>& facts_or_cases, std::vector<std::string>& rules);

// Whether diagnostics on stderr get ANSI colours: stderr is a terminal, --no-color was not given, and NO_COLOR
// (https://no-color.org) is not set.
bool use_color(const CommonOptions& options);

// --verbose: the rule files named, the packs loaded, where `use` looks, and the shared fact files (the default one
// marked as such), on stderr.
void say_what_was_loaded(const Program& program, const std::vector<std::string>& rule_files,
                         const std::vector<std::string>& fact_files, bool default_facts);

// Loads the rule files (and the packs they use) and then the fact files against the program. Returns false when
// anything failed; the diagnostics are in session.sink either way (warnings included).
// `one_world`: the fact files are asserted together (`run`), so at most one of them may be a case file; otherwise
// (`check`) each case file is checked as its own world with the files that are not cases.
bool load(const CommonOptions& options, Session& session, bool one_world = true);

// Writes the session's diagnostics to stderr (sorted, with a summary line); nothing when there are none.
void print_diagnostics(const Session& session, const CommonOptions& options);

}  // namespace covenant::cli
