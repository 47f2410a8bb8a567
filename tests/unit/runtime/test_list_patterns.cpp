// List patterns (`args: [ladder, ?place]`, `items: [?top, ..?rest]`, docs/language.md §3.4) and `..` in list
// literals: what they match and bind, joins on items in both directions, incremental retraction, the checker's
// errors, and printing back. Expected output is worked out by hand in each test; the oracle's random programs
// (test_oracle.cpp) compare the same patterns against the naive matcher.
#include <catch2/catch.hpp>

#include "rules_text.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;
using M = std::multiset<std::string>;

namespace {

const char* kGoals = R"(
template goal  { action: symbol, args: list of symbol }
template thing { name: symbol, at: symbol = floor }
template made  { tag: symbol, xs: list of symbol, n: int = 0 }
facts {
  goal(action: move, args: [ladder, t2])
  goal(action: eat, args: [bananas])
  goal(action: hold, args: [a, b, c, d])
  goal(action: wait)
  thing(name: ladder)
  thing(name: bananas, at: ceiling)
}
)";

std::string run_text(const std::string& rules, RunResult* r = nullptr) {
    auto l = load(std::string(kGoals) + rules);
    Engine e(*l->program);
    return run_printed(e, r);
}

}  // namespace

TEST_CASE("list patterns: items bind by position; the length must match", "[runtime][lists][list-patterns]") {
    std::string out = run_text(R"(
rule one { when goal(args: [?x]) then print "one {?x}" }
rule two { when goal(action: ?a, args: [?x, ?y]) then print "two {?a} {?x} {?y}" }
rule none { when goal(action: ?a, args: []) then print "none {?a}" }
rule constant { when goal(args: [ladder, ?where]) then print "ladder to {?where}" }
rule any { when goal(args: [?_, ?second, ?_, ?_]) then print "second of four {?second}" }
)");
    // `[]` is a list of values, so an equality (the empty list); the others are list patterns.
    CHECK(lines_of(out) == S{"one bananas", "two move ladder t2", "none wait", "ladder to t2", "second of four b"});
}

TEST_CASE("list patterns: ..?rest takes the items the others leave, at the front, middle or end",
          "[runtime][lists][list-patterns]") {
    std::string out = run_text(R"(
rule head { when goal(action: ?a, args: [?first, ..?rest]) then print "head {?a}: {?first} | [{?rest}]" }
rule tail { when goal(action: hold, args: [..?front, ?last]) then print "tail: [{?front}] | {?last}" }
rule middle { when goal(action: hold, args: [?f, ..?m, ?l]) then print "middle: {?f} [{?m}] {?l}" }
rule all { when goal(action: wait, args: [..?everything]) then print "all: [{?everything}]" }
rule at_least_three { when goal(action: ?a, args: [?_, ?_, ..?_, ?_]) then print "three or more: {?a}" }
)");
    CHECK(lines_of(out) == S{"head move: ladder | [t2]", "head eat: bananas | []", "head hold: a | [b, c, d]",
                             "tail: [a, b, c] | d", "middle: a [b, c] d", "all: []", "three or more: hold"});
}

TEST_CASE("list patterns: joins on items, either side bound first, and a repeated variable",
          "[runtime][lists][list-patterns]") {
    std::string out = run_text(R"(
facts { goal(action: swap, args: [x, x]) goal(action: swap, args: [x, y]) }
rule item_bound_first { when goal(action: move, args: [?obj, ?_]) thing(name: ?obj) then print "a thing {?obj}" }
rule slot_bound_first {
  when thing(name: ?n, at: ceiling)
       goal(args: [?n])
  then print "reach {?n}"
}
rule same { when goal(action: swap, args: [?x, ?x]) then print "same {?x}" }
rule across {
  when goal(action: move, args: [?what, ?_])
       goal(action: hold, args: [..?_, ?last])
       test ?what != ?last
  then print "{?what} then {?last}"
}
)");
    CHECK(lines_of(out) == S{"a thing ladder", "reach bananas", "same x", "ladder then d"});
}

TEST_CASE("list patterns: not and exists; matches leave with their fact", "[runtime][lists][list-patterns]") {
    std::string out = run_text(R"(
rule unreached {
  when thing(name: ?n)
       not goal(args: [?n])
  then print "no goal for {?n} alone"
}
rule pop {
  when ?s <- goal(action: hold, args: [?top, ..?rest])
  then print "pop {?top}"
       modify ?s(args: ?rest)
}
rule emptied {
  when goal(action: hold, args: [])
       exists goal(args: [?_, ?_])
  then print "emptied"
}
)");
    // pop fires on [a b c d], [b c d], [c d], [d]; each modify retracts the fact the last match was built on.
    CHECK(lines_of<M>(out) == M{"no goal for ladder alone", "pop a", "pop b", "pop c", "pop d", "emptied"});
}

TEST_CASE("list patterns: .. in list literals spreads a list's items", "[runtime][lists][list-patterns]") {
    auto l = load(std::string(kGoals) + R"(
rule push {
  when goal(action: eat, args: ?l)
  then conclude made(tag: around, xs: [first, ..?l, last])
       conclude made(tag: twice, xs: [..?l, ..?l], n: length([..?l, ..?l]))
       conclude made(tag: rest, xs: [..rest(?l)])
}
)");
    Engine e(*l->program);
    RunResult r;
    run_printed(e, &r);
    CHECK(r.errors.empty());
    CHECK(facts_text(e, l->program->find_template("made")->id) ==
          S{"around,[first, bananas, last],0", "twice,[bananas, bananas],2", "rest,[],0"});
}

TEST_CASE("list patterns: the checker's errors", "[check][lists][list-patterns]") {
    auto bad = compile_rules(std::string(kGoals) + R"(
rule not_a_list { when thing(name: [?x]) then halt }
rule two_rests { when goal(args: [..?a, ?b, ..?c]) then halt }
rule rest_value { when goal(args: [?a, ..x]) then halt }
rule item_type { when thing(name: ?n) goal(args: [?n, 3]) then halt }
rule aggregated { when ?n = count(goal(args: [?x])) ?c = collect(?y, goal(args: [?y])) then halt }
rule lone_spread { when goal(args: ?l) test ..?l == 1 then halt }
rule spread_scalar { when thing(name: ?n) then conclude made(tag: x, xs: [..?n]) }
)");
    std::string text = render_all(bad->sink, bad->sm);
    INFO(text);
    CHECK_FALSE(bad->program);
    CHECK(text.find("a list pattern `[...]` matches a list, but slot 'name' of 'thing' holds a symbol") !=
          std::string::npos);
    CHECK(text.find("a list pattern takes at most one `..` item") != std::string::npos);
    CHECK(text.find("`..` in a list pattern takes a variable") != std::string::npos);
    CHECK(text.find("slot 'args' of 'goal' holds a symbol, but this is the int 3") != std::string::npos);
    CHECK(text.find("`collect` aggregates one value per fact, but ?y is an item of a list pattern") !=
          std::string::npos);
    CHECK(text.find("`..` spreads a list's items into a list") != std::string::npos);
    CHECK(text.find("`..` spreads a list") != std::string::npos);
    // A count over a list pattern is fine: it counts facts.
    CHECK(text.find("`count` aggregates") == std::string::npos);

    // An unused item variable cannot be left out, as an unused slot variable can: the hint says so.
    auto unused = compile_rules(std::string(kGoals) + R"(rule w { when goal(args: [?a, ?b]) then print "{?a}" })");
    CHECK(render_all(unused->sink, unused->sm).find("variable ?b is bound but never used; write ?_ to match any item "
                                                    "there") != std::string::npos);
}

TEST_CASE("list patterns: the checked program prints back as written", "[check][lists][list-patterns]") {
    auto l = load(std::string(kGoals) + R"(
rule r {
  when goal(action: move, args: [ladder, ?p])
       goal(args: [?a, ..?_, ?z])
       goal(args: [..?front, ?p])
       goal(args: [?_, ?_])
  then conclude made(tag: t, xs: [?a, ..?front, ?z])
}
)");
    std::string printed = print_program(*l->program);
    CHECK(printed.find("goal(action: move, args: [ladder, ?p])") != std::string::npos);
    CHECK(printed.find("goal(args: [?a, ..?_, ?z])") != std::string::npos);
    CHECK(printed.find("goal(args: [..?front, ?p])") != std::string::npos);
    CHECK(printed.find("goal(args: [?_, ?_])") != std::string::npos);
    CHECK(printed.find("xs: [?a, ..?front, ?z]") != std::string::npos);
    auto again = load(printed);
    CHECK(print_program(*again->program) == printed);
}
