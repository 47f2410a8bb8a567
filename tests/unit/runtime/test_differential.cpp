// Randomised differential test of the incremental matcher (the strongest Rete test): after random sequences of
// assert / retract / modify, the conclusions of the engine that processed them incrementally must equal those of a
// fresh engine given only the surviving facts. Conclusions here depend only on the given facts (conclude only,
// negation and aggregates over given facts), so any difference is a matcher or TMS bug.
#include <catch2/catch.hpp>

#include <random>

#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using R = RuleBuilder;

namespace {

ProgramBuilder differential_program() {
    ProgramBuilder b;
    b.tmpl("p", {"a", "b"});
    b.tmpl("q", {"b", "c"});
    b.tmpl("r", {"c"});
    b.tmpl("joined", {"a", "c"});
    b.tmpl("unblocked", {"a"});
    b.tmpl("counted", {"a", "b", "n"});
    b.tmpl("no_chain", {"a", "b"});
    b.tmpl("least", {"c", "m"});
    b.tmpl("some_chain", {"a"});
    b.tmpl("total", {"c", "s"});
    b.tmpl("bigger", {"a", "b"});

    auto& j = b.rule("join");  // two-way hashed join
    j.when(P("p").eq("a", "?a").eq("b", "?b")).when(P("q").eq("b", "?b").eq("c", "?c"))
        .conclude("joined", {j.v("?a"), j.v("?c")});
    auto& n = b.rule("negation");
    n.when(P("p").eq("a", "?a").eq("b", "?b")).when_not(P("r").eq("c", "?b")).conclude("unblocked", {n.v("?a")});
    auto& g = b.rule("count");
    g.when(P("p").eq("a", "?a").eq("b", "?b")).aggregate("?n", AggOp::Count, "", P("q").eq("b", "?b"))
        .conclude("counted", {g.v("?a"), g.v("?b"), g.v("?n")});
    auto& ncc = b.rule("ncc");
    ncc.when(P("p").eq("a", "?a").eq("b", "?b"))
        .group(CondKind::Not, {P("q").eq("b", "?b").eq("c", "?c"), P("r").eq("c", "?c")})
        .conclude("no_chain", {ncc.v("?a"), ncc.v("?b")});
    auto& m = b.rule("min");
    m.when(P("r").eq("c", "?c")).aggregate("?m", AggOp::Min, "?x", P("q").eq("c", "?c").eq("b", "?x"), Type::Int)
        .conclude("least", {m.v("?c"), m.v("?m")});
    auto& ex = b.rule("exists");
    ex.when(P("p").eq("a", "?a").eq("b", "?b"))
        .group(CondKind::Exists, {P("q").eq("b", "?b").eq("c", "?c"), P("r").eq("c", "?c")})
        .conclude("some_chain", {ex.v("?a")});
    auto& s = b.rule("sum");
    s.when(P("r").eq("c", "?c")).aggregate("?s", AggOp::Sum, "?x", P("q").eq("c", "?c").eq("b", "?x"), Type::Int)
        .conclude("total", {s.v("?c"), s.v("?s")});
    auto& t = b.rule("test");  // a non-equality join test plus a test node
    t.when(P("p").eq("a", "?a").eq("b", "?b"))
        .when(P("p").eq("a", "?a2").gt("b", "?b"))
        .test(R::bin(ExprOp::Ne, t.v("?a"), t.v("?a2")))
        .conclude("bigger", {t.v("?a2"), t.v("?b")});
    return b;
}

std::vector<std::set<std::string>> conclusions(const Engine& e, const ProgramBuilder& b) {
    std::vector<std::set<std::string>> out;
    for (const char* t : {"joined", "unblocked", "counted", "no_chain", "least", "some_chain", "total", "bigger"})
        out.push_back(facts_text(e, b.id(t)));
    return out;
}

}  // namespace

TEST_CASE("differential: incremental matching equals matching from scratch", "[runtime][rete][differential]") {
    auto b = differential_program();
    const TemplateId given[] = {b.id("p"), b.id("q"), b.id("r")};
    for (unsigned seed = 1; seed <= 12; ++seed) {
        std::mt19937 rng(seed);
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
        Engine inc(b.program);
        inc.set_strategy(static_cast<Strategy>(seed % 4));
        std::vector<FactId> live;
        for (int step = 0; step < 250; ++step) {
            int op = pick(10);
            if (op < 5 || live.empty()) {
                TemplateId t = given[pick(3)];
                std::vector<Value> v;
                for (std::size_t i = 0; i < b.program.templates[t].slots.size(); ++i) v.push_back(num(pick(5)));
                FactId id = inc.assert_fact(t, v);
                if (std::find(live.begin(), live.end(), id) == live.end()) live.push_back(id);
            } else if (op < 8) {
                std::size_t k = static_cast<std::size_t>(pick(static_cast<int>(live.size())));
                REQUIRE(inc.retract(live[k]));
                live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
            } else {
                std::size_t k = static_cast<std::size_t>(pick(static_cast<int>(live.size())));
                FactId old = live[k];
                std::pair<SlotIndex, Value> change{static_cast<SlotIndex>(pick(static_cast<int>(
                                                       inc.fact(old).values.size()))),
                                                   num(pick(5))};
                FactId id = inc.modify(old, std::span(&change, 1));
                live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
                if (std::find(live.begin(), live.end(), id) == live.end()) live.push_back(id);
            }
            if (pick(3) == 0) inc.run();
        }
        inc.run();

        Engine fresh(b.program);
        for (TemplateId t : given)
            for (FactId id : inc.facts_of(t)) {
                auto v = inc.fact(id).values;
                fresh.assert_fact(t, std::vector<Value>(v.begin(), v.end()));
            }
        fresh.run();
        INFO("seed " << seed);
        CHECK(conclusions(inc, b) == conclusions(fresh, b));
        // no leaked tokens: the same facts give the same number of live tokens (once both have made what lazy
        // matching put off: matches() does, engine.hpp)
        inc.matches();
        fresh.matches();
        CHECK(inc.stats().tokens == fresh.stats().tokens);
    }
}
