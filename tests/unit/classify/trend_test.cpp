// Series files and `covenant trend` (issue 11, item 7): each year's facts are the base with the changes up to it,
// each year is classified in its own world exactly as a case file with those facts is, and mistakes in the changes
// are located errors.
#include <catch2/catch.hpp>

#include <string>

#include "check/check.hpp"
#include "classify/classify.hpp"
#include "classify/trend.hpp"
#include "runtime/engine.hpp"
#include "syntax/parse.hpp"

using namespace covenant;

namespace {

// A small pack: community evidence from a values clause, balance-of-power evidence from an adversary, a strain from
// recent withdrawals, and a snapshot made from as_of (recent = the five years up to it).
const char* kRules = R"rules(
template institution { id: symbol, founded: int <= as_of, values_clause: bool = false, adversary: symbol = none,
                       members: int >= 1 }
template event { institution: ref institution, kind: one of (withdrawal | enlargement),
                 year: int >= institution.founded <= as_of, actor: symbol = none }
template snapshot { year: int from as_of }
template window { from: int }
template architecture { institution: symbol, type: one of (community | balance_of_power | hybrid | undetermined),
                        subtype: one of (security_community | alliance | none) = none }
template strain { institution: symbol, kind: one of (membership_contestation | decision_paralysis), severity: float,
                  reason: string }
report subject institution
report conclusion architecture(type, subtype)
report finding strain(kind, severity, reason)
norm values { when institution(id: ?i, values_clause: true) then evidence community(?i) 0.6 "values" }
interest against { when institution(id: ?i, adversary: ?a != none) then evidence balance_of_power(?i) 0.7 "vs {?a}" }
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
rule recent_window { when snapshot(year: ?y) then conclude window(from: ?y - 4) }
rule recent_withdrawals {
  when window(from: ?f)
       institution(id: ?i)
       ?n = count(event(institution: ?i, kind: withdrawal, year: >= ?f))
       test ?n >= 1
       ?who = collect(?a, event(institution: ?i, kind: withdrawal, year: >= ?f, actor: ?a))
  then conclude strain(institution: ?i, kind: membership_contestation, severity: ?n / (?n + 2), reason: "{?n} ({?who})")
}
)rules";

const char* kSeries = R"(series: pact
title: A made-up pact
as_of: 1990
until: 2010
facts:
  institution:
    - {id: pact, founded: 1990, adversary: rivalia, members: 5}
changes:
  - year: 1995
    note: "values clause adopted, adversary dropped"
    modify:
      institution:
        - {id: pact, values_clause: true, adversary: none}
  - year: 2000
    note: "beta withdraws"
    assert:
      event:
        - {institution: pact, kind: withdrawal, year: 2000, actor: beta}
    modify:
      institution:
        - {id: pact, members: 4}
expect:
  1990:
    pact: {architecture: [balance_of_power]}
  2010:
    pact: {architecture: [community], not_strains: [membership_contestation]}
)";

struct Loaded {
    SourceManager sm;
    DiagnosticSink sink;
    std::optional<Program> program;
    Loaded() {
        FileId id = sm.add("pack.rules", kRules);
        auto unit = parse_unit(sm.file(id), sink);
        program = check_units({unit}, sm, sink);
        if (!program) FAIL(render_all(sink, sm));
    }
    // Reads `text` as a series and classifies it; the diagnostics are in `sink`.
    std::vector<TrendPoint> trend(const std::string& text, std::optional<Series>& series,
                                  std::vector<std::int64_t> years = {}) {
        FileId id = sm.add("series.yaml", text);
        series = read_series(sm.file(id), *program, sink);
        if (!series) return {};
        return classify_trend(*program, *series, sm.file(id), {}, years, 100000, sink);
    }
};

const InstitutionResult& only(const TrendPoint& p) {
    REQUIRE(p.result.institutions.size() == 1);
    return p.result.institutions.front();
}

}  // namespace

TEST_CASE("a series is classified year by year, each year as the case file with its facts", "[classify][trend]") {
    Loaded l;
    std::optional<Series> series;
    auto points = l.trend(kSeries, series);
    INFO(render_all(l.sink, l.sm));
    REQUIRE(points.size() == 4);  // as_of, the two changes' years, until
    CHECK(points[0].year == 1990);
    CHECK(points[3].year == 2010);
    CHECK(only(points[0]).architecture == "balance_of_power");
    CHECK(only(points[1]).architecture == "community");
    // 2000: the withdrawal is recent and named; 2010: it is history.
    REQUIRE(only(points[2]).strains.size() == 1);
    CHECK(only(points[2]).strains[0].reason == "1 (beta)");
    CHECK(only(points[3]).strains.empty());
    CHECK(points[2].changes == std::vector<std::string>{"2000: beta withdraws"});
    for (const auto& p : points)
        for (const auto& e : p.expectations) CHECK(e.passed);

    // The same facts written as a case file of 2000 classify the same.
    std::string as_case = R"(case: pact-2000
as_of: 2000
facts:
  institution:
    - {id: pact, founded: 1990, values_clause: true, members: 4}
  event:
    - {institution: pact, kind: withdrawal, year: 2000, actor: beta}
)";
    FileId id = l.sm.add("pact-2000.yaml", as_case);
    FactFileOptions options;
    options.as_case = true;
    auto file = read_fact_file(l.sm.file(id), *l.program, l.sink, options);
    REQUIRE(file);
    Engine engine(*l.program);
    engine.reset();
    for (const auto& f : file->facts) engine.assert_fact(f.tmpl, f.values, f.span);
    engine.run();
    auto alone = collect_results(engine);
    REQUIRE(alone.size() == 1);
    CHECK(alone[0].architecture == only(points[2]).architecture);
    CHECK(alone[0].scores.size() == only(points[2]).scores.size());
    for (std::size_t k = 0; k < alone[0].scores.size(); ++k)
        CHECK(alone[0].scores[k].value == only(points[2]).scores[k].value);
    CHECK(alone[0].strains.size() == only(points[2]).strains.size());

    // The outputs: a type change explained by the change's note and the reasons that came and went.
    std::string table = render_trend(*series, points, TrendFormat::Table, report_labels(*l.program));
    CHECK(table.find("1990 -> 1995  pact: balance_of_power (alliance) -> community (security_community)") !=
          std::string::npos);
    CHECK(table.find("change 1995: values clause adopted, adversary dropped") != std::string::npos);
    CHECK(table.find("- balance_of_power +0.70  vs rivalia") != std::string::npos);
    CHECK(render_trend(*series, points, TrendFormat::Csv, report_labels(*l.program)).find("pact,2000,pact,community,security_community") !=
          std::string::npos);
    std::string svg = render_trend(*series, points, TrendFormat::Svg, report_labels(*l.program));
    CHECK(svg.rfind("<svg", 0) == 0);
    CHECK(svg.find("</svg>") != std::string::npos);
    // Bands coloured by the declared types (community first), a legend of them, and the findings' label.
    CHECK(svg.find("fill=\"#cfe8f3\"><title>2000: community") != std::string::npos);
    CHECK(svg.find(">balance_of_power</text>") != std::string::npos);
    CHECK(svg.find(">strains</text>") != std::string::npos);
    CHECK(render_trend(*series, points, TrendFormat::JsonLines, report_labels(*l.program)).find("\"year\":2000") != std::string::npos);
}

TEST_CASE("the years to classify can be chosen; a year before the base is an error", "[classify][trend]") {
    Loaded l;
    std::optional<Series> series;
    auto points = l.trend(kSeries, series, {1999, 1991, 1999});
    REQUIRE(points.size() == 2);
    CHECK(points[0].year == 1991);
    CHECK(points[1].year == 1999);
    std::optional<Series> again;
    CHECK(l.trend(kSeries, again, {1980}).empty());
    CHECK(l.sink.has_errors());
}

TEST_CASE("mistakes in a series' changes are located errors, not silent no-ops", "[classify][trend]") {
    struct Case {
        const char* from;
        const char* to;
        Code code;
    };
    for (const Case& c : {Case{"- {id: pact, members: 4}", "- {id: pactt, members: 4}", Code::YamlShape},
                          Case{"    note: \"beta withdraws\"", "    nte: \"beta withdraws\"", Code::YamlShape},
                          Case{"year: 2000, actor: beta", "year: 2003, actor: beta", Code::FactOutOfRange},
                          Case{"      event:", "      evnt:", Code::FactUnknownTemplate},
                          Case{"kind: withdrawal, year", "knd: withdrawal, year", Code::FactUnknownSlot},
                          Case{"{institution: pact, kind", "{institution: pacto, kind", Code::UnknownRef},
                          Case{"  - year: 2000", "  - year: 1993", Code::YamlShape}}) {
        std::string text = kSeries;
        auto at = text.find(c.from);
        REQUIRE(at != std::string::npos);
        text.replace(at, std::string(c.from).size(), c.to);
        Loaded l;
        std::optional<Series> series;
        auto points = l.trend(text, series);
        INFO(c.to << "\n" << render_all(l.sink, l.sm));
        CHECK(points.empty());
        bool found = false;
        for (const auto& d : l.sink.diagnostics()) found = found || (d.code == c.code && d.span.line > 0);
        CHECK(found);
    }
}
