// classify --sensitivity: perturbed evidence weights, shares of runs keeping each label, determinism, computed
// weights left alone, bad cases reported once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

#include <unistd.h>

#include "check/check.hpp"
#include "classify/classify.hpp"
#include "classify/sensitivity.hpp"

using namespace covenant;
namespace fs = std::filesystem;

namespace {

// One threshold (community at 0.5) and three ways to reach it:
//   far:  a constant weight of 0.8, far above it (perturbed within 20% it stays in [0.64, 0.96]);
//   edge: a constant weight of exactly 0.5, right at it (a run keeps `community` when its factor is >= 1), and the
//         strain `conflict_load` needs a score above 0.5, so the baseline does not find it but about half the runs do;
//   comp: a computed weight (?w, read from the fact) of exactly 0.5: were it perturbed, it would flip like `edge`.
const char* kRules = R"(
template institution { id: symbol, far: bool = false, edge: bool = false, w: float = 0.0 }
template architecture { institution: symbol, type: one of (community | balance_of_power | hybrid | undetermined),
                        subtype: one of (security_community | alliance | none) = none }
template strain { institution: symbol, kind: one of (conflict_load | decision_paralysis), severity: float, reason: string }
report subject institution
report conclusion architecture(type, subtype)
report finding strain(kind, severity, reason)

norm far_above "far above the threshold" {
  when institution(id: ?i, far: true)
  then evidence community(?i) 0.8 "far above"
}
norm at_the_edge "right at the threshold" {
  when institution(id: ?i, edge: true)
  then evidence community(?i) 0.5 "at the edge"
}
norm computed "a computed weight" {
  when institution(id: ?i, w: ?w > 0.0)
  then evidence community(?i) ?w "computed"
}
rule classify_community {
  when institution(id: ?i)
       ?c = score(community(?i))
       test ?c >= 0.5
  then conclude architecture(institution: ?i, type: community, subtype: security_community)
}
rule above_the_edge {
  when institution(id: ?i)
       ?c = score(community(?i))
       test ?c > 0.5
  then conclude strain(institution: ?i, kind: conflict_load, severity: 0.3, reason: "score above 0.5")
}
rule always "a strain that does not depend on any weight" {
  when institution(id: ?i, far: true)
  then conclude strain(institution: ?i, kind: decision_paralysis, severity: 0.5, reason: "always")
}
)";

struct Fixture {
    fs::path dir;
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;

    Fixture() {
        dir = fs::temp_directory_path() / fs::path("covenant-sensitivity-" + std::to_string(::getpid()) + "-" +
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
    std::string one(const std::string& name, const std::string& fact) {
        return write(name, "case: " + name + "\nas_of: 2020\nfacts:\n  institution:\n    - " + fact + "\n");
    }
};

const InstitutionSensitivity& only(const SensitivityReport& r, std::size_t c) {
    REQUIRE(c < r.cases.size());
    REQUIRE_FALSE(r.cases[c].failed());
    REQUIRE(r.cases[c].institutions.size() == 1);
    return r.cases[c].institutions[0];
}

const StrainShare* strain(const InstitutionSensitivity& s, const std::string& kind) {
    for (const auto& x : s.strains)
        if (x.kind == kind) return &x;
    return nullptr;
}

// The weights of the evidence actions, in rule and action order (computed ones as NaN).
std::vector<double> weights(const Program& p) {
    std::vector<double> out;
    for (const auto& r : p.rules)
        for (const auto& a : r.actions)
            if (a.kind == ActionKind::Evidence)
                out.push_back(a.weight.kind == ExprKind::Const ? a.weight.value.as_double() : std::nan(""));
    return out;
}

}  // namespace

TEST_CASE("a label far from any threshold is kept in every run", "[classify][sensitivity]") {
    Fixture fx;
    std::string far = fx.one("far", "{id: far, far: true}");
    SensitivityReport r = sensitivity_analysis(*fx.program, {far}, {}, 50, kDefaultSensitivityBand, 1, 1);
    CHECK(r.runs == 50);
    CHECK(r.weights.constant == 2);
    CHECK(r.weights.computed == 1);
    const auto& s = only(r, 0);
    CHECK(s.type == "community");
    CHECK(s.subtype == "security_community");
    CHECK(s.type_kept == 50);
    CHECK(s.type_share == 1.0);
    CHECK(s.subtype_kept == 50);
    CHECK_FALSE(s.type_fragile);
    REQUIRE(s.types.size() == 1);
    CHECK(s.types[0].first == "community");
    // Both strains are in the baseline and every run (conflict_load: 0.8 * [0.8, 1.2] > 0.5 always).
    REQUIRE(s.strains.size() == 2);
    CHECK(s.strains[0].kind == "decision_paralysis");  // the baseline's order: most severe first
    CHECK(s.strains[1].kind == "conflict_load");
    for (const auto& x : s.strains) {
        CHECK(x.in_baseline);
        CHECK(x.runs_found == 50);
        CHECK_FALSE(x.fragile);
    }
    CHECK_FALSE(s.fragile());

    std::string table = render_sensitivity(r, ReportFormat::Table);
    CHECK(table.find("decision_paralysis 100%, conflict_load 100%") != std::string::npos);
    CHECK(table.find("50 runs, band 0.2, seed 1") != std::string::npos);
}

TEST_CASE("a case right at a threshold keeps its label in some runs only", "[classify][sensitivity]") {
    Fixture fx;
    std::string edge = fx.one("edge", "{id: edge, edge: true}");
    SensitivityReport r = sensitivity_analysis(*fx.program, {edge}, {}, 60, kDefaultSensitivityBand, 1, 1);
    const auto& s = only(r, 0);
    REQUIRE(s.type == "community");  // the baseline: 0.5 >= 0.5
    CHECK(s.type_kept > 0);
    CHECK(s.type_kept < 60);
    CHECK(s.type_share > 0.0);
    CHECK(s.type_share < 1.0);
    CHECK(s.type_fragile);
    CHECK(s.fragile());
    // The runs that lose `community` conclude nothing: undetermined.
    REQUIRE(s.types.size() == 2);
    std::size_t total = 0;
    for (const auto& [type, n] : s.types) {
        CHECK((type == "community" || type == "undetermined"));
        total += n;
    }
    CHECK(total == 60);
    // The strain the baseline does not find appears in the runs above the edge, with its share.
    const StrainShare* c = strain(s, "conflict_load");
    REQUIRE(c != nullptr);
    CHECK_FALSE(c->in_baseline);
    CHECK(c->runs_found > 0);
    CHECK(c->runs_found < 60);
    CHECK(c->share == Approx(static_cast<double>(c->runs_found) / 60));
    CHECK(c->fragile);
    // A run above the edge keeps the type and finds the strain; one below does neither (a factor of exactly 1 has
    // probability zero): the two counts add up to the runs.
    CHECK(s.type_kept == c->runs_found);

    std::string table = render_sensitivity(r, ReportFormat::Table);
    CHECK(table.find("+conflict_load") != std::string::npos);
    CHECK(table.find("type, +conflict_load") != std::string::npos);  // the fragile column
    std::string json = render_sensitivity(r, ReportFormat::Json);
    CHECK(json.find(R"("baseline":false)") != std::string::npos);
    CHECK(json.find(R"("fragile":true)") != std::string::npos);
    CHECK(json.find(R"("runs":60,"band":0.2,"seed":1)") != std::string::npos);
}

TEST_CASE("the fragility threshold is 90% of the runs, counted exactly", "[classify][sensitivity]") {
    Fixture fx;
    std::string edge = fx.one("edge", "{id: edge, edge: true}");
    // A narrow band changes nothing about the edge: still about half the runs.
    SensitivityReport r = sensitivity_analysis(*fx.program, {edge}, {}, 40, 0.01, 3, 1);
    const auto& s = only(r, 0);
    CHECK(s.type_fragile == (s.type_kept * 10 < 40 * 9));
}

TEST_CASE("the same seed gives the same report; another seed other draws", "[classify][sensitivity]") {
    Fixture fx;
    std::string edge = fx.one("edge", "{id: edge, edge: true}");
    std::string far = fx.one("far", "{id: far, far: true}");
    auto run = [&](std::uint64_t seed, unsigned jobs) {
        return sensitivity_analysis(*fx.program, {edge, far}, {}, 40, kDefaultSensitivityBand, seed, jobs);
    };
    for (ReportFormat f : {ReportFormat::Table, ReportFormat::Json, ReportFormat::Csv, ReportFormat::Markdown}) {
        CHECK(render_sensitivity(run(7, 1), f) == render_sensitivity(run(7, 1), f));
        CHECK(render_sensitivity(run(7, 1), f) == render_sensitivity(run(7, 2), f));  // --jobs changes nothing
    }
    // Other seeds draw other weights, and the edge case's share moves with them.
    CHECK(weights(perturbed_program(*fx.program, 0.2, 7, 0)) != weights(perturbed_program(*fx.program, 0.2, 8, 0)));
    CHECK(weights(perturbed_program(*fx.program, 0.2, 7, 0)) != weights(perturbed_program(*fx.program, 0.2, 7, 1)));
    std::vector<std::size_t> kept;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) kept.push_back(only(run(seed, 1), 0).type_kept);
    CHECK(std::adjacent_find(kept.begin(), kept.end(), std::not_equal_to<>()) != kept.end());
    // Run r's draws depend on (seed, r) only: the first runs of a longer analysis are those of a shorter one.
    CHECK(only(sensitivity_analysis(*fx.program, {edge}, {}, 1, 0.2, 7, 1), 0).type_kept ==
          (weights(perturbed_program(*fx.program, 0.2, 7, 0))[1] >= 0.5 ? 1u : 0u));
}

TEST_CASE("computed weights are not perturbed", "[classify][sensitivity]") {
    Fixture fx;
    std::string comp = fx.one("comp", "{id: comp, w: 0.5}");
    SensitivityReport r = sensitivity_analysis(*fx.program, {comp}, {}, 60, 0.5, 1, 1);
    const auto& s = only(r, 0);
    CHECK(s.type == "community");
    CHECK(s.type_kept == 60);  // a perturbed 0.5 would fall below the threshold in about half the runs
    CHECK(s.strains.empty());  // and rise above 0.5 (conflict_load) in the others

    for (unsigned run = 0; run < 5; ++run) {
        Program p = perturbed_program(*fx.program, 0.5, 1, run);
        const Action* computed = nullptr;
        for (const auto& rule : p.rules)
            if (rule.name == "computed") computed = &rule.actions.at(0);
        REQUIRE(computed != nullptr);
        CHECK(computed->weight.kind == ExprKind::Var);
        std::vector<double> w = weights(p);
        REQUIRE(w.size() == 3);
        CHECK(w[0] != 0.8);  // the constant ones move ...
        CHECK(w[1] != 0.5);
        CHECK(w[0] >= 0.8 * 0.5);
        CHECK(w[0] <= 1.0);  // ... within the band, clamped to [-1, 1]
        CHECK(w[1] >= 0.25);
        CHECK(w[1] <= 0.75);
    }
    // The base program is untouched.
    std::vector<double> base = weights(*fx.program);
    CHECK(base[0] == 0.8);
    CHECK(base[1] == 0.5);
}

TEST_CASE("weights are clamped to [-1, 1]", "[classify][sensitivity]") {
    Fixture fx;
    bool reached_one = false;
    for (unsigned run = 0; run < 40; ++run) {
        double w = weights(perturbed_program(*fx.program, 1.0, 1, run))[0];  // 0.8 * [0, 2]
        CHECK(w >= 0.0);
        CHECK(w <= 1.0);
        if (w == 1.0) reached_one = true;
    }
    CHECK(reached_one);  // a factor above 1.25 (probability 3/8 per run) is clamped
}

TEST_CASE("a bad case is reported once and the others still run", "[classify][sensitivity]") {
    Fixture fx;
    std::string good = fx.one("1-good", "{id: far, far: true}");
    std::string bad = fx.write("2-bad.yaml", "facts:\n  institution:\n    - {id: alpha, far: maybe}\n");
    std::string missing = (fx.dir / "3-missing.yaml").string();
    std::string also_good = fx.one("4-good", "{id: edge, edge: true}");
    SensitivityReport r = sensitivity_analysis(*fx.program, {good, bad, missing, also_good}, {}, 20, 0.2, 1, 2);
    REQUIRE(r.cases.size() == 4);
    CHECK(only(r, 0).type_kept == 20);
    REQUIRE(r.cases[1].failed());
    REQUIRE(r.cases[1].baseline.error);
    CHECK(r.cases[1].baseline.error->line == 3);
    CHECK(r.cases[1].institutions.empty());
    REQUIRE(r.cases[2].failed());
    CHECK(r.cases[2].institutions.empty());
    CHECK(only(r, 3).type == "community");
    CHECK(only(r, 3).type_kept < 20);
    for (const auto& c : r.cases) CHECK(c.unfinished_runs == 0);

    auto count = [](const std::string& text, const std::string& what) {
        std::size_t n = 0;
        for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
        return n;
    };
    std::string json = render_sensitivity(r, ReportFormat::Json);
    CHECK(count(json, "\n") == 4);  // one record per case: two institutions, two errors
    CHECK(count(json, R"("error":{"file":)") == 2);
    CHECK(count(json, "2-bad.yaml") == 2);  // once in `error`, once in `errors`: one record
    std::string table = render_sensitivity(r, ReportFormat::Table);
    CHECK(count(table, "ERROR") == 2);
    std::string csv = render_sensitivity(r, ReportFormat::Csv);
    CHECK(count(csv, "\n") == 5);
    std::string md = render_sensitivity(r, ReportFormat::Markdown);
    CHECK(count(md, "**error**") == 2);
}

TEST_CASE("a run that does not finish is counted and reported", "[classify][sensitivity]") {
    Fixture fx;
    std::string far = fx.one("far", "{id: far, far: true}");
    ClassifyOptions tight;
    tight.max_firings = 1;  // the baseline stops too: the case is reported, not run again
    SensitivityReport r = sensitivity_analysis(*fx.program, {far}, tight, 5, 0.2, 1, 1);
    REQUIRE(r.cases.size() == 1);
    CHECK(r.cases[0].failed());
    CHECK_FALSE(r.cases[0].baseline.run_problem.empty());
    CHECK(render_sensitivity(r, ReportFormat::Table).find("the run did not finish") != std::string::npos);
}

TEST_CASE("bad numbers of runs and bands are refused", "[classify][sensitivity]") {
    Fixture fx;
    std::string far = fx.one("far", "{id: far, far: true}");
    CHECK_THROWS_AS(sensitivity_analysis(*fx.program, {far}, {}, 0, 0.2, 1, 1), std::invalid_argument);
    CHECK_THROWS_AS(sensitivity_analysis(*fx.program, {far}, {}, 5, 0.0, 1, 1), std::invalid_argument);
    CHECK_THROWS_AS(sensitivity_analysis(*fx.program, {far}, {}, 5, -0.1, 1, 1), std::invalid_argument);
    CHECK_THROWS_AS(sensitivity_analysis(*fx.program, {far}, {}, 5, 1.01, 1, 1), std::invalid_argument);
    CHECK_THROWS_AS(sensitivity_analysis(*fx.program, {far}, {}, 5, std::nan(""), 1, 1), std::invalid_argument);
    CHECK_NOTHROW(sensitivity_analysis(*fx.program, {far}, {}, 1, 1.0, 1, 1));
}
