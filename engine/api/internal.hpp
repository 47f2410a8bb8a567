// What the API's source files share: the state behind Rules and Session (the pimpl halves of
// include/covenant/covenant.hpp) and the conversions between the engine's types and the API's plain records. Never
// installed: embedders see only include/covenant/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "classify/classify.hpp"
#include "covenant/covenant.hpp"
#include "explain/why.hpp"
#include "explain/whynot.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"
#include "runtime/engine.hpp"

namespace covenant {

// Immutable after construction (Rules' contract: shared by threads and sessions).
struct Rules::Impl {
    SourceManager sources;           // the rule files and shared fact files, in load order
    std::optional<Program> program;  // its spans point into `sources`
    std::vector<FactFile> shared;    // shared facts, asserted first into every case and session
    std::vector<DiagnosticInfo> warnings;
    std::vector<std::string> rule_files;
    std::vector<std::string> fact_files;
};

namespace api {

// The diagnostics of `sink` (sorted, as the CLI prints them) as records; `only_errors` drops warnings and notes.
std::vector<DiagnosticInfo> diagnostics_of(const DiagnosticSink& sink, const SourceManager& sm,
                                           bool only_errors = false);
DiagnosticInfo diagnostic_of(const Diagnostic& d, const SourceManager* sm);

// Throws Error with every diagnostic of `sink` rendered as the CLI renders them.
[[noreturn]] void throw_diagnostics(const DiagnosticSink& sink, const SourceManager& sm);
// Throws Error with one diagnostic that has no place in a file.
[[noreturn]] void throw_error(Code code, const std::string& message);

// A Scalar converted to the slot's type as a fact file's scalar would be (value_from_text), then checked against the
// slot's range. Empty with `why` in words and `code` (E0206 a bad value, E0207 out of range) when it does not fit.
std::optional<Value> to_value(const Scalar& s, const SlotDef& slot, std::string& why, Code& code);
Scalar to_scalar(const Value& v);

CaseRecord to_record(const CaseResult& result, const Program& program);
SubjectRecord to_record(const InstitutionResult& r, const Program& program);

// Reads and classifies one case held in memory (the text of a case file, registered under `name`), as classify_case
// does for a file.
CaseResult classify_text(Engine& engine, const std::string& name, std::string text, const ClassifyOptions& options);

}  // namespace api
}  // namespace covenant
