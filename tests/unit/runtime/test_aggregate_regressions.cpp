// Regression tests for issue 9: several aggregates over one template, with different filters or joins, in one rule.
// Retracting a fact once decremented an aggregate twice when an earlier aggregate of the same rule changed value and
// re-created the later one's token (the fact had already left every right index). Each test computes the expected
// values directly from the live facts and compares them with what the rule concluded.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sstream>

#include "rules_text.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;

namespace {

struct Agg {
    const char* op;      // count, sum, min, max, avg
    const char* filter;  // the pattern's constraints besides the aggregated slot
    // which items the filter admits: k is 0 (a) or 1 (b); ctx is the joined context value (-1: no join)
    bool (*admits)(int v, int k, int ctx);
};

bool all(int, int, int) { return true; }
bool only_a(int, int k, int) { return k == 0; }
bool big(int v, int, int) { return v > 2; }
bool same_k(int, int k, int ctx) { return k == ctx; }

// The value an aggregate must have over the admitted values; nullopt when it is undefined (no value to take the
// min, max or avg of), in which case the rule must not match.
std::optional<double> expected(const std::string& op, const std::vector<int>& vs) {
    if (op == "count") return static_cast<double>(vs.size());
    double sum = 0;
    for (int v : vs) sum += v;
    if (op == "sum") return sum;
    if (vs.empty()) return std::nullopt;
    if (op == "avg") return sum / static_cast<double>(vs.size());
    if (op == "min") return *std::min_element(vs.begin(), vs.end());
    return *std::max_element(vs.begin(), vs.end());
}

}  // namespace

TEST_CASE("aggregates: the program of issue 9 prints 1 orders, 1 open after the retract", "[runtime][aggregate]") {
    auto l = load(R"(
template order { id: symbol, open: bool = true }
template go    { x: int }
facts {
  order(id: o1)
  order(id: o2)
  go(x: 1)
}
rule show {
  when ?n = count(order())
       ?o = count(order(open: true))
  then print "{?n} orders, {?o} open"
}
rule drop salience -1 {
  when ?g <- go()
       ?f <- order(id: o1)
  then retract ?f
       retract ?g
}
)");
    Engine e(*l->program);
    std::ostringstream out;
    e.set_output(out);
    e.reset();
    e.run();
    CHECK(out.str() == "2 orders, 2 open\n1 orders, 1 open\n");
}

// Every pair and a triple of aggregate kinds over one template with different filters (and a join), in both orders,
// bare or next to `not` / `exists`, under retract, modify and re-assert.
TEST_CASE("aggregates: several over one template stay right under retract, modify and re-assert",
          "[runtime][aggregate]") {
    const Agg aggs[] = {{"count", "", all},        {"count", "k: a", only_a}, {"sum", "v: > 2", big},
                        {"min", "k: a", only_a},   {"max", "", all},          {"avg", "v: > 2", big},
                        {"sum", "k: ?c", same_k},  {"count", "k: ?c", same_k}};
    const char* contexts[] = {"", "not stop()", "exists flag()"};
    int programs = 0;
    for (std::size_t i = 0; i < std::size(aggs); ++i)
        for (std::size_t j = 0; j < std::size(aggs); ++j)
            for (std::size_t third = 0; third <= (i == j ? 0u : 1u); ++third)
                for (const char* ctx : contexts) {
                    if (i == j && !third) continue;
                    std::vector<const Agg*> used = {&aggs[i], &aggs[j]};
                    if (third) used.push_back(&aggs[(i + j) % std::size(aggs)]);
                    bool join = false;
                    for (auto* a : used) join = join || std::string(a->filter).find("?c") != std::string::npos;
                    std::string conds = join ? "c(k: ?c)\n       " : "";
                    if (*ctx) conds += std::string(ctx) + "\n       ";
                    std::string outs;
                    for (std::size_t k = 0; k < used.size(); ++k) {
                        std::string over = std::string(used[k]->op) == "count" ? "" : "?x";
                        std::string filter = used[k]->filter;
                        bool on_v = filter.rfind("v:", 0) == 0;
                        std::vector<std::string> parts;
                        if (!over.empty()) parts.push_back("v: ?x" + (on_v ? filter.substr(2) : ""));
                        else if (on_v) parts.push_back(filter);
                        if (!filter.empty() && !on_v) parts.push_back(filter);
                        std::string slots = fmt::format("{}", fmt::join(parts, ", "));
                        std::string call = over.empty() ? fmt::format("count(item({}))", slots)
                                                        : fmt::format("{}(?x, item({}))", used[k]->op, slots);
                        conds += fmt::format("?a{} = {}\n       ", k, call);
                        outs += fmt::format("{}r{}: float(?a{})", k ? ", " : "", k, k);
                    }
                    std::string text = fmt::format(R"(
template item {{ id: int, v: int, k: symbol }}
template c    {{ k: symbol }}
template stop {{ x: int = 0 }}
template flag {{ x: int = 0 }}
template seen {{ r0: float, r1: float, r2: float = -1.0 }}
rule probe {{
  when {}
  then conclude seen({})
}}
)",
                                                   conds, outs);
                    ++programs;
                    auto l = load(text);
                    const Program& p = *l->program;
                    TemplateId item = p.find_template("item")->id;
                    Engine e(p);
                    e.reset();
                    if (join) e.assert_fact(p.find_template("c")->id, vals({Value::symbol("a")}));
                    if (std::string(ctx).find("exists") != std::string::npos)
                        e.assert_fact(p.find_template("flag")->id, vals({Value::integer(0)}));
                    // items: id, v, k
                    std::vector<std::array<int, 3>> live;
                    auto add = [&](int id, int v, int k) {
                        e.assert_fact(item, vals({Value::integer(id), Value::integer(v),
                                                  Value::symbol(k ? "b" : "a")}));
                        live.push_back({id, v, k});
                    };
                    auto find = [&](int id) -> FactId {
                        for (FactId f : e.facts_of(item))
                            if (e.fact(f).values[0].i == id) return f;
                        return kNoFact;
                    };
                    auto verify = [&](const std::string& step) {
                        e.run();
                        std::vector<std::optional<double>> want;
                        bool defined = true;
                        for (auto* a : used) {
                            std::vector<int> vs;
                            for (auto& it : live)
                                if (a->admits(it[1], it[2], join ? 0 : -1)) vs.push_back(it[1]);
                            want.push_back(expected(a->op, vs));
                            defined = defined && want.back().has_value();
                        }
                        auto seen = e.facts_of(p.find_template("seen")->id);
                        INFO(text << "after " << step);
                        if (!defined) {
                            CHECK(seen.empty());
                            return;
                        }
                        REQUIRE(seen.size() == 1);
                        auto got = e.fact(seen[0]).values;
                        for (std::size_t k = 0; k < used.size(); ++k) {
                            INFO("aggregate " << k << " (" << used[k]->op << ")");
                            CHECK(std::abs(got[k].as_double() - *want[k]) < 1e-9);
                        }
                    };
                    add(1, 1, 0);
                    add(2, 3, 0);
                    add(3, 5, 1);
                    add(4, 4, 0);
                    verify("asserts");
                    REQUIRE(e.retract(find(2)));
                    live.erase(live.begin() + 1);
                    verify("retract of item 2");
                    std::pair<SlotIndex, Value> change{1, Value::integer(7)};
                    FactId moved = e.modify(find(1), std::span(&change, 1));
                    REQUIRE(moved != kNoFact);
                    live[0][1] = 7;
                    verify("modify of item 1");
                    std::pair<SlotIndex, Value> to_b{2, Value::symbol("b")};
                    REQUIRE(e.modify(find(4), std::span(&to_b, 1)) != kNoFact);
                    live[2][2] = 1;
                    verify("modify of item 4 to k: b");
                    add(2, 3, 0);
                    verify("re-assert of item 2");
                    for (int id : {1, 2, 3, 4}) {
                        REQUIRE(e.retract(find(id)));
                        live.erase(std::find_if(live.begin(), live.end(), [&](auto& it) { return it[0] == id; }));
                        verify("retract of item " + std::to_string(id));
                    }
                }
    CHECK(programs > 300);
}
