// Shared inputs for the [syntax] tests: the example file of issue 2 (section 2), verbatim, and a parse helper.
#include "fixtures.hpp"

namespace covenant::test {

const char* const kIssueExample = R"(# comment to end of line
pack examples.family "Ancestors: joins, negation, aggregates and truth maintenance"
use examples.common                       # templates and rules of another pack

template person   { name: symbol, born: int = 0 }
template parent   { of: symbol, is: symbol }
template ancestor { of: symbol, is: symbol }
template note     { text: string }
template party    { name: symbol, kind: one of (democratic | authoritarian) = democratic }

facts {
  person(name: ann, born: 1950)
  person(name: bob, born: 1975)
  parent(of: bob, is: ann)
}

rule ancestor_direct "A parent is an ancestor" {
  when parent(of: ?x, is: ?y)
  then conclude ancestor(of: ?x, is: ?y)      # logically supported: goes away when its support does
}

rule ancestor_chain {
  when parent(of: ?x, is: ?y)
       ancestor(of: ?y, is: ?z)
  then conclude ancestor(of: ?x, is: ?z)
}

rule orphan salience -10 {
  when person(name: ?p)
       not parent(of: ?p)
  then print "{?p} has no recorded parent"
}

rule big_family {
  when person(name: ?p, born: ?b < 1960)
       ?n = count(parent(is: ?p))
       test ?n >= 3
  then assert note(text: "{?p} has {?n} children")   # unconditional, like CLIPS assert
}

rule rename {
  when ?f <- person(name: bob)
  then modify ?f (born: 1976)
}

# the last two rules use the domain vocabulary's templates (institution, architecture), defined in rules/core
norm shared_values "Membership is conditional on democratic values" {
  when institution(id: ?i, values_clause: true)
  then evidence community(?i) 0.35 "membership is conditional on democratic values"
}

rule classify_community {
  when institution(id: ?i)
       ?c = score(community(?i))
       ?b = score(balance_of_power(?i))
       test ?c >= 0.6 and ?b < 0.4
  then conclude architecture(institution: ?i, type: community)
}
)";

Parsed parse_text(const std::string& text) {
    Parsed p;
    p.sources = std::make_unique<SourceManager>();
    FileId id = p.sources->add("test.rules", text);
    p.unit = parse_unit(p.sources->file(id), p.sink);
    return p;
}

std::string describe(const DiagnosticSink& sink) {
    std::string out;
    for (const auto& d : sink.diagnostics())
        out += fmt::format("{}:{}: {} {}\n", d.span.line, d.span.col, code_id(d.code), d.message);
    return out;
}

}  // namespace covenant::test
