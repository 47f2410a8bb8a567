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

}  // namespace covenant
