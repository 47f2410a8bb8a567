// Helpers shared by the runtime tests.
#pragma once

#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "program_builder.hpp"
#include "runtime/engine.hpp"

namespace covenant::testing {

// Resets `e`, runs it until it stops and returns what its rules printed; the run's result goes to `result` if given.
inline std::string run_printed(Engine& e, RunResult* result = nullptr) {
    std::ostringstream out;
    e.set_output(out);
    e.reset();
    RunResult r = e.run();
    e.set_output(std::cout);
    if (result) *result = std::move(r);
    return out.str();
}

// The lines of `text` as a set (std::multiset to count repeats), for output whose order does not matter.
template <typename Set = std::set<std::string>>
Set lines_of(const std::string& text) {
    Set out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.insert(line);
    return out;
}

// The live facts of a template as "v1,v2,..." strings (a set, so tests do not depend on fact ids).
inline std::set<std::string> facts_text(const Engine& e, TemplateId t) {
    std::set<std::string> out;
    for (FactId id : e.facts_of(t)) {
        std::string s;
        for (const auto& v : e.fact(id).values) s += (s.empty() ? "" : ",") + to_source(v);
        out.insert(s);
    }
    return out;
}

inline std::vector<Value> vals(std::initializer_list<Value> v) { return std::vector<Value>(v); }

// Records every firing as "rule(fact ids)" and every activation change.
struct RecordingTrace : TraceListener {
    const Program* program = nullptr;
    std::vector<std::string> fired;
    void on_fire(std::uint64_t, RuleId r, std::span<const FactId> facts) override {
        std::string s = program->rules[r].name + "(";
        for (std::size_t i = 0; i < facts.size(); ++i) s += (i ? "," : "") + std::to_string(facts[i]);
        fired.push_back(s + ")");
    }
};

}  // namespace covenant::testing
