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
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "agenda/strategy.hpp"
#include "base/diagnostic.hpp"
#include "program/program.hpp"
#include "rete/fact.hpp"  // FactId, kNoFact, Origin
#include "rete/profile.hpp"

namespace covenant {

// Per-rule profiling (rete/profile.hpp says what is counted and how shared nodes are charged).
using Profile = rete::Profile;
using RuleProfile = rete::RuleProfile;

// One firing's record: the rule and what it matched. Every firing makes one, named by a justification id: the
// firing number - 1 (ids count up from 0 at reset and are never reused). The engine keeps a justification while a
// live fact or a live evidence contribution rests on it (FactView::supports, Contribution::justification), and the
// last Engine::history() firings' besides; older ones are released (Engine::justification returns nullptr), so that
// a long run's bookkeeping stays bounded. Explanations of live facts and scores therefore always find theirs.
struct Justification {
    RuleId rule = 0;
    std::vector<FactId> facts;       // the facts matched by the positive patterns, in condition order
    std::vector<Value> bindings;     // the value of every rule variable (indexed by VarId); unbound ones are Any
    std::uint64_t firing = 0;        // 1-based firing number
};

// How many of the most recent firings' justifications the engine keeps beyond those that live facts and
// contributions need (Engine::set_history).
constexpr std::size_t kDefaultHistory = 10'000;

// One evidence contribution to a score: which rule gave it, with what weight and reason, from which match.
struct Contribution {
    double weight = 0;
    std::string reason;              // interpolated
    std::uint32_t justification = 0; // justification id (Engine::justification); kept while the contribution lives
};

struct FactView {
    FactId id = kNoFact;
    TemplateId tmpl = 0;
    std::span<const Value> values;
    Origin origin = Origin::Given;
    SourceSpan span;                         // Given: where it was written, if known
    std::vector<std::uint32_t> supports;     // justification ids: for Concluded its current supports, for Asserted
                                             // the firing that made it, for Score its live contributions' (all kept
                                             // while the fact is live)
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

// A run-time error is a Diagnostic like a load-time one: code E0301 (Code::RuntimeError), the span of the failing
// action (or, for a `test` that failed while facts were matched, of the failing expression), the message
// "in rule 'NAME': what went wrong", and one note at the rule's span naming the rule and, for a failed action, the
// facts its firing matched ("f-3, f-7").
struct RunResult {
    std::uint64_t firings = 0;       // in this call
    StopReason reason = StopReason::Quiescent;
    std::optional<RuleId> last_rule; // the last rule that fired, if any
    std::vector<Diagnostic> errors;  // run-time errors (E0301), in the order they happened
};

// Renders a run-time error the way the engine printed run-time errors before they were diagnostics, which is what
// `covenant run`/`classify`/`test` and the REPL print, byte for byte (the golden tests and REPL transcripts pin it):
// one line "FILE:LINE:COL: error[E0301]: MESSAGE" with no trailing newline, "<file N>" for FILE when `sources` is
// null or does not know the file, no place at all when the span is invalid, and neither source excerpt nor notes.
// render() (base/diagnostic.hpp) differs in exactly those points — it adds the excerpt and the notes, ends with a
// newline and leaves out an unknown file — so it is kept for load-time diagnostics and callers use this one here.
std::string render_run_error(const Diagnostic& error, const SourceManager* sources);

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
    std::size_t justifications_kept = 0;  // justifications not yet released: those live facts and contributions
                                          // rest on, plus at most history() recent ones
};

// The justifications an engine keeps, in id order (Engine::justifications()): a snapshot for tests and tools, valid
// until the engine next changes. Indexing is by justification id, not by position.
class JustificationList {
public:
    struct Entry {
        std::uint32_t id;
        const Justification* justification;
    };
    class iterator {
    public:
        using value_type = Justification;
        using difference_type = std::ptrdiff_t;
        using reference = const Justification&;
        using pointer = const Justification*;
        using iterator_category = std::forward_iterator_tag;
        iterator() = default;
        explicit iterator(const Entry* e) : e_(e) {}
        reference operator*() const { return *e_->justification; }
        pointer operator->() const { return e_->justification; }
        iterator& operator++() { ++e_; return *this; }
        iterator operator++(int) { iterator t = *this; ++e_; return t; }
        bool operator==(const iterator& o) const { return e_ == o.e_; }
    private:
        const Entry* e_ = nullptr;
    };

    explicit JustificationList(std::vector<Entry> entries) : entries_(std::move(entries)) {}
    // The justification with this id; std::out_of_range when it was released (or never made).
    const Justification& at(std::uint32_t id) const;
    const Justification& operator[](std::uint32_t id) const { return at(id); }
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    iterator begin() const { return iterator(entries_.data()); }
    iterator end() const { return iterator(entries_.data() + entries_.size()); }
    const std::vector<Entry>& entries() const { return entries_; }

private:
    std::vector<Entry> entries_;
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
    // Lazy matching (on by default; docs/engine.md, "Lazy matching"): under the depth strategy and without a trace
    // listener, a rule's matches are made only when the next one is about to fire, in the order the eager network
    // makes them, so firings, the agenda and every inspection below are the same either way. Off: every match is made
    // as soon as it exists (switching off makes the ones put off).
    void set_lazy(bool on);
    bool lazy() const;

    // Where `print` writes (default std::cout).
    void set_output(std::ostream& out);
    void set_trace(TraceListener* listener);  // nullptr: none
    // Profiling: from now on, every firing, activation, partial match and the time spent matching and firing is
    // added to `profile` (per rule; sized for the program by this call), until set_profile(nullptr). The caller owns
    // the profile and may attach it to several engines over the same program. Off (the default), the engine reads
    // no clock and counts nothing for it.
    void set_profile(Profile* profile);
    Profile* profile() const;
    // The sources that run-time errors are rendered with: callers pass sources() to render_run_error, which names
    // files by path with them and by id without them. The engine itself only keeps the pointer.
    void set_sources(const SourceManager* sources);
    const SourceManager* sources() const;

    // ---- inspection ----
    bool is_live(FactId id) const;
    FactView fact(FactId id) const;            // id must be live
    std::vector<FactId> facts() const;         // live facts in id order
    std::vector<FactId> facts_of(TemplateId tmpl) const;
    std::optional<FactId> find_fact(TemplateId tmpl, std::span<const Value> values) const;
    // The combined certainty factor of PRED(args) (0 when no contribution), and its contributions.
    double score(TemplateId score_tmpl, std::span<const Value> args) const;
    std::vector<Contribution> contributions(TemplateId score_tmpl, std::span<const Value> args) const;
    // The justification with this id (FactView::supports, Contribution::justification), or nullptr when it has been
    // released: it was no longer needed by a live fact or contribution and fell out of the history window. The
    // pointer is valid until the engine next changes.
    const Justification* justification(std::uint32_t id) const;
    // Every justification still kept, in id order (a snapshot; costs a walk over them: for tests and tools).
    JustificationList justifications() const;
    // How many recent firings' justifications are kept beyond what live facts and contributions need (default
    // kDefaultHistory; 0 keeps only those). Lowering it releases the older ones at once; raising it does not bring
    // back released ones.
    void set_history(std::size_t firings);
    std::size_t history() const;

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
    // The activation that would fire next (the first of agenda()), as a Match with its bindings; nullopt when the
    // agenda is empty. Not const: the agenda may drop removed entries it skips over (lex/mea), which changes no order.
    std::optional<Match> next_activation();

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
