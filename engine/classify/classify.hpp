// Batch classification of case files: each case runs on a fresh working memory over the same compiled program, and
// its conclusions (architecture, scores, strains, and the evidence behind them) are collected into plain results that
// the CLI renders as a table, JSON Lines, CSV or Markdown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"

namespace covenant {

class Engine;

struct StrainResult {
    std::string kind;
    double severity = 0;
    std::string reason;
    std::string rule;  // the rule that concluded it
};

// One evidence contribution behind a score, as the user sees it.
struct ReasonResult {
    std::string rule;
    std::string kind;     // rule, norm, criterion, interest
    std::string toward;   // the predicate: community, balance_of_power, legitimacy, ...
    double weight = 0;
    std::string text;
};

struct ScoreResult {
    std::string predicate;
    double value = 0;
};

struct InstitutionResult {
    std::string institution;
    std::string architecture = "undetermined";  // from the architecture fact; "undetermined" when none was concluded
    std::string subtype = "none";
    std::string architecture_rule;              // the rule that concluded the architecture, if any
    std::vector<ScoreResult> scores;            // every arity-1 score predicate of the program, in template order
    std::vector<StrainResult> strains;          // sorted by severity (highest first), then kind
    std::vector<ReasonResult> reasons;          // in order of the contributions
};

struct CaseError {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t col = 0;
    std::string message;   // the first error, in words
    std::string rendered;  // every diagnostic, rendered with carets (for stderr)
};

// An `expect:` entry of a case file, for `covenant test`:
//   expect:
//     nato:
//       architecture: [hybrid, community]   # any of these
//       subtype: [alliance]                 # any of these (optional)
//       strains: [capability_gap]           # must all be found
//       not_strains: [membership_contestation]   # must not be found
struct Expectation {
    std::string institution;
    std::vector<std::string> architecture;
    std::vector<std::string> subtype;
    std::vector<std::string> strains;
    std::vector<std::string> not_strains;
    SourceSpan span;
};

struct ExpectationOutcome {
    std::string institution;
    std::string what;     // "architecture is one of [hybrid, community]", "strain capability_gap found", ...
    bool passed = false;
    std::string detail;   // what was found instead, and why (the reasons behind it)
};

struct CaseResult {
    std::string case_id;      // `case:` of the file, else the file name without extension
    std::string file;
    std::optional<std::int64_t> as_of;
    std::string title;
    std::vector<InstitutionResult> institutions;  // in the order their institution facts were given
    std::optional<CaseError> error;
    std::vector<Expectation> expectations;  // from `expect:`; a malformed block is reported through `error`
    std::uint64_t firings = 0;
    std::string run_problem;  // non-empty when the run stopped on a limit or run-time error
};

struct ClassifyOptions {
    std::vector<FactFile> shared_facts;  // asserted into every case first (e.g. kb/threats.yaml)
    std::uint64_t max_firings = 1'000'000;
};

// Classifies one case file with `engine` (which is reset first). Never throws on bad input: a malformed case gives a
// CaseResult with `error` set.
CaseResult classify_case(Engine& engine, const std::string& path, const ClassifyOptions& options);

// Collects the results for every institution in the engine's current working memory (after a run).
std::vector<InstitutionResult> collect_results(const Engine& engine);

// Checks every expectation of a classified case. A case with an error yields one failed outcome.
std::vector<ExpectationOutcome> check_expectations(const CaseResult& result);

// Classifies many files with `jobs` worker threads, each with its own Engine over `program`. The result order is the
// order of `paths`, whatever `jobs` is.
std::vector<CaseResult> classify_all(const Program& program, const std::vector<std::string>& paths,
                                     const ClassifyOptions& options, unsigned jobs);

// Expands files and directories (recursively, *.yaml and *.yml, sorted by path) into a list of case files.
std::vector<std::string> expand_case_paths(const std::vector<std::string>& inputs, std::string& error);

enum class ReportFormat { Table, Json, Csv, Markdown };

// Renders results. `explain` adds each result's reasons (JSON: a `because` array; Markdown: an indented list).
std::string render_report(const std::vector<CaseResult>& results, ReportFormat format, bool explain);

// Writes `text` to `path` atomically (a temporary file in the same directory, then rename). Returns false and sets
// `error` in words on failure; an interrupted write never leaves a truncated file at `path`.
bool write_file_atomically(const std::string& path, const std::string& text, std::string& error);

}  // namespace covenant
