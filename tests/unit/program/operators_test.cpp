// The operators module (program/operators.hpp) and the slot tests built on it (program/semantics.hpp): text both
// ways, and what the comparisons mean on Values.
#include <catch2/catch.hpp>

#include <cmath>

#include "program/operators.hpp"
#include "program/semantics.hpp"

using namespace covenant;

TEST_CASE("operator text reads back as the operator", "[program]") {
    for (CmpOp op : {CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge}) {
        CHECK(cmp_op_from_text(cmp_op_text(op)) == op);
        CHECK(cmp_op_of(expr_op_of(op)) == op);
        CHECK(binary_op_from_text(cmp_op_text(op)) == expr_op_of(op));
        CHECK(std::string(expr_op_text(expr_op_of(op))) == cmp_op_text(op));
    }
    CHECK(std::string(cmp_op_text(CmpOp::Eq)) == "==");
    CHECK(std::string(cmp_op_dump_text(CmpOp::Eq)) == "=");  // the network dump's spelling
    CHECK(std::string(cmp_op_dump_text(CmpOp::Ge)) == ">=");
    CHECK_FALSE(cmp_op_from_text("="));
    CHECK_FALSE(cmp_op_from_text("=<"));
    for (ExprOp op : {ExprOp::Add, ExprOp::Sub, ExprOp::Mul, ExprOp::Div, ExprOp::And, ExprOp::Or})
        CHECK(binary_op_from_text(expr_op_text(op)) == op);
    CHECK(unary_op_from_text("-") == ExprOp::Neg);
    CHECK(unary_op_from_text("not") == ExprOp::Not);
    CHECK_FALSE(unary_op_from_text("+"));
    CHECK_FALSE(binary_op_from_text("not"));
    CHECK_FALSE(is_comparison(ExprOp::Add));
    CHECK(is_comparison(ExprOp::Ge));
    for (AggOp op : {AggOp::Count, AggOp::Sum, AggOp::Min, AggOp::Max, AggOp::Avg, AggOp::Collect})
        CHECK(agg_op_from_name(agg_op_name(op)) == op);
    CHECK(agg_op_name(AggOp::Score) == "score");
    CHECK_FALSE(agg_op_from_name("score"));
    CHECK(aggregate_function_names() == std::vector<std::string>{"count", "sum", "min", "max", "avg", "collect"});
}

TEST_CASE("comparisons on values: numbers across int and float, no order between kinds", "[program]") {
    Value one = Value::integer(1), one_f = Value::real(1.0), two = Value::integer(2);
    Value sym = Value::symbol("a");
    CHECK(compare_values(CmpOp::Eq, one, one_f) == true);
    CHECK(compare_values(CmpOp::Ne, one, two) == true);
    CHECK(compare_values(CmpOp::Lt, one, two) == true);
    CHECK(compare_values(CmpOp::Ge, one, one_f) == true);
    CHECK(compare_values(CmpOp::Gt, one, two) == false);
    CHECK_FALSE(compare_values(CmpOp::Lt, one, sym).has_value());
    CHECK(compare_values(CmpOp::Eq, one, sym) == false);
    CHECK(bound_holds(CmpOp::Le, 3.0, 3.0));
    CHECK_FALSE(bound_holds(CmpOp::Ge, std::nan(""), 0.0));
    CHECK(bound_holds<std::int64_t>(CmpOp::Lt, -1, 0));

    // Slot tests: Eq is "one of", Ne "none of", an order test uses the first operand and fails when incomparable.
    std::vector<Value> ops = {two, one_f};
    CHECK(slot_values_pass(CmpOp::Eq, one, ops));
    CHECK_FALSE(slot_values_pass(CmpOp::Ne, one, ops));
    CHECK(slot_values_pass(CmpOp::Lt, one, ops));
    CHECK_FALSE(slot_values_pass(CmpOp::Lt, sym, ops));
    CHECK_FALSE(slot_values_pass(CmpOp::Eq, one, {}));
    CHECK(slot_values_pass(CmpOp::Ne, one, {}));
    CHECK_FALSE(slot_values_pass(CmpOp::Ge, one, {}));
}
