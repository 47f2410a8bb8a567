// The printer as the parser's oracle (parse -> print -> parse -> print gives identical text, over every construct),
// and robustness: every prefix and thousands of byte mutations of the example parse without crashing, throwing or
// producing an unlocated diagnostic.
#include <catch2/catch.hpp>

#include <random>

#include "fixtures.hpp"
#include "syntax/print_ast.hpp"

using namespace covenant;
using covenant::test::parse_text;

namespace {

// Every construct of the language at least once.
const char* const kEveryConstruct = R"(pack a.b.c "doc with \"quotes\", \\ and \{braces\}"
use x.y
use z
template t "doc" { s: symbol, str: string = "d\tq\n", i: int = -3, f: float = 2.5e-3, b: bool = false,
                   o: one of (p | q) = q, g: float = 1e5 }
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
const LIMIT = 3 * (TEN + 1) "a constant expression"
function twice "double" (?n: int): int = ?n * 2
function none() = true
rule either salience LIMIT - 1 {
  when or (t(s: ?x, n: LIMIT * 2 | twice(2), m: < -LIMIT) and (e() t(s: ?x)))
       forall (t(s: ?y) e(s: ?y), not t(s: ?x))
  then halt
}
template l { xs: list of symbol, ys: list of int }
rule lists {
  when l(xs: [a, ?h, ..?rest], ys: has 1 | ?n) l(xs: [..?_, ?z]) l(xs: [?_], ys: [])
       test ?z in [?h, ..?rest] and length([..?rest, ..?rest]) > 1
  then conclude l(xs: [?h, ..rest(?rest), z])
}
)";

std::string reprint(const std::string& text) {
    auto p = parse_text(text);
    INFO(test::describe(p.sink));
    REQUIRE_FALSE(p.sink.has_errors());
    return print_unit(p.unit);
}

void check_robust(const std::string& text) {
    SourceManager sm;
    FileId id = sm.add("fuzz.rules", text);
    DiagnosticSink sink(1000);
    REQUIRE_NOTHROW(parse_unit(sm.file(id), sink));
    for (const auto& d : sink.diagnostics()) {
        INFO(text << "\n=> " << d.message);
        REQUIRE(d.span.valid());
        REQUIRE(d.span.file == id);
        REQUIRE(d.span.offset + d.span.length <= text.size());
        // No C++ type of the grammar leaks into a message (an unnamed X3 parser is reported by its type). A
        // message may quote the text, so only what the text does not hold itself counts.
        for (const char* leak : {"boost", "spirit", "x3::"})
            if (text.find(leak) == std::string::npos) REQUIRE(d.message.find(leak) == std::string::npos);
    }
}

}  // namespace

TEST_CASE("round trip over every construct", "[syntax]") {
    for (const std::string& input : {std::string(kEveryConstruct), std::string(test::kIssueExample)}) {
        std::string once = reprint(input);
        std::string twice = reprint(once);
        CHECK(once == twice);
    }
}

TEST_CASE("the printer keeps what it prints", "[syntax]") {
    std::string printed = reprint(kEveryConstruct);
    // Spot checks that the canonical form is the language, not a lossy rendering.
    CHECK(printed.find("pack a.b.c \"doc with \\\"quotes\\\", \\\\ and \\{braces}\"") != std::string::npos);
    CHECK(printed.find("g: float = 100000.0") != std::string::npos);
    CHECK(printed.find("o: one of (p | q) = q") != std::string::npos);
    CHECK(printed.find("test (1 + 2) * 3 == 9 and 8 - (2 - 1) != 1") != std::string::npos);
    CHECK(printed.find("test not ?b or ?i - 1 >= 2 and -?i < abs(-3) / 2") != std::string::npos);
    CHECK(printed.find("not (t(s: ?x), e())") != std::string::npos);
    CHECK(printed.find("rule r1 \"doc\" salience -7 {") != std::string::npos);
    CHECK(printed.find("evidence pred(?x, 1) -0.25 \"reason\"") != std::string::npos);
    CHECK(printed.find("print \"n = {?n} \\{not a var}\"") != std::string::npos);
    CHECK(printed.find("const LIMIT = 3 * (TEN + 1) \"a constant expression\"") != std::string::npos);
    CHECK(printed.find("function twice \"double\" (?n: int): int = ?n * 2") != std::string::npos);
    CHECK(printed.find("function none() = true") != std::string::npos);
    CHECK(printed.find("rule either salience LIMIT - 1 {") != std::string::npos);
    CHECK(printed.find("or (t(s: ?x, n: LIMIT * 2 | twice(2), m: < -LIMIT), and (e(), t(s: ?x)))") != std::string::npos);
    CHECK(printed.find("forall (t(s: ?y), e(s: ?y), not t(s: ?x))") != std::string::npos);
}

TEST_CASE("every prefix of the example parses without crashing", "[syntax]") {
    const std::string text = test::kIssueExample;
    for (std::size_t n = 0; n <= text.size(); ++n) check_robust(text.substr(0, n));
    const std::string all = kEveryConstruct;
    for (std::size_t n = 0; n <= all.size(); n += 3) check_robust(all.substr(0, n));
}

TEST_CASE("random byte mutations of the example parse without crashing", "[syntax]") {
    std::mt19937 rng(20261126);  // fixed seed: the same inputs on every run
    const std::string base = std::string(test::kIssueExample) + kEveryConstruct;
    const std::string interesting = "(){}\"\\?<-=|,:#!.0123456789 \n\t\x80\xff@$;enotandruleshalt";
    for (int round = 0; round < 3000; ++round) {
        std::string text = base;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            std::size_t at = rng() % text.size();
            switch (rng() % 4) {
                case 0: text[at] = interesting[rng() % interesting.size()]; break;
                case 1: text.erase(at, 1 + rng() % 8); break;
                case 2: text.insert(at, 1, interesting[rng() % interesting.size()]); break;
                default: text[at] = static_cast<char>(rng() % 256); break;
            }
            if (text.empty()) text = "x";
        }
        check_robust(text);
    }
}

TEST_CASE("random mutations of a fact and a pattern never crash parse_fact or parse_pattern", "[syntax]") {
    std::mt19937 rng(7);
    const std::string base = "person(name: ?n, born: ?b < 1960, kind: != a | b, score: -1.5e3, note: \"x\\{y\")";
    const std::string interesting = "(){}\"\\?<-=|,:!.09 \n@";
    SourceManager sm;
    for (int round = 0; round < 2000; ++round) {
        std::string text = base;
        for (int e = 0; e < 3; ++e) {
            std::size_t at = rng() % (text.size() + 1);
            if (rng() % 2 && at < text.size()) text.erase(at, 1 + rng() % 4);
            else text.insert(at, 1, interesting[rng() % interesting.size()]);
        }
        const SourceFile& file = sm.file(sm.add("repl", text));
        DiagnosticSink fact_sink;
        DiagnosticSink pattern_sink;
        std::optional<ast::FactTerm> fact;
        std::optional<ast::Pattern> pattern;
        REQUIRE_NOTHROW(fact = parse_fact(file, fact_sink));
        REQUIRE_NOTHROW(pattern = parse_pattern(file, pattern_sink));
        // A result exactly when nothing was reported; every report located.
        INFO(text);
        CHECK(fact.has_value() == fact_sink.diagnostics().empty());
        CHECK(pattern.has_value() == pattern_sink.diagnostics().empty());
        for (const auto& d : fact_sink.diagnostics()) REQUIRE(d.span.valid());
        for (const auto& d : pattern_sink.diagnostics()) REQUIRE(d.span.valid());
    }
}
