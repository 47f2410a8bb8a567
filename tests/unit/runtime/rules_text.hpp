// A program from rule-language text, for runtime tests written in the language (parser + checker + engine).
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>

#include "check/check.hpp"
#include "syntax/parse.hpp"

namespace covenant::testing {

struct Loaded {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;   // none when the text has errors (they are in `sink`)
};

// Parses and checks `text` as the file `name`; never fails the test (the oracle's shrinker tries broken programs).
inline std::unique_ptr<Loaded> compile_rules(const std::string& text, const std::string& name = "test.rules") {
    auto l = std::make_unique<Loaded>();
    FileId id = l->sm.add(name, text);
    auto unit = parse_unit(l->sm.file(id), l->sink);
    if (!l->sink.has_errors()) l->program = check_units({unit}, l->sm, l->sink);
    return l;
}

// compile_rules, requiring that the text checks (the text and the diagnostics are shown when it does not).
inline std::unique_ptr<Loaded> load(const std::string& text) {
    auto l = compile_rules(text);
    INFO(text);
    INFO(render_all(l->sink, l->sm));
    REQUIRE(l->program.has_value());
    return l;
}

}  // namespace covenant::testing
