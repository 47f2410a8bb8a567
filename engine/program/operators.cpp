#include "program/operators.hpp"

#include <array>
#include <utility>

namespace covenant {

namespace {

// The language's spelling of each comparison, in CmpOp order; cmp_op_text and cmp_op_from_text both read it.
constexpr std::array<const char*, 6> kCmpText = {"==", "!=", "<", "<=", ">", ">="};

// The aggregates a rule calls by name, in the order messages list them (score has its own syntax).
constexpr std::array<std::pair<std::string_view, AggOp>, 6> kAggregates = {{
    {"count", AggOp::Count}, {"sum", AggOp::Sum}, {"min", AggOp::Min},
    {"max", AggOp::Max},     {"avg", AggOp::Avg}, {"collect", AggOp::Collect},
}};

}  // namespace

const char* cmp_op_text(CmpOp op) { return op == CmpOp::Has ? "has" : kCmpText[static_cast<std::size_t>(op)]; }

const char* cmp_op_dump_text(CmpOp op) { return op == CmpOp::Eq ? "=" : cmp_op_text(op); }

std::optional<CmpOp> cmp_op_from_text(std::string_view text) {
    for (std::size_t k = 0; k < kCmpText.size(); ++k)
        if (text == kCmpText[k]) return static_cast<CmpOp>(k);
    return std::nullopt;
}

ExprOp expr_op_of(CmpOp op) {
    switch (op) {
        case CmpOp::Eq: return ExprOp::Eq;
        case CmpOp::Ne: return ExprOp::Ne;
        case CmpOp::Lt: return ExprOp::Lt;
        case CmpOp::Le: return ExprOp::Le;
        case CmpOp::Gt: return ExprOp::Gt;
        case CmpOp::Ge: return ExprOp::Ge;
        case CmpOp::Has: return ExprOp::In;  // not an expression operator; `x in list` is its reading
    }
    return ExprOp::Eq;
}

std::optional<CmpOp> cmp_op_of(ExprOp op) {
    switch (op) {
        case ExprOp::Eq: return CmpOp::Eq;
        case ExprOp::Ne: return CmpOp::Ne;
        case ExprOp::Lt: return CmpOp::Lt;
        case ExprOp::Le: return CmpOp::Le;
        case ExprOp::Gt: return CmpOp::Gt;
        case ExprOp::Ge: return CmpOp::Ge;
        default: return std::nullopt;
    }
}

std::optional<bool> compare_values(CmpOp op, const Value& a, const Value& b) {
    if (op == CmpOp::Eq) return equal_for_match(a, b);
    if (op == CmpOp::Ne) return !equal_for_match(a, b);
    bool comparable = false;
    int c = compare(a, b, comparable);
    if (!comparable) return std::nullopt;
    return order_holds(op, c);
}

const char* expr_op_text(ExprOp op) {
    if (auto cmp = cmp_op_of(op)) return cmp_op_text(*cmp);
    switch (op) {
        case ExprOp::Add: return "+";
        case ExprOp::Sub: return "-";
        case ExprOp::Mul: return "*";
        case ExprOp::Div: return "/";
        case ExprOp::And: return "and";
        case ExprOp::Or: return "or";
        case ExprOp::In: return "in";
        case ExprOp::Neg: return "-";
        case ExprOp::Not: return "not";
        case ExprOp::Spread: return "..";
        default: return "";
    }
}

std::optional<ExprOp> binary_op_from_text(std::string_view text) {
    if (auto cmp = cmp_op_from_text(text)) return expr_op_of(*cmp);
    for (ExprOp op : {ExprOp::Add, ExprOp::Sub, ExprOp::Mul, ExprOp::Div, ExprOp::And, ExprOp::Or, ExprOp::In})
        if (text == expr_op_text(op)) return op;
    return std::nullopt;
}

std::optional<ExprOp> unary_op_from_text(std::string_view text) {
    for (ExprOp op : {ExprOp::Neg, ExprOp::Not})
        if (text == expr_op_text(op)) return op;
    return std::nullopt;
}

std::string_view agg_op_name(AggOp op) {
    if (op == AggOp::Score) return "score";
    for (const auto& [name, agg] : kAggregates)
        if (agg == op) return name;
    return "count";
}

std::optional<AggOp> agg_op_from_name(std::string_view name) {
    for (const auto& [text, agg] : kAggregates)
        if (text == name) return agg;
    return std::nullopt;
}

const std::vector<std::string>& aggregate_function_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& entry : kAggregates) out.emplace_back(entry.first);
        return out;
    }();
    return names;
}

}  // namespace covenant
