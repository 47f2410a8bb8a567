// Truth maintenance: logical support through `conclude`, chains, cycles, unconditional facts.
#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;

namespace {

// One-slot templates x, y, a, b, c and rules concluding one from another.
ProgramBuilder chain_program(const std::vector<std::pair<std::string, std::string>>& links) {
    ProgramBuilder b;
    for (const char* t : {"x", "y", "a", "b", "c"}) b.tmpl(t, {"v"});
    for (const auto& [from, to] : links) {
        auto& r = b.rule(from + "_to_" + to);
        r.when(P(from).eq("v", "?v")).conclude(to, {r.v("?v")});
    }
    return b;
}

}  // namespace

TEST_CASE("tms: a chain A -> B -> C goes when A goes", "[runtime][tms]") {
    auto b = chain_program({{"a", "b"}, {"b", "c"}});
    Engine e(b.program);
    FactId a = e.assert_fact(b.id("a"), vals({num(1)}));
    e.run();
    REQUIRE(facts_text(e, b.id("c")) == S{"1"});
    auto c = e.facts_of(b.id("c"));
    FactView cv = e.fact(c[0]);
    CHECK(cv.origin == Origin::Concluded);
    REQUIRE(cv.supports.size() == 1);
    const Justification& j = e.justifications()[cv.supports[0]];
    CHECK(b.program.rules[j.rule].name == "b_to_c");
    CHECK(j.facts == e.facts_of(b.id("b")));
    CHECK(j.bindings.at(0) == num(1));

    e.retract(a);
    CHECK(e.facts_of(b.id("b")).empty());
    CHECK(e.facts_of(b.id("c")).empty());
}

TEST_CASE("tms: a fact with two supports stays until both go", "[runtime][tms]") {
    auto b = chain_program({{"a", "c"}, {"b", "c"}});
    Engine e(b.program);
    FactId a = e.assert_fact(b.id("a"), vals({num(1)}));
    FactId bb = e.assert_fact(b.id("b"), vals({num(1)}));
    e.run();
    REQUIRE(e.facts_of(b.id("c")).size() == 1);
    CHECK(e.fact(e.facts_of(b.id("c"))[0]).supports.size() == 2);
    e.retract(a);
    CHECK(e.facts_of(b.id("c")).size() == 1);
    e.retract(bb);
    CHECK(e.facts_of(b.id("c")).empty());
}

TEST_CASE("tms: a concluded fact that is also given or asserted stays", "[runtime][tms]") {
    auto b = chain_program({{"a", "c"}});
    Engine e(b.program);
    FactId a = e.assert_fact(b.id("a"), vals({num(1)}));
    e.run();
    // given after being concluded: it becomes unconditional
    e.assert_fact(b.id("c"), vals({num(1)}));
    e.retract(a);
    CHECK(facts_text(e, b.id("c")) == S{"1"});
    CHECK(e.fact(e.facts_of(b.id("c"))[0]).origin == Origin::Given);

    // given first, then concluded too
    e.assert_fact(b.id("c"), vals({num(2)}));
    FactId a2 = e.assert_fact(b.id("a"), vals({num(2)}));
    e.run();
    e.retract(a2);
    CHECK(facts_text(e, b.id("c")) == S{"1", "2"});
}

TEST_CASE("tms: a support cycle with no outside support goes entirely", "[runtime][tms]") {
    // x -> a, a -> b, b -> a: after x goes, a and b only support each other
    auto b = chain_program({{"x", "a"}, {"a", "b"}, {"b", "a"}});
    Engine e(b.program);
    FactId x = e.assert_fact(b.id("x"), vals({num(1)}));
    e.run();
    REQUIRE(facts_text(e, b.id("a")) == S{"1"});
    REQUIRE(facts_text(e, b.id("b")) == S{"1"});
    CHECK(e.fact(e.facts_of(b.id("a"))[0]).supports.size() == 2);  // from x and from b
    e.retract(x);
    CHECK(e.facts_of(b.id("a")).empty());
    CHECK(e.facts_of(b.id("b")).empty());
}

TEST_CASE("tms: a cycle with another outside support stays until that goes", "[runtime][tms]") {
    // x -> a, y -> b, a -> b, b -> a
    auto b = chain_program({{"x", "a"}, {"y", "b"}, {"a", "b"}, {"b", "a"}});
    Engine e(b.program);
    FactId x = e.assert_fact(b.id("x"), vals({num(1)}));
    FactId y = e.assert_fact(b.id("y"), vals({num(1)}));
    e.run();
    e.retract(x);
    CHECK(facts_text(e, b.id("a")) == S{"1"});  // still founded through y -> b -> a
    CHECK(facts_text(e, b.id("b")) == S{"1"});
    e.retract(y);
    CHECK(e.facts_of(b.id("a")).empty());
    CHECK(e.facts_of(b.id("b")).empty());
}

TEST_CASE("tms: a longer cycle through a chain goes too", "[runtime][tms]") {
    // x -> a -> b -> c -> a
    auto b = chain_program({{"x", "a"}, {"a", "b"}, {"b", "c"}, {"c", "a"}});
    Engine e(b.program);
    FactId x = e.assert_fact(b.id("x"), vals({num(7)}));
    e.run();
    REQUIRE(e.facts_of(b.id("c")).size() == 1);
    e.retract(x);
    CHECK(e.facts_of(b.id("a")).empty());
    CHECK(e.facts_of(b.id("b")).empty());
    CHECK(e.facts_of(b.id("c")).empty());
}

TEST_CASE("tms: a conclusion that destroys its own match is withdrawn", "[runtime][tms]") {
    // a(?v), not c(?v) -> conclude c(?v): the conclusion removes its own support (CLIPS gives the same result)
    ProgramBuilder b;
    b.tmpl("a", {"v"});
    b.tmpl("c", {"v"});
    auto& r = b.rule("self_defeating");
    r.when(P("a").eq("v", "?v")).when_not(P("c").eq("v", "?v")).conclude("c", {r.v("?v")});
    Engine e(b.program);
    e.assert_fact(b.id("a"), vals({num(1)}));
    auto res = e.run(RunLimits{100, {}, nullptr});
    CHECK(res.reason == StopReason::MaxFirings);  // it oscillates: the fact appears and vanishes
    CHECK(e.stats().facts_asserted > 2);
}

TEST_CASE("asserted facts are unconditional and remember the firing that made them", "[runtime][tms]") {
    ProgramBuilder b;
    b.tmpl("a", {"v"});
    b.tmpl("c", {"v"});
    auto& r = b.rule("make");
    r.when(P("a").eq("v", "?v")).assert_("c", {r.v("?v")});
    Engine e(b.program);
    FactId a = e.assert_fact(b.id("a"), vals({num(1)}));
    e.run();
    e.retract(a);
    auto cs = e.facts_of(b.id("c"));
    REQUIRE(cs.size() == 1);
    FactView v = e.fact(cs[0]);
    CHECK(v.origin == Origin::Asserted);
    REQUIRE(v.supports.size() == 1);
    CHECK(e.justifications()[v.supports[0]].facts == std::vector<FactId>{a});
}

TEST_CASE("tms: a conclusion after the firing destroyed its own match is not made", "[runtime][tms]") {
    ProgramBuilder b;
    b.tmpl("a", {"v"});
    b.tmpl("c", {"v"});
    b.tmpl("d", {"v"});
    auto& r = b.rule("consume");
    r.when(P("a").eq("v", "?v").as("?f")).assert_("d", {r.v("?v")}).retract("?f").conclude("c", {r.v("?v")});
    Engine e(b.program);
    e.assert_fact(b.id("a"), vals({num(1)}));
    e.run();
    CHECK(facts_text(e, b.id("d")) == S{"1"});  // unconditional, made before the retract
    CHECK(e.facts_of(b.id("c")).empty());        // its support was already gone
    CHECK(e.facts_of(b.id("a")).empty());
}

TEST_CASE("tms: a group with a test inside not (...)", "[runtime][tms][rete]") {
    ProgramBuilder b;
    b.tmpl("item", {"owner", "v"});
    b.tmpl("owner", {"name"});
    b.tmpl("all_small", {"name"});
    auto& r = b.rule("all_small");
    r.when(P("owner").eq("name", "?o"));
    // not (item(owner: ?o, v: ?v), test ?v > 10)
    Condition grp;
    grp.kind = CondKind::Not;
    Condition item;
    item.kind = CondKind::Pattern;
    item.pattern.tmpl = b.id("item");
    item.pattern.tests.push_back(SlotTest{0, CmpOp::Eq, {Operand{true, {}, r.var("?o"), {}}}, {}});
    VarId v = r.var("?v");
    item.pattern.binds.push_back(SlotBind{1, v, {}});
    Condition test;
    test.kind = CondKind::Test;
    test.test = RuleBuilder::bin(ExprOp::Gt, r.v("?v"), RuleBuilder::c(num(10)));
    grp.group = {item, test};
    b.program.rules[0].conditions.push_back(grp);
    r.conclude("all_small", {r.v("?o")});
    Engine e(b.program);
    e.assert_fact(b.id("owner"), vals({sym("ann")}));
    e.assert_fact(b.id("item"), vals({sym("ann"), num(5)}));
    e.run();
    CHECK(facts_text(e, b.id("all_small")) == S{"ann"});
    FactId big = e.assert_fact(b.id("item"), vals({sym("ann"), num(50)}));
    CHECK(e.facts_of(b.id("all_small")).empty());
    e.retract(big);
    e.run();
    CHECK(facts_text(e, b.id("all_small")) == S{"ann"});
}
