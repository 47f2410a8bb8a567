// What the checker builds from correct input: variable numbering, binds versus tests, defaults, one-of values,
// expression types, string interpolation, and the lowering of score(...) conditions and evidence actions.
#include "check/support.hpp"

using namespace covenant;
using namespace covenant::test;

namespace {

const Program& checked_program(Checked& c) {
    INFO(c.rendered());
    REQUIRE(c.program);
    return *c.program;
}

TemplateId tid(const Program& p, std::string_view name) {
    const TemplateDef* t = p.find_template(name);
    REQUIRE(t != nullptr);
    return t->id;
}

}  // namespace

TEST_CASE("Templates: ids in order, slot types, one-of lists, defaults", "[check]") {
    Checked c(kVocabulary);
    const Program& p = checked_program(c);
    REQUIRE(p.templates.size() == 6);
    CHECK(p.templates[0].name == "person");
    CHECK(p.templates[4].name == "item");
    const TemplateDef& person = p.templates[0];
    CHECK(person.slot_index("born") == 1);
    CHECK(person.slot_index("nope") == -1);
    CHECK_FALSE(person.slots[0].default_value);
    CHECK(*person.slots[1].default_value == Value::integer(0));
    const TemplateDef& party = *p.find_template("party");
    CHECK(party.slots[1].type == Type::Symbol);
    REQUIRE(party.slots[1].one_of.size() == 2);
    CHECK(Symbols::name(party.slots[1].one_of[1]) == "authoritarian");
    CHECK(*party.slots[1].default_value == Value::symbol("democratic"));
    CHECK(p.find_template("nope") == nullptr);
}

TEST_CASE("Facts: defaults filled, ints widened in float slots, one-of accepted", "[check]") {
    Checked c(kVocabulary + "facts {\n  person(name: ann)\n  item(name: bread, price: 3)\n"
                            "  party(kind: authoritarian, name: x)\n}\n");
    const Program& p = checked_program(c);
    REQUIRE(p.facts.size() == 3);
    CHECK(p.facts[0].values == std::vector<Value>{Value::symbol("ann"), Value::integer(0)});
    CHECK(p.facts[1].values ==
          std::vector<Value>{Value::symbol("bread"), Value::real(3.0), Value::integer(1)});
    CHECK(p.facts[1].values[1].type == Type::Float);
    CHECK(p.facts[2].values == std::vector<Value>{Value::symbol("x"), Value::symbol("authoritarian")});
    CHECK(format_fact(p, p.facts[1].tmpl, p.facts[1].values.data()) == "item(name: bread, price: 3.0, count: 1)");
    CHECK(p.facts[0].span.line == 8);
}

TEST_CASE("Variables are numbered by first binding; later occurrences are joins", "[check]") {
    Checked c(kVocabulary + "template ancestor { of: symbol, is: symbol }\n"
                            "rule chain {\n  when parent(of: ?x, is: ?y)\n       ancestor(of: ?y, is: ?z)\n"
                            "  then conclude ancestor(of: ?x, is: ?z)\n}\n");
    const Program& p = checked_program(c);
    const Rule& r = *p.find_rule("chain");
    REQUIRE(r.vars.size() == 3);
    CHECK(r.vars[0].name == "x");
    CHECK(r.vars[1].name == "y");
    CHECK(r.vars[2].name == "z");
    CHECK(r.vars[0].type == Type::Symbol);
    const Pattern& first = r.conditions[0].pattern;
    REQUIRE(first.binds.size() == 2);
    CHECK(first.tests.empty());
    CHECK(first.binds[1].slot == 1);
    CHECK(first.binds[1].var == 1);
    const Pattern& second = r.conditions[1].pattern;
    REQUIRE(second.binds.size() == 1);
    CHECK(second.binds[0].var == 2);
    REQUIRE(second.tests.size() == 1);
    CHECK(second.tests[0].slot == 0);
    CHECK(second.tests[0].op == CmpOp::Eq);
    CHECK(second.tests[0].values[0].is_var);
    CHECK(second.tests[0].values[0].var == 1);
    const Action& a = r.actions[0];
    CHECK(a.kind == ActionKind::Conclude);
    CHECK(a.tmpl == tid(p, "ancestor"));
    REQUIRE(a.slots.size() == 2);
    CHECK(a.slots[1].kind == ExprKind::Var);
    CHECK(a.slots[1].var == 2);
}

TEST_CASE("A variable with a comparison binds and tests; a repeated variable is an intra-pattern test", "[check]") {
    Checked c(kVocabulary + "rule r {\n  when person(name: ?p, born: ?b < 1960)\n       parent(of: ?p, is: ?p)\n"
                            "       item(name: ?p, price: >= 2.5, count: != 0 | 1)\n"
                            "  test ?b > 0\n  then halt\n}\n");
    const Program& p = checked_program(c);
    const Rule& r = p.rules[0];
    const Pattern& person = r.conditions[0].pattern;
    REQUIRE(person.binds.size() == 2);
    REQUIRE(person.tests.size() == 1);
    CHECK(person.tests[0].slot == 1);
    CHECK(person.tests[0].op == CmpOp::Lt);
    CHECK(person.tests[0].values[0].constant == Value::integer(1960));
    const Pattern& parent = r.conditions[1].pattern;
    REQUIRE(parent.tests.size() == 2);  // both slots join on ?p, bound by the first pattern
    CHECK(parent.binds.empty());
    const Pattern& item = r.conditions[2].pattern;
    REQUIRE(item.tests.size() == 3);
    CHECK(item.tests[1].op == CmpOp::Ge);
    CHECK(item.tests[1].values[0].constant == Value::real(2.5));
    CHECK(item.tests[2].op == CmpOp::Ne);
    CHECK(item.tests[2].values.size() == 2);

    Checked same_pattern(kVocabulary + "rule r { when parent(of: ?x, is: ?x) then print \"{?x}\" }\n");
    const Pattern& q = checked_program(same_pattern).rules[0].conditions[0].pattern;
    REQUIRE(q.binds.size() == 1);
    REQUIRE(q.tests.size() == 1);
    CHECK(q.tests[0].slot == 1);
    CHECK(q.tests[0].values[0].var == q.binds[0].var);
}

TEST_CASE("Literal slot tests are typed against the slot", "[check]") {
    Checked c(kVocabulary + "rule r { when item(name: ?n, price: < 10) party(name: ?n, kind: democratic) then halt }\n");
    const Program& p = checked_program(c);
    const SlotTest& t = p.rules[0].conditions[0].pattern.tests[0];
    CHECK(t.values[0].constant.type == Type::Float);
    CHECK(t.values[0].constant == Value::real(10.0));
}

TEST_CASE("not, exists and aggregates keep their variables local", "[check]") {
    Checked c(kVocabulary +
              "rule r {\n  when person(name: ?p)\n       not parent(of: ?p, is: ?_q)\n"
              "       exists (parent(is: ?p, of: ?_c), person(name: ?_c))\n"
              "       ?n = count(parent(is: ?p))\n       ?s = sum(?pr, item(price: ?pr))\n"
              "       ?m = max(?k, item(count: ?k))\n       ?a = avg(?k2, item(count: ?k2))\n"
              "  test ?n >= 3 and ?s > 1.0 and ?m > 0 and ?a > 0\n"
              "  then assert note(text: \"{?p} has {?n} children\")\n}\n");
    const Program& p = checked_program(c);
    const Rule& r = p.rules[0];
    REQUIRE(r.conditions.size() == 8);
    CHECK(r.conditions[1].kind == CondKind::Not);
    REQUIRE(r.conditions[1].group.size() == 1);
    CHECK(r.conditions[2].kind == CondKind::Exists);
    CHECK(r.conditions[2].group.size() == 2);
    const Condition& count = r.conditions[3];
    CHECK(count.kind == CondKind::Aggregate);
    CHECK(count.agg == AggOp::Count);
    CHECK(count.over == kNoVar);
    CHECK(r.vars[count.result].name == "n");
    CHECK(r.vars[count.result].type == Type::Int);
    CHECK(count.pattern.tests.size() == 1);  // ?p joins
    const Condition& sum = r.conditions[4];
    CHECK(sum.agg == AggOp::Sum);
    CHECK(r.vars[sum.over].name == "pr");
    CHECK(r.vars[sum.result].type == Type::Float);
    CHECK(r.vars[r.conditions[5].result].type == Type::Int);    // max over an int slot
    CHECK(r.vars[r.conditions[6].result].type == Type::Float);  // avg is always a float
    CHECK(r.conditions[7].test.type == Type::Bool);
    const Expr& text = r.actions[0].slots[0];
    REQUIRE(text.kind == ExprKind::Format);
    REQUIRE(text.args.size() == 4);
    CHECK(text.args[0].kind == ExprKind::Var);
    CHECK(text.args[1].value == Value::string(" has "));
    CHECK(text.args[2].var == count.result);
    CHECK(text.args[3].value == Value::string(" children"));
}

TEST_CASE("score(...) conditions and evidence actions share one score template per predicate and arity", "[check]") {
    Checked c(kVocabulary +
              "template architecture { institution: symbol, type: symbol }\n"
              "norm shared_values \"Membership is conditional\" {\n  when institution(id: ?i, values_clause: true)\n"
              "  then evidence community(?i) 0.35 \"membership of {?i} is conditional\"\n}\n"
              "rule classify salience 5 {\n  when institution(id: ?i)\n       ?c = score(community(?i))\n"
              "       ?b = score(balance_of_power(?i, x))\n  test ?c >= 0.6 and ?b < 0.4\n"
              "  then conclude architecture(institution: ?i, type: community)\n"
              "       evidence community(?i, 2) -1 \n}\n");
    const Program& p = checked_program(c);
    const TemplateDef* community = p.find_score_template("community", 1);
    REQUIRE(community != nullptr);
    CHECK(community->is_score);
    CHECK(community->name == "community/1");
    CHECK(community->predicate == "community");
    REQUIRE(community->slots.size() == 2);
    CHECK(community->slots[0].name == "arg1");
    CHECK(community->slots[0].type == Type::Any);
    CHECK(community->slots[1].name == "value");
    CHECK(community->slots[1].type == Type::Float);
    CHECK(community->id == 7);  // after the 7 declared templates, in order of first use
    REQUIRE(p.find_score_template("balance_of_power", 2));
    CHECK(p.find_score_template("balance_of_power", 2)->id == 8);
    REQUIRE(p.find_score_template("community", 2));
    CHECK(p.find_score_template("community", 2)->id == 9);
    CHECK(p.find_score_template("community", 3) == nullptr);

    const Rule& norm = p.rules[0];
    CHECK(norm.kind == RuleKind::Norm);
    CHECK(rule_kind_name(norm.kind) == "norm");
    CHECK(norm.doc == "Membership is conditional");
    const Action& ev = norm.actions[0];
    CHECK(ev.kind == ActionKind::Evidence);
    CHECK(ev.tmpl == community->id);
    REQUIRE(ev.slots.size() == 1);
    CHECK(ev.slots[0].kind == ExprKind::Var);
    CHECK(ev.weight.kind == ExprKind::Const);
    CHECK(ev.weight.value == Value::real(0.35));
    CHECK(ev.text.kind == ExprKind::Format);

    const Rule& cls = *p.find_rule("classify");
    CHECK(cls.salience == 5);
    CHECK(cls.id == 1);
    const Condition& score = cls.conditions[1];
    CHECK(score.kind == CondKind::Aggregate);
    CHECK(score.agg == AggOp::Score);
    CHECK(score.pattern.tmpl == community->id);
    REQUIRE(score.pattern.tests.size() == 1);
    CHECK(score.pattern.tests[0].slot == 0);
    CHECK(score.pattern.tests[0].values[0].var == 0);  // ?i
    REQUIRE(score.pattern.binds.size() == 1);
    CHECK(score.pattern.binds[0].slot == 1);  // value
    CHECK(score.pattern.binds[0].var == score.over);
    CHECK(cls.vars[score.over].name == "#score");
    CHECK(cls.vars[score.result].name == "c");
    CHECK(cls.vars[score.result].type == Type::Float);
    const Condition& bop = cls.conditions[2];
    REQUIRE(bop.pattern.tests.size() == 2);
    CHECK(bop.pattern.tests[1].values[0].constant == Value::symbol("x"));
    const Action& ev2 = cls.actions[1];
    CHECK(ev2.weight.value == Value::real(-1.0));
    CHECK(ev2.text.kind == ExprKind::Const);
    CHECK(ev2.text.value == Value::string(""));
    CHECK(format_fact(p, community->id, std::vector<Value>{Value::symbol("nato"), Value::real(0.35)}.data()) ==
          "score community(nato) = 0.35");
}

TEST_CASE("Actions: defaults, retract, modify, print, halt", "[check]") {
    Checked c(kVocabulary + "rule r {\n  when ?f <- person(name: ?p, born: ?b)\n"
                            "  then conclude party(name: ?p)\n       assert item(name: ?p, price: ?b * 2)\n"
                            "       modify ?f (born: ?b + 1)\n       retract ?f\n       print \"plain \\{text}\"\n"
                            "       halt\n}\n");
    const Program& p = checked_program(c);
    const Rule& r = p.rules[0];
    REQUIRE(r.vars.size() == 3);
    CHECK(r.vars[0].is_fact);
    CHECK(r.conditions[0].pattern.fact_var == 0);
    REQUIRE(r.actions.size() == 6);
    const Action& party = r.actions[0];
    REQUIRE(party.slots.size() == 2);
    CHECK(party.slots[1].kind == ExprKind::Const);
    CHECK(party.slots[1].value == Value::symbol("democratic"));
    const Action& item = r.actions[1];
    // An int expression stored in a float slot is converted explicitly.
    CHECK(item.slots[1].kind == ExprKind::Call);
    CHECK(item.slots[1].fn == Builtin::Float);
    CHECK(item.slots[1].args[0].type == Type::Int);
    CHECK(item.slots[2].value == Value::integer(1));
    const Action& modify = r.actions[2];
    CHECK(modify.kind == ActionKind::Modify);
    CHECK(modify.target == 0);
    REQUIRE(modify.changes.size() == 1);
    CHECK(modify.changes[0].first == 1);
    CHECK(modify.changes[0].second.op == ExprOp::Add);
    CHECK(r.actions[3].kind == ActionKind::Retract);
    CHECK(r.actions[3].target == 0);
    CHECK(r.actions[4].text.kind == ExprKind::Const);
    CHECK(r.actions[4].text.value == Value::string("plain {text}"));
    CHECK(r.actions[5].kind == ActionKind::Halt);
}

TEST_CASE("Expression types: promotion, division, comparisons, builtins", "[check]") {
    Checked c(kVocabulary + "rule r {\n  when item(name: ?n, price: ?p, count: ?k)\n"
                            "  test ?k + 1 > 0\n  test ?k * ?p > 0\n  test ?k / 2 > 0\n  test not (?k == 1) or ?n == x\n"
                            "  test div(?k, 2) == mod(?k, 3) and abs(-?p) > sqrt(?p)\n"
                            "  test str(?n) == \"x\" and sym(\"y\") != ?n and round(?p) > int(\"2\")\n"
                            "  then halt\n}\n");
    const Program& p = checked_program(c);
    const Rule& r = p.rules[0];
    auto lhs = [&](int i) -> const Expr& { return r.conditions[static_cast<std::size_t>(i)].test.args[0]; };
    CHECK(lhs(1).type == Type::Int);
    CHECK(lhs(2).type == Type::Float);
    CHECK(lhs(3).type == Type::Float);
    CHECK(r.conditions[4].test.op == ExprOp::Or);
    CHECK(r.conditions[4].test.args[0].op == ExprOp::Not);
    const Expr& calls = r.conditions[5].test;
    CHECK(calls.args[0].args[0].fn == Builtin::Div);
    CHECK(calls.args[0].args[0].type == Type::Int);
    CHECK(calls.args[1].args[0].args[0].op == ExprOp::Neg);
    CHECK(calls.args[1].args[0].type == Type::Float);
    CHECK(calls.args[1].args[1].fn == Builtin::Sqrt);
}

TEST_CASE("Packs order templates and rules: used packs first", "[check]") {
    Checked c(Files{"pack app.main\nuse app.base\ntemplate b { x: int }\nrule second { then halt }\n",
               "pack app.base \"the base\"\ntemplate a { x: int }\nrule first { then halt }\n"});
    const Program& p = checked_program(c);
    REQUIRE(p.packs.size() == 2);
    CHECK(p.packs[0].name == "app.base");
    CHECK(p.packs[0].doc == "the base");
    CHECK(p.packs[0].file == 2);
    CHECK(p.packs[1].uses == std::vector<PackId>{0});
    CHECK(p.templates[0].name == "a");
    CHECK(p.templates[0].pack == 0);
    CHECK(p.templates[1].name == "b");
    CHECK(p.templates[1].pack == 1);
    CHECK(p.rules[0].name == "first");
    CHECK(p.rules[1].name == "second");
    CHECK(p.rules[1].id == 1);
}

TEST_CASE("check_fact checks one fact against a program", "[check]") {
    Checked c(kVocabulary);
    const Program& p = checked_program(c);
    SourceManager sm;
    DiagnosticSink sink;
    FileId id = sm.add("repl", "person(name: zed)");
    auto term = parse_fact(sm.file(id), sink);
    REQUIRE(term);
    auto fact = check_fact(*term, p, sink);
    REQUIRE(fact);
    CHECK(fact->values == std::vector<Value>{Value::symbol("zed"), Value::integer(0)});
    FileId bad = sm.add("repl", "person(born: x)");
    auto term2 = parse_fact(sm.file(bad), sink);
    REQUIRE(term2);
    CHECK_FALSE(check_fact(*term2, p, sink));
    CHECK(sink.error_count() == 2);  // born holds an int; name is missing
}
