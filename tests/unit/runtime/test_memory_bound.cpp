// Bounded bookkeeping in long runs (issue 9): the engine keeps the justifications that live facts and contributions
// rest on plus a window of recent firings, and releases the rest; evidence contribution lists and the dependents of
// long-lived facts do not grow with the number of firings. Asserted on the engine's own counts, not on timing or RSS
// (bench/soak_memory.sh measures the resident set).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "explain/why.hpp"
#include "rules_text.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;

namespace {

// One fact modified over and over, next to a conclusion made once at the start (whose support must outlive the
// history window). The counter is asserted by a rule, so each version records the firing that made it. Firing 1 is
// `start`, firing 2 `derive`, every later one `count`.
constexpr const char* kCounter = R"(
template counter { n: int }
template seed    { id: int }
template derived { id: int }

facts {
  seed(id: 7)
}

rule start salience 20 {
  when seed(id: ?i)
  then assert counter(n: 0)
}

rule derive salience 10 {
  when seed(id: ?i)
  then conclude derived(id: ?i)
       evidence strength(?i) 0.5 "seeded"
}

rule count {
  when ?c <- counter(n: ?n)
  then modify ?c (n: ?n + 1)
}
)";

// A clock that ticks, with per-tick conclusions and contributions next to stable ones (as bench/soak_memory's churn).
constexpr const char* kChurn = R"(
template clock { t: int }
template item  { id: int }
template base  { id: int }
template flag  { id: int, parity: int }
template alarm { id: int }

facts {
  clock(t: 0)
  item(id: 1)
  item(id: 2)
}

rule tick salience -10 {
  when ?c <- clock(t: ?t)
  then modify ?c (t: ?t + 1)
}

rule stable {
  when item(id: ?i)
  then conclude base(id: ?i)
       evidence risk(?i) 0.2 "stable"
}

rule per_tick {
  when clock(t: ?t)
       item(id: ?i)
  then conclude base(id: ?i)
       conclude flag(id: ?i, parity: mod(?t, 2))
       evidence risk(?i) 0.1 "tick for {?i}"
}

rule alarm {
  when item(id: ?i)
       ?r = score(risk(?i))
       test ?r > 0.25
  then conclude alarm(id: ?i)
}
)";

RunResult run_for(Engine& e, std::uint64_t firings) {
    RunLimits limits;
    limits.max_firings = firings;
    return e.run(limits);
}

FactId only_fact(const Engine& e, const Program& p, const char* tmpl) {
    auto ids = e.facts_of(p.find_template(tmpl)->id);
    REQUIRE(ids.size() == 1);
    return ids[0];
}

}  // namespace

TEST_CASE("memory: 200,000 modify firings keep the history window plus what live facts need", "[runtime][memory]") {
    auto l = load(kCounter);
    const Program& p = *l->program;
    Engine e(p);
    e.reset();
    REQUIRE(e.history() == kDefaultHistory);
    RunResult r = run_for(e, 200'000);
    REQUIRE(r.reason == StopReason::MaxFirings);
    EngineStats s = e.stats();
    CHECK(s.firings == 200'000);
    // The window's 10,000, and firing 2 (derive), which the live `derived` fact and its contribution rest on.
    CHECK(s.justifications_kept == kDefaultHistory + 1);
    CHECK(s.live_facts == 4);  // counter, seed, derived, the score fact

    // The live counter was made by the last firing; the concluded fact by the first, long out of the window.
    FactView counter = e.fact(only_fact(e, p, "counter"));
    REQUIRE(counter.supports.size() == 1);
    const Justification* made = e.justification(counter.supports[0]);
    REQUIRE(made != nullptr);
    CHECK(made->firing == 200'000);
    CHECK(p.rules[made->rule].name == "count");

    FactId derived = only_fact(e, p, "derived");
    FactView dv = e.fact(derived);
    REQUIRE(dv.supports.size() == 1);
    const Justification* first = e.justification(dv.supports[0]);
    REQUIRE(first != nullptr);
    CHECK(first->firing == 2);
    CHECK(p.rules[first->rule].name == "derive");
    auto contributions = e.contributions(p.find_score_template("strength", 1)->id, vals({Value::integer(7)}));
    REQUIRE(contributions.size() == 1);
    CHECK(contributions[0].justification == dv.supports[0]);

    // why of the concluded fact still names its rule and the fact it matched.
    WhyNode why = explain_fact(e, l->sm, derived);
    REQUIRE(why.children.size() == 1);
    CHECK(why.children[0].kind == WhyNode::Kind::Rule);
    CHECK(why.children[0].label == "derive");
    REQUIRE(why.children[0].children.size() == 1);
    CHECK(why.children[0].children[0].label == "seed(id: 7)");

    // A released id is reported as released, not read as garbage: firing 1 (`start`, whose counter is long gone)
    // and firing 3 (the first `count`) are gone, the oldest firing of the window is kept, and ids past the last
    // firing were never made.
    CHECK(e.justification(0) == nullptr);
    CHECK(e.justification(2) == nullptr);
    CHECK(e.justification(200'000 - kDefaultHistory - 1) == nullptr);
    REQUIRE(e.justification(200'000 - kDefaultHistory) != nullptr);
    CHECK(e.justification(200'000 - kDefaultHistory)->firing == 200'000 - kDefaultHistory + 1);
    CHECK(e.justification(200'000) == nullptr);
    JustificationList kept = e.justifications();
    CHECK(kept.size() == s.justifications_kept);
    CHECK_THROWS_AS(kept.at(0), std::out_of_range);
    CHECK(kept.at(1).firing == 2);
    CHECK(kept[199'999].firing == 200'000);
    std::uint64_t previous = 0;
    bool in_order = true;
    for (const Justification& j : kept) {  // in id order
        in_order = in_order && j.firing > previous;
        previous = j.firing;
    }
    CHECK(in_order);

    // Only the live facts are listed, though 200,000 ids were made.
    CHECK(e.facts().size() == 4);
}

TEST_CASE("memory: the history window can be lowered, to nothing, and raised", "[runtime][memory]") {
    auto l = load(kCounter);
    const Program& p = *l->program;
    Engine e(p);
    e.reset();
    e.set_history(100);
    run_for(e, 5'000);
    CHECK(e.stats().justifications_kept == 100 + 1);
    CHECK(e.justification(5'000 - 100 - 1) == nullptr);
    CHECK(e.justification(5'000 - 100) != nullptr);

    e.set_history(0);  // only what live facts rest on: derive's firing and the counter's maker
    CHECK(e.stats().justifications_kept == 2);
    run_for(e, 1'000);
    CHECK(e.stats().justifications_kept == 2);
    FactView counter = e.fact(only_fact(e, p, "counter"));
    REQUIRE(e.justification(counter.supports[0]) != nullptr);
    CHECK(e.justification(counter.supports[0])->firing == 6'000);

    e.set_history(50);  // released ones do not come back; the window fills with the coming firings
    CHECK(e.stats().justifications_kept == 2);
    run_for(e, 20);  // the first of them retracted the counter that firing 6,000 made
    CHECK(e.stats().justifications_kept == 1 + 20);
    run_for(e, 100);
    CHECK(e.stats().justifications_kept == 50 + 1);
    CHECK(e.history() == 50);

    // reset starts the ids again; the window setting stays.
    e.reset();
    CHECK(e.stats().justifications_kept == 0);
    run_for(e, 10);
    CHECK(e.stats().justifications_kept == 10);
    CHECK(e.justification(0)->firing == 1);
    CHECK(e.history() == 50);
}

TEST_CASE("memory: conclusion, support and evidence churn stays bounded", "[runtime][memory]") {
    auto l = load(kChurn);
    const Program& p = *l->program;
    TemplateId risk = p.find_score_template("risk", 1)->id;
    Engine e(p);
    e.reset();
    e.set_history(64);
    // A tick is 1 + 2 (per_tick) + 2 (alarm) firings once the stable rules have fired.
    run_for(e, 50'000);
    EngineStats a = e.stats();
    run_for(e, 100'000);
    EngineStats b = e.stats();
    CHECK(b.firings == 150'000);
    CHECK(b.live_facts == a.live_facts);
    // Kept: the window, plus at most one support per live derived fact and one per live contribution.
    CHECK(b.justifications_kept <= 64 + 1 + b.live_facts + 4);
    CHECK(b.justifications_kept == a.justifications_kept);
    // The engine's own estimate of its memory does not grow with the firings (deterministic: no RSS involved; the
    // slack is the fact-record block being filled, 20 KiB).
    CHECK(b.memory_bytes <= a.memory_bytes + 32 * 1024);

    for (int i : {1, 2}) {
        auto cs = e.contributions(risk, vals({Value::integer(i)}));
        // The stable contribution and at most the current tick's; withdrawn ones are not listed.
        REQUIRE(!cs.empty());
        CHECK(cs.size() <= 2);
        for (const auto& c : cs) {
            const Justification* j = e.justification(c.justification);
            REQUIRE(j != nullptr);
            CHECK((p.rules[j->rule].name == "stable" || p.rules[j->rule].name == "per_tick"));
        }
        WhyNode why = explain_score(e, l->sm, risk, vals({Value::integer(i)}));
        CHECK(why.children.size() == cs.size());
        for (const auto& child : why.children) CHECK(child.kind == WhyNode::Kind::Rule);
    }
    for (FactId f : e.facts_of(p.find_template("base")->id)) {
        FactView v = e.fact(f);
        REQUIRE(!v.supports.empty());
        for (std::uint32_t j : v.supports) CHECK(e.justification(j) != nullptr);
    }
}

TEST_CASE("memory: the history window does not change what a run does", "[runtime][memory]") {
    auto l = load(kChurn);
    const Program& p = *l->program;
    auto run_with = [&](std::size_t history) {
        Engine e(p);
        RecordingTrace trace;
        trace.program = &p;
        e.set_history(history);
        e.reset();
        run_for(e, 3'000);
        e.set_trace(&trace);  // the rest traced: deferral off, every activation seen
        run_for(e, 1'000);
        std::vector<std::string> state = trace.fired;
        for (FactId f : e.facts()) {
            std::string s = std::to_string(f) + ":";
            for (const auto& v : e.fact(f).values) s += to_source(v) + ",";
            state.push_back(s);
        }
        for (int i : {1, 2})
            state.push_back(std::to_string(e.score(p.find_score_template("risk", 1)->id, vals({Value::integer(i)}))));
        return state;
    };
    auto reference = run_with(kDefaultHistory);
    CHECK(run_with(0) == reference);
    CHECK(run_with(7) == reference);
}
