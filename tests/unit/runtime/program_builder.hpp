// A small builder for checked Programs, so runtime tests do not depend on the parser and checker.
//
//   ProgramBuilder b;
//   b.tmpl("parent", {"of", "is"});
//   auto& r = b.rule("chain");
//   r.when(P("parent").eq("of", "?x").eq("is", "?y"))
//    .when(P("ancestor").eq("of", "?y").eq("is", "?z"))
//    .conclude("ancestor", {r.v("?x"), r.v("?z")});
//
// In a pattern, the first positive occurrence of `?x` binds it; later ones (and any inside not/exists) test it.
#pragma once

#include <deque>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "program/program.hpp"

namespace covenant::testing {

inline Value sym(std::string_view s) { return Value::symbol(s); }
inline Value num(std::int64_t i) { return Value::integer(i); }
inline Value real(double d) { return Value::real(d); }
inline Value str(std::string_view s) { return Value::string(s); }

using Term = std::variant<std::string, Value>;  // "?x" or a constant

struct SlotSpec {
    std::string slot;
    CmpOp op = CmpOp::Eq;
    std::vector<Term> values;
};

// A pattern under construction: P("person").eq("name", "?p").lt("born", num(1960)).
struct P {
    std::string tmpl;
    std::vector<SlotSpec> slots;
    std::string fact_var;
    explicit P(std::string t) : tmpl(std::move(t)) {}
    P& eq(std::string s, Term t) { slots.push_back({std::move(s), CmpOp::Eq, {std::move(t)}}); return *this; }
    P& any_of(std::string s, std::vector<Term> ts) { slots.push_back({std::move(s), CmpOp::Eq, std::move(ts)}); return *this; }
    P& ne(std::string s, Term t) { slots.push_back({std::move(s), CmpOp::Ne, {std::move(t)}}); return *this; }
    P& lt(std::string s, Term t) { slots.push_back({std::move(s), CmpOp::Lt, {std::move(t)}}); return *this; }
    P& le(std::string s, Term t) { slots.push_back({std::move(s), CmpOp::Le, {std::move(t)}}); return *this; }
    P& gt(std::string s, Term t) { slots.push_back({std::move(s), CmpOp::Gt, {std::move(t)}}); return *this; }
    P& ge(std::string s, Term t) { slots.push_back({std::move(s), CmpOp::Ge, {std::move(t)}}); return *this; }
    P& as(std::string f) { fact_var = std::move(f); return *this; }
};

class ProgramBuilder;

class RuleBuilder {
public:
    RuleBuilder(ProgramBuilder& pb, std::size_t index) : pb_(pb), index_(index) {}

    // The variable's id (created on first use).
    VarId var(const std::string& name, Type type = Type::Any) {
        for (std::size_t i = 0; i < r_ref().vars.size(); ++i)
            if (r_ref().vars[i].name == name) return static_cast<VarId>(i);
        VarInfo info;
        info.name = name;
        info.type = type;
        r_ref().vars.push_back(info);
        return static_cast<VarId>(r_ref().vars.size() - 1);
    }
    Expr v(const std::string& name) {
        Expr e;
        e.kind = ExprKind::Var;
        e.var = var(name);
        return e;
    }
    static Expr c(Value val) {
        Expr e;
        e.kind = ExprKind::Const;
        e.value = val;
        e.type = val.type;
        return e;
    }
    static Expr bin(ExprOp op, Expr a, Expr b) {
        Expr e;
        e.kind = ExprKind::Binary;
        e.op = op;
        e.args = {std::move(a), std::move(b)};
        return e;
    }
    static Expr call(Builtin fn, std::vector<Expr> args) {
        Expr e;
        e.kind = ExprKind::Call;
        e.fn = fn;
        e.args = std::move(args);
        return e;
    }
    static Expr format(std::vector<Expr> pieces) {
        Expr e;
        e.kind = ExprKind::Format;
        e.args = std::move(pieces);
        return e;
    }

    RuleBuilder& salience(int s) { r_ref().salience = s; return *this; }
    RuleBuilder& when(const P& p) {
        Condition c;
        c.kind = CondKind::Pattern;
        c.pattern = pattern(p, bound_);
        r_ref().conditions.push_back(std::move(c));
        return *this;
    }
    RuleBuilder& when_not(const P& p) { return group(CondKind::Not, {p}); }
    RuleBuilder& when_exists(const P& p) { return group(CondKind::Exists, {p}); }
    // not (a, b, ...) / exists (a, b, ...): variables first bound inside stay inside.
    RuleBuilder& group(CondKind kind, const std::vector<P>& ps) {
        Condition c;
        c.kind = kind;
        std::vector<bool> inner = bound_;
        for (const auto& p : ps) {
            Condition pc;
            pc.kind = CondKind::Pattern;
            pc.pattern = pattern(p, inner);
            c.group.push_back(std::move(pc));
        }
        r_ref().conditions.push_back(std::move(c));
        return *this;
    }
    RuleBuilder& test(Expr e) {
        Condition c;
        c.kind = CondKind::Test;
        c.test = std::move(e);
        r_ref().conditions.push_back(std::move(c));
        return *this;
    }
    // ?result = OP(?over, pattern); `over` empty for count and score.
    RuleBuilder& aggregate(const std::string& result, AggOp op, const std::string& over, const P& p,
                           Type result_type = Type::Any) {
        Condition c;
        c.kind = CondKind::Aggregate;
        c.agg = op;
        std::vector<bool> inner = bound_;
        c.pattern = pattern(p, inner);
        if (!over.empty()) c.over = var(over);
        c.result = var(result, result_type);
        mark(c.result, bound_);
        r_ref().conditions.push_back(std::move(c));
        return *this;
    }

    RuleBuilder& assert_(const std::string& tmpl, std::vector<Expr> slots) {
        return fact_action(ActionKind::Assert, tmpl, std::move(slots));
    }
    RuleBuilder& conclude(const std::string& tmpl, std::vector<Expr> slots) {
        return fact_action(ActionKind::Conclude, tmpl, std::move(slots));
    }
    RuleBuilder& retract(const std::string& fact_var) {
        Action a;
        a.kind = ActionKind::Retract;
        a.target = var(fact_var);
        r_ref().actions.push_back(std::move(a));
        return *this;
    }
    RuleBuilder& modify(const std::string& fact_var, std::vector<std::pair<std::string, Expr>> changes);
    RuleBuilder& evidence(const std::string& pred, std::vector<Expr> args, Expr weight, std::string reason = "");
    RuleBuilder& print(Expr text) {
        Action a;
        a.kind = ActionKind::Print;
        a.text = std::move(text);
        r_ref().actions.push_back(std::move(a));
        return *this;
    }
    RuleBuilder& halt() {
        Action a;
        a.kind = ActionKind::Halt;
        r_ref().actions.push_back(std::move(a));
        return *this;
    }

private:
    void mark(VarId v, std::vector<bool>& bound) {
        if (bound.size() <= v) bound.resize(v + 1u, false);
        bound[v] = true;
    }
    bool is_bound(VarId v, const std::vector<bool>& bound) const { return v < bound.size() && bound[v]; }
    Pattern pattern(const P& p, std::vector<bool>& bound);
    RuleBuilder& fact_action(ActionKind kind, const std::string& tmpl, std::vector<Expr> slots);

    Rule& r_ref();
    ProgramBuilder& pb_;
    std::size_t index_;
    std::vector<bool> bound_;
};

class ProgramBuilder {
public:
    TemplateId tmpl(const std::string& name, const std::vector<std::string>& slots,
                    const std::vector<Type>& types = {}) {
        TemplateDef t;
        t.id = static_cast<TemplateId>(program.templates.size());
        t.name = name;
        for (std::size_t i = 0; i < slots.size(); ++i) {
            SlotDef s;
            s.name = slots[i];
            s.type = i < types.size() ? types[i] : Type::Any;
            t.slots.push_back(s);
        }
        program.templates.push_back(t);
        program.template_by_name[name] = t.id;
        return t.id;
    }
    TemplateId score_tmpl(const std::string& pred, std::size_t arity) {
        std::vector<std::string> slots;
        for (std::size_t i = 1; i <= arity; ++i) slots.push_back("arg" + std::to_string(i));
        slots.push_back("value");
        TemplateId id = tmpl(pred + "/" + std::to_string(arity), slots);
        program.templates[id].is_score = true;
        program.templates[id].predicate = pred;
        program.templates[id].slots.back().type = Type::Float;
        return id;
    }
    TemplateId id(const std::string& name) const { return program.template_by_name.at(name); }
    SlotIndex slot(const std::string& tmpl_name, const std::string& slot_name) const {
        const auto& t = program.templates[id(tmpl_name)];
        for (std::size_t i = 0; i < t.slots.size(); ++i)
            if (t.slots[i].name == slot_name) return static_cast<SlotIndex>(i);
        throw std::logic_error("no slot " + slot_name + " in " + tmpl_name);
    }
    RuleBuilder& rule(const std::string& name) {
        Rule r;
        r.id = static_cast<RuleId>(program.rules.size());
        r.name = name;
        program.rules.push_back(std::move(r));
        builders_.emplace_back(*this, program.rules.size() - 1);
        return builders_.back();
    }
    void fact(const std::string& tmpl_name, std::vector<Value> values) {
        program.facts.push_back(InitialFact{id(tmpl_name), std::move(values), {}});
    }
    Program& done() { return program; }

    Program program;

private:
    std::deque<RuleBuilder> builders_;
};

inline Rule& RuleBuilder::r_ref() { return pb_.program.rules[index_]; }

inline Pattern RuleBuilder::pattern(const P& p, std::vector<bool>& bound) {
    Pattern pat;
    pat.tmpl = pb_.id(p.tmpl);
    std::vector<bool> local;  // vars bound by this pattern (binds come before tests)
    for (const auto& s : p.slots) {
        SlotIndex slot = pb_.slot(p.tmpl, s.slot);
        if (s.op == CmpOp::Eq && s.values.size() == 1 && std::holds_alternative<std::string>(s.values[0])) {
            VarId v = var(std::get<std::string>(s.values[0]));
            if (!is_bound(v, bound) && !is_bound(v, local)) {
                pat.binds.push_back(SlotBind{slot, v, {}});
                mark(v, local);
                continue;
            }
        }
        SlotTest t;
        t.slot = slot;
        t.op = s.op;
        for (const auto& term : s.values) {
            Operand o;
            if (std::holds_alternative<Value>(term)) {
                o.constant = std::get<Value>(term);
            } else {
                o.is_var = true;
                o.var = var(std::get<std::string>(term));
            }
            t.values.push_back(o);
        }
        pat.tests.push_back(std::move(t));
    }
    if (!p.fact_var.empty()) {
        pat.fact_var = var(p.fact_var);
        r_ref().vars[pat.fact_var].is_fact = true;
        mark(pat.fact_var, bound);
    }
    for (std::size_t v = 0; v < local.size(); ++v)
        if (local[v]) mark(static_cast<VarId>(v), bound);
    return pat;
}

inline RuleBuilder& RuleBuilder::fact_action(ActionKind kind, const std::string& tmpl, std::vector<Expr> slots) {
    Action a;
    a.kind = kind;
    a.tmpl = pb_.id(tmpl);
    a.slots = std::move(slots);
    r_ref().actions.push_back(std::move(a));
    return *this;
}

inline RuleBuilder& RuleBuilder::modify(const std::string& fact_var,
                                        std::vector<std::pair<std::string, Expr>> changes) {
    Action a;
    a.kind = ActionKind::Modify;
    a.target = var(fact_var);
    // The template is the one of the pattern that bound the fact variable.
    TemplateId tmpl = 0;
    for (const auto& c : r_ref().conditions)
        if (c.kind == CondKind::Pattern && c.pattern.fact_var == a.target) tmpl = c.pattern.tmpl;
    a.tmpl = tmpl;
    for (auto& [name, e] : changes) {
        const auto& t = pb_.program.templates[tmpl];
        for (std::size_t i = 0; i < t.slots.size(); ++i)
            if (t.slots[i].name == name) a.changes.emplace_back(static_cast<SlotIndex>(i), std::move(e));
    }
    r_ref().actions.push_back(std::move(a));
    return *this;
}

inline RuleBuilder& RuleBuilder::evidence(const std::string& pred, std::vector<Expr> args, Expr weight,
                                          std::string reason) {
    Action a;
    a.kind = ActionKind::Evidence;
    a.tmpl = pb_.id(pred + "/" + std::to_string(args.size()));
    a.slots = std::move(args);
    a.weight = std::move(weight);
    a.text = c(Value::string(reason));
    r_ref().actions.push_back(std::move(a));
    return *this;
}

}  // namespace covenant::testing
