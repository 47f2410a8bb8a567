// The `collect` aggregate (issue 11, reasons that name what they counted): a String naming the values, kept up to
// date as facts come and go, independent of the order they came in, and the same in why-not as in the engine.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "rules_text.hpp"
#include "runtime/engine.hpp"

using namespace covenant;
using namespace covenant::testing;

namespace {

const char* kRules = R"(
template event { who: symbol, kind: symbol, year: int = 0 }
template go { step: int }
rule departures {
  when ?n = count(event(kind: withdrawal))
       ?who = collect(?w, event(kind: withdrawal, who: ?w))
       ?years = collect(?y, event(kind: withdrawal, year: ?y))
  then print "{?n}: {?who} | {?years}"
}
)";

std::string run_with(const std::vector<std::string>& facts) {
    auto l = load(std::string(kRules) + "facts {\n" + [&] {
        std::string s;
        for (const auto& f : facts) s += "  " + f + "\n";
        return s;
    }() + "}\n");
    Engine e(*l->program);
    std::ostringstream out;
    e.set_output(out);
    e.reset();
    e.run();
    return out.str();
}

}  // namespace

TEST_CASE("collect names each value once, numbers first by value, repeats counted, in any order", "[runtime][aggregate]") {
    std::vector<std::string> facts = {"event(who: niger, kind: withdrawal, year: 2025)",
                                      "event(who: mali, kind: withdrawal, year: 2025)",
                                      "event(who: mali, kind: withdrawal, year: 2012)",
                                      "event(who: chad, kind: suspension, year: 2021)",
                                      "event(who: burkina_faso, kind: withdrawal, year: 9)"};
    std::string expected = "4: burkina_faso, mali (2), niger | 9, 2012, 2025 (2)\n";
    CHECK(run_with(facts) == expected);
    std::reverse(facts.begin(), facts.end());
    CHECK(run_with(facts) == expected);
    CHECK(run_with({"event(who: chad, kind: suspension)"}) == "0:  | \n");
}

TEST_CASE("collect follows retract and modify, and why-not reports the value the engine holds",
          "[runtime][aggregate]") {
    auto l = load(std::string(kRules) + R"(
facts {
  event(who: mali, kind: withdrawal, year: 2012)
  event(who: niger, kind: withdrawal, year: 2025)
  go(step: 1)
}
rule change salience -1 {
  when ?g <- go(step: 1)
       ?m <- event(who: mali)
       ?n <- event(who: niger)
  then retract ?n
       modify ?m (who: burkina_faso)
       modify ?g (step: 2)
}
)");
    Engine e(*l->program);
    std::ostringstream out;
    e.set_output(out);
    e.reset();
    e.run();
    CHECK(out.str() == "2: mali, niger | 2012, 2025\n1: burkina_faso | 2012\n");
    // The engine's current match binds the collected text.
    bool found = false;
    for (const auto& m : e.matches())
        for (const auto& v : m.bindings)
            if (v.type == Type::String && v.text() == "burkina_faso") found = true;
    CHECK(found);
}

TEST_CASE("collect takes a slot of any type and gives a string", "[runtime][aggregate]") {
    auto ok = compile_rules("template t { s: string, b: bool }\n"
                            "rule r { when ?x = collect(?v, t(s: ?v)) ?y = collect(?w, t(b: ?w)) "
                            "test ?x != \"\" then print \"{?x} {?y}\" }");
    INFO(render_all(ok->sink, ok->sm));
    CHECK(ok->program);
    auto arithmetic = compile_rules("template t { s: symbol }\n"
                                    "rule r { when ?x = collect(?v, t(s: ?v)) test ?x + 1 > 0 then halt }");
    CHECK_FALSE(arithmetic->program);
}
