// The formatter (syntax/format.hpp): comments kept in every position, the layout of each construct, stability
// (formatting formatted text changes nothing), meaning kept (the formatted file prints the same through print_unit),
// and files with syntax errors refused. The property test runs over every shipped pack and every ```covenant block
// of docs/language.md, at the default width and at narrow ones that force many line breaks.
#include "syntax/format.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "../source_files.hpp"
#include "fixtures.hpp"
#include "syntax/print_ast.hpp"

using namespace covenant;
namespace fs = std::filesystem;

namespace {

FormatResult format_text(const std::string& text, std::size_t width = 120) {
    SourceManager sources;
    FileId id = sources.add("test.rules", text);
    FormatOptions options;
    options.width = width;
    return format_source(sources, id, options);
}

// The formatted text, which must exist and be stable.
std::string formatted(const std::string& text, std::size_t width = 120) {
    FormatResult once = format_text(text, width);
    INFO(text);
    INFO(once.internal_error);
    REQUIRE(once.ok);
    FormatResult twice = format_text(once.text, width);
    REQUIRE(twice.ok);
    CHECK(twice.text == once.text);
    return once.text;
}

// print_unit and the reports (which print_unit leaves out): what a file means.
std::string meaning(const std::string& text) {
    auto parsed = test::parse_text(text);
    INFO(test::describe(parsed.sink));
    REQUIRE_FALSE(parsed.sink.has_errors());
    std::string out = print_unit(parsed.unit);
    for (const auto& report : parsed.unit.reports) out += print_report(report) + "\n";
    return out;
}

std::size_t count_comments(const std::string& text) {
    std::size_t n = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"' || c == '\n')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '#') {
            ++n;
            while (i < text.size() && text[i] != '\n') ++i;
        }
    }
    return n;
}

// Every construct of the language, written untidily (the round-trip test's input, with comments and odd spacing).
const char* const kUntidy = R"(pack a.b.c "doc with \"quotes\", \\ and \{braces\}"
use x.y
use   z
const LIMIT = 0.30   "a weight"
template t "doc" { s: symbol, str: string = "d\tq\n", i: int = -3, f: float = 2.5e-3, b: bool = false,
                   o: one of (p | q) = q, g: float = 1e5, r: float in (0, 1], n: int >= 1 <= 10 }
template e {}
facts { t(s: a, i: 1 + 2 * 3), e() }
facts { t(s: b, str: "x {?y} \{z}", f: -0.5) }
rule r1 "doc" salience -7 {
  when ?f <- t(s: a | b, i: != 1 | 2, f: < 3.5, b: ?b, str: ?s != "x", o: > ?z, g: <= -1)
       not t(s: c)
       not (t(s: ?x), e())
       exists e()
       exists (t(i: ?i) test ?i > 2)
       test not ?b or ?i - 1 >= 2 and -?i < abs(-3) / 2
       test (1 + 2) * 3 == 9 and 8 - (2 - 1) != 1
       ?n = count(t(s: ?s))
       ?m = sum(?i, t(i: ?i)), ?lo = min(?i, t(i: ?i))
       ?hi = max(?i, t(i: ?i))
       ?av = avg(?i, t(i: ?i))
       ?sc = score(pred(?x, sym, 3, "s", true))
  then assert t(s: a, i: div(?n, 2), f: float(?m) / 3)
       conclude e()
       retract ?f
       modify ?f (i: ?i + 1, s: str(?x))
       evidence pred(?x, 1) -0.25 "reason"
       evidence pred2() 0.5
       print "n = {?n} \{not a var}"
       halt
}
norm n1 { then halt }
criterion c1 { when e() then halt }
interest i1 salience 3 { when e() then conclude e() }
template l { xs:list of symbol,ys : list of int }
rule lists { when l(xs:[ a,?h ,.. ?rest ],ys:has 1|?n) l(xs: [..?_,?z]) l(xs:[?_], ys:[])
  test ?z in [?h,..?rest] and length([..?rest, ..?rest])>1 then conclude l(xs:[?h,..rest(?rest),z]) }
const LIMIT2 = LIMIT * (2 + 1) "a constant expression"
# a function
function twice "double" (?n: int): int = if(?n > 0, ?n * 2, 0)   # trailing
rule either salience LIMIT2 + 1 {
  when or (t(s: ?x, i: LIMIT2 * 2 | twice(2), f: < -LIMIT)   # first branch
           and (e() t(s: ?x)))
       forall (t(s: ?y) e(), not t(s: ?x))
  then halt
}
report subject t
report finding t(s, i) "label"
)";

}  // namespace

TEST_CASE("fmt: comments are kept in every position", "[syntax][format]") {
    SECTION("at the head of the file, between definitions, and trailing") {
        std::string in =
            "# head of the file\n# second line\npack p.q   # the pack\n\n\n# about t\ntemplate t { a: int }\n";
        CHECK(formatted(in) ==
              "# head of the file\n# second line\npack p.q   # the pack\n\n# about t\ntemplate t { a: int }\n");
    }
    SECTION("inside a rule, between conditions and actions") {
        std::string in =
            "rule r {\n"
            "  # before the conditions\n"
            "  when a(x: 1)   # first\n"
            "    # about b\n"
            "   b()\n"
            "# before the actions\n"
            "  then print \"hi\"\n"
            "       # between actions\n"
            "       halt # last\n"
            "  # at the end of the body\n"
            "}  # after the rule\n";
        CHECK(formatted(in) ==
              "rule r {\n"
              "  # before the conditions\n"
              "  when a(x: 1)   # first\n"
              "       # about b\n"
              "       b()\n"
              "  # before the actions\n"
              "  then print \"hi\"\n"
              "       # between actions\n"
              "       halt # last\n"
              "  # at the end of the body\n"
              "}  # after the rule\n");
    }
    SECTION("inside a template, between slots") {
        std::string in =
            "template t {   # opens\n"
            "  a: int,\n"
            "# the next slot\n"
            "      b: symbol = x          # trailing\n"
            "}\n";
        CHECK(formatted(in) ==
              "template t {   # opens\n"
              "  a: int\n"
              "  # the next slot\n"
              "  b: symbol = x  # trailing\n"
              "}\n");
    }
    SECTION("in a facts block") {
        std::string in = "facts {\n  # people\n  person(name: ann)   # first\n  person(name: bob),\n  # done\n}\n";
        CHECK(formatted(in) ==
              "facts {\n  # people\n  person(name: ann)   # first\n  person(name: bob)\n  # done\n}\n");
    }
    SECTION("a trailing comment whose column is taken moves two spaces after the code") {
        CHECK(formatted("facts {\n  p(a:1,b:2) # c\n}\n") == "facts {\n  p(a: 1, b: 2)  # c\n}\n");
    }
    SECTION("a comment inside a node that is printed on one line goes before it") {
        std::string in = "rule r {\n  when a(x: 1,   # inside\n         y: 2)\n  then halt\n}\n";
        CHECK(formatted(in) == "rule r {\n  # inside\n  when a(x: 1, y: 2)\n  then halt\n}\n");
    }
    SECTION("comments continuing a trailing comment keep their column") {
        std::string in =
            "const A = 0.30   # a long note that\n"
            "                 # goes on here\n"
            "const B = 1\n"
            "  # an own-line comment, not a continuation\n"
            "const C = 2\n";
        CHECK(formatted(in) ==
              "const A = 0.30   # a long note that\n"
              "                 # goes on here\n"
              "const B = 1\n"
              "# an own-line comment, not a continuation\n"
              "const C = 2\n");
    }
    SECTION("a file of comments only, and the end of the file") {
        CHECK(formatted("  # only\n\n\n# comments\n") == "# only\n\n# comments\n");
        CHECK(formatted("use a\n# last words") == "use a\n# last words\n");
    }
    SECTION("a # inside a string is no comment") {
        CHECK(formatted("rule r { then print \"#1 {?x}\" } # real\n") ==
              "rule r {\n  then print \"#1 {?x}\"\n}  # real\n");
    }
}

TEST_CASE("fmt: definitions stay in file order with one blank line where there were some", "[syntax][format]") {
    std::string in = "rule b { then halt }\n\n\n\ntemplate t { a: int }\nuse x\n\n\nconst K = 1\n";
    CHECK(formatted(in) == "rule b {\n  then halt\n}\n\ntemplate t { a: int }\nuse x\n\nconst K = 1\n");
    SECTION("blank lines in bodies collapse too, and none stays after { or before }") {
        std::string body = "rule r {\n\n  when a()\n\n\n       b()\n  then halt\n\n}\n";
        CHECK(formatted(body) == "rule r {\n  when a()\n\n       b()\n  then halt\n}\n");
    }
}

TEST_CASE("fmt: the layout of each construct", "[syntax][format]") {
    SECTION("rules: when and then, one condition or action per line") {
        CHECK(formatted("rule r salience  -5{when a(x:?x) b(y :?x),test ?x>1 then retract ?f print \"x\"}") ==
              "rule r salience -5 {\n  when a(x: ?x)\n       b(y: ?x)\n       test ?x > 1\n  then retract ?f\n"
              "       print \"x\"\n}\n");
        CHECK(formatted("norm n { then }") == "norm n {\n  then\n}\n");
        CHECK(formatted("rule r { when exists (a()) then halt }") == "rule r {\n  when exists a()\n  then halt\n}\n");
    }
    SECTION("templates: one line as written, aligned in runs; else one slot per line") {
        CHECK(formatted("template person { name: symbol, born: int = 0 }\ntemplate note \"doc\" { text: string }\n"
                        "template correction { of: symbol }\n\ntemplate alone { a: int }\n") ==
              "template person     { name: symbol, born: int = 0 }\ntemplate note       \"doc\" { text: string }\n"
              "template correction { of: symbol }\n\ntemplate alone { a: int }\n");
        CHECK(formatted("template t {\n  a: int, b: symbol }\n") == "template t {\n  a: int\n  b: symbol\n}\n");
        CHECK(formatted("template e {\n}\n") == "template e {}\n");
    }
    SECTION("facts: one per line") {
        CHECK(formatted("facts { p(a: 1), p(a: 2) }\nfacts {}\n") == "facts {\n  p(a: 1)\n  p(a: 2)\n}\nfacts {}\n");
    }
    SECTION("numbers and interval ranges are kept as written") {
        CHECK(
            formatted("const W = 0.30\ntemplate t { a: float in [0, 1], b: float in (0.0, 1), c: int >= 1 <= 10 }\n") ==
            "const W = 0.30\ntemplate t { a: float in [0, 1], b: float in (0.0, 1), c: int >= 1 <= 10 }\n");
        CHECK(formatted("rule r { when a(x: 1e3) test ?x > 0.50 then evidence p(?x) -0.10 }") ==
              "rule r {\n  when a(x: 1e3)\n       test ?x > 0.50\n  then evidence p(?x) -0.10\n}\n");
    }
    SECTION("reports") {
        CHECK(formatted("report   finding strain( kind,severity )\"s\"\n") ==
              "report finding strain(kind, severity) \"s\"\n");
    }
}

TEST_CASE("fmt: long lines break after commas and loose operators", "[syntax][format]") {
    SECTION("a slot list fills its lines under the first item") {
        std::string in =
            "rule r {\n  then conclude strain(institution: ?i, kind: power_shift, severity: (?t - ?n) / ?t, "
            "reason: \"the members' share of world capability fell from {?t} at founding to {?n}\")\n}\n";
        CHECK(formatted(in) ==
              "rule r {\n  then conclude strain(institution: ?i, kind: power_shift, severity: (?t - ?n) / ?t,\n"
              "                       reason: \"the members' share of world capability fell from {?t} at "
              "founding to {?n}\")\n}\n");
    }
    SECTION("an expression breaks after its loosest operator, under its first operand") {
        std::string in =
            "rule r {\n  when a(x: ?c, y: ?b)\n       test ?c >= LOGIC_PRESENT and ?b >= LOGIC_PRESENT and "
            "?c - ?b < LOGIC_MARGIN\n  then halt\n}\n";
        CHECK(formatted(in, 50) ==
              "rule r {\n  when a(x: ?c, y: ?b)\n       test ?c >= LOGIC_PRESENT and\n"
              "            ?b >= LOGIC_PRESENT and\n            ?c - ?b < LOGIC_MARGIN\n  then halt\n}\n");
        CHECK(formatted(in, 60) ==
              "rule r {\n  when a(x: ?c, y: ?b)\n       test ?c >= LOGIC_PRESENT and ?b >= LOGIC_PRESENT and\n"
              "            ?c - ?b < LOGIC_MARGIN\n  then halt\n}\n");
    }
    SECTION("alternatives break after `|`") {
        std::string in = "template t {\n  kind: one of (aaaa | bbbb | cccc | dddd | eeee | ffff) = aaaa\n}\n";
        CHECK(formatted(in, 44) ==
              "template t {\n  kind: one of (aaaa | bbbb | cccc | dddd |\n                eeee | ffff) = aaaa\n}\n");
    }
    SECTION("an item that does not fit its place starts a new line before it is broken") {
        std::string in =
            "rule r {\n  when ?k = count(mandate(institution: ?i, kind: terrorism | cyber | hybrid | climate))\n"
            "  then halt\n}\n";
        CHECK(formatted(in, 80) ==
              "rule r {\n  when ?k = count(mandate(institution: ?i,\n"
              "                          kind: terrorism | cyber | hybrid | climate))\n  then halt\n}\n");
    }
    SECTION("strings are never broken") {
        std::string in = "rule r { then print \"" + std::string(150, 'x') + "\" }\n";
        CHECK(formatted(in) == "rule r {\n  then print \"" + std::string(150, 'x') + "\"\n}\n");
    }
}

TEST_CASE("fmt: a function too long for one line puts its body below the head", "[syntax][format]") {
    std::string in = "function share \"a share\" (?part: float, ?whole: float): float =   # percent\n"
                     "   if(?whole == 0.0, 0.0, 100.0 * ?part / ?whole)\n";
    // The head's line is unchanged, so its trailing comment keeps its column.
    CHECK(formatted(in, 80) == "function share \"a share\" (?part: float, ?whole: float): float =   # percent\n"
                               "  if(?whole == 0.0, 0.0, 100.0 * ?part / ?whole)\n");
    // Narrower still, the head wraps too; the comment stays after the `=`.
    CHECK(formatted(in, 60).find("float): float =  # percent\n  if(") != std::string::npos);
    // Joined into one line, the comment written inside the definition moves above it.
    CHECK(formatted(in, 120) == "# percent\nfunction share \"a share\" (?part: float, ?whole: float): float = "
                                "if(?whole == 0.0, 0.0, 100.0 * ?part / ?whole)\n");
}

TEST_CASE("fmt: a file with a syntax error is not formatted", "[syntax][format]") {
    FormatResult result = format_text("template t { a: int }\nrule r {\n  when a(x: 1\n  then halt\n}\n");
    CHECK_FALSE(result.ok);
    CHECK(result.text.empty());
    REQUIRE_FALSE(result.diagnostics.empty());
    CHECK(result.diagnostics[0].severity == Severity::Error);
    CHECK(result.diagnostics[0].span.line == 4);
    CHECK(result.internal_error.empty());
}

TEST_CASE("fmt: an empty file stays empty", "[syntax][format]") {
    CHECK(formatted("") == "");
    CHECK(formatted("\n\n  \n") == "");
}

// The property: for every input, at every width, the formatted text parses to what the input means, keeps every
// comment, and formats to itself.
TEST_CASE("fmt: every shipped pack and every language.md block keeps its meaning and is stable", "[syntax][format]") {
    std::vector<std::pair<std::string, std::string>> inputs;  // name, text
    for (const auto& entry : fs::recursive_directory_iterator(test::source_dir() / "rules"))
        if (entry.path().extension() == ".rules") inputs.emplace_back(entry.path().string(), test::read_text(entry.path()));
    for (const auto& block : test::covenant_blocks(test::read_text(test::source_dir() / "docs" / "language.md")))
        inputs.emplace_back("docs/language.md:" + std::to_string(block.first_line), block.text);
    inputs.emplace_back("untidy", kUntidy);
    inputs.emplace_back("issue example", test::kIssueExample);
    REQUIRE(inputs.size() > 20);

    for (const auto& [name, text] : inputs) {
        for (std::size_t width : {120, 60, 30}) {
            INFO(name << " at width " << width);
            std::string out = formatted(text, width);
            CHECK(meaning(out) == meaning(text));
            CHECK(count_comments(out) == count_comments(text));
        }
    }
}

namespace {

// Every run of blanks between tokens (outside strings and comments) replaced by a random mix of blanks, newlines,
// blank lines and comments: the same program laid out badly, with comments in every position a blank can be. The
// formatter must keep its meaning and all the comments and be stable on it. Returns how many comments it added.
std::size_t scramble(std::string& text, std::mt19937& random) {
    static const char* const kFillers[] = {
        " ", "  ", "\n", "\n\n\n    ", "\t", " # note\n", "\n# own line\n  ", "   # aligned?\n        # more\n"};
    std::string out;
    std::size_t added = 0;
    for (std::size_t i = 0; i < text.size();) {
        char c = text[i];
        if (c == '"') {  // a string, copied whole
            std::size_t j = i + 1;
            while (j < text.size() && text[j] != '"' && text[j] != '\n') j += text[j] == '\\' ? 2 : 1;
            j = std::min(j + 1, text.size());
            out.append(text, i, j - i);
            i = j;
        } else if (c == '#') {  // a comment, copied, and the line ended
            std::size_t j = std::min(text.find('\n', i), text.size());
            out.append(text, i, j - i);
            out += '\n';
            i = j;
        } else if (c == ' ' || c == '\n') {
            std::size_t j = i;
            while (j < text.size() && (text[j] == ' ' || text[j] == '\n')) ++j;
            const char* filler = kFillers[random() % (sizeof kFillers / sizeof *kFillers)];
            std::string f = filler;
            added += static_cast<std::size_t>(std::count(f.begin(), f.end(), '#'));
            out += f;
            i = j;
        } else {
            out += c;
            ++i;
        }
    }
    text = out;
    return added;
}

}  // namespace

TEST_CASE("fmt: the shipped packs scrambled, with comments everywhere, format to stable text that means the same",
          "[syntax][format]") {
    std::mt19937 random(20261203);
    for (const auto& entry : fs::recursive_directory_iterator(test::source_dir() / "rules")) {
        if (entry.path().extension() != ".rules") continue;
        const std::string original = test::read_text(entry.path());
        for (int round = 0; round < 3; ++round) {
            std::string text = original;
            std::size_t added = scramble(text, random);
            for (std::size_t width : {120, 50}) {
                INFO(entry.path().string() << " round " << round << " width " << width << ":\n" << text);
                std::string out = formatted(text, width);
                CHECK(meaning(out) == meaning(original));
                CHECK(count_comments(out) == count_comments(original) + added);
            }
        }
    }
}
