// How a Profile (rete/profile.hpp) is shown: `covenant run --profile` and the REPL's `profile show`.
#pragma once

#include <string>

#include "runtime/engine.hpp"  // Profile

namespace covenant {

struct ProfileReportOptions {
    // Leave the times out, and with them everything that varies from run to run: the rows are then ordered by
    // partial matches, activations and firings (descending), so the report is fit for tests and diffs.
    bool times = true;
};

// A table, one row per rule that did something, most costly first (total time, descending — the order of CLIPS's
// profile-info), then a total row and a note on shared nodes:
//   rule        firings  activations  tokens  match ms  action ms  total ms
// The total row counts every firing, activation and token once and the time actually spent, so it can be less than
// the column sums (a shared node's work is in every rule that uses it). Ends with a newline.
std::string profile_table(const Program& program, const Profile& profile, const ProfileReportOptions& options = {});

// The same as one JSON object: {"rules": [{"rule", "firings", "activations", "tokens", "match_ms", "action_ms",
// "total_ms"}...], "total": {...}} in the table's order (the _ms members only with times). Ends with a newline.
std::string profile_json(const Program& program, const Profile& profile, const ProfileReportOptions& options = {});

}  // namespace covenant
