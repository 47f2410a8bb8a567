// Per-rule profiling (rete/profile.hpp): counts computed by hand for a small program, shared nodes charged to every
// rule that uses them, nothing counted while off, random programs firing the same with profiling on; and
// Engine::next_activation, which `break` and `step` rest on.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>

#include "random_program.hpp"
#include "rules_text.hpp"
#include "runtime/engine.hpp"

using namespace covenant;
using namespace covenant::testing;

namespace {

// adult and adult_parent share their first join (same pattern below the root); lonely has a `not`.
const char* kProgram = R"(
template person { name: symbol, age: int }
template parent { of: symbol, is: symbol }
template grandparent { of: symbol, is: symbol }
template note { text: string }

rule adult { when person(name: ?n, age: >= 18) then assert note(text: "{?n}") }
rule adult_parent { when person(name: ?n, age: >= 18) parent(is: ?n) then assert note(text: "parent {?n}") }
rule grand { when parent(of: ?a, is: ?b) parent(of: ?b, is: ?c) then assert grandparent(of: ?a, is: ?c) }
rule lonely { when person(name: ?n) not parent(is: ?n) then assert note(text: "lonely {?n}") }

facts {
  parent(of: bob, is: ann)
  parent(of: ann, is: cat)
  person(name: ann, age: 40)
  person(name: bob, age: 12)
  person(name: cat, age: 70)
}
)";

const RuleProfile& of(const Program& p, const Profile& profile, const char* rule) {
    return profile.rules.at(p.find_rule(rule)->id);
}

}  // namespace

TEST_CASE("profile: firings, activations and partial matches per rule, counted by hand", "[runtime][profile]") {
    auto l = load(kProgram);
    const Program& p = *l->program;
    Engine e(p);
    e.set_lazy(false);   // the eager network's counts; lazy matching's are checked below
    Profile profile;
    e.set_profile(&profile);
    REQUIRE(profile.rules.size() == p.rules.size());
    e.reset();
    RunResult r = e.run();
    REQUIRE(r.reason == StopReason::Quiescent);

    // adult: the shared join makes a token for ann and one for cat (age >= 18): 2 activations, 2 firings.
    CHECK(of(p, profile, "adult").tokens == 2);
    CHECK(of(p, profile, "adult").activations == 2);
    CHECK(of(p, profile, "adult").firings == 2);
    // adult_parent: the shared join's 2 tokens, and its own join finds parent(is: ann) and parent(is: cat): 2 more.
    CHECK(of(p, profile, "adult_parent").tokens == 4);
    CHECK(of(p, profile, "adult_parent").activations == 2);
    CHECK(of(p, profile, "adult_parent").firings == 2);
    // grand: one token per parent fact, then bob->ann joins ann->cat: one more. One activation.
    CHECK(of(p, profile, "grand").tokens == 3);
    CHECK(of(p, profile, "grand").activations == 1);
    CHECK(of(p, profile, "grand").firings == 1);
    // lonely: 3 person tokens and 3 `not` tokens; the parents were asserted first, so only bob's passes.
    CHECK(of(p, profile, "lonely").tokens == 6);
    CHECK(of(p, profile, "lonely").activations == 1);
    CHECK(of(p, profile, "lonely").firings == 1);

    // The totals count the shared join once: 2 + 2 + 3 + 6 tokens, not the 15 of the rows.
    CHECK(profile.tokens == 13);
    EngineStats s = e.stats();
    std::uint64_t firings = 0, activations = 0;
    for (const auto& rp : profile.rules) {
        firings += rp.firings;
        activations += rp.activations;
        // a rule's nodes are a subset of all nodes, each charged to the total once
        CHECK(rp.match_ns <= profile.match_ns);
        CHECK(rp.action_ns <= profile.action_ns);
    }
    CHECK(firings == s.firings);
    CHECK(activations == s.activations_created);
    CHECK(profile.action_ns > 0);
    CHECK(profile.match_ns > 0);
}

TEST_CASE("profile: lazy matching counts only the partial matches it makes", "[runtime][profile]") {
    auto l = load(kProgram);
    const Program& p = *l->program;
    Engine e(p);
    REQUIRE(e.lazy());
    Profile profile;
    e.set_profile(&profile);
    e.reset();
    REQUIRE(e.run().reason == StopReason::Quiescent);
    // lonely's `not` node is a lazy segment (matcher.cpp): each person token's left activation of it is put off.
    // When a placeholder reaches the top, the search makes bob's `not` token (the one match) and finds ann's and
    // cat's blocked without making theirs: 3 person tokens and 1 `not` token, where eager matching makes 6.
    CHECK(of(p, profile, "lonely").tokens == 4);
    CHECK(of(p, profile, "lonely").activations == 1);
    CHECK(of(p, profile, "lonely").firings == 1);
    // The other rules have no segment (their tops would be below the root) or share their nodes: counted as eager.
    CHECK(of(p, profile, "adult").tokens == 2);
    CHECK(of(p, profile, "grand").tokens == 3);
    CHECK(e.stats().activations_created == 2 + 2 + 1 + 1);
}

TEST_CASE("profile: nothing is counted while off, and the counts add up across engines", "[runtime][profile]") {
    auto l = load(kProgram);
    const Program& p = *l->program;
    Profile profile;
    {
        Engine e(p);
        e.reset();
        e.run();  // not profiled
        e.set_profile(&profile);
        Value name = Value::symbol("dan");
        std::vector<Value> values{name, Value::integer(30)};
        e.assert_fact(p.find_template("person")->id, values);
        e.run();
        e.set_profile(nullptr);
        std::vector<Value> eve{Value::symbol("eve"), Value::integer(50)};
        e.assert_fact(p.find_template("person")->id, eve);
        e.run();
    }
    // dan alone: the shared join's token, adult's activation and firing; adult_parent's join finds no parent of dan;
    // lonely: a person token and a `not` token that passes.
    CHECK(of(p, profile, "adult").tokens == 1);
    CHECK(of(p, profile, "adult").firings == 1);
    CHECK(of(p, profile, "adult_parent").tokens == 1);
    CHECK(of(p, profile, "adult_parent").activations == 0);
    CHECK(of(p, profile, "lonely").tokens == 2);
    CHECK(of(p, profile, "lonely").firings == 1);
    CHECK(of(p, profile, "grand").idle());

    // A second engine over the same program adds to the same profile.
    Engine e2(p);
    e2.set_profile(&profile);
    e2.reset();
    e2.run();
    CHECK(of(p, profile, "grand").firings == 1);
    CHECK(of(p, profile, "adult").firings == 3);
    profile.clear();
    CHECK(of(p, profile, "adult").idle());
    CHECK(profile.tokens == 0);
}

TEST_CASE("next_activation: the activation run would fire next, under every strategy", "[runtime][profile]") {
    auto l = load(kProgram);
    const Program& p = *l->program;
    for (Strategy strategy : {Strategy::Depth, Strategy::Breadth, Strategy::Lex, Strategy::Mea}) {
        Engine e(p);
        e.set_strategy(strategy);
        e.reset();
        // Retracting a parent removes activations (lazily, from the lex/mea heap): peeking must skip them.
        e.retract(e.facts_of(p.find_template("parent")->id).front());
        std::size_t fired = 0;
        while (auto next = e.next_activation()) {
            auto agenda = e.agenda();
            REQUIRE(!agenda.empty());
            CHECK(next->rule == agenda.front().rule);
            CHECK(next->facts == agenda.front().facts);
            CHECK(next->on_agenda);
            REQUIRE(e.run(RunLimits{1, {}, nullptr}).firings == 1);
            ++fired;
        }
        CHECK(e.agenda().empty());
        CHECK(fired == e.stats().firings);
    }
}

namespace {

// A run of a random program: asserts the steps' facts, runs, retracts every live given fact (the removal paths) and
// runs again; returns every firing (rule and facts) and the final facts, as text.
std::vector<std::string> random_run(const Program& p, const std::vector<Step>& steps, Profile* profile) {
    Engine e(p);
    std::ostringstream sink;
    e.set_output(sink);
    e.set_profile(profile);
    e.reset();
    assert_steps(e, p, steps);
    e.run(RunLimits{200, {}, nullptr});
    for (FactId f : e.facts())
        if (e.is_live(f) && e.fact(f).origin == Origin::Given) e.retract(f);
    e.run(RunLimits{200, {}, nullptr});
    std::vector<std::string> out;
    for (const auto& j : e.justifications()) {
        std::string s = p.rules[j.rule].name;
        for (FactId f : j.facts) s += " f-" + std::to_string(f);
        out.push_back(s);
    }
    for (FactId f : e.facts()) out.push_back(format_fact(p, e.fact(f).tmpl, e.fact(f).values.data()));
    if (profile) {
        // Every firing and activation is some rule's; the engine's own counters agree.
        std::uint64_t firings = 0, activations = 0;
        for (const auto& r : profile->rules) {
            firings += r.firings;
            activations += r.activations;
        }
        EngineStats s = e.stats();
        CHECK(firings == s.firings);
        CHECK(activations == s.activations_created);
    }
    return out;
}

}  // namespace

TEST_CASE("profile: random programs fire the same with profiling on (the other instantiation of the matcher)",
          "[runtime][profile]") {
    for (unsigned seed = 1; seed <= 60; ++seed) {
        std::mt19937 rng(seed);
        ProgramSpec spec = random_program(rng);
        std::vector<Step> steps = random_steps(rng, 30);
        auto loaded = compile_rules(spec.text(), "random.rules");
        if (!loaded->program) continue;
        INFO("seed " << seed << "\n" << spec.text());
        Profile profile;
        auto plain = random_run(*loaded->program, steps, nullptr);
        auto profiled = random_run(*loaded->program, steps, &profile);
        CHECK(plain == profiled);
    }
}
