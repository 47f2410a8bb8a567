// Tokens of the rule language as X3 rules: identifiers, reserved words, variables, numbers, strings, literals.
// Included by grammar_def.hpp and expression_def.hpp (each TU gets the same inline definitions).
//
// Every rule has a human name: when an expectation fails, X3 reports the rule name as `which`, and parse.cpp puts it
// after "expected ". Unnamed parsers must never stand right of `>`: their `which` is a mangled C++ type name.
#pragma once

#include "syntax/grammar/grammar.hpp"
#include "syntax/grammar/reserved_words.hpp"

namespace covenant::grammar {

// Characters that may continue an identifier; keywords must not be followed by one (`notable` is an identifier).
inline const auto ident_char = x3::char_("a-zA-Z0-9_");

// A keyword matched as a whole word, without attribute / with its text as attribute.
template <std::size_t N>
auto keyword(const char (&word)[N]) {
    return x3::lexeme[x3::lit(word) >> !ident_char];
}
template <std::size_t N>
auto keyword_text(const char (&word)[N]) {
    return x3::lexeme[x3::string(word) >> !ident_char];
}

// Reserved words (reserved_words.hpp) cannot be names. The symbol table matches the longest reserved word at the
// current place; followed by an identifier character it is the start of a longer name, not a keyword.
inline const x3::symbols<int> reserved_words_table = [] {
    x3::symbols<int> table;
    for (std::string_view word : kReservedWords) table.add(std::string(word), 0);
    return table;
}();
inline const auto reserved_word = x3::lexeme[x3::omit[reserved_words_table] >> !ident_char];

struct identifier_text_id;
struct pack_name_text_id;
struct variable_text_id;
struct number_text_id;
struct string_body_id;
struct escape_id;
struct string_close_id;
struct bool_value_id;
struct identifier_id : annotate_position {};
struct pack_name_id : annotate_position {};
struct variable_id : annotate_position {};
struct number_id : annotate_position {};
struct string_literal_id : annotate_position {};
struct boolean_id : annotate_position {};
struct literal_id : annotate_position {};
struct operand_id : annotate_position {};

const x3::rule<identifier_text_id, std::string> identifier_text = "a name";
const x3::rule<pack_name_text_id, std::string> pack_name_text = "a pack name such as examples.family";
const x3::rule<variable_text_id, std::string> variable_text = "a variable name after '?'";
const x3::rule<number_text_id, std::string> number_text = "a number";
const x3::rule<string_body_id, std::string> string_body = "the text of a string";
const x3::rule<escape_id> escape = kEscapeRuleName;
const x3::rule<string_close_id> string_close = kStringCloseRuleName;
const x3::rule<bool_value_id, bool> bool_value = "true or false";
const x3::rule<identifier_id, tree::Name> identifier = "a name";
const x3::rule<pack_name_id, tree::Name> pack_name = "a pack name such as examples.family";
const x3::rule<variable_id, tree::Var> variable = "a variable (?name)";
const x3::rule<number_id, tree::Number> number = "a number";
const x3::rule<string_literal_id, tree::String> string_literal = "a string";
const x3::rule<boolean_id, tree::Bool> boolean = "true or false";
const x3::rule<literal_id, tree::Literal> literal = "a value (a number, string, true, false or a symbol)";
const x3::rule<operand_id, tree::Operand> operand = "a value or a variable";

inline const auto identifier_text_def =
    !reserved_word >> x3::lexeme[x3::char_("a-zA-Z_") >> *ident_char];
inline const auto pack_name_text_def =
    !reserved_word >>
    x3::lexeme[x3::char_("a-zA-Z_") >> *ident_char >> *(x3::char_('.') >> x3::char_("a-zA-Z_") >> *ident_char)];
inline const auto variable_text_def = x3::lexeme[x3::char_("a-zA-Z_") >> *ident_char];
// Everything that looks like part of a number is taken, so that `12abc` or `1.` is one malformed number (E0004,
// reported by the converter) rather than a number followed by a confusing second token.
inline const auto number_text_def = x3::lexeme[-x3::char_('-') >> x3::char_("0-9") >>
                                               *((x3::char_("eE") >> x3::char_("+-")) | x3::char_("a-zA-Z0-9_."))];
inline const auto escape_def = x3::char_("\"\\\\nt{}");
inline const auto string_close_def = x3::lit('"');
// Strings end at the end of the line: an unclosed quote is reported there instead of swallowing the rest of the file.
inline const auto string_body_def = x3::raw[*((x3::lit('\\') > escape) | (x3::char_ - x3::char_("\"\\\\\n")))];
inline const auto bool_value_def = (keyword("true") >> x3::attr(true)) | (keyword("false") >> x3::attr(false));
inline const auto identifier_def = identifier_text;
inline const auto pack_name_def = pack_name_text;
inline const auto variable_def = x3::lexeme[x3::lit('?') >> variable_text];
inline const auto number_def = number_text;
inline const auto string_literal_def = x3::lexeme[x3::lit('"') >> string_body > string_close];
inline const auto boolean_def = bool_value;
inline const auto literal_def = number | string_literal | boolean | identifier;
inline const auto operand_def = variable | number | string_literal | boolean | identifier;

BOOST_SPIRIT_DEFINE(identifier_text, pack_name_text, variable_text, number_text, string_body, escape, string_close,
                    bool_value, identifier, pack_name, variable, number, string_literal, boolean, literal, operand)

}  // namespace covenant::grammar
