// Run-time errors as data: a failed action or test is a Diagnostic (code E0301, the span of the action or expression
// in the rule text, a message naming the rule, a note at the rule naming the firing's facts), and render_run_error
// prints it as the one line that `covenant run` and the REPL have always printed.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "rules_text.hpp"
#include "runtime/engine.hpp"

using namespace covenant;
using namespace covenant::testing;

namespace {

// The program of `text`, run from its facts blocks until it stops on its one run-time error.
struct FailedRun {
    std::unique_ptr<Loaded> loaded;
    std::unique_ptr<Engine> engine;
    RunResult result;
    const Diagnostic& error() const { return result.errors.front(); }
};

FailedRun run_to_error(const std::string& text) {
    FailedRun f;
    f.loaded = load(text);
    f.engine = std::make_unique<Engine>(*f.loaded->program);
    f.engine->set_sources(&f.loaded->sm);
    f.engine->reset();
    f.result = f.engine->run();
    CHECK(f.result.reason == StopReason::Error);
    REQUIRE(f.result.errors.size() == 1);
    CHECK(f.error().severity == Severity::Error);
    CHECK(f.error().code == Code::RuntimeError);
    REQUIRE(f.error().notes.size() == 1);
    return f;
}

}  // namespace

TEST_CASE("run errors: a failed action carries its code, the action's span and the rule", "[runtime][errors]") {
    FailedRun f = run_to_error("template item { name: symbol, count: int }\n"
                               "template ratio { of: symbol, v: int }\n"
                               "facts { item(name: a, count: 0) }\n"
                               "rule divide {\n"
                               "  when item(name: ?n, count: ?k)\n"
                               "  then assert ratio(of: ?n, v: div(10, ?k))\n"
                               "}\n");
    const Diagnostic& d = f.error();
    CHECK(d.span.line == 6);
    CHECK(d.span.col == 8);  // the `assert` action
    CHECK(d.message == "in rule 'divide': division by zero in div()");
    CHECK(d.notes[0].span.line == 4);  // the rule
    CHECK(d.notes[0].message == "rule 'divide' is defined here; the failed firing matched f-0");
    CHECK(f.engine->facts_of(f.loaded->program->find_template("ratio")->id).empty());

    // The form every caller prints, byte for byte as before run-time errors were diagnostics.
    const std::string line = "6:8: error[E0301]: in rule 'divide': division by zero in div()";
    CHECK(render_run_error(d, f.engine->sources()) == "test.rules:" + line);
    CHECK(render_run_error(d, nullptr) == "<file 1>:" + line);
    // The compiler-style renderer of load-time diagnostics shows the action and the rule.
    std::string full = render(d, f.loaded->sm);
    CHECK(full.find(" 6 |   then assert ratio") != std::string::npos);
    CHECK(full.find("test.rules:4:") != std::string::npos);
}

TEST_CASE("run errors: a value outside a slot's range is located at the action", "[runtime][errors]") {
    FailedRun f = run_to_error("template counter { n: int >= 1 }\n"
                               "facts { counter(n: 2) }\n"
                               "rule shrink {\n"
                               "  when ?c <- counter(n: ?n)\n"
                               "  then modify ?c (n: ?n - 1)\n"
                               "}\n");
    CHECK(f.result.firings == 2);
    const Diagnostic& d = f.error();
    CHECK(d.span.line == 5);
    CHECK(d.span.col == 8);  // the `modify` action
    CHECK(d.message.starts_with("in rule 'shrink': 0 is outside the slot's range"));
    CHECK(d.notes[0].message.find("rule 'shrink'") != std::string::npos);
    // The firing that failed matched the fact the first firing made (f-1); the fact is not changed again.
    INFO(d.notes[0].message);
    CHECK(d.notes[0].message.ends_with("matched f-1"));
    REQUIRE(f.engine->facts().size() == 1);
    CHECK(to_source(f.engine->fact(f.engine->facts()[0]).values[0]) == "1");
}

TEST_CASE("run errors: a failed test is located at its expression and names the rule", "[runtime][errors]") {
    FailedRun f = run_to_error("template item { name: symbol, count: int }\n"
                               "facts { item(name: a, count: 0) }\n"
                               "rule ratio {\n"
                               "  when item(name: ?n, count: ?k)\n"
                               "  test div(10, ?k) > 1\n"
                               "  then print \"{?n}\"\n"
                               "}\n");
    CHECK(f.result.firings == 0);
    const Diagnostic& d = f.error();
    CHECK(d.span.line == 5);
    CHECK(d.span.col >= 8);  // within the test's expression
    CHECK(d.message.starts_with("in rule 'ratio': "));
    CHECK(d.notes[0].message == "rule 'ratio' is defined here");  // no firing: no facts to name
}
