// Pass 0: named constants. `const SHARED_VALUES = 0.35` lets a pack keep its weights and thresholds in one place;
// every bare name equal to a constant's name is replaced by the constant's value before the other passes run, so the
// rest of the checker (and the engine) only ever sees literals. Constant names must be UPPER_CASE: symbols are
// conventionally lower case, so a constant can never silently capture a symbol such as `none`.
#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "base/hints.hpp"
#include "check/internal.hpp"

namespace covenant::check_detail {

namespace {

bool is_constant_name(std::string_view s) {
    if (s.empty() || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

bool has_variable(const ast::Expr& e) {
    if (e.kind == ast::Expr::Kind::Variable) return true;
    for (const auto& a : e.args)
        if (has_variable(a)) return true;
    return false;
}

bool has_symbol(const ast::Expr& e) {
    if (e.kind == ast::Expr::Kind::Literal && e.literal.kind == ast::Literal::Kind::Symbol) return true;
    for (const auto& a : e.args)
        if (has_symbol(a)) return true;
    return false;
}

// A folded value as the literal the rest of the checker reads. Folded strings are plain text: every '{' is marked
// escaped, so that no interpolation is read into a computed string.
ast::Literal literal_from_value(const Value& v, const SourceSpan& span) {
    ast::Literal lit;
    lit.span = span;
    lit.text = std::string(to_source(v));
    switch (v.type) {
        case Type::Int: lit.kind = ast::Literal::Kind::Int; lit.int_value = v.i; break;
        case Type::Float: lit.kind = ast::Literal::Kind::Float; lit.float_value = v.f; break;
        case Type::Bool: lit.kind = ast::Literal::Kind::Bool; lit.bool_value = v.b; break;
        case Type::String:
            lit.kind = ast::Literal::Kind::String;
            lit.text = std::string(v.text());
            for (std::size_t i = 0; i < lit.text.size(); ++i)
                if (lit.text[i] == '{') lit.escaped_braces.push_back(static_cast<std::uint32_t>(i));
            break;
        case Type::List:
            lit.kind = ast::Literal::Kind::List;
            for (const Value& item : v.items()) lit.items.push_back(literal_from_value(item, span));
            break;
        default: lit.kind = ast::Literal::Kind::Symbol; lit.text = std::string(v.text()); break;
    }
    return lit;
}

class Substituter {
public:
    Substituter(const std::unordered_map<std::string, const ast::Constant*>& constants, DiagnosticSink& sink)
        : constants_(constants), sink_(sink) {}

    void literal(ast::Literal& lit) {
        if (lit.kind != ast::Literal::Kind::Symbol) return;
        auto it = constants_.find(lit.text);
        if (it == constants_.end()) {
            // UPPER_CASE names are reserved for constants, so an unknown one is a typo or a missing `use`.
            if (is_constant_name(lit.text)) {
                failed_ = true;
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
        std::optional<ast::Literal> value = value_of(*it->second, lit.span);
        if (!value) {
            failed_ = true;  // reported where the constant is defined
            return;
        }
        SourceSpan where = lit.span;
        lit = *value;
        lit.span = where;  // diagnostics about the value point at the use
    }
    void expr(ast::Expr& e) {
        if (e.kind == ast::Expr::Kind::Literal) literal(e.literal);
        for (auto& a : e.args) expr(a);
    }
    // A constant expression in place of a literal: substituted, then computed. False when it cannot be (reported).
    bool fold(ast::Expr& e, const std::string& what) {
        bool before = failed_;
        failed_ = false;
        expr(e);
        bool ok = !failed_;
        failed_ = before;
        if (!ok) return false;
        if (e.kind == ast::Expr::Kind::Literal) return true;
        std::optional<Value> v = fold_constant(e, what, sink_);
        if (!v) return false;
        ast::Literal lit = literal_from_value(*v, e.span);
        e = ast::Expr{};
        e.kind = ast::Expr::Kind::Literal;
        e.literal = lit;
        e.span = lit.span;
        return true;
    }
    void operand(ast::Operand& o) {
        if (o.is_expression) {
            // green-couch reads as green minus couch: say what was meant.
            if (auto name = hyphenated_symbols(o.expression)) {
                Diagnostic* d = sink_.error(o.expression.span, Code::TypeMismatch,
                                            "'{}' reads as a subtraction of symbols, not as one name", *name);
                if (d)
                    if (auto hint = hyphenated_name_hint(*name)) d->notes.push_back({SourceSpan{}, *hint});
                return;
            }
            if (has_variable(o.expression)) {
                Diagnostic* d = sink_.error(o.expression.span, Code::NotConstant,
                                            "a slot constraint compares with a value known before the rules run; "
                                            "this expression uses a variable");
                if (d)
                    d->notes.push_back({{}, "bind the slot to a variable (slot: ?v) and compare in a test, as in "
                                            "`test ?v < ?x * 2`"});
                return;
            }
            // On failure the operand stays an expression, which the rule checker skips (the error is reported).
            if (fold(o.expression, "the value a slot constraint compares with")) {
                o.is_expression = false;
                o.literal = o.expression.literal;
                o.literal.span = o.expression.span;
            }
            return;
        }
        if (!o.is_variable) literal(o.literal);
    }
    void pattern(ast::Pattern& p) {
        for (auto& sc : p.slots) {
            for (auto& v : sc.values) operand(v);
            for (auto& item : sc.list) operand(item.value);
        }
    }
    void condition(ast::Condition& c) {
        pattern(c.pattern);
        for (auto& g : c.group) condition(g);
        expr(c.test);
        for (auto& a : c.args) operand(a);
    }
    void fact(ast::FactTerm& f) {
        for (auto& sv : f.slots) expr(sv.value);
    }
    // A facts block's slot value may be a constant expression (`amount: LIMIT - 10`). One that names a symbol is
    // left alone: `green-couch` is a slip the fact checker explains (hints.hpp), not arithmetic.
    void initial_fact(ast::FactTerm& f) {
        for (auto& sv : f.slots) {
            expr(sv.value);
            if (sv.value.kind != ast::Expr::Kind::Literal && !has_variable(sv.value) && !has_symbol(sv.value))
                fold(sv.value, fmt::format("the value of slot '{}'", sv.slot.name));
        }
    }
    void action(ast::Action& a) {
        fact(a.fact);
        for (auto& sv : a.changes) expr(sv.value);
        for (auto& x : a.args) expr(x);
        expr(a.weight);
    }
    void unit(ast::Unit& u) {
        for (auto& t : u.templates)
            for (auto& s : t.slots) {
                if (s.default_value) literal(*s.default_value);
                for (auto& limit : s.range) literal(limit.bound);
            }
        for (auto& block : u.facts)
            for (auto& f : block.facts) initial_fact(f);
        for (auto& f : u.functions) expr(f.body);
        for (auto& r : u.rules) {
            // A salience that cannot be computed is dropped once reported, so the rule checker adds nothing to it.
            if (r.salience && !fold(*r.salience, fmt::format("the salience of rule '{}'", r.name.name)))
                r.salience.reset();
            for (auto& c : r.conditions) condition(c);
            for (auto& a : r.actions) action(a);
        }
    }

    // The value of constant `c`, computed once (its definition may name other constants, in any order; a cycle is
    // reported). nullopt when it cannot be computed.
    std::optional<ast::Literal> value_of(const ast::Constant& c, const SourceSpan& use) {
        auto [it, inserted] = state_.try_emplace(c.name.name);
        State& st = it->second;
        if (!inserted) {
            if (st.busy) {
                if (!st.cycle_reported) {
                    st.cycle_reported = true;
                    Diagnostic* d = sink_.error(c.name.span, Code::NotConstant, "constant '{}' is defined through "
                                                "itself", c.name.name);
                    if (d && use.valid()) d->notes.push_back({use, "it is used here, inside its own definition"});
                }
                return std::nullopt;
            }
            return st.value;
        }
        st.busy = true;
        ast::Expr e = c.value;
        if (fold(e, fmt::format("the constant {}", c.name.name))) st.value = e.literal;
        // `state_` may have rehashed during the recursion: look the entry up again.
        State& done = state_[c.name.name];
        done.busy = false;
        return done.value;
    }

private:
    struct State {
        bool busy = false;
        bool cycle_reported = false;
        std::optional<ast::Literal> value;
    };
    const std::unordered_map<std::string, const ast::Constant*>& constants_;
    DiagnosticSink& sink_;
    std::unordered_map<std::string, State> state_;
    bool failed_ = false;  // a constant used in the expression being substituted could not be computed
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
            auto [it, inserted] = constants.emplace(c.name.name, &c);
            if (!inserted) {
                Diagnostic* d = sink.error(c.name.span, Code::DuplicateConstant, "constant '{}' is defined twice",
                                           c.name.name);
                if (d) d->notes.push_back({it->second->name.span, "it is first defined here"});
            }
        }
    }
    Substituter sub(constants, sink);
    // Every constant's value, in declaration order, also those no rule uses (a bad definition is reported).
    std::vector<std::optional<ast::Literal>> values;
    for (const auto& u : units)
        for (const auto& c : u.constants) {
            auto it = constants.find(c.name.name);
            values.push_back(it != constants.end() && it->second == &c ? sub.value_of(c, {}) : std::nullopt);
        }
    for (auto& u : units) sub.unit(u);
    // The later passes (and `covenant doc`) read each definition as its value.
    std::size_t i = 0;
    for (auto& u : units)
        for (auto& c : u.constants) {
            if (const auto& v = values[i++]) {
                SourceSpan where = c.value.span;
                c.value = ast::Expr{};
                c.value.kind = ast::Expr::Kind::Literal;
                c.value.literal = *v;
                c.value.literal.span = where;
                c.value.span = where;
            }
        }
}

}  // namespace covenant::check_detail
