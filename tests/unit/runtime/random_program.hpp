// Random rule programs and random change sequences for the oracle test (test_oracle.cpp). Programs are made as rule
// language text, so a failure prints a program that `covenant check` / `covenant repl` read as it is, and so the
// parser and checker are on the path too.
//
// Every program shares one vocabulary: three templates given from outside (a, b, c: small ints), two concluded ones
// (p, q) and one evidence predicate e/1. Rules draw from every condition kind the language has: patterns joining on
// one to three slots, constants, comparisons with constants and variables, alternatives, `!=`, intra-pattern tests,
// `?f <-`, constant expressions (constants from constants, comparands, saliences), user functions in tests,
// `or` (split into one rule per branch) and `forall`, `not` / `exists` of a pattern or a group (with negation nested inside), `test`, every aggregate (count,
// sum, min, max, avg, several in one rule over one template with different filters, and inside groups) and `score`;
// actions conclude (chains and support cycles through p and q), evidence, assert, modify and retract, with salience.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "runtime/engine.hpp"

namespace covenant::testing {

struct RuleSpec {
    std::string name;
    int salience = 0;
    std::vector<std::string> conditions;  // one condition each, as written
    std::vector<std::string> actions;     // one action each, as written
};

struct ProgramSpec {
    std::vector<std::string> facts;       // the facts block: given facts, as written
    std::vector<RuleSpec> rules;
    std::string text() const;             // the whole program, header included
};

// One change made from outside the rules. Facts are named by their values, so a step means the same thing after the
// sequence around it was shrunk.
struct Step {
    enum class Kind { Assert, Retract, Modify, Run, Strategy } kind = Kind::Run;
    std::string tmpl;            // Assert/Retract/Modify: a, b or c
    std::vector<int> values;     // Assert/Retract/Modify: the fact's slot values
    int slot = 0;                // Modify: the slot changed
    int value = 0;               // Modify: its new value
    int choice = 0;              // Retract/Modify without values yet: which live given fact (modulo their number);
                                 // the first run fills in tmpl and values, so the step then names its fact
    int firings = 1;             // Run: at most this many firings
    Strategy strategy = Strategy::Depth;
    // As a `covenant repl` command (Strategy: a comment, the REPL has no strategy command).
    std::string text() const;
};

ProgramSpec random_program(std::mt19937& rng);
std::vector<Step> random_steps(std::mt19937& rng, std::size_t n);

// The slot names and counts of the given templates (a: x y z, b: x y, c: x).
const std::vector<std::string>& given_slots(const std::string& tmpl);

// Asserts the facts of the Assert steps into `e` (a program over the shared vocabulary), in order; the other steps
// are left out.
void assert_steps(Engine& e, const Program& p, const std::vector<Step>& steps);

}  // namespace covenant::testing
