// Shared inputs and helpers for the [syntax] tests.
#pragma once

#include <memory>
#include <string>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "syntax/ast.hpp"
#include "syntax/parse.hpp"

namespace covenant::test {

// The example of issue 2, section 2, exactly as written there.
extern const char* const kIssueExample;

struct Parsed {
    std::unique_ptr<SourceManager> sources;
    DiagnosticSink sink{1000};
    ast::Unit unit;
};

// Parses `text` as a file named test.rules.
Parsed parse_text(const std::string& text);

// "line:col: CODE message" per diagnostic, for failure output.
std::string describe(const DiagnosticSink& sink);

}  // namespace covenant::test
