// End-to-end runtime tests written in the rule language (parser + checker + engine).
#include <catch2/catch.hpp>

#include <sstream>

#include "rules_text.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;

TEST_CASE("text: the family example of the language docs", "[runtime]") {
    auto l = load(R"(
template person   { name: symbol, born: int = 0 }
template parent   { of: symbol, is: symbol }
template ancestor { of: symbol, is: symbol }
template note     { text: string }

facts {
  person(name: ann, born: 1950)
  person(name: bob, born: 1975)
  parent(of: bob, is: ann)
}

rule ancestor_direct "A parent is an ancestor" {
  when parent(of: ?x, is: ?y)
  then conclude ancestor(of: ?x, is: ?y)
}

rule ancestor_chain {
  when parent(of: ?x, is: ?y)
       ancestor(of: ?y, is: ?z)
  then conclude ancestor(of: ?x, is: ?z)
}

rule orphan salience -10 {
  when person(name: ?p)
       not parent(of: ?p)
  then print "{?p} has no recorded parent"
}

rule big_family {
  when person(name: ?p, born: ?b < 1960)
       ?n = count(parent(is: ?p))
       test ?n >= 1
  then assert note(text: "{?p} has {?n} children")
}

rule rename {
  when ?f <- person(name: bob)
  then modify ?f (born: 1976)
}
)");
    const Program& p = *l->program;
    Engine e(p);
    std::ostringstream out;
    e.set_output(out);
    e.reset();
    auto r = e.run();
    CHECK(r.reason == StopReason::Quiescent);
    CHECK(out.str() == "ann has no recorded parent\n");
    CHECK(facts_text(e, p.find_template("ancestor")->id) == S{"bob,ann"});
    CHECK(facts_text(e, p.find_template("note")->id) == S{"\"ann has 1 children\""});
    CHECK(facts_text(e, p.find_template("person")->id) == S{"ann,1950", "bob,1976"});
}

TEST_CASE("text: evidence combines and classify re-matches on the score", "[runtime][evidence]") {
    auto l = load(R"(
template institution { id: symbol, values_clause: bool = false, hegemon: bool = false }
template architecture { institution: symbol, type: symbol }

norm shared_values {
  when institution(id: ?i, values_clause: true)
  then evidence community(?i) 0.6 "membership is conditional on democratic values"
}

norm no_hegemon {
  when institution(id: ?i, hegemon: false)
  then evidence community(?i) 0.4 "no single dominant member"
}

rule classify_community {
  when institution(id: ?i)
       ?c = score(community(?i))
       test ?c >= 0.7
  then conclude architecture(institution: ?i, type: community)
}
)");
    const Program& p = *l->program;
    Engine e(p);
    TemplateId inst = p.find_template("institution")->id;
    FactId f = e.assert_fact(inst, vals({sym("nato"), Value::boolean(true), Value::boolean(false)}));
    e.run();
    const TemplateDef* community = p.find_score_template("community", 1);
    REQUIRE(community);
    CHECK(e.score(community->id, vals({sym("nato")})) == Approx(0.76));
    CHECK(facts_text(e, p.find_template("architecture")->id) == S{"nato,community"});
    std::pair<SlotIndex, Value> change{2, Value::boolean(true)};
    e.modify(f, std::span(&change, 1));
    e.run();
    CHECK(e.score(community->id, vals({sym("nato")})) == Approx(0.6));
    CHECK(facts_text(e, p.find_template("architecture")->id).empty());
}

namespace {

// Every firing of a run as "rule(fact ids)", read from the justifications.
std::vector<std::string> firings_of(const Engine& e, const Program& p) {
    std::vector<std::string> out;
    for (const auto& j : e.justifications()) {
        std::string s = p.rules[j.rule].name + "(";
        for (std::size_t i = 0; i < j.facts.size(); ++i) s += (i ? "," : "") + std::to_string(j.facts[i]);
        out.push_back(s + ")");
    }
    return out;
}

}  // namespace

// Inside a firing the engine defers the propagation of new facts that only positive joins see (engine.cpp,
// propagate_new). A trace listener turns the deferral off, so the same program run with and without one must fire
// the same rules on the same facts in the same order — under every strategy — while the deferred run makes fewer
// activations: `modify ?k` no longer builds matches that `modify ?c` destroys at once.
TEST_CASE("deferred propagation: the same firings as propagating at once, fewer activations", "[runtime][rete]") {
    auto l = load(R"(
template ctx     { state: one of (pick | done) }
template counter { n: int }
template item    { id: int, weight: int, taken: bool = false }
template log     { id: int, at: int }

facts {
  ctx(state: pick)
  counter(n: 0)
  item(id: 1, weight: 3)  item(id: 2, weight: 1)  item(id: 3, weight: 4)  item(id: 4, weight: 1)
  item(id: 5, weight: 5)  item(id: 6, weight: 9)  item(id: 7, weight: 2)  item(id: 8, weight: 6)
}

rule pick {
  when ?c <- ctx(state: pick)
       ?i <- item(id: ?id, taken: false)
       ?k <- counter(n: ?n)
       not log(id: ?id)
  then assert log(id: ?id, at: ?n)
       modify ?k (n: ?n + 1)
       modify ?i (taken: true)
       modify ?c (state: done)
}

rule heavy_first salience 5 {
  when ?c <- ctx(state: pick)
       ?i <- item(id: ?id, weight: ?w > 4, taken: false)
       ?k <- counter(n: ?n)
  then modify ?k (n: ?n + 1)
       modify ?i (taken: true)
       assert log(id: ?id, at: ?n)
       modify ?c (state: done)
}

rule again {
  when ?c <- ctx(state: done)
       counter(n: ?n < 8)
  then modify ?c (state: pick)
}
)");
    const Program& p = *l->program;
    for (Strategy s : {Strategy::Depth, Strategy::Breadth, Strategy::Lex, Strategy::Mea}) {
        INFO("strategy " << strategy_name(s));
        Engine traced(p);
        RecordingTrace trace;
        trace.program = &p;
        traced.set_strategy(s);
        traced.set_trace(&trace);
        traced.reset();
        traced.run();

        Engine plain(p);
        plain.set_strategy(s);
        plain.reset();
        plain.run();

        CHECK(firings_of(plain, p) == firings_of(traced, p));
        CHECK(firings_of(plain, p).size() == 15);   // 8 picks and 7 returns to `pick`
        CHECK(facts_text(plain, p.find_template("log")->id) == facts_text(traced, p.find_template("log")->id));
        CHECK(plain.stats().activations_created < traced.stats().activations_created);
    }
}

// A fact can enter several alpha memories; memory by memory it joins the right indexes and then meets the waiting
// tokens (matcher.cpp, add_fact). Indexing it in all memories first made the second count below see it twice: once
// when the first count's new value re-emitted the token, and again in its own right activation.
TEST_CASE("a fact in two memories is counted once by each of two aggregates", "[runtime][rete]") {
    auto l = load(R"(
template institution { id: symbol }
template conflict    { id: int, institution: symbol, between_members: bool }
template tally       { institution: symbol, all: int, between: int }

facts {
  institution(id: x)
  conflict(id: 1, institution: x, between_members: true)
  conflict(id: 2, institution: x, between_members: false)
  conflict(id: 3, institution: x, between_members: true)
}

rule count_them {
  when institution(id: ?i)
       ?n = count(conflict(institution: ?i))
       ?m = count(conflict(institution: ?i, between_members: true))
  then assert tally(institution: ?i, all: ?n, between: ?m)
}
)");
    const Program& p = *l->program;
    Engine e(p);
    e.reset();
    e.run();
    CHECK(facts_text(e, p.find_template("tally")->id) == S{"x,3,2"});
    // Retracting one conflict of each kind counts down through the same paths.
    for (FactId f : e.facts_of(p.find_template("conflict")->id))
        if (e.fact(f).values[0].i != 3) e.retract(f);
    e.run();
    CHECK(facts_text(e, p.find_template("tally")->id) == S{"x,1,1", "x,3,2"});
}
