// Why-not re-matches a rule without the Rete network; its aggregates must still have exactly the value the engine's
// aggregate node bound (issue 9: both use program/semantics.hpp). Each test reads the engine's value from
// Engine::matches() of a rule without further conditions, then asks why-not about a rule whose aggregate is followed by
// a condition that never holds: the search gets past the aggregate only when its value equals the engine's.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "explain/whynot.hpp"
#include "support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

// `seen` concludes the aggregate's value; `gated` computes the same aggregate and then needs a gate that is closed.
std::string rules_for(const std::string& op, const std::string& slot_type) {
    std::string result_type = op == "count" ? "int" : op == "avg" ? "float" : slot_type;
    std::string aggregate = op == "count" ? "count(item(v: ?v))" : op + "(?v, item(v: ?v))";
    return fmt::format(R"(
template item {{ v: {1} }}
template gate {{ open: bool }}
template seen {{ s: {2} }}
template total {{ s: {2} }}

rule seen "The aggregate as the engine binds it" {{
  when ?s = {0}
  then conclude seen(s: ?s)
}}
rule gated "The same aggregate, then a closed gate" {{
  when ?s = {0}
       gate(open: true)
  then conclude total(s: ?s)
}}
)",
                       aggregate, slot_type, result_type);
}

// Facts are a set: equal items are one fact, so every test's items differ.
struct AggSession : Session {
    AggSession(const std::string& op, const std::string& slot_type, const std::vector<Value>& items)
        : Session(rules_for(op, slot_type)) {
        for (const auto& v : items) engine->assert_fact(tmpl("item"), std::vector<Value>{v});
        engine->assert_fact(tmpl("gate"), std::vector<Value>{Value::boolean(false)});
        engine->run();
    }

    // ?s of the `seen` match, or nothing when the aggregate is undefined (no match).
    std::optional<Value> engine_value() const {
        std::optional<Value> out;
        for (const auto& m : engine->matches()) {
            const Rule& r = program->rules[m.rule];
            if (r.name != "seen") continue;
            for (std::size_t v = 0; v < r.vars.size(); ++v)
                if (r.vars[v].name == "s") out = m.bindings[v];
        }
        return out;
    }

    // Why-not for total(s: value), through the `gated` rule.
    WhyNotRule gated(const Value& value) {
        WhyNotReport report = why_not(*engine, sm, target("total", {{"s", value}}));
        REQUIRE_FALSE(report.holds);
        const WhyNotRule* r = rule_in(report, "gated");
        REQUIRE(r != nullptr);
        return *r;
    }
};

// The engine's value, checked to be exactly the one why-not computes: with ?s pre-bound to it, the search passes the
// aggregate (1 condition matched) and stops at the gate.
Value agreed_value(AggSession& s) {
    std::optional<Value> bound = s.engine_value();
    REQUIRE(bound.has_value());
    WhyNotRule r = s.gated(*bound);
    INFO("engine: " << to_source(*bound) << "; why-not: " << r.failure);
    CHECK(r.conditions_matched == 1);
    CHECK(contains(r.failed_condition, "gate(open: true)"));
    return *bound;
}

}  // namespace

TEST_CASE("why-not sums floats as the engine does, whatever the order of the facts", "[explain][semantics]") {
    // In fact order 1e16 + -1e16 + 1.0 = 1.0; in value order (-1e16 + 1.0) + 1e16 = 0.0, because 1.0 is lost next to
    // 1e16. The engine sums in value order (the sum cannot depend on the order of asserts and retracts).
    AggSession s("sum", "float", {Value::real(1e16), Value::real(-1e16), Value::real(1.0)});
    Value v = agreed_value(s);
    CHECK(v.type == Type::Float);
    CHECK(v.f == 0.0);
    // Asked about the fact-order sum, why-not names the value the engine bound.
    WhyNotRule r = s.gated(Value::real(1.0));
    CHECK(r.conditions_matched == 0);
    CHECK(r.failure == "it gives ?s = 0, the target needs 1");
}

TEST_CASE("why-not averages large ints as the engine does", "[explain][semantics]") {
    // The engine sums ints exactly (2^53 + 3, which becomes the double 2^53 + 4) before dividing; adding them as
    // doubles in fact order gives 2^53 + 2, as 2^53 + 1 rounds to 2^53.
    const std::int64_t big = std::int64_t{1} << 53;
    AggSession s("avg", "int", {Value::integer(big), Value::integer(1), Value::integer(2)});
    Value v = agreed_value(s);
    CHECK(v.type == Type::Float);
    CHECK(v.f == static_cast<double>(big + 3) / 3.0);
}

TEST_CASE("why-not gives aggregates the engine's result types", "[explain][semantics]") {
    struct Case {
        const char* op;
        const char* slot;
        std::vector<Value> items;
        Type type;
        double value;
    };
    const std::vector<Case> cases = {
        {"sum", "int", {Value::integer(2), Value::integer(5)}, Type::Int, 7},
        {"sum", "float", {Value::real(2.5), Value::real(0.25)}, Type::Float, 2.75},
        {"sum", "int", {}, Type::Int, 0},
        {"count", "float", {Value::real(2.5), Value::real(3.5)}, Type::Int, 2},
        {"count", "int", {}, Type::Int, 0},
        {"min", "int", {Value::integer(4), Value::integer(-3), Value::integer(9)}, Type::Int, -3},
        {"max", "int", {Value::integer(4), Value::integer(-3), Value::integer(9)}, Type::Int, 9},
        {"min", "float", {Value::real(0.5), Value::real(-0.25)}, Type::Float, -0.25},
        {"max", "float", {Value::real(0.5), Value::real(-0.25)}, Type::Float, 0.5},
        {"avg", "int", {Value::integer(1), Value::integer(2)}, Type::Float, 1.5},
        {"avg", "float", {Value::real(0.5), Value::real(1.0)}, Type::Float, 0.75},
    };
    for (const auto& c : cases) {
        INFO(c.op << " over " << c.slot << " with " << c.items.size() << " items");
        AggSession s(c.op, c.slot, c.items);
        Value v = agreed_value(s);
        CHECK(v.type == c.type);
        CHECK(v.as_double() == c.value);
    }
}

TEST_CASE("why-not says there is nothing to aggregate where the engine has no value", "[explain][semantics]") {
    for (const char* op : {"avg", "min", "max"}) {
        INFO(op);
        AggSession s(op, "float", {});
        CHECK_FALSE(s.engine_value().has_value());
        WhyNotRule r = s.gated(Value::real(0.0));
        CHECK(r.conditions_matched == 0);
        CHECK(contains(r.failure, "nothing to aggregate: "));
    }
}
