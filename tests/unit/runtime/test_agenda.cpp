// Conflict resolution: the four strategies, salience, refraction and determinism.
#include <catch2/catch.hpp>

#include <sstream>

#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using Seq = std::vector<std::string>;

namespace {

// ra: a(?x), not block()      rb: b(?x)      rc: c(?x), b(?y)
ProgramBuilder strategy_program() {
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.tmpl("b", {"x"});
    b.tmpl("c", {"x"});
    b.tmpl("block", {});
    b.rule("ra").when(P("a").eq("x", "?x")).when_not(P("block"));
    b.rule("rb").when(P("b").eq("x", "?x"));
    b.rule("rc").when(P("c").eq("x", "?x")).when(P("b").eq("x", "?y"));
    return b;
}

// Facts, in this order (timestamps 1..5, ids 0..4): c1, block, a1, a2, b1; then block is retracted.
// Activations, in creation order:
//   seq1 rc(c1, b1)      recency [5, 1]   first 1     (b's alpha memory lists its later rule's join first)
//   seq2 rb(b1)          recency [5]      first 5
//   seq3 ra(a2)          recency [4]      first 4     (unblocked by the retraction: the negative node's tokens
//   seq4 ra(a1)          recency [3]      first 3      are walked newest first, as CLIPS walks a beta memory)
Seq fire_order(Strategy s) {
    auto b = strategy_program();
    Engine e(b.program);
    e.set_strategy(s);
    RecordingTrace trace;
    trace.program = &b.program;
    e.set_trace(&trace);
    e.assert_fact(b.id("c"), vals({num(1)}));
    FactId block = e.assert_fact(b.id("block"), {});
    e.assert_fact(b.id("a"), vals({num(1)}));
    e.assert_fact(b.id("a"), vals({num(2)}));
    e.assert_fact(b.id("b"), vals({num(1)}));
    e.retract(block);
    e.run();
    return trace.fired;
}

}  // namespace

TEST_CASE("strategy depth: newest activation first", "[runtime][agenda]") {
    CHECK(fire_order(Strategy::Depth) == Seq{"ra(2)", "ra(3)", "rb(4)", "rc(0,4)"});
}

TEST_CASE("strategy breadth: oldest activation first", "[runtime][agenda]") {
    CHECK(fire_order(Strategy::Breadth) == Seq{"rc(0,4)", "rb(4)", "ra(3)", "ra(2)"});
}

TEST_CASE("strategy lex: most recent facts first, longer list wins a tie", "[runtime][agenda]") {
    // rc [5,1] beats rb [5] (same first timestamp, longer), then ra(a2) [4], ra(a1) [3]
    CHECK(fire_order(Strategy::Lex) == Seq{"rc(0,4)", "rb(4)", "ra(3)", "ra(2)"});
}

TEST_CASE("strategy mea: first pattern's recency first", "[runtime][agenda]") {
    // first-pattern timestamps: rb 5, ra(a2) 4, ra(a1) 3, rc 1
    CHECK(fire_order(Strategy::Mea) == Seq{"rb(4)", "ra(3)", "ra(2)", "rc(0,4)"});
}

TEST_CASE("set_strategy re-orders the activations already on the agenda", "[runtime][agenda]") {
    auto b = strategy_program();
    Engine e(b.program);
    e.assert_fact(b.id("c"), vals({num(1)}));
    e.assert_fact(b.id("b"), vals({num(1)}));
    e.assert_fact(b.id("b"), vals({num(2)}));
    // creation order: rc(c1,b1), rb(b1), rc(c1,b2), rb(b2) -- each b fact reaches rc's join before rb's
    REQUIRE(e.agenda().size() == 4);
    CHECK(b.program.rules[e.agenda().front().rule].name == "rb");  // depth: the newest, rb(b2)
    CHECK(e.agenda().front().facts == std::vector<FactId>{2});
    e.set_strategy(Strategy::Breadth);  // the oldest, rc(c1,b1)
    CHECK(e.agenda().front().facts == std::vector<FactId>{0, 1});
    e.set_strategy(Strategy::Lex);  // rc(c1,b2): timestamps [3,1] beat rb(b2)'s [3] (longer)
    CHECK(e.agenda().front().facts == std::vector<FactId>{0, 2});
    e.set_strategy(Strategy::Mea);  // rb(b2) has the newest first fact
    CHECK(e.agenda().front().facts == std::vector<FactId>{2});
}

// Activations made by one change, at equal salience, are ordered as CLIPS 6.30 orders them (the expected orders
// below were derived from the propagation rules in agenda.hpp, and are also what CLIPS 6.30 prints for the same
// rules and facts).
TEST_CASE("ties: one fact activating several rules through a shared join", "[runtime][agenda]") {
    // r1, r2 and r3 share the joins of go() and a(?x); r2 adds b(?x). Per a-token the join's children are visited
    // latest rule first (r3, r2, r1), the a facts oldest first, so depth fires the newest a first and, for it, the
    // earliest rule first; breadth is the exact reverse.
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.tmpl("b", {"x"});
    b.tmpl("go", {});
    b.rule("r1").when(P("go")).when(P("a").eq("x", "?x"));
    b.rule("r2").when(P("go")).when(P("a").eq("x", "?x")).when(P("b").eq("x", "?x"));
    b.rule("r3").when(P("go")).when(P("a").eq("x", "?x"));
    auto order = [&](Strategy s) {
        Engine e(b.program);
        e.set_strategy(s);
        RecordingTrace trace;
        trace.program = &b.program;
        e.set_trace(&trace);
        e.assert_fact(b.id("a"), vals({num(1)}));  // 0
        e.assert_fact(b.id("a"), vals({num(2)}));  // 1
        e.assert_fact(b.id("b"), vals({num(1)}));  // 2
        e.assert_fact(b.id("b"), vals({num(2)}));  // 3
        e.assert_fact(b.id("go"), {});             // 4
        e.run();
        return trace.fired;
    };
    CHECK(order(Strategy::Depth) == Seq{"r1(4,1)", "r2(4,1,3)", "r3(4,1)", "r1(4,0)", "r2(4,0,2)", "r3(4,0)"});
    CHECK(order(Strategy::Breadth) == Seq{"r3(4,0)", "r2(4,0,2)", "r1(4,0)", "r3(4,1)", "r2(4,1,3)", "r1(4,1)"});
}

TEST_CASE("ties: a fact entering at a later pattern walks the tokens newest first", "[runtime][agenda]") {
    // go() is j's second pattern: its right activation makes j(a3), j(a2), j(a1) in that order, so depth fires
    // j(a1) first; k, defined before j, shares nothing with it and its activation is made after j's.
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.tmpl("go", {});
    b.rule("k").when(P("go")).when(P("a").eq("x", num(2)));
    b.rule("j").when(P("a").eq("x", "?x")).when(P("go"));
    Engine e(b.program);
    RecordingTrace trace;
    trace.program = &b.program;
    e.set_trace(&trace);
    for (int i = 1; i <= 3; ++i) e.assert_fact(b.id("a"), vals({num(i)}));  // 0, 1, 2
    e.assert_fact(b.id("go"), {});                                          // 3
    e.run();
    CHECK(trace.fired == Seq{"k(3,1)", "j(0,3)", "j(1,3)", "j(2,3)"});
}

TEST_CASE("salience beats every strategy; refraction fires a match once", "[runtime][agenda]") {
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.rule("low").salience(-10).when(P("a").eq("x", "?x"));
    b.rule("high").salience(10).when(P("a").eq("x", "?x"));
    b.rule("mid").when(P("a").eq("x", "?x"));
    for (Strategy s : {Strategy::Depth, Strategy::Breadth, Strategy::Lex, Strategy::Mea}) {
        Engine e(b.program);
        e.set_strategy(s);
        RecordingTrace trace;
        trace.program = &b.program;
        e.set_trace(&trace);
        e.assert_fact(b.id("a"), vals({num(1)}));
        auto r = e.run();
        CHECK(r.firings == 3);
        CHECK(trace.fired == Seq{"high(0)", "mid(0)", "low(0)"});
        CHECK(e.run().firings == 0);  // refraction
        CHECK(r.reason == StopReason::Quiescent);
    }
}

TEST_CASE("a match destroyed before it fires never fires", "[runtime][agenda]") {
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.rule("r").when(P("a").eq("x", "?x"));
    Engine e(b.program);
    FactId f = e.assert_fact(b.id("a"), vals({num(1)}));
    CHECK(e.agenda().size() == 1);
    e.retract(f);
    CHECK(e.agenda().empty());
    CHECK(e.run().firings == 0);
}

TEST_CASE("determinism: the same input gives the same firing trace", "[runtime][agenda]") {
    ProgramBuilder b;
    b.tmpl("parent", {"of", "is"});
    b.tmpl("ancestor", {"of", "is"});
    auto& direct = b.rule("direct");
    direct.when(P("parent").eq("of", "?x").eq("is", "?y")).assert_("ancestor", {direct.v("?x"), direct.v("?y")});
    auto& chain = b.rule("chain");
    chain.when(P("parent").eq("of", "?x").eq("is", "?y"))
        .when(P("ancestor").eq("of", "?y").eq("is", "?z"))
        .assert_("ancestor", {chain.v("?x"), chain.v("?z")});
    auto trace_of = [&](Strategy s) {
        Engine e(b.program);
        e.set_strategy(s);
        RecordingTrace trace;
        trace.program = &b.program;
        e.set_trace(&trace);
        for (int i = 0; i < 60; ++i) e.assert_fact(b.id("parent"), vals({num(i), num((i * 7 + 3) % 60)}));
        e.run();
        return trace.fired;
    };
    for (Strategy s : {Strategy::Depth, Strategy::Breadth, Strategy::Lex, Strategy::Mea}) {
        auto first = trace_of(s);
        CHECK(first.size() > 60);
        CHECK(first == trace_of(s));
    }
}

TEST_CASE("strategy names parse and print", "[runtime][agenda]") {
    for (Strategy s : {Strategy::Depth, Strategy::Breadth, Strategy::Lex, Strategy::Mea})
        CHECK(parse_strategy(strategy_name(s)) == s);
    CHECK_FALSE(parse_strategy("random").has_value());
}
