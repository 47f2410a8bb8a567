// libFuzzer target: the input is a rule file with its facts blocks. Parses and checks it, and when it is clean runs it
// (at most 200 firings and 2 seconds, as `covenant run --max-firings 200 --timeout 2`), capturing `print` output,
// then formats working memory and explains the first facts (why trees as text, JSON and DOT), as `covenant run` and
// `covenant explain` would show them.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "check/check.hpp"
#include "explain/why.hpp"
#include "runtime/engine.hpp"
#include "syntax/parse.hpp"

using namespace covenant;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    SourceManager sm;
    DiagnosticSink sink;
    FileId id = sm.add("fuzz.rules", std::string(reinterpret_cast<const char*>(data), size));
    ast::Unit unit = parse_unit(sm.file(id), sink);
    if (sink.has_errors()) return 0;
    std::optional<Program> program = check_units({unit}, sm, sink);
    if (!program) return 0;

    std::ostringstream out;
    Engine engine(*program);
    engine.set_output(out);
    engine.set_sources(&sm);
    engine.reset();
    RunLimits limits;
    limits.max_firings = 200;
    limits.timeout = std::chrono::milliseconds(2000);
    RunResult result = engine.run(limits);
    (void)stop_reason_text(result.reason);

    std::size_t explained = 0;
    for (FactId f : engine.facts()) {
        FactView view = engine.fact(f);
        out << format_fact(*program, view.tmpl, view.values.data()) << '\n';
        if (explained++ < 4) {
            WhyOptions options;
            options.max_depth = 6;
            WhyNode root = explain_fact(engine, sm, f, options);
            out << render_why_text(root) << render_why_json(root) << render_why_dot(root);
        }
    }
    return 0;
}
