// Fusion adapters for the multi-field nodes of tree.hpp, so X3 sequences can fill them field by field.
// Field order here is the order in which the grammar (grammar_def.hpp, expression_def.hpp) produces them.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "syntax/grammar/tree.hpp"

BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Operation, op, operand)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Unary, op, operand)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Call, function, args)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::ListLit, open, items)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Test, op, values)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::BoundTest, var, test)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::SlotConstraint, slot, body)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Pattern, template_name, slots)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Aggregate, function, over, pattern)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Score, predicate, args)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Binding, var, rhs)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::TestCondition, keyword, expr)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Negation, keyword, conditions)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::SlotValue, slot, value)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::FactTerm, template_name, slots)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::AssertAction, keyword, fact)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::RetractAction, keyword, target)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::ModifyAction, keyword, target, changes)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::EvidenceAction, predicate, args, weight, reason)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::PrintAction, keyword, text)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::PackDef, name, doc)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::UseDef, keyword, pack)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::ConstDef, keyword, name, value, doc)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::TypeRef, kind, one_of)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::RangeLimit, op, bound)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::Interval, open, low, high, close)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::SlotDecl, name, type, range, from, default_value)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::TemplateDef, name, doc, slots)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::FactsDef, keyword, facts)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::ReportDef, role, target, slots, label)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::RuleDef, kind, name, doc, salience, conditions, actions)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::ParamDef, var, type)
BOOST_FUSION_ADAPT_STRUCT(covenant::grammar::tree::FunctionDef, keyword, name, doc, params, result, body)
