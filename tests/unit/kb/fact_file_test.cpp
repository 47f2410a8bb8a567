// Fact files (engine/kb): reading YAML into checked facts, located errors, value spellings, robustness.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "kb/fact_file.hpp"
#include "kb/support.hpp"

using namespace covenant;

namespace {

using test::slot;

void add_template(Program& p, std::string name, std::vector<SlotDef> slots, bool is_score = false) {
    TemplateDef t;
    t.id = static_cast<TemplateId>(p.templates.size());
    t.name = name;
    t.slots = std::move(slots);
    t.is_score = is_score;
    p.template_by_name[name] = t.id;
    p.templates.push_back(std::move(t));
}

// The program the tests read facts against, built by hand so that these tests do not depend on the checker:
//   template person  { name: symbol, born: int = 0 }
//   template party   { name: symbol, kind: one of (democratic | authoritarian) = democratic }
//   template measure { label: string, value: float, ok: bool = false }
//   plus the score template community/1 that `evidence community(?i) ...` would create.
const Program& test_program() {
    static const Program program = [] {
        Program p;
        add_template(p, "person", {slot("name", Type::Symbol), slot("born", Type::Int, Value::integer(0))});
        SlotDef kind = slot("kind", Type::Symbol, Value::symbol("democratic"));
        kind.one_of = {Symbols::intern("democratic"), Symbols::intern("authoritarian")};
        add_template(p, "party", {slot("name", Type::Symbol), kind});
        add_template(p, "measure", {slot("label", Type::String), slot("value", Type::Float),
                                    slot("ok", Type::Bool, Value::boolean(false))});
        add_template(p, "community/1", {slot("arg1", Type::Any), slot("value", Type::Float)}, true);
        return p;
    }();
    return program;
}

struct ReadResult {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<FactFile> file;
    FileId id = 0;

    const Diagnostic& only_error() const {
        REQUIRE(sink.diagnostics().size() == 1);
        return sink.diagnostics().front();
    }
    std::string rendered() const { return render_all(sink, sm); }
};

std::unique_ptr<ReadResult> read(std::string text, std::size_t limit = 50) {
    auto r = std::make_unique<ReadResult>();
    r->sink = DiagnosticSink(limit);
    r->id = r->sm.add("case.yaml", std::move(text));
    r->file = read_fact_file(r->sm.file(r->id), test_program(), r->sink);
    return r;
}

std::string sym(const Value& v) { return std::string(v.text()); }

}  // namespace

TEST_CASE("a well-formed fact file gives typed facts with defaults and keeps metadata", "[kb]") {
    auto r = read(
        "case: nato\n"
        "as_of: 2024-01-01\n"
        "sources:\n"
        "  - \"NATO treaty\"\n"
        "  - {title: charter, year: 1949}\n"
        "facts:\n"
        "  person:\n"
        "    - name: ann\n"
        "      born: 1950\n"
        "    - {name: bob}\n"
        "  party:\n"
        "    - name: p1\n"
        "      kind: authoritarian\n"
        "  measure:\n"
        "    - {label: \"share of votes\", value: 3, ok: true}\n"
        "    - {label: plain text, value: -0.5e1}\n"
        "expect:\n"
        "  architecture: community\n");
    INFO(r->rendered());
    REQUIRE(r->file);
    REQUIRE_FALSE(r->sink.has_errors());
    const FactFile& f = *r->file;
    REQUIRE(f.facts.size() == 5);

    CHECK(f.facts[0].tmpl == 0);
    CHECK(sym(f.facts[0].values[0]) == "ann");
    CHECK(f.facts[0].values[1] == Value::integer(1950));
    CHECK(f.facts[0].span.line == 8);
    CHECK(f.facts[0].span.col == 7);

    CHECK(sym(f.facts[1].values[0]) == "bob");
    CHECK(f.facts[1].values[1] == Value::integer(0));  // default
    CHECK(f.facts[1].span.line == 10);

    CHECK(f.facts[2].values[1] == Value::symbol("authoritarian"));

    CHECK(f.facts[3].values[0] == Value::string("share of votes"));
    CHECK(f.facts[3].values[1] == Value::real(3.0));  // an int spelling in a float slot
    CHECK(f.facts[3].values[2] == Value::boolean(true));
    CHECK(f.facts[4].values[0] == Value::string("plain text"));
    CHECK(f.facts[4].values[1] == Value::real(-5.0));
    CHECK(f.facts[4].values[2] == Value::boolean(false));

    REQUIRE(f.metadata.size() == 4);
    CHECK(f.metadata[0].first == "case");
    CHECK(f.meta("case")->scalar == "nato");
    CHECK(f.meta("as_of")->scalar == "2024-01-01");
    const MetaValue* sources = f.meta("sources");
    REQUIRE(sources);
    REQUIRE(sources->kind == MetaValue::Kind::Sequence);
    REQUIRE(sources->items.size() == 2);
    CHECK(sources->items[0].scalar == "NATO treaty");
    REQUIRE(sources->items[1].kind == MetaValue::Kind::Map);
    CHECK(sources->items[1].get("year")->scalar == "1949");
    CHECK(sources->items[1].get("title")->span.line == 5);
    CHECK(f.meta("expect")->get("architecture")->scalar == "community");
    CHECK(f.meta("facts") == nullptr);
    CHECK(f.meta("missing") == nullptr);
}

TEST_CASE("a file that holds no facts is an error (E0210), whichever way it is empty", "[kb]") {
    for (const char* text : {"", "# only a comment\n", "~\n", "---\n", "facts:\n", "facts: {}\n",
                             "title: x\n", "facts:\n  person: []\n", "facts:\n  person:\n"}) {
        auto r = read(text);
        INFO("input: " << text << "\n" << r->rendered());
        REQUIRE_FALSE(r->file);
        CHECK(r->only_error().code == Code::EmptyFactFile);
        CHECK(r->only_error().span.line == 1);
    }
}

TEST_CASE("YAML syntax errors are E0201 at the place yaml-cpp stops", "[kb]") {
    auto r = read("facts:\n  person:\n    - name: ann: x\n");
    REQUIRE_FALSE(r->file);
    const Diagnostic& d = r->only_error();
    CHECK(d.code == Code::YamlSyntax);
    CHECK(d.span.line == 3);
    CHECK(d.span.col == 16);
    CHECK(d.message.find("':'") != std::string::npos);

    // Only the syntax error is reported: what the reader made of the events before it (here a mapping used as a
    // key, because the flow mapping is never closed) would be noise. The note points at the unclosed '{'.
    auto flow = read("facts:\n  person:\n    - {name: ann, born: 1950\n    - {name: bob}\n");
    REQUIRE_FALSE(flow->file);
    const Diagnostic& f = flow->only_error();
    CHECK(f.code == Code::YamlSyntax);
    CHECK(f.message == "expected '}' to close the mapping (it opens at 3:7)");
    REQUIRE(f.notes.size() == 1);
    CHECK(f.notes[0].span.line == 3);
    CHECK(f.notes[0].span.col == 7);

    auto list = read("facts:\n  person: [{name: ann}\n");
    REQUIRE_FALSE(list->file);
    CHECK(list->only_error().code == Code::YamlSyntax);
    CHECK(list->only_error().message.rfind("expected ']' to close the list", 0) == 0);

    auto binary = read(std::string("facts:\0x", 8));
    REQUIRE_FALSE(binary->file);
    CHECK(binary->only_error().code == Code::YamlSyntax);
}

TEST_CASE("positions stay right after a UTF-8 byte-order mark", "[kb]") {
    auto r = read("\xEF\xBB\xBF" "facts:\n  persn:\n    - name: ann\n");
    REQUIRE_FALSE(r->file);
    const Diagnostic& d = r->only_error();
    CHECK(d.code == Code::FactUnknownTemplate);
    CHECK(d.span.line == 2);
    CHECK(d.span.col == 3);
    CHECK(d.span.length == 5);
}

TEST_CASE("shape errors are E0202", "[kb]") {
    struct Case {
        const char* text;
        std::uint32_t line, col;
    };
    for (const Case& c : {Case{"- a\n- b\n", 1, 1},
                          Case{"facts: [a, b]\n", 1, 8},
                          Case{"facts: x\n", 1, 8},
                          Case{"facts:\n  person: ann\n", 2, 11},
                          Case{"facts:\n  person:\n    name: ann\n", 3, 5},
                          Case{"facts:\n  person:\n    - ann\n", 3, 7},
                          Case{"facts:\n  person:\n    - [ann]\n", 3, 7},
                          Case{"facts:\n  person: []\n  person: []\n", 3, 3},
                          Case{"facts:\n  person:\n    - {name: a, name: b}\n", 3, 17},
                          Case{"facts: {}\nfacts: {}\n", 2, 1},
                          Case{"case: a\ncase: b\n", 2, 1},
                          Case{"facts:\n  ? [a]\n  : x\n", 2, 5},
                          Case{"base: &b {name: ann}\nfacts:\n  person:\n    - *b\n", 4, 7},
                          Case{"facts:\n  person:\n    - {name: !!binary aGVsbG8=}\n", 3, 14},
                          Case{"facts: {}\n---\nfacts: {}\n", 2, 1}}) {
        auto r = read(c.text);
        INFO("input:\n" << c.text << r->rendered());
        CHECK_FALSE(r->file);
        REQUIRE(r->sink.diagnostics().size() == 1);
        const Diagnostic& d = r->sink.diagnostics().front();
        CHECK(d.code == Code::YamlShape);
        CHECK(d.span.line == c.line);
        CHECK(d.span.col == c.col);
    }
}

TEST_CASE("unknown templates and slots are E0203/E0204 with a suggestion", "[kb]") {
    auto r = read("facts:\n  persn:\n    - name: ann\n  party:\n    - {nme: p, kind: democratic}\n  zzz: []\n");
    REQUIRE_FALSE(r->file);
    auto ds = r->sink.sorted();
    REQUIRE(ds.size() == 3);
    CHECK(ds[0].code == Code::FactUnknownTemplate);
    CHECK(ds[0].message == "unknown template 'persn'; did you mean 'person'?");
    CHECK(ds[0].span.line == 2);
    CHECK(ds[0].span.col == 3);
    CHECK(ds[1].code == Code::FactUnknownSlot);
    CHECK(ds[1].message == "'party' has no slot 'nme'; did you mean 'name'?");
    CHECK(ds[1].span.line == 5);
    CHECK(ds[1].span.col == 8);
    CHECK(ds[1].span.length == 3);
    CHECK(ds[2].message == "unknown template 'zzz'");

    auto score = read("facts:\n  community/1:\n    - {arg1: nato, value: 0.5}\n");
    REQUIRE_FALSE(score->file);
    CHECK(score->only_error().code == Code::FactUnknownTemplate);
    CHECK(score->only_error().message.find("is a score") != std::string::npos);

    auto no_suggestion_for_scores = read("facts:\n  communty/1: []\n");
    CHECK(no_suggestion_for_scores->only_error().message == "unknown template 'communty/1'");
}

TEST_CASE("missing required slots are E0205 at the fact's mapping", "[kb]") {
    auto r = read("facts:\n  person:\n    - born: 1950\n  measure:\n    - {ok: true}\n");
    REQUIRE_FALSE(r->file);
    auto ds = r->sink.sorted();
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].code == Code::FactMissingSlot);
    CHECK(ds[0].span.line == 3);
    CHECK(ds[0].span.col == 7);
    CHECK(ds[0].message == "this 'person' fact leaves out the required slot 'name'");
    CHECK(ds[1].span.line == 5);
    CHECK(ds[1].message == "this 'measure' fact leaves out the required slots 'label', 'value'");
}

TEST_CASE("bad values are E0206 and say what was expected in words", "[kb]") {
    auto r = read(
        "facts:\n"
        "  person:\n"
        "    - {name: ann, born: abc}\n"             // 3
        "    - {name: ann, born: 1.5}\n"             // 4
        "    - {name: \"ann\", born: \"1950\"}\n"    // 5
        "    - {name: nato-2024}\n"                  // 6
        "    - {name: ann, born: }\n"                // 7
        "    - {name: [a, b]}\n"                     // 8
        "  party:\n"
        "    - {name: p, kind: liberal}\n"           // 10
        "  measure:\n"
        "    - {label: x, value: 1.0x, ok: yes}\n"   // 12
        "    - {label: x, value: .inf}\n");          // 13
    REQUIRE_FALSE(r->file);
    auto ds = r->sink.sorted();
    std::vector<std::string> messages;
    for (const auto& d : ds) {
        CHECK(d.code == Code::FactBadValue);
        messages.push_back(fmt::format("{}:{} {}", d.span.line, d.span.col, d.message));
    }
    INFO(r->rendered());
    REQUIRE(messages.size() == 11);
    CHECK(messages[0] == "3:25 expected an integer for slot 'born' of 'person', got 'abc'");
    CHECK(messages[1] == "4:25 expected an integer for slot 'born' of 'person', got '1.5' (this slot holds whole numbers)");
    CHECK(messages[2] ==
          "5:14 expected a symbol for slot 'name' of 'person', got the quoted string \"ann\" (symbols are written "
          "without quotes)");
    CHECK(messages[3].rfind("5:27 expected an integer for slot 'born' of 'person', got the quoted string \"1950\"", 0) ==
          0);
    CHECK(messages[4].rfind("6:14 expected a symbol for slot 'name' of 'person', got 'nato-2024'", 0) == 0);
    CHECK(messages[5] == "7:25 slot 'born' of 'person' has no value (leave the slot out to use its default)");
    CHECK(messages[6] == "8:14 expected a symbol for slot 'name' of 'person', got a list");
    CHECK(messages[7] == "10:23 'liberal' is not one of (democratic | authoritarian) for slot 'kind' of 'party'");
    CHECK(messages[8] == "12:25 expected a number for slot 'value' of 'measure', got '1.0x'");
    CHECK(messages[9] ==
          "12:35 expected true or false for slot 'ok' of 'measure', got 'yes' (YAML 1.2 reads only true and false as "
          "booleans)");
    CHECK(messages[10] == "13:25 expected a number for slot 'value' of 'measure', got '.inf'");
    // Carets cover the whole scalar, quotes included.
    CHECK(ds[2].span.length == 5);
}

TEST_CASE("scalar anchors and aliases are resolved", "[kb]") {
    auto r = read("year: &y 1950\nfacts:\n  person:\n    - {name: &n ann, born: *y}\n    - {name: *n}\n");
    INFO(r->rendered());
    REQUIRE(r->file);
    REQUIRE(r->file->facts.size() == 2);
    CHECK(r->file->facts[0].values[1] == Value::integer(1950));
    CHECK(sym(r->file->facts[1].values[0]) == "ann");
}

TEST_CASE("every error of a file is reported, up to the sink's limit", "[kb]") {
    std::string text = "facts:\n  person:\n";
    for (int i = 0; i < 30; ++i) text += "    - {name: ann, born: x" + std::to_string(i) + "}\n";
    auto all = read(text);
    CHECK(all->sink.error_count() == 30);
    auto limited = read(text, 5);
    CHECK(limited->sink.error_count() == 5);
    CHECK(limited->sink.diagnostics().back().code == Code::TooManyErrors);
    CHECK_FALSE(limited->file);
}

TEST_CASE("value_from_text accepts the documented spellings and rejects the rest", "[kb]") {
    SlotDef i = slot("n", Type::Int), f = slot("x", Type::Float), b = slot("b", Type::Bool),
            s = slot("s", Type::Symbol), str = slot("t", Type::String);
    std::string why;
    CHECK(value_from_text("42", false, i, why) == Value::integer(42));
    CHECK(value_from_text("-7", false, i, why) == Value::integer(-7));
    CHECK(value_from_text("+7", false, i, why) == Value::integer(7));
    CHECK(value_from_text("9223372036854775807", false, i, why) == Value::integer(INT64_MAX));
    for (const char* bad : {"", "-", "4 2", "42x", "0x10", "1_000", "1.0", "9223372036854775808", "1e3"}) {
        INFO(bad);
        CHECK_FALSE(value_from_text(bad, false, i, why));
        CHECK(why.rfind("expected an integer, got '", 0) == 0);
    }
    CHECK_FALSE(value_from_text("42", true, i, why));

    CHECK(value_from_text("0.35", false, f, why) == Value::real(0.35));
    CHECK(value_from_text("-.5", false, f, why) == Value::real(-0.5));
    CHECK(value_from_text("+1e2", false, f, why) == Value::real(100.0));
    CHECK(value_from_text("3.", false, f, why) == Value::real(3.0));
    CHECK(value_from_text("7", false, f, why) == Value::real(7.0));
    for (const char* bad : {"", ".", "e5", "1e", "inf", "nan", "1e999", "0x1p3", "1.2.3", "- 1"}) {
        INFO(bad);
        CHECK_FALSE(value_from_text(bad, false, f, why));
    }

    CHECK(value_from_text("true", false, b, why) == Value::boolean(true));
    CHECK(value_from_text("FALSE", false, b, why) == Value::boolean(false));
    CHECK_FALSE(value_from_text("no", false, b, why));
    CHECK(why == "expected true or false, got 'no' (YAML 1.2 reads only true and false as booleans)");
    CHECK_FALSE(value_from_text("1", false, b, why));
    CHECK_FALSE(value_from_text("true", true, b, why));

    CHECK(value_from_text("_a1", false, s, why) == Value::symbol("_a1"));
    for (const char* bad : {"", "1a", "a-b", "a.b", "a b", "true", "é"}) {
        INFO(bad);
        CHECK_FALSE(value_from_text(bad, false, s, why));
    }

    CHECK(value_from_text("1950", false, str, why) == Value::string("1950"));
    CHECK(value_from_text("", true, str, why) == Value::string(""));

    SlotDef kind = slot("kind", Type::Symbol);
    kind.one_of = {Symbols::intern("a"), Symbols::intern("b")};
    CHECK(value_from_text("b", false, kind, why) == Value::symbol("b"));
    CHECK_FALSE(value_from_text("c", false, kind, why));
    CHECK(why == "'c' is not one of (a | b)");
    CHECK_FALSE(value_from_text("1", false, kind, why));
    CHECK(why == "expected one of (a | b), got '1' (a symbol is letters, digits and '_', starting with a letter or '_')");

    SlotDef any = slot("arg1", Type::Any);
    CHECK(value_from_text("nato", false, any, why) == Value::symbol("nato"));
    CHECK(value_from_text("3", false, any, why) == Value::integer(3));
    CHECK(value_from_text("0.5", false, any, why) == Value::real(0.5));
    CHECK(value_from_text("true", false, any, why) == Value::boolean(true));
    CHECK(value_from_text("nato", true, any, why) == Value::string("nato"));
    CHECK(value_from_text("a-b", false, any, why) == Value::string("a-b"));

    std::string long_text(100, 'z');
    long_text += "!";
    CHECK_FALSE(value_from_text(long_text, false, i, why));
    CHECK(why.size() < 80);
}

// Robustness: every mutation of a valid file is read without throwing or crashing; a file that is rejected always
// carries at least one error with a location inside the file.
TEST_CASE("mutated fact files never crash and always get located diagnostics", "[kb]") {
    const std::string valid =
        "case: nato # the case\n"
        "sources: [\"a\", {t: 'b'}]\n"
        "facts:\n"
        "  person:\n"
        "    - name: ann\n"
        "      born: &y 1950\n"
        "    - {name: bob, born: *y}\n"
        "  party:\n"
        "    - {name: p, kind: authoritarian}\n"
        "  measure:\n"
        "    - label: |\n"
        "        block text\n"
        "      value: 0.5\n";
    const std::string alphabet = " \n\t:-[]{},#&*!|>'\"?%@`\\x0a~.";
    std::mt19937 rng(20240601);  // fixed seed: the test is deterministic
    std::size_t rejected = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text = valid;
        int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits && !text.empty(); ++e) {
            std::size_t at = rng() % text.size();
            switch (rng() % 4) {
                case 0: text.erase(at, 1 + rng() % 4); break;
                case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
                case 2: text[at] = alphabet[rng() % alphabet.size()]; break;
                case 3: text.resize(at); break;
            }
        }
        SourceManager sm;
        DiagnosticSink sink;
        FileId id = sm.add("m.yaml", text);
        std::optional<FactFile> file;
        REQUIRE_NOTHROW(file = read_fact_file(sm.file(id), test_program(), sink));
        if (!file) {
            ++rejected;
            INFO("input:\n" << text);
            REQUIRE(sink.has_errors());
            for (const auto& d : sink.diagnostics()) {
                CHECK(d.span.file == id);
                CHECK(d.span.valid());
                CHECK(d.span.offset <= text.size());
                CHECK(d.span.line <= sm.file(id).line_starts.size());
                CHECK_FALSE(render(d, sm).empty());
            }
        } else {
            CHECK_FALSE(sink.has_errors());
        }
    }
    // The mutations must actually exercise the error paths.
    CHECK(rejected > 500);
}

TEST_CASE("deeply nested input is rejected, not a stack overflow", "[kb]") {
    std::string text = "case: " + std::string(5000, '[') + "\n";
    auto r = read(text);
    CHECK_FALSE(r->file);
    CHECK(r->sink.has_errors());
}
