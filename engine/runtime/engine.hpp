// The inference engine: working memory, the Rete network built from a checked Program, the agenda, truth
// maintenance and evidence. This is the API that the CLI, the REPL, classification and explanations use.
//
// Contract summary (details at each declaration):
//  - assert of a fact identical to a live one changes nothing and returns the existing id;
//  - assert/retract/modify propagate incrementally through the network; modify = retract + assert of the changed fact
//    (the fact gets a new id, as in CLIPS);
//  - run() fires activations in agenda order until the agenda is empty, `halt`, or a limit; working memory is
//    consistent whenever run() returns;
//  - facts made by `conclude` and evidence contributions are logically supported by the activation that made them and
//    vanish when it does (truth maintenance, cycles included).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "program/program.hpp"

namespace covenant {

using FactId = std::uint32_t;
constexpr FactId kNoFact = 0xFFFFFFFF;

enum class Strategy { Depth, Breadth, Lex, Mea };
std::optional<Strategy> parse_strategy(std::string_view name);  // "depth", "breadth", "lex", "mea"
std::string_view strategy_name(Strategy s);

// How a fact came to be in working memory.
enum class Origin : std::uint8_t {
    Given,       // asserted from outside: a facts block, a YAML file, the REPL, the API
    Asserted,    // by a rule's `assert` action (unconditional, like CLIPS assert)
    Concluded,   // by a rule's `conclude` action (logically supported)
    Score        // a score fact maintained from evidence contributions
};

// One firing's record: the rule and what it matched. Kept for every firing (the explanation commands use it).
struct Justification {
    RuleId rule = 0;
    std::vector<FactId> facts;       // the facts matched by the positive patterns, in condition order
    std::vector<Value> bindings;     // the value of every rule variable (indexed by VarId); unbound ones are Any
    std::uint64_t firing = 0;        // 1-based firing number
};

// One evidence contribution to a score: which rule gave it, with what weight and reason, from which match.
struct Contribution {
    double weight = 0;
    std::string reason;              // interpolated
    std::uint32_t justification = 0; // index into Engine::justifications()
};

struct FactView {
    FactId id = kNoFact;
    TemplateId tmpl = 0;
    std::span<const Value> values;
    Origin origin = Origin::Given;
    SourceSpan span;                         // Given: where it was written, if known
    std::vector<std::uint32_t> supports;     // Concluded/Asserted: justifications that made it (current supports for
                                             // Concluded; the making firing for Asserted)
    std::uint64_t timestamp = 0;             // recency, for LEX/MEA and display
};

// Error: an action failed (E0301); the firing's remaining actions were skipped and the run stopped.
enum class StopReason { Quiescent, Halted, MaxFirings, Timeout, Interrupted, Error };
std::string_view stop_reason_text(StopReason r);

struct RunLimits {
    std::uint64_t max_firings = 0;                       // 0 = no limit
    std::chrono::milliseconds timeout{0};                // 0 = no limit
    const volatile bool* interrupt = nullptr;            // checked between firings (Ctrl-C in the REPL)
};

struct RunResult {
    std::uint64_t firings = 0;       // in this call
    StopReason reason = StopReason::Quiescent;
    std::optional<RuleId> last_rule; // the last rule that fired, if any
    std::vector<std::string> errors; // run-time errors (E0301), located at the action
};

// Receives trace events (`--watch`, the REPL's `watch`). Default implementations ignore everything.
class TraceListener {
public:
    virtual ~TraceListener() = default;
    virtual void on_assert(const FactView&) {}
    virtual void on_retract(const FactView&) {}
    virtual void on_activation(RuleId, std::span<const FactId>, bool added) { (void)added; }
    virtual void on_fire(std::uint64_t /*firing*/, RuleId, std::span<const FactId>) {}
};

struct EngineStats {
    std::uint64_t firings = 0;
    std::uint64_t activations_created = 0;
    std::uint64_t facts_asserted = 0;
    std::uint64_t facts_retracted = 0;
    std::size_t live_facts = 0;
    std::size_t peak_facts = 0;
    std::size_t tokens = 0;           // live beta tokens
    std::size_t rete_nodes = 0;
    std::size_t memory_bytes = 0;     // approximate bytes held by working memory and the network
};

class Engine {
public:
    // The program must outlive the engine.
    explicit Engine(const Program& program);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const Program& program() const;

    // Clears working memory and the agenda, then asserts the program's initial facts (facts blocks).
    void reset();

    // Asserts a fact given from outside. `values` has one entry per slot (already type-checked). Returns its id (the
    // existing id when an identical fact is live).
    FactId assert_fact(TemplateId tmpl, std::span<const Value> values, SourceSpan span = {});
    // Retracts a live fact; returns false when `id` is not live. Score facts cannot be retracted (returns false).
    bool retract(FactId id);
    // Changes slots of a live fact (retract + assert). Returns the new id, or kNoFact when `id` is not live.
    // A change that leaves every value as it was does nothing and returns `id` (also for a rule's `modify`).
    FactId modify(FactId id, std::span<const std::pair<SlotIndex, Value>> changes);

    RunResult run(const RunLimits& limits = {});
    void set_strategy(Strategy s);
    Strategy strategy() const;

    // Where `print` writes (default std::cout).
    void set_output(std::ostream& out);
    void set_trace(TraceListener* listener);  // nullptr: none
    // Where run-time errors find file names (`file:line:col`); without it they name the file by its id.
    void set_sources(const SourceManager* sources);

    // ---- inspection ----
    bool is_live(FactId id) const;
    FactView fact(FactId id) const;            // id must be live
    std::vector<FactId> facts() const;         // live facts in id order
    std::vector<FactId> facts_of(TemplateId tmpl) const;
    std::optional<FactId> find_fact(TemplateId tmpl, std::span<const Value> values) const;
    // The combined certainty factor of PRED(args) (0 when no contribution), and its contributions.
    double score(TemplateId score_tmpl, std::span<const Value> args) const;
    std::vector<Contribution> contributions(TemplateId score_tmpl, std::span<const Value> args) const;
    const std::vector<Justification>& justifications() const;

    // Activations currently on the agenda, in the order they would fire.
    struct Activation {
        RuleId rule;
        std::vector<FactId> facts;
        int salience;
    };
    std::vector<Activation> agenda() const;

    // A complete match of a rule: an activation on the agenda, or one that already fired and whose conditions still
    // hold (refraction keeps it off the agenda until the match goes).
    struct Match {
        RuleId rule = 0;
        std::vector<FactId> facts;     // the facts of the positive patterns, in condition order
        std::vector<Value> bindings;   // every rule variable by VarId (aggregate results included); Any for the
                                       // variables local to a not/exists group or an aggregate's pattern
        bool on_agenda = false;        // false once it has fired
    };
    // Every current match, in no defined order. Costs a walk over all tokens: for tests and tools (the naive-matcher
    // oracle compares it after every change), not for rules or per-firing use.
    std::vector<Match> matches() const;

    EngineStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The MYCIN certainty-factor combination of two values in [-1, 1] (Shortliffe & Buchanan 1975):
// both positive a + b(1 - a); both negative a + b(1 + a); mixed (a + b) / (1 - min(|a|, |b|)); returns 0 for
// a = -b = +-1 (the formula's undefined case, taken as total conflict).
double combine_cf(double a, double b);

}  // namespace covenant
