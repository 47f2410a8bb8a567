// Test support for the explanation tests: a program checked from text, fact files read from text, an engine run over
// both, and slot-value targets built by slot name.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "check/check.hpp"
#include "explain/whynot.hpp"
#include "kb/fact_file.hpp"
#include "runtime/engine.hpp"
#include "syntax/parse.hpp"

namespace covenant::test {

// A program checked from one rule text, plus an engine over it. Fails the test with the rendered diagnostics when the
// text does not check.
struct Session {
    SourceManager sm;
    DiagnosticSink sink{100};
    std::optional<Program> program;
    std::unique_ptr<Engine> engine;

    explicit Session(const std::string& rules, const std::string& name = "test.rules") {
        FileId id = sm.add(name, rules);
        std::vector<ast::Unit> units{parse_unit(sm.file(id), sink)};
        if (!sink.has_errors()) program = check_units(units, sm, sink);
        if (!program) FAIL(render_all(sink, sm));
        engine = std::make_unique<Engine>(*program);
        engine->set_sources(&sm);
        engine->reset();
    }

    // Loads rule files from disk (with `use` resolved under `search`).
    Session(const std::vector<std::string>& files, const std::string& search) {
        LoadOptions options;
        options.search_path = {search};
        program = load_program(files, options, sm, sink);
        if (!program) FAIL(render_all(sink, sm));
        engine = std::make_unique<Engine>(*program);
        engine->set_sources(&sm);
        engine->reset();
    }

    // Reads a YAML fact file registered under `name` and returns its facts (asserting nothing).
    std::vector<InitialFact> facts_from_yaml(const std::string& name, const std::string& text) {
        FileId id = sm.add(name, text);
        auto file = read_fact_file(sm.file(id), *program, sink);
        if (!file) FAIL(render_all(sink, sm));
        return file->facts;
    }

    std::vector<InitialFact> facts_from_disk(const std::string& path) {
        std::string error;
        FileId id = sm.load(path, error);
        if (id == 0) FAIL(error);
        auto file = read_fact_file(sm.file(id), *program, sink);
        if (!file) FAIL(render_all(sink, sm));
        return file->facts;
    }

    void assert_all(const std::vector<InitialFact>& facts) {
        for (const auto& f : facts) engine->assert_fact(f.tmpl, f.values, f.span);
    }

    TemplateId tmpl(const std::string& name) const {
        const TemplateDef* t = program->find_template(name);
        REQUIRE(t != nullptr);
        return t->id;
    }

    // A target with the named slots fixed; values are symbols unless given as Values.
    WhyNotTarget target(const std::string& name, const std::vector<std::pair<std::string, Value>>& fixed) const {
        const TemplateDef* t = program->find_template(name);
        REQUIRE(t != nullptr);
        WhyNotTarget out;
        out.tmpl = t->id;
        out.slots.assign(t->slots.size(), std::nullopt);
        for (const auto& [slot, value] : fixed) {
            int s = t->slot_index(slot);
            REQUIRE(s >= 0);
            out.slots[static_cast<std::size_t>(s)] = value;
        }
        return out;
    }

    const WhyNotRule* rule_in(const WhyNotReport& report, const std::string& name) const {
        for (const auto& r : report.rules)
            if (program->rules[r.rule].name == name) return &r;
        return nullptr;
    }
};

inline Value sym(const char* s) { return Value::symbol(s); }

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

inline bool any_contains(const std::vector<std::string>& items, const std::string& needle) {
    for (const auto& s : items)
        if (contains(s, needle)) return true;
    return false;
}

}  // namespace covenant::test
