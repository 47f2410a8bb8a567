// The engine: working memory + Rete matcher + agenda, with truth maintenance and certainty-factor evidence on top.
//
// Every change to working memory goes through assert_and_propagate / retract_internal, which propagate it through the
// matcher at once — except, inside a firing, asserts of facts that only positive joins see (see propagate_new).
// Consequences that would re-enter the matcher while it is propagating (a concluded fact losing its
// last support, a score whose contributions changed, a support cycle to re-check) are queued and handled by settle()
// in FIFO order once the propagation is over, so the order of effects is deterministic.
#include "runtime/engine.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "agenda/agenda.hpp"
#include "base/diagnostic.hpp"
#include "program/eval.hpp"
#include "rete/matcher.hpp"
#include "rete/network.hpp"
#include "rete/working_memory.hpp"

namespace covenant {

std::string_view stop_reason_text(StopReason r) {
    switch (r) {
        case StopReason::Quiescent: return "no more activations";
        case StopReason::Halted: return "halted by a rule";
        case StopReason::MaxFirings: return "maximum number of firings reached";
        case StopReason::Timeout: return "time limit reached";
        case StopReason::Interrupted: return "interrupted";
        case StopReason::Error: return "run-time error";
    }
    return "?";
}

// MYCIN combination (Shortliffe & Buchanan 1975; Buchanan & Shortliffe 1984, ch. 10). Mixed signs with one side at
// +-1 and the other at -+1 divide by zero: that is total conflict, and we return 0 (neither belief nor disbelief).
double combine_cf(double a, double b) {
    if (a >= 0 && b >= 0) return a + b * (1 - a);
    if (a < 0 && b < 0) return a + b * (1 + a);
    double denom = 1 - std::min(std::abs(a), std::abs(b));
    if (denom <= 0) return 0.0;
    return (a + b) / denom;
}

namespace {

struct EvidenceKey {
    TemplateId tmpl = 0;
    std::vector<Value> args;
    bool operator==(const EvidenceKey& o) const { return tmpl == o.tmpl && args == o.args; }
};

struct EvidenceKeyHash {
    std::size_t operator()(const EvidenceKey& k) const noexcept {
        std::size_t h = k.tmpl * 0x9E3779B97F4A7C15ULL;
        for (const auto& v : k.args) h = (h ^ v.hash()) * 0x100000001b3ULL;
        return h;
    }
};

struct ContributionRecord {
    double weight = 0;
    std::string reason;
    std::uint32_t justification = 0;
    std::uint32_t serial = 0;        // the record's count of contributions before this one: a stable name
    bool live = true;
};

struct EvidenceRecord {
    EvidenceKey key;
    // In creation order (so ascending serial). A withdrawn contribution is marked dead and stays until the dead ones
    // are as many as the live ones; then they are dropped (update_score), so the list stays within twice the live
    // contributions however often they churn.
    std::vector<ContributionRecord> contributions;
    FactId fact = kNoFact;                          // the score fact, while there is a live contribution
    double value = 0;
    std::uint32_t next_serial = 0;
    std::uint32_t dead = 0;                         // dead entries in `contributions`
};

// What a terminal token (an activation's match) logically supports.
struct SupportRef {
    bool is_fact = true;
    std::uint32_t id = 0;            // fact id, or evidence record index
    std::uint32_t contribution = 0;  // evidence: the contribution's serial in the record
    std::uint32_t justification = 0;
};

// The justifications, by id (= firing number - 1 since reset; ids are never reused). A justification is kept while
// it is referenced — by a Concluded fact's support list, an Asserted fact's maker, or a live evidence contribution
// (ref/unref count these) — or while it is among the last `history` firings. The recent ones live in a ring of
// history + 1 slots indexed by id (the +1 holds the firing in progress, so history 0 works); when one leaves the window
// it moves to `old_` if referenced and is dropped otherwise, and an old one is dropped when its last reference goes.
// Memory is therefore bounded by the window plus what live facts and contributions need, whatever the run's length.
// A ring slot's vectors keep their capacity for the firing that reuses the slot, so recording a firing allocates
// nothing once the ring is full.
class JustificationStore {
public:
    struct Slot {
        Justification j;
        std::uint32_t refs = 0;
    };

    explicit JustificationStore(std::size_t history) : window_(history) {}

    // Starts the record of a new firing: returns its id and its (cleared) slot to fill in.
    Slot& begin(std::uint32_t& id) {
        id = next_++;
        std::size_t at = id % (window_ + 1);
        if (at >= ring_.size()) ring_.resize(at + 1);
        Slot& s = ring_[at];
        s.refs = 0;
        s.j.facts.clear();
        s.j.bindings.clear();
        return s;
    }

    // The firing in progress is over: the window moves on, and the justification that leaves it is moved to the
    // old ones (when referenced) or released.
    void end_firing() { advance_floor(next_ > window_ ? next_ - window_ : 0); }

    const Justification* get(std::uint32_t id) const {
        if (id >= next_) return nullptr;
        if (id >= floor_) return &ring_[id % (window_ + 1)].j;
        auto it = old_.find(id);
        return it == old_.end() ? nullptr : &it->second.j;
    }

    void ref(std::uint32_t id) {
        if (Slot* s = slot(id)) ++s->refs;
    }

    void unref(std::uint32_t id) {
        if (id >= floor_) {
            if (id < next_) --ring_[id % (window_ + 1)].refs;
            return;
        }
        auto it = old_.find(id);
        if (it != old_.end() && --it->second.refs == 0) old_.erase(it);
    }

    std::size_t kept() const { return (next_ - floor_) + old_.size(); }
    std::size_t history() const { return window_; }

    // Between firings only.
    void set_history(std::size_t history) {
        if (history == window_) return;
        // Lowering the window releases what falls out of it now; raising it cannot bring back released ones, so the
        // window starts where it was and fills up with the coming firings.
        if (history < window_ && next_ - floor_ > history) advance_floor(static_cast<std::uint32_t>(next_ - history));
        std::vector<Slot> ring;
        for (std::uint32_t id = floor_; id < next_; ++id) {
            std::size_t at = id % (history + 1);
            if (at >= ring.size()) ring.resize(at + 1);
            ring[at] = std::move(ring_[id % (window_ + 1)]);
        }
        ring_ = std::move(ring);
        window_ = history;
    }

    void clear() {
        next_ = floor_ = 0;
        old_.clear();
        for (auto& s : ring_) s.refs = 0;
    }

    // In id order.
    std::vector<JustificationList::Entry> entries() const {
        std::vector<JustificationList::Entry> out;
        for (const auto& [id, s] : old_) out.push_back({id, &s.j});
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        for (std::uint32_t id = floor_; id < next_; ++id) out.push_back({id, &ring_[id % (window_ + 1)].j});
        return out;
    }

    std::size_t memory_bytes() const {
        std::size_t bytes = ring_.capacity() * sizeof(Slot) + old_.size() * (sizeof(Slot) + 32);
        auto add = [&](const Justification& j) {
            bytes += j.facts.capacity() * sizeof(FactId) + j.bindings.capacity() * sizeof(Value);
        };
        for (const auto& s : ring_) add(s.j);
        for (const auto& [id, s] : old_) add(s.j);
        return bytes;
    }

private:
    Slot* slot(std::uint32_t id) {
        if (id >= next_) return nullptr;
        if (id >= floor_) return &ring_[id % (window_ + 1)];
        auto it = old_.find(id);
        return it == old_.end() ? nullptr : &it->second;
    }

    void advance_floor(std::uint32_t floor) {
        for (; floor_ < floor; ++floor_) {
            Slot& s = ring_[floor_ % (window_ + 1)];
            if (s.refs > 0) old_.emplace(floor_, std::move(s));
        }
    }

    std::vector<Slot> ring_;
    std::unordered_map<std::uint32_t, Slot> old_;
    std::uint32_t next_ = 0;    // ids made since reset
    std::uint32_t floor_ = 0;   // the lowest id in the window: [floor_, next_) are in the ring
    std::size_t window_;
};

enum class PendingKind : std::uint8_t { SupportLost, EvidenceChanged };
struct Pending {
    PendingKind kind;
    std::uint32_t id;
};

constexpr std::uint32_t kNoActivation = 0xFFFFFFFF;

}  // namespace

struct Engine::Impl final : rete::MatchListener {
    const Program& program;
    rete::Network net;
    WorkingMemory wm;
    Agenda agenda;
    rete::Matcher matcher;
    std::ostream* out = &std::cout;
    TraceListener* trace = nullptr;
    const SourceManager* sources = nullptr;

    // Every map below is keyed by live facts (or live tokens) and loses the key when it goes, so none grows with
    // the length of a run; justification ids in `supports` and `made_by` and in live contributions hold a reference
    // in `justs` (JustificationStore).
    JustificationStore justs{kDefaultHistory};
    std::unordered_map<FactId, std::vector<std::uint32_t>> supports;   // Concluded facts: current supports
    std::unordered_map<FactId, std::uint32_t> made_by;                 // Asserted facts: the firing that made them
    std::unordered_map<FactId, SourceSpan> spans;                      // Given facts with a known place
    // f -> facts with a support that matched f (may hold dead, no longer Concluded and repeated entries, which
    // check_well_founded skips; add_support drops them when the list would grow)
    std::unordered_map<FactId, std::vector<FactId>> dependents;
    std::unordered_set<FactId> seen_scratch;                          // add_support's pruning
    std::unordered_map<rete::TokenId, std::vector<SupportRef>> token_supports;
    std::vector<EvidenceRecord> evidence;
    std::unordered_map<EvidenceKey, std::uint32_t, EvidenceKeyHash> evidence_index;
    std::unordered_map<FactId, std::uint32_t> score_fact_record;
    std::deque<Pending> pending;
    std::vector<Pending> wave;        // settle's scratch
    bool settling = false;
    bool deferring = false;           // inside a firing, without a trace listener (propagate_new)
    bool replaying = false;           // the matcher is replaying a suspension (on_replay)
    bool lazy_allowed = true;         // Engine::set_lazy
    std::vector<FactId> deferred;     // new join-only facts not yet propagated, in assert order

    // The firing in progress.
    rete::TokenId firing_token = rete::kNone;
    bool firing_token_gone = false;
    std::uint32_t firing_justification = 0;
    std::vector<Value> firing_bindings;          // the firing's variables, changed by its actions (modify ?f)
    std::vector<std::uint32_t> firing_evidence;  // evidence records this firing contributed to
    bool halted = false;
    std::vector<Diagnostic> errors;              // run-time errors not yet handed out by run()

    // Scratch of the action being run (actions never nest: nothing that settle() does runs an action), kept here so
    // that an action allocates nothing once their capacity suffices.
    std::vector<Value> action_values;            // the evaluated slots or arguments of the action
    EvalError eval_error;                        // the last failed evaluation
    std::string action_problem;                  // why the action failed (when an action function returns false)

    EngineStats counters;

    explicit Impl(const Program& p) : program(p), net(rete::compile_network(p)), matcher(p, net, wm, *this) {
        matcher.reset();
        // COVENANT_MATCHING=eager turns lazy matching off for every engine of the process (the REPL, classify, the
        // Python module; docs/engine.md): a way to compare the two without a command-line option for each tool.
        if (const char* m = std::getenv("COVENANT_MATCHING"); m && std::string_view(m) == "eager") lazy_allowed = false;
        update_lazy();
    }

    // ---- facts ----

    FactView view(FactId id) const {
        FactView v;
        const FactRecord& r = wm.record(id);
        v.id = id;
        v.tmpl = r.tmpl;
        v.values = wm.value_span(id);
        v.origin = r.origin;
        v.timestamp = WorkingMemory::timestamp(id);
        if (auto it = spans.find(id); it != spans.end()) v.span = it->second;
        switch (r.origin) {
            case Origin::Concluded:
                if (auto it = supports.find(id); it != supports.end()) v.supports = it->second;
                break;
            case Origin::Asserted:
                if (auto it = made_by.find(id); it != made_by.end()) v.supports.push_back(it->second);
                break;
            case Origin::Score:
                if (auto it = score_fact_record.find(id); it != score_fact_record.end())
                    for (const auto& c : evidence[it->second].contributions)
                        if (c.live) v.supports.push_back(c.justification);
                break;
            case Origin::Given: break;
        }
        return v;
    }

    // Assert then propagate, the one way a fact enters working memory (Engine::assert_fact, assert and conclude
    // actions, modify, score facts). Working memory: adds the fact, or finds the identical live one and upgrades it
    // from Concluded to unconditional when `origin` is Given or Asserted; `made_by_just`, unless kNoActivation,
    // becomes an Asserted fact's maker (a justification reference). Then `before_network(id)` runs, for a new and an
    // existing fact alike — it attaches what must be in place when the network sees the fact: a conclusion's
    // support, so that a match the new fact itself destroys (`not` of the conclusion) takes the support with it; a
    // score fact's record, which a trace of the assert shows. Then a new fact is propagated (propagate_new: at once,
    // or deferred to the end of the firing), which may add and remove activations and queue TMS work; the queue is
    // not settled here (callers settle when their change is complete). Returns the fact's id.
    template <typename BeforeNetwork>
    FactId assert_and_propagate(TemplateId tmpl, std::span<const Value> values, Origin origin, SourceSpan span,
                                std::uint32_t made_by_just, BeforeNetwork&& before_network) {
        bool is_new = false;
        FactId id = assert_internal(tmpl, values, origin, span, made_by_just, is_new);
        before_network(id);
        if (is_new) propagate_new(id);
        return id;
    }

    FactId assert_and_propagate(TemplateId tmpl, std::span<const Value> values, Origin origin, SourceSpan span,
                                std::uint32_t made_by_just) {
        return assert_and_propagate(tmpl, values, origin, span, made_by_just, [](FactId) {});
    }

    // Modify, once (Engine::modify and the modify action): replaces the live, non-score fact `f` by a fact of the
    // same template with `values`, which differ from f's (see unchanged()): f is retracted and the TMS settled, then
    // the new fact is asserted and propagated (assert_and_propagate) — Given stays Given, anything else becomes
    // Asserted (a changed conclusion no longer rests on its supports), with `span` as its place and `made_by_just`
    // as its maker. Returns the new fact's id (or the id of an identical live fact, which it then is).
    FactId replace_fact(FactId f, std::span<const Value> values, SourceSpan span, std::uint32_t made_by_just) {
        const FactRecord& r = wm.record(f);
        TemplateId tmpl = r.tmpl;
        Origin origin = r.origin == Origin::Given ? Origin::Given : Origin::Asserted;
        retract_internal(f);
        settle();
        return assert_and_propagate(tmpl, values, origin, span, made_by_just);
    }

    // Whether `values` are those of the live fact `f`: then a modify does nothing — otherwise
    // `?f <- p(x: 1) => modify ?f (x: 1)` would re-match its own result forever.
    bool unchanged(FactId f, std::span<const Value> values) const {
        return std::equal(values.begin(), values.end(), wm.values(f));
    }

    // The place a Given fact was written, if known.
    SourceSpan span_of(FactId f) const {
        auto it = spans.find(f);
        return it == spans.end() ? SourceSpan{} : it->second;
    }

    // The working-memory half of assert_and_propagate: adds the fact (or finds and upgrades the identical live one,
    // setting `is_new` accordingly) without letting the network see it.
    FactId assert_internal(TemplateId tmpl, std::span<const Value> values, Origin origin, SourceSpan span,
                           std::uint32_t made_by_just, bool& is_new) {
        FactId existing = wm.find(tmpl, values);
        is_new = existing == kNoFact;
        if (existing != kNoFact) {
            FactRecord& r = wm.record(existing);
            if (r.origin == Origin::Concluded && (origin == Origin::Given || origin == Origin::Asserted)) {
                r.origin = origin;
                if (made_by_just != kNoActivation) set_made_by(existing, made_by_just);
            }
            return existing;
        }
        FactId id = wm.add(tmpl, values, origin);
        if (span.valid()) spans[id] = span;
        if (made_by_just != kNoActivation && origin == Origin::Asserted) set_made_by(id, made_by_just);
        ++counters.facts_asserted;
        return id;
    }

    void set_made_by(FactId f, std::uint32_t j) {
        auto [it, inserted] = made_by.try_emplace(f, j);
        if (!inserted) {
            justs.unref(it->second);
            it->second = j;
        }
        justs.ref(j);
    }

    // Deferred propagation. Inside a firing, a new fact of a join-only template (Network::join_only: only positive
    // joins outside not/exists groups see it) enters working memory at once but reaches the network only when the
    // firing ends, or earlier, just before any change whose effect could depend on it: an assert or retract of a
    // fact that is not join-only. Until then only retracts of join-only facts happen, and those only remove tokens
    // and activations — they create none. So the activations made when the queue is flushed, and their order, are
    // those of propagating at once, minus the ones that an intervening retract would have destroyed again; the agenda
    // ends each firing exactly as it would have. What is saved is that destroyed work: `modify ?count (...)` followed
    // by `modify ?context (...)` (Miss Manners) used to rebuild every partial match below `count` only to tear it
    // down with `context`. Not done while a trace listener watches, so that traces show every activation.
    void propagate_new(FactId id) {
        if (trace) trace->on_assert(view(id));
        if (deferring && net.join_only[wm.record(id).tmpl]) {
            deferred.push_back(id);
            return;
        }
        flush_deferred();
        matcher.add_fact(id);
    }

    void flush_deferred() {
        // add_fact never asserts or retracts (listeners only queue), so the queue cannot change under this loop.
        for (FactId f : deferred) matcher.add_fact(f);
        deferred.clear();
    }

    void retract_internal(FactId id) {
        if (!wm.is_live(id)) return;
        if (trace) trace->on_retract(view(id));
        bool in_network = true;
        if (!deferred.empty()) {
            if (!net.join_only[wm.record(id).tmpl]) {
                flush_deferred();
            } else if (auto it = std::find(deferred.begin(), deferred.end(), id); it != deferred.end()) {
                deferred.erase(it);   // asserted by this firing and never propagated: nothing to undo
                in_network = false;
            }
        }
        if (in_network) matcher.remove_fact(id);
        if (auto it = supports.find(id); it != supports.end()) {
            for (std::uint32_t j : it->second) justs.unref(j);
            supports.erase(it);
        }
        if (auto it = made_by.find(id); it != made_by.end()) {
            justs.unref(it->second);
            made_by.erase(it);
        }
        spans.erase(id);
        dependents.erase(id);
        score_fact_record.erase(id);
        wm.remove(id);
        ++counters.facts_retracted;
    }

    // ---- match listener ----

    void positive_facts(RuleId rule, rete::TokenId terminal, std::vector<FactId>& facts) const {
        const auto& info = net.rules[rule];
        rete::TokenId left = matcher.match_left(terminal);
        facts.clear();
        for (auto up : info.positive_ups) facts.push_back(matcher.fact_above(left, up));
    }

    std::vector<std::uint64_t> recency_of(RuleId rule, rete::TokenId terminal, std::uint64_t& first) const {
        std::vector<FactId> facts;
        positive_facts(rule, terminal, facts);
        std::vector<std::uint64_t> stamps;
        for (FactId f : facts) stamps.push_back(WorkingMemory::timestamp(f));
        first = stamps.empty() ? 0 : stamps.front();
        std::sort(stamps.begin(), stamps.end(), std::greater<>());
        return stamps;
    }

    void on_match(RuleId rule, rete::TokenId token) override {
        Recency recency;
        bool need_recency = agenda.strategy() == Strategy::Lex || agenda.strategy() == Strategy::Mea;
        // Depth and breadth order by creation alone; set_strategy fills the recency in when it switches to lex/mea.
        if (need_recency) recency.stamps = recency_of(rule, token, recency.first);
        ActivationId a = replaying ? agenda.add_in_block(rule, token, program.rules[rule].salience)
                                   : agenda.add(rule, token, program.rules[rule].salience, std::move(recency));
        matcher.token(token).aux = a;
        ++counters.activations_created;
        if (trace) {
            std::vector<FactId> facts;
            positive_facts(rule, token, facts);
            trace->on_activation(rule, facts, true);
        }
    }

    void on_unmatch(RuleId rule, rete::TokenId token) override {
        std::uint32_t a = matcher.token(token).aux;
        if (a != kNoActivation) {
            if (trace) {
                std::vector<FactId> facts;
                positive_facts(rule, token, facts);
                trace->on_activation(rule, facts, false);
            }
            agenda.remove(a);
            matcher.token(token).aux = kNoActivation;
        }
        if (token == firing_token) firing_token_gone = true;
        auto it = token_supports.find(token);
        if (it == token_supports.end()) return;
        for (const SupportRef& s : it->second) {
            if (s.is_fact) {
                auto sit = supports.find(s.id);
                if (sit == supports.end()) continue;
                auto& list = sit->second;
                if (auto pos = std::find(list.begin(), list.end(), s.justification); pos != list.end()) {
                    list.erase(pos);
                    justs.unref(s.justification);
                }
                pending.push_back({PendingKind::SupportLost, s.id});
            } else {
                EvidenceRecord& rec = evidence[s.id];
                auto c = std::lower_bound(
                    rec.contributions.begin(), rec.contributions.end(), s.contribution,
                    [](const ContributionRecord& r, std::uint32_t serial) { return r.serial < serial; });
                if (c != rec.contributions.end() && c->serial == s.contribution && c->live) {
                    c->live = false;
                    ++rec.dead;
                    justs.unref(c->justification);
                }
                pending.push_back({PendingKind::EvidenceChanged, s.id});
            }
        }
        token_supports.erase(it);
    }

    // Lazy matching (rete/matcher.cpp): placeholders on the agenda.
    std::uint32_t on_suspend(RuleId rule, std::uint32_t suspension) override {
        return agenda.add_placeholder(rule, suspension, program.rules[rule].salience);
    }
    void on_suspension_end(std::uint32_t placeholder) override { agenda.remove(placeholder); }
    void on_replay(std::uint32_t placeholder, bool begin) override {
        // A suspension whose placeholder is gone (exhausted) has no match left to make.
        replaying = begin && placeholder != rete::kNone;
        if (replaying) agenda.begin_block(placeholder);
        else agenda.end_block();
    }

    // The activation to fire next, left on the agenda: placeholders at the top are expanded (their next match made,
    // which goes on top) or, when they have none left, dropped. False when the agenda is empty.
    bool top(ActivationId& out) {
        while (agenda.peek(out)) {
            const ActivationRecord& rec = agenda.get(out);
            if (!rec.placeholder) return true;
            std::uint32_t s = rec.token;
            if (!matcher.expand(s)) {
                agenda.remove(out);
                matcher.exhausted(s);
            }
        }
        return false;
    }

    // Lazy matching is used under the depth strategy without a trace listener (a trace shows every activation as
    // it is made) unless turned off; switching it off replays every suspension (Matcher::set_lazy).
    void update_lazy() { matcher.set_lazy(lazy_allowed && trace == nullptr && agenda.strategy() == Strategy::Depth); }

    // A `test` of `rule` failed while the matcher evaluated it (during an assert, a retract or a firing's action):
    // recorded as a run-time error at the failing expression; run() stops on it.
    void on_test_error(RuleId rule, const EvalError& error) override {
        record_error(rule, error.span, error.message, {});
    }

    // Records a run-time error (E0301) of `rule` at `span` (the RunResult::errors form): the message names the rule,
    // the note is placed at the rule and names `facts`, the facts of the failed firing, when there are any. Changes
    // nothing else; run() stops at the end of the firing in progress (or at once, between firings).
    void record_error(RuleId rule, const SourceSpan& span, const std::string& message, std::span<const FactId> facts) {
        const Rule& r = program.rules[rule];
        Diagnostic d{Severity::Error, Code::RuntimeError, span, fmt::format("in rule '{}': {}", r.name, message), {}};
        std::string note = fmt::format("rule '{}' is defined here", r.name);
        if (!facts.empty()) {
            note += "; the failed firing matched ";
            for (std::size_t i = 0; i < facts.size(); ++i) note += fmt::format("{}f-{}", i ? ", " : "", facts[i]);
        }
        d.notes.push_back({r.span, std::move(note)});
        errors.push_back(std::move(d));
    }

    // ---- truth maintenance ----

    void settle() {
        if (settling) return;
        settling = true;
        // Wave by wave, each wave in (kind, id) order. A wave is what one change queued; the matcher reports lost
        // matches in the order of its internal lists, which lazy and eager matching keep differently (and which say
        // nothing about the rules), so the order of the work — and with it the ids of the facts it makes and
        // retracts — is fixed here instead. What the wave's work queues is the next wave.
        while (!pending.empty()) {
            wave.assign(pending.begin(), pending.end());
            pending.clear();
            std::stable_sort(wave.begin(), wave.end(), [](const Pending& a, const Pending& b) {
                return a.kind != b.kind ? a.kind < b.kind : a.id < b.id;
            });
            for (const Pending& p : wave) {
                if (p.kind == PendingKind::SupportLost) support_lost(p.id);
                else update_score(p.id);
            }
        }
        settling = false;
    }

    void support_lost(FactId f) {
        if (!wm.is_live(f) || wm.record(f).origin != Origin::Concluded) return;
        auto it = supports.find(f);
        if (it == supports.end() || it->second.empty()) {
            retract_internal(f);
            return;
        }
        check_well_founded(f);
    }

    // Support cycles: after `seed` lost a support but kept others, the remaining ones may only come through facts
    // that depend on `seed` itself (A supports B supports A). Take the region of Concluded facts reachable from
    // `seed` through `dependents`; a fact of the region is well-founded when one of its supports matched only facts
    // outside the region or already well-founded ones (least fixpoint, as in the well-founded semantics of
    // justification-based TMS, Doyle 1979). Facts of the region left unfounded are retracted.
    void check_well_founded(FactId seed) {
        std::vector<FactId> region{seed};
        std::unordered_set<FactId> in_region{seed};
        for (std::size_t i = 0; i < region.size(); ++i) {
            auto it = dependents.find(region[i]);
            if (it == dependents.end()) continue;
            for (FactId d : it->second) {
                if (!wm.is_live(d) || wm.record(d).origin != Origin::Concluded) continue;
                if (in_region.insert(d).second) region.push_back(d);
            }
        }
        std::unordered_set<FactId> founded;
        for (bool changed = true; changed;) {
            changed = false;
            for (FactId g : region) {
                if (founded.count(g)) continue;
                auto sit = supports.find(g);
                if (sit == supports.end()) continue;
                for (std::uint32_t j : sit->second) {
                    bool ok = true;
                    for (FactId h : justs.get(j)->facts)
                        if (in_region.count(h) && !founded.count(h)) ok = false;
                    if (ok) {
                        founded.insert(g);
                        changed = true;
                        break;
                    }
                }
            }
        }
        for (FactId g : region)
            if (!founded.count(g)) retract_internal(g);
    }

    void add_support(FactId f, std::uint32_t j) {
        auto& list = supports[f];
        if (std::find(list.begin(), list.end(), j) == list.end()) {
            list.push_back(j);
            justs.ref(j);
        }
        token_supports[firing_token].push_back(SupportRef{true, f, 0, j});
        for (FactId g : justs.get(j)->facts) {
            auto& deps = dependents[g];
            if (deps.size() == deps.capacity() && deps.size() >= 8) prune_dependents(deps);
            deps.push_back(f);
        }
    }

    // Drops the entries check_well_founded would skip or has seen already — facts no longer live or no longer
    // Concluded (neither comes back: ids are not reused and an unconditional fact stays so), and repeats (a fact
    // re-supported through g over and over) — keeping the first occurrences in order, so the region it builds is the
    // same. Called when the list is full, so a list whose entries churn stays within twice its distinct live ones.
    void prune_dependents(std::vector<FactId>& deps) {
        seen_scratch.clear();
        std::erase_if(deps, [&](FactId d) {
            return !wm.is_live(d) || wm.record(d).origin != Origin::Concluded || !seen_scratch.insert(d).second;
        });
        if (deps.size() * 2 > deps.capacity()) deps.reserve(deps.capacity() * 2);  // the next prune is as far off
    }

    // ---- evidence ----

    void update_score(std::uint32_t r) {
        EvidenceRecord& rec = evidence[r];
        if (rec.dead > 0 && rec.dead * 2 >= rec.contributions.size()) {
            std::erase_if(rec.contributions, [](const ContributionRecord& c) { return !c.live; });
            rec.dead = 0;
        }
        bool any = false;
        double value = 0;
        for (const auto& c : rec.contributions) {
            if (!c.live) continue;
            value = any ? combine_cf(value, c.weight) : c.weight;
            any = true;
        }
        if (!any) {
            rec.contributions.clear();
            rec.dead = 0;
            if (rec.fact != kNoFact) {
                FactId old = rec.fact;
                rec.fact = kNoFact;
                retract_internal(old);
            }
            rec.value = 0;
            return;
        }
        if (rec.fact != kNoFact && value == rec.value) return;
        if (rec.fact != kNoFact) {
            FactId old = rec.fact;
            rec.fact = kNoFact;
            retract_internal(old);
        }
        rec.value = value;
        const TemplateDef& t = program.templates[rec.key.tmpl];
        std::vector<Value> values;
        std::size_t arg = 0;
        for (std::size_t i = 0; i < t.slots.size(); ++i) {
            if (i == net.score_value_slot[rec.key.tmpl]) values.push_back(Value::real(value));
            else values.push_back(arg < rec.key.args.size() ? rec.key.args[arg++] : Value());
        }
        assert_and_propagate(rec.key.tmpl, values, Origin::Score, {}, kNoActivation, [&](FactId id) {
            rec.fact = id;
            score_fact_record[id] = r;
        });
    }

    // ---- firing ----

    // Runs one action of the firing in progress (fire()): dispatches on its kind to the function below that does it.
    // When that function fails, the action's run-time error is recorded (record_error: at the action's span, naming
    // the firing's facts) and false is returned, without settling: fire() skips the firing's remaining actions and
    // settles once. Otherwise the TMS work the action queued is settled and true is returned.
    bool run_action(RuleId rule, const Action& a, std::vector<Value>& bindings) {
        bool ok = true;
        switch (a.kind) {
            case ActionKind::Assert: ok = assert_action(a, bindings); break;
            case ActionKind::Conclude: ok = conclude_action(a, bindings); break;
            case ActionKind::Retract: ok = retract_action(a, bindings); break;
            case ActionKind::Modify: ok = modify_action(a, bindings); break;
            case ActionKind::Evidence: ok = evidence_action(a, bindings); break;
            case ActionKind::Print: ok = print_action(a, bindings); break;
            case ActionKind::Halt: halted = true; break;
        }
        if (!ok) {
            record_error(rule, a.span, action_problem, justs.get(firing_justification)->facts);
            return false;
        }
        settle();
        return true;
    }

    // The action functions. Each reads the firing's variables `bindings`, returns false with `action_problem` set
    // when the action fails (an evaluation error, a value outside a declared range, a score fact as target) — having
    // then changed nothing — and true otherwise. They leave queued TMS work to run_action, which settles it.

    // `assert T(...)`: evaluates the slots and, when they fit the template's ranges, asserts the fact
    // (assert_and_propagate) as Asserted, made by this firing; an identical live fact is kept (a Concluded one
    // becomes Asserted).
    bool assert_action(const Action& a, const std::vector<Value>& bindings) {
        if (!eval_all(a.slots, bindings, action_values) || !in_range(a.tmpl, action_values)) return false;
        assert_and_propagate(a.tmpl, action_values, Origin::Asserted, {}, firing_justification);
        return true;
    }

    // `conclude T(...)`: as assert, but the fact is Concluded — logically supported by this firing (add_support,
    // before the network sees it), so it goes when the firing's match goes. A conclusion needs a live support: when
    // an earlier action of this firing destroyed the match, it would vanish at once, so it is not made (and that is
    // no error).
    bool conclude_action(const Action& a, const std::vector<Value>& bindings) {
        if (!eval_all(a.slots, bindings, action_values) || !in_range(a.tmpl, action_values)) return false;
        if (firing_token_gone) return true;
        assert_and_propagate(a.tmpl, action_values, Origin::Concluded, {}, kNoActivation,
                             [&](FactId id) { add_support(id, firing_justification); });
        return true;
    }

    // `retract ?f`: retracts the fact ?f names (retract_internal: working memory, network, its supports and
    // justification references). A fact already gone (retracted by an earlier action or its consequences) is left
    // alone; a score fact cannot be retracted (an error).
    bool retract_action(const Action& a, const std::vector<Value>& bindings) {
        FactId f = target_fact(a, bindings);
        if (f == kNoFact || !wm.is_live(f)) return true;
        if (wm.record(f).origin == Origin::Score) return fail("score facts cannot be retracted");
        retract_internal(f);
        return true;
    }

    // `modify ?f (slot: e, ...)`: evaluates the changes over ?f's values; when they change something and fit the
    // template's ranges, replaces the fact (replace_fact, made by this firing) and rebinds ?f to the new fact for the
    // firing's later actions. A fact already gone is left alone; a score fact cannot be modified (an error).
    bool modify_action(const Action& a, std::vector<Value>& bindings) {
        FactId f = target_fact(a, bindings);
        if (f == kNoFact || !wm.is_live(f)) return true;
        if (wm.record(f).origin == Origin::Score) return fail("score facts cannot be modified");
        std::vector<Value>& values = action_values;
        values.assign(wm.value_span(f).begin(), wm.value_span(f).end());
        for (const auto& [slot, e] : a.changes) {
            Value v;
            if (!eval(e, bindings, v)) return false;
            if (slot < values.size()) values[slot] = v;
        }
        if (unchanged(f, values)) return true;
        if (!in_range(wm.record(f).tmpl, values)) return false;
        bindings[a.target] = Value::integer(replace_fact(f, values, {}, firing_justification));
        return true;
    }

    // `evidence P(args) weight "reason"`: evaluates the arguments, the weight (a number in [-1, 1], else an error)
    // and the reason, then adds a live contribution to P(args)'s evidence record — at most one per record and firing
    // (firing_evidence), referencing this firing's justification and supported by its match (token_supports) — and
    // queues the record's score update (EvidenceChanged; the score fact changes when run_action settles). Nothing is
    // added when an earlier action of this firing destroyed the match.
    bool evidence_action(const Action& a, const std::vector<Value>& bindings) {
        std::vector<Value>& values = action_values;
        if (!eval_all(a.slots, bindings, values)) return false;
        Value w, reason;
        if (!eval(a.weight, bindings, w)) return false;
        if (!w.is_number()) return fail(fmt::format("evidence weight {} is not a number", to_source(w)));
        if (!eval(a.text, bindings, reason)) return false;
        double weight = w.as_double();
        if (!(weight >= -1.0 && weight <= 1.0))
            return fail(fmt::format("evidence weight {} lies outside [-1, 1]", weight));
        if (firing_token_gone) return true;
        EvidenceKey key{a.tmpl, values};
        auto [it, inserted] = evidence_index.try_emplace(key, static_cast<std::uint32_t>(evidence.size()));
        if (inserted) evidence.push_back(EvidenceRecord{key, {}, kNoFact, 0});
        std::uint32_t r = it->second;
        // One contribution per key and firing, however many times the actions name it.
        if (std::find(firing_evidence.begin(), firing_evidence.end(), r) != firing_evidence.end()) return true;
        firing_evidence.push_back(r);
        EvidenceRecord& rec = evidence[r];
        std::uint32_t serial = rec.next_serial++;
        rec.contributions.push_back(
            ContributionRecord{weight, to_display(reason), firing_justification, serial, true});
        justs.ref(firing_justification);
        token_supports[firing_token].push_back(SupportRef{false, r, serial, firing_justification});
        pending.push_back({PendingKind::EvidenceChanged, r});
        return true;
    }

    // `print "text"`: writes the interpolated text and a newline to the output; changes no state.
    bool print_action(const Action& a, const std::vector<Value>& bindings) {
        Value text;
        if (!eval(a.text, bindings, text)) return false;
        *out << to_display(text) << '\n';
        return true;
    }

    // Helpers of the action functions.

    bool fail(std::string message) {
        action_problem = std::move(message);
        return false;
    }

    bool eval(const Expr& e, const std::vector<Value>& bindings, Value& v) {
        if (evaluate(e, bindings.data(), v, eval_error)) return true;
        return fail(std::move(eval_error.message));
    }

    bool eval_all(const std::vector<Expr>& exprs, const std::vector<Value>& bindings, std::vector<Value>& values) {
        values.clear();
        for (const auto& e : exprs) {
            Value v;
            if (!eval(e, bindings, v)) return false;
            values.push_back(v);
        }
        return true;
    }

    // A declared range holds for facts that rules make too (bounds naming a header key are not known here): false,
    // with the problem, when a value lies outside its slot's range.
    bool in_range(TemplateId tmpl, const std::vector<Value>& values) {
        const TemplateDef& t = program.templates[tmpl];
        if (!t.has_range) return true;
        for (std::size_t i = 0; i < t.slots.size() && i < values.size(); ++i)
            if (std::string p = slot_range_problem(t.slots[i], values[i]); !p.empty())
                return fail(fmt::format("{} (slot '{}' of '{}'); the fact is not made", p, t.slots[i].name, t.name));
        return true;
    }

    // The fact a retract or modify names: the value of its fact variable, or kNoFact when that is not a fact id.
    static FactId target_fact(const Action& a, const std::vector<Value>& bindings) {
        if (a.target >= bindings.size() || bindings[a.target].type != Type::Int) return kNoFact;
        return static_cast<FactId>(bindings[a.target].i);
    }

    void fire(ActivationId aid) {
        const ActivationRecord& act = agenda.get(aid);
        RuleId rule_id = act.rule;
        rete::TokenId token = act.token;
        matcher.token(token).aux = kNoActivation;  // refraction: this match never fires again
        const Rule& rule = program.rules[rule_id];
        const rete::RuleInfo& info = net.rules[rule_id];
        rete::TokenId left = matcher.match_left(token);

        Justification& j = justs.begin(firing_justification).j;
        j.rule = rule_id;
        j.firing = ++counters.firings;
        j.facts.reserve(info.positive_ups.size());  // once per ring slot: later firings reuse the capacity
        positive_facts(rule_id, token, j.facts);
        j.bindings.reserve(info.vars.size());
        for (const auto& op : info.vars) j.bindings.push_back(matcher.resolve(left, op));
        std::vector<Value>& bindings = firing_bindings;
        bindings.assign(j.bindings.begin(), j.bindings.end());
        if (trace) trace->on_fire(j.firing, rule_id, j.facts);
        // Profiling: the firing's own time, less the matching it causes (which the matcher charges to the nodes).
        rete::Profile* profile = matcher.profile();
        if (profile) {
            ++profile->rules[rule_id].firings;
            matcher.profile_enter();
        }

        firing_token = token;
        firing_token_gone = false;
        firing_evidence.clear();
        deferring = trace == nullptr;
        for (const auto& action : rule.actions)
            if (!run_action(rule_id, action, bindings)) break;
        deferring = false;
        flush_deferred();
        settle();
        firing_token = rete::kNone;
        justs.end_firing();
        if (profile) {
            std::uint64_t ns = matcher.profile_leave();
            profile->rules[rule_id].action_ns += ns;
            profile->action_ns += ns;
        }
    }

    void clear_state() {
        agenda.clear();
        justs.clear();
        supports.clear();
        made_by.clear();
        spans.clear();
        dependents.clear();
        token_supports.clear();
        evidence.clear();
        evidence_index.clear();
        score_fact_record.clear();
        pending.clear();
        deferred.clear();
        errors.clear();
        halted = false;
        counters = EngineStats{};
        wm.clear();
        matcher.reset();
    }
};

Engine::Engine(const Program& program) : impl_(std::make_unique<Impl>(program)) {}
Engine::~Engine() = default;

const Program& Engine::program() const { return impl_->program; }

void Engine::reset() {
    impl_->clear_state();
    for (const auto& f : impl_->program.facts) assert_fact(f.tmpl, f.values, f.span);
}

FactId Engine::assert_fact(TemplateId tmpl, std::span<const Value> values, SourceSpan span) {
    FactId id = impl_->assert_and_propagate(tmpl, values, Origin::Given, span, kNoActivation);
    impl_->settle();
    return id;
}

bool Engine::retract(FactId id) {
    if (!impl_->wm.is_live(id) || impl_->wm.record(id).origin == Origin::Score) return false;
    impl_->retract_internal(id);
    impl_->settle();
    return true;
}

FactId Engine::modify(FactId id, std::span<const std::pair<SlotIndex, Value>> changes) {
    auto& wm = impl_->wm;
    if (!wm.is_live(id) || wm.record(id).origin == Origin::Score) return kNoFact;
    std::vector<Value> values(wm.value_span(id).begin(), wm.value_span(id).end());
    for (const auto& [slot, v] : changes)
        if (slot < values.size()) values[slot] = v;
    if (impl_->unchanged(id, values)) return id;
    FactId nid = impl_->replace_fact(id, values, impl_->span_of(id), kNoActivation);
    impl_->settle();
    return nid;
}

RunResult Engine::run(const RunLimits& limits) {
    Impl& d = *impl_;
    RunResult result;
    d.halted = false;
    auto start = std::chrono::steady_clock::now();
    if (!d.errors.empty()) {  // a `test` failed while facts were being asserted
        result.reason = StopReason::Error;
        result.errors = std::move(d.errors);
        d.errors.clear();
        return result;
    }
    for (;;) {
        if (d.agenda.empty()) {
            result.reason = StopReason::Quiescent;
            break;
        }
        if (limits.max_firings && result.firings >= limits.max_firings) {
            result.reason = StopReason::MaxFirings;
            break;
        }
        if (limits.interrupt && *limits.interrupt) {
            result.reason = StopReason::Interrupted;
            break;
        }
        if (limits.timeout.count() > 0 && std::chrono::steady_clock::now() - start >= limits.timeout) {
            result.reason = StopReason::Timeout;
            break;
        }
        ActivationId aid = 0;
        if (!d.top(aid) || !d.agenda.pop(aid)) {
            result.reason = StopReason::Quiescent;
            break;
        }
        result.last_rule = d.agenda.get(aid).rule;
        d.fire(aid);
        ++result.firings;
        if (!d.errors.empty()) {
            result.reason = StopReason::Error;
            break;
        }
        if (d.halted) {
            result.reason = StopReason::Halted;
            break;
        }
    }
    result.errors = std::move(d.errors);
    d.errors.clear();
    d.halted = false;
    return result;
}

void Engine::set_strategy(Strategy s) {
    Impl& d = *impl_;
    if (s != Strategy::Depth) d.matcher.set_lazy(false);   // replays while the agenda is still in depth order
    if (s == Strategy::Lex || s == Strategy::Mea) {
        for (ActivationId a : d.agenda.live_ids()) {
            const auto& rec = d.agenda.get(a);
            Recency r;
            r.stamps = d.recency_of(rec.rule, rec.token, r.first);
            d.agenda.set_recency(a, std::move(r));
        }
    }
    d.agenda.set_strategy(s);
    d.update_lazy();
}

Strategy Engine::strategy() const { return impl_->agenda.strategy(); }

void Engine::set_lazy(bool on) {
    impl_->lazy_allowed = on;
    impl_->update_lazy();
}

bool Engine::lazy() const { return impl_->lazy_allowed; }
void Engine::set_output(std::ostream& out) { impl_->out = &out; }
void Engine::set_trace(TraceListener* listener) {
    impl_->trace = listener;
    impl_->update_lazy();
}
void Engine::set_profile(Profile* profile) { impl_->matcher.set_profile(profile); }
Profile* Engine::profile() const { return impl_->matcher.profile(); }
void Engine::set_sources(const SourceManager* sources) { impl_->sources = sources; }
const SourceManager* Engine::sources() const { return impl_->sources; }

// Kept byte-identical to the strings the engine made before run-time errors were diagnostics (engine.hpp says why
// render() is not used).
std::string render_run_error(const Diagnostic& error, const SourceManager* sources) {
    std::string where;
    if (const SourceSpan& span = error.span; span.valid()) {
        std::string file = sources && span.file < sources->size() ? sources->file(span.file).path
                                                                  : fmt::format("<file {}>", span.file);
        where = fmt::format("{}:{}:{}: ", file, span.line, span.col);
    }
    return fmt::format("{}error[{}]: {}", where, code_id(error.code), error.message);
}

bool Engine::is_live(FactId id) const { return impl_->wm.is_live(id); }
FactView Engine::fact(FactId id) const { return impl_->view(id); }

std::vector<FactId> Engine::facts() const {
    std::vector<FactId> out;
    impl_->wm.for_each_live([&](FactId id) { out.push_back(id); });
    return out;
}

std::vector<FactId> Engine::facts_of(TemplateId tmpl) const {
    std::vector<FactId> out;
    impl_->wm.for_each_live([&](FactId id) {
        if (impl_->wm.record(id).tmpl == tmpl) out.push_back(id);
    });
    return out;
}

std::optional<FactId> Engine::find_fact(TemplateId tmpl, std::span<const Value> values) const {
    FactId id = impl_->wm.find(tmpl, values);
    if (id == kNoFact) return std::nullopt;
    return id;
}

double Engine::score(TemplateId score_tmpl, std::span<const Value> args) const {
    EvidenceKey key{score_tmpl, std::vector<Value>(args.begin(), args.end())};
    auto it = impl_->evidence_index.find(key);
    if (it == impl_->evidence_index.end()) return 0.0;
    const auto& rec = impl_->evidence[it->second];
    return rec.fact == kNoFact ? 0.0 : rec.value;
}

std::vector<Contribution> Engine::contributions(TemplateId score_tmpl, std::span<const Value> args) const {
    std::vector<Contribution> out;
    EvidenceKey key{score_tmpl, std::vector<Value>(args.begin(), args.end())};
    auto it = impl_->evidence_index.find(key);
    if (it == impl_->evidence_index.end()) return out;
    for (const auto& c : impl_->evidence[it->second].contributions)
        if (c.live) out.push_back(Contribution{c.weight, c.reason, c.justification});
    return out;
}

const Justification* Engine::justification(std::uint32_t id) const { return impl_->justs.get(id); }

JustificationList Engine::justifications() const { return JustificationList(impl_->justs.entries()); }

const Justification& JustificationList::at(std::uint32_t id) const {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), id,
                               [](const Entry& e, std::uint32_t i) { return e.id < i; });
    if (it == entries_.end() || it->id != id)
        throw std::out_of_range(fmt::format("justification {} is not kept (released, or never made)", id));
    return *it->justification;
}

void Engine::set_history(std::size_t firings) { impl_->justs.set_history(firings); }
std::size_t Engine::history() const { return impl_->justs.history(); }

std::vector<Engine::Activation> Engine::agenda() const {
    impl_->matcher.replay_all();   // every pending match, not placeholders
    std::vector<Activation> out;
    for (ActivationId a : impl_->agenda.ordered()) {
        const auto& rec = impl_->agenda.get(a);
        Activation act{rec.rule, {}, rec.salience};
        impl_->positive_facts(rec.rule, rec.token, act.facts);
        out.push_back(std::move(act));
    }
    return out;
}

std::optional<Engine::Match> Engine::next_activation() {
    ActivationId a = 0;
    if (!impl_->top(a)) return std::nullopt;
    const Impl& d = *impl_;
    const ActivationRecord& rec = d.agenda.get(a);
    Match m;
    m.rule = rec.rule;
    d.positive_facts(rec.rule, rec.token, m.facts);
    rete::TokenId left = d.matcher.match_left(rec.token);
    for (const auto& op : d.net.rules[rec.rule].vars) m.bindings.push_back(d.matcher.resolve(left, op));
    m.on_agenda = true;
    return m;
}

std::vector<Engine::Match> Engine::matches() const {
    impl_->matcher.replay_all();
    std::vector<Match> out;
    const Impl& d = *impl_;
    d.matcher.for_each_match([&](RuleId rule, rete::TokenId token) {
        Match m;
        m.rule = rule;
        d.positive_facts(rule, token, m.facts);
        rete::TokenId left = d.matcher.match_left(token);
        for (const auto& op : d.net.rules[rule].vars) m.bindings.push_back(d.matcher.resolve(left, op));
        m.on_agenda = d.matcher.token(token).aux != kNoActivation;
        out.push_back(std::move(m));
    });
    return out;
}

EngineStats Engine::stats() const {
    const Impl& d = *impl_;
    EngineStats s = d.counters;
    s.live_facts = d.wm.live_count();
    s.peak_facts = d.wm.peak_count();
    s.tokens = d.matcher.live_tokens();
    s.rete_nodes = d.net.nodes.size() + d.net.alpha_nodes.size() + d.net.alpha_memories.size();
    s.memory_bytes = d.wm.memory_bytes() + d.matcher.memory_bytes() + d.agenda.memory_bytes() + d.justs.memory_bytes();
    s.justifications_kept = d.justs.kept();
    return s;
}

}  // namespace covenant
