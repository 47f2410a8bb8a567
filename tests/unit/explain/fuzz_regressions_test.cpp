// Regressions found by the fuzzers (tests/fuzz; docs/testing.md).
#include <catch2/catch.hpp>

#include "explain/why.hpp"
#include "support.hpp"

using namespace covenant;
using namespace covenant::test;

// fuzz_run and fuzz_repl: a rule file in Latin-1 (here a doc string with the byte 0xE9) made `why --format json` and
// `covenant explain --format json` end in std::terminate: nlohmann's dump throws on text that is not UTF-8.
TEST_CASE("why as JSON replaces bytes that are not UTF-8 instead of throwing", "[explain][fuzz]") {
    Session s("template inst { id: symbol }\n"
              "template label { institution: symbol }\n"
              "rule big \"r\xE9gion\" {\n"
              "  when inst(id: ?i)\n"
              "  then conclude label(institution: ?i)\n"
              "}\n",
              "latin1.rules");
    s.assert_all(s.facts_from_yaml("l.yaml", "facts:\n  inst:\n    - {id: a}\n"));
    s.engine->run();
    auto labels = s.engine->facts_of(s.tmpl("label"));
    REQUIRE(labels.size() == 1);
    WhyNode root = explain_fact(*s.engine, s.sm, labels[0]);
    std::string json;
    REQUIRE_NOTHROW(json = render_why_json(root));
    CHECK(json.find("r\xEF\xBF\xBDgion") != std::string::npos);   // U+FFFD in place of the Latin-1 byte
    REQUIRE_NOTHROW(json = render_why_json(std::vector<WhyNode>{root, root}));
    CHECK(json.find("r\xEF\xBF\xBDgion") != std::string::npos);
}
