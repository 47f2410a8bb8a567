// The operators of the language, written once: their text both ways (the checker reads the parser's text with the
// *_from_text functions, every printer and message writes it with the *_text ones) and what a comparison means on
// Values. The operator enums themselves (CmpOp, ExprOp, AggOp) are in program.hpp with the data that holds them; the
// parser keeps operators as text (syntax/ast.hpp, a stage below this one) and the checker converts them here.
// The slot tests and aggregates built on these are in program/semantics.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/value.hpp"
#include "program/program.hpp"

namespace covenant {

// ---- comparison operators (slot tests, slot ranges, comparisons in expressions) ----

// As written in the language: "==", "!=", "<", "<=", ">", ">=". Every message, the program printer and why-not use
// this spelling.
const char* cmp_op_text(CmpOp op);

// The Rete network's debug dump (rete/network.cpp, `covenant run --dump-network`) writes equality as "=" where the
// language writes "==": its output is pinned by golden tests, so it keeps its own spelling; the other operators are
// as cmp_op_text gives them.
const char* cmp_op_dump_text(CmpOp op);

// The operator a text names ("==" -> Eq), as cmp_op_text writes it; nullopt for any other text.
std::optional<CmpOp> cmp_op_from_text(std::string_view text);

// The expression operator of a comparison (Lt -> ExprOp::Lt), and back (nullopt for a non-comparison).
ExprOp expr_op_of(CmpOp op);
std::optional<CmpOp> cmp_op_of(ExprOp op);

// Whether an order test holds given compare()'s three-way result c (< 0, 0, > 0): Lt c < 0, Le c <= 0, Gt c > 0,
// Ge c >= 0; Eq c == 0 and Ne c != 0. Inline: the matcher calls it for every numeric join candidate.
inline bool order_holds(CmpOp op, int c) {
    switch (op) {
        case CmpOp::Eq: return c == 0;
        case CmpOp::Ne: return c != 0;
        case CmpOp::Lt: return c < 0;
        case CmpOp::Le: return c <= 0;
        case CmpOp::Gt: return c > 0;
        case CmpOp::Ge: return c >= 0;
        case CmpOp::Has: return false;  // not an order (semantics.hpp tests it)
    }
    return false;
}

// `x OP y` on two numbers of one C++ type (int64 or double), as slot ranges check their bounds: the C++ operator
// itself, so a NaN satisfies no bound.
template <typename T>
inline bool bound_holds(CmpOp op, T x, T y) {
    switch (op) {
        case CmpOp::Eq: return x == y;
        case CmpOp::Ne: return x != y;
        case CmpOp::Lt: return x < y;
        case CmpOp::Le: return x <= y;
        case CmpOp::Gt: return x > y;
        case CmpOp::Ge: return x >= y;
        case CmpOp::Has: return false;
    }
    return false;
}

// `a OP b` on two Values, as rules compare: Eq and Ne by equal_for_match (numbers across int and float), the order
// tests by compare(). nullopt when an order test compares values that have no order between them (a symbol and a
// number); Eq and Ne always have an answer.
std::optional<bool> compare_values(CmpOp op, const Value& a, const Value& b);

// ---- expression operators ----

// As written in the language: "+", "==", "and", "not", ... ("-" for both Sub and Neg; "" for None).
const char* expr_op_text(ExprOp op);

// The binary operator a text names ("+" -> Add, "==" -> Eq, "and" -> And); nullopt for any other text.
std::optional<ExprOp> binary_op_from_text(std::string_view text);

// The unary operator a text names ("-" -> Neg, "not" -> Not); nullopt for any other text.
std::optional<ExprOp> unary_op_from_text(std::string_view text);

// Eq, Ne, Lt, Le, Gt, Ge: the operators whose value is a comparison's truth.
inline bool is_comparison(ExprOp op) { return cmp_op_of(op).has_value(); }

// ---- aggregates ----

// "count", "sum", "min", "max", "avg", "score", "collect".
std::string_view agg_op_name(AggOp op);

// The aggregate a name in a rule calls: count, sum, min, max, avg, collect (not score, which has its own syntax).
std::optional<AggOp> agg_op_from_name(std::string_view name);

// The names agg_op_from_name accepts, in the order messages list them.
const std::vector<std::string>& aggregate_function_names();

}  // namespace covenant
