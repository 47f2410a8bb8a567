// The `expect:` block of a case file (the types are in classify.hpp): read and checked against the loaded program's
// vocabulary when the case is read, so that a misspelt key or value is an error where it is written instead of an
// expectation that silently never matches; fact expectations observed in working memory after the run.
// check_expectations (declared in classify.hpp, defined in expect.cpp) words them as passed or failed.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "classify/classify.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"

namespace covenant {

class Engine;

// Reads `expect` (the metadata value of a case file held in `file`) into `out`. Reports every problem into `sink`,
// located in `file` (a misspelt key or value with a "did you mean"), and returns false when there was any.
bool parse_expectations(const MetaValue& expect, const Program& program, const SourceFile& file,
                        std::vector<Expectation>& out, DiagnosticSink& sink);

// Fills in what `engine`'s working memory holds for every `facts`/`not_facts` expectation (FactExpectation::matching,
// of_template, shown). Call it after the run, before the engine is reset.
void observe_fact_expectations(const Engine& engine, std::vector<Expectation>& expectations);

// The CaseError for a case whose reading reported errors into `sink`: located at the first error (in file order),
// with every error listed (CaseError::errors) and every diagnostic rendered.
CaseError case_error_from(const std::string& path, const DiagnosticSink& sink, const SourceManager& sm);

}  // namespace covenant
