// Test support for the checker tests: parse + check a text, find diagnostics by code, locate text in the input, and
// compare two programs structurally (ignoring spans and pack structure, which the round-trip printer flattens).
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/check.hpp"
#include "syntax/parse.hpp"

namespace covenant::test {

// A line/column in a test input.
struct Loc {
    std::uint32_t line = 0;
    std::uint32_t col = 0;
};

// Where the `occurrence`-th (1-based) appearance of `needle` starts in `text`.
inline Loc loc(std::string_view text, std::string_view needle, int occurrence = 1) {
    std::size_t pos = std::string_view::npos;
    std::size_t from = 0;
    for (int i = 0; i < occurrence; ++i) {
        pos = text.find(needle, from);
        if (pos == std::string_view::npos) {
            FAIL("test input does not contain '" << needle << "'");
            return {};
        }
        from = pos + 1;
    }
    Loc l{1, 1};
    for (std::size_t i = 0; i < pos; ++i) {
        if (text[i] == '\n') {
            ++l.line;
            l.col = 1;
        } else {
            ++l.col;
        }
    }
    return l;
}

using Files = std::vector<std::string>;

// Parses each text as its own file and checks them together. A parse error fails the test (these tests are about
// the checker) with the rendered diagnostics shown.
struct Checked {
    SourceManager sm;
    DiagnosticSink sink{200};
    std::vector<std::string> texts;
    std::optional<Program> program;

    explicit Checked(std::vector<std::string> files) : texts(std::move(files)) {
        std::vector<ast::Unit> units;
        for (std::size_t i = 0; i < texts.size(); ++i) {
            FileId id = sm.add("test" + std::to_string(i) + ".rules", texts[i]);
            units.push_back(parse_unit(sm.file(id), sink));
        }
        INFO(render_all(sink, sm));
        REQUIRE_FALSE(sink.has_errors());
        program = check_units(units, sm, sink);
    }
    explicit Checked(std::string text) : Checked(std::vector<std::string>{std::move(text)}) {}

    std::string rendered() const { return render_all(sink, sm); }

    std::size_t count(Code c) const {
        std::size_t n = 0;
        for (const auto& d : sink.diagnostics())
            if (d.code == c) ++n;
        return n;
    }
    const Diagnostic* first(Code c) const {
        for (const auto& d : sink.diagnostics())
            if (d.code == c) return &d;
        return nullptr;
    }
    // The diagnostic with code `c` at `at`, or nullptr.
    const Diagnostic* at(Code c, Loc where) const {
        for (const auto& d : sink.diagnostics())
            if (d.code == c && d.span.line == where.line && d.span.col == where.col) return &d;
        return nullptr;
    }
};

// Asserts that `checked` reported `code` at the place where `needle` appears in file 0, and returns it.
#define REQUIRE_DIAG(checked, code, needle, ...)                                                          \
    [&]() -> const ::covenant::Diagnostic& {                                                              \
        INFO((checked).rendered());                                                                        \
        auto where_ = ::covenant::test::loc((checked).texts[0], needle __VA_OPT__(, ) __VA_ARGS__);        \
        const ::covenant::Diagnostic* d_ = (checked).at(code, where_);                                     \
        INFO("expected " << ::covenant::code_id(code) << " at " << where_.line << ":" << where_.col);      \
        REQUIRE(d_ != nullptr);                                                                            \
        return *d_;                                                                                        \
    }()

// Template declarations used by most tests (6 lines).
inline const std::string kVocabulary =
    "template person { name: symbol, born: int = 0 }\n"
    "template parent { of: symbol, is: symbol }\n"
    "template note { text: string }\n"
    "template party { name: symbol, kind: one of (democratic | authoritarian) = democratic }\n"
    "template item { name: symbol, price: float, count: int = 1 }\n"
    "template institution { id: symbol, values_clause: bool = false }\n";

// ---- structural equality (spans and packs ignored) ----

inline bool same(const SlotDef& a, const SlotDef& b) {
    return a.name == b.name && a.type == b.type && a.one_of == b.one_of && a.default_value == b.default_value;
}
inline bool same(const TemplateDef& a, const TemplateDef& b) {
    if (a.id != b.id || a.name != b.name || a.doc != b.doc || a.is_score != b.is_score || a.predicate != b.predicate ||
        a.slots.size() != b.slots.size())
        return false;
    for (std::size_t i = 0; i < a.slots.size(); ++i)
        if (!same(a.slots[i], b.slots[i])) return false;
    return true;
}
inline bool same(const Operand& a, const Operand& b) {
    return a.is_var == b.is_var && (a.is_var ? a.var == b.var : a.constant == b.constant);
}
inline bool same(const Pattern& a, const Pattern& b) {
    if (a.tmpl != b.tmpl || a.fact_var != b.fact_var || a.binds.size() != b.binds.size() ||
        a.tests.size() != b.tests.size())
        return false;
    for (std::size_t i = 0; i < a.binds.size(); ++i)
        if (a.binds[i].slot != b.binds[i].slot || a.binds[i].var != b.binds[i].var) return false;
    for (std::size_t i = 0; i < a.tests.size(); ++i) {
        const auto& x = a.tests[i];
        const auto& y = b.tests[i];
        if (x.slot != y.slot || x.op != y.op || x.values.size() != y.values.size()) return false;
        for (std::size_t k = 0; k < x.values.size(); ++k)
            if (!same(x.values[k], y.values[k])) return false;
    }
    return true;
}
inline bool same(const Expr& a, const Expr& b) {
    if (a.kind != b.kind || a.op != b.op || a.fn != b.fn || a.type != b.type || a.args.size() != b.args.size())
        return false;
    if (a.kind == ExprKind::Const && !(a.value == b.value)) return false;
    if (a.kind == ExprKind::Var && a.var != b.var) return false;
    for (std::size_t i = 0; i < a.args.size(); ++i)
        if (!same(a.args[i], b.args[i])) return false;
    return true;
}
inline bool same(const Condition& a, const Condition& b) {
    if (a.kind != b.kind || a.group.size() != b.group.size()) return false;
    switch (a.kind) {
        case CondKind::Pattern: return same(a.pattern, b.pattern);
        case CondKind::Test: return same(a.test, b.test);
        case CondKind::Aggregate:
            return a.agg == b.agg && a.result == b.result && a.over == b.over && same(a.pattern, b.pattern);
        case CondKind::Not:
        case CondKind::Exists:
            for (std::size_t i = 0; i < a.group.size(); ++i)
                if (!same(a.group[i], b.group[i])) return false;
            return true;
    }
    return false;
}
inline bool same(const Action& a, const Action& b) {
    if (a.kind != b.kind || a.tmpl != b.tmpl || a.target != b.target || a.slots.size() != b.slots.size() ||
        a.changes.size() != b.changes.size() || !same(a.weight, b.weight) || !same(a.text, b.text))
        return false;
    for (std::size_t i = 0; i < a.slots.size(); ++i)
        if (!same(a.slots[i], b.slots[i])) return false;
    for (std::size_t i = 0; i < a.changes.size(); ++i)
        if (a.changes[i].first != b.changes[i].first || !same(a.changes[i].second, b.changes[i].second)) return false;
    return true;
}
inline bool same(const Rule& a, const Rule& b) {
    if (a.id != b.id || a.kind != b.kind || a.name != b.name || a.doc != b.doc || a.salience != b.salience ||
        a.conditions.size() != b.conditions.size() || a.actions.size() != b.actions.size() ||
        a.vars.size() != b.vars.size())
        return false;
    for (std::size_t i = 0; i < a.vars.size(); ++i)
        if (a.vars[i].name != b.vars[i].name || a.vars[i].type != b.vars[i].type ||
            a.vars[i].is_fact != b.vars[i].is_fact)
            return false;
    for (std::size_t i = 0; i < a.conditions.size(); ++i)
        if (!same(a.conditions[i], b.conditions[i])) return false;
    for (std::size_t i = 0; i < a.actions.size(); ++i)
        if (!same(a.actions[i], b.actions[i])) return false;
    return true;
}
// Whole programs; `why` names the first difference for the failure message.
inline bool same(const Program& a, const Program& b, std::string& why) {
    if (a.templates.size() != b.templates.size()) return why = "number of templates", false;
    for (std::size_t i = 0; i < a.templates.size(); ++i)
        if (!same(a.templates[i], b.templates[i])) return why = "template " + a.templates[i].name, false;
    if (a.facts.size() != b.facts.size()) return why = "number of facts", false;
    for (std::size_t i = 0; i < a.facts.size(); ++i)
        if (a.facts[i].tmpl != b.facts[i].tmpl || a.facts[i].values != b.facts[i].values)
            return why = "fact " + std::to_string(i), false;
    if (a.rules.size() != b.rules.size()) return why = "number of rules", false;
    for (std::size_t i = 0; i < a.rules.size(); ++i)
        if (!same(a.rules[i], b.rules[i])) return why = "rule " + a.rules[i].name, false;
    return true;
}

}  // namespace covenant::test
