// The run loop: limits, halt, run-time errors, print, expressions, reset.
#include <catch2/catch.hpp>

#include <sstream>

#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;
using R = RuleBuilder;

namespace {

// counter(n): ?f <- counter(n: ?n) => modify ?f (n: ?n + 1) — never stops on its own.
ProgramBuilder endless() {
    ProgramBuilder b;
    b.tmpl("counter", {"n"});
    auto& r = b.rule("tick");
    r.when(P("counter").eq("n", "?n").as("?f"))
        .modify("?f", {{"n", R::bin(ExprOp::Add, r.v("?n"), R::c(num(1)))}});
    b.fact("counter", {num(0)});
    return b;
}

}  // namespace

TEST_CASE("run: max firings stops cleanly and names the last rule", "[runtime]") {
    auto b = endless();
    Engine e(b.program);
    e.reset();
    auto r = e.run(RunLimits{10, {}, nullptr});
    CHECK(r.reason == StopReason::MaxFirings);
    CHECK(r.firings == 10);
    REQUIRE(r.last_rule.has_value());
    CHECK(b.program.rules[*r.last_rule].name == "tick");
    CHECK(facts_text(e, b.id("counter")) == S{"10"});
    // it can go on from where it stopped
    r = e.run(RunLimits{5, {}, nullptr});
    CHECK(facts_text(e, b.id("counter")) == S{"15"});
    CHECK(e.stats().firings == 15);
}

TEST_CASE("run: a timeout stops an endless program", "[runtime]") {
    auto b = endless();
    Engine e(b.program);
    e.reset();
    auto r = e.run(RunLimits{0, std::chrono::milliseconds(50), nullptr});
    CHECK(r.reason == StopReason::Timeout);
    CHECK(r.firings > 0);
    CHECK(e.facts_of(b.id("counter")).size() == 1);  // consistent working memory
}

TEST_CASE("run: the interrupt flag stops before the next firing", "[runtime]") {
    auto b = endless();
    Engine e(b.program);
    e.reset();
    volatile bool stop = true;
    auto r = e.run(RunLimits{0, {}, &stop});
    CHECK(r.reason == StopReason::Interrupted);
    CHECK(r.firings == 0);
}

TEST_CASE("run: halt finishes the firing's actions, then stops", "[runtime]") {
    ProgramBuilder b;
    b.tmpl("a", {"x"});
    b.tmpl("done", {"x"});
    auto& r = b.rule("stop");
    r.when(P("a").eq("x", "?x")).halt().assert_("done", {r.v("?x")});
    Engine e(b.program);
    e.assert_fact(b.id("a"), vals({num(1)}));
    e.assert_fact(b.id("a"), vals({num(2)}));
    auto res = e.run();
    CHECK(res.reason == StopReason::Halted);
    CHECK(res.firings == 1);
    CHECK(facts_text(e, b.id("done")) == S{"2"});  // depth: the newest match fired
    CHECK(e.run().firings == 1);
}

TEST_CASE("run: a run-time error skips the rest of the firing and stops", "[runtime]") {
    ProgramBuilder b;
    b.tmpl("a", {"x", "y"});
    b.tmpl("done", {"x"});
    auto& r = b.rule("divide");
    r.when(P("a").eq("x", "?x").eq("y", "?y"))
        .print(R::format({R::c(str("q=")), R::call(Builtin::Div, {r.v("?x"), r.v("?y")})}))
        .assert_("done", {r.v("?x")});
    Program& p = b.program;
    p.rules[0].actions[0].span = SourceSpan{1, 4, 7, 4, 20, 0, 0};
    Engine e(p);
    std::ostringstream out;
    e.set_output(out);
    e.assert_fact(b.id("a"), vals({num(7), num(2)}));
    CHECK(e.run().reason == StopReason::Quiescent);
    CHECK(out.str() == "q=3\n");
    e.assert_fact(b.id("a"), vals({num(1), num(0)}));
    auto res = e.run();
    CHECK(res.reason == StopReason::Error);
    REQUIRE(res.errors.size() == 1);
    std::string error = render_run_error(res.errors[0], e.sources());
    CHECK(error.find("E0301") != std::string::npos);
    CHECK(error.find("'divide'") != std::string::npos);
    CHECK(error.find("division by zero") != std::string::npos);
    CHECK(error.find(":4:7:") != std::string::npos);
    CHECK(facts_text(e, b.id("done")) == S{"7"});  // the failing firing asserted nothing
}

TEST_CASE("expressions: promotion, float division, builtins, short-circuit", "[runtime]") {
    ProgramBuilder b;
    b.tmpl("go", {});
    auto& r = b.rule("show");
    auto show = [&](Expr e) { r.print(R::format({std::move(e)})); };
    r.when(P("go"));
    show(R::bin(ExprOp::Add, R::c(num(2)), R::c(num(3))));                  // 5
    show(R::bin(ExprOp::Add, R::c(num(2)), R::c(real(0.5))));               // 2.5
    show(R::bin(ExprOp::Div, R::c(num(7)), R::c(num(2))));                  // 3.5
    show(R::call(Builtin::Div, {R::c(num(-7)), R::c(num(2))}));             // -3
    show(R::call(Builtin::Mod, {R::c(num(-7)), R::c(num(2))}));             // -1
    show(R::call(Builtin::Round, {R::c(real(2.5))}));                       // 3
    show(R::call(Builtin::Max, {R::c(num(1)), R::c(real(4.5)), R::c(num(3))}));  // 4.5
    show(R::call(Builtin::Sqrt, {R::c(num(16))}));                          // 4.0
    show(R::call(Builtin::Sym, {R::c(num(12))}));                           // 12 (a symbol)
    show(R::call(Builtin::Int, {R::c(str("42"))}));                         // 42
    // false and (1/0 > 0): the right side is never evaluated
    show(R::bin(ExprOp::And, R::c(Value::boolean(false)),
                R::bin(ExprOp::Gt, R::bin(ExprOp::Div, R::c(num(1)), R::c(num(0))), R::c(num(0)))));
    show(R::bin(ExprOp::Lt, R::c(sym("apple")), R::c(sym("banana"))));      // true
    Engine e(b.program);
    std::ostringstream out;
    e.set_output(out);
    e.assert_fact(b.id("go"), {});
    auto res = e.run();
    CHECK(res.reason == StopReason::Quiescent);
    CHECK(out.str() == "5\n2.5\n3.5\n-3\n-1\n3\n4.5\n4.0\n12\n42\nfalse\ntrue\n");
}

TEST_CASE("reset: clears working memory and asserts the initial facts again", "[runtime]") {
    auto b = endless();
    Engine e(b.program);
    e.reset();
    e.run(RunLimits{3, {}, nullptr});
    e.reset();
    CHECK(facts_text(e, b.id("counter")) == S{"0"});
    CHECK(e.justifications().empty());
    CHECK(e.agenda().size() == 1);
}

TEST_CASE("trace: asserts, retracts, activations and firings are reported", "[runtime]") {
    struct Counting : TraceListener {
        int asserts = 0, retracts = 0, added = 0, removed = 0, fires = 0;
        void on_assert(const FactView&) override { ++asserts; }
        void on_retract(const FactView&) override { ++retracts; }
        void on_activation(RuleId, std::span<const FactId>, bool a) override { (a ? added : removed)++; }
        void on_fire(std::uint64_t, RuleId, std::span<const FactId>) override { ++fires; }
    } t;
    auto b = endless();
    Engine e(b.program);
    e.set_trace(&t);
    e.reset();
    e.run(RunLimits{2, {}, nullptr});
    CHECK(t.asserts == 3);   // the initial fact, then one per modify
    CHECK(t.retracts == 2);
    CHECK(t.fires == 2);
    CHECK(t.added == 3);
    CHECK(t.removed == 0);   // fired activations leave the agenda by firing, not by removal
}

TEST_CASE("modify that changes nothing is a no-op (no self-retriggering)", "[runtime]") {
    ProgramBuilder b;
    b.tmpl("person", {"name", "born"});
    auto& r = b.rule("rename");
    r.when(P("person").eq("name", sym("bob")).as("?f")).modify("?f", {{"born", R::c(num(1976))}});
    Engine e(b.program);
    FactId bob = e.assert_fact(b.id("person"), vals({sym("bob"), num(1975)}));
    auto res = e.run(RunLimits{100, {}, nullptr});
    CHECK(res.reason == StopReason::Quiescent);
    CHECK(res.firings == 2);  // the first modify changes born; the second finds nothing to change
    CHECK_FALSE(e.is_live(bob));
    CHECK(facts_text(e, b.id("person")) == S{"bob,1976"});
    FactId now = e.facts_of(b.id("person"))[0];
    std::pair<SlotIndex, Value> same{1, num(1976)};
    CHECK(e.modify(now, std::span(&same, 1)) == now);
}
