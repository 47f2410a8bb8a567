// The HTML report (engine/classify/html_report.hpp) on hand-made results and a small pack: the thresholds and margins
// found in the rules' tests, every part of the page present once per case / institution, text escaped (also out of
// the embedded JSON's script element), nothing loaded from elsewhere, the same bytes every time.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "check/check.hpp"
#include "classify/html_report.hpp"
#include "syntax/parse.hpp"

using namespace covenant;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

ReportLabels labels() {
    ReportLabels l;
    l.subject = "institution";
    l.conclusion = "architecture";
    l.detail = "subtype";
    l.findings = "strains";
    l.scores = {{"community", "comm"}, {"balance_of_power", "bop"}};
    l.types = {"community", "balance_of_power", "hybrid", "undetermined"};
    return l;
}

InstitutionResult institution(std::string id, std::string type, double c, double b) {
    InstitutionResult r;
    r.institution = std::move(id);
    r.architecture = std::move(type);
    r.scores = {{"community", c}, {"balance_of_power", b}};
    return r;
}

std::vector<CaseResult> cases() {
    CaseResult a;
    a.case_id = "a-1990";
    a.file = "a.yaml";
    a.as_of = 1990;
    a.title = "Pact <b>&</b> \"club\" </script><script>alert(1)</script>";
    a.sources = {"Treaty (1990), Art. 5"};
    a.left_out = {"budget: no figures"};
    a.institutions.push_back(institution("pact", "community", 0.6, 0.1));
    a.institutions.back().derivation =
        "digraph why {\n  rankdir=BT;\n  f1 [label=\"architecture(institution: pact)\"];\n  r1 [shape=box, "
        "label=\"classify_community\"];\n  r1 -> f1;\n}\n";
    a.institutions.push_back(institution("club", "hybrid", 0.4, 0.35));
    a.institutions.back().strains = {{"decision_paralysis", 0.65, "vetoes: 3", "r1", "strain"}};
    CaseResult b;
    b.case_id = "b 2000/x";
    b.file = "b.yaml";
    b.institutions.push_back(institution("bloc", "balance_of_power", -0.2, 0.7));
    b.institutions.back().strains = {{"conflict_load", 0.3, "wars", "r2", "strain", "not DOT {"},
                                     {"decision_paralysis", 0.2, "", "r1", "strain"}};
    CaseResult bad;
    bad.case_id = "bad";
    bad.file = "bad.yaml";
    CaseError e;
    e.file = "bad.yaml";
    e.line = 4;
    e.col = 7;
    e.message = "expected an integer";
    e.errors.push_back({"E0206", "bad.yaml", 4, 7, "expected an integer"});
    bad.error = e;
    return {a, b, bad};
}

}  // namespace

TEST_CASE("html report: thresholds and margins are read from the rules' tests", "[classify][report]") {
    SourceManager sm;
    DiagnosticSink sink;
    FileId id = sm.add("pack.rules", R"(
template institution { id: symbol }
template architecture { institution: symbol, type: symbol }
const PRESENT = 0.2
const MARGIN = 0.1
rule r {
  when institution(id: ?i)
       ?c = score(community(?i))
       ?b = score(balance_of_power(?i))
       test ?c >= PRESENT and (?b < PRESENT or ?c - ?b >= MARGIN)
       test 0.5 > ?b
  then conclude architecture(institution: ?i, type: x)
}
rule give { when institution(id: ?i) then evidence community(?i) 0.3 evidence balance_of_power(?i) 0.1 }
)");
    auto unit = parse_unit(sm.file(id), sink);
    auto program = check_units({unit}, sm, sink);
    INFO(render_all(sink, sm));
    REQUIRE(program);
    ScoreThresholds th = score_thresholds(*program);
    REQUIRE(th.thresholds.size() == 3);
    CHECK(th.thresholds[0].predicate == "community");
    CHECK(th.thresholds[0].value == Approx(0.2));
    CHECK(th.thresholds[1].predicate == "balance_of_power");
    CHECK(th.thresholds[1].value == Approx(0.2));
    CHECK(th.thresholds[2].predicate == "balance_of_power");  // written the other way round: 0.5 > ?b
    CHECK(th.thresholds[2].value == Approx(0.5));
    REQUIRE(th.margins.size() == 1);
    CHECK(th.margins[0].first == "community");
    CHECK(th.margins[0].second == "balance_of_power");
    CHECK(th.margins[0].value == Approx(0.1));
}

TEST_CASE("html report: every part is on the page, escaped, self-contained and deterministic", "[classify][report]") {
    ScoreThresholds th;
    th.thresholds = {{"community", 0.15}, {"balance_of_power", 0.15}};
    th.margins = {{"community", "balance_of_power", 0.25}, {"balance_of_power", "community", 0.25}};
    HtmlReportOptions options;
    options.packs = {"core.architecture"};
    options.trajectories.push_back({"pact", "The pact through time", "pact.yaml",
                                    "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"trend-chart\"></svg>",
                                    {"Expectation failed in 1995: pact architecture is community"}});
    std::string page = render_html_report(cases(), labels(), th, options);
    INFO(page);
    CHECK(page == render_html_report(cases(), labels(), th, options));

    // The table: one row per institution, one error row; each links to its case.
    CHECK(count(page, "<table id=\"results\">") == 1);
    CHECK(count(page, "<tr><td><a href=\"#case-a-1990\">") == 2);
    CHECK(count(page, "<tr><td><a href=\"#case-b_2000_x\">") == 1);
    CHECK(page.find("bad.yaml:4:7: expected an integer") != std::string::npos);
    // Per case: an article each, score bars per institution with a threshold tick per score, strains, sources and
    // left_out.
    CHECK(count(page, "<article class=\"case\"") == 3);
    CHECK(count(page, "<svg class=\"bars\"") == 3);
    CHECK(count(page, "class=\"threshold\"><title>threshold 0.15</title>") == 6);
    CHECK(count(page, "<table class=\"strains\">") == 2);
    CHECK(page.find("<li>Treaty (1990), Art. 5</li>") != std::string::npos);
    CHECK(page.find("<li>budget: no figures</li>") != std::string::npos);
    // Across cases: a heat map with a cell per strain found and an empty one per (row, kind) without; a scatter
    // with a point per institution, two threshold lines and two margin lines, a negative score widening the axis.
    CHECK(count(page, "<svg id=\"heatmap\"") == 1);
    CHECK(count(page, "class=\"cell\">") == 3);
    CHECK(count(page, "class=\"none\"/>") == 3);
    CHECK(count(page, "<svg id=\"scatter\"") == 1);
    CHECK(count(page, "class=\"point\">") == 3);
    CHECK(count(page, "class=\"margin\">") == 2);
    CHECK(page.find(">-1.00</text>") != std::string::npos);
    // Escaped in the markup and in the JSON, which cannot close its script element.
    CHECK(page.find("Pact &lt;b&gt;&amp;&lt;/b&gt; &quot;club&quot;") != std::string::npos);
    // (In the JSON an opening tag is only text: only "</" could end the element, and that is written "<\/".)
    CHECK(page.find("<script>alert(1)") > page.find("id=\"covenant-data\""));
    CHECK(count(page, "</script>") == 2);  // the data's and the table script's own
    // Derivations drawn by Graphviz in-process, inlined without the XML prolog; one that Graphviz cannot read is
    // shown as text with the reason.
    CHECK(count(page, "<details class=\"why\" open><summary>Why pact is community</summary>") == 1);
    CHECK(count(page, "<div class=\"graph\"><svg") == 1);
    CHECK(page.find("classify_community") != std::string::npos);
    CHECK(page.find("<?xml") == std::string::npos);
    CHECK(page.find("<!DOCTYPE svg") == std::string::npos);
    CHECK(count(page, "<details class=\"why\"><summary>Why bloc has conflict load (0.30)</summary>") == 1);
    // (Graphviz's own words, which it would otherwise have written to stderr, are part of the reason.)
    CHECK(page.find("<p class=\"error\">Graphviz could not read the DOT text: ") != std::string::npos);
    CHECK(page.find("syntax error") != std::string::npos);
    CHECK(page.find("</p><pre>not DOT {</pre>") != std::string::npos);
    // Nothing is fetched when the page is viewed: no src attribute, no stylesheet link, no remote URL but the SVG
    // and XLink namespaces.
    CHECK(page.find(" src=") == std::string::npos);
    CHECK(page.find("<link") == std::string::npos);
    CHECK(count(page, "http") ==
          count(page, "\"http://www.w3.org/2000/svg\"") + count(page, "\"http://www.w3.org/1999/xlink\""));
    // A series: its own section with its chart and its problems.
    CHECK(count(page, "<article class=\"trajectory\" id=\"series-pact\">") == 1);
    CHECK(page.find("<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" id=\"trend-chart\">") !=
          std::string::npos);
    CHECK(page.find("<p class=\"error\">Expectation failed in 1995") != std::string::npos);
    CHECK(page.find("<a href=\"#trajectories\">Through time</a>") != std::string::npos);
    // Printing: one case per page.
    CHECK(page.find("article.case, article.trajectory { break-before: page;") != std::string::npos);
}

TEST_CASE("html report: the data section carries labels, thresholds and every result", "[classify][report]") {
    ScoreThresholds th;
    th.thresholds = {{"community", 0.15}};
    std::string data = report_data(cases(), labels(), th);
    CHECK(data.find("\"subject\": \"institution\"") != std::string::npos);
    CHECK(data.find("\"score\": \"community\"") != std::string::npos);
    CHECK(count(data, "\"case\": ") == 3);
    CHECK(data.find("\"institution\": \"club\"") != std::string::npos);
    CHECK(data.find("\"kind\": \"decision_paralysis\"") != std::string::npos);
    CHECK(data.find("\"error\": \"bad.yaml:4:7: expected an integer\"") != std::string::npos);
}
