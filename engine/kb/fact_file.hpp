// Reading fact files (YAML). A file has a `facts:` mapping from template name to a list of slot maps; other
// top-level keys (case, as_of, title, sources, expect, ...) are kept as metadata. Values are checked against the
// program's templates; errors are located at the YAML `file:line:col`.
//
// Read as a stream of parse events straight into facts, never through a node tree (building the tree costs more
// than matching the rules; see docs/benchmarks.md). The events come from kb/simple_yaml.hpp, a scanner for the plain
// subset of YAML that case files are written in, which yields exactly yaml-cpp's events; any file outside that subset,
// and any file in which the reader finds a problem, is read again through yaml-cpp's event API (YAML::Parser +
// EventHandler), so yaml-cpp stays the reference and every diagnostic comes from it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "program/program.hpp"

namespace covenant {

// A scalar or nested metadata value, kept for `case`, `title`, `sources`, `expect` and unknown keys.
struct MetaValue {
    enum class Kind { Null, Scalar, Sequence, Map };
    Kind kind = Kind::Null;
    std::string scalar;
    std::vector<MetaValue> items;                              // Sequence
    std::vector<std::pair<std::string, MetaValue>> entries;    // Map, in file order
    SourceSpan span;

    // Out of line (fact_file.cpp): `entries` holds pairs of MetaValue, and clang cannot work out the implicit
    // destructor's exception specification while MetaValue is still incomplete (GCC does not ask).
    MetaValue();
    MetaValue(const MetaValue&);
    MetaValue(MetaValue&&) noexcept;
    MetaValue& operator=(const MetaValue&);
    MetaValue& operator=(MetaValue&&) noexcept;
    ~MetaValue();

    const MetaValue* get(std::string_view key) const;          // Map lookup, nullptr if absent
};

// Where a value that the world checks (kb/world.hpp) look at is written in the file — a `ref` slot's, or one whose
// range names a slot of a referred fact — so that they can point at it.
struct ValueSite {
    std::uint32_t fact = 0;   // index into FactFile::facts
    SlotIndex slot = 0;
    SourceSpan span;
};

struct FactFile {
    FileId file = 0;
    std::vector<std::pair<std::string, MetaValue>> metadata;   // every top-level key except `facts`, in order
    std::vector<InitialFact> facts;                            // in file order; defaults filled in; a case file's
                                                               // case-template facts (made from its header) come first
    bool is_case = false;                                      // read as a case file (see FactFileOptions)
    std::vector<ValueSite> value_sites;                        // see ValueSite

    const MetaValue* meta(std::string_view key) const;
};

struct FactFileOptions {
    // Read the file as a case file even when its header has neither `case:` nor `as_of:` (classify and test do:
    // every file they are given is a case). A file with either key is always a case file.
    bool as_case = false;
};

// Parses and checks `file` against `program`. On any error, reports it to `sink` (every error found, up to the
// sink's limit) and returns nullopt. Never throws on bad input.
//
// A case file (FactFileOptions) describes one world at one time, its header saying when (`as_of`). For it the reader
// also: makes the fact of every case template (a template with `from` slots, docs/language.md) from the header,
// so a case without a required header key is an error; rejects a hand-written fact of a case template that
// disagrees with the header (and warns about one that repeats it, then drops it); and checks range bounds that name
// a header key (`year: int <= as_of`). Any fact file that holds no facts at all is an error.
std::optional<FactFile> read_fact_file(const SourceFile& file, const Program& program, DiagnosticSink& sink,
                                       const FactFileOptions& options = {});

// Converts a scalar as written in YAML or at the REPL into a value of the slot's type, or explains in `why` what was
// expected ("expected an integer, got 'abc'"; "'x' is not one of (a | b)"). `quoted` is true for quoted scalars,
// which are always strings. Shared by the fact-file reader and the REPL so that both accept the same spellings.
std::optional<Value> value_from_text(std::string_view text, bool quoted, const SlotDef& slot, std::string& why);

// read_fact_file's two paths, each alone, for tests and the differential fuzzer (tests/fuzz/fuzz_facts.cpp), which
// checks that they agree: whenever the fast path does not decline, it accepts exactly the files yaml-cpp's path
// accepts, with the same facts and metadata.
namespace kb {

enum class FastRead { OutsideSubset, Rejected, Accepted };
// The fast path: scan_simple_yaml's events fed to the reader. OutsideSubset when the scanner declines the text;
// Rejected when the reader finds an error (reported by neither path: read_fact_file then asks yaml-cpp); Accepted
// with `out` filled otherwise, its warnings (if any) added to `warnings` when given.
FastRead read_fact_file_fast(const SourceFile& file, const Program& program, FactFile& out,
                             const FactFileOptions& options = {}, DiagnosticSink* warnings = nullptr);
// The reference path: yaml-cpp's event parser fed to the reader, reporting every problem to `sink`.
std::optional<FactFile> read_fact_file_yaml_cpp(const SourceFile& file, const Program& program, DiagnosticSink& sink,
                                                const FactFileOptions& options = {});

}  // namespace kb

}  // namespace covenant
