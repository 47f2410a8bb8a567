// Pass 0: named constants. `const SHARED_VALUES = 0.35` lets a pack keep its weights and thresholds in one place;
// every bare name equal to a constant's name is replaced by the constant's value before the other passes run, so the
// rest of the checker (and the engine) only ever sees literals. Constant names must be UPPER_CASE: symbols are
// conventionally lower case, so a constant can never silently capture a symbol such as `none`.
#include <algorithm>
#include <unordered_map>

#include "check/internal.hpp"

namespace covenant::check_detail {

namespace {

bool is_constant_name(std::string_view s) {
    if (s.empty() || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

class Substituter {
public:
    Substituter(const std::unordered_map<std::string, const ast::Constant*>& constants, DiagnosticSink& sink)
        : constants_(constants), sink_(sink) {}

    void literal(ast::Literal& lit) const {
        if (lit.kind != ast::Literal::Kind::Symbol) return;
        auto it = constants_.find(lit.text);
        if (it == constants_.end()) {
            // UPPER_CASE names are reserved for constants, so an unknown one is a typo or a missing `use`.
            if (is_constant_name(lit.text)) {
                std::vector<std::string> names;
                for (const auto& [name, c] : constants_) names.push_back(name);
                std::sort(names.begin(), names.end());
                std::string guess = closest_match(lit.text, names, TypoRule::EditsOrSwap);
                if (guess.empty())
                    sink_.error(lit.span, Code::UnknownConstant,
                                "unknown constant '{}' (UPPER_CASE names are constants; is a `use` of the pack that "
                                "defines it missing?)",
                                lit.text);
                else
                    sink_.error(lit.span, Code::UnknownConstant, "unknown constant '{}'; did you mean '{}'?", lit.text,
                                guess);
            }
            return;
        }
        SourceSpan where = lit.span;
        lit = it->second->value;
        lit.span = where;  // diagnostics about the value point at the use
    }
    void operand(ast::Operand& o) const {
        if (!o.is_variable) literal(o.literal);
    }
    void expr(ast::Expr& e) const {
        if (e.kind == ast::Expr::Kind::Literal) literal(e.literal);
        for (auto& a : e.args) expr(a);
    }
    void pattern(ast::Pattern& p) const {
        for (auto& sc : p.slots)
            for (auto& v : sc.values) operand(v);
    }
    void condition(ast::Condition& c) const {
        pattern(c.pattern);
        for (auto& g : c.group) condition(g);
        expr(c.test);
        for (auto& a : c.args) operand(a);
    }
    void fact(ast::FactTerm& f) const {
        for (auto& sv : f.slots) expr(sv.value);
    }
    void action(ast::Action& a) const {
        fact(a.fact);
        for (auto& sv : a.changes) expr(sv.value);
        for (auto& x : a.args) expr(x);
        expr(a.weight);
    }
    void unit(ast::Unit& u) const {
        for (auto& t : u.templates)
            for (auto& s : t.slots) {
                if (s.default_value) literal(*s.default_value);
                for (auto& limit : s.range) literal(limit.bound);
            }
        for (auto& block : u.facts)
            for (auto& f : block.facts) fact(f);
        for (auto& r : u.rules) {
            for (auto& c : r.conditions) condition(c);
            for (auto& a : r.actions) action(a);
        }
    }

private:
    const std::unordered_map<std::string, const ast::Constant*>& constants_;
    DiagnosticSink& sink_;
};

}  // namespace

void substitute_constants(std::vector<ast::Unit>& units, DiagnosticSink& sink) {
    std::unordered_map<std::string, const ast::Constant*> constants;
    for (const auto& u : units) {
        for (const auto& c : u.constants) {
            if (!is_constant_name(c.name.name)) {
                sink.error(c.name.span, Code::ConstantName,
                           "constant '{}' must be named in UPPER_CASE (letters, digits and '_'), so that it cannot be "
                           "mistaken for a symbol",
                           c.name.name);
                continue;
            }
            if (c.value.kind == ast::Literal::Kind::Symbol && is_constant_name(c.value.text)) {
                sink.error(c.value.span, Code::ConstantName,
                           "constant '{}' is defined as another constant's name; write the value itself", c.name.name);
                continue;
            }
            auto [it, inserted] = constants.emplace(c.name.name, &c);
            if (!inserted) {
                Diagnostic* d = sink.error(c.name.span, Code::DuplicateConstant, "constant '{}' is defined twice",
                                           c.name.name);
                if (d) d->notes.push_back({it->second->name.span, "it is first defined here"});
            }
        }
    }
    Substituter sub(constants, sink);
    for (auto& u : units) sub.unit(u);
}

}  // namespace covenant::check_detail
