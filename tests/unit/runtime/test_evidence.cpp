// Certainty-factor evidence: the MYCIN combination, score facts, retraction and re-matching.
#include <catch2/catch.hpp>

#include <algorithm>

#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;

TEST_CASE("combine_cf: MYCIN cases computed by hand", "[runtime][evidence]") {
    struct Case {
        double a, b, expected;
    };
    // both positive: a + b(1 - a); both negative: a + b(1 + a); mixed: (a + b) / (1 - min(|a|, |b|))
    const Case cases[] = {
        {0.6, 0.4, 0.76},                  // 0.6 + 0.4 * 0.4
        {-0.6, -0.4, -0.76},               // -0.6 - 0.4 * 0.4
        {0.6, -0.4, 0.2 / 0.6},            // 0.2 / (1 - 0.4) = 0.333...
        {-0.6, 0.4, -0.2 / 0.6},
        {0.35, 0.0, 0.35},
        {0.0, -0.5, -0.5},
        {1.0, 0.5, 1.0},                   // certainty absorbs
        {-1.0, -0.3, -1.0},
        {1.0, -0.5, 0.5 / 0.5},            // (1 - 0.5) / (1 - 0.5) = 1
        {1.0, -1.0, 0.0},                  // total conflict: the formula's 0/0, taken as 0
        {-1.0, 1.0, 0.0},
        {0.9, 0.9, 0.99},
    };
    for (const auto& c : cases) {
        INFO(c.a << " with " << c.b);
        CHECK(combine_cf(c.a, c.b) == Approx(c.expected).margin(1e-12));
        CHECK(combine_cf(c.b, c.a) == Approx(c.expected).margin(1e-12));  // commutative
    }
}

TEST_CASE("combine_cf: a fold is independent of the order of contributions", "[runtime][evidence]") {
    std::vector<double> w{0.3, 0.5, -0.2, 0.7, -0.45};
    std::sort(w.begin(), w.end());
    double reference = 0;
    bool first = true;
    do {
        double v = w[0];
        for (std::size_t i = 1; i < w.size(); ++i) v = combine_cf(v, w[i]);
        if (first) reference = v;
        first = false;
        CHECK(v == Approx(reference).margin(1e-12));
    } while (std::next_permutation(w.begin(), w.end()));
}

namespace {

// inst(id, a, b); norm_a gives 0.6 when a = true, norm_b 0.4 when b = true; classify concludes strong(?i) when
// score(community(?i)) >= 0.7.
ProgramBuilder evidence_program() {
    ProgramBuilder b;
    b.tmpl("inst", {"id", "a", "b"});
    b.tmpl("strong", {"id"});
    b.tmpl("reading", {"id", "value"});
    b.score_tmpl("community", 1);
    auto& na = b.rule("norm_a");
    na.when(P("inst").eq("id", "?i").eq("a", Value::boolean(true)))
        .evidence("community", {na.v("?i")}, RuleBuilder::c(real(0.6)), "a holds");
    auto& nb = b.rule("norm_b");
    nb.when(P("inst").eq("id", "?i").eq("b", Value::boolean(true)))
        .evidence("community", {nb.v("?i")}, RuleBuilder::c(real(0.4)), "b holds");
    auto& cl = b.rule("classify");
    cl.when(P("inst").eq("id", "?i"))
        .aggregate("?c", AggOp::Score, "", P("community/1").eq("arg1", "?i"))
        .test(RuleBuilder::bin(ExprOp::Ge, cl.v("?c"), RuleBuilder::c(real(0.7))))
        .conclude("strong", {cl.v("?i")});
    auto& rd = b.rule("reading");
    rd.when(P("inst").eq("id", "?i"))
        .aggregate("?c", AggOp::Score, "", P("community/1").eq("arg1", "?i"))
        .conclude("reading", {rd.v("?i"), rd.v("?c")});
    return b;
}

}  // namespace

TEST_CASE("evidence: contributions combine, retraction recomputes, score readers re-match", "[runtime][evidence]") {
    auto b = evidence_program();
    TemplateId community = b.id("community/1");
    Engine e(b.program);
    FactId n = e.assert_fact(b.id("inst"), vals({sym("nato"), Value::boolean(true), Value::boolean(true)}));
    e.run();
    CHECK(e.score(community, vals({sym("nato")})) == Approx(0.76));
    auto cs = e.contributions(community, vals({sym("nato")}));
    REQUIRE(cs.size() == 2);
    CHECK(cs[0].reason != cs[1].reason);
    CHECK(b.program.rules[e.justifications()[cs[0].justification].rule].name.rfind("norm_", 0) == 0);
    CHECK(facts_text(e, b.id("strong")) == S{"nato"});
    CHECK(facts_text(e, b.id("reading")) == S{"nato,0.76"});
    // exactly one score fact, owned by the engine
    auto scores = e.facts_of(community);
    REQUIRE(scores.size() == 1);
    CHECK(e.fact(scores[0]).origin == Origin::Score);
    CHECK(e.fact(scores[0]).supports.size() == 2);
    CHECK_FALSE(e.retract(scores[0]));

    // b no longer holds: its contribution is withdrawn and the score recomputed from what is left
    std::pair<SlotIndex, Value> change{2, Value::boolean(false)};
    n = e.modify(n, std::span(&change, 1));
    e.run();
    CHECK(e.score(community, vals({sym("nato")})) == Approx(0.6));
    CHECK(e.contributions(community, vals({sym("nato")})).size() == 1);
    CHECK(facts_text(e, b.id("strong")).empty());
    CHECK(facts_text(e, b.id("reading")) == S{"nato,0.6"});

    // nothing holds: the score fact goes and score() reads 0
    change = {1, Value::boolean(false)};
    n = e.modify(n, std::span(&change, 1));
    e.run();
    CHECK(e.score(community, vals({sym("nato")})) == 0.0);
    CHECK(e.facts_of(community).empty());
    CHECK(facts_text(e, b.id("reading")) == S{"nato,0.0"});
}

TEST_CASE("evidence: a single contribution is its own value; keys are per argument", "[runtime][evidence]") {
    ProgramBuilder b;
    b.tmpl("inst", {"id"});
    b.score_tmpl("community", 1);
    auto& r = b.rule("norm");
    r.when(P("inst").eq("id", "?i")).evidence("community", {r.v("?i")}, RuleBuilder::c(real(0.35)), "why");
    Engine e(b.program);
    e.assert_fact(b.id("inst"), vals({sym("nato")}));
    e.assert_fact(b.id("inst"), vals({sym("osce")}));
    e.run();
    CHECK(e.score(b.id("community/1"), vals({sym("nato")})) == Approx(0.35));
    CHECK(e.score(b.id("community/1"), vals({sym("osce")})) == Approx(0.35));
    CHECK(e.score(b.id("community/1"), vals({sym("eu")})) == 0.0);
    CHECK(e.facts_of(b.id("community/1")).size() == 2);
}

TEST_CASE("evidence: the same key twice in one firing counts once", "[runtime][evidence]") {
    ProgramBuilder b;
    b.tmpl("inst", {"id"});
    b.score_tmpl("community", 1);
    auto& r = b.rule("twice");
    r.when(P("inst").eq("id", "?i"))
        .evidence("community", {r.v("?i")}, RuleBuilder::c(real(0.5)), "first")
        .evidence("community", {r.v("?i")}, RuleBuilder::c(real(0.5)), "second");
    Engine e(b.program);
    FactId i = e.assert_fact(b.id("inst"), vals({sym("nato")}));
    e.run();
    CHECK(e.score(b.id("community/1"), vals({sym("nato")})) == Approx(0.5));
    REQUIRE(e.contributions(b.id("community/1"), vals({sym("nato")})).size() == 1);
    e.retract(i);
    CHECK(e.score(b.id("community/1"), vals({sym("nato")})) == 0.0);
    CHECK(e.facts_of(b.id("community/1")).empty());
}

TEST_CASE("evidence: a weight outside [-1, 1] computed at run time is an error", "[runtime][evidence]") {
    ProgramBuilder b;
    b.tmpl("inst", {"id", "w"});
    b.score_tmpl("community", 1);
    auto& r = b.rule("weighted");
    r.when(P("inst").eq("id", "?i").eq("w", "?w")).evidence("community", {r.v("?i")}, r.v("?w"), "");
    Engine e(b.program);
    e.assert_fact(b.id("inst"), vals({sym("ok"), real(-0.5)}));
    e.run();
    CHECK(e.score(b.id("community/1"), vals({sym("ok")})) == Approx(-0.5));
    e.assert_fact(b.id("inst"), vals({sym("bad"), real(1.5)}));
    auto res = e.run();
    CHECK(res.reason == StopReason::Error);
    REQUIRE(res.errors.size() == 1);
    std::string error = render_run_error(res.errors[0], e.sources());
    CHECK(error.find("E0301") != std::string::npos);
    CHECK(error.find("weighted") != std::string::npos);
    CHECK(e.score(b.id("community/1"), vals({sym("bad")})) == 0.0);
}
