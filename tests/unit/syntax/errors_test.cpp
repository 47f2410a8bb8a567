// The parser rejects malformed input with the right code, place and words, and recovers to report every error.
#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace covenant;
using covenant::test::parse_text;

namespace {

struct Expected {
    Code code;
    std::uint32_t line;
    std::uint32_t col;
};

// The first diagnostic of parsing `text`.
Diagnostic first_error(const std::string& text) {
    auto p = parse_text(text);
    INFO(text);
    REQUIRE(p.sink.has_errors());
    return p.sink.sorted().front();
}

void require_error(const std::string& text, Expected e, const std::string& words = {}) {
    Diagnostic d = first_error(text);
    INFO(text << "\n=> " << d.span.line << ":" << d.span.col << " " << code_id(d.code) << " " << d.message);
    CHECK(d.code == e.code);
    CHECK(d.span.line == e.line);
    CHECK(d.span.col == e.col);
    if (!words.empty()) CHECK(d.message == words);
}

}  // namespace

TEST_CASE("missing ')' names the opener", "[syntax]") {
    require_error("rule a {\n  when p(x: 1\n  then halt\n}\n", {Code::ParseExpected, 3, 3},
                  "expected ')' to close the pattern opened at 2:9");
    require_error("rule a { then assert q(a: 1 b: 2) }", {Code::ParseExpected, 1, 29},
                  "expected ')' to close the fact opened at 1:23");
    require_error("rule a { when test (1 + 2 then halt }", {Code::ParseExpected, 1, 27},
                  "expected ')' to close the parenthesis opened at 1:20");
    require_error("rule a { when not (p() then halt }", {Code::ParseExpected, 1, 24},
                  "expected ')' to close the group of conditions opened at 1:19");
}

TEST_CASE("missing 'then'", "[syntax]") {
    require_error("rule a {\n  when p(x: 1)\n  halt\n}\n", {Code::ParseExpected, 3, 3},
                  "expected 'then' and the rule's actions");
    require_error("rule a { halt }", {Code::ParseExpected, 1, 10});
}

TEST_CASE("unterminated strings and bad escapes", "[syntax]") {
    require_error("rule a {\n  then print \"abc\n}\n", {Code::UnterminatedString, 2, 14});
    require_error("pack p \"doc", {Code::UnterminatedString, 1, 8});
    require_error("rule a {\n  then print \"a\\qb\"\n}\n", {Code::BadEscape, 2, 16},
                  "unknown escape sequence '\\q' in a string; use \\\", \\\\, \\n, \\t, \\{ or \\}");
    require_error("rule a { then print \"x\\", {Code::BadEscape, 1, 23});
}

TEST_CASE("stray characters", "[syntax]") {
    require_error("rule a {\n  then @ halt\n}\n", {Code::UnexpectedCharacter, 2, 8});
    require_error("rule a { when p(x: 1); then halt }", {Code::UnexpectedCharacter, 1, 22});
    require_error("$", {Code::UnexpectedCharacter, 1, 1});
    require_error("template t { a: symbol \xc3\xa9 }", {Code::UnexpectedCharacter, 1, 24});
}

TEST_CASE("numbers out of range or malformed", "[syntax]") {
    require_error("facts {\n  p(x: 99999999999999999999)\n}\n", {Code::InvalidNumber, 2, 8});
    require_error("facts { p(x: -9223372036854775809) }", {Code::InvalidNumber, 1, 14});
    require_error("facts { p(x: 1.) }", {Code::InvalidNumber, 1, 14});
    require_error("facts { p(x: 12abc) }", {Code::InvalidNumber, 1, 14});
    require_error("facts { p(x: 1e999) }", {Code::InvalidNumber, 1, 14});
    auto p = parse_text("facts { p(x: -9223372036854775808, y: 9223372036854775807) }");
    CHECK_FALSE(p.sink.has_errors());
    CHECK(p.unit.facts[0].facts[0].slots[0].value.literal.int_value == INT64_MIN);
}

TEST_CASE("keywords cannot be names", "[syntax]") {
    require_error("rule not {\n  then halt\n}\n", {Code::ParseExpected, 1, 6},
                  "expected the rule's name; 'not' is a reserved word");
    require_error("template then { a: symbol }", {Code::ParseExpected, 1, 10});
    require_error("template t { when: symbol }", {Code::ParseExpected, 1, 14});
    require_error("rule a { when test(a: 1) then halt }", {Code::ParseExpected, 1, 21});
}

TEST_CASE("unclosed brace at the end of the file", "[syntax]") {
    Diagnostic d = first_error("rule a {\n  when p(x: 1)\n  then halt\n");
    CHECK(d.code == Code::UnterminatedGroup);
    CHECK(d.span.line == 1);
    CHECK(d.span.col == 8);
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0].span.line == 4);
    require_error("template t { a: symbol", {Code::UnterminatedGroup, 1, 12});
    require_error("rule a { when p(x: 1) q(y: 2", {Code::UnterminatedGroup, 1, 24});
}

TEST_CASE("other expectations read in words", "[syntax]") {
    require_error("template t { a: strng }", {Code::ParseExpected, 1, 17},
                  "expected a slot type (symbol, string, int, float, bool, one of (...), ref TEMPLATE or list of TYPE)");
    require_error("template t { a: float in [0 1] }", {Code::ParseExpected, 1, 29}, "expected ','");
    require_error("template t { a: float in [0, 1 }", {Code::ParseExpected, 1, 32},
                  "expected ']' or ')' to close the range");
    require_error("template t { a: int >= }", {Code::ParseExpected, 1, 24},
                  "expected a bound (a number, or a name such as as_of or owner.founded)");
    require_error("template t { a: ref }", {Code::ParseExpected, 1, 21},
                  "expected the name of the template referred to");
    require_error("template t { a: one (x) }", {Code::ParseExpected, 1, 21});
    require_error("rule a { when ?x then halt }", {Code::ParseExpected, 1, 18});
    require_error("rule a { when ?n = cnt(p()) then halt }", {Code::ParseExpected, 1, 20});
    require_error("rule a { then evidence c(?i) }", {Code::ParseExpected, 1, 30}, "expected an expression");
    require_error("rule a { when p(x ann) then halt }", {Code::ParseExpected, 1, 19},
                  "expected ':' after the slot name");
    require_error("garbage\nrule a { then halt }", {Code::ParseExpected, 1, 1});
    require_error("pack", {Code::ParseExpected, 1, 5});
    require_error("use 3", {Code::ParseExpected, 1, 5});
    require_error("rule a { then modify ?f () }", {Code::ParseExpected, 1, 26});
}

TEST_CASE("messages never show C++ types or Boost internals", "[syntax]") {
    const char* inputs[] = {"template t { a: one (x) }", "template t { a: one of (x |) }", "rule a { when p(a: <) }",
                            "rule a { when ?x = sum(p()) then halt }", "rule a salience { }",
                            "rule a { then evidence p( }", "facts { p(a: (1 + ) }", "use", "rule"};
    for (const char* in : inputs) {
        auto p = parse_text(in);
        INFO(in << "\n" << test::describe(p.sink));
        REQUIRE(p.sink.has_errors());
        for (const auto& d : p.sink.diagnostics()) {
            CHECK(d.message.find("boost") == std::string::npos);
            CHECK(d.message.find("x3") == std::string::npos);
            CHECK(d.message.find("covenant") == std::string::npos);
            CHECK(d.message.find("_id") == std::string::npos);
        }
    }
}

TEST_CASE("recovery reports every error of a file and keeps the good definitions", "[syntax]") {
    auto p = parse_text(R"(pack demo
template good { a: symbol }
template bad { a: strng }
rule r1 { when p(x: 1 then halt }
rule ok1 { when good(a: x) then halt }
facts { good(a: "unterminated) }
rule r2 salience { then halt }
norm ok2 { then print "fine" }
rule r3 { then @ }
criterion ok3 { then halt })");
    INFO(test::describe(p.sink));
    auto errors = p.sink.sorted();
    REQUIRE(errors.size() == 5);
    CHECK((errors[0].code == Code::ParseExpected && errors[0].span.line == 3));
    CHECK((errors[1].code == Code::ParseExpected && errors[1].span.line == 4));
    CHECK((errors[2].code == Code::UnterminatedString && errors[2].span.line == 6));
    CHECK((errors[3].code == Code::ParseExpected && errors[3].span.line == 7));
    CHECK((errors[4].code == Code::UnexpectedCharacter && errors[4].span.line == 9));
    REQUIRE(p.unit.pack);
    REQUIRE(p.unit.templates.size() == 1);
    CHECK(p.unit.templates[0].name.name == "good");
    REQUIRE(p.unit.rules.size() == 3);
    CHECK(p.unit.rules[0].name.name == "ok1");
    CHECK(p.unit.rules[1].name.name == "ok2");
    CHECK(p.unit.rules[2].name.name == "ok3");
}

TEST_CASE("the error limit stops a flood", "[syntax]") {
    std::string text;
    for (int i = 0; i < 100; ++i) text += "rule r" + std::to_string(i) + " { then @ }\n";
    SourceManager sm;
    DiagnosticSink sink(10);
    parse_unit(sm.file(sm.add("flood.rules", text)), sink);
    CHECK(sink.error_count() <= 11);
    CHECK(sink.diagnostics().back().code == Code::TooManyErrors);
}

TEST_CASE("deep nesting is bounded instead of overflowing the stack", "[syntax]") {
    auto nested = [](std::size_t depth, const std::string& open, const std::string& close) {
        std::string e;
        for (std::size_t i = 0; i < depth; ++i) e += open;
        e += "1";
        for (std::size_t i = 0; i < depth; ++i) e += close;
        return e;
    };
    auto fine = parse_text("rule a { when test " + nested(120, "(", ")") + " == 1 then halt }");
    INFO(test::describe(fine.sink));
    CHECK_FALSE(fine.sink.has_errors());
    CHECK(fine.unit.rules.size() == 1);

    for (const std::string& expr : {nested(100000, "(", ")"), nested(100000, "-", ""), nested(50000, "not ", ""),
                                    nested(50000, "f(", ")")}) {
        auto deep = parse_text("rule a { when test " + expr + " then halt }\nrule b { then halt }");
        REQUIRE(deep.sink.error_count() == 1);
        CHECK(deep.sink.diagnostics()[0].code == Code::ParseExpected);
        CHECK(deep.sink.diagnostics()[0].span.line == 1);
        REQUIRE(deep.unit.rules.size() == 1);
        CHECK(deep.unit.rules[0].name.name == "b");
    }
    std::string conditions = "rule a { when ";
    for (int i = 0; i < 100000; ++i) conditions += "not (";
    auto deep = parse_text(conditions);
    CHECK(deep.sink.error_count() == 1);

    SourceManager sm;
    DiagnosticSink sink;
    CHECK_FALSE(parse_fact(sm.file(sm.add("repl", "p(a: " + nested(100000, "(", ")") + ")")), sink));
    CHECK(sink.error_count() == 1);
}

TEST_CASE("a rule missing its '}' does not swallow the next definition", "[syntax]") {
    auto p = parse_text("rule r4 {\n  when p()\n  then halt\n\nrule ok4 { then halt }\n");
    auto errors = p.sink.sorted();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == Code::ParseExpected);
    CHECK(errors[0].span.line == 5);
    CHECK(errors[0].span.col == 1);
    CHECK(errors[0].message == "expected an action or '}' to close the rule opened at 1:9");
    REQUIRE(p.unit.rules.size() == 1);
    CHECK(p.unit.rules[0].name.name == "ok4");
}

TEST_CASE("a file declares its pack once", "[syntax]") {
    auto p = parse_text("pack a\npack b\n");
    REQUIRE(p.sink.error_count() == 1);
    const Diagnostic& d = p.sink.diagnostics()[0];
    CHECK(d.span.line == 2);
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0].span.line == 1);
    REQUIRE(p.unit.pack);
    CHECK(p.unit.pack->name.name == "a");
}
