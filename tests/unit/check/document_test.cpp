// document_program (`covenant doc`): the Markdown reference of a checked program.
#include <catch2/catch.hpp>

#include "program/program.hpp"
#include "support.hpp"

using namespace covenant;
using namespace covenant::test;
using Catch::Matchers::Contains;

namespace {

const std::string kPack =
    "pack demo.credit \"Credit decisions\"\n"
    "const JOB = 0.40 \"a job is evidence of the ability to repay\"\n"
    "const DEBT = -0.5   # counter-indicator: debts above half the income\n"
    "                    # (second line of the same note)\n"
    "const LIMIT = 30000\n"
    "# a comment that documents nothing\n"
    "template applicant \"Who asks for credit\" { id: symbol, income: int, employed: bool = false, "
    "kind: one of (person | firm) = person }\n"
    "template decision { applicant: symbol, outcome: one of (approve | decline) }\n"
    "rule steady_job \"A job counts\" salience 5 {\n"
    "  when applicant(id: ?a, employed: true)\n"
    "  then evidence creditworthy(?a) JOB \"employed\"\n"
    "}\n"
    "rule heavy_debt {\n"
    "  when applicant(id: ?a, income: ?i < LIMIT)\n"
    "       not decision(applicant: ?a)\n"
    "       ?s = score(creditworthy(?a))\n"
    "  then evidence creditworthy(?a) DEBT\n"
    "       assert decision(applicant: ?a, outcome: decline)\n"
    "}\n";

}  // namespace

TEST_CASE("doc: packs, templates, constants with their notes, rules and the evidence index", "[check][doc]") {
    Checked c(kPack);
    REQUIRE(c.program);
    std::string md = document_program(*c.program, c.sm);
    INFO(md);
    // The pack table and the pack's section.
    CHECK_THAT(md, Contains("| `demo.credit` | Credit decisions | 2 | 3 | 2 |"));
    CHECK_THAT(md, Contains("## Pack `demo.credit`\n\nCredit decisions.\n\nFile: `test0.rules`."));
    // Templates: doc, declaration place, slot types and defaults (`one of` pipes escaped for the table).
    CHECK_THAT(md, Contains("#### `applicant`\n\nWho asks for credit.\n\nDeclared at `test0.rules:7`."));
    CHECK_THAT(md, Contains("| `id` | symbol | required |"));
    CHECK_THAT(md, Contains("| `employed` | bool | `false` |"));
    CHECK_THAT(md, Contains("| `kind` | one of (person \\| firm) | `person` |"));
    // Cross-references: where a template's facts come from, and which rules read them (in `not` and aggregates too).
    CHECK_THAT(md, Contains("Asserted or concluded by: no rule (its facts come from fact files and facts blocks).  \n"
                            "Matched by: `steady_job`, `heavy_debt`.\n"));
    CHECK_THAT(md, Contains("Asserted or concluded by: `heavy_debt`.  \nMatched by: `heavy_debt`.\n"));
    // Constants: the doc string, else the trailing comment with its continuation line, else nothing.
    CHECK_THAT(md, Contains("| `JOB` | `0.4` | a job is evidence of the ability to repay | test0.rules:2 |"));
    CHECK_THAT(md, Contains("| `DEBT` | `-0.5` | counter-indicator: debts above half the income (second line of the "
                            "same note) | test0.rules:3 |"));
    CHECK_THAT(md, Contains("| `LIMIT` | `30000` |  | test0.rules:5 |"));
    // Rules: kind, name, doc, place and salience, what they match and do, and their text as written.
    CHECK_THAT(md, Contains("#### rule `steady_job`\n\nA job counts.\n\n- at `test0.rules:9`, salience 5\n"
                            "- matches: `applicant`\n- then: evidence `creditworthy` +0.40\n"));
    CHECK_THAT(md, Contains("- matches: `applicant`, not `decision`, `score(creditworthy)`\n"
                            "- then: evidence `creditworthy` -0.50, asserts `decision`\n"));
    CHECK_THAT(md, Contains("```covenant\nrule heavy_debt {\n  when applicant(id: ?a, income: ?i < LIMIT)\n"));
    // The evidence index, per predicate.
    CHECK_THAT(md, Contains("### `creditworthy`\n\n| rule | weight | about | at |\n|---|---|---|---|\n"
                            "| rule `steady_job` | +0.40 | A job counts | test0.rules:11 |\n"
                            "| rule `heavy_debt` | -0.50 |  | test0.rules:17 |\n"));
}

TEST_CASE("doc: table cells cannot be broken by a doc string", "[check][doc]") {
    Checked c("template t \"a | b\" { x: symbol }\nrule r \"one | two\" { when t(x: ?x) then evidence p(?x) 0.5 }\n");
    REQUIRE(c.program);
    std::string md = document_program(*c.program, c.sm);
    CHECK_THAT(md, Contains("| rule `r` | +0.50 | one \\| two |"));
    // A file without a pack declaration is named by its path.
    CHECK_THAT(md, Contains("## Pack `test0.rules`"));
}
