// The consultation's question ranking (see consult.hpp). Steps:
//   1. slot uses   — every (template, slot) that a rule's pattern reads (binds or tests), over templates that describe
//                    one subject (`report subject`; an institution in the core packs): a template with a slot naming
//                    the subject (subject_link), or one whose `id` slot is joined to such a slot elsewhere in the rule
//                    (the subject template itself). Templates that rules
//                    conclude or assert are derived, never asked; score templates are the engine's.
//   2. missing     — a use is asked when the case has no fact of the template for the institution, or when every such
//                    fact still holds the slot's default (optional slots only); never when it is in `skipped`.
//   3. answers     — bool: false, true; `one of`: each value; numbers: the thresholds the rules compare the slot with
//                    (slot tests and `test` comparisons of a variable bound to it), just below, at (ints) and just
//                    above each; free symbols: the constants the rules name plus `other` (any other symbol).
//   4. decisiveness — each answer replayed on a scratch engine (given facts + the answer, run to quiescence); the
//                    number of distinct conclusion types (`report conclusion`) minus one, plus the spread (max - min)
//                    of every score of the subject. A new fact with several required slots is scored over
//                    representative values of the others (their answers, at most kMaxFills combinations) and averaged.
// Ties keep program order (the order in which the rules first read the slots).
#include "classify/consult.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "classify/classify.hpp"
#include "program/operators.hpp"

namespace covenant {

namespace {

// Representative values of a number slot are capped so that one question costs a bounded number of engine runs.
constexpr std::size_t kMaxAnswers = 9;
// Combinations of the other required slots of a new fact tried per answer.
constexpr std::size_t kMaxFills = 8;
// A scratch run that does not settle within this many firings is cut (the rules are then looping).
constexpr std::uint64_t kMaxFirings = 200'000;

struct SlotUse {
    TemplateId tmpl = 0;
    SlotIndex slot = 0;
    std::vector<std::string> rules;
    std::vector<Value> constants;  // what rules compare the slot with
};

// Per template, the slot that ties its facts to a subject, or -1 when the template is not about one.
struct KeySlots {
    std::vector<int> key;
};

bool derived_template(const Program& p, TemplateId t) {
    for (const auto& r : p.rules)
        for (const auto& a : r.actions)
            if (a.tmpl == t && (a.kind == ActionKind::Conclude || a.kind == ActionKind::Assert)) return true;
    return false;
}

template <typename F>
void for_each_pattern(const std::vector<Condition>& conds, F&& f) {
    for (const auto& c : conds) {
        if (c.kind == CondKind::Pattern || (c.kind == CondKind::Aggregate && c.agg != AggOp::Score)) f(c.pattern);
        if (c.kind == CondKind::Not || c.kind == CondKind::Exists) for_each_pattern(c.group, f);
    }
}

template <typename F>
void for_each_test(const std::vector<Condition>& conds, F&& f) {
    for (const auto& c : conds) {
        if (c.kind == CondKind::Test) f(c.test);
        if (c.kind == CondKind::Not || c.kind == CondKind::Exists) for_each_test(c.group, f);
    }
}

// The slot of a template other than the subject that names a subject (`report subject`), or -1.
int link_slot(const Program& p, const TemplateDef& t) {
    if (!p.report.subject || t.id == p.report.subject->tmpl) return -1;
    return subject_link(p, t);
}

KeySlots find_keys(const Program& p) {
    KeySlots k;
    k.key.assign(p.templates.size(), -1);
    for (const auto& t : p.templates) {
        if (t.is_score || derived_template(p, t.id)) continue;
        k.key[t.id] = link_slot(p, t);
    }
    // Templates with an `id` and no `institution` slot: keyed by `id` when a rule joins that id to an institution slot.
    for (const auto& r : p.rules) {
        std::set<VarId> at_institution;
        auto note_var = [&](const Pattern& pat) {
            int s = link_slot(p, p.templates[pat.tmpl]);
            if (s < 0) return;
            for (const auto& b : pat.binds)
                if (b.slot == s) at_institution.insert(b.var);
            for (const auto& test : pat.tests)
                if (test.slot == s && test.op == CmpOp::Eq)
                    for (const auto& o : test.values)
                        if (o.is_var) at_institution.insert(o.var);
        };
        for_each_pattern(r.conditions, note_var);
        for (const auto& a : r.actions) {
            if (a.kind != ActionKind::Conclude && a.kind != ActionKind::Assert) continue;
            int s = link_slot(p, p.templates[a.tmpl]);
            if (s >= 0 && static_cast<std::size_t>(s) < a.slots.size() && a.slots[s].kind == ExprKind::Var)
                at_institution.insert(a.slots[s].var);
        }
        // Evidence about PRED(?i) is about the institution when ?i is the first argument.
        for (const auto& a : r.actions)
            if (a.kind == ActionKind::Evidence && !a.slots.empty() && a.slots[0].kind == ExprKind::Var)
                at_institution.insert(a.slots[0].var);
        for_each_pattern(r.conditions, [&](const Pattern& pat) {
            const TemplateDef& t = p.templates[pat.tmpl];
            int id = t.slot_index("id");
            if (t.is_score || id < 0 || link_slot(p, t) >= 0 || derived_template(p, t.id)) return;
            for (const auto& b : pat.binds)
                if (b.slot == id && at_institution.count(b.var)) k.key[t.id] = id;
        });
    }
    return k;
}

void add_constant(SlotUse& u, const Value& v) {
    if (std::none_of(u.constants.begin(), u.constants.end(), [&](const Value& c) { return c == v; }))
        u.constants.push_back(v);
}

std::vector<SlotUse> find_uses(const Program& p, const KeySlots& keys) {
    std::vector<SlotUse> uses;
    auto use_of = [&](TemplateId t, SlotIndex s) -> SlotUse& {
        for (auto& u : uses)
            if (u.tmpl == t && u.slot == s) return u;
        uses.push_back({t, s, {}, {}});
        return uses.back();
    };
    auto add_rule = [](SlotUse& u, const std::string& name) {
        if (std::find(u.rules.begin(), u.rules.end(), name) == u.rules.end()) u.rules.push_back(name);
    };
    for (const auto& r : p.rules) {
        std::map<VarId, std::pair<TemplateId, SlotIndex>> bound_at;
        for_each_pattern(r.conditions, [&](const Pattern& pat) {
            int key = keys.key[pat.tmpl];
            if (key < 0) return;
            for (const auto& b : pat.binds) {
                if (b.slot == key) continue;
                add_rule(use_of(pat.tmpl, b.slot), r.name);
                bound_at[b.var] = {pat.tmpl, b.slot};
            }
            for (const auto& test : pat.tests) {
                if (test.slot == key) continue;
                SlotUse& u = use_of(pat.tmpl, test.slot);
                add_rule(u, r.name);
                if (test.part != ListPart::Whole) continue;  // a list pattern's constants are not the slot's values
                for (const auto& o : test.values)
                    if (!o.is_var) add_constant(u, o.constant);
            }
        });
        // `test ?d <= REGIME_MIX_HIGH` with ?d bound to membership.democracy_share: a threshold of that slot.
        std::function<void(const Expr&)> walk = [&](const Expr& e) {
            if (e.kind == ExprKind::Binary && e.args.size() == 2 && is_comparison(e.op)) {
                for (int side = 0; side < 2; ++side) {
                    const Expr& v = e.args[side];
                    const Expr& c = e.args[1 - side];
                    if (v.kind != ExprKind::Var || c.kind != ExprKind::Const) continue;
                    auto it = bound_at.find(v.var);
                    if (it != bound_at.end()) add_constant(use_of(it->second.first, it->second.second), c.value);
                }
            }
            for (const auto& a : e.args) walk(a);
        };
        for_each_test(r.conditions, walk);
    }
    return uses;
}

std::vector<Value> answers_for(const SlotDef& slot, const std::vector<Value>& constants) {
    std::vector<Value> out;
    if (slot.type == Type::Bool) return {Value::boolean(false), Value::boolean(true)};
    if (!slot.one_of.empty()) {
        for (SymbolId s : slot.one_of) out.push_back(Value::symbol(s));
        return out;
    }
    if (slot.type == Type::Int || slot.type == Type::Float) {
        std::vector<double> points;
        bool unit = true, non_negative = true;
        for (const auto& c : constants) {
            if (!c.is_number()) continue;
            double t = c.as_double();
            unit = unit && t >= 0 && t <= 1;
            non_negative = non_negative && t >= 0;
            if (slot.type == Type::Int) {
                points.insert(points.end(), {std::floor(t) - 1, std::round(t), std::ceil(t) + 1});
            } else {
                double d = std::fabs(t) <= 1 ? 0.05 : 0.05 * std::fabs(t);
                points.insert(points.end(), {t - d, t + d});
            }
        }
        if (slot.default_value && slot.default_value->is_number()) points.push_back(slot.default_value->as_double());
        for (double& x : points) {
            if (slot.type == Type::Float && unit) x = std::clamp(x, 0.0, 1.0);
            if (non_negative) x = std::max(x, 0.0);
            x = std::round(x * 1e6) / 1e6;  // 0.8 - 0.05 prints as 0.75, not 0.75000000000000011
        }
        std::sort(points.begin(), points.end());
        points.erase(std::unique(points.begin(), points.end()), points.end());
        if (points.size() > kMaxAnswers) {  // keep an even spread, both ends included
            std::vector<double> kept;
            for (std::size_t k = 0; k < kMaxAnswers; ++k)
                kept.push_back(points[k * (points.size() - 1) / (kMaxAnswers - 1)]);
            points = std::move(kept);
        }
        for (double x : points)
            out.push_back(slot.type == Type::Int ? Value::integer(static_cast<std::int64_t>(x)) : Value::real(x));
        return out;
    }
    if (slot.type == Type::Symbol) {
        for (const auto& c : constants)
            if (c.type == Type::Symbol) out.push_back(c);
        if (!out.empty()) out.push_back(Value::symbol("other"));
    }
    return out;
}

std::string answer_text(const Value& v) {
    return v.type == Type::Float ? fmt::format("{:.3g}", v.f) : to_source(v);
}

// One scenario's outcome for the institution.
struct Outcome {
    std::string type = "undetermined";
    std::vector<ScoreResult> scores;
};

class Scratch {
public:
    Scratch(const Program& p, std::string institution) : engine_(p), institution_(std::move(institution)) {}

    Outcome run(const std::vector<InitialFact>& facts) {
        engine_.reset();
        for (const auto& f : facts) engine_.assert_fact(f.tmpl, f.values, f.span);
        RunLimits limits;
        limits.max_firings = kMaxFirings;
        engine_.run(limits);
        Outcome o;
        for (auto& r : collect_results(engine_)) {
            if (r.institution != institution_) continue;
            o.type = r.architecture;
            o.scores = std::move(r.scores);
        }
        return o;
    }

private:
    Engine engine_;
    std::string institution_;
};

std::string effect_text(const Outcome& base, const Outcome& o) {
    std::vector<std::string> parts;
    if (o.type != base.type) parts.push_back(fmt::format("type {} -> {}", base.type, o.type));
    for (const auto& s : o.scores) {
        double before = 0;
        for (const auto& b : base.scores)
            if (b.predicate == s.predicate) before = b.value;
        if (std::fabs(before - s.value) > 1e-9)
            parts.push_back(fmt::format("{} {:.2f} -> {:.2f}", s.predicate, before, s.value));
    }
    if (parts.empty()) return "no change";
    std::string out;
    for (std::size_t k = 0; k < parts.size(); ++k) out += (k ? ", " : "") + parts[k];
    return out;
}

double spread(const std::vector<Outcome>& outcomes) {
    std::set<std::string> types;
    std::map<std::string, std::pair<double, double>> range;
    for (const auto& o : outcomes) {
        types.insert(o.type);
        for (const auto& s : o.scores) {
            auto [it, fresh] = range.try_emplace(s.predicate, s.value, s.value);
            if (!fresh) {
                it->second.first = std::min(it->second.first, s.value);
                it->second.second = std::max(it->second.second, s.value);
            }
        }
    }
    // A score missing from some outcome counts as 0 there (collect_results lists every predicate, so this is rare).
    double d = types.empty() ? 0 : static_cast<double>(types.size() - 1);
    for (const auto& [pred, r] : range) d += r.second - r.first;
    return d;
}

}  // namespace

std::vector<Question> rank_questions(const Program& program, const std::vector<InitialFact>& given,
                                     const std::string& institution_id,
                                     const std::vector<std::pair<TemplateId, SlotIndex>>& skipped) {
    std::vector<Question> out;
    KeySlots keys = find_keys(program);
    std::vector<SlotUse> uses = find_uses(program, keys);
    Value inst = Value::symbol(institution_id);

    auto about_institution = [&](const InitialFact& f) {
        int key = keys.key[f.tmpl];
        return key >= 0 && static_cast<std::size_t>(key) < f.values.size() && equal_for_match(f.values[key], inst);
    };
    auto is_skipped = [&](TemplateId t, SlotIndex s) {
        return std::find(skipped.begin(), skipped.end(), std::make_pair(t, s)) != skipped.end();
    };
    auto constants_of = [&](TemplateId t, SlotIndex s) {
        for (const auto& u : uses)
            if (u.tmpl == t && u.slot == s) return u.constants;
        return std::vector<Value>{};
    };

    Scratch scratch(program, to_display(inst));
    Outcome base = scratch.run(given);

    for (const auto& u : uses) {
        if (is_skipped(u.tmpl, u.slot)) continue;
        const TemplateDef& t = program.templates[u.tmpl];
        const SlotDef& slot = t.slots[u.slot];
        std::vector<std::size_t> existing;
        for (std::size_t k = 0; k < given.size(); ++k)
            if (given[k].tmpl == u.tmpl && about_institution(given[k])) existing.push_back(k);
        Question q;
        q.tmpl = u.tmpl;
        q.slot = u.slot;
        q.used_by = u.rules;
        q.default_answer = slot.default_value;
        q.new_fact = existing.empty();
        if (!q.new_fact) {
            if (!slot.default_value) continue;  // required: always given
            bool all_default = std::all_of(existing.begin(), existing.end(), [&](std::size_t k) {
                return given[k].values[u.slot] == *slot.default_value;
            });
            if (!all_default) continue;
        }
        q.answers = answers_for(slot, u.constants);
        if (q.answers.size() < 2) continue;  // nothing to choose between (a free string, a number no rule compares)

        // Fills for the other required slots of a new fact: every combination of their answers, capped.
        std::vector<std::vector<std::pair<SlotIndex, Value>>> fills{{}};
        if (q.new_fact) {
            bool fillable = true;
            for (SlotIndex s = 0; s < t.slots.size() && fillable; ++s) {
                if (s == u.slot || static_cast<int>(s) == keys.key[u.tmpl] || t.slots[s].default_value) continue;
                std::vector<Value> options = answers_for(t.slots[s], constants_of(u.tmpl, s));
                if (options.empty()) {
                    fillable = false;  // e.g. a conflict's `id`: an interview cannot invent the name of a thing
                    break;
                }
                q.other_required.push_back(s);
                q.other_answers.push_back(options);
                std::vector<std::vector<std::pair<SlotIndex, Value>>> next;
                for (const auto& f : fills)
                    for (const auto& v : options) {
                        auto g = f;
                        g.emplace_back(s, v);
                        next.push_back(std::move(g));
                    }
                if (next.size() > kMaxFills) {  // an even spread of the combinations
                    std::vector<std::vector<std::pair<SlotIndex, Value>>> kept;
                    for (std::size_t k = 0; k < kMaxFills; ++k)
                        kept.push_back(next[k * (next.size() - 1) / (kMaxFills - 1)]);
                    next = std::move(kept);
                }
                fills = std::move(next);
            }
            if (!fillable) continue;
        }

        std::string doc = t.doc.empty() ? "" : " (" + t.doc + ")";
        if (q.new_fact)
            q.text = fmt::format("{} of {}{}: {} {}?", t.name, institution_id, doc,
                                 slot.type == Type::Bool ? "is" : "what is", slot.name);
        else
            q.text = slot.type == Type::Bool
                         ? fmt::format("{} {}{}: is {} true?", t.name, institution_id, doc, slot.name)
                         : fmt::format("{} {}{}: what is its {}?", t.name, institution_id, doc, slot.name);

        double total = 0;
        for (std::size_t fi = 0; fi < fills.size(); ++fi) {
            std::vector<Outcome> outcomes;
            for (const auto& answer : q.answers) {
                std::vector<InitialFact> facts = given;
                if (q.new_fact) {
                    InitialFact f;
                    f.tmpl = u.tmpl;
                    for (const auto& s : t.slots) f.values.push_back(s.default_value.value_or(Value()));
                    f.values[static_cast<std::size_t>(keys.key[u.tmpl])] = inst;
                    f.values[u.slot] = answer;
                    for (const auto& [s, v] : fills[fi]) f.values[s] = v;
                    facts.push_back(std::move(f));
                } else {
                    for (std::size_t k : existing) facts[k].values[u.slot] = answer;
                }
                outcomes.push_back(scratch.run(facts));
                if (fi == 0) {
                    std::string with;
                    for (const auto& [s, v] : fills[fi])
                        with += (with.empty() ? " (with " : ", ") + t.slots[s].name + ": " + answer_text(v);
                    if (!with.empty()) with += ")";
                    q.effects.push_back(
                        fmt::format("{}{}: {}", answer_text(answer), with, effect_text(base, outcomes.back())));
                }
            }
            total += spread(outcomes);
        }
        q.decisiveness = total / static_cast<double>(fills.size());
        out.push_back(std::move(q));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Question& a, const Question& b) { return a.decisiveness > b.decisiveness + 1e-9; });
    return out;
}

}  // namespace covenant
