// The machine-readable renderings of a "why" tree: JSON gives each fact as an object (template, slots with JSON
// values, id), and DOT gives each fact, score and rule firing one node however often the trees mention it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "explain/why.hpp"
#include "support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

const char* kRules = R"(
template inst { id: symbol, members: int, ratio: float, open: bool, name: string }
template big { id: symbol }
template open_big { id: symbol }
rule big "Large" {
  when inst(id: ?i, members: ?m >= 10)
  then conclude big(id: ?i)
}
rule open_big "Large and open" {
  when inst(id: ?i, open: true)
       big(id: ?i)
  then conclude open_big(id: ?i)
}
)";

const char* kFacts = "facts:\n  inst:\n    - {id: b, members: 12, ratio: 0.25, open: true, name: \"The B\"}\n";

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("why as JSON gives facts as objects with JSON values", "[explain]") {
    Session s(kRules, "formats.rules");
    s.assert_all(s.facts_from_yaml("formats.yaml", kFacts));
    s.engine->run();
    auto ids = s.engine->facts_of(s.tmpl("big"));
    REQUIRE(ids.size() == 1);
    auto j = nlohmann::json::parse(render_why_json(explain_fact(*s.engine, s.sm, ids[0])));
    CHECK(j["fact"]["template"] == "big");
    CHECK(j["fact"]["id"] == ids[0]);
    CHECK(j["fact"]["slots"]["id"] == "b");
    CHECK(j["text"] == "big(id: b)");
    CHECK(j["origin"] == "concluded");
    const auto& given = j["because"][0]["because"][0];
    CHECK(given["origin"] == "given");
    CHECK(given["location"] == "formats.yaml:3");
    CHECK(given["fact"]["template"] == "inst");
    const auto& slots = given["fact"]["slots"];
    CHECK(slots["members"].is_number_integer());
    CHECK(slots["members"] == 12);
    CHECK(slots["ratio"].is_number_float());
    CHECK(slots["ratio"] == 0.25);
    CHECK(slots["open"] == true);
    CHECK(slots["name"] == "The B");
    CHECK(slots["id"] == "b");
}

TEST_CASE("why as DOT gives a fact mentioned several times one node", "[explain]") {
    Session s(kRules, "formats.rules");
    s.assert_all(s.facts_from_yaml("formats.yaml", kFacts));
    s.engine->run();
    auto big = s.engine->facts_of(s.tmpl("big"));
    auto open_big = s.engine->facts_of(s.tmpl("open_big"));
    REQUIRE(big.size() == 1);
    REQUIRE(open_big.size() == 1);
    // open_big reads inst directly and through big; with big's own tree, inst is mentioned three times and big twice.
    std::vector<WhyNode> trees = {explain_fact(*s.engine, s.sm, open_big[0]), explain_fact(*s.engine, s.sm, big[0])};
    std::string dot = render_why_dot(trees);
    CHECK(count(dot, "label=\"inst(") == 1);
    CHECK(count(dot, "label=\"big(id: b)") == 1);
    CHECK(count(dot, "label=\"big\\n(rule)") == 1);
    CHECK(count(dot, "label=\"open_big(id: b)") == 1);
    // inst supports both rule firings: two edges out of its one node, and no edge twice.
    CHECK(count(dot, " -> ") == 5);  // inst->big rule, big rule->big, inst->open_big rule, big->open_big rule, rule->open_big
}
