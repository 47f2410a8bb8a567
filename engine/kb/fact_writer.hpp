// Writing fact files: the inverse of kb/fact_file.hpp's reader, kept beside it so that what one writes the other
// reads back to the same values (tests/unit/kb/fact_writer_test.cpp checks the round trip). `covenant repl`'s `save`
// writes with it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/value.hpp"
#include "program/program.hpp"

namespace covenant {

// `text` as a YAML double-quoted scalar, with the escapes YAML 1.2 defines (\" \\ \n \t \r, \xNN for the other
// control bytes), so that a YAML reader gets exactly `text` back. Bytes >= 0x80 (UTF-8) are written as they are.
std::string yaml_quoted(std::string_view text);

// A value as a YAML scalar that the fact-file reader converts back to the same value for a slot of its type:
// strings double-quoted (yaml_quoted), everything else as the rule language writes it (to_source).
std::string yaml_value(const Value& v);

// A fact file as text and how many facts it holds.
struct FactFileText {
    std::string text;
    std::size_t facts = 0;  // the facts written, not counting those left to the header (see write_fact_file)
};

// The text of a fact file: `comment` (one line, without the '#'), then the `header` keys in order (values
// double-quoted, except `as_of`, which is written plain so that it reads back as the case's year), then `facts:`
// with the facts grouped by template (a YAML mapping cannot repeat a key), templates in order of first appearance
// and facts in the given order, one flow mapping each. Slots at their default are left out, as a person would write
// the file. Facts of case templates are not written: the reader makes them again from the header.
// Every fact's template must be one of `program`'s.
FactFileText write_fact_file(const Program& program, std::string_view comment,
                             const std::vector<std::pair<std::string, std::string>>& header,
                             const std::vector<InitialFact>& facts);

}  // namespace covenant
