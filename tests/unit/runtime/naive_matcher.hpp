// The naive matcher: the test suite's oracle for the Rete matcher (issue 9). It is written to be obviously right, not
// fast: no network, no indexes, no incremental state. Given the live facts, it finds every match of every rule by
// nested loops over the conditions in order, evaluating `not` / `exists` groups by searching them to the first match
// and computing every aggregate from scratch over all facts.
//
// What it shares with the engine, on purpose: the checked Program (what a rule means after the checker resolved names,
// numbered variables and filled defaults), Value with its comparisons (equal_for_match, compare: the definition of
// equality and order on values), and the expression evaluator (evaluate_test: what `1 + ?x > 2` means). Everything the
// matcher decides — which facts meet which slot test, how variables join, what a group or an aggregate gives — is
// written again here, plainly, from the language's definition in docs/language.md §5 and program.hpp.
#pragma once

#include <string>
#include <vector>

#include "program/program.hpp"
#include "runtime/engine.hpp"

namespace covenant::testing {

// A rule as the oracle names matches: its name, and for one branch of a rule's `or` which branch (the branches are
// separate rules with one name, program.hpp).
inline std::string rule_label(const Rule& r) {
    return r.disjuncts > 1 ? r.name + "/" + std::to_string(r.disjunct + 1) : r.name;
}


struct NaiveFact {
    FactId id = kNoFact;
    TemplateId tmpl = 0;
    std::vector<Value> values;
};

struct NaiveMatch {
    RuleId rule = 0;
    std::vector<FactId> facts;    // the facts of the top-level positive patterns, in condition order
    std::vector<Value> bindings;  // per VarId; Any for variables local to a group or an aggregate's pattern
};

// Every match of every rule of `p` over `facts` (in no defined order; one entry per distinct match).
std::vector<NaiveMatch> naive_matches(const Program& p, const std::vector<NaiveFact>& facts);

// The live facts of an engine, as the naive matcher reads them.
std::vector<NaiveFact> live_facts(const Engine& e);

// A match as one line of text: "rule [f1 f2] ?x=1 ?n=2" (variables by name; local ones left out). Two matches are the
// same match exactly when their texts are equal.
std::string match_text(const Program& p, RuleId rule, const std::vector<FactId>& facts,
                       const std::vector<Value>& bindings);

}  // namespace covenant::testing
