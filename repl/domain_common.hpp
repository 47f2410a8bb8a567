// What the domain subcommands (classify, trend, test, explain: cmd_classify.cpp, cmd_trend.cpp, cmd_test.cpp,
// cmd_explain.cpp) share: loading the packs with the shared fact files, expanding case paths, writing a report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classify/classify.hpp"
#include "cli_common.hpp"

namespace covenant::cli {

// The loaded packs, and the shared fact files to assert into every case.
struct Loaded {
    Session session;
    ClassifyOptions classify;
};

// Loads the packs and the shared fact files; prints diagnostics. Returns false when anything failed.
bool load_for_cases(const std::vector<std::string>& rules, const std::vector<std::string>& facts, bool no_color,
                    Loaded& loaded);

// The case files under `inputs`; prints why and returns nothing when a path is missing or unreadable.
std::optional<std::vector<std::string>> case_files(const std::vector<std::string>& inputs);

// Writes a report to standard output or, with a non-empty `out`, atomically to that file; the exit code.
int write_report(const std::string& out, const std::string& report);

}  // namespace covenant::cli
