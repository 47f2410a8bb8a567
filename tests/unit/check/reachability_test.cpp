// W0004 on slot constraints (engine/check/reachability.cpp): a pattern whose constant constraints no fact that can
// exist meets; and the cases it must leave alone, because a fact could meet them.
#include "support.hpp"

using namespace covenant;
using namespace covenant::test;
using Catch::Matchers::Contains;

namespace {

const std::string kSpending = "template spending { state: symbol, share: float }\n"
                              "template flag { state: symbol, level: int = 0 }\n"
                              "facts { spending(state: a, share: 0.6) spending(state: b, share: 0.7) }\n";

std::size_t unreachable(const std::string& rules, std::vector<std::string> in_fact_files = {}) {
    Checked c(kSpending + rules);
    REQUIRE(c.program);
    std::vector<TemplateId> files;
    for (const auto& name : in_fact_files) files.push_back(c.program->find_template(name)->id);
    warn_rules_that_cannot_fire(*c.program, files, c.sink);
    INFO(c.rendered());
    return c.count(Code::UnreachableRule);
}

}  // namespace

TEST_CASE("W0004: a constant constraint that no facts-block fact and no rule meets", "[check]") {
    Checked c(kSpending + "rule low { when spending(state: ?s, share: < 0.5) then print \"{?s}\" }\n");
    REQUIRE(c.program);
    warn_rules_that_cannot_fire(*c.program, {}, c.sink);
    const auto& d = REQUIRE_DIAG(c, Code::UnreachableRule, "share: < 0.5");
    CHECK(d.message ==
          "rule 'low' can never fire: no 'spending' fact can meet `share: < 0.5` (no fact in the facts blocks meets "
          "it, no rule that can fire makes one that could, and no given fact file holds 'spending' facts)");
    REQUIRE(d.notes.size() == 2);  // the two facts that exist
    CHECK(d.notes[0].message == "this 'spending' fact does not meet it");
    CHECK(d.notes[0].span.line == 3);
}

TEST_CASE("W0004: constraints met by some fact, by a rule's constant, or unknowable are not reported", "[check]") {
    // A facts-block fact meets it (0.6 >= 0.6; b | a: either fact).
    CHECK(unreachable("rule r { when spending(share: >= 0.6) then halt }\n") == 0);
    CHECK(unreachable("rule r { when spending(state: b | z) then halt }\n") == 0);
    CHECK(unreachable("rule r { when spending(state: != a) then halt }\n") == 0);
    // A fact file holds spending facts: any value may come from it.
    CHECK(unreachable("rule r { when spending(share: < 0.5) then halt }\n", {"spending"}) == 0);
    // A rule that can fire asserts a matching constant, or a computed value (which could be anything).
    CHECK(unreachable("rule make { when spending(state: a) then assert spending(state: c, share: 0.1) }\n"
                      "rule r { when spending(share: < 0.5) then halt }\n") == 0);
    CHECK(unreachable("rule make { when spending(state: a, share: ?x) then assert spending(state: c, share: ?x - 1) }\n"
                      "rule r { when spending(share: < 0.5) then halt }\n") == 0);
    // A modify changes one slot; the others keep values of unknown origin, so the pair below could meet.
    CHECK(unreachable("rule mod { when ?f <- spending(state: a) then modify ?f (share: 0.2) }\n"
                      "rule r { when spending(state: b, share: < 0.5) then halt }\n") == 0);
    // A constraint naming a variable is not looked at.
    CHECK(unreachable("rule r { when spending(share: ?x) spending(share: < ?x) then halt }\n") == 0);
}

TEST_CASE("W0004: the defaults an assert leaves, a modify's constants, combined constraints and chains", "[check]") {
    // flag is made with its default level 0; level > 0 is never met.
    CHECK(unreachable("rule make { when spending(state: ?s) then assert flag(state: ?s) }\n"
                      "rule r { when flag(level: > 0) then halt }\n") == 1);
    // ... unless a modify sets a level that meets it.
    CHECK(unreachable("rule make { when spending(state: ?s) then assert flag(state: ?s) }\n"
                      "rule up { when ?f <- flag(level: 0) then modify ?f (level: 3) }\n"
                      "rule r { when flag(level: > 0) then halt }\n") == 0);
    // Each constraint alone is met (a; 0.7), never both at once: named together.
    Checked both(kSpending + "rule r { when spending(state: a, share: 0.7) then halt }\n");
    warn_rules_that_cannot_fire(*both.program, {}, both.sink);
    CHECK_THAT(REQUIRE_DIAG(both, Code::UnreachableRule, "spending(state: a, share: 0.7)").message,
               Contains("can meet all of `state: a`, `share: 0.7` (no fact in the facts blocks meets them"));
    // A rule that cannot fire makes nothing: the chain is followed, and its action is pointed out.
    Checked chain(kSpending + "rule low { when spending(state: ?s, share: < 0.5) then assert flag(state: ?s, level: 9) }\n"
                              "rule high { when flag(level: 9) then halt }\n");
    warn_rules_that_cannot_fire(*chain.program, {}, chain.sink);
    CHECK(chain.count(Code::UnreachableRule) == 2);
    const auto& high = REQUIRE_DIAG(chain, Code::UnreachableRule, "flag(level: 9)");
    // flag is not provided at all (its only maker cannot fire): the template message, with the maker noted.
    CHECK_THAT(high.message, Contains("no 'flag' fact can exist"));
    REQUIRE(high.notes.size() == 1);
    CHECK(high.notes[0].message == "rule 'low' asserts one here, but cannot fire");
}
