// End-to-end runtime tests written in the rule language (parser + checker + engine).
#include <catch2/catch.hpp>

#include <sstream>

#include "check/check.hpp"
#include "syntax/parse.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;

namespace {

struct Loaded {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;
};

std::unique_ptr<Loaded> load(const std::string& text) {
    auto l = std::make_unique<Loaded>();
    FileId id = l->sm.add("test.rules", text);
    auto unit = parse_unit(l->sm.file(id), l->sink);
    if (!l->sink.has_errors()) l->program = check_units({unit}, l->sm, l->sink);
    INFO(render_all(l->sink, l->sm));
    REQUIRE(l->program.has_value());
    return l;
}

}  // namespace

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
