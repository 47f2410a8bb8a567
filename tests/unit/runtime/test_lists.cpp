// Lists (`members: list of symbol`): literals in facts blocks and actions, YAML sequences in fact files, `has` in
// slot constraints, `in` and the list functions in expressions, printing and reading back. Expected values are
// worked out by hand in each test.
#include <catch2/catch.hpp>

#include <sstream>

#include "kb/fact_file.hpp"
#include "kb/fact_writer.hpp"
#include "rules_text.hpp"
#include "test_util.hpp"

using namespace covenant;
using namespace covenant::testing;
using S = std::set<std::string>;

namespace {

const char* kAlliances = R"(
template alliance { id: symbol, members: list of symbol, shares: list of float }
template member   { state: symbol, of: symbol }
template size     { id: symbol, n: int }
facts {
  alliance(id: nato, members: [us, fr, de], shares: [1, 0.5])
  alliance(id: sco, members: [cn, ru])
  alliance(id: none)
}
)";

}  // namespace

TEST_CASE("lists: values, defaults and int items in a list of float", "[runtime][lists]") {
    auto l = load(kAlliances);
    const Program& p = *l->program;
    const TemplateDef* a = p.find_template("alliance");
    REQUIRE(a->slots[1].type == Type::List);
    CHECK(a->slots[1].element == Type::Symbol);
    REQUIRE(p.facts.size() == 3);
    const Value& members = p.facts[0].values[1];
    REQUIRE(members.type == Type::List);
    REQUIRE(members.items().size() == 3);
    CHECK(members.items()[1] == Value::symbol("fr"));
    CHECK(p.facts[0].values[2] == Value::of_list(std::vector<Value>{Value::real(1.0), Value::real(0.5)}));
    CHECK(p.facts[2].values[1] == Value::of_list({}));  // left out: empty, as a CLIPS multislot
    // Equal lists are one interned value.
    CHECK(Value::of_list(std::vector<Value>{Value::symbol("cn"), Value::symbol("ru")}) == p.facts[1].values[1]);
    CHECK(to_source(members) == "[us, fr, de]");
    CHECK(to_display(members) == "us, fr, de");
}

TEST_CASE("lists: has in patterns, in and the list functions in rules", "[runtime][lists]") {
    auto l = load(std::string(kAlliances) + R"(
facts { member(state: fr, of: nato) member(state: cn, of: nato) member(state: cn, of: sco) }
rule listed {
  when member(state: ?s, of: ?a)
       alliance(id: ?a, members: has ?s)
  then print "{?s} is listed in {?a}"
}
rule has_constant {
  when alliance(id: ?a, members: has de | ru)
  then print "{?a} has de or ru"
}
rule sizes {
  when alliance(id: ?a, members: ?m)
       test length(?m) > 0 and not (xx in ?m)
  then conclude size(id: ?a, n: length(append(rest(?m), first(?m))))
       print "{?a}: first {?m}"
}
rule nth_item {
  when alliance(id: nato, members: ?m)
       test nth(?m, 3) == de
  then print "third is de"
}
)");
    Engine e(*l->program);
    RunResult r;
    std::string out = run_printed(e, &r);
    CHECK(r.errors.empty());
    CHECK(lines_of(out) == S{"fr is listed in nato", "cn is listed in sco", "nato has de or ru",
                                "sco has de or ru", "nato: first us, fr, de", "sco: first cn, ru", "third is de"});
    CHECK(facts_text(e, l->program->find_template("size")->id) == S{"nato,3", "sco,2"});
}

TEST_CASE("lists: errors at run time are located, not crashes", "[runtime][lists]") {
    auto l = load(std::string(kAlliances) + R"(
rule bad {
  when alliance(id: none, members: ?m)
  then print "{?m}"
       assert size(id: none, n: nth(?m, 1))
}
)");
    Engine e(*l->program);
    RunResult r;
    run_printed(e, &r);
    REQUIRE_FALSE(r.errors.empty());
    CHECK(r.errors[0].message.find("nth(1) of a list of 0 items") != std::string::npos);
}

TEST_CASE("lists: checked types", "[check][lists]") {
    auto bad = compile_rules(std::string(kAlliances) + R"(
facts { alliance(id: x, members: [1, 2]) }
rule r1 { when alliance(id: has x) then halt }
rule r2 { when alliance(members: has 3) then halt }
)");
    std::string text = render_all(bad->sink, bad->sm);
    INFO(text);
    CHECK_FALSE(bad->program);
    CHECK(text.find("slot 'members' of 'alliance' holds a symbol, but this is the int 1") != std::string::npos);
    CHECK(text.find("`has` looks in a list, but slot 'id' of 'alliance' holds a symbol") != std::string::npos);
    CHECK(text.find("but this is the int 3") != std::string::npos);
}

TEST_CASE("lists: fact files read YAML sequences, both styles, and report bad items", "[kb][lists]") {
    auto l = load(kAlliances);
    SourceManager sm;
    DiagnosticSink sink;
    FileId id = sm.add("case.yaml", "facts:\n  alliance:\n    - {id: a, members: [x, y]}\n    - id: b\n      members:\n"
                                    "        - z\n      shares: [2, 0.25]\n");
    auto file = read_fact_file(sm.file(id), *l->program, sink);
    INFO(render_all(sink, sm));
    REQUIRE(file);
    REQUIRE(file->facts.size() == 2);
    CHECK(to_source(file->facts[0].values[1]) == "[x, y]");
    CHECK(to_source(file->facts[1].values[1]) == "[z]");
    CHECK(to_source(file->facts[1].values[2]) == "[2.0, 0.25]");

    DiagnosticSink bad_sink;
    FileId bad = sm.add("bad.yaml", "facts:\n  alliance:\n    - {id: a, members: [x, 3]}\n");
    auto none = read_fact_file(sm.file(bad), *l->program, bad_sink);
    std::string text = render_all(bad_sink, sm);
    CHECK(text.find("bad.yaml:3:28: error[E0206]: expected a symbol in the list of slot 'members'") !=
          std::string::npos);
}

TEST_CASE("lists: the checked program prints back to text that checks the same", "[check][lists]") {
    auto l = load(std::string(kAlliances) + R"(
rule r { when alliance(id: ?a, members: has fr) test length([?a, x]) == 2 then conclude size(id: ?a, n: 1) }
)");
    std::string printed = print_program(*l->program);
    CHECK(printed.find("members: list of symbol,") != std::string::npos);
    CHECK(printed.find("members: has fr") != std::string::npos);
    auto again = load(printed);
    CHECK(print_program(*again->program) == printed);
}
