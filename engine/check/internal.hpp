// Helpers shared by the checker's passes (engine/check/*.cpp). Not a public header: nothing outside engine/check
// includes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "program/program.hpp"
#include "syntax/ast.hpp"

namespace covenant::check_detail {

// "a symbol", "an int", ... for messages.
std::string a_type(Type t);

// The value a literal denotes, in its own type (Int stays Int).
Value literal_value(const ast::Literal& lit);

// The type of the values a declared type holds: a `one of` or `ref` slot holds symbols, `list of T` lists (its
// items' type is slot_type(TypeRef::element)).
Type slot_type(ast::TypeRef::Kind k);

// Whether a value of static type `value` may be stored in (or compared with) a slot of type `slot`: equal types,
// Any on either side, or an int into a float slot.
bool fits(Type value, Type slot);


// Converts a literal to the type of `slot` of template `owner`: ints are accepted in float slots (converted), a
// symbol in a `one of` slot must be listed. Reports `mismatch` (E0104, or E0119 for defaults) for a wrong type and
// `not_listed` (E0105, or E0119) for a symbol not among the allowed values; returns nullopt after reporting.
std::optional<Value> literal_for_slot(const ast::Literal& lit, const SlotDef& slot, std::string_view owner,
                                      DiagnosticSink& sink, Code mismatch = Code::TypeMismatch,
                                      Code not_listed = Code::NotInOneOf);

// Like literal_for_slot for a value computed by the checker (a folded constant in an action); `span` locates it.
std::optional<Value> value_for_slot(const Value& v, const SourceSpan& span, const SlotDef& slot,
                                    std::string_view owner, DiagnosticSink& sink, Code mismatch = Code::TypeMismatch,
                                    Code not_listed = Code::NotInOneOf);

// The name of the score template for an evidence predicate: "trust/1".
std::string score_template_name(std::string_view predicate, std::size_t arity);

// Names of the ordinary (non-score) templates, for "did you mean".
std::vector<std::string> template_names(const Program& p);

// Reports an unknown template name (E0101) with a "did you mean" and, when the name is an evidence predicate, the
// hint to use `evidence`/`score(...)` instead.
void report_unknown_template(const ast::Identifier& name, const Program& p, DiagnosticSink& sink);

// Reports an unknown slot (E0102) with a "did you mean" or the list of the template's slots.
void report_unknown_slot(const ast::Identifier& slot, const TemplateDef& t, DiagnosticSink& sink);

// The text of `e` when it is symbols joined by '-' with nothing between them (green-couch, which parses as green
// minus couch): "green-couch"; a lone symbol gives its name; else nothing.
std::optional<std::string> hyphenated_symbols(const ast::Expr& e);

// "4:12" for notes and messages.
std::string line_col(const SourceSpan& s);


// Finds or creates the score template for PRED with `arity` arguments (slots arg1..argN of type Any, then `value`
// of type Float). Templates are created in the order predicates are first used, so ids are deterministic.
TemplateId score_template(Program& program, std::string_view predicate, std::size_t arity, const SourceSpan& first_use);

// Creates the score templates for every `score(...)` condition and `evidence` action of `rule`, in source order.
void declare_score_templates(const ast::Rule& rule, Program& program);

// Checks one rule against the templates of `program` (which must hold every template, score templates included)
// and fills `out` (all but id and pack). `sm` maps offsets inside string literals back to the source for precise
// interpolation diagnostics; it may be null.
void check_rule(const ast::Rule& rule, const Program& program, const SourceManager* sm, DiagnosticSink& sink,
                Rule& out);

// Whether `name` is a built-in function (div, mod, abs, ..., if): user functions may not take these names.
bool is_builtin_function(std::string_view name);

// A user function's body, checked with its parameters (of `param_types`, in order) as its only variables; calls
// resolve against program.functions (which already holds every function, bodies not yet filled in).
Expr check_function_body(const ast::Function& f, const std::vector<Type>& param_types, const Program& program,
                         const SourceManager* sm, DiagnosticSink& sink);

// The value of an expression that must be known before any rule runs: a constant's definition, a salience, a slot
// constraint's value. Literals (constants already substituted), operators and the built-in functions only; a
// variable, a user function or an evaluation error (division by zero) is reported (E0132) with `what` ("the
// constant LIMIT", "the salience of rule r") and gives nullopt.
std::optional<Value> fold_constant(const ast::Expr& e, const std::string& what, DiagnosticSink& sink);

// Checks the functions of all units (in pack order) into program.functions: names (E0131: twice, or a built-in's
// name), parameter types, bodies, declared result types.
void check_functions(const std::vector<std::pair<const ast::Function*, PackId>>& functions, Program& program,
                     const SourceManager& sm, DiagnosticSink& sink);

// A rule's conditions with `and` spliced, `forall` rewritten and `or` split (disjuncts.cpp): one condition list per
// rule the engine gets, in branch order; a single list for a rule without `or`. Reports E0133.
std::vector<std::vector<ast::Condition>> rule_disjuncts(const ast::Rule& rule, DiagnosticSink& sink);

// Pass 5: the `report` declarations of all units (in pack order), into program.report (reports.cpp). Needs every
// template and score template.
void check_reports(const std::vector<const ast::ReportDecl*>& decls, Program& program, DiagnosticSink& sink);

// Pass 0 (a transform): replaces every bare name that is a declared constant (`const NAME = value`) by the
// constant's value, in rules, facts blocks and slot defaults of all units. Reports duplicate constants (E0123) and
// constant names that are not UPPER_CASE (E0124) and UPPER_CASE names that are no constant (E0125). Constants form one
// namespace across all loaded packs.
void substitute_constants(std::vector<ast::Unit>& units, DiagnosticSink& sink);

}  // namespace covenant::check_detail
