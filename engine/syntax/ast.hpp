// The abstract syntax tree of a rule file, as the parser produces it: names are still text, nothing is resolved or
// type-checked (that is the checker's job, engine/check). Every node carries the SourceSpan it was parsed from.
// Plain data; this header includes no Spirit header (the grammar uses its own internal AST and converts to this one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/source.hpp"

namespace covenant::ast {

struct Identifier {
    std::string name;  // for dotted pack names, the whole "examples.family"
    SourceSpan span;
};

struct Variable {
    std::string name;  // without the leading '?'
    SourceSpan span;
};

struct Literal {
    enum class Kind { Symbol, String, Int, Float, Bool, List };
    Kind kind = Kind::Symbol;
    std::vector<Literal> items;  // List: made by the checker's pass 0 from a list of literals `[a, b]`
    std::string text;       // Symbol: the name; String: the content with escapes already decoded (`{` kept as is
                            // for interpolation, `\{` decoded to a marker: see `escaped_braces`)
    std::int64_t int_value = 0;
    double float_value = 0;
    bool bool_value = false;
    // Byte offsets in `text` of '{' characters that were written as "\{" and so do not start an interpolation.
    std::vector<std::uint32_t> escaped_braces;
    SourceSpan span;
};

// Expressions: literals, variables, unary/binary operators, function calls.
struct Expr {
    enum class Kind { Literal, Variable, Unary, Binary, Call, List };
    Kind kind = Kind::Literal;
    Literal literal;          // Literal
    Variable variable;        // Variable
    std::string op;  // Unary: "-", "not"; Binary: "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"
    Identifier function;      // Call
    std::vector<Expr> args;   // Unary: 1; Binary: 2; Call: the arguments; List: the items
    SourceSpan span;
};

// An operand of a slot test: a literal, a variable, or an arithmetic expression (`< LIMIT * 0.75`). The checker's
// pass 0 folds an expression without variables into a literal (is_expression becomes false); one with variables is
// reported there.
struct Operand {
    bool is_variable = false;
    bool is_expression = false;
    Literal literal;
    Variable variable;
    Expr expression;  // is_expression
    SourceSpan span;
};

enum class CmpOp { Eq, Ne, Lt, Le, Gt, Ge, Has };

// One `slot: constraint` inside a pattern. Forms and how they are stored:
//   name: ann            op = Eq,  values = [ann]
//   kind: a | b          op = Eq,  values = [a, b]          (one of these)
//   kind: != a | b       op = Ne,  values = [a, b]          (none of these)
//   born: < 1960         op = Lt,  values = [1960]
//   of: ?x               variable = x, no op
//   born: ?b < 1960      variable = b, op = Lt, values = [1960]   (binds ?b, then tests it)
//   born: > ?y           op = Gt,  values = [?y]
//   members: has a | b   op = Has, values = [a, b]          (a list slot holding one of these)
// One item of a list pattern: a value to match (a literal, a variable, or a constant expression, as a slot test's
// Operand), or with `rest` the `..?name` that takes the items the others leave.
struct ListItem {
    Operand value;
    bool rest = false;
};

struct SlotConstraint {
    Identifier slot;
    std::optional<Variable> variable;
    std::optional<CmpOp> op;
    std::vector<Operand> values;
    // `args: [ladder, ?place]`, `stack: [?top, ..?rest]`: a list written with a variable or a `..` item is a list
    // pattern, matched item by item (docs/language.md §3.4); op and values are then empty. A list of values only
    // (`members: [us, fr]`) stays an equality test.
    bool is_list_pattern = false;
    std::vector<ListItem> list;
    SourceSpan span;
};

struct Pattern {
    std::optional<Variable> fact_variable;  // ?f <- pattern
    Identifier template_name;
    std::vector<SlotConstraint> slots;
    SourceSpan span;
};

struct Condition {
    // Forall: `forall (P C...)`, for every match of P the Cs hold. Or: `or (A B ...)`, each element a branch (an
    // `and (...)` for a branch of several conditions). And: `and (...)`, a conjunction.
    enum class Kind { Pattern, Not, Exists, Test, Aggregate, Score, Forall, Or, And };
    Kind kind = Kind::Pattern;
    Pattern pattern;               // Pattern; Aggregate: the pattern aggregated over
    std::vector<Condition> group;  // Not, Exists, Forall, Or, And: the conditions inside (`not p` is a group of one)
    Expr test;                     // Test
    Variable result;               // Aggregate, Score: ?v = ...
    Identifier function;           // Aggregate: count | sum | min | max | avg
    std::optional<Variable> over;  // Aggregate: the ?x of sum(?x, pattern); none for count
    Identifier predicate;          // Score: trust in score(trust(?p))
    std::vector<Operand> args;     // Score: its arguments
    SourceSpan span;
};

struct SlotValue {
    Identifier slot;
    Expr value;
    SourceSpan span;
};

// template(slot: value, ...) in a facts block or an assert/conclude action.
struct FactTerm {
    Identifier template_name;
    std::vector<SlotValue> slots;
    SourceSpan span;
};

struct Action {
    enum class Kind { Assert, Conclude, Retract, Modify, Evidence, Print, Halt };
    Kind kind = Kind::Assert;
    FactTerm fact;                      // Assert, Conclude
    Variable target;                    // Retract, Modify: ?f
    std::vector<SlotValue> changes;     // Modify
    Identifier predicate;               // Evidence
    std::vector<Expr> args;             // Evidence: predicate arguments
    Expr weight;                        // Evidence
    std::optional<Literal> text;        // Evidence: the reason; Print: the text (a String literal)
    SourceSpan span;
};

enum class RuleKind { Rule, Norm, Criterion, Interest };

struct Rule {
    RuleKind kind = RuleKind::Rule;
    Identifier name;
    std::optional<Literal> doc;
    std::optional<Expr> salience;  // a constant expression: `salience HIGH + 1`
    std::vector<Condition> conditions;
    std::vector<Action> actions;
    SourceSpan span;  // from the keyword to the closing brace
};

struct TypeRef {
    enum class Kind { Symbol, String, Int, Float, Bool, OneOf, Ref, List };
    Kind kind = Kind::Symbol;
    Kind element = Kind::Symbol;  // List: the items' type (Symbol, String, Int, Float or Bool)
    std::vector<Identifier> one_of;
    Identifier ref;  // Ref: the template referred to (`ref person`)
    SourceSpan span;
};

// One bound of a slot's range: `>= 1` is op Ge with bound 1. `in [0, 1]` gives two (Ge 0, Le 1); `(` and `)` give
// Gt and Lt. The bound is a number literal, or a symbol literal naming a constant (substituted by the checker) or a
// key of the case file's header (`as_of`).
struct RangeLimit {
    CmpOp op = CmpOp::Ge;
    Literal bound;
    SourceSpan span;
};

struct SlotDecl {
    Identifier name;
    TypeRef type;
    std::vector<RangeLimit> range;     // all must hold
    std::optional<Identifier> from;    // `from as_of`: filled from this key of the case file's header
    std::optional<Literal> default_value;
    SourceSpan span;
};

// function NAME ["doc"] (?a: TYPE, ...) [: TYPE] = EXPR: a pure function of its parameters, callable in any
// expression of a rule (and in other functions' bodies, recursion included).
struct Param {
    Variable var;
    TypeRef type;  // a simple type: symbol, string, int, float or bool
    SourceSpan span;
};

struct Function {
    Identifier name;
    std::optional<Literal> doc;
    std::vector<Param> params;
    std::optional<TypeRef> result;
    Expr body;
    SourceSpan span;
};

struct Template {
    Identifier name;
    std::optional<Literal> doc;
    std::vector<SlotDecl> slots;
    SourceSpan span;
};

struct FactsBlock {
    std::vector<FactTerm> facts;
    SourceSpan span;
};

struct PackDecl {
    Identifier name;
    std::optional<Literal> doc;
    SourceSpan span;
};

struct Use {
    Identifier pack;
    SourceSpan span;
};

// const NAME = EXPR ["doc"]: a named value. EXPR is a constant expression (literals, earlier constants, operators,
// builtin functions); wherever a bare name (a symbol literal) in a rule or fact equals a constant's name, the
// checker substitutes the constant's value.
struct Constant {
    Identifier name;
    Expr value;
    std::optional<Literal> doc;
    SourceSpan span;
};

// report ROLE TARGET [(SLOT, ...)] ["label"]: tells the domain layer (classification, consult, tests and reports)
// what a pack's conclusions are. The roles (subject, conclusion, finding, score) and what each needs are checked by
// the checker (docs/language.md §12).
struct ReportDecl {
    Identifier role;
    Identifier target;
    std::vector<Identifier> slots;
    std::optional<Literal> label;
    SourceSpan span;
};

// One parsed file. Definitions of each kind keep their order in the file (rule order breaks agenda ties).
struct Unit {
    FileId file = 0;
    std::optional<PackDecl> pack;
    std::vector<Use> uses;
    std::vector<Constant> constants;
    std::vector<Template> templates;
    std::vector<FactsBlock> facts;
    std::vector<Rule> rules;
    std::vector<ReportDecl> reports;
    std::vector<Function> functions;
};

}  // namespace covenant::ast
