// Declarations of the grammar's entry rules; their definitions are in grammar_def.hpp and expression_def.hpp and
// each is instantiated (BOOST_SPIRIT_INSTANTIATE) in its own .cpp, so the grammar compiles in parallel pieces.
// Entry rules: one per kind of top-level definition (parse.cpp dispatches on the leading keyword and parses one
// definition at a time), the whole-input fact and pattern rules of parse_fact/parse_pattern, and `expression`, which
// the others call across translation units.
#pragma once

#include "syntax/grammar/ast_adapted.hpp"
#include "syntax/grammar/config.hpp"
#include "syntax/grammar/tree.hpp"

namespace covenant::grammar {

// Rule IDs derive this to record where each node was parsed (calc9's annotation_handler, with our own state).
// `first` is already past leading whitespace (X3 skips before calling on_success) and `last` is where the rule's
// last token ended, so spans never include surrounding blanks.
struct annotate_position {
    template <typename T, typename Iterator, typename Context>
    void on_success(Iterator const& first, Iterator const& last, T& node, Context const& context) const {
        x3::get<parse_state_tag>(context).get().positions.annotate(node, first, last);
    }
};

// Entry rules derive this too: an expectation failure anywhere inside is recorded as {where, which} (which is the
// human rule name) and the rule fails; parse.cpp turns the record into a diagnostic and resynchronises.
struct record_failure {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator&, Iterator const&, Exception const& x, Context const& context) const {
        auto& state = x3::get<parse_state_tag>(context).get();
        if (!state.failure) state.failure = Failure{x.where(), x.which()};
        return x3::error_handler_result::fail;
    }
};

// Names of the rules whose failures parse.cpp reports with their own codes rather than E0001.
inline constexpr char kEscapeRuleName[] = "an escape sequence (\\\" \\\\ \\n \\t \\{ or \\})";  // E0006
inline constexpr char kStringCloseRuleName[] = "'\"' to close the string";                         // E0002

struct pack_definition_id : annotate_position, record_failure {};
struct use_definition_id : annotate_position, record_failure {};
struct const_definition_id : annotate_position, record_failure {};
struct template_definition_id : annotate_position, record_failure {};
struct facts_definition_id : annotate_position, record_failure {};
struct rule_definition_id : annotate_position, record_failure {};
struct report_definition_id : annotate_position, record_failure {};
struct function_definition_id : annotate_position, record_failure {};
// Not annotated: the whole-input rules end after trailing blanks, and the fact or pattern keeps its own span.
struct whole_fact_id : record_failure {};
struct whole_pattern_id : record_failure {};
struct expression_id : annotate_position {};
struct arith_expression_id : annotate_position {};

using pack_definition_type = x3::rule<pack_definition_id, tree::PackDef>;
using use_definition_type = x3::rule<use_definition_id, tree::UseDef>;
using const_definition_type = x3::rule<const_definition_id, tree::ConstDef>;
using template_definition_type = x3::rule<template_definition_id, tree::TemplateDef>;
using facts_definition_type = x3::rule<facts_definition_id, tree::FactsDef>;
using rule_definition_type = x3::rule<rule_definition_id, tree::RuleDef>;
using report_definition_type = x3::rule<report_definition_id, tree::ReportDef>;
using whole_fact_type = x3::rule<whole_fact_id, tree::FactTerm>;
using whole_pattern_type = x3::rule<whole_pattern_id, tree::Pattern>;
using function_definition_type = x3::rule<function_definition_id, tree::FunctionDef>;
using expression_type = x3::rule<expression_id, tree::Chain>;
// The `+ -` level of expressions and tighter: a slot constraint's values (`born: < LIMIT - 10`), where a comparison
// or `and`/`or` would be ambiguous with the constraint's own operators.
using arith_expression_type = x3::rule<arith_expression_id, tree::Chain>;

BOOST_SPIRIT_DECLARE(pack_definition_type, use_definition_type, const_definition_type, template_definition_type,
                     facts_definition_type, rule_definition_type, report_definition_type, whole_fact_type,
                     whole_pattern_type, function_definition_type, expression_type, arith_expression_type)

// The rule objects (internal linkage: each TU has its own copy of the same type; only the types matter to X3).
const pack_definition_type pack_definition = "a pack declaration";
const use_definition_type use_definition = "a use declaration";
const const_definition_type const_definition = "a constant definition";
const template_definition_type template_definition = "a template definition";
const facts_definition_type facts_definition = "a facts block";
const rule_definition_type rule_definition = "a rule definition";
const report_definition_type report_definition = "a report declaration";
const whole_fact_type whole_fact = "a fact such as template(slot: value)";
const whole_pattern_type whole_pattern = "a pattern such as template(slot: value)";
const function_definition_type function_definition = "a function definition";
const expression_type expression = "an expression";
const arith_expression_type arith_expression = "a value, a variable or an arithmetic expression";
}  // namespace covenant::grammar
