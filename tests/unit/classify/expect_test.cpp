// `expect:` blocks: keys and values checked against the loaded program's vocabulary (located errors with a "did you
// mean"), and the general expectations (facts, not_facts, severity) passing and failing against working memory.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <tuple>

#include <unistd.h>

#include "check/check.hpp"
#include "classify/classify.hpp"
#include "runtime/engine.hpp"

using namespace covenant;
namespace fs = std::filesystem;

namespace {

// A cut-down core vocabulary (the strain kinds are a subset of the shipped ones) and rules that conclude a known
// architecture and strains with known severities from the institution's slots.
const char* kVocabularyRules = R"(
template institution { id: symbol, values_clause: bool = false, adversary: symbol = none, members: int = 0 }
template architecture { institution: symbol, type: one of (community | balance_of_power | hybrid | undetermined),
                        subtype: one of (security_community | alliance | none) = none }
template strain { institution: symbol, kind: one of (conflict_load | decision_paralysis | mandate_gap), severity: float,
                  reason: string }
report subject institution
report conclusion architecture(type, subtype)
report finding strain(kind, severity, reason)

rule classify_community {
  when institution(id: ?i, values_clause: true)
  then conclude architecture(institution: ?i, type: community, subtype: security_community)
}
rule classify_bop {
  when institution(id: ?i, adversary: ?a != none)
  then conclude architecture(institution: ?i, type: balance_of_power, subtype: alliance)
}
rule big {
  when institution(id: ?i, members: ?m > 30)
  then conclude strain(institution: ?i, kind: decision_paralysis, severity: 0.4, reason: "{?m} members")
}
rule huge {
  when institution(id: ?i, members: ?m > 50)
  then conclude strain(institution: ?i, kind: conflict_load, severity: 0.75, reason: "{?m} members quarrel")
}
)";

// A pack without the core vocabulary: only `facts`/`not_facts` can state what it should conclude.
const char* kFamilyRules = R"(
template person { name: symbol, born: int }
template adult { name: symbol }
rule grown_up {
  when person(name: ?n, born: < 2000)
  then conclude adult(name: ?n)
}
)";

struct ExpectFixture {
    fs::path dir;
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;

    explicit ExpectFixture(const char* rules) {
        dir = fs::temp_directory_path() / fs::path("covenant-expect-" + std::to_string(::getpid()) + "-" +
                                                   std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(dir);
        write("pack.rules", rules);
        program = load_program({(dir / "pack.rules").string()}, {}, sm, sink);
        if (!program) FAIL(render_all(sink, sm));
    }
    ~ExpectFixture() { fs::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
    CaseResult classify(const std::string& name, const std::string& text) {
        Engine engine(*program);
        return classify_case(engine, write(name, text), {});
    }
};

// The 1-based column of the first occurrence of `needle` on 1-based line `line` of `text`.
std::uint32_t column_of(const std::string& text, std::uint32_t line, const std::string& needle) {
    std::size_t start = 0;
    for (std::uint32_t l = 1; l < line; ++l) start = text.find('\n', start) + 1;
    std::size_t at = text.find(needle, start);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find('\n', start) > at);
    return static_cast<std::uint32_t>(at - start + 1);
}

const char* kFacts = R"(facts:
  institution:
    - {id: alpha, values_clause: true, members: 60}
    - {id: beta, adversary: gamma}
)";

}  // namespace

TEST_CASE("a misspelt expectation key is an error at the key, with a suggestion", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    for (std::string key : {"not_strain", "nots_strains"}) {
        INFO(key);
        std::string text = std::string(kFacts) + "expect:\n  alpha:\n    architecture: [community]\n    " + key +
                           ": [conflict_load]\n";
        CaseResult r = fx.classify("a.yaml", text);
        REQUIRE(r.error);
        CHECK(r.error->line == 8);
        CHECK(r.error->col == 5);
        CHECK(r.error->message == "unknown expectation '" + key + "' for 'alpha'; did you mean 'not_strains'?");
        // Rendered as other YAML errors are: file:line:col, the source line, a caret under the key.
        CHECK(r.error->rendered.find("a.yaml:8:5: error[E0202]") != std::string::npos);
        CHECK(r.error->rendered.find(key + ": [conflict_load]") != std::string::npos);
        CHECK(r.error->rendered.find("^" + std::string(key.size() - 1, '~')) != std::string::npos);
        // `covenant test` reports the case as failing to load.
        auto outcomes = check_expectations(r);
        REQUIRE(outcomes.size() == 1);
        CHECK_FALSE(outcomes[0].passed);
        CHECK(outcomes[0].detail.find(":8:5: unknown expectation") != std::string::npos);
    }
}

TEST_CASE("a key far from every expectation key lists them", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    CaseResult r = fx.classify("a.yaml", std::string(kFacts) + "expect:\n  alpha:\n    verdict: [community]\n");
    REQUIRE(r.error);
    CHECK(r.error->line == 7);
    CHECK(r.error->col == 5);
    CHECK(r.error->message.find("unknown expectation 'verdict' for 'alpha'; expected architecture, subtype, strains, "
                                "not_strains, severity, facts or not_facts") == 0);
}

TEST_CASE("an architecture, subtype or strain kind outside the vocabulary is an error at the value", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    SECTION("a hyphenated architecture type") {
        std::string text = std::string(kFacts) + "expect:\n  alpha:\n    architecture: [hybrid, balance-of-power]\n";
        CaseResult r = fx.classify("a.yaml", text);
        REQUIRE(r.error);
        CHECK(r.error->line == 7);
        CHECK(r.error->col == column_of(text, 7, "balance-of-power"));
        CHECK(r.error->message == "unknown architecture type 'balance-of-power'; did you mean 'balance_of_power'?");
        CHECK(r.error->rendered.find("error[E0105]") != std::string::npos);
    }
    SECTION("an unknown strain kind, in strains and in not_strains") {
        std::string text = std::string(kFacts) +
                           "expect:\n  alpha:\n    strains: [conflict_loads]\n    not_strains: [mandate_gap, "
                           "membership_contestation]\n";
        CaseResult r = fx.classify("a.yaml", text);
        REQUIRE(r.error);
        CHECK(r.error->line == 7);
        CHECK(r.error->col == column_of(text, 7, "conflict_loads"));
        CHECK(r.error->message == "unknown strain kind 'conflict_loads'; did you mean 'conflict_load'?");
        // Every problem is reported, not only the first; one with no close value lists the allowed ones.
        CHECK(r.error->rendered.find(fmt::format("a.yaml:8:{}: error[E0105]: unknown strain kind "
                                                 "'membership_contestation'; expected one of (conflict_load | "
                                                 "decision_paralysis | mandate_gap) (strain.kind)",
                                                 column_of(text, 8, "membership"))) != std::string::npos);
        CHECK(r.error->rendered.find("2 errors") != std::string::npos);
    }
    SECTION("an unknown subtype") {
        CaseResult r = fx.classify("a.yaml", std::string(kFacts) + "expect:\n  alpha:\n    subtype: [aliance]\n");
        REQUIRE(r.error);
        CHECK(r.error->message == "unknown subtype 'aliance'; did you mean 'alliance'?");
    }
    SECTION("the values of the shipped spelling pass") {
        CaseResult r = fx.classify("a.yaml", std::string(kFacts) +
                                                 "expect:\n  beta:\n    architecture: [balance_of_power]\n    "
                                                 "subtype: [alliance]\n    not_strains: [mandate_gap]\n");
        REQUIRE_FALSE(r.error);
        auto outcomes = check_expectations(r);
        REQUIRE(outcomes.size() == 3);
        for (const auto& o : outcomes) CHECK(o.passed);
    }
}

TEST_CASE("a bad expect block fails its case only; the batch goes on", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    std::string bad = fx.write("1-bad.yaml", std::string(kFacts) + "expect:\n  alpha:\n    architecture: [comunity]\n");
    std::string good = fx.write("2-good.yaml", std::string(kFacts) + "expect:\n  alpha:\n    architecture: [community]\n");
    auto results = classify_all(*fx.program, {bad, good}, {}, 1);
    REQUIRE(results.size() == 2);
    REQUIRE(results[0].error);
    CHECK(results[0].error->message == "unknown architecture type 'comunity'; did you mean 'community'?");
    REQUIRE_FALSE(results[1].error);
    auto outcomes = check_expectations(results[1]);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].passed);
}

TEST_CASE("institution-only keys do not stand at the top of expect", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    CaseResult r = fx.classify("a.yaml", std::string(kFacts) + "expect:\n  strains: [conflict_load]\n");
    REQUIRE(r.error);
    CHECK(r.error->line == 6);
    CHECK(r.error->col == 3);
    CHECK(r.error->message.find("'strains' belongs under an institution's id") == 0);
    // A list under a misspelt top-level key is taken for a misspelt `facts`, not for an institution.
    r = fx.classify("b.yaml", std::string(kFacts) + "expect:\n  fact: [\"strain(institution: alpha)\"]\n");
    REQUIRE(r.error);
    CHECK(r.error->message == "unknown expectation 'fact'; did you mean 'facts'?");
}

TEST_CASE("facts, not_facts and severity pass and fail against working memory", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    // alpha: community, strains decision_paralysis 0.4 and conflict_load 0.75; beta: balance_of_power, no strain.
    CaseResult r = fx.classify("a.yaml", std::string(kFacts) + R"yaml(expect:
  facts:
    - "architecture(institution: beta, type: balance_of_power)"
    - "strain(institution: beta)"
  not_facts:
    - "architecture(type: hybrid | undetermined)"
    - "strain(kind: conflict_load | mandate_gap)"
  alpha:
    severity: {decision_paralysis: [0.3, 0.5], conflict_load: [0.2, 0.7]}
    facts: ["strain(institution: alpha, severity: >= 0.7)", "strain(institution: alpha, kind: mandate_gap)"]
    not_facts: ["architecture(institution: alpha, subtype: alliance)"]
  beta:
    severity: {conflict_load: [0, 1]}
)yaml");
    REQUIRE_FALSE(r.error);
    auto o = check_expectations(r);
    REQUIRE(o.size() == 10);

    CHECK(o[0].institution.empty());
    CHECK(o[0].what == "architecture(institution: beta, type: balance_of_power) is present");
    CHECK(o[0].passed);
    CHECK(o[0].detail == "found architecture(institution: beta, type: balance_of_power, subtype: alliance)");

    CHECK(o[1].what == "strain(institution: beta) is present");
    CHECK_FALSE(o[1].passed);
    CHECK(o[1].detail.find("none of the 2 strain facts matches; the closest: strain(institution: alpha") == 0);

    CHECK(o[2].what == "architecture(type: hybrid | undetermined) is absent");
    CHECK(o[2].passed);

    CHECK(o[3].what == "strain(kind: conflict_load | mandate_gap) is absent");
    CHECK_FALSE(o[3].passed);
    CHECK(o[3].detail == "found strain(institution: alpha, kind: conflict_load, severity: 0.75, reason: \"60 members "
                         "quarrel\")");

    CHECK(o[4].institution == "alpha");
    CHECK(o[4].what == "strain decision_paralysis has a severity in [0.3, 0.5]");
    CHECK(o[4].passed);
    CHECK(o[4].detail.find("severity 0.400") == 0);
    CHECK(o[5].what == "strain conflict_load has a severity in [0.2, 0.7]");
    CHECK_FALSE(o[5].passed);  // 0.75
    CHECK(o[5].detail.find("severity 0.750") == 0);

    CHECK(o[6].what == "strain(institution: alpha, severity: >= 0.7) is present");
    CHECK(o[6].passed);
    CHECK(o[7].what == "strain(institution: alpha, kind: mandate_gap) is present");
    CHECK_FALSE(o[7].passed);
    CHECK(o[8].what == "architecture(institution: alpha, subtype: alliance) is absent");
    CHECK(o[8].passed);

    CHECK(o[9].institution == "beta");
    CHECK_FALSE(o[9].passed);  // beta has no strain at all
    CHECK(o[9].detail == "not found; strains found: []");
}

TEST_CASE("the closed severity range includes its bounds", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    CaseResult r = fx.classify("a.yaml", std::string(kFacts) +
                                             "expect:\n  alpha:\n    severity: {decision_paralysis: [0.4, 0.4], "
                                             "conflict_load: [0.75, 1]}\n");
    REQUIRE_FALSE(r.error);
    auto o = check_expectations(r);
    REQUIRE(o.size() == 2);
    CHECK(o[0].passed);
    CHECK(o[1].passed);
}

TEST_CASE("facts and not_facts work for a pack without the core vocabulary", "[classify][expect]") {
    ExpectFixture fx(kFamilyRules);
    const std::string facts = "facts:\n  person:\n    - {name: ann, born: 1950}\n    - {name: bob, born: 2010}\n";
    CaseResult r = fx.classify("a.yaml", facts + "expect:\n  facts: [\"adult(name: ann)\"]\n  not_facts: [\"adult(name: "
                                                 "bob)\", \"person(born: < 1900)\"]\n");
    REQUIRE_FALSE(r.error);
    auto o = check_expectations(r);
    REQUIRE(o.size() == 3);
    CHECK(o[0].passed);
    CHECK(o[1].passed);
    CHECK(o[2].passed);

    r = fx.classify("b.yaml", facts + "expect:\n  facts: [\"adult(name: bob)\"]\n");
    REQUIRE_FALSE(r.error);
    o = check_expectations(r);
    REQUIRE(o.size() == 1);
    CHECK_FALSE(o[0].passed);
    CHECK(o[0].detail == "none of the 1 adult facts matches; the closest: adult(name: ann)");

    // The vocabulary keys need `report` declarations.
    r = fx.classify("c.yaml", facts + "expect:\n  ann:\n    architecture: [community]\n");
    REQUIRE(r.error);
    CHECK(r.error->line == 7);
    CHECK(r.error->col == 5);
    CHECK(r.error->message.find("'architecture' needs `report` declarations in the loaded rules") == 0);
}

TEST_CASE("a fact expectation that does not parse or check is an error at its place in the case file",
          "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    auto error_of = [&](const std::string& fact_line) {
        std::string text = std::string(kFacts) + "expect:\n  alpha:\n    facts:\n      - " + fact_line + "\n";
        CaseResult r = fx.classify("a.yaml", text);
        REQUIRE(r.error);
        CHECK(r.error->line == 8);
        return std::make_pair(r.error->col, r.error->message);
    };
    std::uint32_t col = 0;
    std::string message;
    std::string line = "\"strain(institution: alpha, knd: conflict_load)\"";
    std::tie(col, message) = error_of(line);
    CHECK(col == 9 + line.find("knd"));
    CHECK(message == "'strain' has no slot 'knd'; did you mean 'kind'?");

    line = "\"strain(kind: conflict_loads)\"";
    std::tie(col, message) = error_of(line);
    CHECK(col == 9 + line.find("conflict_loads"));
    CHECK(message.find("slot 'kind' of 'strain': 'conflict_loads' is not one of") == 0);
    CHECK(message.find("did you mean 'conflict_load'?") != std::string::npos);

    line = "\"strian(institution: alpha)\"";
    std::tie(col, message) = error_of(line);
    CHECK(col == 9 + line.find("strian"));
    CHECK(message == "unknown template 'strian'; did you mean 'strain'?");

    // A syntax error is the parser's, placed in the case file.
    line = "'strain(institution: alpha, kind: )'";
    std::tie(col, message) = error_of(line);
    CHECK(col > 9);
    CHECK(col < 9 + line.size());

    line = "\"strain(kind: ?k)\"";
    std::tie(col, message) = error_of(line);
    CHECK(col == 9 + line.find("?k"));
    CHECK(message.find("values only, not variables") != std::string::npos);

    // Unquoted, YAML reads `slot: value` inside the fact as a mapping.
    std::tie(col, message) = error_of("strain(institution: alpha)");
    CHECK(message.find("write each fact of 'facts' in quotes") == 0);
}

TEST_CASE("a severity range must be two ordered numbers for a known strain kind", "[classify][expect]") {
    ExpectFixture fx(kVocabularyRules);
    auto message_of = [&](const std::string& severity) {
        CaseResult r = fx.classify("a.yaml", std::string(kFacts) + "expect:\n  alpha:\n    severity: " + severity + "\n");
        REQUIRE(r.error);
        CHECK(r.error->line == 7);
        return r.error->message;
    };
    CHECK(message_of("{conflict_load: [0.6, 0.3]}") ==
          "the severity range [0.6, 0.3] of 'conflict_load' is empty: write the lower bound first");
    CHECK(message_of("{conflict_load: [0.3]}") ==
          "the severity range of 'conflict_load' must be two numbers [low, high], like [0.3, 0.6]");
    CHECK(message_of("{conflict_load: [low, high]}") ==
          "the severity range of 'conflict_load' must be two numbers [low, high], like [0.3, 0.6]");
    CHECK(message_of("{conflict_lode: [0.3, 0.6]}") == "unknown strain kind 'conflict_lode'; did you mean 'conflict_load'?");
    CHECK(message_of("[0.3, 0.6]").find("'severity' of 'alpha' must map strain kinds to closed ranges") == 0);
}
