// Batch classification of case files: each case runs on a fresh working memory over the same compiled program, and
// its conclusions (architecture, scores, strains, and the evidence behind them) are collected into plain results that
// the CLI renders as a table, JSON Lines, CSV or Markdown.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
    std::string rule;     // the rule that concluded it
    std::string finding;  // its template (a pack may report several kinds of finding: `report finding`)
    std::string derivation;  // with ClassifyOptions::derivations: why it was concluded, as Graphviz DOT
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

// What a case concluded about one subject (`report subject`; an institution in the core packs). The names of the
// fields are the core packs' words for the roles: `architecture` is the primary conclusion's main value (the first
// `report conclusion`, its first slot), `subtype` its second slot, `strains` the findings of every `report finding`.
struct InstitutionResult {
    std::string institution;
    std::string architecture = "undetermined";  // the conclusion; when none was concluded the slot's default, else
                                                // "undetermined"
    std::string subtype = "none";               // the conclusion's second slot; its default or "none" when missing
    std::string architecture_rule;              // the rule that concluded the architecture, if any
    std::vector<ScoreResult> scores;            // every arity-1 score predicate of the program, in template order
    std::vector<StrainResult> strains;          // sorted by severity (highest first), then kind
    std::vector<ReasonResult> reasons;          // in order of the contributions
    std::string derivation;  // with ClassifyOptions::derivations: why the architecture was concluded, as Graphviz DOT
                             // (explain/why.hpp: each fact, score and rule firing one node); empty when none was
};

// One error of a case, located.
struct CaseErrorItem {
    std::string code;  // "E0206"
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t col = 0;
    std::string message;
};

struct CaseError {
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t col = 0;
    std::string message;   // the first error, in words
    std::string rendered;  // every diagnostic, rendered with carets (for stderr)
    std::vector<CaseErrorItem> errors;  // every error, in file order (the first is the one above)
};

// "file:line:col: message" for each error of the case, joined by `separator` (the reports' error cells).
std::string case_error_text(const CaseError& e, std::string_view separator = "; ");

// One `facts:` or `not_facts:` entry of `expect:`: a fact written in the rule language, read with the pattern parser
// so that only the slots it names must match — `strain(institution: nato, kind: mandate_gap)`; `|` gives
// alternatives and `!=`, `<`, `<=`, `>`, `>=` compare (`severity: >= 0.3`), but it holds values only, no variables.
struct FactExpectation {
    struct Test {
        SlotIndex slot = 0;
        CmpOp op = CmpOp::Eq;
        std::vector<Value> values;  // Eq: the slot equals one of them; Ne: none of them; Lt..Ge: exactly one
    };
    std::string text;           // as written in the case file
    TemplateId tmpl = 0;
    std::string template_name;
    std::vector<Test> tests;
    SourceSpan span;
    // What working memory held after the run (filled by classify_case; check_expectations words it):
    std::size_t matching = 0;         // facts that match
    std::size_t of_template = 0;      // facts of the template
    std::vector<std::string> shown;   // at most three facts, rendered: the matching ones, or, when none matches, the
                                      // facts of the template that meet the most of the slot tests
};

// A `severity:` entry: the strain `kind` is found, and every strain of that kind found has a severity within the
// closed range [low, high].
struct SeverityExpectation {
    std::string kind;
    double low = 0;
    double high = 0;
    SourceSpan span;
};

// An entry of a case file's `expect:` block, for `covenant test` (docs/kb.md, "expect:"):
//   expect:
//     nato:                                      # an institution's id
//       architecture: [hybrid, community]        # any of these
//       subtype: [alliance]                      # any of these
//       strains: [capability_gap]                # must all be found
//       not_strains: [membership_contestation]   # must not be found
//       severity: {conflict_load: [0.3, 0.6]}    # found, with a severity in the closed range
//       facts: ["strain(institution: nato, kind: mandate_gap)"]           # must be in working memory after the run
//       not_facts: ["architecture(institution: nato, type: community)"]   # must not be
//     facts: [...]                               # at the top: not tied to an institution (any rule pack)
//     not_facts: [...]
// An entry from the top of `expect:` has an empty `institution` and only facts or not_facts. Keys and values are
// checked against the loaded program when the case is read: architecture against the `one of` values of
// architecture.type, subtype of architecture.subtype, strain kinds of strain.kind; fact texts are parsed and their
// templates, slots and values checked. An unknown one is a located error of the case (CaseResult::error).
// The words `covenant test` reports expectations in: the names the packs' `report` declarations give.
struct ExpectationWords {
    std::string subject = "subject";        // "institution"
    std::string conclusion = "conclusion";  // the primary conclusion's label: "architecture"
    std::string detail = "detail";          // its second slot: "subtype"
    std::string finding = "finding";        // the first finding's template: "strain"
    std::string findings = "findings";      // the findings' label: "strains"
};

struct Expectation {
    std::string institution;
    ExpectationWords words;
    std::vector<std::string> architecture;
    std::vector<std::string> subtype;
    std::vector<std::string> strains;
    std::vector<std::string> not_strains;
    std::vector<SeverityExpectation> severity;
    std::vector<FactExpectation> facts;
    std::vector<FactExpectation> not_facts;
    SourceSpan span;
};

struct ExpectationOutcome {
    std::string institution;  // empty for an expectation from the top of `expect:`
    std::string what;     // "architecture is one of [hybrid, community]", "strain capability_gap is found", ...
    bool passed = false;
    std::string detail;   // what was found instead, and why (the reasons behind it)
};

struct CaseResult {
    std::string case_id;      // `case:` of the file, else the file name without extension
    std::string file;
    std::optional<std::int64_t> as_of;
    std::string title;
    std::vector<std::string> sources;   // `sources:` of the case file, one entry per item
    std::vector<std::string> left_out;  // `left_out:` of the case file: what the case could not source
    std::vector<InstitutionResult> institutions;  // in the order their institution facts were given
    std::optional<CaseError> error;
    std::vector<Expectation> expectations;  // from `expect:`; a malformed block is reported through `error`
    std::uint64_t firings = 0;
    std::string run_problem;  // non-empty when the run stopped on a limit or run-time error
    std::string printed;      // what the packs' `print` actions wrote while the case ran
};

struct ClassifyOptions {
    std::vector<FactFile> shared_facts;  // asserted into every case first (e.g. kb/threats.yaml)
    std::uint64_t max_firings = 1'000'000;
    bool derivations = false;  // fill the results' `derivation` (for `covenant report`; costs an explanation each)
};

// Classifies one case file with `engine` (which is reset first). Never throws on bad input: a malformed case gives a
// CaseResult with `error` set.
CaseResult classify_case(Engine& engine, const std::string& path, const ClassifyOptions& options);

// classify_case for a case already held in `sm` (a file read, or a case given as data by an embedding program):
// `result` comes with `file` and `case_id` set (the names diagnostics and the report use).
CaseResult classify_source(Engine& engine, const SourceManager& sm, FileId fid, const ClassifyOptions& options,
                           CaseResult result);

// One case's world: resets `engine`, asserts the shared facts then `facts`, runs to quiescence (or the limit), and
// fills `result`'s institutions, firings, run_problem and observed fact expectations.
void run_world(Engine& engine, const std::vector<FactFile>& shared, const std::vector<InitialFact>& facts,
               std::uint64_t max_firings, CaseResult& result, bool derivations = false);

// Collects the results for every institution in the engine's current working memory (after a run).
// With `derivations`, each conclusion's and finding's derivation as DOT too.
std::vector<InstitutionResult> collect_results(const Engine& engine, bool derivations = false);

// Checks every expectation of a classified case, in the order of the file (per entry: architecture, subtype, strains,
// not_strains, severity, facts, not_facts). A case with an error yields one failed outcome.
std::vector<ExpectationOutcome> check_expectations(const CaseResult& result);

// Runs work(engine, i) for every i in [0, n) on `jobs` threads (0 counts as 1), each with its own Engine over
// `program` (an Engine is single-threaded; the program is shared read-only). `work` must write only to slot i of
// whatever it fills, so results never depend on scheduling. Used by classify_all and the embedding API.
void for_each_case(const Program& program, std::size_t n, unsigned jobs,
                   const std::function<void(Engine&, std::size_t)>& work);

// Classifies many files with `jobs` worker threads, each with its own Engine over `program`. The result order is the
// order of `paths`, whatever `jobs` is.
std::vector<CaseResult> classify_all(const Program& program, const std::vector<std::string>& paths,
                                     const ClassifyOptions& options, unsigned jobs);

// Expands files and directories (recursively, *.yaml and *.yml, sorted by path) into a list of case files.
std::vector<std::string> expand_case_paths(const std::vector<std::string>& inputs, std::string& error);

enum class ReportFormat { Table, Json, Csv, Markdown };

// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a newline (RFC 4180).
std::string csv_field(const std::string& s);

// Columns padded to their widest cell and separated by two spaces, the first row a header underlined with '-'; the
// last column is not padded and trailing spaces are dropped. The text tables of classify and --sensitivity.
std::string text_table(const std::vector<std::vector<std::string>>& rows);

// How reports name what the packs declare with `report` (program.hpp, ReportSpec): column headings and JSON keys.
// A program without `report` declarations keeps these defaults (and has no subjects to show).
struct ReportLabels {
    std::string subject = "subject";        // the subject's label ("institution")
    std::string conclusion = "conclusion";  // the primary conclusion's label ("architecture")
    std::string detail = "detail";          // the name of its second slot ("subtype")
    std::string findings = "findings";      // the findings' label ("strains")
    std::vector<std::pair<std::string, std::string>> scores;  // the declared scores: predicate, label
    std::vector<std::string> types;  // the `one of` values of the conclusion's main slot, as declared (trend bands)
};
ReportLabels report_labels(const Program& p);

// What the renderings of results share (the report formats here, trend's chart, the HTML page):
std::string fixed2(double v);                                          // 0.35 -> "0.35"
std::string spaced(std::string s);                                     // "balance_of_power" -> "balance of power"
double score_of(const InstitutionResult& r, std::string_view pred);   // 0 when the program gave none
std::string xml_escape(std::string_view s);                            // & < > " ' as entities (SVG and HTML)

// Renders results. `explain` adds each result's reasons (JSON: a `because` array; Markdown: an indented list).
std::string render_report(const std::vector<CaseResult>& results, ReportFormat format, bool explain,
                          const ReportLabels& labels);

// The JSON format's lines for one case, appended to `out`: one line per institution (one for a case with an error or
// no institution). render_report's JSON report is these lines case after case, so a caller may render each case as
// soon as it is classified (classify does, in its workers) and keep only the text.
void append_case_json(std::string& out, const CaseResult& c, bool explain, const ReportLabels& labels);

}  // namespace covenant
