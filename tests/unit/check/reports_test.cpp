// `report` declarations (docs/language.md §12): what the checker fills into Program::report, each E0130 at its place,
// and the round trip through print_program.
#include "check/support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

const std::string kReported = R"(template org { id: symbol, members: int = 1 }
template verdict { org: ref org, type: one of (open | closed), detail: symbol = none }
template worry { org: symbol, kind: symbol, level: float, why: string }
template extra_worry { org: ref org, what: symbol, level: int }
rule open_org { when org(id: ?o, members: ?m > 3) then evidence openness(?o) 0.4 "{?m} members" }
rule verdict_open { when org(id: ?o) then conclude verdict(org: ?o, type: open) }
report subject org "organisation"
report conclusion verdict(type, detail)
report finding worry(kind, level, why) "worries"
report finding extra_worry(what, level)
report score openness "open"
)";

}  // namespace

TEST_CASE("report declarations fill Program::report", "[check][report]") {
    Checked c(kReported);
    INFO(c.rendered());
    REQUIRE(c.program);
    const Program& p = *c.program;
    const ReportSpec& r = p.report;
    REQUIRE(r.subject);
    CHECK(p.templates[r.subject->tmpl].name == "org");
    CHECK(r.subject->label == "organisation");
    CHECK(p.templates[r.subject->tmpl].slots[r.subject->key].name == "id");
    REQUIRE(r.conclusions.size() == 1);
    const TemplateDef& verdict = p.templates[r.conclusions[0].tmpl];
    CHECK(verdict.slots[r.conclusions[0].link].name == "org");  // through `ref org`
    CHECK(r.conclusions[0].slots == std::vector<SlotIndex>{1, 2});
    CHECK(r.conclusions[0].label == "verdict");
    REQUIRE(r.findings.size() == 2);
    CHECK(p.templates[r.findings[0].tmpl].slots[r.findings[0].link].name == "org");  // a symbol slot named `org`
    CHECK(r.findings[0].reason == 3);
    CHECK(r.findings[1].reason == -1);
    CHECK(r.findings_label == "worries");
    REQUIRE(r.scores.size() == 1);
    CHECK(p.templates[r.scores[0].tmpl].predicate == "openness");
    CHECK(r.scores[0].label == "open");
    // The link of each template to the subject.
    CHECK(subject_link(p, *p.find_template("org")) == 0);
    CHECK(subject_link(p, *p.find_template("extra_worry")) == 0);
}

TEST_CASE("a program without report declarations reports nothing", "[check][report]") {
    Checked c(kVocabulary);
    REQUIRE(c.program);
    CHECK(c.program->report.empty());
    CHECK(subject_link(*c.program, *c.program->find_template("institution")) == -1);
}

TEST_CASE("report declarations round-trip through print_program", "[check][report]") {
    Checked first(kReported);
    REQUIRE(first.program);
    std::string printed = print_program(*first.program);
    INFO(printed);
    CHECK_THAT(printed, Catch::Matchers::Contains("report subject org \"organisation\"\n"));
    CHECK_THAT(printed, Catch::Matchers::Contains("report finding extra_worry(what, level) \"worries\"\n"));
    Checked second(printed);
    INFO(second.rendered());
    REQUIRE(second.program);
    CHECK(print_program(*second.program) == printed);
}

TEST_CASE("malformed report declarations are E0130 at the name at fault", "[check][report]") {
    const std::string head = "template org { id: symbol }\ntemplate named { name: symbol }\n"
                             "template verdict { org: symbol, type: symbol, level: float }\n";
    SECTION("an unknown role, with did you mean") {
        Checked c(head + "report subjekt org\n");
        CHECK_THAT(REQUIRE_DIAG(c, Code::BadReport, "subjekt").message, Catch::Matchers::Contains("'subject'"));
    }
    SECTION("a subject without an id") {
        Checked c(head + "report subject named\n");
        REQUIRE_DIAG(c, Code::BadReport, "named", 2);
    }
    SECTION("two subjects") {
        Checked c(head + "template other { id: symbol }\nreport subject org\nreport subject other\n");
        const Diagnostic& d = REQUIRE_DIAG(c, Code::BadReport, "other", 2);
        CHECK(d.notes.size() == 1);
    }
    SECTION("a conclusion with no subject declared") {
        Checked c(head + "report conclusion verdict(type)\n");
        REQUIRE_DIAG(c, Code::BadReport, "conclusion");
    }
    SECTION("a conclusion with no slot naming the subject") {
        Checked c(head + "report subject org\nreport conclusion named(name)\n");
        REQUIRE_DIAG(c, Code::BadReport, "named", 2);
    }
    SECTION("a conclusion slot of the wrong type, and one without slots") {
        Checked c(head + "report subject org\nreport conclusion verdict(level)\n");
        CHECK_THAT(REQUIRE_DIAG(c, Code::BadReport, "level", 2).message, Catch::Matchers::Contains("holds a float"));
        Checked d(head + "report subject org\nreport conclusion verdict\n");
        REQUIRE_DIAG(d, Code::BadReport, "verdict", 2);
    }
    SECTION("a finding without a severity, and one whose severity is no number") {
        Checked c(head + "report subject org\nreport finding verdict(type)\n");
        REQUIRE_DIAG(c, Code::BadReport, "type", 2);
        Checked d(head + "report subject org\nreport finding verdict(type, type)\n");
        REQUIRE_DIAG(d, Code::BadReport, "type", 3);
    }
    SECTION("an unknown template or slot") {
        Checked c(head + "report subject org\nreport finding verdikt(type, level)\n");
        REQUIRE_DIAG(c, Code::UnknownTemplate, "verdikt");
        Checked d(head + "report subject org\nreport finding verdict(kind, level)\n");
        REQUIRE_DIAG(d, Code::UnknownSlot, "kind");
    }
    SECTION("a score no rule gives evidence about") {
        Checked c(head + "report score openness\n");
        REQUIRE_DIAG(c, Code::BadReport, "openness");
    }
    SECTION("a label that is not a name, and findings under two labels") {
        Checked c(head + "report subject org \"an org\"\n");
        REQUIRE_DIAG(c, Code::BadReport, "\"an org\"");
        Checked d(head + "template worry { org: symbol, kind: symbol, level: float }\nreport subject org\n"
                         "report finding verdict(type, level) \"a\"\nreport finding worry(kind, level) \"b\"\n");
        REQUIRE_DIAG(d, Code::BadReport, "\"b\"");
    }
    SECTION("the same template reported twice in one role") {
        Checked c(head + "report subject org\nreport finding verdict(type, level)\nreport finding verdict(type, level)\n");
        REQUIRE_DIAG(c, Code::BadReport, "verdict", 3);
    }
}
