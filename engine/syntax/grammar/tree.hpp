// The grammar's internal syntax tree: what the X3 rules fill, before parse.cpp converts it into the public ast::
// structs (engine/syntax/ast.hpp) with SourceSpans. Private to engine/syntax/grammar: nothing outside includes it.
//
// Shapes are chosen for X3's attribute rules, not for later stages: nodes derive x3::position_tagged so the
// annotation handler (grammar_def.hpp) can record where each was parsed; single-field nodes have a converting
// constructor instead of a Fusion adapter (X3 mishandles one-element Fusion sequences); recursive nodes go through
// x3::forward_ast. Literals keep their raw text (numbers, string bodies with escapes) so that range errors and escapes
// are reported by the converter with exact spans instead of failing the parse.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace covenant::grammar::tree {

namespace x3 = boost::spirit::x3;

// An identifier, a dotted pack name or a bare symbol.
struct Name : x3::position_tagged {
    Name(std::string t = {}) : text(std::move(t)) {}
    std::string text;
};

// ?name; `text` excludes the '?'.
struct Var : x3::position_tagged {
    Var(std::string t = {}) : text(std::move(t)) {}
    std::string text;
};

// The digits as written ("-12", "0.35", "1e5"); parse.cpp validates and converts them.
struct Number : x3::position_tagged {
    Number(std::string t = {}) : text(std::move(t)) {}
    std::string text;
};

// The text between the quotes, escapes not yet decoded (the grammar has already checked them).
struct String : x3::position_tagged {
    String(std::string t = {}) : raw(std::move(t)) {}
    std::string raw;
};

struct Bool : x3::position_tagged {
    Bool(bool v = false) : value(v) {}
    bool value;
};

using Literal = x3::variant<Number, String, Bool, Name>;
using Operand = x3::variant<Var, Number, String, Bool, Name>;

// ---- expressions (one Chain per precedence level, as in the X3 calc examples) ----
struct Call;
struct Unary;
struct Chain;
struct ListLit;

using Term = x3::variant<Var, Number, String, Bool, Name, x3::forward_ast<Call>, x3::forward_ast<Unary>,
                         x3::forward_ast<Chain>, x3::forward_ast<ListLit>>;

// `op operand` following the first operand of a chain; its span runs from the operator to the operand's end.
struct Operation : x3::position_tagged {
    std::string op;
    Term operand;
};

// first op1 operand1 op2 operand2 ... : all at one precedence level, left-associative.
struct Chain : x3::position_tagged {
    Term first;
    std::vector<Operation> rest;
};

struct Unary : x3::position_tagged {
    std::string op;
    Term operand;
};

struct Call : x3::position_tagged {
    Name function;
    std::vector<Chain> args;
};

// [a, b, c]: `open` is the "[" (a second field, so that X3 fills the struct as a sequence).
struct ListLit : x3::position_tagged {
    std::string open;
    std::vector<Chain> items;
};

// ---- patterns and conditions ----

// A comparison or a list of alternatives: op is "" for `a | b`, else "!=", "<", "<=", ">", ">=".
// Each value is an arithmetic expression (the `+ -` level and tighter); a lone literal or variable is the usual case.
struct Test : x3::position_tagged {
    std::string op;
    std::vector<Chain> values;
};

// ?x, optionally followed by a test on it.
struct BoundTest : x3::position_tagged {
    Var var;
    boost::optional<Test> test;
};

using ConstraintBody = x3::variant<BoundTest, Test>;

struct SlotConstraint : x3::position_tagged {
    Name slot;
    ConstraintBody body;
};

struct Pattern : x3::position_tagged {
    Name template_name;
    std::vector<SlotConstraint> slots;
};

// count(pattern), or sum/min/max/avg(?x, pattern)
struct Aggregate : x3::position_tagged {
    Name function;
    boost::optional<Var> over;
    Pattern pattern;
};

// score(pred(args))
struct Score : x3::position_tagged {
    Name predicate;
    std::vector<Operand> args;
};

using BindingRhs = x3::variant<Pattern, Aggregate, Score>;

// ?f <- pattern, or ?v = aggregate / score
struct Binding : x3::position_tagged {
    Var var;
    BindingRhs rhs;
};

struct TestCondition : x3::position_tagged {
    std::string keyword;
    Chain expr;
};

struct Negation;
using Condition = x3::variant<Pattern, Binding, TestCondition, x3::forward_ast<Negation>>;

// not ... / exists ... ; `not p` is parsed as a group of one.
struct Negation : x3::position_tagged {
    std::string keyword;
    std::vector<Condition> conditions;
};

// ---- facts and actions ----
struct SlotValue : x3::position_tagged {
    Name slot;
    Chain value;
};

struct FactTerm : x3::position_tagged {
    Name template_name;
    std::vector<SlotValue> slots;
};

struct AssertAction : x3::position_tagged {
    std::string keyword;  // assert | conclude
    FactTerm fact;
};

struct RetractAction : x3::position_tagged {
    std::string keyword;
    Var target;
};

struct ModifyAction : x3::position_tagged {
    std::string keyword;
    Var target;
    std::vector<SlotValue> changes;
};

struct EvidenceAction : x3::position_tagged {
    Name predicate;
    std::vector<Chain> args;
    Chain weight;
    boost::optional<String> reason;
};

struct PrintAction : x3::position_tagged {
    std::string keyword;
    String text;
};

struct HaltAction : x3::position_tagged {
    HaltAction(std::string k = {}) : keyword(std::move(k)) {}
    std::string keyword;
};

using Action = x3::variant<AssertAction, RetractAction, ModifyAction, EvidenceAction, PrintAction, HaltAction>;

// ---- top-level definitions ----
struct PackDef : x3::position_tagged {
    Name name;
    boost::optional<String> doc;
};

struct UseDef : x3::position_tagged {
    std::string keyword;
    Name pack;
};

struct ConstDef : x3::position_tagged {
    std::string keyword;
    Name name;
    Chain value;
    boost::optional<String> doc;
};

// kind: "symbol", "string", "int", "float", "bool", "one of" (then one_of holds the values) or "ref" (then one_of
// holds the one template referred to).
struct TypeRef : x3::position_tagged {
    std::string kind;
    std::vector<Name> one_of;
};

// A bound of a slot's range: a number, or a name (a constant, or a key of the case file's header such as as_of).
using Bound = x3::variant<Number, Name>;

// `>= 1`: op is ">=", ">", "<=" or "<".
struct RangeLimit : x3::position_tagged {
    std::string op;
    Bound bound;
};

// `in [0, 1]`, `in (0, 1]`: open is ">=" for '[' and ">" for '('; close is "<=" for ']' and "<" for ')'.
struct Interval : x3::position_tagged {
    std::string open;
    Bound low;
    Bound high;
    std::string close;
};

using Range = x3::variant<Interval, std::vector<RangeLimit>>;

struct SlotDecl : x3::position_tagged {
    Name name;
    TypeRef type;
    boost::optional<Range> range;
    boost::optional<Name> from;  // `from as_of`: filled from this key of the case file's header
    boost::optional<Literal> default_value;
};

struct TemplateDef : x3::position_tagged {
    Name name;
    boost::optional<String> doc;
    std::vector<SlotDecl> slots;
};

// report ROLE TARGET [(SLOT, ...)] ["label"]
struct ReportDef : x3::position_tagged {
    Name role;
    Name target;
    boost::optional<std::vector<Name>> slots;
    boost::optional<String> label;
};

struct FactsDef : x3::position_tagged {
    std::string keyword;
    std::vector<FactTerm> facts;
};

struct RuleDef : x3::position_tagged {
    std::string kind;  // rule | norm | criterion | interest
    Name name;
    boost::optional<String> doc;
    boost::optional<Chain> salience;
    std::vector<Condition> conditions;
    std::vector<Action> actions;
};

// ?name: type, a parameter of a function.
struct ParamDef : x3::position_tagged {
    Var var;
    std::string type;
};

// function NAME ["doc"] (params) [: type] = expression
struct FunctionDef : x3::position_tagged {
    std::string keyword;
    Name name;
    boost::optional<String> doc;
    std::vector<ParamDef> params;
    boost::optional<std::string> result;
    Chain body;
};

}  // namespace covenant::grammar::tree
