// The Covenant embedding API: load rule packs, classify cases (files or data), run any program in a session, and ask
// why and why not — with results as plain records. docs/embedding.md is the guide; this header is the reference.
//
// Self-contained: it includes only the standard library (C++17), and its classes hold the engine behind a pointer, so
// that a program using it needs only this header and libcovenant (pkg-config --cflags --libs covenant, or
// find_package(Covenant) and the target Covenant::covenant). The Python module (python/module.cpp) is built on it.
//
// Contracts that hold throughout:
//  - Every failure to load or to accept input throws covenant::Error, which carries every diagnostic (code, file,
//    line, column, message) and the text the CLI would print. Nothing else is thrown but std::bad_alloc.
//  - A Rules object is immutable once loaded and may be shared by any number of threads and Sessions; copies share
//    one compiled program. A Session is single-threaded: use one per thread.
//  - A case that cannot be read does not throw from a batch: its CaseRecord has `errors` set and the others still
//    run (as `covenant classify` does); classify_file/classify_data on one case throw instead.
//  - Batch results come back in input order whatever `jobs` is, and are identical for every `jobs`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#if defined(__GNUC__) || defined(__clang__)
#define COVENANT_API __attribute__((visibility("default")))
#else
#define COVENANT_API
#endif

namespace covenant {

// ---- values and data ----

// A slot value: a symbol or string (both as text), an integer, a float or a bool. When a value goes into a fact it
// is converted to the slot's declared type the way a fact file's scalar is (3 goes into a float slot as 3.0, "12"
// into an int slot as 12, text into a `one of` slot must be one of its values) and checked against the slot's range;
// a value that does not fit is an Error (E0206; E0207 when outside the range).
using Scalar = std::variant<std::string, std::int64_t, double, bool>;

// One `slot: value` of a fact, in the template's slot order when it comes from the engine.
using SlotValues = std::vector<std::pair<std::string, Scalar>>;

// Nested data in the shape of a YAML fact or case file (docs/kb.md): maps (keys in order), lists and scalars. A case
// given as Data is read exactly as the same case written as a file would be; its diagnostics name the case as
// "<data NAME>" and point at the line and column of the YAML text it is written out as (Error::rendered shows it).
class COVENANT_API Data {
public:
    enum class Kind { Null, Scalar, List, Map };

    Data();              // null
    Data(Scalar value);  // NOLINT: implicit, so that maps and lists of values read naturally
    Data(const char* text);
    Data(std::string text);
    Data(int value);
    Data(std::int64_t value);
    Data(double value);
    Data(bool value);
    static Data list(std::vector<Data> items = {});
    static Data map(std::vector<std::pair<std::string, Data>> entries = {});
    Data(const Data&);
    Data(Data&&) noexcept;
    Data& operator=(const Data&);
    Data& operator=(Data&&) noexcept;
    ~Data();

    Kind kind() const { return kind_; }
    const Scalar& scalar() const { return scalar_; }                                       // Kind::Scalar
    const std::vector<Data>& items() const { return items_; }                              // Kind::List
    const std::vector<std::pair<std::string, Data>>& entries() const { return entries_; }  // Kind::Map

    Data& push_back(Data item);                     // appends to a list (a null becomes an empty list first)
    Data& set(const std::string& key, Data value);  // adds or replaces a map entry (a null becomes a map first)
    const Data* get(const std::string& key) const;  // a map entry, nullptr when absent

    // The data as YAML text, as read back by the fact-file reader: strings plain when YAML reads them back unchanged
    // as text, else double-quoted; floats always with a decimal point or exponent.
    std::string to_yaml() const;

private:
    Kind kind_ = Kind::Null;
    Scalar scalar_;
    std::vector<Data> items_;
    std::vector<std::pair<std::string, Data>> entries_;
};

// ---- diagnostics and errors ----

struct DiagnosticInfo {
    std::string code;          // "E0105", "W0004" (docs/diagnostics.md)
    std::string severity;      // "error", "warning" or "note"
    std::string file;          // "" when the diagnostic is not about a file
    std::uint32_t line = 0;    // 1-based; 0 when unknown
    std::uint32_t column = 0;  // 1-based; 0 when unknown
    std::string message;
};

class COVENANT_API Error : public std::runtime_error {
public:
    // `rendered`: every diagnostic as the CLI prints it (source excerpt and caret included); also what().
    Error(std::string rendered, std::vector<DiagnosticInfo> diagnostics);
    const std::vector<DiagnosticInfo>& diagnostics() const noexcept { return diagnostics_; }
    const std::string& rendered() const noexcept { return rendered_; }

private:
    std::string rendered_;
    std::vector<DiagnosticInfo> diagnostics_;
};

// ---- classification results ----

struct ScoreRecord {
    std::string predicate;  // the score predicate: "community"
    std::string label;      // its report label (`report score`), the column name in reports
    double value = 0;       // the combined certainty factor, in [-1, 1]
};

struct FindingRecord {  // a strain, in the core packs
    std::string kind;
    double severity = 0;
    std::string reason;
    std::string rule;     // the rule that concluded it
    std::string finding;  // its template
};

struct ReasonRecord {  // one evidence contribution behind a score
    std::string rule;
    std::string kind;    // rule, norm, criterion, interest
    std::string toward;  // the score predicate
    double weight = 0;
    std::string text;
};

// What a case concluded about one subject (an institution in the core packs): the packs' `report` declarations say
// which template is the subject, the conclusion, the findings and the scores (docs/language.md §12).
struct SubjectRecord {
    std::string subject;                      // the subject's id: "nato"
    std::string conclusion = "undetermined";  // the primary conclusion's main value: the architecture
    std::string detail = "none";              // its second slot: the subtype
    std::string conclusion_rule;              // the rule that concluded it, if any
    std::vector<ScoreRecord> scores;          // every declared score, in the order of the program's templates
    std::vector<FindingRecord> findings;      // by severity (highest first), then kind
    std::vector<ReasonRecord> reasons;        // in the order of the contributions
};

struct CaseRecord {
    std::string case_id;  // `case:` of the file, else the file name without extension
    std::string file;     // the path, or "<data NAME>" for a case given as data
    std::optional<std::int64_t> as_of;
    std::string title;
    std::vector<SubjectRecord> subjects;  // in the order their facts were given
    std::vector<DiagnosticInfo> errors;   // non-empty: the case could not be read (nothing ran)
    std::string error_text;               // the errors rendered as the CLI prints them
    std::uint64_t firings = 0;
    std::string run_problem;  // non-empty when the run stopped on a limit or a run-time error
    std::string printed;      // what the packs' `print` actions wrote

    bool ok() const { return errors.empty() && run_problem.empty(); }
};

// The words the loaded packs' `report` declarations give the roles (the column names of `covenant classify`).
struct Labels {
    std::string subject = "subject";                          // "institution"
    std::string conclusion = "conclusion";                    // "architecture"
    std::string detail = "detail";                            // "subtype"
    std::string findings = "findings";                        // "strains"
    std::vector<std::pair<std::string, std::string>> scores;  // predicate, label
};

// ---- facts and explanations ----

struct Fact {
    std::uint64_t id = 0;       // f-ID as the CLI shows it; changes when the fact is modified
    std::string template_name;  // for a score fact, "PRED/N"
    SlotValues slots;           // every slot, in template order
    std::string origin;         // "given", "asserted" (by a rule), "concluded" (logically supported), "score"
    std::string text;           // the fact in the rule language: person(name: ann, age: 31)
};

// Why a fact holds: its derivation tree (explain/why.hpp), as data.
struct WhyTree {
    std::string kind;              // "fact", "score" or "rule"
    std::string label;             // fact: the fact as text; score: "trust(ann) = 0.61"; rule: its name
    std::string detail;            // fact: "given", "given at FILE:LINE", "concluded", ...; score: how it combined;
                                   // rule: its doc string
    std::string rule_kind;         // rule: rule, norm, criterion, interest
    std::string location;          // rule: FILE:LINE of the rule; given fact: where it was written
    std::optional<double> weight;  // rule under a score: the contribution's weight
    std::string reason;            // rule under a score: the contribution's reason
    std::uint64_t fact = 0;        // fact/score: its id when live (0: none)
    bool truncated = false;        // the depth limit cut the children
    bool repeated = false;         // already explained higher up this branch (a support cycle)
    bool seen_before = false;      // a given fact written out in full earlier in the tree
    std::vector<WhyTree> children;
};

// Why a conclusion was not reached (explain/whynot.hpp): every rule that could have concluded it, how far it got.
struct WhyNotRuleRecord {
    std::string rule;
    std::string rule_kind;
    std::string location;     // FILE:LINE of the rule
    bool can_produce = true;  // false: its actions can never give the target
    std::string cannot_because;
    std::uint64_t conditions_matched = 0;  // the longest matching prefix of its conditions
    std::uint64_t conditions_total = 0;
    std::string failed_condition;         // the first condition without a match, as text
    std::string failed_location;          // FILE:LINE of it
    std::string failure;                  // in words
    std::vector<std::string> bindings;    // "?p = ann" at the point of failure
    std::vector<std::string> would_help;  // evidence that could close a score gap
    bool search_cut = false;              // the search's step limit was reached
};

struct WhyNotAnswer {
    std::string target;  // as text
    bool holds = false;  // it does hold (then `rules` is empty)
    std::vector<WhyNotRuleRecord> rules;
    std::string text;  // the report as the REPL's why-not prints it
};

struct RunReport {
    std::uint64_t firings = 0;
    std::string stop;  // why it stopped: "quiescent", "halted", "max-firings", "timeout", "interrupted", "error"
    std::vector<DiagnosticInfo> errors;  // run-time errors (E0301), in the order they happened
    std::string printed;                 // what `print` actions wrote during the run
};

// ---- loading ----

struct RulesOptions {
    std::vector<std::string> rules;  // .rules files or directories (a directory: the *.rules directly inside, sorted).
                                     // Empty: the shipped core packs.
    std::vector<std::string> facts;  // fact files (YAML) asserted into every case and every Session. Empty: the
                                     // shipped threat catalogue whenever the loaded rules use core.vocabulary (as
                                     // the CLI does; docs/cli.md, "Defaults, and how to replace them")
    bool no_default_facts = false;   // no shared facts at all when `facts` is empty
    std::vector<std::string> search_path;  // searched for `use a.b.c` first; then COVENANT_PATH, then the shipped
                                           // rules/ directory
};

struct BatchOptions {
    unsigned jobs = 1;                      // cases classified in parallel (0 counts as 1)
    std::uint64_t max_firings = 1'000'000;  // a case's run stops after this many firings (0: no limit)
};

class Session;

// A loaded, checked and compiled program with its shared facts. Loading throws Error on any error; warnings are kept.
class COVENANT_API Rules {
public:
    explicit Rules(const RulesOptions& options = {});
    static Rules shipped() { return Rules(RulesOptions{}); }  // the core packs and the threat catalogue
    static Rules load(std::vector<std::string> rules, std::vector<std::string> facts = {});

    const std::vector<DiagnosticInfo>& warnings() const;
    const std::vector<std::string>& rule_files() const;  // the .rules files named (after directory expansion)
    const std::vector<std::string>& fact_files() const;  // the shared fact files
    Labels labels() const;
    std::vector<std::string> template_names() const;  // every template, score templates ("PRED/N") included
    std::vector<std::string> slot_names(const std::string& template_name) const;  // Error for an unknown template

    // One case file; Error when it cannot be read or checked (diagnostics located in it).
    CaseRecord classify_file(const std::string& path, const BatchOptions& options = {}) const;
    // One case given as data (the shape of a case file); `name` names it in diagnostics (default: its `case:`).
    CaseRecord classify_data(const Data& case_data, const std::string& name = "",
                             const BatchOptions& options = {}) const;
    // Case files and directories of them (recursively, *.yaml and *.yml, sorted by path), in parallel. A path that
    // does not exist is an Error; a case that cannot be read gives a record with `errors`.
    std::vector<CaseRecord> classify_files(const std::vector<std::string>& paths,
                                           const BatchOptions& options = {}) const;
    // Cases as data, in parallel; names default to each case's `case:`, else "case N".
    std::vector<CaseRecord> classify_data(const std::vector<Data>& cases, const BatchOptions& options = {},
                                          const std::vector<std::string>& names = {}) const;

    Session session() const;

    struct Impl;

private:
    friend class Session;
    std::shared_ptr<const Impl> impl_;
};

// A working memory over a Rules: assert, retract and modify facts, run, query, explain. reset() and the constructor
// assert the program's `facts` blocks and the Rules' shared facts. Fact ids are those the CLI and the REPL show.
class COVENANT_API Session {
public:
    explicit Session(const Rules& rules);
    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;
    ~Session();

    void reset();
    // Asserts a fact; the slots not given take their defaults (a slot without a default is required). Returns its
    // id (the existing one when an identical fact is live). Error on an unknown template or slot, a bad value.
    std::uint64_t assert_fact(const std::string& template_name, const SlotValues& slots);
    // Asserts a fact written in the rule language: "person(name: ann, age: 31)".
    std::uint64_t assert_text(const std::string& fact);
    // Asserts every fact of a fact file, or of data in its shape; returns their ids in order.
    std::vector<std::uint64_t> assert_file(const std::string& path);
    std::vector<std::uint64_t> assert_data(const Data& facts, const std::string& name = "data");
    // Retracts a live fact; false when `id` is not live (or is a score, which only its evidence changes).
    bool retract(std::uint64_t id);
    // Changes slots of a live fact; returns its new id. Error when `id` is not live or a slot or value is wrong.
    std::uint64_t modify(std::uint64_t id, const SlotValues& changes);

    // Fires rules until none is left, `halt`, or `max_firings` (0: no limit).
    RunReport run(std::uint64_t max_firings = 0);

    // Live facts in id order: all of them, or those of one template (Error for an unknown template).
    std::vector<Fact> facts(const std::string& template_name = "") const;
    Fact fact(std::uint64_t id) const;  // Error when not live
    // The combined score PRED(args) (0 when nothing contributed); Error for an unknown predicate/arity.
    double score(const std::string& predicate, const std::vector<Scalar>& args) const;
    // What the classification of this working memory shows (the `report` roles), as `classify` would collect it.
    std::vector<SubjectRecord> subjects() const;

    WhyTree why(std::uint64_t fact_id, std::size_t max_depth = 32) const;  // Error when not live
    WhyTree why_score(const std::string& predicate, const std::vector<Scalar>& args, std::size_t max_depth = 32) const;
    // Why no fact of `template_name` with these slot values holds (unnamed slots match anything). For a score
    // predicate use its template "PRED/N" with slots arg1..argN and, for a threshold, value.
    WhyNotAnswer why_not(const std::string& template_name, const SlotValues& slots = {}) const;
    // The same from a pattern as the REPL takes it: "architecture(institution: sco, type: community)".
    WhyNotAnswer why_not_text(const std::string& pattern) const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// The directory holding the shipped rules/ and kb/ that Rules::shipped() loads, or "" when none is found.
COVENANT_API std::string data_directory();
// The library's version, "MAJOR.MINOR.PATCH".
COVENANT_API std::string version();

}  // namespace covenant
