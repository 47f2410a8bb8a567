// What the language server knows about one open document: the document parsed and checked together with the packs it
// `use`s (resolved as `covenant check` resolves them, but reading open editor buffers in place of their files), the
// diagnostics, and an index of every name occurrence in the document, so that hover, definition and completion can
// answer from a position. Built over the public data of the engine (ast::Unit spans, the checked Program); nothing
// here changes the engine.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "program/program.hpp"
#include "syntax/ast.hpp"

namespace covenant::lsp {

using nlohmann::json;

// An LSP position: 0-based line, and character counted in UTF-16 code units (the protocol's default encoding).
struct Position {
    std::uint32_t line = 0;
    std::uint32_t character = 0;
};

// Converts between byte offsets in a text and LSP positions. Lines end at '\n' (a preceding '\r' counts as a
// character of the line, which LSP clients accept for positions before it). Invalid UTF-8 bytes count as one unit
// each, so a malformed file never throws.
class LineIndex {
public:
    LineIndex() = default;
    explicit LineIndex(std::string_view text);
    Position position(std::uint32_t offset) const;
    // The byte offset of a position; a character past the end of its line clamps to the line end, a line past the
    // end of the text to the text's end.
    std::uint32_t offset(Position p) const;
    json range(std::uint32_t offset, std::uint32_t length) const;

private:
    std::string_view text_;
    std::vector<std::uint32_t> starts_;
};

json to_json(Position p);

// file:///a/b%20c.rules <-> /a/b c.rules. A URI of another scheme has no path (empty).
std::string path_from_uri(std::string_view uri);
std::string uri_from_path(const std::string& path);

// One name in the document, with what it names.
struct Occurrence {
    // Function: a user function's declaration, or a call (of a user function or a builtin; a builtin has no
    // declaration to show).
    enum class Kind { Template, Slot, Constant, Rule, Variable, Pack, Predicate, Function };
    Kind kind = Kind::Template;
    bool declaration = false;  // the defining occurrence (template NAME, slot declaration, const NAME, rule NAME...)
    std::string name;          // without '?' for variables
    std::string owner;         // Slot: its template; Variable: its rule or function
    int rule = -1;             // Variable: index of its rule in the document's unit
    int function = -1;         // Variable: index of its function (a parameter) in the document's unit
    std::uint32_t offset = 0;  // bytes in the document text
    std::uint32_t length = 0;
};

// Where a declaration lives: the unit (document or used pack) and its span there.
template <typename Node>
struct Found {
    const Node* node = nullptr;
    const ast::Unit* unit = nullptr;
    explicit operator bool() const { return node != nullptr; }
};

class Analysis {
public:
    SourceManager sources;
    FileId doc_file = 0;
    std::string doc_uri;
    std::vector<ast::Unit> units;         // units[0] is the document; then the packs it uses, transitively
    DiagnosticSink sink{200};             // everything the parser and checker reported, in any file
    std::optional<Program> program;       // only when the whole load checked without error
    std::vector<Occurrence> occurrences;  // of the document, in text order
    LineIndex lines;                      // of the document text

    const std::string& text() const { return sources.file(doc_file).text; }
    const ast::Unit& doc() const { return units.front(); }

    // The innermost occurrence whose span contains `offset` (its end included, for a cursor just after a word).
    const Occurrence* occurrence_at(std::uint32_t offset) const;
    Found<ast::Template> find_template(std::string_view name) const;
    Found<ast::Constant> find_constant(std::string_view name) const;
    Found<ast::Rule> find_rule(std::string_view name) const;
    Found<ast::Function> find_function(std::string_view name) const;
    const ast::Unit* find_pack(std::string_view name) const;
    // The template a fact variable (`?f <- pattern`) of a rule is bound to; empty when unknown.
    std::string fact_variable_template(const ast::Rule& rule, std::string_view var) const;

    // The URI and LSP range of a span in any loaded file.
    std::string uri_of(FileId file) const;
    json location(const SourceSpan& span) const;
    // The source text a span covers.
    std::string_view text_of(const SourceSpan& span) const;

    // The document's diagnostics as LSP Diagnostic objects. Problems located in a used pack are reported at the
    // document's `use` of that pack (or at its first line), naming the file, so that they are not lost.
    json diagnostics() const;

    std::map<FileId, std::string> paths;  // absolute path (or the URI, for a document that is not a file) per file
};

// The texts of the documents open in the editor, by absolute path: a used pack that is open is read from here.
using OpenTexts = std::map<std::string, std::string>;

// Parses and checks `text` as the file `path` (a document URI with no file path: `path` empty) together with the
// packs it uses. `search_path`: directories searched for `use` first (--rules-path, COVENANT_PATH, the shipped
// rules/), then the document's directory and its ancestors, as load_program does.
std::unique_ptr<Analysis> analyse(const std::string& uri, const std::string& path, const std::string& text,
                                  const std::vector<std::string>& search_path, const OpenTexts& open);

// Whether a name is written like a constant (UPPER_CASE: a capital letter, then capitals, digits and '_').
bool is_constant_name(std::string_view name);

}  // namespace covenant::lsp
