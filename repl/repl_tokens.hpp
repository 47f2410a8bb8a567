// The one tokenizer of REPL command lines. Commands work on byte ranges [b, e) of the typed line rather than on
// copies, because every diagnostic points into the line (the `<repl:N>` source) at the range it is about.
//
// The rule language's own grammar reads facts and patterns (syntax/parse.hpp); this file only finds their edges and
// reads the few things typed outside them: command words, `slot: value` lists, `f-12` ids and quoted answers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/engine.hpp"  // FactId

namespace covenant::cli {

// Blanks between words: space, tab, CR and LF.
bool is_space(char c);
// A character of an identifier as the rule language writes one: [A-Za-z0-9_].
bool is_identifier_char(char c);

// The first non-blank at or after i (s.size() if none).
std::size_t skip_space(std::string_view s, std::size_t i);
// The end of the word that starts at i: the first blank at or after i (s.size() if none).
std::size_t word_end(std::string_view s, std::size_t i);
// The end of [b, e) without trailing blanks (>= b).
std::size_t trim_end(std::string_view s, std::size_t b, std::size_t e);
// The first word of s (after leading blanks), "" when s is blank: the command word of a line.
std::string_view first_word(std::string_view s);

using Range = std::pair<std::size_t, std::size_t>;  // [first, second) of the line
// Splits [b, e) at top-level occurrences of `sep` (outside double quotes, where `\` escapes the next character, and
// outside parentheses) into ranges trimmed of blanks; an empty part is an empty range. Always at least one part.
std::vector<Range> split_top(std::string_view s, std::size_t b, std::size_t e, char sep);

// Scanning [b, e) backwards, the '(' that is not closed before e, or npos: inside `template(slot: 1, sl` the one
// after `template`; for [b, e) ending just before a ')', the '(' that matches that ')'.
std::size_t unclosed_paren(std::string_view s, std::size_t b, std::size_t e);
// The start of the identifier that ends at `end` (== end when s[end - 1] is not an identifier character).
std::size_t identifier_start(std::string_view s, std::size_t end);

// `f-12`, `F-12` or `12` as a fact id (at most nine digits); nullopt for anything else.
std::optional<FactId> fact_id_from(std::string_view text);

// A scalar as typed after `slot:` or as an answer: `"..."` is a quoted string (quoted = true, the quotes dropped),
// anything else is taken as it is. With `decode_escapes`, `\n` and `\t` inside the quotes become a newline and a
// tab and `\x` any other character x; a backslash just before the closing quote stays as it is. `consult` answers
// are read without decoding (as they always were), `slot: value` changes with it.
struct Scalar {
    std::string text;
    bool quoted = false;
};
Scalar read_scalar(std::string_view token, bool decode_escapes);

}  // namespace covenant::cli
