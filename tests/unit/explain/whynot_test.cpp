// Why-not: the first failing condition with its values, a blocking fact under `not`, a score gap with the evidence
// that would close it, rules that cannot give the target, and the same on the shipped SCO case.
#include <catch2/catch.hpp>

#include "explain/whynot.hpp"
#include "support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

const char* kRules = R"(
template inst { id: symbol, values_clause: bool = false, members: int = 0 }
template conflict { institution: symbol, active: bool }
template label { institution: symbol, kind: one of (big | peaceful | community | bloc) }

rule big "Large institutions" {
  when inst(id: ?i, members: ?m >= 10)
  then conclude label(institution: ?i, kind: big)
}
rule peaceful "No active conflict" {
  when inst(id: ?i)
       not conflict(institution: ?i, active: true)
  then conclude label(institution: ?i, kind: peaceful)
}
norm values_norm "A values clause" {
  when inst(id: ?i, values_clause: true)
  then evidence community(?i) 0.4 "values"
}
norm size_norm "Enough members" {
  when inst(id: ?i, members: ?m >= 5)
  then evidence community(?i) 0.2 "size"
}
rule community_label "A community score of at least 0.5" {
  when inst(id: ?i)
       ?c = score(community(?i))
       test ?c >= 0.5
  then conclude label(institution: ?i, kind: community)
}
)";

const char* kFacts = R"(facts:
  inst:
    - {id: a, members: 6}
    - {id: b, members: 3}
  conflict:
    - {institution: a, active: true}
)";

struct Small : Session {
    Small() : Session(kRules) {
        assert_all(facts_from_yaml("small.yaml", kFacts));
        engine->run();
    }
};

}  // namespace

TEST_CASE("why-not reports the slot test that failed on the closest fact", "[explain]") {
    Small s;
    WhyNotReport report = why_not(*s.engine, s.sm, s.target("label", {{"institution", sym("a")}, {"kind", sym("big")}}));
    REQUIRE_FALSE(report.holds);
    const WhyNotRule* big = s.rule_in(report, "big");
    REQUIRE(big != nullptr);
    CHECK(big->can_produce);
    CHECK(big->conditions_matched == 0);
    CHECK(big->conditions_total == 1);
    CHECK(contains(big->failed_condition, "inst(id: ?i, members: ?m >= 10)"));
    // The closest fact is a's (its id matches the pre-bound ?i), not b's.
    CHECK(contains(big->failure, "the closest is inst(id: a, members: 6, ...)"));
    CHECK(contains(big->failure, "members is 6, the rule needs >= 10"));
    CHECK(any_contains(big->bindings, "?i = a"));
    CHECK(contains(render_why_not(report, s.sm), "failed: inst(id: ?i, members: ?m >= 10)"));
}

TEST_CASE("why-not names the fact that blocks a not", "[explain]") {
    Small s;
    WhyNotReport report =
        why_not(*s.engine, s.sm, s.target("label", {{"institution", sym("a")}, {"kind", sym("peaceful")}}));
    const WhyNotRule* r = s.rule_in(report, "peaceful");
    REQUIRE(r != nullptr);
    CHECK(r->conditions_matched == 1);
    CHECK(contains(r->failed_condition, "not conflict("));
    CHECK(contains(r->failure, "blocked by conflict(institution: a, active: true)"));

    // For b, nothing blocks it: the target holds and no rule is analysed.
    WhyNotReport holds =
        why_not(*s.engine, s.sm, s.target("label", {{"institution", sym("b")}, {"kind", sym("peaceful")}}));
    CHECK(holds.holds);
    CHECK(holds.rules.empty());
}

TEST_CASE("why-not gives the score gap and the evidence rule that would close it", "[explain]") {
    Small s;
    WhyNotReport report =
        why_not(*s.engine, s.sm, s.target("label", {{"institution", sym("a")}, {"kind", sym("community")}}));
    const WhyNotRule* r = s.rule_in(report, "community_label");
    REQUIRE(r != nullptr);
    CHECK(r->conditions_matched == 2);
    CHECK(contains(r->failed_condition, "test ?c >= 0.5"));
    CHECK(contains(r->failure, "score community(a) = 0.2"));
    CHECK(contains(r->failure, "gap 0.3"));
    // values_norm has not contributed and would raise the score to 0.2 + 0.4 * 0.8 = 0.52; size_norm has contributed
    // already, so it is not offered.
    REQUIRE(r->would_help.size() == 1);
    CHECK(contains(r->would_help[0], "norm values_norm +0.40"));
    CHECK(contains(r->would_help[0], "would make score community(a) 0.52"));
    CHECK(contains(r->would_help[0], "values_clause is false, the rule needs true"));
}

TEST_CASE("why-not says which rules can never give the target", "[explain]") {
    Small s;
    WhyNotReport report = why_not(*s.engine, s.sm, s.target("label", {{"institution", sym("a")}, {"kind", sym("bloc")}}));
    REQUIRE(report.rules.size() == 3);  // big, peaceful and community_label all conclude label
    for (const auto& r : report.rules) {
        CHECK_FALSE(r.can_produce);
        CHECK(contains(r.cannot_because, "not bloc"));
    }
    CHECK(contains(s.rule_in(report, "big")->cannot_because, "it gives kind: big, not bloc"));
    CHECK(contains(render_why_not(report, s.sm), "No rule can conclude it."));
}

TEST_CASE("why-not on a score target lists each evidence rule", "[explain]") {
    Small s;
    const TemplateDef* score = s.program->find_score_template("community", 1);
    REQUIRE(score != nullptr);
    WhyNotTarget t;
    t.tmpl = score->id;
    t.slots = {sym("b"), Value::real(0.1)};
    WhyNotReport report = why_not(*s.engine, s.sm, t);
    CHECK_FALSE(report.holds);
    const WhyNotRule* size = s.rule_in(report, "size_norm");
    REQUIRE(size != nullptr);
    INFO(size->failure);
    CHECK(contains(size->failure, "members is 3, the rule needs >= 5"));
    // a has a contribution of 0.2: the score target community(a) >= 0.1 holds.
    t.slots = {sym("a"), Value::real(0.1)};
    CHECK(why_not(*s.engine, s.sm, t).holds);
}

TEST_CASE("why-not on the SCO case: community fails on the score test", "[explain]") {
    std::string src = COVENANT_SOURCE_DIR;
    Session s({src + "/rules/core/architecture.rules", src + "/rules/core/strain.rules"}, src + "/rules");
    s.assert_all(s.facts_from_disk(src + "/kb/cases/sco-2025.yaml"));
    s.engine->run();
    WhyNotReport report =
        why_not(*s.engine, s.sm, s.target("architecture", {{"institution", sym("sco")}, {"type", sym("community")}}));
    REQUIRE_FALSE(report.holds);
    const WhyNotRule* r = s.rule_in(report, "classify_community");
    REQUIRE(r != nullptr);
    CHECK(r->can_produce);
    CHECK(r->conditions_matched == 3);
    CHECK(contains(r->failed_condition, "test ?c >= LOGIC_PRESENT"));
    CHECK(contains(r->failure, "score community(sco) = "));
    CHECK(contains(r->failure, "score balance_of_power(sco) = "));
    CHECK(any_contains(r->bindings, "?i = sco"));
    // SCO has no values clause: the rule that rewards one is offered, with its own failing condition.
    CHECK(any_contains(r->would_help, "norm values_membership +0.35"));
    CHECK(any_contains(r->would_help, "values_clause is false"));
    // The other classification rules give other types.
    for (const char* other : {"classify_undetermined", "classify_balance_of_power", "classify_hybrid"}) {
        const WhyNotRule* o = s.rule_in(report, other);
        REQUIRE(o != nullptr);
        CHECK_FALSE(o->can_produce);
    }
    std::string text = render_why_not(report, s.sm);
    CHECK(contains(text, "why not architecture(institution: sco, type: community)?"));
    INFO(text);
    CHECK(contains(text, "rule classify_community ("));
    CHECK(contains(text, "architecture.rules:"));
}
