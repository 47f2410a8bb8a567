// The reserved words of the rule language: they cannot be names. One list for the grammar (lexical_def.hpp builds
// its keyword table from it) and for the error messages of parse.cpp ("'not' is a reserved word").
// `norm`, `criterion`, `interest`, `function`, `one`, `of`, the type names and the aggregate names are deliberately absent: they
// are keywords only where the grammar expects them, so that they stay usable as domain names (docs/language.md §1).
#pragma once

#include <array>
#include <string_view>

namespace covenant::grammar {

inline constexpr std::array<std::string_view, 24> kReservedWords = {
    "and",   "assert",  "const", "conclude", "evidence", "exists", "facts", "false", "forall", "halt", "modify", "not",
    "or",    "pack",    "print", "retract",  "rule",     "salience", "template", "test", "then", "true", "use", "when"};

}  // namespace covenant::grammar
