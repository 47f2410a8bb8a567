// Consult follow-ups: a question whose new fact needs other required slots carries, for each of them, the answers to
// offer when the REPL asks it as a follow-up (Question::other_answers, parallel to other_required). The REPL keeps the
// first answer and asks these instead of dropping it (tests/transcripts/consult_follow_up.in).
#include <catch2/catch.hpp>

#include "classify/consult.hpp"
#include "explain/support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

// A membership needs both shares (no defaults); the rules compare each with a threshold.
const char* kRules = R"(
template institution { id: symbol, founded: int = 0 }
template membership { institution: symbol, share: float, largest: float, note: symbol = none }
template architecture { institution: symbol, type: one of (community | undetermined), subtype: one of (none) = none }
report subject institution
report conclusion architecture(type, subtype)

norm shared_values {
  when membership(institution: ?i, share: ?s, largest: ?l)
       test ?s >= 0.6
       test ?l <= 0.4
  then evidence community(?i) 0.7 "most members share values and none dominates"
}
rule classify_community {
  when institution(id: ?i)
       ?c = score(community(?i))
       test ?c >= 0.5
  then conclude architecture(institution: ?i, type: community)
}
)";

}  // namespace

TEST_CASE("consult gives the answers of each other required slot of a new fact", "[explain]") {
    Session s(kRules);
    auto given = s.facts_from_yaml("case.yaml", "facts:\n  institution:\n    - {id: x}\n");
    std::vector<Question> qs = rank_questions(*s.program, given, "x", {});
    const Program& p = *s.program;
    const Question* share = nullptr;
    for (const auto& q : qs)
        if (p.templates[q.tmpl].name == "membership" && p.templates[q.tmpl].slots[q.slot].name == "share") share = &q;
    REQUIRE(share != nullptr);
    CHECK(share->new_fact);
    REQUIRE(share->other_required.size() == 1);
    CHECK(p.templates[share->tmpl].slots[share->other_required[0]].name == "largest");
    // One list of answers per other required slot, never empty, around the threshold the rules compare it with.
    REQUIRE(share->other_answers.size() == share->other_required.size());
    REQUIRE_FALSE(share->other_answers[0].empty());
    bool below = false, above = false;
    for (const Value& v : share->other_answers[0]) {
        below = below || v.as_double() <= 0.4;
        above = above || v.as_double() > 0.4;
    }
    CHECK((below && above));
}
