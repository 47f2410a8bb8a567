// The formatter behind `covenant fmt` (and the language server's formatting): a rule file laid out canonically, with
// every comment kept and nothing reordered. The text of each construct is print_ast's (so syntax printed there
// reaches the formatter); this file adds only where lines break, indentation and the comments. The layout, the one
// most shipped packs were already written in:
//   - definitions in file order; where the file had blank lines between two of them (or between any two lines of a
//     body), one blank line; none is added, and none is kept right after `{` or before `}`;
//   - bodies indented by two spaces; a rule as `  when C1` / `       C2` / `  then A1` / `       A2`, one condition
//     or action per line; a facts block one fact per line;
//   - a template written on one line stays on one line, `template t { a: int, b: symbol }`, when it fits and holds
//     no comment, and a run of such templates on consecutive lines has its names padded so that what follows them
//     lines up; any other template has one slot per line, without commas;
//   - a line longer than FormatOptions::width breaks after a comma inside brackets, continuing under the first item,
//     filling each line (an item that does not fit where it would go starts a new line first); within an item, after
//     its loosest binary operator or `|`, continuing under the first operand;
//   - a comment on a line of its own goes before the definition, slot, fact, condition or action it precedes,
//     indented like it; a comment after code stays at the end of that code's (last) line, at its column while the
//     code before it is printed as written (so aligned comments stay aligned), else two spaces after the code;
//     own-line comments right under such a comment, indented deeper than the code, continue it and keep their column
//     (as the aligned comments of rules/core/weights.rules do);
//   - numbers are kept as written (0.30 stays 0.30) and so are ranges written `in [a, b]`; everything else is
//     print_ast's canonical spelling (`exists (p)` becomes `exists p`, `{ a: int, }` loses its comma).
// The result is stable: formatting formatted text changes nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"

namespace covenant {

struct FormatOptions {
    // Lines are broken to fit this many columns where they can be; strings and names are never broken. 120, as the
    // project's C++ (.clang-format) and the shipped packs use.
    std::size_t width = 120;
};

struct FormatResult {
    bool ok = false;                      // text holds the formatted file
    std::string text;                     // when ok: the whole file, ending in one newline (empty for an empty file)
    std::vector<Diagnostic> diagnostics;  // when not ok: the syntax errors (spans into the file given), sorted
    // When not ok and there is no diagnostic: the formatter's own failure in words. Before answering, the formatted
    // text is parsed again and compared with the input (the same definitions, as print_ast prints them, and the same
    // comments in the same order); a difference is a bug in the formatter, reported here instead of the text.
    std::string internal_error;
};

// Formats one parsed-from-scratch rule file. A file with a syntax error is not formatted: the result carries the
// parser's diagnostics instead. Pure: reads nothing but `file`, writes nothing.
FormatResult format_source(const SourceFile& file, const FormatOptions& options = {});
// The same for a file held by `sources` (as the command line and the language server hold theirs).
FormatResult format_source(const SourceManager& sources, FileId file, const FormatOptions& options = {});

}  // namespace covenant
