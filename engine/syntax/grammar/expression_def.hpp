// The expression grammar (tests, slot values, evidence weights). Precedence, loosest first:
//   or < and < not < comparison (== != < <= > >=) < + - < * / < unary - < primary
// Binary levels are left-associative chains (tree::Chain); parse.cpp folds them into binary nodes.
// Only expression.cpp includes this file; the other TUs call `expression` through its BOOST_SPIRIT_DECLARE.
#pragma once

#include "syntax/grammar/lexical_def.hpp"

namespace covenant::grammar {

struct and_expr_id : annotate_position {};
struct not_expr_id : annotate_position {};
struct not_unary_id : annotate_position {};
struct comparison_id : annotate_position {};
struct sum_id : annotate_position {};
struct product_id : annotate_position {};
struct unary_id : annotate_position {};
struct negation_expr_id : annotate_position {};
struct primary_id : annotate_position {};
struct call_id : annotate_position {};
struct parenthesized_id;  // not annotated: a parenthesised expression keeps the span of its inside
struct or_tail_id : annotate_position {};
struct and_tail_id : annotate_position {};
struct comparison_tail_id : annotate_position {};
struct sum_tail_id : annotate_position {};
struct product_tail_id : annotate_position {};
struct list_literal_id : annotate_position {};
struct list_close_id;
struct call_close_id;
struct paren_close_id;
struct comparison_op_id;

const x3::rule<and_expr_id, tree::Chain> and_expr = "an expression";
const x3::rule<not_expr_id, tree::Term> not_expr = "an expression";
const x3::rule<not_unary_id, tree::Unary> not_unary = "an expression";
const x3::rule<comparison_id, tree::Chain> comparison = "an expression";
const x3::rule<sum_id, tree::Chain> sum = "an expression";
const x3::rule<product_id, tree::Chain> product = "an expression";
const x3::rule<unary_id, tree::Term> unary = "an expression";
const x3::rule<negation_expr_id, tree::Unary> negation_expr = "an expression";
const x3::rule<primary_id, tree::Term> primary = "an expression";
const x3::rule<call_id, tree::Call> call = "a function call";
const x3::rule<parenthesized_id, tree::Chain> parenthesized = "a parenthesised expression";
const x3::rule<or_tail_id, tree::Operation> or_tail = "an expression";
const x3::rule<and_tail_id, tree::Operation> and_tail = "an expression";
const x3::rule<comparison_tail_id, tree::Operation> comparison_tail = "an expression";
const x3::rule<sum_tail_id, tree::Operation> sum_tail = "an expression";
const x3::rule<product_tail_id, tree::Operation> product_tail = "an expression";
const x3::rule<list_literal_id, tree::ListLit> list_literal = "a list such as [a, b]";
const x3::rule<list_close_id> list_close = "']' to close the list";
const x3::rule<call_close_id> call_close = "')' to close the call";
const x3::rule<paren_close_id> paren_close = "')' to close the parenthesis";
const x3::rule<comparison_op_id, std::string> comparison_op = "a comparison operator";

// `or (...)` and `and (...)` are also conditions (docs/language.md §5.7). After a `test`, the expression's `or` /
// `and` stops where what follows the '(' can only be a condition: a pattern (`name(` then `)` or `slot:`), `test`,
// a binding (`?f <-`, `?n =`), or `not` / `exists` / `forall` / `or` / `and` before one of these. None of them can
// start an expression, so no expression loses a meaning.
struct condition_start_id;
const x3::rule<condition_start_id> condition_start = "a condition";
inline const auto pattern_start = x3::omit[identifier_text] >> '(' >> (x3::lit(')') | (x3::omit[identifier_text] >> ':'));
inline const auto condition_start_def =
    keyword("test") | (x3::lit('?') >> x3::omit[variable_text] >> (x3::lit("<-") | (x3::lit('=') >> !x3::lit('=')))) |
    pattern_start |
    ((keyword("not") | keyword("exists") | keyword("forall") | keyword("or") | keyword("and")) >>
     (pattern_start | (x3::lit('(') >> condition_start)));
BOOST_SPIRIT_DEFINE(condition_start)
inline const auto condition_keyword_ahead = (keyword("or") | keyword("and")) >> x3::lit('(') >> condition_start;
inline const auto expression_def = and_expr >> *or_tail;
inline const auto or_tail_def = !condition_keyword_ahead >> keyword_text("or") > and_expr;
inline const auto and_expr_def = not_expr >> *and_tail;
inline const auto and_tail_def = !condition_keyword_ahead >> keyword_text("and") > not_expr;
inline const auto not_expr_def = not_unary | comparison;
inline const auto not_unary_def = keyword_text("not") > not_expr;
inline const auto comparison_def = sum >> *comparison_tail;
// Two-character operators first; `<-` is not an operator here (it only follows a fact variable in a rule's `when`).
// `in` (membership in a list) binds like a comparison: `?x in ?members and ...`.
inline const auto comparison_op_def = x3::string("==") | x3::string("!=") | x3::string("<=") | x3::string(">=") |
                                      x3::string("<") | x3::string(">") | keyword_text("in");
inline const auto comparison_tail_def = comparison_op > sum;
inline const auto sum_def = product >> *sum_tail;
inline const auto sum_tail_def = (x3::string("+") | x3::string("-")) > product;
inline const auto product_def = unary >> *product_tail;
inline const auto product_tail_def = (x3::string("*") | x3::string("/")) > unary;
// A negative number literal is a primary (`-5`); `-` before anything else is the unary minus.
inline const auto unary_def = primary | negation_expr;
// `..?rest` spreads a list: in a list pattern (`args: [?first, ..?rest]`) and in a list literal; elsewhere the
// checker refuses it.
inline const auto negation_expr_def = (x3::string("-") | x3::string("..")) > unary;
inline const auto call_close_def = x3::lit(')');
inline const auto list_close_def = x3::lit(']');
inline const auto list_literal_def = x3::string("[") > -(expression % ',') > list_close;
inline const auto paren_close_def = x3::lit(')');
inline const auto call_def = identifier >> x3::lit('(') > -(expression % ',') > call_close;
inline const auto parenthesized_def = x3::lit('(') > expression > paren_close;
inline const auto arith_expression_def = product >> *sum_tail;
inline const auto primary_def =
    call | variable | number | string_literal | boolean | identifier | parenthesized | list_literal;

BOOST_SPIRIT_DEFINE(expression, arith_expression, or_tail, and_expr, and_tail, not_expr, not_unary, comparison, comparison_op,
                    comparison_tail, sum, sum_tail, product, product_tail, unary, negation_expr, call_close,
                    list_close, list_literal,
                    paren_close, call, parenthesized, primary)

}  // namespace covenant::grammar
