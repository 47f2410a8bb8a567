// The public face of the parser. Includes no Spirit header: the X3 grammar lives in its own static library
// (covenant_grammar), so that editing the engine never recompiles it.
#pragma once

#include <optional>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "syntax/ast.hpp"

namespace covenant {

// Parses a whole rule file. Reports every syntax error it finds (recovering at the next top-level keyword:
// pack, use, const, template, facts, rule, norm, criterion, interest) into `sink`, and returns what it could parse; the
// result is complete only when the sink gained no errors.
ast::Unit parse_unit(const SourceFile& file, DiagnosticSink& sink);

// Parses a single fact term `template(slot: value, ...)` taking up the whole text (surrounding blanks allowed).
// Used by the REPL (`assert`, `retract`) and by tests. Reports into `sink` on failure.
std::optional<ast::FactTerm> parse_fact(const SourceFile& file, DiagnosticSink& sink);

// Parses a single pattern (as in a rule's `when`) taking up the whole text; for `why-not` and `facts` filters.
std::optional<ast::Pattern> parse_pattern(const SourceFile& file, DiagnosticSink& sink);

}  // namespace covenant
