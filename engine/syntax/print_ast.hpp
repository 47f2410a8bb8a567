// Prints a parsed unit back as canonical source text. Printing is the parser's test oracle (parse -> print -> parse
// -> print gives the same text) and what `--show=ast` displays. Comments and the original layout are not kept;
// definitions are printed grouped by kind (pack, uses, templates, facts, rules), each group in file order.
#pragma once

#include <string>

#include "syntax/ast.hpp"

namespace covenant {

std::string print_unit(const ast::Unit& unit);
// Single nodes, in the same canonical form.
std::string print_expr(const ast::Expr& expr);
std::string print_pattern(const ast::Pattern& pattern);
std::string print_fact(const ast::FactTerm& fact);
std::string print_literal(const ast::Literal& literal);

// Single definitions and the parts of one, each exactly as print_unit prints it, for the formatter
// (syntax/format.hpp), which lays a file out in its own order and keeps its comments. The pieces print_unit spells
// inline (pack, use, const, template header and slot, rule header) are cut out of print_unit's own output, so that
// print_unit stays the one place that spells them and a change there reaches the formatter too.
std::string print_pack_decl(const ast::PackDecl& pack);         // pack NAME ["doc"]
std::string print_use(const ast::Use& use);                     // use NAME
std::string print_constant(const ast::Constant& constant);      // const NAME = VALUE ["doc"]
std::string print_function(const ast::Function& function);      // function NAME ["doc"] (PARAMS)[: TYPE] = BODY
// function NAME(?a: TYPE, ...)[: TYPE], without the doc and the body (the LSP's hover and outline)
std::string print_function_signature(const ast::Function& function);
// A type's keyword: the whole type for the simple ones ("int"), the first words for the others ("one of", "ref").
const char* print_type_name(const ast::TypeRef& type);
std::string print_template_header(const ast::Template& tmpl);   // template NAME ["doc"] {   (the slots left out)
std::string print_slot_decl(const ast::SlotDecl& slot);         // NAME: TYPE [RANGE] [from KEY] [= DEFAULT]
std::string print_rule_header(const ast::Rule& rule);           // KIND NAME ["doc"] [salience N] {
std::string print_condition(const ast::Condition& condition);   // one condition of a rule's `when`
std::string print_action(const ast::Action& action);            // one action of a rule's `then`
// report ROLE TARGET [(SLOT, ...)] ["label"]. print_unit leaves reports out; this is their one printer.
std::string print_report(const ast::ReportDecl& report);

}  // namespace covenant
