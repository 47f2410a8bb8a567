// The naive matcher (see naive_matcher.hpp): a backtracking search over one rule's conditions.
#include "naive_matcher.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>

#include "program/eval.hpp"

namespace covenant::testing {

namespace {

// The variables of one rule while its conditions are searched.
struct Env {
    std::vector<Value> values;
    std::vector<char> bound;
};

// docs/language.md §3.4, list patterns, read from the slot's value independently of the engine's list_part: the
// length, item i from the start or from the end, or what is left between the first `front` and the last `back`
// items. A part the list does not have is nullopt (no fact with such a list matches: its length test fails).
std::optional<Value> part_of(const Value& slot, ListPart part, std::uint16_t index) {
    if (part == ListPart::Whole) return slot;
    if (slot.type != Type::List) return std::nullopt;
    std::vector<Value> items(slot.items().begin(), slot.items().end());
    switch (part) {
        case ListPart::Length: return Value::integer(static_cast<std::int64_t>(items.size()));
        case ListPart::Item:
            if (index >= items.size()) return std::nullopt;
            return items[index];
        case ListPart::ItemFromEnd:
            if (index >= items.size()) return std::nullopt;
            std::reverse(items.begin(), items.end());
            return items[index];
        case ListPart::Rest: {
            std::size_t front = index % 256, back = index / 256;
            if (front + back > items.size()) return std::nullopt;
            std::vector<Value> kept;
            for (std::size_t k = front; k + back < items.size(); ++k) kept.push_back(items[k]);
            return Value::of_list(kept);
        }
        default: throw std::logic_error("unknown list part");
    }
}

// docs/language.md §5.1: `slot: v` equals v, `a | b` equals one of them, `!= a | b` equals none, `< v` (<=, >, >=)
// compares so, `has v` finds v among a list's items; values that cannot be compared (a symbol and a number) fail every ordering.
bool slot_test_holds(CmpOp op, const Value& slot, const std::vector<Value>& operands) {
    switch (op) {
        case CmpOp::Eq:
            for (const auto& o : operands)
                if (equal_for_match(slot, o)) return true;
            return false;
        case CmpOp::Ne:
            for (const auto& o : operands)
                if (equal_for_match(slot, o)) return false;
            return true;
        case CmpOp::Has: {  // `xs: has a | b`: some item of the list equals some value
            if (slot.type != Type::List) return false;
            for (const auto& item : slot.items())
                for (const auto& o : operands)
                    if (equal_for_match(item, o)) return true;
            return false;
        }
        default: {
            if (operands.size() != 1) throw std::logic_error("an ordering test with other than one value");
            bool comparable = false;
            int c = compare(slot, operands[0], comparable);
            if (!comparable) return false;
            if (op == CmpOp::Lt) return c < 0;
            if (op == CmpOp::Le) return c <= 0;
            if (op == CmpOp::Gt) return c > 0;
            return c >= 0;
        }
    }
}

class Search {
public:
    Search(const Program& p, const std::vector<NaiveFact>& facts) : p_(p) {
        by_tmpl_.resize(p.templates.size());
        for (const auto& f : facts) by_tmpl_.at(f.tmpl).push_back(&f);
    }

    void rule(const Rule& r, std::vector<NaiveMatch>& out) {
        Env env{std::vector<Value>(r.vars.size()), std::vector<char>(r.vars.size(), 0)};
        std::vector<FactId> positive;
        conditions(r, r.conditions, 0, env, &positive, [&] {
            NaiveMatch m;
            m.rule = r.id;
            m.facts = positive;
            Value unbound;
            unbound.type = Type::Any;  // as the engine reports a variable local to a group or an aggregate
            for (std::size_t v = 0; v < env.values.size(); ++v)
                m.bindings.push_back(env.bound[v] ? env.values[v] : unbound);
            out.push_back(std::move(m));
            return false;  // keep going: every match
        });
    }

private:
    using Then = std::function<bool()>;  // called per match of the rest; true stops the search

    // Matches conds[i..] in order under `env`, calling `then` for each complete match. `positive` (top level only)
    // collects the facts of positive patterns. Returns true when `then` asked to stop.
    bool conditions(const Rule& r, const std::vector<Condition>& conds, std::size_t i, Env& env,
                    std::vector<FactId>* positive, const Then& then) {
        if (i == conds.size()) return then();
        const Condition& c = conds[i];
        auto rest = [&] { return conditions(r, conds, i + 1, env, positive, then); };
        switch (c.kind) {
            case CondKind::Pattern:
                return pattern(c.pattern, env, [&](const NaiveFact& f) {
                    if (positive) positive->push_back(f.id);
                    bool stop = rest();
                    if (positive) positive->pop_back();
                    return stop;
                });
            case CondKind::Not:
            case CondKind::Exists: {
                // The group's own variables stay inside it: it is searched in a copy of the environment.
                Env inner = env;
                bool found = conditions(r, c.group, 0, inner, nullptr, [] { return true; });
                if (found != (c.kind == CondKind::Exists)) return false;
                return rest();
            }
            case CondKind::Test: {
                EvalError error;
                bool failed = false;
                if (!evaluate_test(c.test, env.values.data(), error, failed)) return false;
                return rest();
            }
            case CondKind::Aggregate: {
                std::optional<Value> value = aggregate(r, c, env);
                if (!value) return false;  // min, max, avg of nothing: the condition does not hold
                if (env.bound.at(c.result)) {
                    if (!equal_for_match(env.values[c.result], *value)) return false;
                    return rest();
                }
                env.values[c.result] = *value;
                env.bound[c.result] = 1;
                bool stop = rest();
                env.bound[c.result] = 0;
                return stop;
            }
        }
        return false;
    }

    // Each fact of the pattern's template, in id order, whose slots meet the pattern under `env`: binds the pattern's
    // new variables, calls `each`, unbinds them. Returns true when `each` asked to stop.
    template <typename Each>
    bool pattern(const Pattern& pat, Env& env, Each each) {
        for (const NaiveFact* f : by_tmpl_.at(pat.tmpl)) {
            std::vector<VarId> newly;
            bool ok = true;
            for (const auto& b : pat.binds) {
                std::optional<Value> part = part_of(f->values.at(b.slot), b.part, b.index);
                if (!part) {
                    ok = false;
                    break;
                }
                const Value& v = *part;
                if (env.bound.at(b.var)) {
                    if (!equal_for_match(env.values[b.var], v)) ok = false;
                    continue;
                }
                env.values[b.var] = v;
                env.bound[b.var] = 1;
                newly.push_back(b.var);
            }
            for (std::size_t k = 0; ok && k < pat.tests.size(); ++k) {
                const SlotTest& t = pat.tests[k];
                std::vector<Value> operands;
                for (const auto& o : t.values) {
                    if (o.is_var && !env.bound.at(o.var)) throw std::logic_error("a slot test reads an unbound variable");
                    operands.push_back(o.is_var ? env.values[o.var] : o.constant);
                }
                std::optional<Value> part = part_of(f->values.at(t.slot), t.part, t.index);
                ok = part && slot_test_holds(t.op, *part, operands);
            }
            if (ok && pat.fact_var != kNoVar) {
                env.values[pat.fact_var] = Value::integer(f->id);
                env.bound[pat.fact_var] = 1;
                newly.push_back(pat.fact_var);
            }
            bool stop = ok && each(*f);
            for (VarId v : newly) env.bound[v] = 0;
            if (stop) return true;
        }
        return false;
    }

    // docs/language.md §5.5, computed from all the facts: count and sum of nothing are 0, min/max/avg of nothing do
    // not exist, score is the value of the one score fact or 0.0. A sum is an int when every value is an int and the
    // result variable is not a float.
    std::optional<Value> aggregate(const Rule& r, const Condition& c, const Env& env) {
        Env inner = env;
        std::vector<Value> over;
        std::int64_t count = 0;
        pattern(c.pattern, inner, [&](const NaiveFact&) {
            ++count;
            if (c.over != kNoVar && inner.bound.at(c.over)) over.push_back(inner.values[c.over]);
            return false;
        });
        Type want = r.vars.at(c.result).type;
        auto as_result = [&](Value v) {
            return want == Type::Float && v.type == Type::Int ? Value::real(static_cast<double>(v.i)) : v;
        };
        bool all_int = true;
        std::int64_t int_sum = 0;
        double sum = 0;
        for (const auto& v : over) {
            if (v.type != Type::Int) all_int = false;
            else int_sum += v.i;
            sum += v.as_double();
        }
        auto less = [](const Value& a, const Value& b) {
            bool comparable = false;
            return compare(a, b, comparable) < 0;
        };
        switch (c.agg) {
            case AggOp::Count: return Value::integer(count);
            case AggOp::Sum:
                if (all_int && want != Type::Float) return Value::integer(int_sum);
                return Value::real(sum);
            case AggOp::Avg:
                if (over.empty()) return std::nullopt;
                return Value::real(sum / static_cast<double>(over.size()));
            case AggOp::Min:
                if (over.empty()) return std::nullopt;
                return as_result(*std::min_element(over.begin(), over.end(), less));
            case AggOp::Max:
                if (over.empty()) return std::nullopt;
                return as_result(*std::max_element(over.begin(), over.end(), less));
            case AggOp::Score:
                if (over.size() > 1) throw std::logic_error("two score facts for one proposition");
                return Value::real(over.empty() ? 0.0 : over[0].as_double());
            case AggOp::Collect: {
                // Every distinct displayed value, numbers first by value, then the rest by text; "v (k)" for k > 1.
                std::vector<std::pair<std::string, const Value*>> shown;
                for (const auto& v : over) shown.emplace_back(to_display(v), &v);
                auto before = [](const std::pair<std::string, const Value*>& a,
                                 const std::pair<std::string, const Value*>& b) {
                    bool an = a.second->is_number(), bn = b.second->is_number();
                    if (an != bn) return an;
                    if (an && a.second->as_double() != b.second->as_double())
                        return a.second->as_double() < b.second->as_double();
                    return a.first < b.first;
                };
                std::sort(shown.begin(), shown.end(), before);
                std::string text;
                for (std::size_t i = 0; i < shown.size();) {
                    std::size_t j = i;
                    while (j < shown.size() && shown[j].first == shown[i].first) ++j;
                    text += (text.empty() ? "" : ", ") + shown[i].first;
                    if (j - i > 1) text += " (" + std::to_string(j - i) + ")";
                    i = j;
                }
                return Value::string(text);
            }
        }
        return std::nullopt;
    }

    const Program& p_;
    std::vector<std::vector<const NaiveFact*>> by_tmpl_;
};

}  // namespace

std::vector<NaiveMatch> naive_matches(const Program& p, const std::vector<NaiveFact>& facts) {
    Search search(p, facts);
    std::vector<NaiveMatch> out;
    for (const auto& r : p.rules) search.rule(r, out);
    return out;
}

std::vector<NaiveFact> live_facts(const Engine& e) {
    std::vector<NaiveFact> out;
    for (FactId id : e.facts()) {
        FactView v = e.fact(id);
        out.push_back(NaiveFact{id, v.tmpl, std::vector<Value>(v.values.begin(), v.values.end())});
    }
    return out;
}

std::string match_text(const Program& p, RuleId rule, const std::vector<FactId>& facts,
                       const std::vector<Value>& bindings) {
    const Rule& r = p.rules.at(rule);
    std::string s = rule_label(r) + " [";
    for (std::size_t i = 0; i < facts.size(); ++i) s += (i ? " " : "") + std::to_string(facts[i]);
    s += "]";
    for (std::size_t v = 0; v < bindings.size() && v < r.vars.size(); ++v) {
        if (bindings[v].type == Type::Any) continue;
        s += " ?" + r.vars[v].name + "=" + to_source(bindings[v]);
    }
    return s;
}

}  // namespace covenant::testing
