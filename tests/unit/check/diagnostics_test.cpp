// Every checker diagnostic: its code, where it points (line and column of the offending token) and what it says.
#include "check/support.hpp"

using namespace covenant;
using namespace covenant::test;
using Catch::Matchers::Contains;

namespace {

// The vocabulary plus `snippet`: what most cases check.
Checked with_vocabulary(const std::string& snippet) { return Checked(kVocabulary + snippet); }

}  // namespace

TEST_CASE("E0101 unknown template, with a suggestion", "[check]") {
    auto c = with_vocabulary("rule r { when persn(name: ?x) then print \"{?x}\" }\n");
    const auto& d = REQUIRE_DIAG(c, Code::UnknownTemplate, "persn");
    CHECK(d.message == "unknown template 'persn'; did you mean 'person'?");
    REQUIRE_FALSE(d.notes.empty());
    CHECK(d.notes[0].span.line == 1);  // where person is defined
    CHECK_FALSE(c.program);
    // The variable of the unresolved pattern is still bound, so its use is not reported a second time.
    CHECK(c.count(Code::UnboundVariable) == 0);
}

TEST_CASE("E0101 in facts, in conclusions, and for evidence predicates", "[check]") {
    auto facts = with_vocabulary("facts {\n  institutoin(id: nato)\n}\n");
    CHECK(REQUIRE_DIAG(facts, Code::UnknownTemplate, "institutoin").message ==
          "unknown template 'institutoin'; did you mean 'institution'?");

    auto far = with_vocabulary("facts { zebra(id: nato) }\n");
    CHECK(REQUIRE_DIAG(far, Code::UnknownTemplate, "zebra").message == "unknown template 'zebra'");

    auto score = with_vocabulary(
        "rule a { when institution(id: ?i) then evidence community(?i) 0.5 }\n"
        "rule b { when institution(id: ?i) then conclude community(arg1: ?i) }\n");
    CHECK_THAT(REQUIRE_DIAG(score, Code::UnknownTemplate, "community", 2).message,
               Contains("'community' is an evidence predicate, not a template"));
}

TEST_CASE("E0102 unknown slot", "[check]") {
    auto c = with_vocabulary("facts { person(nmae: ann) }\n"
                             "rule r { when person(name: ?x, brn: 3) then print \"{?x}\" }\n");
    CHECK(REQUIRE_DIAG(c, Code::UnknownSlot, "nmae").message == "unknown slot 'nmae' in 'person'; did you mean 'name'?");
    CHECK(REQUIRE_DIAG(c, Code::UnknownSlot, "brn").message == "unknown slot 'brn' in 'person'; did you mean 'born'?");
    auto far = with_vocabulary("facts { person(name: a, colour: red) }\n");
    const auto& d = REQUIRE_DIAG(far, Code::UnknownSlot, "colour");
    CHECK(d.message == "unknown slot 'colour' in 'person'");
    REQUIRE_FALSE(d.notes.empty());
    CHECK(d.notes[0].message == "'person' has the slots: name, born");
}

TEST_CASE("E0103 unknown pack among the checked units", "[check]") {
    Checked c(Files{"pack a.one\nuse a.two\n", "pack a.tow\n"});
    CHECK(REQUIRE_DIAG(c, Code::UnknownPack, "a.two").message == "unknown pack 'a.two'; did you mean 'a.tow'?");
    CHECK_FALSE(c.program);
}

TEST_CASE("E0104 wrong type for a slot, an operator or a test", "[check]") {
    auto c = with_vocabulary("facts {\n  note(text: hello)\n  person(name: \"ann\")\n  person(name: b, born: 1.5)\n}\n");
    const auto& sym = REQUIRE_DIAG(c, Code::TypeMismatch, "hello");
    CHECK(sym.message == "slot 'text' of 'note' holds a string, but this is the symbol hello");
    REQUIRE_FALSE(sym.notes.empty());
    CHECK(sym.notes[0].message == "write it in quotes to make it a string: \"hello\"");
    const auto& str = REQUIRE_DIAG(c, Code::TypeMismatch, "\"ann\"");
    CHECK(str.notes[0].message == "write it without quotes to make it a symbol: ann");
    CHECK(REQUIRE_DIAG(c, Code::TypeMismatch, "1.5").message ==
          "slot 'born' of 'person' holds an int, but this is the float 1.5");

    auto t = with_vocabulary("rule r { when person(name: ?p, born: ?b) test ?b + 1 then print \"{?p}\" }\n");
    CHECK(REQUIRE_DIAG(t, Code::TypeMismatch, "?b + 1").message ==
          "a test must be true or false, but this expression gives an int");

    auto op = with_vocabulary("rule r { when person(name: ?p, born: ?b) test ?p * 2 > ?b then halt }\n");
    CHECK(REQUIRE_DIAG(op, Code::TypeMismatch, "?p *").message == "'*' needs numbers, but this is a symbol");

    auto join = with_vocabulary("rule r { when person(name: ?p, born: ?b) parent(of: ?b) then halt }\n");
    CHECK(REQUIRE_DIAG(join, Code::TypeMismatch, "?b)", 2).message ==
          "?b holds an int, but slot 'of' of 'parent' holds a symbol");

    // A constant expression is computed (`born: 1 + 2`); one with a variable cannot be.
    auto fact_expr = with_vocabulary("facts { person(name: a, born: ?x + 2) }\n");
    CHECK_THAT(REQUIRE_DIAG(fact_expr, Code::TypeMismatch, "?x + 2").message, Contains("a fact holds values only"));

    auto action = with_vocabulary("rule r { when person(name: ?p) then assert person(name: ?p, born: \"x{?p}\") }\n");
    CHECK(REQUIRE_DIAG(action, Code::TypeMismatch, "\"x{?p}\"").message ==
          "slot 'born' of 'person' holds an int, but this gives a string");
}

TEST_CASE("E0105 symbol not among the one-of values", "[check]") {
    auto c = with_vocabulary("facts { party(name: p, kind: liberal) }\n"
                             "rule r { when party(name: ?n, kind: democratc) then print \"{?n}\" }\n");
    CHECK(REQUIRE_DIAG(c, Code::NotInOneOf, "liberal").message ==
          "'liberal' is not one of the values slot 'kind' of 'party' allows: (democratic | authoritarian)");
    CHECK(REQUIRE_DIAG(c, Code::NotInOneOf, "democratc").message ==
          "'democratc' is not one of the values slot 'kind' of 'party' allows: (democratic | authoritarian); did "
          "you mean 'democratic'?");
    auto action = with_vocabulary("rule r { when person(name: ?p) then assert party(name: ?p, kind: green) }\n");
    REQUIRE_DIAG(action, Code::NotInOneOf, "green");
}

TEST_CASE("E0106 unbound variable in a test, an action or an interpolation", "[check]") {
    auto c = with_vocabulary("rule r {\n  when person(name: ?p, born: ?born)\n  test ?z > 1\n  test ?borm > 1\n"
                             "  then print \"{?q} and {?p}\"\n  retract ?g\n}\n");
    CHECK(REQUIRE_DIAG(c, Code::UnboundVariable, "?z").message ==
          "variable ?z is not bound here; bind it in a positive pattern before using it");
    // The span of an interpolated variable covers `{?q}` inside the string.
    const auto& in_string = REQUIRE_DIAG(c, Code::UnboundVariable, "{?q}");
    CHECK(in_string.span.length == 4);
    CHECK(in_string.message == "variable ?q is not bound here; bind it in a positive pattern before using it");
    CHECK(REQUIRE_DIAG(c, Code::UnboundVariable, "?borm").message ==
          "variable ?borm is not bound here; did you mean ?born?");
    REQUIRE_DIAG(c, Code::UnboundVariable, "?g");

    auto score = with_vocabulary("rule r { when ?c = score(community(?i)) test ?c > 0.5 then halt }\n");
    REQUIRE_DIAG(score, Code::UnboundVariable, "?i");

    auto over = with_vocabulary("rule r { when ?s = sum(?v, item(name: ?n)) test ?s > 1 then halt }\n");
    CHECK_THAT(REQUIRE_DIAG(over, Code::UnboundVariable, "?v").message,
               Contains("?v is not bound by the aggregated pattern"));
}

TEST_CASE("E0107 variable first bound inside not, exists or an aggregate", "[check]") {
    std::string text = kVocabulary +
                       "rule r {\n  when person(name: ?p)\n       not parent(of: ?p, is: ?q)\n"
                       "  then print \"{?q}\"\n}\n";
    Checked c(text);
    const auto& d = REQUIRE_DIAG(c, Code::BoundInNegation, "{?q}");
    Loc bound = loc(text, "?q");
    CHECK(d.message == fmt::format("variable ?q is first bound inside `not` at {}:{}, so it has no value here; bind "
                                   "it in a positive pattern before",
                                   bound.line, bound.col));
    REQUIRE_FALSE(d.notes.empty());
    CHECK(d.notes[0].span.line == bound.line);
    CHECK(d.notes[0].span.col == bound.col);

    auto later = with_vocabulary("rule r {\n  when exists (parent(of: ?x))\n  person(name: ?x)\nthen halt }\n");
    CHECK_THAT(REQUIRE_DIAG(later, Code::BoundInNegation, "?x", 2).message, Contains("inside `exists`"));

    auto agg = with_vocabulary("rule r { when ?n = count(parent(of: ?k)) test ?k == a then halt }\n");
    CHECK_THAT(REQUIRE_DIAG(agg, Code::BoundInNegation, "?k", 2).message, Contains("inside an aggregate"));

    // Two negations may each use the same name as their own local variable.
    auto two = with_vocabulary("rule r { when person(name: ?p) not parent(of: ?p, is: ?_q) "
                               "not parent(is: ?p, of: ?_q) then print \"{?p}\" }\n");
    CHECK(two.count(Code::BoundInNegation) == 0);
    CHECK(two.program);

    auto fact = with_vocabulary("rule r { when not (?f <- person(name: a)) then halt }\n");
    REQUIRE_DIAG(fact, Code::BoundInNegation, "?f");
}

TEST_CASE("E0108 duplicate rule names", "[check]") {
    auto c = with_vocabulary("rule twice { then halt }\nrule twice { then halt }\n");
    const auto& d = REQUIRE_DIAG(c, Code::DuplicateRule, "twice", 2);
    CHECK(d.message == "rule 'twice' is defined twice");
    CHECK(d.notes.at(0).span.line == loc(c.texts[0], "twice").line);
    // Across packs too.
    Checked packs(Files{"pack p.a\nrule same { then halt }\n", "pack p.b\nuse p.a\nrule same { then halt }\n"});
    CHECK(packs.count(Code::DuplicateRule) == 1);
}

TEST_CASE("E0109 duplicate templates", "[check]") {
    auto c = with_vocabulary("template person { id: symbol }\n");
    const auto& d = REQUIRE_DIAG(c, Code::DuplicateTemplate, "person", 2);
    CHECK(d.message == "template 'person' is defined twice");
    CHECK(d.notes.at(0).message == "it is first defined here");
}

TEST_CASE("E0110 aggregate over a non-numeric slot", "[check]") {
    auto c = with_vocabulary("rule r { when ?s = sum(?n, person(name: ?n)) test ?s > 1 then halt }\n");
    CHECK(REQUIRE_DIAG(c, Code::NonNumericAggregate, "?n").message == "`sum` needs numbers, but ?n holds a symbol");
    auto ok = with_vocabulary("rule r { when ?s = avg(?p, item(price: ?p)) test ?s > 1 then halt }\n");
    CHECK(ok.program);
}

TEST_CASE("E0111 evidence weight outside [-1, 1]", "[check]") {
    auto c = with_vocabulary("rule r { when institution(id: ?i) then evidence community(?i) 1.5 \"why\"\n"
                             "evidence community(?i) -2 }\n");
    CHECK(REQUIRE_DIAG(c, Code::WeightOutOfRange, "1.5").message == "evidence weight 1.5 lies outside [-1, 1]");
    CHECK(REQUIRE_DIAG(c, Code::WeightOutOfRange, "-2").message == "evidence weight -2 lies outside [-1, 1]");
    auto edge = with_vocabulary("rule r { when institution(id: ?i) then evidence community(?i) -1\n"
                                "evidence community(?i) 1 }\n");
    CHECK(edge.program);
}

TEST_CASE("E0112 missing required slot", "[check]") {
    auto c = with_vocabulary("facts { item(name: a) }\n"
                             "rule r { when person(name: ?p) then conclude parent(of: ?p) }\n");
    CHECK(REQUIRE_DIAG(c, Code::MissingSlot, "item(name").message ==
          "fact 'item' leaves out the required slot 'price'");
    CHECK(REQUIRE_DIAG(c, Code::MissingSlot, "parent(of").message == "'parent' leaves out the required slot 'is'");
    auto two = with_vocabulary("facts { parent() }\n");
    CHECK(REQUIRE_DIAG(two, Code::MissingSlot, "parent()").message ==
          "fact 'parent' leaves out the required slots 'of' and 'is'");
}

TEST_CASE("E0113 duplicate slot in a template, a fact, a pattern or an action", "[check]") {
    auto c = with_vocabulary("template t { a: int, b: int, a: symbol }\n"
                             "facts { person(name: a, name: b) }\n"
                             "rule r { when person(name: ?p, name: ?q) then assert note(text: \"x\", text: \"y\") }\n");
    CHECK(REQUIRE_DIAG(c, Code::DuplicateSlot, "a: symbol").message == "slot 'a' is declared twice in template 't'");
    CHECK(REQUIRE_DIAG(c, Code::DuplicateSlot, "name: b").message == "slot 'name' is given twice");
    CHECK_THAT(REQUIRE_DIAG(c, Code::DuplicateSlot, "name: ?q").message, Contains("constrained twice"));
    REQUIRE_DIAG(c, Code::DuplicateSlot, "text: \"y\"");
}

TEST_CASE("E0114 unknown function and aggregate", "[check]") {
    auto c = with_vocabulary("rule r { when person(name: ?p, born: ?b) test abss(?b) > 1 test frob(?b) then halt }\n");
    CHECK(REQUIRE_DIAG(c, Code::UnknownFunction, "abss").message == "unknown function 'abss'; did you mean 'abs'?");
    const auto& far = REQUIRE_DIAG(c, Code::UnknownFunction, "frob");
    CHECK(far.message == "unknown function 'frob'");
    CHECK_THAT(far.notes.at(0).message, Contains("div, mod, abs"));
}

TEST_CASE("E0115 wrong number of arguments to a function", "[check]") {
    auto c = with_vocabulary("rule r { when person(name: ?p, born: ?b) test abs(?b, 1) > 1 then halt }\n");
    CHECK(REQUIRE_DIAG(c, Code::WrongArity, "abs").message == "'abs' takes 1 argument, but is given 2");
}

TEST_CASE("E0116 retract or modify of a value variable", "[check]") {
    auto c = with_vocabulary("rule r { when person(name: ?p) then retract ?p\nmodify ?p (born: 1) }\n");
    CHECK(REQUIRE_DIAG(c, Code::NotAFactVariable, "?p\n").message ==
          "?p is bound to a value, not to a fact; retract needs a variable bound with `?p <- pattern`");
    REQUIRE_DIAG(c, Code::NotAFactVariable, "?p (");
}

TEST_CASE("E0117 two units declare the same pack", "[check]") {
    Checked c(Files{"pack same.name\n", "pack same.name\n"});
    REQUIRE(c.count(Code::DuplicatePack) == 1);
    const Diagnostic* d = c.first(Code::DuplicatePack);
    CHECK(d->message == "pack 'same.name' is declared twice");
    CHECK(d->span.file == 2);
    CHECK(d->span.col == 6);
    CHECK(d->notes.at(0).span.file == 1);
}

TEST_CASE("E0118 packs that use each other", "[check]") {
    Checked c(Files{"pack c.a\nuse c.b\n", "pack c.b\nuse c.a\n"});
    REQUIRE(c.count(Code::CyclicUse) == 1);
    CHECK(c.first(Code::CyclicUse)->message == "packs use each other in a cycle: c.a -> c.b -> c.a");
    CHECK(c.first(Code::CyclicUse)->span.file == 2);
    Checked self(Files{"pack c.self\nuse c.self\n"});
    CHECK(REQUIRE_DIAG(self, Code::CyclicUse, "c.self", 2).message ==
          "packs use each other in a cycle: c.self -> c.self");
}

TEST_CASE("E0119 bad slot default", "[check]") {
    auto c = Checked("template t { a: int = \"x\", b: one of (x | y) = z, c: float = 2 }\nfacts { t() }\n");
    CHECK(REQUIRE_DIAG(c, Code::BadDefault, "\"x\"").message ==
          "slot 'a' of 't' holds an int, but this is the string \"x\"");
    CHECK_THAT(REQUIRE_DIAG(c, Code::BadDefault, "z").message, Contains("(x | y)"));
    // A rejected default does not also make every fact miss the slot.
    CHECK(c.count(Code::MissingSlot) == 0);
    CHECK(c.count(Code::BadDefault) == 2);  // the int 2 is a fine float default
}

TEST_CASE("E0120 rebinding a fact variable or an aggregate result", "[check]") {
    auto c = with_vocabulary("rule r { when ?f <- person(name: ?p) ?f <- parent(of: ?p)\n"
                             "?p = count(parent(is: ?p)) then retract ?f }\n");
    CHECK(REQUIRE_DIAG(c, Code::RebindVariable, "?f", 2).message ==
          "variable ?f is already bound; `?f <-` needs a new variable");
    CHECK_THAT(REQUIRE_DIAG(c, Code::RebindVariable, "?p =").message,
               Contains("the result of an aggregate needs a new variable"));
}

TEST_CASE("E0121 duplicate one-of value", "[check]") {
    auto c = Checked("template t { k: one of (a | b | a) }\n");
    CHECK(REQUIRE_DIAG(c, Code::DuplicateOneOf, "a)").message == "'a' is listed twice in the values of slot 'k'");
}

TEST_CASE("E0122 brace that is not an interpolation", "[check]") {
    auto c = with_vocabulary("rule r { when person(name: ?p) then print \"{?p} is {p} or {?p\" }\n");
    CHECK(c.count(Code::BadInterpolation) == 2);
    const auto& d = REQUIRE_DIAG(c, Code::BadInterpolation, "{p}");
    CHECK(d.span.length == 1);
    REQUIRE_DIAG(c, Code::BadInterpolation, "{?p\"");
    auto escaped = with_vocabulary("rule r { when person(name: ?p) then print \"\\{p} {?p}\" }\n");
    CHECK(escaped.count(Code::BadInterpolation) == 0);
    CHECK(escaped.program);
}

TEST_CASE("W0001 unused variable; W0002 rule without conditions", "[check]") {
    auto c = with_vocabulary("rule r { when person(name: ?x, born: ?b) parent(of: ?x, is: ?_y) then print \"{?x}\" }\n"
                             "rule s { then halt }\n");
    REQUIRE(c.program);  // warnings do not stop the program
    CHECK(REQUIRE_DIAG(c, Code::UnusedVariable, "?b").message ==
          "variable ?b is bound but never used; leave it out, or name it ?_b to keep it");
    CHECK(c.count(Code::UnusedVariable) == 1);
    // A variable named together with a comparison (`born: ?b < 1960`) is used by it.
    auto compared = with_vocabulary("rule r { when person(name: ?x, born: ?b < 1960) then print \"{?x}\" }\n");
    CHECK(compared.count(Code::UnusedVariable) == 0);
    CHECK(REQUIRE_DIAG(c, Code::SingletonPattern, "s { then").severity == Severity::Warning);
}

TEST_CASE("W0003 a facts-block slot repeats its default", "[check]") {
    auto c = with_vocabulary("facts {\n"
                             "  person(name: ann, born: 0)\n"
                             "  person(name: bob, born: 1950)\n"
                             "  party(name: x, kind: democratic)\n"
                             "  item(name: y, price: 2.0, count: 2)\n"
                             "  institution(id: z, values_clause: false)\n"
                             "}\n");
    REQUIRE(c.program);  // a warning: the facts are kept
    CHECK(c.program->facts.size() == 5);
    const auto& born = REQUIRE_DIAG(c, Code::ShadowedSlotDefault, "0)");
    CHECK(born.severity == Severity::Warning);
    CHECK(born.message == "slot 'born' repeats its default value 0; leave it out");
    REQUIRE(born.notes.size() == 1);
    CHECK(born.notes[0].span.line == 1);   // where person.born = 0 is declared
    CHECK(born.notes[0].message == "the default of 'person.born' is declared here");
    CHECK(REQUIRE_DIAG(c, Code::ShadowedSlotDefault, "democratic)").message ==
          "slot 'kind' repeats its default value democratic; leave it out");
    CHECK(REQUIRE_DIAG(c, Code::ShadowedSlotDefault, "false)").message ==
          "slot 'values_clause' repeats its default value false; leave it out");
    // 1950 and `count: 2` differ from their defaults: five facts, three warnings.
    CHECK(c.count(Code::ShadowedSlotDefault) == 3);
}

TEST_CASE("W0004 rules that can never fire, given where the facts come from", "[check]") {
    const std::string rules = "template ghost { id: symbol }\n"
                              "template echo { id: symbol }\n"
                              "rule never { when ghost(id: ?g) then print \"{?g}\" }\n"
                              "rule maker { when ghost(id: ?g) then assert echo(id: ?g) }\n"
                              "rule chained { when person(name: ?p) exists echo(id: ?p) then print \"{?p}\" }\n"
                              "rule negated { when person(name: ?p) not ghost(id: ?p) then assert note(text: \"{?p}\") }\n"
                              "rule counted { when person(name: ?p) ?n = count(ghost(id: ?p)) then print \"{?n}\" }\n"
                              "rule noted { when note(text: ?t) then print \"{?t}\" }\n";
    auto c = with_vocabulary(rules);
    REQUIRE(c.program);
    CHECK(c.count(Code::UnreachableRule) == 0);   // the checker alone does not know the fact files
    TemplateId person = c.program->find_template("person")->id;
    warn_rules_that_cannot_fire(*c.program, {person}, c.sink);
    INFO(c.rendered());
    CHECK(c.count(Code::UnreachableRule) == 3);
    CHECK(REQUIRE_DIAG(c, Code::UnreachableRule, "ghost(id: ?g) then print").message ==
          "rule 'never' can never fire: no 'ghost' fact can exist (no rule asserts one, and no facts block or given "
          "fact file holds one)");
    REQUIRE_DIAG(c, Code::UnreachableRule, "ghost(id: ?g) then assert");
    // Followed through a rule that would assert `echo` but cannot fire; the note points at that assert.
    const auto& chained = REQUIRE_DIAG(c, Code::UnreachableRule, "echo(id: ?p)");
    CHECK_THAT(chained.message, Contains("the rules that assert one cannot fire either"));
    REQUIRE(chained.notes.size() == 1);
    CHECK(chained.notes[0].message == "rule 'maker' asserts one here, but cannot fire");
    // `not`, aggregates and a chain through a rule that can fire (negated -> note -> noted) are not reported.

    // With ghost facts in the fact files every rule can fire.
    auto all = with_vocabulary(rules);
    warn_rules_that_cannot_fire(*all.program, {person, all.program->find_template("ghost")->id}, all.sink);
    CHECK(all.count(Code::UnreachableRule) == 0);
    // A facts block provides its templates too.
    auto block = with_vocabulary(rules + "facts { ghost(id: a) }\n");
    warn_rules_that_cannot_fire(*block.program, {}, block.sink);
    // Without person facts: chained, negated and counted (their first pattern) and noted (note comes only from negated).
    CHECK(block.count(Code::UnreachableRule) == 4);
}

TEST_CASE("Rendered checker diagnostics show file, line, caret and code", "[check]") {
    auto c = with_vocabulary("facts { institutoin(id: nato) }\n");
    std::string out = c.rendered();
    CHECK_THAT(out, Contains("test0.rules:7:9: error[E0101]: unknown template 'institutoin'; did you mean "
                             "'institution'?"));
    CHECK_THAT(out, Contains(" 7 | facts { institutoin(id: nato) }\n   |         ^~~~~~~~~~~\n"));
}

TEST_CASE("Edge cases: salience range, fact variables as values, comparisons, weights, aggregates", "[check]") {
    auto salience = with_vocabulary("rule r salience 99999999999 { then halt }\n");
    CHECK_THAT(REQUIRE_DIAG(salience, Code::TypeMismatch, "99999999999").message, Contains("is out of range"));

    auto fact_value = with_vocabulary("rule r { when ?f <- person(name: ?p) then print \"{?f}\" retract ?f }\n");
    CHECK(REQUIRE_DIAG(fact_value, Code::TypeMismatch, "{?f}").message ==
          "?f is bound to a fact, not to a value; use it with retract or modify");

    auto compare = with_vocabulary("rule r { when person(name: ?p) test ?p == 1 then halt }\n");
    CHECK(REQUIRE_DIAG(compare, Code::TypeMismatch, "?p == 1").message ==
          "'==' compares a symbol with an int, which never match");

    auto weight = with_vocabulary("rule r { when institution(id: ?i) then evidence community(?i) \"high\" }\n");
    CHECK(REQUIRE_DIAG(weight, Code::TypeMismatch, "\"high\"").message ==
          "an evidence weight must be a number in [-1, 1], but this is a string");

    auto outer = with_vocabulary("rule r { when item(price: ?x) ?s = sum(?x, item(price: ?x)) test ?s > 0 then halt }\n");
    CHECK_THAT(REQUIRE_DIAG(outer, Code::RebindVariable, "?x,").message,
               Contains("?x is already bound before the aggregate"));

    auto modify = with_vocabulary("rule r { when ?f <- person(name: ?p) then modify ?f (bron: 2, name: \"x\") }\n");
    CHECK(REQUIRE_DIAG(modify, Code::UnknownSlot, "bron").message ==
          "unknown slot 'bron' in 'person'; did you mean 'born'?");
    REQUIRE_DIAG(modify, Code::TypeMismatch, "\"x\"");

    auto action_symbol = with_vocabulary("rule r { when person(name: ?p) then assert note(text: hello) }\n");
    const auto& d = REQUIRE_DIAG(action_symbol, Code::TypeMismatch, "hello");
    CHECK(d.notes.at(0).message == "write it in quotes to make it a string: \"hello\"");

    auto not_score = with_vocabulary("rule r { when person(name: ?p) not (?c = score(trust(?p)), test ?c > 0.5) "
                                     "then print \"{?p}\" }\n");
    CHECK(not_score.program);

    Checked empty(Files{});
    REQUIRE(empty.program);
    CHECK(empty.program->templates.empty());
    CHECK(print_program(*empty.program).empty());
}
