// User functions, constant expressions (constants from constants, salience, slot-constraint values, facts) and
// if(): checked and run end to end from rule-language text. The expected values are computed by hand in the test.
#include <catch2/catch.hpp>

#include <sstream>

#include <fmt/format.h>

#include "program/eval.hpp"
#include "rules_text.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;

namespace {

// The run's printed output, or the rendered diagnostics when the text does not check.
std::string run_text(const std::string& text) {
    auto l = compile_rules(text);
    if (!l->program) return render_all(l->sink, l->sm);
    Engine e(*l->program);
    RunResult r;
    std::string out = run_printed(e, &r);
    if (r.reason != StopReason::Quiescent) out += "stopped\n";
    for (const auto& d : r.errors) out += d.message + "\n";
    return out;
}

}  // namespace

TEST_CASE("functions: recursion, if(), typed parameters, calls in tests and actions", "[runtime][functions]") {
    std::string out = run_text(R"(
function fact(?n: int): int = if(?n <= 1, 1, ?n * fact(?n - 1))
function share "part of a whole" (?part: float, ?whole: float) = ?part / ?whole
function big(?x: int) = ?x > 100
template t { x: int }
template r { x: int, f: int, s: float }
facts { t(x: 5) t(x: 200) t(x: 3) }
rule keep {
  when t(x: ?x)
       test not big(?x)
  then conclude r(x: ?x, f: fact(?x), s: share(?x, 4))
}
rule show salience -1 {
  when r(x: ?x, f: ?f, s: ?s)
  then print "{?x} {?f} {?s:.2f}"
}
)");
    // The agenda order of equal-salience activations is not the point here: compare as a set of lines.
    CHECK(lines_of(out) == S{"5 120 1.25", "3 6 0.75"});
}

TEST_CASE("functions: unbounded recursion is a run-time error, not a crash", "[runtime][functions]") {
    std::string out = run_text(R"(
function down(?n: int): int = down(?n - 1)
template t { x: int }
facts { t(x: 1) }
rule r { when t(x: ?x) test down(?x) > 0 then print "never" }
)");
    CHECK(out.find("stopped") != std::string::npos);
    CHECK(out.find(fmt::format("nest more than {} deep", kMaxCallDepth)) != std::string::npos);
    CHECK(out.find("never") == std::string::npos);
}

TEST_CASE("functions: a declared type is enforced at run time where the checker cannot see it", "[runtime][functions]") {
    // if() with an int and a float branch has no static type; the float reaches an int parameter at run time.
    std::string out = run_text(R"(
function inc(?n: int): int = ?n + 1
template t { x: symbol }
facts { t(x: a) }
rule r { when t(x: ?x) test inc(if(?x == a, 1.5, 2)) > 0 then print "never" }
)");
    CHECK(out.find("parameter ?n of inc() is declared int, got float 1.5") != std::string::npos);
}

TEST_CASE("constant expressions: constants from constants, salience, slot values, facts", "[runtime][constants]") {
    auto l = load(R"(
const BASE = 100
const LIMIT = BASE * 3
const HIGH = 10
const CUT = LIMIT * 0.75
template spending { who: symbol, amount: int }
facts {
  spending(who: a, amount: BASE + 20)
  spending(who: b, amount: div(LIMIT, 2) + 110)
}
rule over salience HIGH + 1 {
  when spending(who: ?w, amount: > LIMIT * 0.75)
  then print "over {?w}"
}
rule under salience -HIGH {
  when spending(who: ?w, amount: < BASE + 50)
  then print "under {?w}"
}
)");
    const Program& p = *l->program;
    CHECK(p.find_rule("over")->salience == 11);
    CHECK(p.find_rule("under")->salience == -10);
    const Condition& c = p.find_rule("over")->conditions[0];
    REQUIRE(c.pattern.tests.size() == 1);
    CHECK(c.pattern.tests[0].values[0].constant == Value::real(225.0));
    REQUIRE(p.facts.size() == 2);
    CHECK(p.facts[0].values[1] == Value::integer(120));
    CHECK(p.facts[1].values[1] == Value::integer(260));
    REQUIRE(p.constants.size() == 4);
    CHECK(p.constants[1].value == Value::integer(300));
    CHECK(p.constants[3].value == Value::real(225.0));
    Engine e(p);
    // Salience orders the two rules: `over` (11) fires before `under` (-10).
    CHECK(run_printed(e) == "over b\nunder a\n");
}

TEST_CASE("functions and constant expressions print back to text that checks the same", "[check][functions]") {
    auto l = load(R"(
const A = 2
const B = A * 3 + 1
function sq "the square" (?x: float): float = ?x * ?x
function pick(?c: bool, ?a: int, ?b: int) = if(?c, ?a, ?b)
template t { x: int }
rule r salience B {
  when t(x: ?x < B * 2)
       test sq(?x) > float(pick(true, 1, 2))
  then print "{?x}"
}
)");
    std::string printed = print_program(*l->program);
    CHECK(printed.find("function sq \"the square\" (?x: float): float = ?x * ?x") != std::string::npos);
    CHECK(printed.find("function pick(?c: bool, ?a: int, ?b: int): int = if(?c, ?a, ?b)") != std::string::npos);
    CHECK(printed.find("salience 7") != std::string::npos);
    CHECK(printed.find("?x < 14") != std::string::npos);
    auto again = load(printed);
    CHECK(print_program(*again->program) == printed);
}

TEST_CASE("or: one rule per branch, firing once per matching branch", "[runtime][or]") {
    auto l = load(R"(
template member   { org: symbol, state: symbol }
template observer { org: symbol, state: symbol }
template ally     { state: symbol }
template seen     { org: symbol, state: symbol }
facts {
  member(org: n, state: fr)
  observer(org: n, state: jp)
  ally(state: jp)
  observer(org: n, state: br)
  member(org: n, state: jp)
}
rule associated {
  when or (member(org: ?o, state: ?s)
           and (observer(org: ?o, state: ?s) ally(state: ?s)))
  then assert seen(org: ?o, state: ?s)
       print "{?s}"
}
)");
    const Program& p = *l->program;
    REQUIRE(p.rules.size() == 2);
    CHECK(p.rules[0].name == "associated");
    CHECK(p.rules[1].name == "associated");
    CHECK(p.rules[0].disjunct == 0);
    CHECK(p.rules[1].disjunct == 1);
    CHECK(p.rules[1].disjuncts == 2);
    Engine e(p);
    RunResult r;
    std::string out = run_printed(e, &r);
    // fr and jp as members, jp again as an observer that is an ally; br is an observer but no ally.
    CHECK(r.firings == 3);
    CHECK(lines_of<std::multiset<std::string>>(out) == std::multiset<std::string>{"fr", "jp", "jp"});
    CHECK(facts_text(e, p.find_template("seen")->id) == S{"n,fr", "n,jp"});
}

TEST_CASE("forall: every match of the domain meets the conditions, or there is none", "[runtime][or]") {
    auto l = load(R"(
template member    { org: symbol, state: symbol }
template org       { id: symbol }
template democracy { state: symbol }
facts {
  org(id: good) org(id: mixed) org(id: empty)
  member(org: good, state: a)   member(org: good, state: b)
  member(org: mixed, state: a)  member(org: mixed, state: c)
  democracy(state: a) democracy(state: b)
}
rule all_democratic {
  when org(id: ?o)
       forall (member(org: ?o, state: ?s) democracy(state: ?s))
  then print "{?o}"
}
)");
    Engine e(*l->program);
    std::ostringstream out;
    e.set_output(out);
    e.reset();
    e.run();
    CHECK(lines_of(out.str()) == S{"good", "empty"});
    // Retracting the fact that spoils `mixed` makes it qualify: forall is matched incrementally like `not`.
    FactId c = kNoFact;
    for (FactId id : e.facts_of(l->program->find_template("member")->id))
        if (e.fact(id).values[1] == Value::symbol("c")) c = id;
    REQUIRE(c != kNoFact);
    out.str("");
    e.retract(c);
    e.run();
    CHECK(out.str() == "mixed\n");
}
