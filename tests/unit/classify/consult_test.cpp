// Consult: the question ranking puts the slot that decides the type before one that changes nothing, skips answered
// and skipped slots, and offers a missing fact's slot with representative answers from the rules' thresholds.
#include <catch2/catch.hpp>

#include "classify/consult.hpp"
#include "explain/support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

// `budget` is read first in program order but only feeds a note; `defence` decides between two types; `openness`
// (a missing membership fact) moves the community score without changing the type.
const char* kRules = R"(
template institution { id: symbol, budget: int = 0, defence: bool = false, founded: int }
template membership { institution: symbol, openness: float }
template architecture { institution: symbol, type: one of (community | balance_of_power | hybrid | undetermined),
                        subtype: one of (none) = none }
template note { institution: symbol }
report subject institution
report conclusion architecture(type, subtype)

rule rich { when institution(id: ?i, budget: ?b >= 100) then conclude note(institution: ?i) }
interest defence_clause { when institution(id: ?i, defence: true) then evidence balance_of_power(?i) 0.6 "defence" }
norm open_members {
  when membership(institution: ?i, openness: ?o)
       test ?o >= 0.7
  then evidence community(?i) 0.1 "open"
}
rule classify_bop {
  when institution(id: ?i)
       ?b = score(balance_of_power(?i))
       test ?b >= 0.5
  then conclude architecture(institution: ?i, type: balance_of_power)
}
rule classify_undetermined {
  when institution(id: ?i)
       ?b = score(balance_of_power(?i))
       test ?b < 0.5
  then conclude architecture(institution: ?i, type: undetermined)
}
)";

const Question* find(const std::vector<Question>& qs, const Program& p, const char* tmpl, const char* slot) {
    for (const auto& q : qs)
        if (p.templates[q.tmpl].name == tmpl && p.templates[q.tmpl].slots[q.slot].name == slot) return &q;
    return nullptr;
}

}  // namespace

TEST_CASE("consult asks the decisive question first", "[explain]") {
    Session s(kRules);
    auto given = s.facts_from_yaml("case.yaml", "facts:\n  institution:\n    - {id: x, founded: 1990}\n");
    std::vector<Question> qs = rank_questions(*s.program, given, "x", {});
    REQUIRE(qs.size() == 3);
    const Program& p = *s.program;
    CHECK(p.templates[qs[0].tmpl].slots[qs[0].slot].name == "defence");
    CHECK(qs[0].decisiveness > 1.0);  // two types, and balance_of_power moves by 0.6
    CHECK(qs[0].answers.size() == 2);
    REQUIRE(qs[0].default_answer.has_value());
    CHECK(*qs[0].default_answer == Value::boolean(false));
    REQUIRE(qs[0].effects.size() == 2);
    CHECK(contains(qs[0].effects[1], "true: type undetermined -> balance_of_power"));
    CHECK(any_contains(qs[0].used_by, "defence_clause"));

    // The missing membership fact moves a score only; budget changes nothing that is classified.
    CHECK(p.templates[qs[1].tmpl].name == "membership");
    CHECK(qs[1].new_fact);
    CHECK(qs[1].decisiveness == Approx(0.1));
    // Answers straddle the 0.7 threshold of the rule's test.
    bool below = false, above = false;
    for (const auto& a : qs[1].answers) {
        below = below || a.as_double() < 0.7;
        above = above || a.as_double() >= 0.7;
    }
    CHECK((below && above));
    CHECK(p.templates[qs[2].tmpl].slots[qs[2].slot].name == "budget");
    CHECK(qs[2].decisiveness == Approx(0.0));
    for (const auto& e : qs[2].effects) CHECK(contains(e, "no change"));
    // `founded` is required (always given) and read by no rule: never asked.
    CHECK(find(qs, p, "institution", "founded") == nullptr);
}

TEST_CASE("consult skips answered and skipped slots", "[explain]") {
    Session s(kRules);
    auto given = s.facts_from_yaml("case.yaml", R"(facts:
  institution:
    - {id: x, founded: 1990, defence: true}
  membership:
    - {institution: x, openness: 0.9}
)");
    const TemplateDef* inst = s.program->find_template("institution");
    std::vector<std::pair<TemplateId, SlotIndex>> skipped{{inst->id, static_cast<SlotIndex>(inst->slot_index("budget"))}};
    std::vector<Question> qs = rank_questions(*s.program, given, "x", skipped);
    CHECK(qs.empty());
    // Another institution's facts do not answer x's questions.
    std::vector<Question> other = rank_questions(*s.program, given, "y", {});
    CHECK(find(other, *s.program, "membership", "openness") != nullptr);
}

TEST_CASE("consult on the SCO case asks for the missing membership figures", "[explain]") {
    std::string src = COVENANT_SOURCE_DIR;
    Session s({src + "/rules/core/architecture.rules", src + "/rules/core/strain.rules"}, src + "/rules");
    auto given = s.facts_from_disk(src + "/kb/cases/sco-2025.yaml");
    std::vector<Question> qs = rank_questions(*s.program, given, "sco", {});
    REQUIRE_FALSE(qs.empty());
    for (std::size_t k = 1; k < qs.size(); ++k) CHECK(qs[k - 1].decisiveness >= qs[k].decisiveness - 1e-9);
    const Question* share = find(qs, *s.program, "membership", "democracy_share");
    REQUIRE(share != nullptr);  // the case's left_out names it
    CHECK(share->new_fact);
    CHECK(share->decisiveness > 0);
    // decision_rule is given (consensus, a required slot): not asked.
    CHECK(find(qs, *s.program, "institution", "decision_rule") == nullptr);
    // The first question changes the type for at least one answer.
    CHECK(any_contains(qs[0].effects, "type "));
}
