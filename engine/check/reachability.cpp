// W0004: rules that can never fire because a template they need can have no facts, or no facts with the values the
// rule's constant slot constraints ask for.
//
// A template is *provided* when a facts block holds one of its facts, a given fact file does, or a rule that can fire
// asserts or concludes one (an `evidence` action provides its score template). A rule can fire when every positive
// pattern of its conditions, and every pattern inside an `exists`, can match. Both sets grow together to their least
// fixpoint (a rule that asserts `b` only after matching `a` provides `b` only if `a` is provided), so chains of rules
// are followed however long they are.
//
// A pattern on a provided template can match unless its constant slot constraints (`share: < 0.5`, `kind: a | b`:
// tests whose operands are all constants) rule out every fact that can exist. The facts of such a template come only
// from *sources*: the facts blocks' facts (every value known), the assert and conclude actions of rules that can fire
// (a slot given by a constant, or left to its default, is known; any other expression could give any value) and
// their modify actions on facts of the template (a changed slot given by a constant is known; every other slot keeps
// a value of unknown origin). The pattern can match when some source meets all its constant constraints, an unknown
// value meeting any constraint.
//
// Deliberately conservative — a warning that cries wolf teaches people to ignore warnings: `not` patterns (true
// when nothing matches), `test`s (their values are unknown before a run) and aggregates (`count` of nothing is 0,
// and `score(...)` of nothing is 0.0, so both still fire) never make a rule unreachable; constraints that name a
// variable are not looked at. Templates whose values the rules cannot know are never reported for their values: those
// of which a given fact file holds facts (a case file may hold any value), case templates (made from case headers),
// and score templates (their value is computed). A `modify` keeps its fact's template and so provides no template
// that was not provided; `retract` provides nothing.

#include <optional>

#include "check/check.hpp"
#include "program/semantics.hpp"

namespace covenant {

namespace {

bool provides(const Action& a) {
    return a.kind == ActionKind::Assert || a.kind == ActionKind::Conclude || a.kind == ActionKind::Evidence;
}

bool constant_test(const SlotTest& t) {
    for (const auto& o : t.values)
        if (o.is_var) return false;
    return !t.values.empty();
}

// One way a fact of a template can come to exist: per slot, its value when known (nullopt: any value could come).
struct Source {
    std::vector<std::optional<Value>> values;
    SourceSpan span;             // the fact or the action
    const Rule* rule = nullptr;  // the rule of the action; nullptr for a facts-block fact
    bool modify = false;         // the action is a modify
};

// The fact an assert or conclude action makes: the constants it gives (defaults included) are known.
Source action_source(const Rule& rule, const Action& a) {
    Source s{{}, a.span, &rule};
    for (const auto& e : a.slots)
        s.values.push_back(e.kind == ExprKind::Const ? std::optional<Value>(e.value) : std::nullopt);
    return s;
}

bool test_met(const SlotTest& t, const Source& s) {
    if (t.slot >= s.values.size() || !s.values[t.slot]) return true;
    std::vector<Value> operands;
    for (const auto& o : t.values) operands.push_back(o.constant);
    return slot_values_pass(t.op, list_part(*s.values[t.slot], t.part, t.index), operands);
}

bool source_meets(const Pattern& p, const Source& s) {
    for (const auto& t : p.tests)
        if (constant_test(t) && !test_met(t, s)) return false;
    return true;
}

// `share: < 0.5`, `kind: a | b`, `kind: != a | b`, as the constraint is written in a pattern.
std::string constraint_text(const TemplateDef& t, const SlotTest& test) {
    static constexpr const char* kOps[] = {"", "!= ", "< ", "<= ", "> ", ">= ", "has "};
    std::string values;
    for (const auto& o : test.values) values += (values.empty() ? "" : " | ") + to_source(o.constant);
    return fmt::format("{}: {}{}", slot_part_text(t.slots.at(test.slot).name, test.part, test.index),
                       kOps[static_cast<int>(test.op)], values);
}

// The template of the fact that `var` names in `rule` (bound by `?f <- pattern`), if any.
std::optional<TemplateId> fact_var_template(const std::vector<Condition>& conds, VarId var) {
    for (const auto& c : conds) {
        if (c.kind == CondKind::Pattern && c.pattern.fact_var == var) return c.pattern.tmpl;
        if (c.kind == CondKind::Exists || c.kind == CondKind::Not)
            if (auto t = fact_var_template(c.group, var)) return t;
    }
    return std::nullopt;
}

class Reachability {
public:
    Reachability(const Program& program, const std::vector<TemplateId>& in_fact_files)
        : program_(program),
          provided_(program.templates.size(), false),
          any_value_(program.templates.size(), false),
          sources_(program.templates.size()),
          fires_(program.rules.size(), false) {
        for (const auto& t : program.templates) any_value_[t.id] = t.is_score || t.is_case_template();
        for (TemplateId t : in_fact_files) {
            if (t >= provided_.size()) continue;
            provided_[t] = true;
            any_value_[t] = true;
        }
        for (const auto& f : program.facts) {
            provided_[f.tmpl] = true;
            Source s{{}, f.span, nullptr};
            for (const auto& v : f.values) s.values.emplace_back(v);
            sources_[f.tmpl].push_back(std::move(s));
        }
        for (bool changed = true; changed;) {
            changed = false;
            for (const auto& rule : program.rules) {
                if (fires_[rule.id] || blocking_pattern(rule.conditions)) continue;
                fires_[rule.id] = true;
                changed = true;
                add_sources(rule);
            }
        }
    }

    bool fires(RuleId r) const { return fires_[r]; }

    // The first condition of `conds` (searching `exists` groups too) whose pattern cannot match yet.
    const Pattern* blocking_pattern(const std::vector<Condition>& conds) const {
        for (const auto& c : conds) {
            if (c.kind == CondKind::Pattern && !can_match(c.pattern)) return &c.pattern;
            if (c.kind == CondKind::Exists)
                if (const Pattern* p = blocking_pattern(c.group)) return p;
        }
        return nullptr;
    }

    void report(const Rule& rule, DiagnosticSink& sink) const {
        const Pattern* p = blocking_pattern(rule.conditions);
        if (!provided_[p->tmpl]) report_template(rule, *p, sink);
        else report_values(rule, *p, sink);
    }

private:
    bool can_match(const Pattern& p) const {
        if (!provided_[p.tmpl]) return false;
        if (any_value_[p.tmpl]) return true;
        for (const auto& s : sources_[p.tmpl])
            if (source_meets(p, s)) return true;
        return false;
    }

    void add_sources(const Rule& rule) {
        for (const auto& a : rule.actions) {
            if (provides(a)) provided_[a.tmpl] = true;
            if (a.kind == ActionKind::Assert || a.kind == ActionKind::Conclude) {
                sources_[a.tmpl].push_back(action_source(rule, a));
            } else if (a.kind == ActionKind::Modify) {
                auto t = fact_var_template(rule.conditions, a.target);
                if (!t) continue;
                Source s{std::vector<std::optional<Value>>(program_.templates[*t].slots.size()), a.span, &rule, true};
                for (const auto& [slot, e] : a.changes)
                    if (slot < s.values.size() && e.kind == ExprKind::Const) s.values[slot] = e.value;
                sources_[*t].push_back(std::move(s));
            }
        }
    }

    // No fact of the template can exist at all.
    void report_template(const Rule& rule, const Pattern& p, DiagnosticSink& sink) const {
        const std::string& tmpl = program_.templates[p.tmpl].name;
        // Rules that would provide the template but cannot fire themselves: the chain the reader has to follow.
        std::vector<std::pair<const Rule*, const Action*>> makers;
        for (const auto& other : program_.rules)
            for (const auto& a : other.actions)
                if (provides(a) && a.tmpl == p.tmpl) makers.push_back({&other, &a});
        if (makers.empty()) {
            sink.warning(p.span, Code::UnreachableRule,
                         "rule '{}' can never fire: no '{}' fact can exist (no rule asserts one, and no facts "
                         "block or given fact file holds one)",
                         rule.name, tmpl);
            return;
        }
        Diagnostic* d = sink.warning(p.span, Code::UnreachableRule,
                                     "rule '{}' can never fire: no '{}' fact can exist (the rules that assert one "
                                     "cannot fire either, and no facts block or given fact file holds one)",
                                     rule.name, tmpl);
        if (d)
            for (const auto& [maker, a] : makers)
                d->notes.push_back({a->span, fmt::format("rule '{}' asserts one here, but cannot fire", maker->name)});
    }

    // Facts of the template can exist, but none that meets the pattern's constant constraints.
    void report_values(const Rule& rule, const Pattern& p, DiagnosticSink& sink) const {
        const TemplateDef& t = program_.templates[p.tmpl];
        // Name the one constraint that no source meets, when there is one; otherwise they fail only together.
        const SlotTest* culprit = nullptr;
        std::string constraints;
        for (const auto& test : p.tests) {
            if (!constant_test(test)) continue;
            constraints += (constraints.empty() ? "`" : "`, `") + constraint_text(t, test);
            bool met = false;
            for (const auto& s : sources_[p.tmpl]) met = met || test_met(test, s);
            if (!met && !culprit) culprit = &test;
        }
        constraints += "`";
        std::string what = culprit ? fmt::format("`{}`", constraint_text(t, *culprit)) : "all of " + constraints;
        const char* it = culprit ? "it" : "them";
        SourceSpan at = culprit && culprit->span.valid() ? culprit->span : p.span;
        Diagnostic* d = sink.warning(at, Code::UnreachableRule,
                                     "rule '{}' can never fire: no '{}' fact can meet {} (no fact in the facts blocks "
                                     "meets {}, no rule that can fire makes one that could, and no given fact file "
                                     "holds '{}' facts)",
                                     rule.name, t.name, what, it, t.name);
        if (!d) return;
        // Where the facts that do exist come from: the first few, so that a large facts block does not flood the
        // report.
        constexpr std::size_t kShown = 4;
        const auto& sources = sources_[p.tmpl];
        for (std::size_t i = 0; i < sources.size() && i < kShown; ++i) {
            const Source& s = sources[i];
            std::string note = !s.rule   ? fmt::format("this '{}' fact does not meet {}", t.name, it)
                               : s.modify ? fmt::format("rule '{}' modifies one here, not so that it meets {}",
                                                        s.rule->name, it)
                                          : fmt::format("rule '{}' makes one here, which does not meet {}",
                                                        s.rule->name, it);
            d->notes.push_back({s.span, std::move(note)});
        }
        if (sources.size() > kShown)
            d->notes.push_back({sources[kShown].span,
                                fmt::format("and {} more facts or actions here and after, none meeting {}",
                                            sources.size() - kShown, it)});
        // Actions that would make a fitting fact, in rules that cannot fire.
        for (const auto& other : program_.rules) {
            if (fires_[other.id]) continue;
            for (const auto& a : other.actions) {
                if ((a.kind != ActionKind::Assert && a.kind != ActionKind::Conclude) || a.tmpl != p.tmpl) continue;
                if (source_meets(p, action_source(other, a)))
                    d->notes.push_back(
                        {a.span, fmt::format("rule '{}' could make one here, but cannot fire", other.name)});
            }
        }
    }

    const Program& program_;
    std::vector<bool> provided_;
    std::vector<bool> any_value_;           // values unknowable: never reported for a constraint
    std::vector<std::vector<Source>> sources_;
    std::vector<bool> fires_;
};

}  // namespace

void warn_rules_that_cannot_fire(const Program& program, const std::vector<TemplateId>& in_fact_files,
                                 DiagnosticSink& sink) {
    Reachability reach(program, in_fact_files);
    for (const auto& rule : program.rules)
        if (!reach.fires(rule.id)) reach.report(rule, sink);
}

}  // namespace covenant
