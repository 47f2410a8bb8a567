// The checker: parsed units in, a checked Program out. Resolves `use`, names (templates, slots, packs, functions),
// types and variable bindings, and reports what is wrong with located diagnostics (codes E01xx, W00xx).
//
// Passes, in order (each records into the sink; the driver stops before building the Program if any failed):
//   1. packs     — collect pack declarations, resolve `use` (loading files found on the search path), order units so
//                  that a used pack comes before its user, reject cycles and duplicates;
//   2. templates — declare templates, check slot types, `one of` lists and defaults;
//   3. facts     — type-check `facts { }` blocks;
//   4. rules     — per rule: resolve patterns, number variables, check bindings (bound before use, not first bound
//                  inside `not`), type-check tests, expressions, aggregates, evidence weights and actions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "program/program.hpp"
#include "syntax/ast.hpp"

namespace covenant {

struct LoadOptions {
    // Directories searched for `use a.b.c`: the file a/b/c.rules under each directory, in order.
    // The loader also looks beside the file that says `use`, and in its ancestors up to a `rules/` directory.
    std::vector<std::string> search_path;
};

// Parses the given rule files (and the packs they use), checks them and builds the Program. Reports everything to
// `sink`; returns nullopt when there was any error. Files are registered in `sm` (spans point into them).
std::optional<Program> load_program(const std::vector<std::string>& files, const LoadOptions& options,
                                    SourceManager& sm, DiagnosticSink& sink);

// Checks already-parsed units (no file loading: every `use` must be among them). For tests and the REPL.
// The checker rewrites the units as it goes (constants are substituted in place): the first form works on a copy,
// the second on the units given, which a caller that no longer needs them moves in (a 10,000-rule pack's syntax
// tree is over 100 MB, and copying it was more than half of the check's time).
std::optional<Program> check_units(const std::vector<ast::Unit>& units, const SourceManager& sm, DiagnosticSink& sink);
std::optional<Program> check_units(std::vector<ast::Unit>&& units, const SourceManager& sm, DiagnosticSink& sink);

// Type-checks one fact term against a program (for the REPL's `assert` and for tests); fills defaults.
// A comparison operator of the syntax tree as the checked program spells it.
CmpOp program_cmp_op(ast::CmpOp op);

// The text of a literal as value_from_text (kb/fact_file.hpp) reads it, so that constants typed in a pattern (at the
// REPL, in `expect:`) accept the spellings a fact file accepts.
std::string literal_text(const ast::Literal& lit);

std::optional<InitialFact> check_fact(const ast::FactTerm& fact, const Program& program, DiagnosticSink& sink);

// W0004: warns about each rule that can never fire when a run's facts come only from the program's facts blocks and
// from fact files holding facts of the templates `in_fact_files` (engine/check/reachability.cpp says how it decides).
// Only meaningful when the fact files are known: `covenant check --facts` calls it with the union of their templates.
void warn_rules_that_cannot_fire(const Program& program, const std::vector<TemplateId>& in_fact_files,
                                 DiagnosticSink& sink);

}  // namespace covenant
