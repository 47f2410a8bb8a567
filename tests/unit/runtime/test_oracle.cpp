// The oracle test (issue 9): random programs and random change sequences, run by the engine and checked after every
// single change against the naive matcher (naive_matcher.hpp), which recomputes every rule's matches from the live
// facts by nested loops. After each change (an assert, a retract, a modify, one firing, a change of strategy):
//   - matches: the engine's current matches (fired or not; rule, facts of the positive patterns and the value of
//     every variable, aggregate and score results included) equal the naive matcher's, as multisets;
//   - the agenda holds exactly the matches not yet fired;
//   - refraction: a match that a change made is on the agenda; across a change from outside (not a firing), a match
//     that was there before keeps its state, unless the change touched a template the rule reads through `not`,
//     `exists` or an aggregate (then the match may have ended and come back within the change — a `not` group that
//     the rule's own conclusion blocks, an aggregate that changes and changes back — and a match that comes back is
//     a new one, as in CLIPS). A modify is a retract and an assert: a match that its retract half ends is new too
//     (the naive matcher is asked about the state in between);
//   - the agenda's order: salience never rises along it; under lex and mea the recency of the matched facts never
//     rises within a salience (OPS5's LEX and MEA, agenda.hpp); the firing is the agenda's first activation;
//   - truth maintenance: every concluded fact has a support, and every support is a live match that fired; every live
//     fired match's conclusions are live facts and its evidence contributions are live;
//   - why-not: asked about a conclusion a rule cannot reach, it finds a complete match of the rule exactly when the
//     engine holds one, with the values of one of the engine's matches (aggregates and scores included);
//   - evidence: every score fact's value is the MYCIN combination of its live contributions, each from a live fired
//     match.
// Then whole runs: run() to the end and run(1) repeated give the same firing trace, under each strategy.
// A failure is shrunk (steps, rules, conditions and actions dropped while it still fails) and printed as a program and
// a `covenant repl` script that replay it.
//
// `make test` runs a bounded number of seeds; the hidden `[soak]` case runs for COVENANT_SOAK_SECONDS (`make soak`).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "explain/whynot.hpp"
#include "naive_matcher.hpp"
#include "program/eval.hpp"
#include "random_program.hpp"
#include "rules_text.hpp"

using namespace covenant;
using namespace covenant::testing;

namespace {

// The state of every match after a change: its text -> whether it is on the agenda.
using MatchState = std::map<std::string, bool>;

bool has_aggregate(const std::vector<Condition>& conds) {
    for (const auto& c : conds)
        if (c.kind == CondKind::Aggregate || has_aggregate(c.group)) return true;
    return false;
}

// The templates a rule reads through `not`, `exists` or an aggregate: a change to their facts can end a match and
// make it again within one change, without any fact of the match going.
void group_templates(const std::vector<Condition>& conds, bool inside, std::set<TemplateId>& out) {
    for (const auto& c : conds) {
        if (c.kind == CondKind::Aggregate || (inside && c.kind == CondKind::Pattern)) out.insert(c.pattern.tmpl);
        group_templates(c.group, true, out);
    }
}

// The templates whose facts came or went during one change.
struct ChangeLog : TraceListener {
    std::set<TemplateId> touched;
    void on_assert(const FactView& f) override { touched.insert(f.tmpl); }
    void on_retract(const FactView& f) override { touched.insert(f.tmpl); }
};

std::string fact_list(const std::vector<FactId>& facts) {
    std::string s;
    for (FactId f : facts) s += (s.empty() ? "" : " ") + std::to_string(f);
    return s;
}

// The justifications of the firings after the first `firings`, in firing order.
std::vector<Justification> firings_since(const Engine& e, std::uint64_t firings) {
    std::vector<Justification> out;
    for (const auto& j : e.justifications())
        if (j.firing > firings) out.push_back(j);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.firing < b.firing; });
    return out;
}

// What the checks covered (for the summary line of each test case).
struct Coverage {
    std::uint64_t changes = 0, matches = 0, fired_matches = 0, firings = 0, aggregate_matches = 0;
    std::uint64_t why_not_matches = 0, why_not_misses = 0;   // why-not analyses that found a match, and that did not
} coverage;

class Checker {
public:
    Checker(const Program& p, Engine& e) : p_(p), e_(e) {
        for (const auto& r : p.rules) {
            aggregated_.push_back(has_aggregate(r.conditions));
            group_templates(r.conditions, false, sensitive_.emplace_back());
        }
    }

    // The naive matcher's match texts over the engine's live facts, leaving out `without` (kNoFact: none).
    std::set<std::string> naive(FactId without = kNoFact) const {
        auto facts = live_facts(e_);
        std::erase_if(facts, [&](const NaiveFact& f) { return f.id == without; });
        std::set<std::string> out;
        for (const auto& m : naive_matches(p_, facts)) out.insert(match_text(p_, m.rule, m.facts, m.bindings));
        return out;
    }

    // Checks the engine after one change. `external`: the change came from outside (not a firing), and `log` saw the
    // templates it touched; `between`: for a modify, the naive matches of the state between its retract and its
    // assert. Returns "" or what is wrong.
    std::string after_change(bool external, const std::set<std::string>* between, const ChangeLog* log = nullptr) {
        std::string err;
        auto fail = [&](std::string what) { err += what + "\n"; };
        MatchState now;
        std::multiset<std::string> on_agenda;
        std::map<std::string, const Engine::Match*> by_text;
        auto matches = e_.matches();
        for (const auto& m : matches) {
            std::string t = match_text(p_, m.rule, m.facts, m.bindings);
            if (now.count(t)) fail("the engine holds one match twice: " + t);
            now[t] = m.on_agenda;
            by_text[t] = &m;
            if (m.on_agenda) on_agenda.insert(rule_label(p_.rules[m.rule]) + " [" + fact_list(m.facts) + "]");
        }
        std::set<std::string> want = naive();
        ++coverage.changes;
        coverage.matches += want.size();
        for (const auto& m : matches) {
            coverage.fired_matches += !m.on_agenda;
            coverage.aggregate_matches += aggregated_[m.rule];
        }
        for (const auto& t : want)
            if (!now.count(t)) fail("missing match (the naive matcher has it, the engine not): " + t);
        for (const auto& [t, a] : now)
            if (!want.count(t)) fail("extra match (the engine has it, the naive matcher not): " + t);

        std::multiset<std::string> agenda;
        for (const auto& a : e_.agenda()) agenda.insert(rule_label(p_.rules[a.rule]) + " [" + fact_list(a.facts) + "]");
        if (agenda != on_agenda) fail("the agenda is not the set of matches that have not fired");

        for (const auto& [t, a] : now) {
            RuleId rule = by_text[t]->rule;
            bool existed = prev_.count(t) && (!between || between->count(t));
            if (!existed && !a) fail("a match the change made is not on the agenda: " + t);
            bool untouched = log && std::none_of(sensitive_[rule].begin(), sensitive_[rule].end(),
                                                 [&](TemplateId t) { return log->touched.count(t) > 0; });
            if (external && existed && untouched && prev_.at(t) != a)
                fail(fmt::format("a match that the change did not touch went {} the agenda: {}", a ? "onto" : "off",
                                 t));
        }

        truth_maintenance(now, by_text, fail);
        prev_ = std::move(now);
        return err;
    }

    // The order of the agenda under the engine's strategy (salience, then LEX/MEA recency).
    std::string agenda_order() const {
        auto agenda = e_.agenda();
        Strategy s = e_.strategy();
        auto recency = [&](const Engine::Activation& a) {
            std::vector<std::uint64_t> stamps;
            for (FactId f : a.facts) stamps.push_back(e_.fact(f).timestamp);
            std::uint64_t first = stamps.empty() ? 0 : stamps.front();
            std::sort(stamps.begin(), stamps.end(), std::greater<>());
            return std::pair{first, stamps};
        };
        // -1: a before b, 0: tie, 1: b before a, by OPS5 LEX (newest timestamps first, a longer list wins a prefix)
        auto lex = [](const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
            for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
                if (a[i] != b[i]) return a[i] > b[i] ? -1 : 1;
            return a.size() == b.size() ? 0 : (a.size() > b.size() ? -1 : 1);
        };
        for (std::size_t i = 0; i + 1 < agenda.size(); ++i) {
            const auto& a = agenda[i];
            const auto& b = agenda[i + 1];
            if (a.salience < b.salience) return fmt::format("agenda: salience {} before {}", a.salience, b.salience);
            if (a.salience != b.salience || (s != Strategy::Lex && s != Strategy::Mea)) continue;
            auto [fa, ra] = recency(a);
            auto [fb, rb] = recency(b);
            int order = s == Strategy::Mea && fa != fb ? (fa > fb ? -1 : 1) : lex(ra, rb);
            if (order > 0)
                return fmt::format("agenda under {}: {} [{}] before {} [{}]", strategy_name(s),
                                   p_.rules[a.rule].name, fact_list(a.facts), p_.rules[b.rule].name,
                                   fact_list(b.facts));
        }
        return "";
    }

private:
    template <typename Fail>
    void truth_maintenance(const MatchState& now, std::map<std::string, const Engine::Match*>& by_text, Fail fail) {
        auto fired_live = [&](std::uint32_t j) {
            const Justification* found = e_.justification(j);
            if (!found) return std::string("a justification that was released");
            const Justification& just = *found;
            std::string t = match_text(p_, just.rule, just.facts, just.bindings);
            auto it = now.find(t);
            if (it == now.end()) return "a match that is gone: " + t;
            if (it->second) return "a match that has not fired: " + t;
            return std::string();
        };
        for (FactId id : e_.facts()) {
            FactView f = e_.fact(id);
            if (f.origin == Origin::Concluded) {
                if (f.supports.empty()) fail("a concluded fact without support: " + format_fact(p_, f.tmpl, f.values.data()));
                for (auto j : f.supports)
                    if (auto why = fired_live(j); !why.empty())
                        fail(format_fact(p_, f.tmpl, f.values.data()) + " is supported by " + why);
            }
            if (f.origin == Origin::Score) {
                std::vector<Value> args(f.values.begin(), f.values.end() - 1);
                auto contributions = e_.contributions(f.tmpl, args);
                if (contributions.empty()) fail("a score fact without contributions: " + format_fact(p_, f.tmpl, f.values.data()));
                double combined = 0;
                bool first = true;
                for (const auto& c : contributions) {
                    combined = first ? c.weight : combine_cf(combined, c.weight);
                    first = false;
                    if (auto why = fired_live(c.justification); !why.empty())
                        fail(format_fact(p_, f.tmpl, f.values.data()) + " has a contribution from " + why);
                }
                if (std::abs(combined - f.values.back().as_double()) > 1e-9)
                    fail(fmt::format("{}: the combined contributions give {}", format_fact(p_, f.tmpl, f.values.data()),
                                     combined));
            }
        }
        // Every live fired match: its conclusions and contributions are there.
        for (const auto& [t, on_agenda] : now) {
            if (on_agenda) continue;
            const Engine::Match& m = *by_text[t];
            const Rule& r = p_.rules[m.rule];
            for (const auto& a : r.actions) {
                if (a.kind != ActionKind::Conclude && a.kind != ActionKind::Evidence) continue;
                std::vector<Value> values;
                bool ok = true;
                for (const auto& expr : a.slots) {
                    Value v;
                    EvalError error;
                    ok = ok && evaluate(expr, m.bindings.data(), v, error);
                    values.push_back(v);
                }
                if (!ok) continue;  // the action failed at run time (reported as E0301)
                if (a.kind == ActionKind::Conclude) {
                    if (!e_.find_fact(a.tmpl, values))
                        fail("a fired match's conclusion is not live: " + t + " -> " +
                             format_fact(p_, a.tmpl, values.data()));
                    continue;
                }
                bool found = false;
                for (const auto& c : e_.contributions(a.tmpl, values))
                    if (const Justification* j = e_.justification(c.justification))
                        found = found || match_text(p_, j->rule, j->facts, j->bindings) == t;
                if (!found) fail("a fired match's evidence is not among the live contributions: " + t);
            }
        }
    }

    const Program& p_;
    Engine& e_;
    std::vector<bool> aggregated_;
    std::vector<std::set<TemplateId>> sensitive_;   // per rule: group_templates
    MatchState prev_;
};

// why-not computes a rule's matches again on its own (explain/whynot.cpp): it must find a complete match exactly when
// the engine holds one, with the values the engine holds (aggregate and score results included). It is asked about a
// conclusion no rule can reach — a slot computed by an expression, set to -7 (every value here is >= 0) — so the
// search runs every condition and fails only at the final check, reporting the variables of the match it found.
std::string why_not_agrees(const Program& p, const SourceManager& sm, const Engine& e) {
    auto matches = e.matches();
    auto shown = [&](const Rule& r, const std::vector<Value>& bindings) {
        std::set<std::string> out;   // as why-not shows variables (whynot.cpp, bindings_text)
        for (std::size_t v = 0; v < bindings.size(); ++v) {
            if (bindings[v].type == Type::Any || r.vars[v].is_fact || r.vars[v].name[0] == '#') continue;
            std::string value = bindings[v].type == Type::Float ? fmt::format("{:.3g}", bindings[v].f)
                                                                : to_source(bindings[v]);
            out.insert(fmt::format("?{} = {}", r.vars[v].name, value));
        }
        return out;
    };
    std::string err;
    for (const Rule& r : p.rules) {
        const Action* action = nullptr;
        std::size_t slot = 0;
        for (const auto& a : r.actions)
            for (std::size_t k = 0; !action && a.kind == ActionKind::Conclude && k < a.slots.size(); ++k)
                if (a.slots[k].kind == ExprKind::Call) action = &a, slot = k;
        if (!action) continue;
        // why-not analyses the first action that can give the target: an earlier one of the same template must be
        // ruled out by a constant in that slot.
        bool first = true;
        for (const auto& a : r.actions) {
            if (&a == action) break;
            bool same = a.tmpl == action->tmpl && (a.kind == ActionKind::Conclude || a.kind == ActionKind::Assert);
            if (same && a.slots[slot].kind != ExprKind::Const) first = false;
        }
        if (!first) continue;
        WhyNotTarget target;
        target.tmpl = action->tmpl;
        target.slots.assign(p.templates[action->tmpl].slots.size(), std::nullopt);
        target.slots[slot] = Value::integer(-7);
        WhyNotReport report = why_not(e, sm, target);
        std::vector<std::set<std::string>> engine_side;
        for (const auto& m : matches)
            if (m.rule == r.id) engine_side.push_back(shown(r, m.bindings));
        for (const auto& w : report.rules) {
            // The first action of the rule that can give the target is the one analysed; it must be ours.
            if (w.rule != r.id || w.search_cut || !w.can_produce) continue;
            bool full = w.conditions_matched == w.conditions_total;
            if (full != !engine_side.empty()) {
                err += fmt::format("why-not finds {} of rule {} ({}), the engine {}\n", full ? "a match" : "no match",
                                   r.name, w.failure, engine_side.empty() ? "none" : "one");
                continue;
            }
            ++(full ? coverage.why_not_matches : coverage.why_not_misses);
            std::set<std::string> got(w.bindings.begin(), w.bindings.end());
            if (full && std::find(engine_side.begin(), engine_side.end(), got) == engine_side.end()) {
                err += fmt::format("why-not reports, for rule {}, variables no match of the engine holds:", r.name);
                for (const auto& b : got) err += " " + b;
                err += "\n";
            }
        }
    }
    return err;
}

// The fired activation of the last firing, as "rule [facts]".
std::string last_firing(const Program& p, const Engine& e) {
    auto since = firings_since(e, e.stats().firings - 1);
    if (since.empty()) return "(no justification kept for the last firing)";
    return rule_label(p.rules[since.back().rule]) + " [" + fact_list(since.back().facts) + "]";
}

std::optional<FactId> resolve(Engine& e, const Program& p, Step& s) {
    if (s.values.empty()) {
        // First run: choose among the live given facts of a, b and c.
        std::vector<FactId> given;
        for (FactId id : e.facts()) {
            FactView f = e.fact(id);
            const std::string& name = p.templates[f.tmpl].name;
            if (f.origin != Origin::Score && f.origin != Origin::Concluded && (name == "a" || name == "b" || name == "c"))
                given.push_back(id);
        }
        if (given.empty()) return std::nullopt;
        FactView f = e.fact(given[static_cast<std::size_t>(s.choice) % given.size()]);
        s.tmpl = p.templates[f.tmpl].name;
        for (const auto& v : f.values) s.values.push_back(static_cast<int>(v.i));
        s.slot %= static_cast<int>(s.values.size());
        return f.id;
    }
    std::vector<Value> values;
    for (int v : s.values) values.push_back(Value::integer(v));
    return e.find_fact(p.find_template(s.tmpl)->id, values);
}

void assert_step(Engine& e, const Program& p, const Step& s) {
    std::vector<Value> values;
    for (int v : s.values) values.push_back(Value::integer(v));
    e.assert_fact(p.find_template(s.tmpl)->id, values);
}

struct Result {
    bool invalid = false;     // the program does not check (a shrink candidate that broke it)
    std::string failure;      // "" when every check passed
    std::size_t failed_step = 0;
};

// Runs `steps` on `spec` under `strategy` with every check; fills in unresolved steps.
Result run_checked(const ProgramSpec& spec, std::vector<Step>& steps, Strategy strategy) {
    Result res;
    auto loaded = compile_rules(spec.text(), "oracle.rules");
    if (!loaded->program) {
        res.invalid = true;
        res.failure = render_all(loaded->sink, loaded->sm);
        return res;
    }
    const Program& p = *loaded->program;
    Engine e(p);
    std::ostringstream sink;
    e.set_output(sink);
    e.set_strategy(strategy);
    Checker check(p, e);
    e.reset();
    auto fail = [&](std::size_t step, const std::string& what) {
        res.failure = what;
        res.failed_step = step;
        return res;
    };
    if (auto err = check.after_change(true, nullptr); !err.empty()) return fail(0, "after reset:\n" + err);
    ChangeLog log;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        Step& s = steps[i];
        // The log watches changes from outside only: a trace listener turns off the deferred propagation of asserts
        // within firings (engine.cpp), which the firings must exercise.
        log.touched.clear();
        e.set_trace(s.kind == Step::Kind::Run ? nullptr : &log);
        auto where_text = [&] { return fmt::format("after step {} ({}):\n", i + 1, s.text()); };
        switch (s.kind) {
            case Step::Kind::Assert: assert_step(e, p, s); break;
            case Step::Kind::Retract: {
                auto id = resolve(e, p, s);
                if (id) e.retract(*id);
                break;
            }
            case Step::Kind::Modify: {
                auto id = resolve(e, p, s);
                if (!id) break;
                // A modify that changes nothing does nothing (engine.hpp); otherwise it is a retract and an assert.
                bool changes = e.fact(*id).values[static_cast<std::size_t>(s.slot)] != Value::integer(s.value);
                std::set<std::string> between = check.naive(*id);
                std::pair<SlotIndex, Value> change{static_cast<SlotIndex>(s.slot), Value::integer(s.value)};
                e.modify(*id, std::span(&change, 1));
                if (auto err = check.after_change(true, changes ? &between : nullptr, &log); !err.empty())
                    return fail(i, where_text() + err);
                continue;
            }
            case Step::Kind::Run: {
                for (int k = 0; k < s.firings; ++k) {
                    auto agenda = e.agenda();
                    if (agenda.empty()) break;
                    if (auto err = check.agenda_order(); !err.empty()) return fail(i, where_text() + err);
                    std::string first = rule_label(p.rules[agenda[0].rule]) + " [" + fact_list(agenda[0].facts) + "]";
                    RunLimits one;
                    one.max_firings = 1;
                    RunResult r = e.run(one);
                    ++coverage.firings;
                    if (r.firings != 1) return fail(i, where_text() + "run(1) fired " + std::to_string(r.firings));
                    if (last_firing(p, e) != first)
                        return fail(i, where_text() + "fired " + last_firing(p, e) + ", the agenda's first was " + first);
                    if (auto err = check.after_change(false, nullptr); !err.empty())
                        return fail(i, where_text() + fmt::format("firing {} ({}):\n", k + 1, first) + err);
                }
                if (auto err = why_not_agrees(p, loaded->sm, e); !err.empty()) return fail(i, where_text() + err);
                continue;
            }
            case Step::Kind::Strategy: e.set_strategy(s.strategy); break;
        }
        if (auto err = check.after_change(true, nullptr, &log); !err.empty()) return fail(i, where_text() + err);
    }
    e.set_trace(nullptr);
    if (auto err = why_not_agrees(p, loaded->sm, e); !err.empty()) return fail(steps.size(), "at the end:\n" + err);
    return res;
}

// The firing trace of a whole run from the program's facts and the asserts of `steps`.
std::vector<std::string> trace(const Program& p, const std::vector<Step>& steps, Strategy s, bool one_by_one,
                               std::uint64_t limit) {
    Engine e(p);
    std::ostringstream sink;
    e.set_output(sink);
    e.set_strategy(s);
    e.reset();
    assert_steps(e, p, steps);
    std::vector<std::string> out;
    RunLimits limits;
    limits.max_firings = one_by_one ? 1 : limit;
    while (out.size() < limit) {
        auto before = e.stats().firings;
        RunResult r = e.run(limits);
        for (const auto& just : firings_since(e, before))
            out.push_back(match_text(p, just.rule, just.facts, just.bindings));
        // run() stops at a run-time error (E0301); so does the stepping, to compare like with like.
        if (r.firings == 0 || !one_by_one || r.reason == StopReason::Error) break;
    }
    return out;
}

// The change sequence `steps` (already resolved by run_checked) applied with lazy matching on or off and nothing
// inspected in between (an inspection replays what lazy matching put off, engine.hpp): the firings, in order, then
// a run to the end, then the matches left (sorted: token order differs), as text.
std::vector<std::string> without_inspection(const Program& p, std::vector<Step> steps, bool lazy) {
    Engine e(p);
    std::ostringstream sink;
    e.set_output(sink);
    e.set_strategy(Strategy::Depth);
    e.set_lazy(lazy);
    e.reset();
    std::vector<std::string> out;
    auto run = [&](std::uint64_t firings) {
        auto before = e.stats().firings;
        RunLimits limits;
        limits.max_firings = firings;
        RunResult r = e.run(limits);
        for (const auto& just : firings_since(e, before))
            out.push_back(match_text(p, just.rule, just.facts, just.bindings));
        return r.reason != StopReason::Error;
    };
    for (Step& s : steps) {
        switch (s.kind) {
            case Step::Kind::Assert: assert_step(e, p, s); break;
            case Step::Kind::Retract:
                if (auto id = resolve(e, p, s)) e.retract(*id);
                break;
            case Step::Kind::Modify:
                if (auto id = resolve(e, p, s)) {
                    std::pair<SlotIndex, Value> change{static_cast<SlotIndex>(s.slot), Value::integer(s.value)};
                    e.modify(*id, std::span(&change, 1));
                }
                break;
            case Step::Kind::Run:
                if (!run(static_cast<std::uint64_t>(s.firings))) return out;
                break;
            case Step::Kind::Strategy: e.set_strategy(s.strategy); break;
        }
    }
    e.set_strategy(Strategy::Depth);
    if (!run(150)) return out;
    std::vector<std::string> left;
    for (const auto& m : e.matches())
        left.push_back("left: " + match_text(p, m.rule, m.facts, m.bindings) + (m.on_agenda ? " (pending)" : ""));
    std::sort(left.begin(), left.end());
    out.insert(out.end(), left.begin(), left.end());
    return out;
}

std::string whole_runs(const ProgramSpec& spec, const std::vector<Step>& steps) {
    auto loaded = compile_rules(spec.text(), "oracle.rules");
    if (!loaded->program) return "";
    // Lazy matching makes, in the end, what eager matching makes, in the same order (engine.hpp, set_lazy).
    auto eager = without_inspection(*loaded->program, steps, false);
    auto lazy = without_inspection(*loaded->program, steps, true);
    if (eager != lazy) {
        std::size_t k = 0;
        while (k < eager.size() && k < lazy.size() && eager[k] == lazy[k]) ++k;
        return fmt::format("under depth, eager and lazy matching differ ({} and {} lines); line {}: {} / {}",
                           eager.size(), lazy.size(), k + 1, k < eager.size() ? eager[k] : "(none)",
                           k < lazy.size() ? lazy[k] : "(none)");
    }
    for (Strategy s : {Strategy::Depth, Strategy::Breadth, Strategy::Lex, Strategy::Mea}) {
        auto all = trace(*loaded->program, steps, s, false, 150);
        auto stepped = trace(*loaded->program, steps, s, true, 150);
        if (all != stepped) {
            std::size_t k = 0;
            while (k < all.size() && k < stepped.size() && all[k] == stepped[k]) ++k;
            return fmt::format("under {}, run() and run(1) repeated fired differently ({} and {} firings); "
                               "firing {}: {} / {}",
                               strategy_name(s), all.size(), stepped.size(), k + 1,
                               k < all.size() ? all[k] : "(none)", k < stepped.size() ? stepped[k] : "(none)");
        }
    }
    return "";
}

// Every check: the sequence change by change, then whole runs.
Result check_all(const ProgramSpec& spec, std::vector<Step>& steps, Strategy strategy) {
    Result res = run_checked(spec, steps, strategy);
    if (res.invalid || !res.failure.empty()) return res;
    res.failure = whole_runs(spec, steps);
    res.failed_step = steps.size();
    return res;
}

// Drops steps, rules, conditions and actions while the sequence still fails (any failure counts).
void shrink(ProgramSpec& spec, std::vector<Step>& steps, Strategy strategy, Result& res) {
    auto still_fails = [&](const ProgramSpec& sp, std::vector<Step> st) {
        Result r = check_all(sp, st, strategy);
        if (r.invalid || r.failure.empty()) return false;
        res = r;
        return true;
    };
    steps.resize(std::min(steps.size(), res.failed_step + 1));
    for (bool progress = true; progress;) {
        progress = false;
        for (std::size_t i = steps.size(); i-- > 0;) {
            auto st = steps;
            st.erase(st.begin() + static_cast<std::ptrdiff_t>(i));
            if (still_fails(spec, st)) steps = st, progress = true;
        }
        for (std::size_t i = spec.rules.size(); i-- > 0 && spec.rules.size() > 1;) {
            auto sp = spec;
            sp.rules.erase(sp.rules.begin() + static_cast<std::ptrdiff_t>(i));
            if (still_fails(sp, steps)) spec = sp, progress = true;
        }
        for (std::size_t i = spec.facts.size(); i-- > 0;) {
            auto sp = spec;
            sp.facts.erase(sp.facts.begin() + static_cast<std::ptrdiff_t>(i));
            if (still_fails(sp, steps)) spec = sp, progress = true;
        }
        for (std::size_t r = 0; r < spec.rules.size(); ++r) {
            for (std::size_t i = spec.rules[r].conditions.size(); i-- > 0;) {
                auto sp = spec;
                sp.rules[r].conditions.erase(sp.rules[r].conditions.begin() + static_cast<std::ptrdiff_t>(i));
                if (still_fails(sp, steps)) spec = sp, progress = true;
            }
            for (std::size_t i = spec.rules[r].actions.size(); i-- > 0 && spec.rules[r].actions.size() > 1;) {
                auto sp = spec;
                sp.rules[r].actions.erase(sp.rules[r].actions.begin() + static_cast<std::ptrdiff_t>(i));
                if (still_fails(sp, steps)) spec = sp, progress = true;
            }
            if (spec.rules[r].salience != 0) {
                auto sp = spec;
                sp.rules[r].salience = 0;
                if (still_fails(sp, steps)) spec = sp, progress = true;
            }
        }
    }
}

std::string report(unsigned seed, const ProgramSpec& spec, const std::vector<Step>& steps, Strategy strategy,
                   const std::string& failure) {
    std::string s = fmt::format("oracle seed {} (strategy {}), shrunk. Replay: save the program as oracle.rules and "
                                "run `covenant repl --rules oracle.rules` with the script below "
                                "(the REPL uses depth).\n--- oracle.rules\n{}--- script\n",
                                seed, strategy_name(strategy), spec.text());
    for (const auto& st : steps) s += st.text() + "\n";
    return s + "--- failure\n" + failure;
}

// One seed: a random program and sequence, checked; false (with a shrunk report) on a difference.
bool run_seed(unsigned seed, std::size_t n_steps, std::string& message) {
    std::mt19937 rng(seed);
    ProgramSpec spec = random_program(rng);
    std::vector<Step> steps = random_steps(rng, n_steps);
    Strategy strategy = static_cast<Strategy>(seed % 4);
    Result res = check_all(spec, steps, strategy);
    if (res.invalid) {
        message = fmt::format("seed {}: the generator made a program that does not check:\n{}\n{}", seed,
                              spec.text(), res.failure);
        return false;
    }
    if (res.failure.empty()) return true;
    shrink(spec, steps, strategy, res);
    message = report(seed, spec, steps, strategy, res.failure);
    return false;
}

// A whole number from the environment, or `fallback` when unset. Anything else fails the test with its name: a typo in
// `make soak SECONDS=...` must not turn into a soak of no seconds that passes.
unsigned env_number(const char* name, unsigned fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    unsigned long n = std::strtoul(v, &end, 10);
    if (*end != '\0' || *v == '-' || n > 0xFFFFFFFFul)
        throw std::invalid_argument(fmt::format("{}={}: expected a whole number", name, v));
    return static_cast<unsigned>(n);
}

}  // namespace

TEST_CASE("oracle: the naive matcher finds the matches a hand check gives", "[runtime][oracle]") {
    // The oracle itself, on a program small enough to check by hand.
    auto l = load(R"(
template a { x: int, y: int, z: int }
template b { x: int, y: int }
rule j { when a(x: ?v, y: ?w) b(x: ?w) then print "" }
rule n { when a(x: ?v) not b(y: ?v) then print "" }
rule g { when ?n = count(a(z: 1)) ?s = sum(?y, a(y: ?y, z: 1)) then print "" }
rule m { when ?m = min(?y, a(y: ?y, z: 2)) then print "" }
)");
    REQUIRE(l->program);
    const Program& p = *l->program;
    TemplateId a = p.find_template("a")->id, b = p.find_template("b")->id;
    auto I = [](int i) { return Value::integer(i); };
    std::vector<NaiveFact> facts = {{1, a, {I(1), I(2), I(1)}}, {2, a, {I(2), I(3), I(1)}}, {3, b, {I(2), I(1)}}};
    std::set<std::string> got;
    for (const auto& m : naive_matches(p, facts)) got.insert(match_text(p, m.rule, m.facts, m.bindings));
    std::set<std::string> want = {"j [1 3] ?v=1 ?w=2", "n [2] ?v=2", "g [] ?n=2 ?s=5"};
    CHECK(got == want);  // n: a(x:1) is blocked by b(y:1); m: no a with z: 2, so min has nothing and does not match
}

TEST_CASE("oracle: random programs match as the naive matcher says after every change", "[runtime][oracle]") {
    unsigned seeds = env_number("COVENANT_ORACLE_SEEDS", 1000);
    unsigned first = env_number("COVENANT_ORACLE_SEED", 1);
    for (unsigned seed = first; seed < first + seeds; ++seed) {
        std::string message;
        bool ok = run_seed(seed, 60, message);
        INFO(message);
        REQUIRE(ok);
    }
    WARN(fmt::format("oracle: {} programs, {} changes checked, {} matches compared ({} with aggregates, {} fired), "
                     "{} firings; why-not agreed on {} rules with a match and {} without",
                     seeds, coverage.changes, coverage.matches, coverage.aggregate_matches, coverage.fired_matches,
                     coverage.firings, coverage.why_not_matches, coverage.why_not_misses));
}

TEST_CASE("oracle soak: random programs for COVENANT_SOAK_SECONDS", "[.soak]") {
    auto seconds = env_number("COVENANT_SOAK_SECONDS", 600);
    unsigned seed = env_number("COVENANT_ORACLE_SEED", static_cast<unsigned>(std::random_device{}()));
    auto start = std::chrono::steady_clock::now();
    auto end = start + std::chrono::seconds(seconds);
    auto next_report = start + std::chrono::seconds(60);
    std::cout << fmt::format("oracle soak: {} s from seed {}", seconds, seed) << std::endl;
    unsigned runs = 0;
    while (std::chrono::steady_clock::now() < end) {
        std::string message;
        bool ok = run_seed(seed, 80, message);
        INFO(message);
        REQUIRE(ok);
        ++seed;
        ++runs;
        if (std::chrono::steady_clock::now() >= next_report) {
            next_report += std::chrono::seconds(60);
            std::cout << fmt::format("  {} programs, {} changes checked, {} matches compared", runs, coverage.changes,
                                     coverage.matches)
                      << std::endl;
        }
    }
    std::cout << fmt::format("oracle soak: {} programs (seeds up to {}), {} changes checked, {} matches compared, {} "
                             "firings, no difference",
                             runs, seed - 1, coverage.changes, coverage.matches, coverage.firings)
              << std::endl;
}
