// "Why not": for a conclusion that was NOT reached, every rule that could have concluded it, how far its match got,
// the first condition that failed and with which values, the fact that blocks a `not`, or the missing facts; for a
// threshold on a score, the gap between the score and the threshold and which evidence would close it.
//
// Method (after the provenance work of Zhao, Subotić & Scholz, TOPLAS 2020, adapted to production rules): unify the
// target with each rule's conclude/assert/evidence actions to pre-bind variables, then search the rule's conditions
// left to right over working memory (backtracking), keeping the deepest prefix that has a match; the condition after
// it is the one that failed. Read-only: it never changes the engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/source.hpp"
#include "runtime/engine.hpp"

namespace covenant {

// The conclusion asked about: a template (or a score predicate) and the slot values the user fixed; unfixed slots
// match anything. For a score template the slots are the predicate's arguments then `value`: the target holds when a
// score fact with those arguments exists (it has a contribution) and, if `value` is fixed, is at least that value.
struct WhyNotTarget {
    TemplateId tmpl = 0;
    std::vector<std::optional<Value>> slots;  // one per slot of tmpl
};

struct WhyNotRule {
    RuleId rule = 0;
    std::string rule_name;              // filled from the program, so the report renders without it
    std::string rule_kind;              // rule, norm, criterion, interest
    std::string location;               // file:line of the rule
    bool can_produce = true;            // false: the rule's action can never give the target (e.g. another type)
    std::string cannot_because;         // when !can_produce, in words
    std::size_t conditions_matched = 0; // length of the longest matching prefix
    std::size_t conditions_total = 0;
    std::string failed_condition;       // the first condition without a match, as source text
    SourceSpan failed_span;
    std::string failure;                // in words: "no person fact with name: ann",
                                        // "values_clause is false, the rule needs true",
                                        // "blocked by conflict(...)", "score trust(ann) = 0.35, needs >= 0.6
                                        // (gap 0.25)"
    std::vector<std::string> bindings;  // "?p = ann" at the point of failure
    std::vector<std::string> would_help;  // evidence rules that could close a score gap, with their weights
    bool search_cut = false;            // the step limit cut the search: a deeper match may exist
};

struct WhyNotReport {
    std::string target;           // as source text
    bool holds = false;           // the conclusion is in fact true (then `rules` is empty)
    std::vector<WhyNotRule> rules;  // rules that could conclude it, in program order
};

WhyNotReport why_not(const Engine& engine, const SourceManager& sm, const WhyNotTarget& target);
std::string render_why_not(const WhyNotReport& report, const SourceManager& sm);

}  // namespace covenant
