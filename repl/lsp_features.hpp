// The language features of `covenant lsp`, each a function from an analysed document (and a position) to the
// protocol's result object. They never throw on odd positions: a position that names nothing gives `null` (hover,
// definition) or an empty list.
#pragma once

#include <string>

#include "lsp_analysis.hpp"

namespace covenant::lsp {

// textDocument/hover: Markdown naming the declaration and its doc string; null when the position names nothing.
json hover(const Analysis& a, Position p);

// textDocument/definition: a Location (possibly in a used pack's file), an array of them (an evidence predicate: every
// rule giving evidence for it), or null.
json definition(const Analysis& a, Position p);

// textDocument/documentSymbol: DocumentSymbol[] — pack, constants, templates (slots as children), facts blocks,
// functions, rules (by their kind), report declarations.
json document_symbols(const Analysis& a);

// textDocument/completion: CompletionItem[] for the position in `text` (the current text, which need not parse),
// using `a` (the latest analysis, possibly of a slightly older text) for the names it knows.
json completion(const Analysis& a, const std::string& text, Position p);

}  // namespace covenant::lsp
