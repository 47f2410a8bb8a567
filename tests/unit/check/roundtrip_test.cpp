// print_program round trip: check(parse(print_program(p))) equals p, over a program with every construct; and
// robustness: malformed variants of that program never throw and always get located diagnostics.
#include <filesystem>
#include <random>

#include "check/support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

// The issue's example plus the vocabulary it relies on, and one of every other construct.
const std::string kEverything = R"RULES(pack examples.family "Ancestors: joins, negation, aggregates"
template person   { name: symbol, born: int = 0 }
template parent   { of: symbol, is: symbol }
template ancestor { of: symbol, is: symbol }
template note     { text: string }
template party    { name: symbol, kind: one of (democratic | authoritarian) = democratic }
template institution "an institution" { id: symbol, values_clause: bool = false, budget: float = 1.5 }
template architecture { institution: symbol, type: symbol }
template empty { }

facts {
  person(name: ann, born: 1950)
  person(name: bob, born: -1975)
  parent(of: bob, is: ann)
  note(text: "a \"quoted\" {brace} and \\ backslash\nnewline")
  institution(id: nato, values_clause: true, budget: 2)
}

rule ancestor_direct "A parent is an ancestor" {
  when parent(of: ?x, is: ?y)
  then conclude ancestor(of: ?x, is: ?y)
}

rule ancestor_chain {
  when parent(of: ?x, is: ?y)
       ancestor(of: ?y, is: ?z)
  then conclude ancestor(of: ?x, is: ?z)
}

rule orphan salience -10 {
  when person(name: ?p)
       not parent(of: ?p)
  then print "{?p} has no recorded parent"
}

rule big_family {
  when person(name: ?p, born: ?b < 1960)
       ?n = count(parent(is: ?p))
       test ?n >= 3
  then assert note(text: "{?p} has {?n} children")
}

rule rename {
  when ?f <- person(name: bob)
  then modify ?f (born: 1976)
}

norm shared_values "Membership is conditional on democratic values" {
  when institution(id: ?i, values_clause: true)
  then evidence community(?i) 0.35 "membership is conditional on democratic values"
}

rule classify_community {
  when institution(id: ?i)
       ?c = score(community(?i))
       ?b = score(balance_of_power(?i))
       test ?c >= 0.6 and ?b < 0.4
  then conclude architecture(institution: ?i, type: community)
}

criterion groups salience 3 {
  when institution(id: ?i, budget: ?money > 1 , values_clause: ?v)
       party(name: ?i, kind: != authoritarian | democratic)
       person(born: >= 1900, name: a | b | ?i)
       person(name: ?i | b)
       not (parent(of: ?i, is: ?k), person(name: ?k, born: < 1900))
       exists (ancestor(of: ?i), not person(name: ?i))
       ?s = sum(?x, person(born: ?x))
       ?lo = min(?y, person(born: ?y, name: != ?i))
       ?hi = max(?w, institution(budget: ?w))
       ?av = avg(?q, person(born: ?q))
       ?sc = score(pair(?i, nato, 3, "s", true))
       test not (?v == false) or -?money * 2 / (?s + 1) > 0.5 - ?av and ?lo <= ?hi
       test div(?s, 2) + mod(?lo, 3) > abs(-?lo) and round(?money) >= floor(?av) and ceil(?av) < int(sqrt(?av))
       test atan2(?money, 1.0) != 0 and str(?i) == "nato" and sym("x") != ?i and float(?s) > min(?lo, 2) - max(1, 2)
  then assert note(text: "{?i}: \{literal} {?sc} {?money}")
       assert institution(id: ?i, budget: ?s)
       evidence pair(?i, nato, 3, "s", true) -0.5
       evidence community(?i) ?sc / 2 "reason {?i}"
       print "done"
       halt
}

interest self_help {
  then print "no conditions"
}
)RULES";

}  // namespace

TEST_CASE("print_program round-trips a program with every construct", "[check]") {
    Checked first(kEverything);
    INFO(first.rendered());
    REQUIRE(first.program);
    std::string printed = print_program(*first.program);
    INFO(printed);
    Checked second(printed);
    INFO(second.rendered());
    REQUIRE(second.program);
    std::string why;
    CHECK(same(*first.program, *second.program, why));
    INFO("first difference: " << why);
    CHECK(why.empty());
    // Printing is a fixed point after one round.
    CHECK(print_program(*second.program) == printed);
    // And the printed text is what one would write.
    CHECK_THAT(printed, Catch::Matchers::Contains("    ?n = count(parent(is: ?p))\n"));
    CHECK_THAT(printed, Catch::Matchers::Contains("    person(name: ?p, born: ?b < 1960)\n"));
    CHECK_THAT(printed, Catch::Matchers::Contains("evidence community(?i) 0.35 \"membership is conditional"));
    CHECK_THAT(printed, Catch::Matchers::Contains("rule orphan salience -10 {"));
    CHECK_THAT(printed, Catch::Matchers::Contains("print \"{?p} has no recorded parent\""));
}

TEST_CASE("Round trip keeps the structure of the test conditions", "[check]") {
    // The equality helper must be able to fail: a different program is not `same`.
    Checked a(kVocabulary + "rule r { when person(name: ?p, born: ?b) test ?b + 1 > 2 * 3 then print \"{?p}\" }\n");
    Checked b(kVocabulary + "rule r { when person(name: ?p, born: ?b) test (?b + 1 > 2) == true then print \"{?p}\" }\n");
    REQUIRE(a.program);
    REQUIRE(b.program);
    std::string why;
    CHECK_FALSE(same(*a.program, *b.program, why));
    CHECK(why == "rule r");
}

TEST_CASE("Malformed variants never throw and always get located diagnostics", "[check]") {
    std::mt19937 rng(20240611);
    const std::string alphabet = "(){}?<-=,:|\"!#\n abc019.";
    int with_errors = 0;
    for (int i = 0; i < 400; ++i) {
        std::string text = kEverything;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            std::size_t pos = rng() % text.size();
            switch (rng() % 4) {
                case 0: text.erase(pos, 1 + rng() % 8); break;
                case 1: text.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
                case 2: text[pos] = alphabet[rng() % alphabet.size()]; break;
                default: text.resize(pos); break;
            }
        }
        SourceManager sm;
        DiagnosticSink sink;
        FileId id = sm.add("fuzz.rules", text);
        std::optional<Program> program;
        REQUIRE_NOTHROW([&] {
            ast::Unit unit = parse_unit(sm.file(id), sink);
            program = check_units({unit}, sm, sink);
            if (program) (void)print_program(*program);
        }());
        INFO(text);
        CHECK(program.has_value() == !sink.has_errors());
        for (const auto& d : sink.diagnostics()) {
            if (d.code == Code::TooManyErrors) continue;
            INFO(render(d, sm));
            CHECK(d.span.valid());
            CHECK(d.span.file == id);
            CHECK(d.span.line <= sm.file(id).line_starts.size());
            CHECK_FALSE(d.message.empty());
            CHECK(d.message.find("covenant::") == std::string::npos);
        }
        if (sink.has_errors()) ++with_errors;
    }
    CHECK(with_errors > 100);  // the mutations do produce errors, so the loop checks something
}

TEST_CASE("print_program round-trips the shipped example packs", "[check]") {
    namespace fs = std::filesystem;
    fs::path examples = fs::path(COVENANT_SOURCE_DIR) / "rules" / "examples";
    if (!fs::exists(examples)) return;
    for (const auto& entry : fs::directory_iterator(examples)) {
        if (entry.path().extension() != ".rules") continue;
        SourceManager sm;
        DiagnosticSink sink;
        auto program = load_program({entry.path().string()}, {}, sm, sink);
        INFO(entry.path().string() << "\n" << render_all(sink, sm));
        REQUIRE(program);
        std::string printed = print_program(*program);
        INFO(printed);
        Checked again(printed);
        INFO(again.rendered());
        REQUIRE(again.program);
        std::string why;
        CHECK(same(*program, *again.program, why));
        CHECK(why.empty());
    }
}

TEST_CASE("Word swaps (parseable, semantically broken variants) get located checker diagnostics", "[check]") {
    // Replacing one word or variable by another from the same text keeps most variants parseable, so this drives
    // the checker itself through unknown names, wrong types, unbound and rebound variables.
    std::vector<std::pair<std::size_t, std::size_t>> words;  // (offset, length) of names and ?variables
    for (std::size_t i = 0; i < kEverything.size();) {
        auto word_char = [&](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '?'; };
        if (!word_char(kEverything[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < kEverything.size() && word_char(kEverything[j])) ++j;
        words.emplace_back(i, j - i);
        i = j;
    }
    std::mt19937 rng(7);
    int checker_errors = 0;
    for (int i = 0; i < 300; ++i) {
        std::string text = kEverything;
        auto [at, len] = words[rng() % words.size()];
        auto [from, from_len] = words[rng() % words.size()];
        text.replace(at, len, kEverything.substr(from, from_len));
        SourceManager sm;
        DiagnosticSink sink;
        FileId id = sm.add("swap.rules", text);
        std::optional<Program> program;
        REQUIRE_NOTHROW([&] {
            ast::Unit unit = parse_unit(sm.file(id), sink);
            if (!sink.has_errors()) program = check_units({unit}, sm, sink);
            if (program) (void)print_program(*program);
        }());
        INFO(text);
        for (const auto& d : sink.diagnostics()) {
            INFO(render(d, sm));
            CHECK(d.span.valid());
            CHECK(d.span.file == id);
            CHECK(d.span.end_line >= d.span.line);
            if (d.severity == Severity::Error && code_id(d.code).substr(0, 3) == "E01") ++checker_errors;
        }
    }
    CHECK(checker_errors > 50);
}
