// Internal to engine/kb: the pieces of a failed value conversion, so that the fact-file reader can say where the
// value was meant to go ("expected an integer for slot 'born' of 'person', got 'abc'") while value_from_text (the
// public, context-free entry point in fact_file.hpp) says the same thing without the slot.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/value.hpp"
#include "program/program.hpp"

namespace covenant::kb {

struct ValueProblem {
    // Either "expected X, got Y" (expected and got set) or a complete sentence in `sentence` (one-of violations).
    std::string expected;  // "an integer"
    std::string got;       // "'abc'"
    std::string sentence;  // "'x' is not one of (a | b)"
    std::string hint;      // optional advice, appended after "; "
};

// Converts scalar text into a value of `slot`'s type. `quoted` scalars are strings and fit only string slots.
std::optional<Value> convert_scalar(std::string_view text, bool quoted, const SlotDef& slot, ValueProblem& problem);

// The words for a slot's type as a user expects it: "an integer", "a symbol", "one of (a | b)".
std::string expected_words(const SlotDef& slot);

// True when `text` can be written as a symbol in the rule language: [A-Za-z_][A-Za-z0-9_]*, and not one of the
// words the rule language reads as something else (true, false).
bool is_symbol_text(std::string_view text);

}  // namespace covenant::kb
