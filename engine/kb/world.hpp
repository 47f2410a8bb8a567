// The checks that need every fact of a world at once. A world is what one case sees: the program's `facts` blocks,
// the shared fact files loaded with every case (a threat catalogue) and the case file itself — or, at the REPL, the
// working memory. Reading one file cannot tell whether `exposure(threat: cyber_atacks)` names a threat, because the
// threats live in another file; these checks can.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "base/diagnostic.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"

namespace covenant {

// The ids that facts of each template referred to by a `ref` slot carry (their `id` slot).
class RefIndex {
public:
    explicit RefIndex(const Program& program);
    // Adds a fact's id, when its template is referred to by some `ref` slot.
    void add(TemplateId tmpl, const Value* values);
    bool known(TemplateId tmpl, const Value& id) const;
    // The values of the fact of `tmpl` whose id is `id` (the first one added), or nullptr. Valid while that fact's
    // values are (the index keeps pointers, not copies).
    const Value* find(TemplateId tmpl, const Value& id) const;
    // The closest known id of `tmpl` to `word`, for "did you mean"; "" when none is close.
    std::string closest(TemplateId tmpl, std::string_view word) const;

private:
    const Program& program_;
    std::vector<int> id_slot_;                                          // per template: its `id` slot if referred to
    std::unordered_map<TemplateId, std::unordered_map<SymbolId, const Value*>> ids_;  // referred -> id -> values
};

// Reads the world made of the program's facts and `files` (in order: shared files first, the case last) and
// reports: every `ref` slot value that names no fact of the referred template (located where the value is written,
// with the closest known id), and a second case file in one world (cases never mix: each case is its own world).
// Only files from index `first_checked` on are checked (earlier ones, such as shared files read with another
// SourceManager, only contribute their ids). Returns false when an error was reported.
bool check_world(const Program& program, const std::vector<const FactFile*>& files, DiagnosticSink& sink,
                 std::size_t first_checked = 0);

// The ref check of check_world for one file against the ids in `index` (which must already hold the file's own).
bool check_file_refs(const Program& program, const RefIndex& index, const FactFile& file, DiagnosticSink& sink);

// The same check for one fact given at the REPL, against the ids in `index` (built from the working memory): every
// `ref` slot must name a known id (a slot's default value stands for "none" and is exempt).
bool check_fact_refs(const Program& program, const RefIndex& index, const InitialFact& fact, DiagnosticSink& sink);

}  // namespace covenant
