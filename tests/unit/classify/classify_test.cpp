// Batch classification: results collected from working memory, expectations, report formats, bad cases, --jobs order.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "base/file_io.hpp"
#include "check/check.hpp"
#include "classify/classify.hpp"
#include "runtime/engine.hpp"
#include "shipped_knowledge.hpp"

using namespace covenant;
namespace fs = std::filesystem;

namespace {

// A tiny classification pack over a cut-down vocabulary: enough to exercise the collector without depending on the
// shipped domain rules (which have their own `covenant test` expectations).
const char* kRules = R"(
template institution { id: symbol, values_clause: bool = false, adversary: symbol = none, members: int = 0 }
template architecture { institution: symbol, type: one of (community | balance_of_power | hybrid | undetermined),
                        subtype: one of (security_community | alliance | none) = none }
template strain { institution: symbol, kind: one of (conflict_load | decision_paralysis), severity: float, reason: string }
report subject institution
report conclusion architecture(type, subtype)
report finding strain(kind, severity, reason)
report score community "comm"
report score balance_of_power "bop"

norm values "values clause" {
  when institution(id: ?i, values_clause: true)
  then evidence community(?i) 0.6 "membership is conditional on values"
}
interest against "organised against an adversary" {
  when institution(id: ?i, adversary: ?a != none)
  then evidence balance_of_power(?i) 0.7 "organised against {?a}"
}
rule classify_community {
  when institution(id: ?i)
       ?c = score(community(?i))
       ?b = score(balance_of_power(?i))
       test ?c >= 0.5 and ?b < 0.5
  then conclude architecture(institution: ?i, type: community, subtype: security_community)
}
rule classify_bop {
  when institution(id: ?i)
       ?c = score(community(?i))
       ?b = score(balance_of_power(?i))
       test ?b >= 0.5 and ?c < 0.5
  then conclude architecture(institution: ?i, type: balance_of_power, subtype: alliance)
}
rule big {
  when institution(id: ?i, members: ?m > 30)
  then conclude strain(institution: ?i, kind: decision_paralysis, severity: 0.4, reason: "{?m} members decide by consensus")
}
)";

struct Fixture {
    fs::path dir;
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;

    Fixture() {
        dir = fs::temp_directory_path() / fs::path("covenant-classify-" + std::to_string(::getpid()) + "-" +
                                                   std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(dir);
        write("pack.rules", kRules);
        program = load_program({(dir / "pack.rules").string()}, {}, sm, sink);
        if (!program) FAIL(render_all(sink, sm));
    }
    ~Fixture() { fs::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
};

}  // namespace

TEST_CASE("classification collects architecture, scores, strains and reasons", "[classify]") {
    Fixture fx;
    std::string path = fx.write("a.yaml", R"(case: alpha-2020
as_of: 2020
title: Alpha
facts:
  institution:
    - {id: alpha, values_clause: true, members: 31}
    - {id: beta, adversary: gamma}
expect:
  alpha:
    architecture: [community]
    strains: [decision_paralysis]
  beta:
    architecture: [community]
    not_strains: [conflict_load]
)");
    Engine engine(*fx.program);
    CaseResult r = classify_case(engine, path, {});
    REQUIRE_FALSE(r.error);
    CHECK(r.case_id == "alpha-2020");
    CHECK(r.as_of == 2020);
    REQUIRE(r.institutions.size() == 2);
    const auto& a = r.institutions[0];
    CHECK(a.institution == "alpha");
    CHECK(a.architecture == "community");
    CHECK(a.subtype == "security_community");
    CHECK(a.architecture_rule == "classify_community");
    REQUIRE(a.strains.size() == 1);
    CHECK(a.strains[0].reason == "31 members decide by consensus");
    CHECK(a.strains[0].rule == "big");
    REQUIRE(a.reasons.size() == 1);
    CHECK(a.reasons[0].kind == "norm");
    CHECK(a.reasons[0].toward == "community");
    CHECK(a.reasons[0].weight == Approx(0.6));
    const auto& b = r.institutions[1];
    CHECK(b.architecture == "balance_of_power");
    REQUIRE(b.reasons.size() == 1);
    CHECK(b.reasons[0].text == "organised against gamma");

    auto outcomes = check_expectations(r);
    REQUIRE(outcomes.size() == 4);
    CHECK(outcomes[0].passed);
    CHECK(outcomes[1].passed);
    CHECK_FALSE(outcomes[2].passed);  // beta is balance_of_power, not community
    CHECK(outcomes[2].detail.find("balance_of_power") != std::string::npos);
    CHECK(outcomes[3].passed);
}

TEST_CASE("a bad case gives a located error record and the batch goes on", "[classify]") {
    Fixture fx;
    std::string good = fx.write("1-good.yaml", "facts:\n  institution:\n    - {id: alpha, values_clause: true}\n");
    std::string bad = fx.write("2-bad.yaml", "facts:\n  institution:\n    - {id: alpha, members: many}\n");
    std::string also_good = fx.write("3-good.yaml", "facts:\n  institution:\n    - {id: beta, adversary: x}\n");
    auto results = classify_all(*fx.program, {good, bad, also_good}, {}, 2);
    REQUIRE(results.size() == 3);
    CHECK_FALSE(results[0].error);
    REQUIRE(results[1].error);
    CHECK(results[1].error->line == 3);
    CHECK(results[1].error->col > 1);
    CHECK(results[1].error->rendered.find("^") != std::string::npos);
    CHECK_FALSE(results[2].error);
    CHECK(results[2].institutions.at(0).architecture == "balance_of_power");

    std::string json = render_report(results, ReportFormat::Json, false, report_labels(*fx.program));
    CHECK(json.find(R"("error":{"file":)") != std::string::npos);
    CHECK(json.find(R"("line":3)") != std::string::npos);
}

TEST_CASE("results do not depend on --jobs", "[classify]") {
    Fixture fx;
    std::vector<std::string> paths;
    for (int i = 0; i < 24; ++i) {
        std::string body = "case: c" + std::to_string(i) + "\nfacts:\n  institution:\n    - {id: i" + std::to_string(i) +
                           (i % 2 ? ", values_clause: true" : ", adversary: foe") +
                           ", members: " + std::to_string(20 + i) + "}\n";
        paths.push_back(fx.write("c" + std::to_string(100 + i) + ".yaml", body));
    }
    for (auto fmt : {ReportFormat::Json, ReportFormat::Csv, ReportFormat::Markdown, ReportFormat::Table}) {
        std::string one = render_report(classify_all(*fx.program, paths, {}, 1), fmt, true, report_labels(*fx.program));
        std::string two = render_report(classify_all(*fx.program, paths, {}, 2), fmt, true, report_labels(*fx.program));
        std::string four = render_report(classify_all(*fx.program, paths, {}, 4), fmt, true, report_labels(*fx.program));
        CHECK(one == two);
        CHECK(one == four);
    }
    auto r = classify_all(*fx.program, paths, {}, 2);
    CHECK(r[5].institutions.at(0).architecture == "community");
    CHECK(r[6].institutions.at(0).architecture == "balance_of_power");
    CHECK(r[11].institutions.at(0).strains.size() == 1);  // 31 members
    CHECK(r[10].institutions.at(0).strains.empty());      // 30 members
}

TEST_CASE("CSV quotes fields and joins strains with their severities", "[classify]") {
    CaseResult c;
    c.case_id = "x,y";
    InstitutionResult r;
    r.institution = "alpha";
    r.strains = {{"conflict_load", 0.5, "a", "r1", "strain"}, {"decision_paralysis", 0.4, "b", "r2", "strain"}};
    c.institutions.push_back(r);
    std::string csv = render_report({c}, ReportFormat::Csv, false, ReportLabels{});
    CHECK(csv.find("\"x,y\",alpha,") != std::string::npos);
    CHECK(csv.find("conflict_load:0.50;decision_paralysis:0.40") != std::string::npos);
}

TEST_CASE("expand_case_paths walks directories in sorted order and rejects missing paths", "[classify]") {
    Fixture fx;
    fx.write("b.yaml", "facts: {}\n");
    fx.write("a.yml", "facts: {}\n");
    fx.write("notes.txt", "x");
    std::string err;
    auto paths = expand_case_paths({fx.dir.string()}, err);
    REQUIRE(err.empty());
    REQUIRE(paths.size() == 2);
    CHECK(fs::path(paths[0]).filename() == "a.yml");
    CHECK(fs::path(paths[1]).filename() == "b.yaml");
    auto none = expand_case_paths({(fx.dir / "missing").string()}, err);
    CHECK(none.empty());
    CHECK(err.find("missing") != std::string::npos);
}

TEST_CASE("atomic writes replace the file whole", "[classify]") {
    Fixture fx;
    std::string path = (fx.dir / "out.json").string();
    std::string err;
    REQUIRE(write_file_atomically(path, "first\n", err));
    REQUIRE(write_file_atomically(path, "second\n", err));
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text == "second\n");
    CHECK_FALSE(write_file_atomically((fx.dir / "no" / "such" / "dir.json").string(), "x", err));
    CHECK_FALSE(err.empty());
    for (auto& e : fs::directory_iterator(fx.dir)) CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
}

// The engine defers the propagation of join-only facts inside a firing, except while a trace listener is set
// (docs/engine.md, "Deferred propagation within a firing"). The shipped knowledge — conclusions with truth maintenance,
// evidence and score facts, `not`, aggregates — must classify every shipped case (and the constructed test cases)
// exactly the same either way: the same report with reasons, the same number of firings.
TEST_CASE("the shipped knowledge classifies every case the same with deferred and immediate propagation",
          "[classify]") {
    testing::ShippedKnowledge shipped;
    const Program* program = &*shipped.program;
    const ClassifyOptions& options = shipped.options;
    const std::vector<std::string>& paths = shipped.paths;

    struct Silent : TraceListener {} silent;   // any listener turns the deferral off
    Engine deferred(*program), immediate(*program);
    immediate.set_trace(&silent);
    for (const auto& path : paths) {
        INFO(path);
        CaseResult a = classify_case(deferred, path, options);
        CaseResult b = classify_case(immediate, path, options);
        REQUIRE_FALSE(a.error);
        CHECK(a.firings == b.firings);
        ReportLabels labels = report_labels(*program);
        CHECK(render_report({a}, ReportFormat::Json, true, labels) == render_report({b}, ReportFormat::Json, true, labels));
    }
}
