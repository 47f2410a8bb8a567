// Instantiates the grammar's entry rules listed below for the parse context of config.hpp (one TU per group so
// the grammar compiles in parallel).
#include "syntax/grammar/grammar_def.hpp"

namespace covenant::grammar {

BOOST_SPIRIT_INSTANTIATE(function_definition_type, iterator_type, context_type)

}  // namespace covenant::grammar
