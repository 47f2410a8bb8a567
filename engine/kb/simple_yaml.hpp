// A fast scanner for the plain subset of YAML that case files are written in, producing the same event stream as
// yaml-cpp's YAML::Parser would (same events, same marks, same tags, same values).
//
// Why: yaml-cpp's scanner matches a regular expression object per character and costs ~1,800 instructions per byte;
// on the domain benchmark (issue 5) it was 81% of all instructions of `covenant classify` (4.8M per 2.5 KB case file,
// the rules' matching and firing about 0.4M). This scanner costs a few instructions per byte.
//
// Contract: scan_simple_yaml either returns true, having filled `out` with exactly the events yaml-cpp reports for
// `text` (checked event by event against yaml-cpp by tests/unit/kb/simple_yaml_test.cpp, including on mutated
// inputs), or returns false — "outside the subset, ask yaml-cpp" — with `out` in an unspecified state. It never
// accepts a text that yaml-cpp rejects. It is deliberately narrow; anything unusual goes to yaml-cpp, so diagnostics
// for malformed files always come from the one reference parser.
//
// The subset (one document, UTF-8 without a byte-order mark, `\n` line ends, no tabs, no `\r`):
//  - a block mapping at column 0; block mappings and block sequences (`- item`) nested by indentation, a sequence
//    also at its key's own indentation; keys are plain words ([A-Za-z0-9_] then also `-` and `.`), `key:` then a
//    space or the end of the line;
//  - values: plain scalars (no `:`, no ` #`, one line; in flow context also no `,[]{}`), double-quoted scalars
//    without backslash escapes, single-quoted scalars without `''`, each on one line; flow mappings `{k: v, ...}`
//    and flow sequences `[a, ...]`, which may continue on lines indented deeper than the enclosing block;
//  - `~`, `null`, `Null`, `NULL` and empty values (followed by more content) are nulls, as in yaml-cpp;
//  - full-line comments anywhere, trailing comments after block values (` # ...`).
// Not in the subset: anchors, aliases, tags, directives, `---`/`...`, block scalars (`|`, `>`), escapes, multi-line
// scalars, complex keys, `- key: value` compact mappings, empty entries in flow collections, trailing commas.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace covenant::kb {

struct YamlEvent {
    enum class Kind : std::uint8_t { DocumentStart, DocumentEnd, MapStart, MapEnd, SeqStart, SeqEnd, Scalar, Null };
    Kind kind = Kind::Scalar;
    bool quoted = false;            // Scalar: yaml-cpp's tag "!" (quoted) rather than "?" (plain)
    bool flow = false;              // MapStart, SeqStart: flow style ({...}, [...]) rather than block
    std::uint32_t pos = 0;          // byte offset; yaml-cpp's Mark::pos (0 for the end events, which have no mark)
    std::uint32_t line = 0;         // 0-based, as yaml-cpp's Mark::line
    std::uint32_t column = 0;       // 0-based, as yaml-cpp's Mark::column
    std::string_view value;         // Scalar: the value (a view into the text)
};

bool scan_simple_yaml(std::string_view text, std::vector<YamlEvent>& out);

}  // namespace covenant::kb
