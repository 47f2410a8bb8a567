// program/semantics.hpp: the meaning of slot tests and the aggregate accumulator, shared by the matcher and why-not.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "program/semantics.hpp"

using namespace covenant;

namespace {

bool holds(CmpOp op, const Value& v, const std::vector<Value>& operands) {
    return slot_test_holds(op, v, operands.size(), [&](std::size_t k) -> const Value& { return operands[k]; });
}

AggregateState accumulate(const std::vector<Value>& values, AggOp op, Type result_type) {
    AggregateState s;
    for (const auto& v : values) s.add(v, +1);
    s.compute(op, result_type);
    return s;
}

}  // namespace

TEST_CASE("slot tests: any of, none of, one ordered comparison", "[runtime][semantics]") {
    const Value one = Value::integer(1), two = Value::integer(2), one_f = Value::real(1.0), a = Value::symbol("a");
    CHECK(holds(CmpOp::Eq, one, {two, one_f}));      // numeric equality across int and float
    CHECK_FALSE(holds(CmpOp::Eq, one, {two, a}));
    CHECK_FALSE(holds(CmpOp::Eq, one, {}));
    CHECK(holds(CmpOp::Ne, one, {two, a}));
    CHECK_FALSE(holds(CmpOp::Ne, one, {two, one_f}));
    CHECK(holds(CmpOp::Ne, one, {}));
    CHECK(holds(CmpOp::Lt, one, {two}));
    CHECK(holds(CmpOp::Le, one, {one_f}));
    CHECK_FALSE(holds(CmpOp::Gt, one, {one_f}));
    CHECK(holds(CmpOp::Ge, Value::real(2.5), {two}));
    CHECK(holds(CmpOp::Lt, a, {Value::symbol("b")}));  // symbols by text
    // Incomparable values and a missing operand never match, not even the negated comparison.
    CHECK_FALSE(holds(CmpOp::Lt, a, {one}));
    CHECK_FALSE(holds(CmpOp::Ge, a, {one}));
    CHECK_FALSE(holds(CmpOp::Lt, one, {}));
    // Only the first operand of an ordered comparison counts.
    CHECK(holds(CmpOp::Lt, one, {two, Value::integer(0)}));
}

TEST_CASE("aggregate float sums do not depend on the order of the values", "[runtime][semantics]") {
    std::vector<Value> values = {Value::real(1e16), Value::real(-1e16), Value::real(1.0), Value::real(1.0)};
    std::sort(values.begin(), values.end(), [](const Value& x, const Value& y) { return x.f < y.f; });
    Value first;
    bool have_first = false;
    do {
        AggregateState s = accumulate(values, AggOp::Sum, Type::Float);
        REQUIRE(s.defined);
        if (!have_first) first = s.current;
        have_first = true;
        CHECK(s.current == first);
    } while (std::next_permutation(values.begin(), values.end(),
                                   [](const Value& x, const Value& y) { return x.f < y.f; }));
    // Adds and removals in any interleaving give the value of the multiset that is left.
    AggregateState s;
    for (const auto& v : values) s.add(v, +1);
    s.add(Value::real(7.5), +1);
    s.add(Value::real(7.5), -1);
    s.compute(AggOp::Sum, Type::Float);
    CHECK(s.current == first);
}

TEST_CASE("aggregate results: types and the defined flag", "[runtime][semantics]") {
    const std::vector<Value> ints = {Value::integer(3), Value::integer(-4), Value::integer(3)};
    AggregateState sum = accumulate(ints, AggOp::Sum, Type::Int);
    CHECK(sum.current == Value::integer(2));
    CHECK(accumulate(ints, AggOp::Sum, Type::Float).current == Value::real(2.0));
    CHECK(accumulate(ints, AggOp::Count, Type::Int).current == Value::integer(3));
    CHECK(accumulate(ints, AggOp::Avg, Type::Float).current == Value::real(2.0 / 3.0));
    CHECK(accumulate(ints, AggOp::Min, Type::Int).current == Value::integer(-4));
    CHECK(accumulate(ints, AggOp::Max, Type::Int).current == Value::integer(3));
    CHECK(accumulate(ints, AggOp::Max, Type::Float).current == Value::real(3.0));
    // Removing one of two equal extremes keeps the other.
    AggregateState max;
    for (const auto& v : ints) max.add(v, +1);
    max.add(Value::integer(3), -1);
    max.compute(AggOp::Max, Type::Int);
    CHECK(max.current == Value::integer(3));

    // Of nothing: count and sum are 0, avg/min/max undefined, score 0.0.
    for (AggOp op : {AggOp::Avg, AggOp::Min, AggOp::Max}) CHECK_FALSE(accumulate({}, op, Type::Float).defined);
    CHECK(accumulate({}, AggOp::Count, Type::Int).current == Value::integer(0));
    CHECK(accumulate({}, AggOp::Sum, Type::Int).current == Value::integer(0));
    CHECK(accumulate({}, AggOp::Sum, Type::Float).current == Value::real(0.0));
    AggregateState score = accumulate({}, AggOp::Score, Type::Float);
    CHECK(score.defined);
    CHECK(score.current == Value::real(0.0));
    CHECK(accumulate({Value::real(0.4)}, AggOp::Score, Type::Float).current == Value::real(0.4));

    // Values that are not numbers (what a count is given) are counted but not summed.
    AggregateState count = accumulate({Value(), Value()}, AggOp::Count, Type::Int);
    CHECK(count.current == Value::integer(2));
    CHECK(count.values.empty());
}

TEST_CASE("aggregate result types follow the network compiler's rule", "[runtime][semantics]") {
    CHECK(aggregate_result_type(AggOp::Count, Type::Any, Type::Float) == Type::Int);
    CHECK(aggregate_result_type(AggOp::Avg, Type::Int, Type::Int) == Type::Float);
    CHECK(aggregate_result_type(AggOp::Score, Type::Any, Type::Any) == Type::Float);
    CHECK(aggregate_result_type(AggOp::Sum, Type::Float, Type::Int) == Type::Float);
    CHECK(aggregate_result_type(AggOp::Min, Type::Any, Type::Int) == Type::Int);
}
