// What the report formats of classify carry (render_report on hand-made results): every strain with its severity in
// CSV, every error of a bad case in each format, the case file's sources and left_out in Markdown.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "classify/classify.hpp"

using namespace covenant;

namespace {

ReportLabels labels() {
    ReportLabels l;
    l.subject = "institution";
    l.conclusion = "architecture";
    l.detail = "subtype";
    l.findings = "strains";
    l.scores = {{"community", "comm"}};
    return l;
}

CaseResult good_case() {
    CaseResult c;
    c.case_id = "good";
    c.file = "good.yaml";
    c.as_of = 2025;
    c.title = "A good case";
    c.sources = {"Treaty (1990): Art. 5", "a second source"};
    c.left_out = {"membership: no figures"};
    InstitutionResult r;
    r.institution = "club";
    r.architecture = "hybrid";
    r.scores = {{"community", 0.5}};
    // Sorted as collect_results sorts them: by severity, highest first. The same kind twice, for two reasons.
    r.strains = {{"decision_paralysis", 0.65, "vetoes", "r1", "strain"},
                 {"decision_paralysis", 0.53, "more vetoes", "r2", "strain"},
                 {"conflict_load", 0.5, "wars", "r3", "strain"}};
    c.institutions.push_back(r);
    return c;
}

CaseResult bad_case() {
    CaseResult c;
    c.case_id = "bad";
    c.file = "bad.yaml";
    CaseError e;
    e.file = "bad.yaml";
    e.line = 5;
    e.col = 27;
    e.message = "first | problem";
    e.errors = {{"E0206", "bad.yaml", 5, 27, "first | problem"}, {"E0206", "bad.yaml", 6, 61, "second problem"}};
    c.error = e;
    return c;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("CSV gives every strain with its severity, a kind found twice twice", "[classify][report]") {
    std::string csv = render_report({good_case()}, ReportFormat::Csv, false, labels());
    CHECK(csv == "case,institution,as_of,architecture,subtype,community,strains,error\n"
                 "good,club,2025,hybrid,none,0.50,decision_paralysis:0.65;decision_paralysis:0.53;conflict_load:0.50,\n");
}

TEST_CASE("a bad case's record keeps every error in every format", "[classify][report]") {
    std::vector<CaseResult> results = {bad_case()};
    std::string json = render_report(results, ReportFormat::Json, false, labels());
    CHECK(json.find(R"("error":{"file":"bad.yaml","line":5,"col":27,"message":"first | problem"})") !=
          std::string::npos);
    CHECK(json.find(R"("errors":[{"code":"E0206","file":"bad.yaml","line":5,"column":27,"message":"first | problem"},)"
                    R"({"code":"E0206","file":"bad.yaml","line":6,"column":61,"message":"second problem"}])") !=
          std::string::npos);

    std::string csv = render_report(results, ReportFormat::Csv, false, labels());
    CHECK(csv.find("bad.yaml:5:27: first | problem; bad.yaml:6:61: second problem\n") != std::string::npos);

    std::string table = render_report(results, ReportFormat::Table, false, labels());
    CHECK(table.find("bad.yaml:5:27: first | problem; bad.yaml:6:61: second problem") != std::string::npos);

    // Markdown: one table row, the errors split by <br>, a '|' in a message escaped so that the row keeps its cells.
    std::string md = render_report(results, ReportFormat::Markdown, false, labels());
    CHECK(md.find(R"(bad.yaml:5:27: first \| problem<br>bad.yaml:6:61: second problem |)") != std::string::npos);
    CHECK(count(md, "\n") == 3);
}

TEST_CASE("Markdown gives the case's title, sources and left_out", "[classify][report]") {
    std::string md = render_report({good_case()}, ReportFormat::Markdown, false, labels());
    CHECK(md.find("## good — A good case\n") != std::string::npos);
    CHECK(md.find("\nSources:\n\n- Treaty (1990): Art. 5\n- a second source\n") != std::string::npos);
    CHECK(md.find("\nLeft out:\n\n- membership: no figures\n") != std::string::npos);
}
