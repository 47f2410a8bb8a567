// load_program: finding the files of used packs on disk (beside the user, in its ancestors, on the search path),
// loading each file once, and reporting unknown packs, cycles and unreadable files.
#include <filesystem>
#include <fstream>
#include <random>

#include "check/support.hpp"

using namespace covenant;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
    fs::path root;
    TempDir() {
        std::random_device rd;
        root = fs::temp_directory_path() / ("covenant-check-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(root);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    std::string write(const std::string& rel, const std::string& text) const {
        fs::path p = root / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }
};

struct Loaded {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;
    Loaded(const std::vector<std::string>& files, const LoadOptions& options = {}) {
        program = load_program(files, options, sm, sink);
    }
    std::string rendered() const { return render_all(sink, sm); }
};

}  // namespace

TEST_CASE("use finds packs beside the file and in its ancestors, used packs first", "[check]") {
    TempDir dir;
    dir.write("rules/core/vocabulary.rules", "pack core.vocabulary\ntemplate institution { id: symbol }\n");
    dir.write("rules/examples/common.rules",
              "pack examples.common\nuse core.vocabulary\ntemplate person { name: symbol }\n"
              "rule common_rule { when institution(id: ?i) then print \"{?i}\" }\n");
    std::string family = dir.write("rules/examples/family.rules",
                                   "pack examples.family\nuse examples.common\nuse core.vocabulary\n"
                                   "rule family_rule { when person(name: ?p) institution(id: ?p) then halt }\n");
    Loaded l({family, family});  // a file named twice is loaded once
    INFO(l.rendered());
    REQUIRE(l.program);
    const Program& p = *l.program;
    REQUIRE(p.packs.size() == 3);
    CHECK(p.packs[0].name == "core.vocabulary");
    CHECK(p.packs[1].name == "examples.common");
    CHECK(p.packs[2].name == "examples.family");
    CHECK(p.packs[2].uses == std::vector<PackId>{1, 0});
    CHECK(p.templates[0].name == "institution");
    CHECK(p.templates[1].name == "person");
    CHECK(p.rules[0].name == "common_rule");
    CHECK(p.rules[1].name == "family_rule");
    CHECK(l.sm.size() == 4);  // file 0 is "no file"; each of the three files once
}

TEST_CASE("use searches LoadOptions::search_path first", "[check]") {
    TempDir dir;
    dir.write("lib/shared/base.rules", "pack shared.base\ntemplate from_lib { x: int }\n");
    std::string main = dir.write("app/main.rules", "use shared.base\nfacts { from_lib(x: 1) }\n");
    LoadOptions options;
    options.search_path.push_back((dir.root / "lib").string());
    Loaded l({main}, options);
    INFO(l.rendered());
    REQUIRE(l.program);
    CHECK(l.program->facts.size() == 1);
    Loaded without({main});
    CHECK_FALSE(without.program);
}

TEST_CASE("A found file without a pack declaration takes the name it was used by", "[check]") {
    TempDir dir;
    dir.write("x/plain.rules", "template t { a: int }\n");
    std::string main = dir.write("x/main.rules", "use plain\nfacts { t(a: 1) }\n");
    Loaded l({main});
    INFO(l.rendered());
    REQUIRE(l.program);
    CHECK(l.program->packs[0].name == "plain");
}

TEST_CASE("E0103 unknown pack says where it looked", "[check]") {
    TempDir dir;
    std::string main = dir.write("rules/examples/main.rules", "pack examples.main\nuse examples.comon\n");
    Loaded l({main});
    CHECK_FALSE(l.program);
    REQUIRE(l.sink.diagnostics().size() == 1);
    const Diagnostic& d = l.sink.diagnostics()[0];
    CHECK(d.code == Code::UnknownPack);
    CHECK(d.message == "unknown pack 'examples.comon'");
    CHECK(d.span.line == 2);
    CHECK(d.span.col == 5);
    REQUIRE(d.notes.size() == 1);
    CHECK_THAT(d.notes[0].message, Contains("looked for examples/comon.rules in: "));
    CHECK_THAT(d.notes[0].message, Contains("rules/examples"));

    dir.write("rules/examples/other.rules", "pack something.else\n");
    std::string wrong = dir.write("rules/examples/wrong.rules", "use examples.other\n");
    Loaded w({wrong});
    CHECK_FALSE(w.program);
    REQUIRE(w.sink.diagnostics().size() == 1);
    CHECK_THAT(w.sink.diagnostics()[0].message, Contains("but declares pack 'something.else'"));
}

TEST_CASE("E0118 a cycle of packs on disk", "[check]") {
    TempDir dir;
    dir.write("r/a.rules", "pack a\nuse b\n");
    dir.write("r/b.rules", "pack b\nuse c\n");
    std::string c = dir.write("r/c.rules", "pack c\nuse a\n");
    Loaded l({c});
    CHECK_FALSE(l.program);
    REQUIRE(l.sink.error_count() == 1);
    const Diagnostic& d = l.sink.diagnostics()[0];
    CHECK(d.code == Code::CyclicUse);
    CHECK(d.message == "packs use each other in a cycle: c -> a -> b -> c");
}

TEST_CASE("E0401 a rule file that cannot be read", "[check]") {
    TempDir dir;
    Loaded l({(dir.root / "missing.rules").string(), dir.root.string()});
    CHECK_FALSE(l.program);
    REQUIRE(l.sink.error_count() == 2);
    CHECK(l.sink.diagnostics()[0].code == Code::CannotReadFile);
    CHECK_THAT(l.sink.diagnostics()[0].message, Contains("missing.rules"));
    CHECK_THAT(l.sink.diagnostics()[1].message, Contains("it is a directory"));
}

TEST_CASE("The shipped rule packs load without errors", "[check]") {
    fs::path examples = fs::path(COVENANT_SOURCE_DIR) / "rules" / "examples";
    if (!fs::exists(examples)) return;
    for (const auto& entry : fs::directory_iterator(examples)) {
        if (entry.path().extension() != ".rules") continue;
        Loaded l({entry.path().string()});
        INFO(entry.path().string() << "\n" << l.rendered());
        CHECK(l.program);
    }
}

TEST_CASE("Syntax errors in a used pack stop the load with their own diagnostics", "[check]") {
    TempDir dir;
    dir.write("p/base.rules", "pack base\ntemplate t { a int }\n");
    std::string main = dir.write("p/main.rules", "use base\nfacts { t(a: 1) }\n");
    Loaded l({main});
    CHECK_FALSE(l.program);
    REQUIRE(l.sink.error_count() >= 1);
    const Diagnostic& d = l.sink.diagnostics()[0];
    CHECK(d.code == Code::ParseExpected);
    CHECK(l.sm.file(d.span.file).path.find("base.rules") != std::string::npos);
    CHECK(d.span.line == 2);
    // The checker does not run on a partial parse, so there is no cascade of unknown-template errors.
    for (const auto& x : l.sink.diagnostics()) CHECK(x.code != Code::UnknownTemplate);
}
