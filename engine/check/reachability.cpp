// W0004: rules that can never fire because a template they need can have no facts.
//
// A template is *provided* when a facts block holds one of its facts, a given fact file does, or a rule that can fire
// asserts or concludes one (an `evidence` action provides its score template). A rule can fire when every positive
// pattern of its conditions, and every pattern inside an `exists`, is on a provided template. Both sets grow
// together to their least fixpoint (a rule that asserts `b` only after matching `a` provides `b` only if `a` is
// provided), so chains of rules are followed however long they are.
//
// Deliberately conservative — a warning that cries wolf teaches people to ignore warnings: `not` patterns (true
// when nothing matches), `test`s (their values are unknown before a run) and aggregates (`count` of nothing is 0,
// and `score(...)` of nothing is 0.0, so both still fire) never make a rule unreachable. A `modify` keeps its fact's
// template and so provides nothing new; `retract` provides nothing.

#include "check/check.hpp"

namespace covenant {

namespace {

// The first condition of `conds` (searching `exists` groups too) whose pattern is on a template not yet provided.
const Pattern* blocking_pattern(const std::vector<Condition>& conds, const std::vector<bool>& provided) {
    for (const auto& c : conds) {
        if (c.kind == CondKind::Pattern && !provided[c.pattern.tmpl]) return &c.pattern;
        if (c.kind == CondKind::Exists)
            if (const Pattern* p = blocking_pattern(c.group, provided)) return p;
    }
    return nullptr;
}

bool provides(const Action& a) {
    return a.kind == ActionKind::Assert || a.kind == ActionKind::Conclude || a.kind == ActionKind::Evidence;
}

}  // namespace

void warn_rules_that_cannot_fire(const Program& program, const std::vector<TemplateId>& in_fact_files,
                                 DiagnosticSink& sink) {
    std::vector<bool> provided(program.templates.size(), false);
    for (const auto& f : program.facts) provided[f.tmpl] = true;
    for (TemplateId t : in_fact_files)
        if (t < provided.size()) provided[t] = true;

    std::vector<bool> fires(program.rules.size(), false);
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& rule : program.rules) {
            if (fires[rule.id] || blocking_pattern(rule.conditions, provided)) continue;
            fires[rule.id] = true;
            changed = true;
            for (const auto& a : rule.actions)
                if (provides(a)) provided[a.tmpl] = true;
        }
    }

    for (const auto& rule : program.rules) {
        if (fires[rule.id]) continue;
        const Pattern* p = blocking_pattern(rule.conditions, provided);
        const std::string& tmpl = program.templates[p->tmpl].name;
        // Rules that would provide the template but cannot fire themselves: the chain the reader has to follow.
        std::vector<std::pair<const Rule*, const Action*>> makers;
        for (const auto& other : program.rules)
            for (const auto& a : other.actions)
                if (provides(a) && a.tmpl == p->tmpl) makers.push_back({&other, &a});
        Diagnostic* d;
        if (makers.empty()) {
            d = sink.warning(p->span, Code::UnreachableRule,
                             "rule '{}' can never fire: no '{}' fact can exist (no rule asserts one, and no facts "
                             "block or given fact file holds one)",
                             rule.name, tmpl);
        } else {
            d = sink.warning(p->span, Code::UnreachableRule,
                             "rule '{}' can never fire: no '{}' fact can exist (the rules that assert one cannot "
                             "fire either, and no facts block or given fact file holds one)",
                             rule.name, tmpl);
            if (d)
                for (const auto& [maker, a] : makers)
                    d->notes.push_back(
                        {a->span, fmt::format("rule '{}' asserts one here, but cannot fire", maker->name)});
        }
    }
}

}  // namespace covenant
