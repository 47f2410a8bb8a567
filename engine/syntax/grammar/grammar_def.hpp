// The rule language's grammar apart from expressions (expression_def.hpp): templates, facts, patterns, conditions,
// actions and the top-level definitions. docs/language.md has the same grammar as EBNF, rule for rule; keep them in
// step.
//
// Commitment: `>>` is used until a construct is recognised (usually by its keyword or its opening bracket), `>` after
// it, so that an error is reported where it is, with the name of what was expected there, instead of as a failure
// of the whole definition. Every parser right of a `>` is a named rule (see lexical_def.hpp).
#pragma once

#include "syntax/grammar/lexical_def.hpp"

namespace covenant::grammar {

// Punctuation and keywords that stand right of `>`, named for the message. A closing bracket's name says what it
// closes: parse.cpp appends "opened at L:C" from the position of the matching opener.
#define COVENANT_TOKEN(name, text) \
    struct name##_id;              \
    const x3::rule<name##_id> name = text;

COVENANT_TOKEN(slot_colon, "':' after the slot name")
COVENANT_TOKEN(type_colon, "':' and the slot's type")
COVENANT_TOKEN(open_paren, "'('")
COVENANT_TOKEN(open_brace, "'{'")
COVENANT_TOKEN(comma, "','")
COVENANT_TOKEN(of_keyword, "'of' (as in: one of (a | b))")
COVENANT_TOKEN(pattern_close, "')' to close the pattern")
COVENANT_TOKEN(fact_close, "')' to close the fact")
COVENANT_TOKEN(modify_close, "')' to close the list of changes")
COVENANT_TOKEN(evidence_close, "')' to close the evidence arguments")
COVENANT_TOKEN(aggregate_close, "')' to close the aggregate")
COVENANT_TOKEN(score_close, "')' to close the score")
COVENANT_TOKEN(predicate_close, "')' to close the predicate's arguments")
COVENANT_TOKEN(group_close, "')' to close the group of conditions")
COVENANT_TOKEN(one_of_close, "')' to close the list of values")
COVENANT_TOKEN(template_close, "a slot or '}' to close the template")
COVENANT_TOKEN(facts_close, "a fact or '}' to close the facts block")
COVENANT_TOKEN(rule_close, "an action or '}' to close the rule")
COVENANT_TOKEN(then_keyword, "'then' and the rule's actions")
COVENANT_TOKEN(const_equals, "'=' and the constant's value")
COVENANT_TOKEN(report_slots_close, "')' to close the list of slots")
COVENANT_TOKEN(param_colon, "':' and the parameter's type")
COVENANT_TOKEN(params_close, "')' to close the parameters")
COVENANT_TOKEN(function_equals, "'=' and the function's body (an expression)")
COVENANT_TOKEN(end_of_input, "the end of the input")
#undef COVENANT_TOKEN

inline const auto slot_colon_def = x3::lit(':');
inline const auto type_colon_def = x3::lit(':');
inline const auto open_paren_def = x3::lit('(');
inline const auto open_brace_def = x3::lit('{');
inline const auto comma_def = x3::lit(',');
inline const auto of_keyword_def = keyword("of");
inline const auto pattern_close_def = x3::lit(')');
inline const auto fact_close_def = x3::lit(')');
inline const auto modify_close_def = x3::lit(')');
inline const auto evidence_close_def = x3::lit(')');
inline const auto aggregate_close_def = x3::lit(')');
inline const auto score_close_def = x3::lit(')');
inline const auto predicate_close_def = x3::lit(')');
inline const auto group_close_def = x3::lit(')');
inline const auto one_of_close_def = x3::lit(')');
inline const auto template_close_def = x3::lit('}');
inline const auto facts_close_def = x3::lit('}');
inline const auto rule_close_def = x3::lit('}');
inline const auto then_keyword_def = keyword("then");
inline const auto const_equals_def = x3::lit('=');
inline const auto report_slots_close_def = x3::lit(')');
inline const auto param_colon_def = x3::lit(':');
inline const auto params_close_def = x3::lit(')');
inline const auto function_equals_def = x3::lit('=');
inline const auto end_of_input_def = x3::eoi;

BOOST_SPIRIT_DEFINE(slot_colon, type_colon, open_paren, open_brace, comma, of_keyword, pattern_close, fact_close,
                    modify_close, evidence_close, aggregate_close, score_close, predicate_close, group_close,
                    one_of_close, template_close, facts_close, rule_close, then_keyword, const_equals,
                    report_slots_close, param_colon, params_close, function_equals, end_of_input)

// ---- patterns ----
struct ne_test_id : annotate_position {};
struct order_test_id : annotate_position {};
struct op_test_id : annotate_position {};
struct plain_test_id : annotate_position {};
struct bound_test_id : annotate_position {};
struct constraint_body_id : annotate_position {};
struct slot_constraint_id : annotate_position {};
struct pattern_id : annotate_position {};
struct alternatives_id;
struct single_operand_id;
struct order_op_id;
struct comparand_id;

const x3::rule<comparand_id, tree::Chain> comparand = "a value, a variable or an arithmetic expression";
const x3::rule<alternatives_id, std::vector<tree::Chain>> alternatives = "a value, or values separated by '|'";
const x3::rule<single_operand_id, std::vector<tree::Chain>> single_operand = "a value or a variable to compare with";
const x3::rule<order_op_id, std::string> order_op = "a comparison (< <= > >=)";
const x3::rule<op_test_id, tree::Test> op_test = "a comparison such as '< 10', '!= a | b' or 'has a'";
const x3::rule<plain_test_id, tree::Test> plain_test = "a value, or values separated by '|'";
const x3::rule<bound_test_id, tree::BoundTest> bound_test = "a variable, optionally with a comparison";
const x3::rule<constraint_body_id, tree::ConstraintBody> constraint_body =
    "a slot constraint (a value, 'a | b', a ?variable or a comparison such as '< 10')";
const x3::rule<slot_constraint_id, tree::SlotConstraint> slot_constraint = "a slot constraint (slot: value)";
const x3::rule<pattern_id, tree::Pattern> pattern = "a pattern such as template(slot: value)";

// Values are arithmetic expressions (`< LIMIT * 0.75`): `|` and the comparison operators stay the constraint's own.
inline const auto comparand_def = arith_expression;
inline const auto alternatives_def = comparand % '|';
inline const auto single_operand_def = x3::repeat(1)[comparand];
inline const auto order_op_def = x3::string("<=") | x3::string(">=") | x3::string("<") | x3::string(">");
// `has` is a keyword only when a value follows (`kind: has` is the symbol has).
inline const auto has_keyword = keyword_text("has") >> !(x3::lit(',') | ')' | '|');
inline const auto op_test_def =
    (x3::string("!=") > alternatives) | (order_op > single_operand) | (has_keyword > alternatives);
inline const auto plain_test_def = x3::attr(std::string()) >> alternatives;
// `of: ?x` binds (and may test) the variable; `of: ?x + 1` and `of: ?x | ?y` are expressions, read by plain_test.
inline const auto bound_test_def = variable >> !x3::char_("-+*/|") >> -op_test;
inline const auto constraint_body_def = bound_test | op_test | plain_test;
inline const auto slot_constraint_def = identifier > slot_colon > constraint_body;
inline const auto pattern_def = identifier >> x3::lit('(') > -(slot_constraint % ',') > pattern_close;

BOOST_SPIRIT_DEFINE(comparand, alternatives, single_operand, order_op, op_test, plain_test, bound_test, constraint_body,
                    slot_constraint, pattern)

// ---- conditions ----
struct count_text_id;
struct numeric_aggregate_text_id;
struct count_name_id : annotate_position {};
struct numeric_aggregate_name_id : annotate_position {};
struct aggregate_id : annotate_position {};
struct score_id : annotate_position {};
struct binding_rhs_id : annotate_position {};
struct aggregate_rhs_id : annotate_position {};
struct binding_id : annotate_position {};
struct test_condition_id : annotate_position {};
struct negation_id : annotate_position {};
struct condition_id : annotate_position {};
struct conditions_id;
struct condition_group_id;
struct single_pattern_id;
struct negation_body_id;
struct negation_keyword_id;
struct pattern_as_condition_id;
struct predicate_args_id;

const x3::rule<count_text_id, std::string> count_text = "count";
const x3::rule<numeric_aggregate_text_id, std::string> numeric_aggregate_text = "sum, min, max or avg";
const x3::rule<count_name_id, tree::Name> count_name = "count";
const x3::rule<numeric_aggregate_name_id, tree::Name> numeric_aggregate_name = "sum, min, max or avg";
const x3::rule<aggregate_id, tree::Aggregate> aggregate = "an aggregate";
const x3::rule<score_id, tree::Score> score = "score(predicate(...))";
const x3::rule<aggregate_rhs_id, tree::BindingRhs> aggregate_rhs =
    "an aggregate (count, sum, min, max or avg) or score(...)";
const x3::rule<binding_rhs_id, tree::BindingRhs> binding_rhs =
    "'<-' and a pattern, or '=' and an aggregate (count, sum, min, max, avg) or score(...)";
const x3::rule<binding_id, tree::Binding> binding = "a binding";
const x3::rule<test_condition_id, tree::TestCondition> test_condition = "a test";
const x3::rule<negation_id, tree::Negation> negation = "a negated condition";
const x3::rule<condition_id, tree::Condition> condition = "a condition";
const x3::rule<conditions_id, std::vector<tree::Condition>> conditions = "conditions";
const x3::rule<condition_group_id, std::vector<tree::Condition>> condition_group = "a group of conditions";
const x3::rule<pattern_as_condition_id, tree::Condition> pattern_as_condition = "a pattern";
const x3::rule<single_pattern_id, std::vector<tree::Condition>> single_pattern = "a pattern";
const x3::rule<negation_body_id, std::vector<tree::Condition>> negation_body =
    "a pattern or '(' and conditions";
const x3::rule<negation_keyword_id, std::string> negation_keyword = "not, exists, forall, or or and";
const x3::rule<predicate_args_id, std::vector<tree::Operand>> predicate_args = "the predicate's arguments";

inline const auto count_text_def = keyword_text("count");
inline const auto numeric_aggregate_text_def =
    keyword_text("sum") | keyword_text("min") | keyword_text("max") | keyword_text("avg") | keyword_text("collect");
inline const auto count_name_def = count_text;
inline const auto numeric_aggregate_name_def = numeric_aggregate_text;
inline const auto aggregate_def =
    (count_name >> x3::lit('(') >> x3::attr(boost::optional<tree::Var>()) > pattern > aggregate_close) |
    (numeric_aggregate_name >> x3::lit('(') > variable > comma > pattern > aggregate_close);
inline const auto predicate_args_def = -(operand % ',');
inline const auto score_def =
    keyword("score") >> x3::lit('(') > identifier > open_paren > predicate_args > predicate_close > score_close;
inline const auto aggregate_rhs_def = aggregate | score;
inline const auto binding_rhs_def = (x3::lit("<-") > pattern) | (x3::lit('=') > aggregate_rhs);
inline const auto binding_def = variable > binding_rhs;
inline const auto test_condition_def = keyword_text("test") > expression;
// `not`, `exists`, `forall`, and `or` / `and` of conditions (docs/language.md §5.3, §5.7): a keyword and a group.
inline const auto negation_keyword_def = keyword_text("not") | keyword_text("exists") | keyword_text("forall") |
                                         keyword_text("or") | keyword_text("and");
inline const auto pattern_as_condition_def = pattern;
inline const auto single_pattern_def = x3::repeat(1)[pattern_as_condition];
inline const auto condition_group_def = x3::lit('(') > conditions > group_close;
inline const auto negation_body_def = condition_group | single_pattern;
inline const auto negation_def = negation_keyword > negation_body;
inline const auto condition_def = binding | negation | test_condition | pattern;
// Conditions are separated by newlines (whitespace) or optional commas.
inline const auto conditions_def = *(condition >> -x3::lit(','));

BOOST_SPIRIT_DEFINE(count_text, numeric_aggregate_text, count_name, numeric_aggregate_name, aggregate, predicate_args,
                    score, aggregate_rhs, binding_rhs, binding, test_condition, negation_keyword, pattern_as_condition,
                    single_pattern, condition_group, negation_body, negation, condition, conditions)

// ---- facts and actions ----
struct slot_value_id : annotate_position {};
struct fact_term_id : annotate_position {};
struct assert_action_id : annotate_position {};
struct retract_action_id : annotate_position {};
struct modify_action_id : annotate_position {};
struct evidence_action_id : annotate_position {};
struct print_action_id : annotate_position {};
struct halt_action_id : annotate_position {};
struct action_id : annotate_position {};
struct actions_id;
struct halt_text_id;
struct slot_values_id;
struct changes_id;
struct evidence_args_id;

const x3::rule<slot_value_id, tree::SlotValue> slot_value = "a slot value (slot: value)";
const x3::rule<slot_values_id, std::vector<tree::SlotValue>> slot_values = "slot values";
const x3::rule<changes_id, std::vector<tree::SlotValue>> changes = "the changes (slot: value, ...)";
const x3::rule<fact_term_id, tree::FactTerm> fact_term = "a fact such as template(slot: value)";
const x3::rule<assert_action_id, tree::AssertAction> assert_action = "an assert or conclude action";
const x3::rule<retract_action_id, tree::RetractAction> retract_action = "a retract action";
const x3::rule<modify_action_id, tree::ModifyAction> modify_action = "a modify action";
const x3::rule<evidence_action_id, tree::EvidenceAction> evidence_action = "an evidence action";
const x3::rule<print_action_id, tree::PrintAction> print_action = "a print action";
const x3::rule<halt_text_id, std::string> halt_text = "halt";
const x3::rule<halt_action_id, tree::HaltAction> halt_action = "halt";
const x3::rule<action_id, tree::Action> action = "an action";
const x3::rule<actions_id, std::vector<tree::Action>> actions = "actions";
const x3::rule<evidence_args_id, std::vector<tree::Chain>> evidence_args = "the predicate's arguments";

inline const auto slot_value_def = identifier > slot_colon > expression;
inline const auto slot_values_def = -(slot_value % ',');
inline const auto changes_def = slot_value % ',';
inline const auto fact_term_def = identifier >> x3::lit('(') > slot_values > fact_close;
inline const auto assert_action_def = (keyword_text("assert") | keyword_text("conclude")) > fact_term;
inline const auto retract_action_def = keyword_text("retract") > variable;
inline const auto modify_action_def = keyword_text("modify") > variable > open_paren > changes > modify_close;
inline const auto evidence_args_def = -(expression % ',');
inline const auto evidence_action_def = keyword("evidence") > identifier > open_paren > evidence_args >
                                        evidence_close > expression > -string_literal;
inline const auto print_action_def = keyword_text("print") > string_literal;
inline const auto halt_text_def = keyword_text("halt");
inline const auto halt_action_def = halt_text;
inline const auto action_def =
    assert_action | retract_action | modify_action | evidence_action | print_action | halt_action;
inline const auto actions_def = *(action >> -x3::lit(','));

BOOST_SPIRIT_DEFINE(slot_value, slot_values, changes, fact_term, assert_action, retract_action, modify_action,
                    evidence_args, evidence_action, print_action, halt_text, halt_action, action, actions)

// ---- top-level definitions ----
struct simple_type_id;
struct one_of_values_id;
struct one_of_names_id;
struct rule_name_id : annotate_position {};
struct template_name_id : annotate_position {};
struct one_of_keyword_id;
struct when_part_id;
struct salience_part_id;
struct slot_decls_id;
struct facts_body_id;
struct type_ref_id : annotate_position {};
struct slot_decl_id : annotate_position {};
struct rule_kind_id;
struct const_name_id : annotate_position {};
struct const_value_id;
struct default_value_id;
struct ref_target_id;
struct range_bound_id;
struct range_limit_id : annotate_position {};
struct range_op_id;
struct interval_id : annotate_position {};
struct interval_open_id;
struct interval_close_id;
struct slot_range_id;
struct slot_source_id;
struct report_role_id : annotate_position {};
struct report_target_id : annotate_position {};
struct report_slots_id;

const x3::rule<simple_type_id, std::string> simple_type = "a type name";
struct list_element_id : annotate_position {};
const x3::rule<list_element_id, tree::Name> list_element = "the type of the list's items (symbol, string, int, float or bool)";
// The element as the one entry of a vector, in a rule of its own so that an expectation failure names it in words
// (an unnamed x3::repeat would be reported by its C++ type).
struct list_elements_id;
const x3::rule<list_elements_id, std::vector<tree::Name>> list_elements = "the type of the list's items (symbol, string, int, float or bool)";
const x3::rule<one_of_keyword_id, std::string> one_of_keyword = "one of";
const x3::rule<one_of_names_id, std::vector<tree::Name>> one_of_names = "the values, separated by '|'";
const x3::rule<rule_name_id, tree::Name> rule_name = "the rule's name";
const x3::rule<template_name_id, tree::Name> template_name = "the template's name";
const x3::rule<one_of_values_id, std::vector<tree::Name>> one_of_values = "'(' and values separated by '|'";
const x3::rule<type_ref_id, tree::TypeRef> type_ref =
    "a slot type (symbol, string, int, float, bool, one of (...), ref TEMPLATE or list of TYPE)";
const x3::rule<ref_target_id, std::vector<tree::Name>> ref_target = "the name of the template referred to";
const x3::rule<range_bound_id, tree::Bound> range_bound =
    "a bound (a number, or a name such as as_of or owner.founded)";
const x3::rule<range_op_id, std::string> range_op = "a comparison (>=, >, <= or <)";
const x3::rule<range_limit_id, tree::RangeLimit> range_limit = "a bound such as '>= 1'";
const x3::rule<interval_open_id, std::string> interval_open = "'[' or '(' to open the range";
const x3::rule<interval_close_id, std::string> interval_close = "']' or ')' to close the range";
const x3::rule<interval_id, tree::Interval> interval = "a range such as in [0, 1]";
const x3::rule<slot_range_id, tree::Range> slot_range = "the slot's range";
const x3::rule<slot_source_id, tree::Name> slot_source = "the header key the slot is filled from";
const x3::rule<default_value_id, tree::Literal> default_value = "a default value";
const x3::rule<slot_decl_id, tree::SlotDecl> slot_decl = "a slot declaration (name: type)";
const x3::rule<slot_decls_id, std::vector<tree::SlotDecl>> slot_decls = "slot declarations";
const x3::rule<facts_body_id, std::vector<tree::FactTerm>> facts_body = "facts";
const x3::rule<rule_kind_id, std::string> rule_kind = "rule, norm, criterion or interest";
const x3::rule<when_part_id, std::vector<tree::Condition>> when_part =
    "'when' and the rule's conditions, or 'then' and its actions";
const x3::rule<salience_part_id, tree::Chain> salience_part =
    "a salience (an integer, or a constant expression such as HIGH + 1)";
const x3::rule<const_name_id, tree::Name> const_name = "the constant's name";
const x3::rule<report_role_id, tree::Name> report_role = "what is reported (subject, conclusion, finding or score)";
const x3::rule<report_target_id, tree::Name> report_target = "the name of a template or score predicate";
const x3::rule<report_slots_id, std::vector<tree::Name>> report_slots = "'(' and slot names separated by ','";
const x3::rule<const_value_id, tree::Chain> const_value =
    "the constant's value (a number, string, true, false, a symbol, or an expression of other constants)";
struct function_name_id : annotate_position {};
struct param_id : annotate_position {};
struct params_id;
struct result_type_id;
const x3::rule<function_name_id, tree::Name> function_name = "the function's name";
const x3::rule<param_id, tree::ParamDef> param = "a parameter (?name: type)";
const x3::rule<params_id, std::vector<tree::ParamDef>> params = "the parameters (?name: type, ...)";
const x3::rule<result_type_id, std::string> result_type = "the result type (symbol, string, int, float or bool)";

inline const auto simple_type_def = keyword_text("symbol") | keyword_text("string") | keyword_text("int") |
                                    keyword_text("float") | keyword_text("bool");
inline const auto list_element_def = simple_type;
inline const auto list_elements_def = x3::repeat(1)[list_element];
inline const auto one_of_keyword_def = keyword("one") >> x3::attr(std::string("one of")) > of_keyword;
inline const auto one_of_names_def = identifier % '|';
inline const auto one_of_values_def = x3::lit('(') > one_of_names > one_of_close;
inline const auto rule_name_def = identifier;
inline const auto template_name_def = identifier;
// `list of T`: kind "list", the element type's name as the one entry of `one_of`.
inline const auto type_ref_def = (keyword_text("list") > of_keyword > list_elements) |
                                 (simple_type >> x3::attr(std::vector<tree::Name>())) |
                                  (one_of_keyword > one_of_values) | (keyword_text("ref") > ref_target);
inline const auto ref_target_def = x3::repeat(1)[identifier];
inline const auto default_value_def = literal;
// A range after the type: `in [0, 1]` (brackets: inclusive, parentheses: exclusive) or one or more comparisons
// (`>= 1`, `>= 1800 <= as_of`). `in` is a keyword only when '[' or '(' follows, so a next slot may still be named
// `in`; likewise `from` only when a name follows (a slot named `from` is followed by ':').
inline const auto range_bound_def = number | pack_name;  // a dotted name: owner.founded
inline const auto range_op_def = x3::string(">=") | x3::string("<=") | x3::string(">") | x3::string("<");
inline const auto range_limit_def = range_op > range_bound;
inline const auto interval_open_def = (x3::lit('[') >> x3::attr(std::string(">="))) |
                                      (x3::lit('(') >> x3::attr(std::string(">")));
inline const auto interval_close_def = (x3::lit(']') >> x3::attr(std::string("<="))) |
                                       (x3::lit(')') >> x3::attr(std::string("<")));
inline const auto interval_def = keyword("in") >> interval_open > range_bound > comma > range_bound > interval_close;
inline const auto slot_range_def = interval | +range_limit;
inline const auto slot_source_def = keyword("from") >> identifier >> !x3::lit(':');
inline const auto slot_decl_def =
    identifier > type_colon > type_ref > -slot_range > -slot_source > -(x3::lit('=') > default_value);
inline const auto slot_decls_def = *(slot_decl >> -x3::lit(','));
inline const auto facts_body_def = *(fact_term >> -x3::lit(','));
inline const auto rule_kind_def =
    keyword_text("rule") | keyword_text("norm") | keyword_text("criterion") | keyword_text("interest");
inline const auto salience_part_def = expression;
inline const auto when_part_def = (keyword("when") > conditions > then_keyword) |
                                  (keyword("then") >> x3::attr(std::vector<tree::Condition>()));

inline const auto pack_definition_def = keyword("pack") > pack_name > -string_literal;
inline const auto use_definition_def = keyword_text("use") > pack_name;
inline const auto const_name_def = identifier;
inline const auto const_value_def = expression;
// function NAME ["doc"] (?a: TYPE, ...) [: TYPE] = EXPRESSION
inline const auto function_name_def = identifier;
inline const auto param_def = variable > param_colon > simple_type;
inline const auto params_def = -(param % ',');
inline const auto result_type_def = simple_type;
inline const auto function_definition_def = keyword_text("function") > function_name > -string_literal > open_paren >
                                            params > params_close > -(x3::lit(':') > result_type) >
                                            function_equals > expression;
inline const auto const_definition_def =
    keyword_text("const") > const_name > const_equals > const_value > -string_literal;
// `report ROLE TARGET [(SLOT, ...)] ["label"]`: which templates a domain layer reports (docs/language.md §12). The
// role is a plain name here so that the checker can say which roles exist, with "did you mean".
inline const auto report_role_def = identifier;
inline const auto report_target_def = identifier;
inline const auto report_slots_def = x3::lit('(') > (identifier % ',') > report_slots_close;
inline const auto report_definition_def = keyword("report") > report_role > report_target > -report_slots >
                                          -string_literal;
inline const auto template_definition_def =
    keyword("template") > template_name > -string_literal > open_brace > slot_decls > template_close;
inline const auto facts_definition_def = keyword_text("facts") > open_brace > facts_body > facts_close;
inline const auto rule_definition_def = rule_kind > rule_name > -string_literal >
                                        -(keyword("salience") > salience_part) > open_brace > when_part > actions >
                                        rule_close;
inline const auto whole_fact_def = fact_term > end_of_input;
inline const auto whole_pattern_def = pattern > end_of_input;

BOOST_SPIRIT_DEFINE(simple_type, list_element, list_elements, one_of_keyword, one_of_names, rule_name, template_name, one_of_values, type_ref,
                    ref_target, range_bound, range_op, range_limit, interval_open, interval_close, interval, slot_range,
                    slot_source, default_value, slot_decl, slot_decls, facts_body, rule_kind, salience_part, when_part,
                    const_name, const_value, pack_definition, use_definition, const_definition, template_definition,
                    facts_definition, rule_definition, whole_fact, whole_pattern, report_role, report_target,
                    report_slots, report_definition, function_name, param, params, result_type,
                    function_definition)

}  // namespace covenant::grammar
