// The existing "why" trees: a concluded fact names its rule and reaches the given facts with their file and line.
#include <catch2/catch.hpp>

#include "explain/why.hpp"
#include "support.hpp"

using namespace covenant;
using namespace covenant::test;

TEST_CASE("explain_fact shows the concluding rule and the given facts' locations", "[explain]") {
    Session s(R"(
template inst { id: symbol, members: int }
template label { institution: symbol }
rule big "Large institutions" {
  when inst(id: ?i, members: ?m >= 10)
  then conclude label(institution: ?i)
}
)", "why.rules");
    s.assert_all(s.facts_from_yaml("why.yaml", "facts:\n  inst:\n    - {id: a, members: 3}\n    - {id: b, members: 12}\n"));
    s.engine->run();
    auto labels = s.engine->facts_of(s.tmpl("label"));
    REQUIRE(labels.size() == 1);
    WhyNode root = explain_fact(*s.engine, s.sm, labels[0]);
    CHECK(root.kind == WhyNode::Kind::Fact);
    CHECK(root.label == "label(institution: b)");
    CHECK(root.detail == "concluded");
    REQUIRE(root.children.size() == 1);
    const WhyNode& rule = root.children[0];
    CHECK(rule.kind == WhyNode::Kind::Rule);
    CHECK(rule.label == "big");
    CHECK(rule.detail == "Large institutions");
    CHECK(rule.location == "why.rules:4");
    REQUIRE(rule.children.size() == 1);
    CHECK(rule.children[0].label == "inst(id: b, members: 12)");
    CHECK(rule.children[0].detail == "given at why.yaml:4");
    std::string text = render_why_text(root, TreeStyle{false, false});
    CHECK(text.find("`- rule big") != std::string::npos);
}
