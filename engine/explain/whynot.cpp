// Why-not search (see whynot.hpp for the method). The search re-matches one rule's conditions over the live working
// memory with a plain nested-loop join: no Rete state is needed, and nothing in the engine changes. Expressions are
// evaluated by program/eval (the engine's own evaluator), and slot tests and aggregates by program/semantics.hpp (the
// matcher's own), so a test fails here exactly when it fails in the engine and an aggregate has the engine's value.
#include "explain/whynot.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "explain/why.hpp"
#include "program/eval.hpp"
#include "program/semantics.hpp"

namespace covenant {

namespace {

// Steps (candidate facts tried, tests evaluated) allowed per rule. A rule with three patterns over a thousand facts
// each would otherwise cost 10^9 steps; the deepest prefix found within the limit is still reported, marked as cut.
constexpr std::size_t kStepLimit = 100'000;

// The source text of a span on one line (newlines and runs of blanks collapsed), or "" without a location.
std::string span_text(const SourceManager& sm, const SourceSpan& span) {
    if (!span.valid() || span.file == 0 || span.file >= sm.size()) return {};
    const std::string& text = sm.file(span.file).text;
    if (span.offset >= text.size()) return {};
    std::string raw = text.substr(span.offset, std::min<std::size_t>(span.length, text.size() - span.offset));
    std::string out;
    bool blank = false;
    for (char c : raw) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            blank = true;
            continue;
        }
        if (blank && !out.empty()) out += ' ';
        blank = false;
        out += c;
    }
    return out;
}

std::string number_text(double d) { return fmt::format("{:.3g}", d); }

// Values as the user reads them; floats shortened (0.35 rather than 0.35000000000000003).
std::string value_text(const Value& v) { return v.type == Type::Float ? number_text(v.f) : to_source(v); }

bool is_comparison(const Expr& e) { return e.kind == ExprKind::Binary && covenant::is_comparison(e.op); }

// How a variable enters `e` when `e` grows: +1 (it grows with the variable), -1 (it shrinks), 0 (not in it, or through
// a product, a call or anything else whose direction is not known).
int var_sign(const Expr& e, VarId v) {
    switch (e.kind) {
        case ExprKind::Var: return e.var == v ? 1 : 0;
        case ExprKind::Unary: return e.op == ExprOp::Neg && !e.args.empty() ? -var_sign(e.args[0], v) : 0;
        case ExprKind::Binary:
            if (e.args.size() != 2) return 0;
            if (e.op == ExprOp::Add) return var_sign(e.args[0], v) + var_sign(e.args[1], v);
            if (e.op == ExprOp::Sub) return var_sign(e.args[0], v) - var_sign(e.args[1], v);
            return 0;
        default: return 0;
    }
}

void collect_vars(const Expr& e, std::vector<VarId>& out) {
    if (e.kind == ExprKind::Var && std::find(out.begin(), out.end(), e.var) == out.end()) out.push_back(e.var);
    for (const auto& a : e.args) collect_vars(a, out);
}

// The deepest failure seen by one search: how many conditions matched before it, and what failed.
struct Failure {
    bool set = false;
    std::size_t depth = 0;
    std::string condition;
    SourceSpan span;
    std::string failure;
    std::vector<std::string> bindings;
    std::vector<std::string> would_help;
};

// What a score aggregate bound a variable to: the score's template and arguments.
struct ScoreOrigin {
    bool set = false;
    TemplateId tmpl = 0;
    std::vector<Value> args;
};

class RuleSearch {
public:
    RuleSearch(const Engine& e, const SourceManager& sm, const Rule& r, bool explain_helpers)
        : e_(e), p_(e.program()), sm_(sm), r_(r), vals_(r.vars.size()), bound_(r.vars.size(), 0),
          score_of_(r.vars.size()), explain_helpers_(explain_helpers) {}

    // Pre-binds a variable from the target; false when it is bound already to a different value.
    bool prebind(VarId v, const Value& value) {
        if (v >= vals_.size()) return true;
        if (bound_[v]) return equal_for_match(vals_[v], value);
        vals_[v] = value;
        bound_[v] = 1;
        return true;
    }

    // A computed action slot that must equal the target's value once the rule matches.
    void add_final_check(const Expr* e, std::string slot, Value wanted) {
        checks_.push_back({e, std::move(slot), wanted});
    }

    // Runs the search. Returns true when a full match (passing the final checks) exists.
    bool run() { return search(r_.conditions, 0, &best_, true); }

    const Failure& best() const { return best_; }
    bool cut() const { return cut_; }
    std::vector<std::string> bindings_text() const {
        std::vector<std::string> out;
        for (std::size_t v = 0; v < vals_.size(); ++v) {
            if (!bound_[v] || r_.vars[v].is_fact || r_.vars[v].name.empty() || r_.vars[v].name[0] == '#') continue;
            out.push_back(fmt::format("?{} = {}", r_.vars[v].name, value_text(vals_[v])));
        }
        return out;
    }

private:
    struct FinalCheck {
        const Expr* expr;
        std::string slot;
        Value wanted;
    };

    std::string cond_text(const Condition& c) const {
        std::string s = span_text(sm_, c.span);
        return s.empty() ? "a condition of " + r_.name : s;
    }

    void note(Failure* rec, std::size_t depth, const Condition* c, const std::function<std::string()>& why) {
        if (!rec || (rec->set && depth <= rec->depth)) return;
        rec->set = true;
        rec->depth = depth;
        rec->condition = c ? cond_text(*c) : std::string();
        rec->span = c ? c->span : SourceSpan{};
        rec->failure = why();
        rec->bindings = bindings_text();
        rec->would_help.clear();
        if (c && c->kind == CondKind::Test && explain_helpers_) rec->would_help = helpers_for(c->test);
    }

    bool tick() {
        if (++steps_ > kStepLimit) cut_ = true;
        return !cut_;
    }

    Value operand_value(const Operand& o) const { return o.is_var && o.var < vals_.size() ? vals_[o.var] : o.constant; }

    // One slot test against a value, with the engine's semantics (program/semantics.hpp): false for incomparable
    // values. The caller makes sure the test's variables are bound.
    bool slot_test(const SlotTest& t, const Value& v) const {
        return slot_test_holds(t.op, v, t.values.size(),
                               [&](std::size_t k) -> Value { return operand_value(t.values[k]); });
    }

    std::string needs_text(const SlotTest& t) const {
        std::string s = t.op == CmpOp::Eq ? "" : std::string(cmp_op_text(t.op)) + " ";
        for (std::size_t k = 0; k < t.values.size(); ++k)
            s += (k ? " | " : "") + value_text(operand_value(t.values[k]));
        return s;
    }

    // Binds the pattern's variables from `values` and checks its tests. Newly bound variables are pushed onto
    // `newly` (the caller unbinds them). With `misses`, collects every failed constraint in words and keeps going.
    bool match_pattern(const Pattern& pat, std::span<const Value> values, std::vector<VarId>& newly,
                       std::vector<std::string>* misses, std::size_t* passed, std::size_t* joins_failed = nullptr) {
        const TemplateDef& t = p_.templates[pat.tmpl];
        bool ok = true;
        for (const auto& b : pat.binds) {
            if (b.var >= vals_.size() || b.slot >= values.size()) continue;
            Value v = list_part(values[b.slot], b.part, b.index);
            if (bound_[b.var]) {
                if (equal_for_match(vals_[b.var], v)) {
                    if (passed) ++*passed;
                    continue;
                }
                ok = false;
                if (joins_failed) ++*joins_failed;
                if (!misses) return false;
                misses->push_back(fmt::format("{} is {}, the rule needs ?{} = {}",
                                              slot_part_text(t.slots[b.slot].name, b.part, b.index), value_text(v),
                                              r_.vars[b.var].name, value_text(vals_[b.var])));
                continue;
            }
            vals_[b.var] = v;
            bound_[b.var] = 1;
            newly.push_back(b.var);
        }
        for (const auto& test : pat.tests) {
            if (test.slot >= values.size()) continue;
            bool vars_ok = std::all_of(test.values.begin(), test.values.end(), [&](const Operand& o) {
                return !o.is_var || (o.var < bound_.size() && bound_[o.var]);
            });
            Value v = list_part(values[test.slot], test.part, test.index);
            if (vars_ok && slot_test(test, v)) {
                if (passed) ++*passed;
                continue;
            }
            ok = false;
            if (joins_failed && test.op == CmpOp::Eq &&
                std::any_of(test.values.begin(), test.values.end(), [](const Operand& o) { return o.is_var; }))
                ++*joins_failed;
            if (!misses) return false;
            misses->push_back(fmt::format("{} is {}, the rule needs {}",
                                          slot_part_text(t.slots[test.slot].name, test.part, test.index),
                                          value_text(v), needs_text(test)));
        }
        if (pat.fact_var != kNoVar && pat.fact_var < vals_.size() && !bound_[pat.fact_var] && ok) {
            // The fact variable's value is only read by retract/modify actions, which the search never runs.
            bound_[pat.fact_var] = 1;
            newly.push_back(pat.fact_var);
        }
        return ok;
    }

    void unbind(const std::vector<VarId>& vars) {
        for (VarId v : vars) bound_[v] = 0;
    }

    // "no parent fact with of: ann" / "closest: person(...): born is 1990, ...".
    std::string pattern_miss(const Pattern& pat) {
        const TemplateDef& t = p_.templates[pat.tmpl];
        std::vector<FactId> ids = e_.facts_of(pat.tmpl);
        std::string wanted;
        for (const auto& b : pat.binds)
            if (b.var < vals_.size() && bound_[b.var])
                wanted += (wanted.empty() ? "" : ", ") + slot_part_text(t.slots[b.slot].name, b.part, b.index) +
                          ": " + value_text(vals_[b.var]);
        for (const auto& test : pat.tests) {
            bool vars_ok = std::all_of(test.values.begin(), test.values.end(), [&](const Operand& o) {
                return !o.is_var || (o.var < bound_.size() && bound_[o.var]);
            });
            if (vars_ok)
                wanted += (wanted.empty() ? "" : ", ") + slot_part_text(t.slots[test.slot].name, test.part, test.index) +
                          ": " + needs_text(test);
        }
        std::string head = fmt::format("no {} fact{}", t.name, wanted.empty() ? "" : " with " + wanted);
        if (ids.empty()) return head + fmt::format(" (there is no {} fact at all)", t.name);
        // The closest fact: fewest failed joins (a fact about another subject is far off, whatever else it
        // shares), then most constraints passed; the first in id order on a tie.
        std::size_t best_passed = 0, best_joins = 0;
        FactId best = kNoFact;
        std::vector<std::string> best_misses;
        for (FactId id : ids) {
            FactView f = e_.fact(id);
            std::vector<VarId> newly;
            std::vector<std::string> misses;
            std::size_t passed = 0, joins = 0;
            match_pattern(pat, f.values, newly, &misses, &passed, &joins);
            unbind(newly);
            if (best == kNoFact || joins < best_joins || (joins == best_joins && passed > best_passed)) {
                best = id;
                best_passed = passed;
                best_joins = joins;
                best_misses = std::move(misses);
            }
        }
        std::string s = head + "; the closest is " + constrained_slots(pat, e_.fact(best).values);
        if (!best_misses.empty()) {
            s += ": ";
            for (std::size_t k = 0; k < best_misses.size(); ++k) s += (k ? "; " : "") + best_misses[k];
        }
        return s;
    }

    // A fact shown with only the slots the pattern constrains: `person(name: ann, born: 1950)` rather
    // than all twenty slots; "..." marks the slots left out.
    std::string constrained_slots(const Pattern& pat, std::span<const Value> values) const {
        const TemplateDef& t = p_.templates[pat.tmpl];
        std::vector<char> shown(t.slots.size(), 0);
        for (const auto& b : pat.binds)
            if (b.slot < shown.size()) shown[b.slot] = 1;
        for (const auto& test : pat.tests)
            if (test.slot < shown.size()) shown[test.slot] = 1;
        std::string s = t.name + "(";
        bool first = true, left_out = false;
        for (std::size_t k = 0; k < t.slots.size() && k < values.size(); ++k) {
            if (!shown[k]) {
                left_out = true;
                continue;
            }
            s += (first ? "" : ", ") + t.slots[k].name + ": " + value_text(values[k]);
            first = false;
        }
        if (left_out) s += first ? "..." : ", ...";
        return s + ")";
    }

    // Searches `conds` from `i`. `rec` records the deepest failure (nullptr: do not record); `matched` collects the
    // facts of the first full match of a group (for the fact that blocks a `not`).
    bool search(const std::vector<Condition>& conds, std::size_t i, Failure* rec, bool top,
                std::vector<FactId>* matched = nullptr) {
        if (cut_) return false;
        if (i == conds.size()) return top ? final_checks(rec, conds.size()) : true;
        const Condition& c = conds[i];
        switch (c.kind) {
            case CondKind::Pattern: {
                bool any = false;
                for (FactId id : e_.facts_of(c.pattern.tmpl)) {
                    if (!tick()) return false;
                    FactView f = e_.fact(id);
                    std::vector<VarId> newly;
                    if (match_pattern(c.pattern, f.values, newly, nullptr, nullptr)) {
                        any = true;
                        if (matched) matched->push_back(id);
                        bool done = search(conds, i + 1, rec, top, matched);
                        if (done) {
                            if (!top) unbind(newly);
                            return true;
                        }
                        if (matched) matched->pop_back();
                    }
                    unbind(newly);
                    if (cut_) return false;
                }
                if (!any) note(rec, i, &c, [&] { return pattern_miss(c.pattern); });
                return false;
            }
            case CondKind::Not:
            case CondKind::Exists: {
                if (!tick()) return false;
                Failure inner;
                std::vector<FactId> facts;
                bool found = search(c.group, 0, &inner, false, &facts);
                if (cut_) return false;
                if (c.kind == CondKind::Not && found) {
                    note(rec, i, &c, [&] {
                        std::string s = "blocked by ";
                        for (std::size_t k = 0; k < facts.size(); ++k)
                            s += (k ? " and " : "") + format_fact(p_, e_.fact(facts[k]).tmpl,
                                                                  e_.fact(facts[k]).values.data(), /*reading=*/true);
                        return facts.empty() ? std::string("the `not` group holds") : s;
                    });
                    return false;
                }
                if (c.kind == CondKind::Exists && !found) {
                    note(rec, i, &c, [&] { return "nothing exists: " + inner.failure; });
                    return false;
                }
                return search(conds, i + 1, rec, top, matched);
            }
            case CondKind::Test: {
                if (!tick()) return false;
                EvalError err;
                bool failed = false;
                if (evaluate_test(c.test, vals_.data(), err, failed)) return search(conds, i + 1, rec, top, matched);
                note(rec, i, &c, [&] { return failed ? "evaluation error: " + err.message : test_failure(c.test); });
                return false;
            }
            case CondKind::Aggregate: return aggregate(conds, i, rec, top, matched);
        }
        return false;
    }

    // The type of an aggregate's value, as the network compiler gives it to the aggregate node.
    Type result_type(const Condition& c) const {
        Type declared = c.result < r_.vars.size() ? r_.vars[c.result].type : Type::Any;
        Type slot_type = Type::Any;
        for (const auto& b : c.pattern.binds)
            if (b.var == c.over) slot_type = p_.templates[c.pattern.tmpl].slots[b.slot].type;
        return aggregate_result_type(c.agg, declared, slot_type);
    }

    bool aggregate(const std::vector<Condition>& conds, std::size_t i, Failure* rec, bool top,
                   std::vector<FactId>* matched) {
        const Condition& c = conds[i];
        Value result;
        ScoreOrigin origin;
        if (c.agg == AggOp::Score) {
            const TemplateDef& t = p_.templates[c.pattern.tmpl];
            origin.set = true;
            origin.tmpl = c.pattern.tmpl;
            origin.args.assign(t.slots.size() - 1, Value());
            for (const auto& test : c.pattern.tests)
                if (test.slot < origin.args.size() && !test.values.empty())
                    origin.args[test.slot] = operand_value(test.values[0]);
            result = Value::real(e_.score(origin.tmpl, origin.args));
        } else {
            // The matcher's accumulator over the same facts: the value (float sums in value order, the result type,
            // min/max of equal values) is the one the engine's aggregate node has.
            AggregateState state;
            for (FactId id : e_.facts_of(c.pattern.tmpl)) {
                if (!tick()) return false;
                FactView f = e_.fact(id);
                std::vector<VarId> newly;
                if (match_pattern(c.pattern, f.values, newly, nullptr, nullptr)) {
                    bool has_value = c.agg != AggOp::Count && c.over < vals_.size() && bound_[c.over];
                    state.add(has_value ? vals_[c.over] : Value(), +1, c.agg == AggOp::Collect);
                }
                unbind(newly);
            }
            state.compute(c.agg, result_type(c));
            if (!state.defined) {
                note(rec, i, &c, [&] { return "nothing to aggregate: " + pattern_miss(c.pattern); });
                return false;
            }
            result = state.current;
        }
        if (c.result >= vals_.size()) return search(conds, i + 1, rec, top, matched);
        if (bound_[c.result]) {
            if (!equal_for_match(vals_[c.result], result)) {
                note(rec, i, &c, [&] {
                    return fmt::format("it gives ?{} = {}, the target needs {}", r_.vars[c.result].name,
                                       value_text(result), value_text(vals_[c.result]));
                });
                return false;
            }
            return search(conds, i + 1, rec, top, matched);
        }
        vals_[c.result] = result;
        bound_[c.result] = 1;
        score_of_[c.result] = origin;
        bool done = search(conds, i + 1, rec, top, matched);
        if (!done || !top) bound_[c.result] = 0;
        return done;
    }

    bool final_checks(Failure* rec, std::size_t depth) {
        for (const auto& check : checks_) {
            Value got;
            EvalError err;
            if (!evaluate(*check.expr, vals_.data(), got, err) || !equal_for_match(got, check.wanted)) {
                note(rec, depth, nullptr, [&] {
                    return fmt::format("every condition matches, but it would give {}: {}, not {}", check.slot,
                                       err.message.empty() ? value_text(got) : "an error (" + err.message + ")",
                                       value_text(check.wanted));
                });
                return false;
            }
        }
        return true;
    }

    std::string score_text(const ScoreOrigin& o) const {
        const TemplateDef& t = p_.templates[o.tmpl];
        std::string args;
        for (const auto& a : o.args) args += (args.empty() ? "" : ", ") + value_text(a);
        return fmt::format("score {}({})", t.predicate, args);
    }

    // Each comparison in the test's and/or/not tree with its values: which hold, which fail and by how much.
    std::string test_failure(const Expr& test) {
        std::vector<const Expr*> leaves;
        std::function<void(const Expr&)> walk = [&](const Expr& e) {
            if (is_comparison(e)) {
                leaves.push_back(&e);
                return;
            }
            if (e.kind == ExprKind::Binary || e.kind == ExprKind::Unary)
                for (const auto& a : e.args) walk(a);
        };
        walk(test);
        if (leaves.empty()) return "the test is false";
        std::vector<std::string> parts;
        std::vector<VarId> used;
        collect_vars(test, used);
        for (VarId v : used)
            if (v < score_of_.size() && score_of_[v].set && bound_[v])
                parts.push_back(fmt::format("{} = {}", score_text(score_of_[v]), value_text(vals_[v])));
        for (const Expr* leaf : leaves) {
            Value l, r;
            EvalError err;
            bool ok_l = evaluate(leaf->args[0], vals_.data(), l, err);
            bool ok_r = ok_l && evaluate(leaf->args[1], vals_.data(), r, err);
            std::string text = span_text(sm_, leaf->span);
            if (!ok_l || !ok_r) {
                parts.push_back(fmt::format("`{}` cannot be evaluated: {}", text, err.message));
                continue;
            }
            Value truth;
            EvalError ignored;
            bool holds = evaluate(*leaf, vals_.data(), truth, ignored) && truth.type == Type::Bool && truth.b;
            std::string s = fmt::format("`{}` {}: {} {} {}", text, holds ? "holds" : "is false", value_text(l),
                                        expr_op_text(leaf->op), value_text(r));
            if (!holds && l.is_number() && r.is_number() && leaf->op != ExprOp::Eq && leaf->op != ExprOp::Ne)
                s += fmt::format(" (gap {})", number_text(std::fabs(l.as_double() - r.as_double())));
            parts.push_back(std::move(s));
        }
        std::string out;
        for (std::size_t k = 0; k < parts.size(); ++k) out += (k ? "; " : "") + parts[k];
        return out;
    }

    // Evidence rules that could move a score read by a failing comparison of `test` in the needed direction and have
    // not contributed to it yet, each with its weight, the score it would give, and its own first failing condition.
    std::vector<std::string> helpers_for(const Expr& test);

    const Engine& e_;
    const Program& p_;
    const SourceManager& sm_;
    const Rule& r_;
    std::vector<Value> vals_;
    std::vector<char> bound_;
    std::vector<ScoreOrigin> score_of_;
    std::vector<FinalCheck> checks_;
    bool explain_helpers_ = true;
    std::size_t steps_ = 0;
    bool cut_ = false;
    Failure best_;
};

// Unifies `action`'s slot expressions with the target's fixed values, pre-binding variables in `search`.
// Returns "" when the action can give the target, else the reason in words.
std::string unify(const Program& p, const Action& a, const WhyNotTarget& target, RuleSearch& search) {
    const TemplateDef& t = p.templates[target.tmpl];
    for (std::size_t s = 0; s < target.slots.size() && s < t.slots.size(); ++s) {
        if (!target.slots[s]) continue;
        const Value& want = *target.slots[s];
        if (t.is_score && s + 1 == t.slots.size()) continue;  // the score's value is not written by one action
        if (s >= a.slots.size()) continue;
        const Expr& e = a.slots[s];
        const std::string& slot = t.slots[s].name;
        if (e.kind == ExprKind::Const) {
            if (!equal_for_match(e.value, want))
                return fmt::format("it gives {}: {}, not {}", slot, value_text(e.value), value_text(want));
        } else if (e.kind == ExprKind::Var) {
            if (!search.prebind(e.var, want))
                return fmt::format("it gives {} the same value as another slot, which the target sets differently",
                                   slot);
        } else {
            search.add_final_check(&e, slot, want);
        }
    }
    return {};
}

WhyNotRule analyse_rule(const Engine& engine, const SourceManager& sm, const Rule& rule, const WhyNotTarget& target,
                        bool explain_helpers) {
    const Program& p = engine.program();
    const TemplateDef& t = p.templates[target.tmpl];
    WhyNotRule out;
    out.rule = rule.id;
    out.rule_name = rule.name;
    // One branch of a rule's `or` (program.hpp): say which, since each is searched on its own.
    if (rule.disjuncts > 1) out.rule_name += fmt::format(" (branch {} of its `or`)", rule.disjunct + 1);
    out.rule_kind = std::string(rule_kind_name(rule.kind));
    out.location = location_text(sm, rule.span);
    out.conditions_total = rule.conditions.size();
    ActionKind wanted_kind = t.is_score ? ActionKind::Evidence : ActionKind::Conclude;
    std::string first_reason;
    for (const auto& a : rule.actions) {
        bool gives = a.tmpl == target.tmpl &&
                     (a.kind == wanted_kind || (!t.is_score && a.kind == ActionKind::Assert));
        if (!gives) continue;
        RuleSearch search(engine, sm, rule, explain_helpers);
        std::string reason = unify(p, a, target, search);
        if (!reason.empty()) {
            if (first_reason.empty()) first_reason = reason;
            continue;
        }
        bool full = search.run();
        out.can_produce = true;
        out.search_cut = search.cut();
        if (full) {
            out.conditions_matched = out.conditions_total;
            out.bindings = search.bindings_text();
            bool on_agenda = false;
            for (const auto& act : engine.agenda()) on_agenda = on_agenda || act.rule == rule.id;
            if (t.is_score && a.kind == ActionKind::Evidence)
                out.failure = on_agenda ? "every condition matches; the rule is on the agenda and has not fired yet"
                                        : fmt::format("every condition matches: it contributes {}",
                                                      a.weight.kind == ExprKind::Const
                                                          ? fmt::format("{:+.2f}", a.weight.value.as_double())
                                                          : std::string("its weight"));
            else
                out.failure = on_agenda ? "every condition matches; the rule is on the agenda and has not fired yet "
                                          "(run to fire it)"
                                        : "every condition matches, but the conclusion is not in working memory "
                                          "(retracted, or the engine has not run)";
            return out;
        }
        const Failure& f = search.best();
        out.conditions_matched = f.depth;
        out.failed_condition = f.condition;
        out.failed_span = f.span;
        out.failure = f.set ? f.failure : "no match found";
        if (out.search_cut) out.failure += fmt::format(" (search cut after {} steps)", kStepLimit);
        out.bindings = f.bindings;
        out.would_help = f.would_help;
        return out;
    }
    out.can_produce = false;
    out.cannot_because = first_reason;
    return out;
}

std::vector<std::string> RuleSearch::helpers_for(const Expr& test) {
    std::vector<std::string> out;
    std::vector<const Expr*> leaves;
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
        if (is_comparison(e)) leaves.push_back(&e);
        else if (e.kind == ExprKind::Binary || e.kind == ExprKind::Unary)
            for (const auto& a : e.args) walk(a);
    };
    walk(test);
    std::vector<std::pair<VarId, int>> wanted;  // score variable, needed direction (+1 up, -1 down, 0 either)
    for (const Expr* leaf : leaves) {
        Value truth;
        EvalError err;
        if (evaluate(*leaf, vals_.data(), truth, err) && truth.type == Type::Bool && truth.b) continue;
        int dir = leaf->op == ExprOp::Gt || leaf->op == ExprOp::Ge   ? 1
                  : leaf->op == ExprOp::Lt || leaf->op == ExprOp::Le ? -1
                                                                     : 0;
        std::vector<VarId> used;
        collect_vars(*leaf, used);
        for (VarId v : used) {
            if (v >= score_of_.size() || !score_of_[v].set) continue;
            int sign = var_sign(leaf->args[0], v) - var_sign(leaf->args[1], v);
            int need = dir == 0 || sign == 0 ? 0 : (dir * sign > 0 ? 1 : -1);
            auto it = std::find_if(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == v; });
            if (it == wanted.end()) wanted.push_back({v, need});
            else if (it->second != need) it->second = 0;
        }
    }
    for (const auto& [v, need] : wanted) {
        const ScoreOrigin& o = score_of_[v];
        std::vector<RuleId> contributed;
        for (const auto& c : e_.contributions(o.tmpl, o.args))
            contributed.push_back(e_.justification(c.justification)->rule);
        WhyNotTarget sub;
        sub.tmpl = o.tmpl;
        sub.slots.assign(p_.templates[o.tmpl].slots.size(), std::nullopt);
        for (std::size_t k = 0; k < o.args.size(); ++k) sub.slots[k] = o.args[k];
        double current = vals_[v].as_double();
        for (const auto& rule : p_.rules) {
            if (std::find(contributed.begin(), contributed.end(), rule.id) != contributed.end()) continue;
            for (const auto& a : rule.actions) {
                if (a.kind != ActionKind::Evidence || a.tmpl != o.tmpl) continue;
                bool known = a.weight.kind == ExprKind::Const && a.weight.value.is_number();
                double w = known ? a.weight.value.as_double() : 0;
                if (known && need != 0 && (w > 0 ? 1 : -1) != need) continue;
                WhyNotRule why = analyse_rule(e_, sm_, rule, sub, false);
                if (!why.can_produce) continue;
                std::string s = fmt::format("{} {} {}", why.rule_kind, rule.name,
                                            known ? fmt::format("{:+.2f}", w) : "(weight computed)");
                if (known)
                    s += fmt::format(" would make {} {}", score_text(o), number_text(combine_cf(current, w)));
                if (!why.failed_condition.empty())
                    s += fmt::format("; it fails at `{}`: {}", why.failed_condition, why.failure);
                else if (!why.failure.empty())
                    s += "; " + why.failure;
                out.push_back(std::move(s));
                break;
            }
        }
    }
    return out;
}

std::string target_text(const Program& p, const WhyNotTarget& target) {
    const TemplateDef& t = p.templates.at(target.tmpl);
    std::string s;
    if (t.is_score) {
        s = t.predicate + "(";
        for (std::size_t k = 0; k + 1 < t.slots.size(); ++k)
            s += (k ? ", " : "") + (k < target.slots.size() && target.slots[k] ? value_text(*target.slots[k]) : "?_");
        s += ")";
        if (target.slots.size() == t.slots.size() && target.slots.back())
            s += " >= " + value_text(*target.slots.back());
        return s;
    }
    s = t.name + "(";
    bool first = true;
    for (std::size_t k = 0; k < t.slots.size() && k < target.slots.size(); ++k) {
        if (!target.slots[k]) continue;
        s += (first ? "" : ", ") + t.slots[k].name + ": " + value_text(*target.slots[k]);
        first = false;
    }
    return s + ")";
}

bool target_holds(const Engine& engine, const WhyNotTarget& target) {
    const TemplateDef& t = engine.program().templates.at(target.tmpl);
    for (FactId id : engine.facts_of(target.tmpl)) {
        FactView f = engine.fact(id);
        bool all = true;
        for (std::size_t k = 0; k < target.slots.size() && k < f.values.size() && all; ++k) {
            if (!target.slots[k]) continue;
            if (t.is_score && k + 1 == t.slots.size()) {
                bool comparable = false;
                all = compare(f.values[k], *target.slots[k], comparable) >= 0 && comparable;
            } else {
                all = equal_for_match(f.values[k], *target.slots[k]);
            }
        }
        if (all) return true;
    }
    return false;
}

}  // namespace

WhyNotReport why_not(const Engine& engine, const SourceManager& sm, const WhyNotTarget& target) {
    const Program& p = engine.program();
    WhyNotReport report;
    if (target.tmpl >= p.templates.size()) return report;
    report.target = target_text(p, target);
    report.holds = target_holds(engine, target);
    if (report.holds) return report;
    const TemplateDef& t = p.templates[target.tmpl];
    for (const auto& rule : p.rules) {
        bool relevant = std::any_of(rule.actions.begin(), rule.actions.end(), [&](const Action& a) {
            return a.tmpl == target.tmpl &&
                   (t.is_score ? a.kind == ActionKind::Evidence
                               : a.kind == ActionKind::Conclude || a.kind == ActionKind::Assert);
        });
        if (relevant) report.rules.push_back(analyse_rule(engine, sm, rule, target, true));
    }
    return report;
}

std::string render_why_not(const WhyNotReport& report, const SourceManager& sm) {
    (void)sm;  // locations are resolved into the report; kept for renderers that will quote source lines
    std::string out = fmt::format("why not {}?\n", report.target);
    if (report.holds) return out + "  It holds: it is in working memory (use `why` to see how).\n";
    std::vector<const WhyNotRule*> cannot;
    std::size_t could = 0;
    for (const auto& r : report.rules) {
        if (!r.can_produce) {
            cannot.push_back(&r);
            continue;
        }
        ++could;
        out += fmt::format("  {} {}{}: {} of {} conditions matched\n", r.rule_kind, r.rule_name,
                           r.location.empty() ? "" : " (" + r.location + ")", r.conditions_matched, r.conditions_total);
        if (!r.failed_condition.empty()) out += fmt::format("    failed: {}\n", r.failed_condition);
        if (!r.failure.empty()) out += fmt::format("    because: {}\n", r.failure);
        if (!r.bindings.empty()) {
            std::string b;
            for (const auto& s : r.bindings) b += (b.empty() ? "" : ", ") + s;
            out += fmt::format("    with: {}\n", b);
        }
        if (!r.would_help.empty()) {
            out += "    would help:\n";
            for (const auto& h : r.would_help) out += fmt::format("      - {}\n", h);
        }
    }
    if (could == 0) out += "  No rule can conclude it.\n";
    if (!cannot.empty()) {
        out += "  Rules that conclude this template but never this fact:\n";
        for (const auto* r : cannot)
            out += fmt::format("    {} {}: {}\n", r->rule_kind, r->rule_name, r->cannot_because);
    }
    return out;
}

}  // namespace covenant
