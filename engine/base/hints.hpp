// Hints for the usual slips of authors coming from other rule languages (CLIPS names like green-couch; `=` for a
// comparison), attached as notes to the error the slip causes. Each function looks only at source text and returns
// the note's words, or nothing when the slip is not there.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace covenant {

// `text` is names joined by '-' with no spaces (green-couch, a-b-c; not a-1, not - x): the note that names use '_',
// with the name rewritten ("names are letters, digits and '_', not '-': write 'green_couch'").
std::optional<std::string> hyphenated_name_hint(std::string_view text);

// The hyphenated name around byte `pos` of `text` (pos on a '-' or inside the name), as hyphenated_name_hint words it.
std::optional<std::string> hyphenated_name_hint_at(std::string_view text, std::size_t pos);

// `text` at `pos` is a lone '=' (not '==', '<=', '>=' or '!='): the note that a comparison is written '=='.
std::optional<std::string> single_equals_hint_at(std::string_view text, std::size_t pos);

}  // namespace covenant
