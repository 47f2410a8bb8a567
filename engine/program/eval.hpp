// Expression evaluation for `test` conditions and rule actions (semantics in program.hpp: int/float promotion,
// `/` always gives a float, short-circuit and/or, comparisons through compare(), the built-in functions).
#pragma once

#include <string>

#include "program/program.hpp"

namespace covenant {

// A failed evaluation: what went wrong, and where (the sub-expression's span).
struct EvalError {
    std::string message;
    SourceSpan span;
};

// How deeply user-function calls may nest (recursion included) before evaluation stops with a run-time error. Kept
// low enough that the deepest nesting fits a worker thread's stack under the sanitizers.
constexpr int kMaxCallDepth = 200;

// Evaluates `e` with rule variables read from `bindings` (indexed by VarId). Returns false and fills `error` on a
// run-time error (division by zero, an operand of the wrong kind, an integer overflow).
bool evaluate(const Expr& e, const Value* bindings, Value& out, EvalError& error);

// The format spec of an interpolation `{?x:SPEC}` (docs/language.md, "Strings"): [[fill]align][sign][width]
// [.precision][type], align one of < > ^, sign + - or space, width and precision at most three digits, type one of
// f e g (a number as a float), d (an int) or s (the display text). Empty when `spec` is one of these and fits a value
// of type `type` (Any fits all); else the problem in words. The evaluator relies on it: it hands checked specs to fmt.
std::string format_spec_problem(std::string_view spec, Type type);

// Evaluates a boolean test; a run-time error or a non-bool result counts as false and is reported in `error`.
bool evaluate_test(const Expr& e, const Value* bindings, EvalError& error, bool& failed);

}  // namespace covenant
