// The documentation is tested like code:
//  - every ```covenant block of docs/language.md parses, checks and runs to quiescence; a block whose first line is
//    `# needs: core.vocabulary` is loaded together with rules/core/vocabulary.rules; `use`d packs are found under
//    rules/. Each block is written to a scratch file padded with blank lines, so that diagnostics point at the same
//    line numbers as in language.md.
//  - every code in engine/base/diagnostics.def has a `### CODE` heading in docs/diagnostics.md;
//  - each output shown in docs/examples.md equals the golden file tests/golden/example_NAME/expected.out (which the
//    golden tests compare with what `covenant run` prints).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../source_files.hpp"
#include "base/diagnostic.hpp"
#include "check/check.hpp"
#include "runtime/engine.hpp"

using namespace covenant;
using covenant::test::covenant_blocks;
using covenant::test::read_text;
using covenant::test::source_dir;
namespace fs = std::filesystem;

TEST_CASE("every covenant block in docs/language.md parses, checks and runs", "[docs]") {
    fs::path doc = source_dir() / "docs" / "language.md";
    REQUIRE(fs::exists(doc));
    auto blocks = covenant_blocks(read_text(doc));
    REQUIRE_FALSE(blocks.empty());

    fs::path scratch = fs::temp_directory_path() / ("covenant-docs-" + std::to_string(::getpid()));
    fs::create_directories(scratch);
    for (const auto& block : blocks) {
        // Padding keeps line numbers equal to language.md's.
        fs::path file = scratch / ("language.md-line-" + std::to_string(block.first_line) + ".rules");
        std::ofstream(file) << std::string(block.first_line - 1, '\n') << block.text;

        std::vector<std::string> files{file.string()};
        if (block.text.rfind("# needs: core.vocabulary", 0) == 0)
            files.push_back((source_dir() / "rules" / "core" / "vocabulary.rules").string());
        LoadOptions options;
        options.search_path = {(source_dir() / "rules").string()};
        SourceManager sm;
        DiagnosticSink sink;
        auto program = load_program(files, options, sm, sink);
        INFO("docs/language.md block at line " << block.first_line << ":\n"
                                               << block.text << "\n" << render_all(sink, sm));
        REQUIRE(program);
        CHECK_FALSE(sink.has_errors());

        Engine engine(*program);
        std::ostringstream printed;
        engine.set_output(printed);
        engine.reset();
        RunLimits limits;
        limits.max_firings = 100000;
        RunResult result = engine.run(limits);
        INFO("stopped: " << stop_reason_text(result.reason));
        CHECK((result.reason == StopReason::Quiescent || result.reason == StopReason::Halted));
        CHECK(result.errors.empty());
    }
    fs::remove_all(scratch);
}

TEST_CASE("every diagnostic code has a heading in docs/diagnostics.md", "[docs]") {
    fs::path doc = source_dir() / "docs" / "diagnostics.md";
    REQUIRE(fs::exists(doc));
    std::string text = read_text(doc);
    std::vector<std::string> headings;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("### ", 0) == 0) {
            // `### E0101`, `### E0101: ...` and `### E0101 — ...` all name E0101.
            std::size_t end = 4;
            while (end < line.size() && std::isalnum(static_cast<unsigned char>(line[end]))) ++end;
            headings.push_back(line.substr(4, end - 4));
        }
    for (Code code : all_codes()) {
        std::string id(code_id(code));
        INFO("docs/diagnostics.md has no heading `### " << id << "` (" << code_summary(code) << ")");
        CHECK(std::find(headings.begin(), headings.end(), id) != headings.end());
    }
}

TEST_CASE("the outputs in docs/examples.md are the golden outputs", "[docs]") {
    fs::path doc = source_dir() / "docs" / "examples.md";
    REQUIRE(fs::exists(doc));
    std::istringstream in(read_text(doc));
    std::string line, pending;
    std::size_t checked = 0;
    const std::string prefix = "covenant run rules/examples/";
    while (std::getline(in, line)) {
        if (line.rfind(prefix, 0) == 0 && line.size() > prefix.size() + 6 && line.ends_with(".rules")) {
            pending = line.substr(prefix.size(), line.size() - prefix.size() - 6);
        } else if (!pending.empty() && line == "```text") {
            std::string shown;
            while (std::getline(in, line) && line.rfind("```", 0) != 0) shown += line + "\n";
            fs::path golden = source_dir() / "tests" / "golden" / ("example_" + pending) / "expected.out";
            INFO("docs/examples.md, output of " << pending << ".rules; run tests/golden/sync_examples_doc.sh");
            REQUIRE(fs::exists(golden));
            CHECK(shown == read_text(golden));
            ++checked;
            pending.clear();
        }
    }
    // Every example pack is shown.
    std::size_t packs = 0;
    for (const auto& entry : fs::directory_iterator(source_dir() / "rules" / "examples"))
        if (entry.path().extension() == ".rules") ++packs;
    CHECK(checked == packs);
}
