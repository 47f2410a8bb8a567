// The parser accepts the language: the issue's example with its exact AST shape and spans, each construct, and
// operator precedence.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "syntax/print_ast.hpp"

using namespace covenant;
using covenant::test::parse_text;
using Kind = ast::Condition::Kind;
using AKind = ast::Action::Kind;

namespace {

void require_span(const SourceSpan& s, std::uint32_t line, std::uint32_t col, std::uint32_t length) {
    INFO("span " << s.line << ":" << s.col << " length " << s.length);
    REQUIRE(s.valid());
    CHECK(s.line == line);
    CHECK(s.col == col);
    CHECK(s.length == length);
}

// Parses a file holding one rule and returns it (the parse must be clean).
ast::Rule one_rule(const std::string& text) {
    auto p = parse_text(text);
    INFO(test::describe(p.sink));
    REQUIRE_FALSE(p.sink.has_errors());
    REQUIRE(p.unit.rules.size() == 1);
    return p.unit.rules[0];
}

// The expression of `test EXPR` in a rule, printed fully parenthesised by structure.
std::string tree_of(const ast::Expr& e) {
    switch (e.kind) {
        case ast::Expr::Kind::Binary: return "(" + tree_of(e.args[0]) + " " + e.op + " " + tree_of(e.args[1]) + ")";
        case ast::Expr::Kind::Unary: return "(" + e.op + " " + tree_of(e.args[0]) + ")";
        case ast::Expr::Kind::Call: {
            std::string out = e.function.name + "(";
            for (std::size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + tree_of(e.args[i]);
            return out + ")";
        }
        default: return print_expr(e);
    }
}

std::string test_tree(const std::string& expr) {
    ast::Rule r = one_rule("rule t { when test " + expr + " then halt }");
    REQUIRE(r.conditions.size() == 1);
    REQUIRE(r.conditions[0].kind == Kind::Test);
    return tree_of(r.conditions[0].test);
}

}  // namespace

TEST_CASE("the issue's example parses with no diagnostics and the expected shape", "[syntax]") {
    auto p = parse_text(test::kIssueExample);
    INFO(test::describe(p.sink));
    REQUIRE(p.sink.diagnostics().empty());
    const ast::Unit& u = p.unit;

    REQUIRE(u.pack);
    CHECK(u.pack->name.name == "examples.family");
    require_span(u.pack->name.span, 2, 6, 15);
    REQUIRE(u.pack->doc);
    CHECK(u.pack->doc->text == "Ancestors: joins, negation, aggregates and truth maintenance");
    REQUIRE(u.uses.size() == 1);
    CHECK(u.uses[0].pack.name == "examples.common");
    require_span(u.uses[0].pack.span, 3, 5, 15);
    require_span(u.uses[0].span, 3, 1, 19);

    REQUIRE(u.templates.size() == 5);
    const ast::Template& person = u.templates[0];
    CHECK(person.name.name == "person");
    require_span(person.name.span, 5, 10, 6);
    require_span(person.span, 5, 1, 49);
    REQUIRE(person.slots.size() == 2);
    CHECK(person.slots[1].name.name == "born");
    CHECK(person.slots[1].type.kind == ast::TypeRef::Kind::Int);
    REQUIRE(person.slots[1].default_value);
    CHECK(person.slots[1].default_value->kind == ast::Literal::Kind::Int);
    CHECK(person.slots[1].default_value->int_value == 0);
    require_span(person.slots[1].span, 5, 35, 13);
    const ast::SlotDecl& kind = u.templates[4].slots[1];
    CHECK(kind.type.kind == ast::TypeRef::Kind::OneOf);
    REQUIRE(kind.type.one_of.size() == 2);
    CHECK(kind.type.one_of[0].name == "democratic");
    CHECK(kind.type.one_of[1].name == "authoritarian");
    require_span(kind.type.one_of[0].span, 9, 49, 10);
    REQUIRE(kind.default_value);
    CHECK(kind.default_value->kind == ast::Literal::Kind::Symbol);
    CHECK(kind.default_value->text == "democratic");

    REQUIRE(u.facts.size() == 1);
    REQUIRE(u.facts[0].facts.size() == 3);
    CHECK(u.facts[0].facts[2].template_name.name == "parent");
    CHECK(u.facts[0].facts[1].slots[1].value.literal.int_value == 1975);

    REQUIRE(u.rules.size() == 7);
    CHECK(u.rules[0].name.name == "ancestor_direct");
    require_span(u.rules[0].name.span, 17, 6, 15);
    REQUIRE(u.rules[0].doc);
    CHECK(u.rules[0].actions[0].kind == AKind::Conclude);
    CHECK(u.rules[1].conditions.size() == 2);

    const ast::Rule& orphan = u.rules[2];
    CHECK(orphan.span.line == 28);
    CHECK(orphan.span.col == 1);
    CHECK(orphan.span.end_line == 32);
    CHECK(orphan.span.end_col == 2);
    REQUIRE(orphan.salience);
    CHECK(orphan.salience->kind == ast::Expr::Kind::Literal);
    CHECK(orphan.salience->literal.int_value == -10);
    require_span(orphan.salience->span, 28, 22, 3);
    REQUIRE(orphan.conditions.size() == 2);
    CHECK(orphan.conditions[1].kind == Kind::Not);
    require_span(orphan.conditions[1].span, 30, 8, 18);
    REQUIRE(orphan.conditions[1].group.size() == 1);
    CHECK(orphan.conditions[1].group[0].pattern.template_name.name == "parent");
    REQUIRE(orphan.actions[0].text);
    CHECK(orphan.actions[0].kind == AKind::Print);
    CHECK(orphan.actions[0].text->text == "{?p} has no recorded parent");
    CHECK(orphan.actions[0].text->escaped_braces.empty());

    const ast::Rule& big = u.rules[3];
    const ast::SlotConstraint& born = big.conditions[0].pattern.slots[1];
    REQUIRE(born.variable);
    CHECK(born.variable->name == "b");
    REQUIRE(born.op);
    CHECK(*born.op == ast::CmpOp::Lt);
    REQUIRE(born.values.size() == 1);
    CHECK(born.values[0].literal.int_value == 1960);
    require_span(born.span, 35, 25, 15);
    const ast::Condition& count = big.conditions[1];
    CHECK(count.kind == Kind::Aggregate);
    CHECK(count.result.name == "n");
    CHECK(count.function.name == "count");
    CHECK_FALSE(count.over);
    CHECK(count.pattern.template_name.name == "parent");
    require_span(count.span, 36, 8, 26);
    CHECK(big.conditions[2].kind == Kind::Test);
    CHECK(big.conditions[2].test.op == ">=");
    require_span(big.conditions[2].span, 37, 8, 12);
    require_span(big.conditions[2].test.span, 37, 13, 7);
    CHECK(big.actions[0].kind == AKind::Assert);

    const ast::Rule& rename = u.rules[4];
    REQUIRE(rename.conditions[0].pattern.fact_variable);
    CHECK(rename.conditions[0].pattern.fact_variable->name == "f");
    require_span(rename.conditions[0].pattern.span, 42, 8, 23);
    CHECK(rename.actions[0].kind == AKind::Modify);
    CHECK(rename.actions[0].target.name == "f");
    CHECK(rename.actions[0].changes[0].value.literal.int_value == 1976);
    require_span(rename.actions[0].span, 43, 8, 22);

    const ast::Rule& norm = u.rules[5];
    CHECK(norm.kind == ast::RuleKind::Norm);
    CHECK(norm.conditions[0].pattern.slots[1].values[0].literal.kind == ast::Literal::Kind::Bool);
    const ast::Action& evidence = norm.actions[0];
    CHECK(evidence.kind == AKind::Evidence);
    CHECK(evidence.predicate.name == "community");
    REQUIRE(evidence.args.size() == 1);
    CHECK(evidence.args[0].kind == ast::Expr::Kind::Variable);
    CHECK(evidence.weight.literal.kind == ast::Literal::Kind::Float);
    CHECK(evidence.weight.literal.float_value == Approx(0.35));
    require_span(evidence.weight.span, 49, 31, 4);
    REQUIRE(evidence.text);
    CHECK(evidence.text->text == "membership is conditional on democratic values");

    const ast::Rule& classify = u.rules[6];
    const ast::Condition& score = classify.conditions[1];
    CHECK(score.kind == Kind::Score);
    CHECK(score.result.name == "c");
    CHECK(score.predicate.name == "community");
    REQUIRE(score.args.size() == 1);
    CHECK(score.args[0].is_variable);
    CHECK(score.args[0].variable.name == "i");
    CHECK(classify.conditions[2].kind == Kind::Score);
    const ast::Expr& test = classify.conditions[3].test;
    CHECK(test.op == "and");
    CHECK(test.args[0].op == ">=");
    CHECK(test.args[1].op == "<");
    require_span(test.span, 56, 13, 22);
    require_span(test.args[1].span, 56, 27, 8);
    CHECK(classify.actions[0].fact.slots[1].value.literal.text == "community");
}

TEST_CASE("slot constraint forms", "[syntax]") {
    ast::Rule r = one_rule(R"(rule t {
  when p(a: x, b: x | y, c: != x, d: != x | y, e: < 3, f: <= -2.5, g: > ?y, h: >= ?y, i: ?v, j: ?w != z,
         k: "s", l: false, m: ?q < 7)
  then halt
})");
    const auto& slots = r.conditions[0].pattern.slots;
    REQUIRE(slots.size() == 13);
    CHECK((slots[0].op == ast::CmpOp::Eq && slots[0].values.size() == 1 && !slots[0].variable));
    CHECK((slots[1].op == ast::CmpOp::Eq && slots[1].values.size() == 2));
    CHECK((slots[2].op == ast::CmpOp::Ne && slots[2].values.size() == 1));
    CHECK((slots[3].op == ast::CmpOp::Ne && slots[3].values.size() == 2));
    CHECK(slots[4].op == ast::CmpOp::Lt);
    CHECK((slots[5].op == ast::CmpOp::Le && slots[5].values[0].literal.float_value == -2.5));
    CHECK((slots[6].op == ast::CmpOp::Gt && slots[6].values[0].is_variable));
    CHECK(slots[7].op == ast::CmpOp::Ge);
    CHECK((slots[8].variable && !slots[8].op && slots[8].values.empty()));
    CHECK((slots[9].variable->name == "w" && slots[9].op == ast::CmpOp::Ne));
    CHECK(slots[10].values[0].literal.kind == ast::Literal::Kind::String);
    CHECK((slots[11].values[0].literal.kind == ast::Literal::Kind::Bool && !slots[11].values[0].literal.bool_value));
    CHECK((slots[12].variable->name == "q" && slots[12].op == ast::CmpOp::Lt));
    require_span(slots[6].values[0].span, 2, 73, 2);
}

TEST_CASE("conditions: negation groups, exists, aggregates, empty patterns, commas", "[syntax]") {
    ast::Rule r = one_rule(R"(rule t {
  when p(), q(a: 1)
       not (r(a: ?x), test ?x > 1)
       exists s(b: 2)
       exists (s(b: 3) t())
       ?s = sum(?v, p(v: ?v))
       ?lo = min(?v, p(v: ?v)), ?hi = max(?v, p(v: ?v)), ?m = avg(?v, p(v: ?v))
       ?k = score(balance_of_power(?i, x, 2))
  then halt
})");
    const auto& c = r.conditions;
    REQUIRE(c.size() == 10);
    CHECK((c[0].kind == Kind::Pattern && c[0].pattern.slots.empty()));
    CHECK((c[2].kind == Kind::Not && c[2].group.size() == 2 && c[2].group[1].kind == Kind::Test));
    CHECK((c[3].kind == Kind::Exists && c[3].group.size() == 1));
    CHECK((c[4].kind == Kind::Exists && c[4].group.size() == 2));
    CHECK((c[5].kind == Kind::Aggregate && c[5].function.name == "sum" && c[5].over && c[5].over->name == "v"));
    CHECK((c[6].function.name == "min" && c[7].function.name == "max" && c[8].function.name == "avg"));
    CHECK((c[9].kind == Kind::Score && c[9].args.size() == 3 && c[9].args[2].literal.int_value == 2));
}

TEST_CASE("actions", "[syntax]") {
    ast::Rule r = one_rule(R"(criterion c "doc" salience 5 {
  when ?f <- p(a: 1)
  then assert q(a: 1 + 2, b: "x"), conclude q(a: abs(-3))
       retract ?f
       modify ?f (a: 2, b: ?x * 2)
       evidence legit(?f, 2) -0.5
       evidence legit(?f) 0.5 * 0.5 "why"
       print "esc \" \\ \n \t \{not\} {?x}"
       halt
})");
    CHECK(r.kind == ast::RuleKind::Criterion);
    CHECK(r.salience->literal.int_value == 5);
    const auto& a = r.actions;
    REQUIRE(a.size() == 8);
    CHECK((a[0].kind == AKind::Assert && a[0].fact.slots[0].value.op == "+"));
    CHECK((a[1].kind == AKind::Conclude && a[1].fact.slots[0].value.kind == ast::Expr::Kind::Call));
    CHECK(a[1].fact.slots[0].value.args[0].literal.int_value == -3);
    CHECK((a[2].kind == AKind::Retract && a[2].target.name == "f"));
    CHECK((a[3].kind == AKind::Modify && a[3].changes.size() == 2 && a[3].changes[1].value.op == "*"));
    CHECK((a[4].kind == AKind::Evidence && a[4].args.size() == 2 && !a[4].text));
    CHECK(a[4].weight.literal.float_value == -0.5);
    CHECK((a[5].weight.op == "*" && a[5].text->text == "why"));
    REQUIRE(a[6].text);
    CHECK(a[6].text->text == "esc \" \\ \n \t {not} {?x}");
    REQUIRE(a[6].text->escaped_braces.size() == 1);
    CHECK(a[6].text->escaped_braces[0] == 12);
    CHECK(a[7].kind == AKind::Halt);
}

TEST_CASE("interest rules, rules without conditions, templates of every type", "[syntax]") {
    auto p = parse_text(R"(
template all "every type" {
  s: symbol, t: string = "x", i: int = -4, f: float = 1e5, b: bool = true,
  o: one of (a | b | c) = b
}
template empty {}
interest i { then halt }
facts {}
facts { empty(), all(s: x, t: "y", i: 1, f: 2.0, b: false) }
)");
    INFO(test::describe(p.sink));
    REQUIRE_FALSE(p.sink.has_errors());
    REQUIRE(p.unit.templates.size() == 2);
    const auto& slots = p.unit.templates[0].slots;
    REQUIRE(slots.size() == 6);
    CHECK(slots[1].type.kind == ast::TypeRef::Kind::String);
    CHECK(slots[2].default_value->int_value == -4);
    CHECK(slots[3].default_value->kind == ast::Literal::Kind::Float);
    CHECK(slots[3].default_value->float_value == 100000.0);
    CHECK(slots[4].default_value->bool_value);
    CHECK(slots[5].type.one_of.size() == 3);
    CHECK(p.unit.templates[1].slots.empty());
    REQUIRE(p.unit.rules.size() == 1);
    CHECK(p.unit.rules[0].kind == ast::RuleKind::Interest);
    CHECK(p.unit.rules[0].conditions.empty());
    REQUIRE(p.unit.facts.size() == 2);
    CHECK(p.unit.facts[1].facts.size() == 2);
}

TEST_CASE("keywords do not match prefixes of identifiers", "[syntax]") {
    ast::Rule r = one_rule(R"(rule t {
  when notable(andy: orange, nothing: testing)
       test ?x == notice or ?y == oracle
  then halt
})");
    CHECK(r.conditions[0].kind == Kind::Pattern);
    CHECK(r.conditions[0].pattern.template_name.name == "notable");
    CHECK(r.conditions[0].pattern.slots[0].slot.name == "andy");
    CHECK(r.conditions[0].pattern.slots[1].values[0].literal.text == "testing");
    CHECK(r.conditions[1].test.op == "or");
    // Words that are keywords only in their place stay usable as names.
    ast::Rule r2 = one_rule("rule u { when parent(of: one, count: sum, norm: interest, score: symbol) then halt }");
    CHECK(r2.conditions[0].pattern.slots.size() == 4);
}

TEST_CASE("expression precedence and associativity", "[syntax]") {
    CHECK(test_tree("1 + 2 * 3") == "(1 + (2 * 3))");
    CHECK(test_tree("(1 + 2) * 3") == "((1 + 2) * 3)");
    CHECK(test_tree("1 - 2 - 3") == "((1 - 2) - 3)");
    CHECK(test_tree("8 / 4 / 2") == "((8 / 4) / 2)");
    CHECK(test_tree("?a or ?b and ?c") == "(?a or (?b and ?c))");
    CHECK(test_tree("not ?a and ?b") == "((not ?a) and ?b)");
    CHECK(test_tree("not ?a == 1") == "(not (?a == 1))");
    CHECK(test_tree("?a + 1 < ?b * 2") == "((?a + 1) < (?b * 2))");
    CHECK(test_tree("- ?a * 2") == "((- ?a) * 2)");
    CHECK(test_tree("-(1 + 2)") == "(- (1 + 2))");
    CHECK(test_tree("?a - -1") == "(?a - -1)");
    CHECK(test_tree("?a-1") == "(?a - 1)");
    CHECK(test_tree("max(?a, 1 + 2) >= div(7, 2)") == "(max(?a, (1 + 2)) >= div(7, 2))");
    CHECK(test_tree("?a != 1 and ?b <= 2 or ?c > 3") == "(((?a != 1) and (?b <= 2)) or (?c > 3))");
}

TEST_CASE("expression spans cover exactly their text", "[syntax]") {
    ast::Rule r = one_rule("rule t { when test (?a + 1) * f(2) > 3 then halt }");
    const ast::Expr& gt = r.conditions[0].test;
    require_span(gt.span, 1, 20, 19);         // (?a + 1) * f(2) > 3
    require_span(gt.args[0].span, 1, 20, 15);  // (?a + 1) * f(2)
    require_span(gt.args[0].args[0].span, 1, 21, 6);  // ?a + 1, inside the parentheses
    require_span(gt.args[0].args[1].span, 1, 31, 4);  // f(2)
    require_span(gt.args[1].span, 1, 38, 1);
}

TEST_CASE("parse_fact and parse_pattern take a whole text", "[syntax]") {
    SourceManager sm;
    DiagnosticSink sink;
    auto fact = parse_fact(sm.file(sm.add("repl", "  person(name: ann, born: 1950 + 1)  ")), sink);
    REQUIRE(fact);
    CHECK(fact->template_name.name == "person");
    CHECK(fact->slots[1].value.op == "+");
    require_span(fact->span, 1, 3, 33);
    auto pattern = parse_pattern(sm.file(sm.add("repl", "person(born: > 1900 , name: ann | bob)")), sink);
    REQUIRE(pattern);
    CHECK(pattern->slots[0].op == ast::CmpOp::Gt);
    CHECK(sink.diagnostics().empty());

    auto trailing = parse_fact(sm.file(sm.add("repl", "person(name: ann) extra")), sink);
    CHECK_FALSE(trailing);
    REQUIRE(sink.diagnostics().size() == 1);
    CHECK(sink.diagnostics()[0].code == Code::ParseExpected);
    CHECK(sink.diagnostics()[0].span.col == 19);
    sink.clear();
    CHECK_FALSE(parse_pattern(sm.file(sm.add("repl", "")), sink));
    REQUIRE(sink.diagnostics().size() == 1);
    CHECK(sink.diagnostics()[0].span.valid());
}

TEST_CASE("UTF-8 text, a byte order mark and CRLF line ends", "[syntax]") {
    auto p = parse_text("\xEF\xBB\xBFpack p \"caf\xC3\xA9\"\r\n# commentaire \xC3\xA0 la ligne\r\n"
                        "rule r {\r\n  then print \"\xE2\x9C\x93 {?x}\"\r\n}\r\n");
    INFO(test::describe(p.sink));
    REQUIRE_FALSE(p.sink.has_errors());
    CHECK(p.unit.pack->doc->text == "caf\xC3\xA9");
    REQUIRE(p.unit.rules.size() == 1);
    CHECK(p.unit.rules[0].actions[0].text->text == "\xE2\x9C\x93 {?x}");
    require_span(p.unit.rules[0].name.span, 3, 6, 1);
}
