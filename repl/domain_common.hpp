// What the domain subcommands (classify, trend, test, explain: cmd_classify.cpp, cmd_trend.cpp, cmd_test.cpp,
// cmd_explain.cpp) share: loading the packs with the shared fact files, expanding case paths, writing a report.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "classify/classify.hpp"
#include "cli_common.hpp"

namespace covenant::cli {

// The loaded packs, and the shared fact files to assert into every case.
struct Loaded {
    Session session;
    ClassifyOptions classify;
};

// Loads the packs and the shared fact files; prints diagnostics. Returns false when anything failed.
// `no_default_facts` and `verbose` as in CommonOptions (default_facts is `facts` empty and not no_default_facts).
bool load_for_cases(const std::vector<std::string>& rules, const std::vector<std::string>& facts,
                    bool no_default_facts, bool verbose, bool no_color, Loaded& loaded);

// The options every domain command shares, defined once: --rules, --facts (each naming one file per occurrence, so
// that `--rules a --rules b CASE` leaves CASE to the positional argument), --no-default-facts and --verbose.
// `what_facts` says what the fact files are for in this command ("asserted into every case").
void add_pack_options(CLI::App* cmd, std::vector<std::string>& rules, std::vector<std::string>& facts,
                      bool& no_default_facts, bool* verbose, const std::string& what_facts);

// The case files under `inputs`; prints why and returns nothing when a path is missing or unreadable.
std::optional<std::vector<std::string>> case_files(const std::vector<std::string>& inputs);

// Splits files into case files and series files (classify/trend.hpp, looks_like_series); an unreadable file goes
// with the cases, whose reader reports it.
void split_series(const std::vector<std::string>& files, std::vector<std::string>& cases,
                  std::vector<std::string>& series);

// What the packs' `print` actions wrote while a case ran (CaseResult::printed), on stderr: standard output carries
// only the report, which stays valid JSON, CSV or Markdown whatever a pack prints.
void show_printed(const CaseResult& result);

// For each result: what it printed (show_printed), then its errors or the problem that stopped its run, on stderr.
// True when some case had an error or did not finish (the command then exits with 1).
bool show_problems(const std::vector<CaseResult>& results);

// Writes a report to standard output or, with a non-empty `out`, atomically to that file; the exit code.
int write_report(const std::string& out, const std::string& report);
// The same for a report given in pieces (written in order, never joined).
int write_report(const std::string& out, std::span<const std::string> pieces);

}  // namespace covenant::cli
