// Fact files written by kb/fact_writer.hpp read back through kb/fact_file.hpp to the same values: the round trip
// that `covenant repl`'s `save` relies on, with the strings most likely to break a YAML writer.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "kb/fact_file.hpp"
#include "kb/support.hpp"
#include "kb/fact_writer.hpp"

using namespace covenant;

namespace {

using test::slot;

// template note { label: string, who: symbol = nobody, n: int = 0, x: float = 0.0, ok: bool = false }
// template pair { a: string, b: string }
const Program& test_program() {
    static const Program program = [] {
        Program p;
        auto add = [&](std::string name, std::vector<SlotDef> slots) {
            TemplateDef t;
            t.id = static_cast<TemplateId>(p.templates.size());
            t.name = name;
            t.slots = std::move(slots);
            p.template_by_name[name] = t.id;
            p.templates.push_back(std::move(t));
        };
        add("note", {slot("label", Type::String), slot("who", Type::Symbol, Value::symbol("nobody")),
                     slot("n", Type::Int, Value::integer(0)), slot("x", Type::Float, Value::real(0.0)),
                     slot("ok", Type::Bool, Value::boolean(false))});
        add("pair", {slot("a", Type::String), slot("b", Type::String)});
        return p;
    }();
    return program;
}

InitialFact note(std::string_view label, std::string_view who = "nobody", std::int64_t n = 0, double x = 0.0,
                 bool ok = false) {
    return {0, {Value::string(label), Value::symbol(who), Value::integer(n), Value::real(x), Value::boolean(ok)}, {}};
}

// The strings a YAML writer gets wrong: quotes, colons, comment marks, line breaks, control bytes, non-ASCII text,
// empty and blank strings, and plain scalars that YAML would read as something else.
const std::vector<std::string>& tricky_strings() {
    static const std::vector<std::string> strings = {
        "",
        " ",
        "plain",
        "say \"hi\"",
        "it's",
        "key: value",
        "trailing colon:",
        "# not a comment",
        "a #b",
        "first line\nsecond line",
        "ends with a newline\n",
        "\r\n",
        "tab\there",
        "back\\slash and \\n not a newline",
        "\x01\x1f control bytes",
        "unicode: \xc3\xa9 \xc3\xbc \xe6\xbc\xa2\xe5\xad\x97 \xf0\x9f\x99\x82",
        "  leading and trailing  ",
        "{braces} [brackets], commas",
        "- a dash",
        "&anchor *alias !tag %directive @at `tick`",
        "null",
        "~",
        "true",
        "123",
        "1e5",
        "{interpolation}",
    };
    return strings;
}

struct ReadBack {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<FactFile> file;
};

std::unique_ptr<ReadBack> read_back(const std::string& text) {
    auto r = std::make_unique<ReadBack>();
    FileId id = r->sm.add("written.yaml", text);
    r->file = read_fact_file(r->sm.file(id), test_program(), r->sink);
    return r;
}

}  // namespace

TEST_CASE("yaml_quoted escapes what YAML needs and keeps UTF-8 as it is", "[kb]") {
    CHECK(yaml_quoted("") == "\"\"");
    CHECK(yaml_quoted("say \"hi\"") == "\"say \\\"hi\\\"\"");
    CHECK(yaml_quoted("a\\b") == "\"a\\\\b\"");
    CHECK(yaml_quoted("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
    CHECK(yaml_quoted("\x01") == "\"\\x01\"");
    CHECK(yaml_quoted("\xc3\xa9") == "\"\xc3\xa9\"");
    CHECK(yaml_value(Value::symbol("sco")) == "sco");
    CHECK(yaml_value(Value::integer(-12)) == "-12");
    CHECK(yaml_value(Value::boolean(true)) == "true");
}

TEST_CASE("facts with tricky strings are read back to the same values", "[kb]") {
    std::vector<InitialFact> facts;
    for (const auto& s : tricky_strings()) facts.push_back(note(s));
    // Every other slot type too, at and away from its default, and two templates interleaved.
    facts.push_back(note("numbers", "someone_else", -42, 0.35, true));
    facts.push_back(note("more numbers", "nobody", 9'000'000'000, -2.0));
    facts.push_back(note("small and large", "x_1", 1, 1e-7));
    facts.push_back(note("large", "x_2", 2, 1e20));
    facts.push_back({1, {Value::string("a: \"1\""), Value::string("#b\n")}, {}});
    facts.push_back(note("after the pair"));
    std::vector<std::pair<std::string, std::string>> header = {{"title", "A \"title\": with # and\nlines \xc3\xa9"}};

    FactFileText written = write_fact_file(test_program(), "written by a test", header, facts);
    INFO(written.text);
    CHECK(written.facts == facts.size());
    CHECK(written.text.rfind("# written by a test\n", 0) == 0);

    auto r = read_back(written.text);
    INFO(render_all(r->sink, r->sm));
    REQUIRE(r->file);
    CHECK(r->sink.diagnostics().empty());
    const MetaValue* title = r->file->meta("title");
    REQUIRE(title);
    CHECK(title->scalar == header.front().second);
    // Grouped by template in order of first appearance: every note, then the pair.
    std::vector<InitialFact> expected;
    for (const auto& f : facts)
        if (f.tmpl == 0) expected.push_back(f);
    for (const auto& f : facts)
        if (f.tmpl == 1) expected.push_back(f);
    REQUIRE(r->file->facts.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("fact " << i << ": " << format_fact(test_program(), expected[i].tmpl, expected[i].values.data()));
        CHECK(r->file->facts[i].tmpl == expected[i].tmpl);
        CHECK(r->file->facts[i].values == expected[i].values);
    }
}

TEST_CASE("slots at their default are left out of the written file", "[kb]") {
    FactFileText written = write_fact_file(test_program(), "defaults", {}, {note("only a label")});
    CHECK(written.text == "# defaults\nfacts:\n  note:\n    - {label: \"only a label\"}\n");
    CHECK(written.facts == 1);
}
