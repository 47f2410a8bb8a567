// Named constants (`const NAME = value`): substitution everywhere a bare name can stand, and their diagnostics.
#include "support.hpp"

#include "syntax/print_ast.hpp"

using namespace covenant;
using covenant::test::Checked;

namespace {
const Rule& rule_named(const Program& p, std::string_view name) {
    const Rule* r = p.find_rule(name);
    REQUIRE(r != nullptr);
    return *r;
}
}  // namespace

TEST_CASE("constants are substituted in weights, tests, slot tests, facts and defaults", "[check]") {
    Checked c(R"(const WEIGHT = 0.35 "how much a values clause counts"
const LIMIT = 1960
const DEFAULT_KIND = democratic
template person { name: symbol, born: int = LIMIT }
template party { name: symbol, kind: one of (democratic | authoritarian) = DEFAULT_KIND }
facts { person(name: ann, born: LIMIT) }
rule r {
  when person(name: ?p, born: ?b < LIMIT)
       party(kind: DEFAULT_KIND)
       test ?b + 0 < LIMIT
  then evidence old(?p) WEIGHT "born before {?b}"
}
)");
    REQUIRE(c.program);
    const Program& p = *c.program;
    const TemplateDef* person = p.find_template("person");
    REQUIRE(person);
    CHECK(person->slots[1].default_value == Value::integer(1960));
    CHECK(p.find_template("party")->slots[1].default_value == Value::symbol("democratic"));
    REQUIRE(p.facts.size() == 1);
    CHECK(p.facts[0].values[1] == Value::integer(1960));
    const Rule& r = rule_named(p, "r");
    const Condition& first = r.conditions[0];
    REQUIRE(first.pattern.tests.size() == 1);
    CHECK(first.pattern.tests[0].values[0].constant == Value::integer(1960));
    CHECK(r.conditions[1].pattern.tests[0].values[0].constant == Value::symbol("democratic"));
    REQUIRE(r.actions[0].kind == ActionKind::Evidence);
    CHECK(r.actions[0].weight.kind == ExprKind::Const);
    CHECK(r.actions[0].weight.value.as_double() == Approx(0.35));
}

TEST_CASE("constants are shared across packs", "[check]") {
    Checked c(std::vector<std::string>{"pack w\nconst W = 0.5\n",
                                       "pack a\nuse w\ntemplate t { x: symbol }\n"
                                       "rule r { when t(x: ?x) then evidence e(?x) W }\n"});
    REQUIRE(c.program);
    CHECK(rule_named(*c.program, "r").actions[0].weight.value.as_double() == Approx(0.5));
}

TEST_CASE("constant diagnostics", "[check]") {
    SECTION("a weight constant outside [-1, 1] is reported at its use") {
        Checked c("const BIG = 2.5\ntemplate t { x: symbol }\nrule r { when t(x: ?x) then evidence e(?x) BIG }\n");
        CHECK_FALSE(c.program);
        REQUIRE_DIAG(c, Code::WeightOutOfRange, "BIG }");
    }
    SECTION("duplicate") {
        Checked c("const A = 1\nconst A = 2\n");
        REQUIRE_DIAG(c, Code::DuplicateConstant, "A = 2");
    }
    SECTION("lower-case name") {
        Checked c("const weight = 1\n");
        REQUIRE_DIAG(c, Code::ConstantName, "weight");
    }
    SECTION("unknown upper-case name, with a suggestion") {
        Checked c("const SHARED_VALUES = 0.3\ntemplate t { x: symbol }\n"
                  "rule r { when t(x: ?x) then evidence e(?x) SHARED_VALUSE }\n");
        const Diagnostic& d = REQUIRE_DIAG(c, Code::UnknownConstant, "SHARED_VALUSE");
        CHECK(d.message.find("did you mean 'SHARED_VALUES'") != std::string::npos);
    }
    SECTION("a constant of the wrong type for its slot") {
        Checked c("const NAME = \"text\"\ntemplate t { x: int }\nfacts { t(x: NAME) }\n");
        REQUIRE_DIAG(c, Code::TypeMismatch, "NAME)");
    }
}

TEST_CASE("constants print and re-parse", "[syntax]") {
    SourceManager sm;
    DiagnosticSink sink;
    FileId id = sm.add("c.rules", "const W = -0.25 \"doc\"\nconst S = \"x\"\n");
    ast::Unit u = parse_unit(sm.file(id), sink);
    REQUIRE_FALSE(sink.has_errors());
    REQUIRE(u.constants.size() == 2);
    CHECK(u.constants[0].name.name == "W");
    CHECK(u.constants[0].value.literal.float_value == Approx(-0.25));
    CHECK(u.constants[0].span.line == 1);
    CHECK(u.constants[1].span.line == 2);
    std::string printed = print_unit(u);
    FileId again = sm.add("c2.rules", printed);
    ast::Unit u2 = parse_unit(sm.file(again), sink);
    REQUIRE_FALSE(sink.has_errors());
    CHECK(print_unit(u2) == printed);
}

TEST_CASE("a malformed constant is a located syntax error", "[syntax]") {
    SourceManager sm;
    DiagnosticSink sink;
    FileId id = sm.add("c.rules", "const W 0.25\ntemplate t { x: symbol }\n");
    ast::Unit u = parse_unit(sm.file(id), sink);
    REQUIRE(sink.has_errors());
    const Diagnostic& d = sink.diagnostics().front();
    CHECK(d.span.line == 1);
    CHECK(d.span.col == 9);
    CHECK(d.message.find("'='") != std::string::npos);
    CHECK(u.templates.size() == 1);  // recovery at the next definition
}

TEST_CASE("constant expression and function diagnostics", "[check][functions]") {
    SECTION("constants defined through each other") {
        Checked c("const A = B + 1\nconst B = A * 2\n");
        REQUIRE_DIAG(c, Code::NotConstant, "A = B");
    }
    SECTION("a constant that cannot be computed") {
        Checked c("const C = 1 / 0\n");
        const Diagnostic& d = REQUIRE_DIAG(c, Code::NotConstant, "1 / 0");
        CHECK(d.message.find("division by zero") != std::string::npos);
    }
    SECTION("a constant with a variable") {
        Checked c("const D = ?x + 1\n");
        REQUIRE_DIAG(c, Code::NotConstant, "?x");
    }
    SECTION("a constant calling a user function") {
        Checked c("function f(?a: int) = ?a\nconst E = f(3)\n");
        REQUIRE_DIAG(c, Code::NotConstant, "f(3)");
    }
    SECTION("a slot constraint's expression with a variable, and nothing more about it") {
        Checked c("template t { x: int, y: int }\nrule r { when t(x: ?v, y: < ?v + 1) then halt }\n");
        const Diagnostic& d = REQUIRE_DIAG(c, Code::NotConstant, "?v + 1");
        REQUIRE_FALSE(d.notes.empty());
        CHECK(c.sink.error_count() == 1);
    }
    SECTION("a salience that is not an integer") {
        Checked c("template t { x: int }\nrule r salience 1.5 { when t(x: ?v) then halt }\n");
        REQUIRE_DIAG(c, Code::TypeMismatch, "1.5");
    }
    SECTION("a salience naming an unknown constant is reported once") {
        Checked c("const HIGH = 3\ntemplate t { x: int }\nrule r salience HIHG { when t(x: 1) then halt }\n");
        REQUIRE_DIAG(c, Code::UnknownConstant, "HIHG");
        CHECK(c.sink.error_count() == 1);
    }
    SECTION("a function named like a built-in") {
        Checked c("function div(?a: int) = ?a\n");
        REQUIRE_DIAG(c, Code::DuplicateFunction, "div");
    }
    SECTION("a function defined twice") {
        Checked c("function f(?a: int) = ?a\nfunction f(?b: int) = ?b\n");
        REQUIRE_DIAG(c, Code::DuplicateFunction, "f(?b");
    }
    SECTION("a body using something that is not a parameter") {
        Checked c("function g(?a: int) = ?a + ?b\n");
        REQUIRE_DIAG(c, Code::UnboundVariable, "?b");
    }
    SECTION("a body of the wrong type") {
        Checked c("function h(?s: string): int = ?s\n");
        REQUIRE_DIAG(c, Code::TypeMismatch, "?s\n");
    }
    SECTION("a call with the wrong number or type of arguments") {
        Checked c("function h(?s: string) = ?s\ntemplate t { x: int }\n"
                  "rule r { when t(x: ?x) test h(?x) == \"a\" test h() == \"b\" then halt }\n");
        REQUIRE_DIAG(c, Code::TypeMismatch, "?x) ==");
        REQUIRE_DIAG(c, Code::WrongArity, "h() ==");
    }
    SECTION("if() with branches of different types") {
        Checked c("function k(?c: bool) = if(?c, 1, \"one\")\n");
        REQUIRE_DIAG(c, Code::TypeMismatch, "if(");
    }
    SECTION("an unused parameter is a warning") {
        Checked c("function u(?a: int, ?b: int) = ?a\n");
        REQUIRE_DIAG(c, Code::UnusedVariable, "?b");
    }
}

TEST_CASE("or and forall diagnostics", "[check][or]") {
    SECTION("an or inside not") {
        Checked c("template a { x: int }\nrule r { when a(x: ?x) not (or (a(x: 1) a(x: 2))) then halt }\n");
        REQUIRE_DIAG(c, Code::BadDisjunction, "or (a(x: 1)");
        CHECK(c.sink.diagnostics().size() == 1);  // no echo: ?x is used by the dropped condition
    }
    SECTION("a forall without conditions to meet") {
        Checked c("template a { x: int }\nrule r { when forall (a(x: ?y)) then halt }\n");
        REQUIRE_DIAG(c, Code::BadDisjunction, "forall");
    }
    SECTION("a mistake outside the or is reported once, not once per branch") {
        Checked c("template a { x: int }\ntemplate b { x: int }\n"
                  "rule r { when or (a(x: ?x) b(x: ?x)) test ?x > \"s\" then halt }\n");
        REQUIRE_DIAG(c, Code::TypeMismatch, "?x > ");
        CHECK(c.sink.error_count() == 1);
    }
    SECTION("a variable bound in one branch only") {
        Checked c("template a { x: int }\ntemplate b { x: int, y: int }\n"
                  "rule r { when or (a(x: ?x) b(x: ?x, y: ?y)) then print \"{?y}\" }\n");
        REQUIRE_DIAG(c, Code::UnboundVariable, "{?y}");
    }
    SECTION("too many combinations") {
        std::string conds;
        for (int i = 0; i < 7; ++i) conds += "or (a(x: 1) a(x: 2)) ";
        Checked c("template a { x: int }\nrule r { when " + conds + "then halt }\n");
        REQUIRE_DIAG(c, Code::BadDisjunction, "or (a(x: 1) a(x: 2)) then");
    }
}

TEST_CASE("a test followed by an or condition on the next line", "[syntax][or]") {
    Checked c("template a { x: int }\nrule r {\n  when a(x: ?x)\n       test ?x > 1\n       or (a(x: 2) a(x: 3))\n"
              "       test ?x > 0\n       or ?x < 5\n  then halt\n}\n");
    REQUIRE(c.program);
    // The or condition splits the rule; `or ?x < 5` (no parenthesis) continues the test above it.
    CHECK(c.program->rules.size() == 2);
    // An expression in parentheses after `and` / `or`, even at the start of a line, stays the test's.
    Checked e("template a { x: int }\nrule r {\n  when a(x: ?x)\n       test ?x > 1\n       and (?x < 5 or not ?x == 3)"
              "\n       or (f(?x) > 2)\n  then halt\n}\nfunction f(?n: int) = ?n\n");
    REQUIRE(e.program);
    CHECK(e.program->rules.size() == 1);
    REQUIRE(e.program->rules[0].conditions.size() == 2);
    CHECK(e.program->rules[0].conditions[1].kind == CondKind::Test);
}
