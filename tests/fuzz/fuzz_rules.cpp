// libFuzzer target: the input is the text of a rule file. Parses it, checks it (check_units: no file is loaded, so a
// `use` of another pack is an error like any other) and renders every diagnostic, so that the parser, the checker
// and the diagnostic renderer all see arbitrary text.
//
// Oracle beyond the sanitizers: when the text checks clean, the round-trip printer's output (print_program) must
// parse and check clean again and print the same text (what tests/unit/check/roundtrip_test.cpp asserts for one
// program).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "check/check.hpp"
#include "syntax/parse.hpp"

using namespace covenant;

namespace {

std::optional<Program> parse_and_check(const std::string& text, SourceManager& sm, DiagnosticSink& sink) {
    FileId id = sm.add("fuzz.rules", text);
    ast::Unit unit = parse_unit(sm.file(id), sink);
    if (sink.has_errors()) return std::nullopt;
    return check_units({unit}, sm, sink);
}

[[noreturn]] void fail(const char* what, const std::string& printed, const std::string& detail) {
    std::fprintf(stderr, "fuzz_rules: %s\n--- printed program ---\n%s\n--- diagnostics ---\n%s\n", what,
                 printed.c_str(), detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program = parse_and_check(text, sm, sink);
    RenderOptions plain;
    RenderOptions color;
    color.color = true;
    (void)render_all(sink, sm, plain);
    (void)render_all(sink, sm, color);
    if (!program) return 0;

    std::string printed = print_program(*program);
    SourceManager sm2;
    DiagnosticSink sink2;
    std::optional<Program> again = parse_and_check(printed, sm2, sink2);
    if (!again) fail("the printed program does not parse and check clean", printed, render_all(sink2, sm2, plain));
    std::string reprinted = print_program(*again);
    if (reprinted != printed) fail("printing the re-read program gives other text", printed, reprinted);
    return 0;
}
