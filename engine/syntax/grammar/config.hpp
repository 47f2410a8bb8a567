// Iterator, skipper and context types shared by every grammar translation unit. BOOST_SPIRIT_INSTANTIATE uses
// `context_type`, so it must be exactly the context that parse.cpp's call builds:
//   x3::phrase_parse(first, last, x3::with<parse_state_tag>(std::ref(state))[rule], skipper, attr)
// i.e. the state context wrapped around the skipper context. Change both together or the link fails.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>

namespace covenant::grammar {

namespace x3 = boost::spirit::x3;

using iterator_type = std::string::const_iterator;

// Whitespace (newlines included: they are insignificant) and `#` comments to the end of the line. Explicit character
// sets rather than x3::space: the classification parsers assume ASCII and rule files may hold UTF-8 in comments.
inline const auto skipper = x3::char_(" \t\r\n\f\v") | (x3::lit('#') >> *(x3::char_ - x3::lit('\n')));
using skipper_type = std::remove_cv_t<decltype(skipper)>;

// An expectation failure as the top-level rule's on_error saw it: where the parser stood and the human name of what
// it expected there (the rule name).
struct Failure {
    iterator_type where;
    std::string which;
};

// Per-parse state reached from the rules through the context: positions for the annotation handler and the first
// failure for the error handler.
struct ParseState {
    ParseState(iterator_type first, iterator_type last) : positions(first, last) {}
    x3::position_cache<std::vector<iterator_type>> positions;
    std::optional<Failure> failure;
};

struct parse_state_tag;

using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type = x3::context<parse_state_tag, std::reference_wrapper<ParseState>, phrase_context_type>;

}  // namespace covenant::grammar
