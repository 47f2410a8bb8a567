// Pass 4 of the checker: one rule at a time. Resolves patterns against templates, numbers the rule's variables,
// decides for each variable occurrence whether it binds or tests, type-checks tests, expressions and actions, and
// lowers `score(...)` conditions and `evidence` actions onto the score templates.
//
// Variable scopes. Conditions are read left to right. The first occurrence of a variable in a positive pattern binds
// it for the rest of the rule. Inside `not (...)`, `exists (...)` and an aggregate's pattern, a new variable is local
// to that group: it joins the group's later patterns but is invisible after the group, and using it there is E0107
// (it would silently mean a different variable than the one in the group). The synthetic variable a `score(...)`
// condition binds to the score fact's `value` slot is named "#score": the '#' keeps it apart from user names.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <unordered_map>

#include "check/check.hpp"
#include "check/internal.hpp"
#include "program/eval.hpp"
#include "program/operators.hpp"

namespace covenant::check_detail {

TemplateId score_template(Program& program, std::string_view predicate, std::size_t arity,
                          const SourceSpan& first_use) {
    std::string name = score_template_name(predicate, arity);
    if (auto it = program.template_by_name.find(name); it != program.template_by_name.end()) return it->second;
    TemplateDef def;
    def.id = static_cast<TemplateId>(program.templates.size());
    def.name = name;
    def.is_score = true;
    def.predicate = std::string(predicate);
    def.span = first_use;
    for (std::size_t k = 1; k <= arity; ++k) {
        SlotDef s;
        s.name = fmt::format("arg{}", k);
        s.type = Type::Any;
        def.slots.push_back(std::move(s));
    }
    SlotDef value;
    value.name = "value";
    value.type = Type::Float;
    def.slots.push_back(std::move(value));
    program.template_by_name.emplace(def.name, def.id);
    program.templates.push_back(std::move(def));
    return program.templates.back().id;
}

namespace {

void declare_in_conditions(const std::vector<ast::Condition>& conds, Program& program) {
    for (const auto& c : conds) {
        if (c.kind == ast::Condition::Kind::Score)
            score_template(program, c.predicate.name, c.args.size(), c.predicate.span);
        declare_in_conditions(c.group, program);
    }
}

}  // namespace

void declare_score_templates(const ast::Rule& rule, Program& program) {
    declare_in_conditions(rule.conditions, program);
    for (const auto& a : rule.actions)
        if (a.kind == ast::Action::Kind::Evidence)
            score_template(program, a.predicate.name, a.args.size(), a.predicate.span);
}

namespace {

constexpr const char* kScoreVarName = "#score";

struct BuiltinInfo {
    const char* name;
    Builtin fn;
    std::size_t arity;
};

// Name, enum and arity of every builtin function (program.hpp documents what each computes).
constexpr BuiltinInfo kBuiltins[] = {
    {"div", Builtin::Div, 2},     {"mod", Builtin::Mod, 2},     {"abs", Builtin::Abs, 1},
    {"min", Builtin::Min, 2},     {"max", Builtin::Max, 2},     {"round", Builtin::Round, 1},
    {"floor", Builtin::Floor, 1}, {"ceil", Builtin::Ceil, 1},   {"sqrt", Builtin::Sqrt, 1},
    {"atan2", Builtin::Atan2, 2}, {"str", Builtin::Str, 1},     {"sym", Builtin::Sym, 1},
    {"int", Builtin::Int, 1},     {"float", Builtin::Float, 1}, {"if", Builtin::If, 3},
    {"length", Builtin::Length, 1}, {"nth", Builtin::Nth, 2},   {"first", Builtin::First, 1},
    {"rest", Builtin::Rest, 1},   {"append", Builtin::Append, 2},
};

bool numeric_or_any(Type t) { return t == Type::Int || t == Type::Float || t == Type::Any; }

// The result type of + - * on two operand types: int for two ints, float when either is a float, otherwise
// unknown until run time.
Type arithmetic_type(Type a, Type b) {
    if (a == Type::Float || b == Type::Float) return Type::Float;
    if (a == Type::Int && b == Type::Int) return Type::Int;
    return Type::Any;
}



RuleKind convert(ast::RuleKind k) {
    switch (k) {
        case ast::RuleKind::Rule: return RuleKind::Rule;
        case ast::RuleKind::Norm: return RuleKind::Norm;
        case ast::RuleKind::Criterion: return RuleKind::Criterion;
        case ast::RuleKind::Interest: return RuleKind::Interest;
    }
    return RuleKind::Rule;
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class RuleChecker {
public:
    RuleChecker(const Program& program, const SourceManager* sm, DiagnosticSink& sink, Rule& out)
        : program_(program), sm_(sm), sink_(sink), rule_(out) {}

    void run(const ast::Rule& r) {
        std::size_t errors_before = sink_.error_count();
        rule_.kind = convert(r.kind);
        rule_.name = r.name.name;
        if (r.doc) rule_.doc = r.doc->text;
        rule_.span = r.span;
        // Pass 0 (constants.cpp) has folded a salience expression into a literal, or reported why it could not.
        if (r.salience && r.salience->kind == ast::Expr::Kind::Literal) {
            const ast::Literal& lit = r.salience->literal;
            if (lit.kind != ast::Literal::Kind::Int)
                sink_.error(r.salience->span, Code::TypeMismatch, "salience must be an integer, not {}",
                            lit.kind == ast::Literal::Kind::Float ? "'" + lit.text + "'" : a_type(literal_value(lit).type));
            else if (lit.int_value < std::numeric_limits<int>::min() || lit.int_value > std::numeric_limits<int>::max())
                sink_.error(r.salience->span, Code::TypeMismatch,
                            "salience {} is out of range; use a value between {} and {}", lit.int_value,
                            std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
            else
                rule_.salience = static_cast<int>(lit.int_value);
        }
        check_conditions(r.conditions, rule_.conditions);
        for (const auto& a : r.actions)
            if (auto act = check_action(a)) rule_.actions.push_back(std::move(*act));
        if (r.conditions.empty())
            sink_.warning(r.name.span, Code::SingletonPattern,
                          "rule '{}' has no conditions; it fires once, at the start of a run", r.name.name);
        // Unused-variable warnings only for rules without errors: after an error, bindings made to limit cascades
        // would show up as unused.
        if (sink_.error_count() == errors_before) {
            for (std::size_t i = 0; i < rule_.vars.size(); ++i) {
                const VarInfo& v = rule_.vars[i];
                if (uses_[i] > 0 || v.name.empty() || v.name[0] == '_' || v.name[0] == '#') continue;
                if (list_items_.count(static_cast<VarId>(i)))  // an item of a list pattern keeps its place
                    sink_.warning(v.span, Code::UnusedVariable,
                                  "variable ?{} is bound but never used; write ?_ to match any item there", v.name);
                else
                    sink_.warning(v.span, Code::UnusedVariable,
                                  "variable ?{} is bound but never used; leave it out, or name it ?_{} to keep it",
                                  v.name, v.name);
            }
        }
    }

    // A function's body (engine/check/functions): the parameters, in order, are its variables (VarId = position).
    Expr check_function_body(const ast::Function& f, const std::vector<Type>& types) {
        mode_ = Mode::Function;
        context_ = f.name.name;
        std::size_t errors = sink_.error_count();
        for (std::size_t i = 0; i < f.params.size(); ++i) {
            const ast::Variable& v = f.params[i].var;
            if (auto it = visible_.find(v.name); it != visible_.end()) {
                Diagnostic* d = sink_.error(v.span, Code::RebindVariable, "{}() names its parameter ?{} twice",
                                            f.name.name, v.name);
                if (d) d->notes.push_back({rule_.vars[it->second].span, "the first time"});
            }
            bind(v.name, v.span, types[i]);
        }
        Expr body = check_expr(f.body);
        for (std::size_t i = 0; i < rule_.vars.size() && sink_.error_count() == errors; ++i) {
            const VarInfo& v = rule_.vars[i];
            if (uses_[i] > 0 || v.name.empty() || v.name[0] == '_') continue;
            sink_.warning(v.span, Code::UnusedVariable, "parameter ?{} of {}() is never used; name it ?_{} if that "
                          "is meant", v.name, f.name.name, v.name);
        }
        return body;
    }

    // An expression that must have one value before anything runs (a constant, a salience, a slot constraint's
    // value): no variables, no user functions. `what` says which, for messages.
    Expr check_constant_expr(const ast::Expr& e, std::string what) {
        mode_ = Mode::Constant;
        context_ = std::move(what);
        return check_expr(e);
    }

private:
    // Rule: variables come from the rule's conditions. Function: from the parameters. Constant: there are none.
    enum class Mode { Rule, Function, Constant };
    Mode mode_ = Mode::Rule;
    std::string context_;  // the function's name (Function), what the expression is (Constant)

    // ---- variables ----

    VarId bind(const std::string& name, const SourceSpan& span, Type type, bool is_fact = false,
               TemplateId tmpl = 0) {
        VarId id = static_cast<VarId>(rule_.vars.size());
        rule_.vars.push_back({name, type, is_fact, span});
        uses_.push_back(0);
        fact_template_.push_back(tmpl);
        if (name.empty() || name[0] != '#') {
            visible_[name] = id;
            if (!groups_.empty()) groups_.back().names.push_back(name);
        }
        return id;
    }

    struct Group {
        std::string where;                // "`not`", "`exists`", "an aggregate"
        std::vector<std::string> names;   // variables first bound inside
    };

    void enter_group(std::string where) { groups_.push_back({std::move(where), {}}); }

    void leave_group() {
        Group g = std::move(groups_.back());
        groups_.pop_back();
        for (const auto& name : g.names) {
            auto it = visible_.find(name);
            if (it == visible_.end()) continue;
            hidden_[name] = {rule_.vars[it->second].span, g.where};
            visible_.erase(it);
        }
    }

    void report_hidden(const std::string& name, const SourceSpan& span) {
        const Hidden& h = hidden_.at(name);
        Diagnostic* d = sink_.error(span, Code::BoundInNegation,
                                    "variable ?{} is first bound inside {} at {}, so it has no value here; bind it "
                                    "in a positive pattern before",
                                    name, h.where, line_col(h.span));
        if (d) d->notes.push_back({h.span, fmt::format("?{} is bound here, inside {}", name, h.where)});
    }

    void report_unbound(const std::string& name, const SourceSpan& span) {
        std::vector<std::string> names;
        for (const auto& [n, id] : visible_) names.push_back(n);
        std::sort(names.begin(), names.end());
        // Names of one or two letters are all within one edit of each other: suggesting one would be noise.
        std::string guess = name.size() >= 3 ? closest_match(name, names, TypoRule::EditsOrSwap) : std::string();
        if (guess.empty())
            sink_.error(span, Code::UnboundVariable,
                        "variable ?{} is not bound here; bind it in a positive pattern before using it", name);
        else
            sink_.error(span, Code::UnboundVariable, "variable ?{} is not bound here; did you mean ?{}?", name,
                        guess);
    }

    // A variable used as a value (a test operand, an expression, an interpolation). Returns kNoVar after reporting
    // an unbound variable (E0106), a group-local one (E0107) or a fact variable (E0104).
    VarId use_var(const std::string& name, const SourceSpan& span) {
        if (auto it = visible_.find(name); it != visible_.end()) {
            const VarInfo& v = rule_.vars[it->second];
            ++uses_[it->second];
            if (v.is_fact) {
                Diagnostic* d = sink_.error(span, Code::TypeMismatch,
                                            "?{} is bound to a fact, not to a value; use it with retract or modify",
                                            name);
                if (d) d->notes.push_back({v.span, fmt::format("?{} is bound to a fact here", name)});
                return kNoVar;
            }
            return it->second;
        }
        if (mode_ == Mode::Constant) {
            sink_.error(span, Code::NotConstant, "{} must be known before the rules run, so it cannot use a variable "
                        "(?{})", context_, name);
            return kNoVar;
        }
        if (mode_ == Mode::Function) {
            std::vector<std::string> names;
            for (const auto& [n, id] : visible_) names.push_back("?" + n);
            std::sort(names.begin(), names.end());
            Diagnostic* d = sink_.error(span, Code::UnboundVariable, "?{} is not a parameter of {}()", name,
                                        context_);
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            if (d) d->notes.push_back({{}, names.empty() ? std::string("it has no parameters")
                                                          : "its parameters are " + list});
            return kNoVar;
        }
        if (hidden_.count(name))
            report_hidden(name, span);
        else
            report_unbound(name, span);
        return kNoVar;
    }

    // ---- patterns ----

    // When a pattern cannot be resolved (unknown template or slot), its new variables are still bound, as `any`,
    // so that their later uses do not report errors that only repeat the first one.
    void bind_quietly(const ast::SlotConstraint& sc) {
        auto quietly = [&](const ast::Variable& v) {
            if (!visible_.count(v.name) && !hidden_.count(v.name)) bind(v.name, v.span, Type::Any);
        };
        if (sc.variable) quietly(*sc.variable);
        for (const auto& item : sc.list)
            if (item.value.is_variable) quietly(item.value.variable);
    }

    // `slot: [a, ?x, ..?rest]` (docs/language.md §3.4): a test of the list's length (exactly the number of items,
    // at least that many with a `..` item), then per item a test or a bind of that item, counted from the start
    // before the `..` item and from the end after it, and for `..?rest` a bind (or test) of the items between.
    // `?_` matches any one item (or, as `..?_`, any items) and binds nothing.
    void check_list_pattern(const ast::SlotConstraint& sc, const SlotDef& slot, SlotIndex index,
                            const TemplateDef& t, Pattern& out) {
        if (slot.type != Type::List) {
            sink_.error(sc.span, Code::TypeMismatch,
                        "a list pattern `[...]` matches a list, but slot '{}' of '{}' holds {}; compare the slot "
                        "itself (`{}: ?x`)",
                        slot.name, t.name, a_type(slot.type), slot.name);
            bind_quietly(sc);
            return;
        }
        std::size_t rest = sc.list.size();
        for (std::size_t i = 0; i < sc.list.size(); ++i) {
            if (!sc.list[i].rest) continue;
            if (rest != sc.list.size()) {
                sink_.error(sc.list[i].value.span, Code::TypeMismatch,
                            "a list pattern takes at most one `..` item: with two, which items each takes would "
                            "be ambiguous");
                bind_quietly(sc);
                return;
            }
            rest = i;
            if (!sc.list[i].value.is_variable) {
                sink_.error(sc.list[i].value.span, Code::TypeMismatch,
                            "`..` in a list pattern takes a variable, which gets the items the others leave, as in "
                            "`[?first, ..?rest]`");
                bind_quietly(sc);
                return;
            }
        }
        bool has_rest = rest != sc.list.size();
        std::size_t fixed = sc.list.size() - (has_rest ? 1 : 0);
        std::size_t after = has_rest ? sc.list.size() - rest - 1 : 0;
        if (fixed - after > 255 || after > 255) {
            sink_.error(sc.span, Code::TypeMismatch, "a list pattern matches at most 255 items before and after "
                                                     "its `..` item");
            return;
        }
        Operand length;
        length.constant = Value::integer(static_cast<std::int64_t>(fixed));
        length.span = sc.span;
        // The Length test keeps where the `..` item stands (as a Rest part does), so that the pattern can be
        // printed back as written even when the rest binds nothing (`[?a, .._, ?z]`).
        auto split = static_cast<std::uint16_t>(has_rest ? rest | (after << 8) : 0);
        SlotTest size{index, has_rest ? CmpOp::Ge : CmpOp::Eq, {length}, sc.span, ListPart::Length, split};
        out.tests.push_back(std::move(size));
        SlotDef item = item_slot(slot);
        for (std::size_t i = 0; i < sc.list.size(); ++i) {
            const ast::ListItem& li = sc.list[i];
            ListPart part = ListPart::Item;
            std::uint16_t position = static_cast<std::uint16_t>(i);
            if (li.rest) {
                part = ListPart::Rest;
                position = static_cast<std::uint16_t>(rest | (after << 8));
            } else if (has_rest && i > rest) {
                part = ListPart::ItemFromEnd;
                position = static_cast<std::uint16_t>(sc.list.size() - 1 - i);
            }
            const SlotDef& target = li.rest ? slot : item;  // the rest is a list like the slot
            const ast::Operand& v = li.value;
            if (v.is_expression) continue;  // pass 0 could not compute it, and said why
            if (!v.is_variable) {
                auto value = literal_for_slot(v.literal, target, t.name, sink_);
                if (!value) continue;
                Operand o;
                o.constant = *value;
                o.span = v.span;
                out.tests.push_back({index, CmpOp::Eq, {o}, v.span, part, position});
                continue;
            }
            const ast::Variable& var = v.variable;
            if (var.name == "_") continue;  // matches anything
            if (visible_.count(var.name)) {
                VarId id = use_var(var.name, var.span);
                if (id == kNoVar) continue;
                check_var_against_slot(id, var.span, target, t);
                Operand o;
                o.is_var = true;
                o.var = id;
                o.span = var.span;
                out.tests.push_back({index, CmpOp::Eq, {o}, var.span, part, position});
            } else if (hidden_.count(var.name) && groups_.empty()) {
                report_hidden(var.name, var.span);
            } else {
                VarId id = bind(var.name, var.span, target.type);
                list_items_.insert(id);
                out.binds.push_back({index, id, var.span, part, position});
            }
        }
    }

    bool compatible(Type a, Type b) const { return fits(a, b) || fits(b, a); }

    void check_var_against_slot(VarId id, const SourceSpan& span, const SlotDef& slot, const TemplateDef& t) {
        const VarInfo& v = rule_.vars[id];
        if (compatible(v.type, slot.type)) return;
        Diagnostic* d = sink_.error(span, Code::TypeMismatch, "?{} holds {}, but slot '{}' of '{}' holds {}", v.name,
                                    a_type(v.type), slot.name, t.name, a_type(slot.type));
        if (d) d->notes.push_back({v.span, fmt::format("?{} is bound here", v.name)});
    }

    std::optional<Pattern> check_pattern(const ast::Pattern& p) {
        const TemplateDef* t = program_.find_template(p.template_name.name);
        if (!t || t->is_score) {
            report_unknown_template(p.template_name, program_, sink_);
            for (const auto& sc : p.slots) bind_quietly(sc);
            return std::nullopt;
        }
        Pattern out;
        out.tmpl = t->id;
        out.span = p.span;
        if (p.fact_variable) {
            const ast::Variable& fv = *p.fact_variable;
            if (!groups_.empty()) {
                sink_.error(fv.span, Code::BoundInNegation,
                            "?{} cannot be bound to a fact inside {}: no single fact matches there", fv.name,
                            groups_.back().where);
            } else if (auto it = visible_.find(fv.name); it != visible_.end()) {
                Diagnostic* d = sink_.error(fv.span, Code::RebindVariable,
                                            "variable ?{} is already bound; `?{} <-` needs a new variable", fv.name,
                                            fv.name);
                if (d) d->notes.push_back({rule_.vars[it->second].span, fmt::format("?{} is bound here", fv.name)});
            } else if (hidden_.count(fv.name)) {
                report_hidden(fv.name, fv.span);
            } else {
                out.fact_var = bind(fv.name, fv.span, Type::Any, true, t->id);
            }
        }
        std::vector<const ast::SlotConstraint*> seen(t->slots.size(), nullptr);
        for (const auto& sc : p.slots) {
            int idx = t->slot_index(sc.slot.name);
            if (idx < 0) {
                report_unknown_slot(sc.slot, *t, sink_);
                bind_quietly(sc);
                continue;
            }
            if (seen[idx]) {
                Diagnostic* d = sink_.error(sc.slot.span, Code::DuplicateSlot,
                                            "slot '{}' is constrained twice in this pattern; combine the constraints "
                                            "or use a variable and a test",
                                            sc.slot.name);
                if (d) d->notes.push_back({seen[idx]->slot.span, "it is first constrained here"});
                continue;
            }
            seen[idx] = &sc;
            const SlotDef& slot = t->slots[idx];
            auto index = static_cast<SlotIndex>(idx);
            if (sc.is_list_pattern) {
                check_list_pattern(sc, slot, index, *t, out);
                continue;
            }
            if (sc.variable) {
                const ast::Variable& v = *sc.variable;
                if (auto it = visible_.find(v.name); it != visible_.end()) {
                    VarId id = use_var(v.name, v.span);
                    if (id != kNoVar) {
                        check_var_against_slot(id, v.span, slot, *t);
                        Operand o;
                        o.is_var = true;
                        o.var = id;
                        o.span = v.span;
                        out.tests.push_back({index, CmpOp::Eq, {o}, v.span});
                    }
                } else if (hidden_.count(v.name) && groups_.empty()) {
                    report_hidden(v.name, v.span);
                } else {
                    VarId id = bind(v.name, v.span, slot.type);
                    // `born: ?b < 1960` names the value it tests; that counts as a use (no W0001).
                    if (sc.op) ++uses_[id];
                    out.binds.push_back({index, id, v.span});
                }
            }
            if (sc.op && !sc.values.empty()) {
                CmpOp op = program_cmp_op(*sc.op);
                if (op == CmpOp::Has && slot.type != Type::List) {
                    sink_.error(sc.span, Code::TypeMismatch, "`has` looks in a list, but slot '{}' of '{}' holds {}",
                                slot.name, t->name, a_type(slot.type));
                    continue;
                }
                if (op != CmpOp::Eq && op != CmpOp::Ne && op != CmpOp::Has && sc.values.size() != 1) {
                    sink_.error(sc.values[1].span, Code::TypeMismatch,
                                "a comparison takes exactly one value; alternatives `a | b` work only with equality "
                                "and `!=`");
                    continue;
                }
                SlotTest test;
                test.slot = index;
                test.op = op;
                test.span = sc.span;
                bool ok = true;
                // `has` compares with the list's items: its values are checked against an item.
                std::optional<SlotDef> list_item;
                if (op == CmpOp::Has) list_item = item_slot(slot);
                const SlotDef& item = list_item ? *list_item : slot;
                for (const auto& operand : sc.values) {
                    Operand o;
                    o.span = operand.span;
                    if (operand.is_expression) {  // pass 0 could not compute it, and said why
                        ok = false;
                        continue;
                    }
                    if (operand.is_variable) {
                        o.is_var = true;
                        o.var = use_var(operand.variable.name, operand.variable.span);
                        if (o.var == kNoVar) {
                            ok = false;
                            continue;
                        }
                        check_var_against_slot(o.var, operand.variable.span, item, *t);
                    } else if (op != CmpOp::Eq && op != CmpOp::Ne && slot.type == Type::Int &&
                               operand.literal.kind == ast::Literal::Kind::Float) {
                        // An order test compares numbers (compare() in semantics.hpp): `amount: < LIMIT * 0.75` on
                        // an int slot is meaningful, unlike an equality with a float, which could never hold.
                        o.constant = literal_value(operand.literal);
                    } else {
                        auto v = literal_for_slot(operand.literal, item, t->name, sink_);
                        if (!v) {
                            ok = false;
                            continue;
                        }
                        o.constant = *v;
                    }
                    test.values.push_back(o);
                }
                if (ok) out.tests.push_back(std::move(test));
            }
        }
        return out;
    }

    // ---- conditions ----

    void check_conditions(const std::vector<ast::Condition>& in, std::vector<Condition>& out) {
        for (const auto& c : in)
            if (auto cond = check_condition(c)) out.push_back(std::move(*cond));
    }

    std::optional<Condition> check_condition(const ast::Condition& c) {
        Condition out;
        out.span = c.span;
        switch (c.kind) {
            case ast::Condition::Kind::Pattern: {
                auto p = check_pattern(c.pattern);
                if (!p) return std::nullopt;
                out.kind = CondKind::Pattern;
                out.pattern = std::move(*p);
                return out;
            }
            case ast::Condition::Kind::Not:
            case ast::Condition::Kind::Exists: {
                bool is_not = c.kind == ast::Condition::Kind::Not;
                out.kind = is_not ? CondKind::Not : CondKind::Exists;
                enter_group(is_not ? "`not`" : "`exists`");
                check_conditions(c.group, out.group);
                leave_group();
                return out;
            }
            case ast::Condition::Kind::Test: {
                out.kind = CondKind::Test;
                out.test = check_expr(c.test);
                if (out.test.type != Type::Bool && out.test.type != Type::Any)
                    sink_.error(c.test.span, Code::TypeMismatch,
                                "a test must be true or false, but this expression gives {}", a_type(out.test.type));
                return out;
            }
            case ast::Condition::Kind::Aggregate: return check_aggregate(c);
            case ast::Condition::Kind::Score: return check_score(c);
            case ast::Condition::Kind::Forall:
            case ast::Condition::Kind::Or:
            case ast::Condition::Kind::And: break;  // rewritten before a rule is checked (disjuncts.cpp)
        }
        return std::nullopt;
    }

    // Binds the result variable of an aggregate or score condition (E0120 if it is bound already).
    VarId bind_result(const ast::Variable& v, Type type) {
        if (auto it = visible_.find(v.name); it != visible_.end()) {
            Diagnostic* d =
                sink_.error(v.span, Code::RebindVariable,
                            "variable ?{} is already bound; the result of an aggregate needs a new variable", v.name);
            if (d) d->notes.push_back({rule_.vars[it->second].span, fmt::format("?{} is bound here", v.name)});
            return kNoVar;
        }
        if (hidden_.count(v.name) && groups_.empty()) {
            report_hidden(v.name, v.span);
            return kNoVar;
        }
        return bind(v.name, v.span, type);
    }

    std::optional<Condition> check_aggregate(const ast::Condition& c) {
        Condition out;
        out.kind = CondKind::Aggregate;
        out.span = c.span;
        std::optional<AggOp> op = agg_op_from_name(c.function.name);
        if (!op) {
            std::string guess = closest_match(c.function.name, aggregate_function_names(), TypoRule::EditsOrSwap);
            if (guess.empty())
                sink_.error(c.function.span, Code::UnknownFunction,
                            "unknown aggregate '{}'; use count, sum, min, max, avg, collect or score", c.function.name);
            else
                sink_.error(c.function.span, Code::UnknownFunction, "unknown aggregate '{}'; did you mean '{}'?",
                            c.function.name, guess);
            return std::nullopt;
        }
        out.agg = *op;
        enter_group("an aggregate");
        auto pattern = check_pattern(c.pattern);
        Type result_type = Type::Int;
        if (out.agg == AggOp::Count) {
            if (c.over)
                sink_.error(c.over->span, Code::WrongArity,
                            "`count` takes only a pattern: write count(pattern) without ?{}", c.over->name);
        } else if (!c.over) {
            sink_.error(c.function.span, Code::WrongArity,
                        "`{}` needs the variable to aggregate: {}(?x, pattern) with ?x bound in the pattern",
                        c.function.name, c.function.name);
        } else {
            const ast::Variable& over = *c.over;
            const auto& local = groups_.back().names;
            auto it = visible_.find(over.name);
            if (it != visible_.end() && std::find(local.begin(), local.end(), over.name) != local.end()) {
                out.over = it->second;
                ++uses_[it->second];
                const VarInfo& v = rule_.vars[it->second];
                if (out.agg != AggOp::Collect && !numeric_or_any(v.type)) {
                    Diagnostic* d = sink_.error(over.span, Code::NonNumericAggregate,
                                                "`{}` needs numbers, but ?{} holds {}", c.function.name, over.name,
                                                a_type(v.type));
                    if (d) d->notes.push_back({v.span, fmt::format("?{} is bound here", over.name)});
                }
                result_type = out.agg == AggOp::Avg       ? Type::Float
                              : out.agg == AggOp::Collect ? Type::String
                                                          : v.type;
            } else if (it != visible_.end()) {
                Diagnostic* d = sink_.error(over.span, Code::RebindVariable,
                                            "?{} is already bound before the aggregate, so it has one value; "
                                            "aggregate a variable that the pattern binds",
                                            over.name);
                if (d) d->notes.push_back({rule_.vars[it->second].span, fmt::format("?{} is bound here", over.name)});
            } else {
                sink_.error(over.span, Code::UnboundVariable,
                            "?{} is not bound by the aggregated pattern; bind it there, as in {}(?x, t(slot: ?x))",
                            over.name, c.function.name);
            }
        }
        leave_group();
        out.result = bind_result(c.result, result_type);
        if (!pattern) return std::nullopt;
        // The aggregate node reads a whole slot per fact (rete/network.cpp), and a fact is one member of the group.
        for (const auto& b : pattern->binds)
            if (b.var == out.over && b.part != ListPart::Whole && c.over)
                sink_.error(c.over->span, Code::TypeMismatch,
                            "`{}` aggregates one value per fact, but ?{} is an item of a list pattern; bind a slot "
                            "of its own, or keep one fact per item",
                            c.function.name, c.over->name);
        out.pattern = std::move(*pattern);
        return out;
    }

    std::optional<Condition> check_score(const ast::Condition& c) {
        const TemplateDef* t = program_.find_score_template(c.predicate.name, c.args.size());
        if (!t) return std::nullopt;  // declare_score_templates made it; absent only if the caller skipped that
        Condition out;
        out.kind = CondKind::Aggregate;
        out.agg = AggOp::Score;
        out.span = c.span;
        out.pattern.tmpl = t->id;
        out.pattern.span = c.span;
        for (std::size_t k = 0; k < c.args.size(); ++k) {
            const ast::Operand& a = c.args[k];
            Operand o;
            o.span = a.span;
            if (a.is_variable) {
                o.is_var = true;
                o.var = use_var(a.variable.name, a.variable.span);
                if (o.var == kNoVar) continue;
            } else {
                o.constant = literal_value(a.literal);
            }
            out.pattern.tests.push_back({static_cast<SlotIndex>(k), CmpOp::Eq, {o}, a.span});
        }
        out.over = bind(kScoreVarName, c.span, Type::Float);
        ++uses_[out.over];
        out.pattern.binds.push_back({static_cast<SlotIndex>(c.args.size()), out.over, c.span});
        out.result = bind_result(c.result, Type::Float);
        return out;
    }

    // ---- expressions ----

    Expr make_const(const Value& v, const SourceSpan& span) {
        Expr e;
        e.kind = ExprKind::Const;
        e.value = v;
        e.type = v.type;
        e.span = span;
        return e;
    }

    // The source span of the byte at `index` of a string literal's decoded text (and `length` decoded bytes on),
    // found by re-reading the literal in the source. Falls back to the whole literal when the source is not at
    // hand or does not look like a plain quoted string.
    SourceSpan span_in_string(const ast::Literal& lit, std::size_t index, std::size_t length) const {
        if (!sm_ || !lit.span.valid() || lit.span.file == 0 || lit.span.file >= sm_->size()) return lit.span;
        const SourceFile& f = sm_->file(lit.span.file);
        std::size_t end = std::min<std::size_t>(f.text.size(), std::size_t{lit.span.offset} + lit.span.length);
        std::size_t pos = lit.span.offset;
        if (pos >= end || f.text[pos] != '"') return lit.span;
        ++pos;
        auto advance = [&](std::size_t n) {
            for (std::size_t i = 0; i < n && pos < end; ++i) pos += f.text[pos] == '\\' ? 2 : 1;
        };
        advance(index);
        std::size_t begin = pos;
        advance(length);
        if (pos > end || begin >= end) return lit.span;
        return f.span_at(static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(pos - begin));
    }

    // A string literal in a rule: `{?x}` pieces become a Format expression. A '{' that is neither escaped nor the
    // start of `{?name}` is E0122.
    Expr interpolate(const ast::Literal& lit) {
        const std::string& text = lit.text;
        auto escaped = [&](std::size_t i) {
            return std::find(lit.escaped_braces.begin(), lit.escaped_braces.end(), i) != lit.escaped_braces.end();
        };
        std::vector<Expr> pieces;
        std::string current;
        bool has_var = false;
        auto flush = [&] {
            if (current.empty()) return;
            pieces.push_back(make_const(Value::string(current), lit.span));
            current.clear();
        };
        std::size_t i = 0;
        while (i < text.size()) {
            if (text[i] != '{' || escaped(i)) {
                current += text[i++];
                continue;
            }
            std::size_t k = i + 2;
            while (k < text.size() && is_ident_char(text[k])) ++k;
            // `{?x}` or `{?x:SPEC}` (a format spec, format_spec_problem in program/eval.hpp).
            std::size_t close = k;
            if (k < text.size() && text[k] == ':') close = text.find('}', k);
            if (i + 1 < text.size() && text[i + 1] == '?' && k > i + 2 && close < text.size() && text[close] == '}') {
                std::string name = text.substr(i + 2, k - i - 2);
                SourceSpan span = span_in_string(lit, i, close + 1 - i);
                VarId id = use_var(name, span);
                flush();
                Expr v;
                v.kind = ExprKind::Var;
                v.var = id;
                v.type = id == kNoVar ? Type::Any : rule_.vars[id].type;
                v.span = span;
                if (close > k) {
                    v.spec = text.substr(k + 1, close - k - 1);
                    if (std::string problem = format_spec_problem(v.spec, v.type); !problem.empty()) {
                        sink_.error(span_in_string(lit, k + 1, close - k - 1), Code::BadInterpolation,
                                    "the format '{}' of ?{} does not fit: {}", v.spec, name, problem);
                        v.spec.clear();
                    }
                }
                pieces.push_back(std::move(v));
                has_var = true;
                i = close + 1;
                continue;
            }
            Diagnostic* d = sink_.error(span_in_string(lit, i, 1), Code::BadInterpolation,
                                        "'{{' in a string starts an interpolation like {{?x}}, but no variable "
                                        "reference follows");
            if (d) d->notes.push_back({{}, "write \\{ for a literal brace"});
            current += text[i++];
        }
        if (!has_var) return make_const(Value::string(text), lit.span);
        flush();
        Expr e;
        e.kind = ExprKind::Format;
        e.args = std::move(pieces);
        e.type = Type::String;
        e.span = lit.span;
        return e;
    }

    void require(const Expr& e, bool ok, std::string_view what) {
        if (!ok) sink_.error(e.span, Code::TypeMismatch, "{}, but this is {}", what, a_type(e.type));
    }

    Expr check_expr(const ast::Expr& a) {
        Expr e;
        e.span = a.span;
        switch (a.kind) {
            case ast::Expr::Kind::Literal:
                if (a.literal.kind == ast::Literal::Kind::String) return interpolate(a.literal);
                return make_const(literal_value(a.literal), a.span);
            case ast::Expr::Kind::Variable: {
                e.kind = ExprKind::Var;
                e.var = use_var(a.variable.name, a.variable.span);
                e.type = e.var == kNoVar ? Type::Any : rule_.vars[e.var].type;
                return e;
            }
            case ast::Expr::Kind::Unary: {
                if (a.args.size() != 1) return e;
                if (a.op == "..") {
                    sink_.error(a.span, Code::TypeMismatch,
                                "`..` spreads a list's items into a list, as in `[?x, ..?rest]`; it cannot stand "
                                "on its own");
                    return e;
                }
                Expr arg = check_expr(a.args[0]);
                std::optional<ExprOp> unary = unary_op_from_text(a.op);
                if (unary == ExprOp::Neg) {
                    require(arg, numeric_or_any(arg.type), "'-' needs a number");
                    // A minus before a number literal is the negative number itself: the printer writes `-5` and
                    // the parser may read it either way, so folding keeps the round trip exact.
                    if (arg.kind == ExprKind::Const && arg.value.type == Type::Float)
                        return make_const(Value::real(-arg.value.f), a.span);
                    if (arg.kind == ExprKind::Const && arg.value.type == Type::Int &&
                        arg.value.i != std::numeric_limits<std::int64_t>::min())
                        return make_const(Value::integer(-arg.value.i), a.span);
                    e.op = ExprOp::Neg;
                    e.type = arg.type == Type::Int || arg.type == Type::Float ? arg.type : Type::Any;
                } else if (unary == ExprOp::Not) {
                    require(arg, arg.type == Type::Bool || arg.type == Type::Any, "`not` needs true or false");
                    e.op = ExprOp::Not;
                    e.type = Type::Bool;
                } else {
                    sink_.error(a.span, Code::TypeMismatch, "unknown operator '{}'", a.op);
                }
                e.kind = ExprKind::Unary;
                e.args.push_back(std::move(arg));
                return e;
            }
            case ast::Expr::Kind::Binary: return check_binary(a);
            case ast::Expr::Kind::Call: return check_call(a);
            case ast::Expr::Kind::List: {
                e.kind = ExprKind::List;
                e.type = Type::List;
                for (const auto& item : a.args) {
                    if (item.kind == ast::Expr::Kind::Unary && item.op == ".." && item.args.size() == 1) {
                        Expr spread;
                        spread.kind = ExprKind::Unary;
                        spread.op = ExprOp::Spread;
                        spread.type = Type::List;
                        spread.span = item.span;
                        spread.args.push_back(check_expr(item.args[0]));
                        require(spread.args[0], spread.args[0].type == Type::List || spread.args[0].type == Type::Any,
                                "`..` spreads a list");
                        e.args.push_back(std::move(spread));
                        continue;
                    }
                    e.args.push_back(check_expr(item));
                    require(e.args.back(), e.args.back().type != Type::List, "a list holds single values");
                }
                return e;
            }
        }
        return e;
    }

    Expr check_binary(const ast::Expr& a) {
        Expr e;
        e.kind = ExprKind::Binary;
        e.span = a.span;
        if (a.args.size() != 2) return e;
        Expr l = check_expr(a.args[0]);
        Expr r = check_expr(a.args[1]);
        const std::string& op = a.op;
        std::optional<ExprOp> binary = binary_op_from_text(op);
        std::optional<CmpOp> cmp = binary ? cmp_op_of(*binary) : std::nullopt;
        if (binary == ExprOp::Add || binary == ExprOp::Sub || binary == ExprOp::Mul || binary == ExprOp::Div) {
            std::string what = fmt::format("'{}' needs numbers", op);
            require(l, numeric_or_any(l.type), what);
            require(r, numeric_or_any(r.type), what);
            e.op = *binary;
            e.type = e.op == ExprOp::Div ? Type::Float : arithmetic_type(l.type, r.type);
        } else if (cmp) {
            bool numbers = l.type == Type::Int || l.type == Type::Float;
            bool other_numbers = r.type == Type::Int || r.type == Type::Float;
            bool comparable =
                l.type == Type::Any || r.type == Type::Any || l.type == r.type || (numbers && other_numbers);
            if (!comparable)
                sink_.error(a.span, Code::TypeMismatch, "'{}' compares {} with {}, which never match", op,
                            a_type(l.type), a_type(r.type));
            e.op = *binary;
            e.type = Type::Bool;
        } else if (binary == ExprOp::In) {
            require(r, r.type == Type::List || r.type == Type::Any, "`in` looks in a list");
            e.op = *binary;
            e.type = Type::Bool;
        } else if (binary == ExprOp::And || binary == ExprOp::Or) {
            std::string what = fmt::format("`{}` needs true or false", op);
            require(l, l.type == Type::Bool || l.type == Type::Any, what);
            require(r, r.type == Type::Bool || r.type == Type::Any, what);
            e.op = *binary;
            e.type = Type::Bool;
        } else {
            sink_.error(a.span, Code::TypeMismatch, "unknown operator '{}'", op);
        }
        e.args.push_back(std::move(l));
        e.args.push_back(std::move(r));
        return e;
    }

    Expr check_call(const ast::Expr& a) {
        Expr e;
        e.kind = ExprKind::Call;
        e.span = a.span;
        for (const auto& arg : a.args) e.args.push_back(check_expr(arg));
        const BuiltinInfo* info = nullptr;
        for (const auto& b : kBuiltins)
            if (a.function.name == b.name) info = &b;
        if (!info && mode_ != Mode::Constant)
            if (const Function* f = program_.find_function(a.function.name)) return check_user_call(a, f, std::move(e));
        if (!info) {
            std::vector<std::string> names;
            for (const auto& b : kBuiltins) names.emplace_back(b.name);
            if (mode_ != Mode::Constant)
                for (const auto& f : program_.functions) names.push_back(f->name);
            if (mode_ == Mode::Constant) {
                sink_.error(a.function.span, Code::NotConstant,
                            "{} is computed before the rules run, so it can call only the built-in functions, not "
                            "'{}'", context_, a.function.name);
                return e;
            }
            std::string guess = closest_match(a.function.name, names, TypoRule::EditsOrSwap);
            Diagnostic* d =
                guess.empty()
                    ? sink_.error(a.function.span, Code::UnknownFunction, "unknown function '{}'", a.function.name)
                    : sink_.error(a.function.span, Code::UnknownFunction, "unknown function '{}'; did you mean '{}'?",
                                  a.function.name, guess);
            if (d && guess.empty()) {
                std::string list;
                for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
                d->notes.push_back({{}, "the functions are: " + list});
            }
            return e;
        }
        e.fn = info->fn;
        if (e.args.size() != info->arity) {
            sink_.error(a.function.span, Code::WrongArity, "'{}' takes {} argument{}, but is given {}", info->name,
                        info->arity, info->arity == 1 ? "" : "s", e.args.size());
            return e;
        }
        std::string what = fmt::format("'{}' needs numbers", info->name);
        switch (info->fn) {
            case Builtin::Div:
            case Builtin::Mod:
                for (const auto& x : e.args)
                    require(x, x.type == Type::Int || x.type == Type::Any,
                            fmt::format("'{}' needs integers", info->name));
                e.type = Type::Int;
                break;
            case Builtin::Abs:
                require(e.args[0], numeric_or_any(e.args[0].type), what);
                e.type = e.args[0].type == Type::Int || e.args[0].type == Type::Float ? e.args[0].type : Type::Any;
                break;
            case Builtin::Min:
            case Builtin::Max:
                for (const auto& x : e.args) require(x, numeric_or_any(x.type), what);
                e.type = arithmetic_type(e.args[0].type, e.args[1].type);
                break;
            case Builtin::Round:
            case Builtin::Floor:
            case Builtin::Ceil:
                require(e.args[0], numeric_or_any(e.args[0].type), what);
                e.type = Type::Int;
                break;
            case Builtin::Sqrt:
            case Builtin::Atan2:
                for (const auto& x : e.args) require(x, numeric_or_any(x.type), what);
                e.type = Type::Float;
                break;
            case Builtin::Str: e.type = Type::String; break;
            case Builtin::Sym: e.type = Type::Symbol; break;
            case Builtin::Int: e.type = Type::Int; break;
            case Builtin::Float: e.type = Type::Float; break;
            case Builtin::If: {
                require(e.args[0], e.args[0].type == Type::Bool || e.args[0].type == Type::Any,
                        "the condition of if() must be true or false");
                Type t1 = e.args[1].type, t2 = e.args[2].type;
                bool numbers = (t1 == Type::Int || t1 == Type::Float) && (t2 == Type::Int || t2 == Type::Float);
                e.type = t1 == t2 ? t1 : Type::Any;
                if (!numbers && t1 != t2 && t1 != Type::Any && t2 != Type::Any)
                    sink_.error(a.span, Code::TypeMismatch, "the branches of if() give {} and {}; they must agree",
                                a_type(t1), a_type(t2));
                break;
            }
            case Builtin::Length:
            case Builtin::Nth:
            case Builtin::First:
            case Builtin::Rest:
            case Builtin::Append: {
                const Expr& l = e.args[0];
                require(l, l.type == Type::List || l.type == Type::Any, fmt::format("'{}' needs a list", info->name));
                if (info->fn == Builtin::Nth)
                    require(e.args[1], e.args[1].type == Type::Int || e.args[1].type == Type::Any,
                            "nth() counts items with an int");
                if (info->fn == Builtin::Append)
                    require(e.args[1], e.args[1].type != Type::List, "a list holds single values");
                e.type = info->fn == Builtin::Length ? Type::Int
                         : info->fn == Builtin::Rest || info->fn == Builtin::Append ? Type::List
                                                                                     : Type::Any;
                break;
            }
            case Builtin::None: break;
        }
        return e;
    }

    // A call of a user function: arity and the types of the arguments the checker can see.
    Expr check_user_call(const ast::Expr& a, const Function* f, Expr e) {
        e.callee = f;
        e.type = f->result;
        if (e.args.size() != f->params.size()) {
            Diagnostic* d = sink_.error(a.function.span, Code::WrongArity, "'{}' takes {} argument{}, but is given {}",
                                        f->name, f->params.size(), f->params.size() == 1 ? "" : "s", e.args.size());
            if (d) d->notes.push_back({f->span, fmt::format("{}() is defined here", f->name)});
            return e;
        }
        for (std::size_t i = 0; i < e.args.size(); ++i)
            if (!fits(e.args[i].type, f->param_types[i]))
                sink_.error(e.args[i].span, Code::TypeMismatch, "parameter ?{} of {}() is {}, but this is {}",
                            f->params[i], f->name, a_type(f->param_types[i]), a_type(e.args[i].type));
        return e;
    }

    // Fits an action's expression to a slot: constants are converted and checked like literals (E0104, E0105); an
    // int-typed expression in a float slot is wrapped in float() so that facts always hold their slot's type.
    Expr fit_to_slot(Expr e, const SlotDef& slot, const TemplateDef& t) {
        if (slot.type == Type::Any) return e;
        if (e.kind == ExprKind::Const) {
            if (auto v = value_for_slot(e.value, e.span, slot, t.name, sink_)) return make_const(*v, e.span);
            return e;
        }
        if (e.type == Type::Int && slot.type == Type::Float) {
            Expr call;
            call.kind = ExprKind::Call;
            call.fn = Builtin::Float;
            call.type = Type::Float;
            call.span = e.span;
            call.args.push_back(std::move(e));
            return call;
        }
        if (!fits(e.type, slot.type)) {
            Diagnostic* d = sink_.error(e.span, Code::TypeMismatch, "slot '{}' of '{}' holds {}, but this gives {}",
                                        slot.name, t.name, a_type(slot.type), a_type(e.type));
            if (d && slot.type == Type::Symbol && e.type == Type::String)
                d->notes.push_back({{}, "sym(...) turns text into a symbol"});
            if (d && slot.type == Type::String && e.type != Type::String)
                d->notes.push_back({{}, "str(...) turns a value into text"});
        }
        return e;
    }

    // ---- actions ----

    // The assignments `slot: expr` of assert/conclude (all slots, defaults filled) or of modify (only the changes).
    // Sets `unknown_slot` when a slot name was not found.
    std::vector<std::pair<SlotIndex, Expr>> check_slot_values(const std::vector<ast::SlotValue>& values,
                                                              const TemplateDef& t, bool& unknown_slot) {
        std::vector<std::pair<SlotIndex, Expr>> out;
        std::vector<const ast::SlotValue*> seen(t.slots.size(), nullptr);
        for (const auto& sv : values) {
            int idx = t.slot_index(sv.slot.name);
            Expr e = check_expr(sv.value);
            if (idx < 0) {
                report_unknown_slot(sv.slot, t, sink_);
                unknown_slot = true;
                continue;
            }
            if (seen[idx]) {
                Diagnostic* d = sink_.error(sv.slot.span, Code::DuplicateSlot, "slot '{}' is given twice",
                                            sv.slot.name);
                if (d) d->notes.push_back({seen[idx]->slot.span, "it is first given here"});
                continue;
            }
            seen[idx] = &sv;
            out.emplace_back(static_cast<SlotIndex>(idx), fit_to_slot(std::move(e), t.slots[idx], t));
        }
        return out;
    }

    // The fact variable of retract/modify: E0106 when unbound, E0107 when group-local, E0116 when not a fact.
    VarId fact_target(const ast::Variable& v, std::string_view verb) {
        auto it = visible_.find(v.name);
        if (it == visible_.end()) {
            if (hidden_.count(v.name))
                report_hidden(v.name, v.span);
            else
                report_unbound(v.name, v.span);
            return kNoVar;
        }
        const VarInfo& info = rule_.vars[it->second];
        if (!info.is_fact) {
            Diagnostic* d = sink_.error(v.span, Code::NotAFactVariable,
                                        "?{} is bound to a value, not to a fact; {} needs a variable bound with "
                                        "`?{} <- pattern`",
                                        v.name, verb, v.name);
            if (d) d->notes.push_back({info.span, fmt::format("?{} is bound here", v.name)});
            return kNoVar;
        }
        ++uses_[it->second];
        return it->second;
    }

    std::optional<Action> check_action(const ast::Action& a) {
        Action out;
        out.span = a.span;
        switch (a.kind) {
            case ast::Action::Kind::Assert:
            case ast::Action::Kind::Conclude: {
                out.kind = a.kind == ast::Action::Kind::Assert ? ActionKind::Assert : ActionKind::Conclude;
                const TemplateDef* t = program_.find_template(a.fact.template_name.name);
                if (!t || t->is_score) {
                    report_unknown_template(a.fact.template_name, program_, sink_);
                    for (const auto& sv : a.fact.slots) check_expr(sv.value);
                    return std::nullopt;
                }
                out.tmpl = t->id;
                std::vector<std::optional<Expr>> slots(t->slots.size());
                bool unknown_slot = false;
                for (auto& [idx, e] : check_slot_values(a.fact.slots, *t, unknown_slot)) slots[idx] = std::move(e);
                std::vector<std::string> missing;
                for (std::size_t i = 0; i < slots.size(); ++i) {
                    if (slots[i]) {
                        out.slots.push_back(std::move(*slots[i]));
                    } else if (t->slots[i].default_value) {
                        out.slots.push_back(make_const(*t->slots[i].default_value, a.fact.template_name.span));
                    } else {
                        missing.push_back("'" + t->slots[i].name + "'");
                        out.slots.push_back(Expr{});
                    }
                }
                if (!missing.empty() && !unknown_slot) {
                    std::string list;
                    for (std::size_t i = 0; i < missing.size(); ++i)
                        list += (i == 0 ? "" : (i + 1 == missing.size() ? " and " : ", ")) + missing[i];
                    Diagnostic* d = sink_.error(a.fact.template_name.span, Code::MissingSlot,
                                                "'{}' leaves out the required slot{} {}", t->name,
                                                missing.size() == 1 ? "" : "s", list);
                    if (d) d->notes.push_back({t->span, fmt::format("template '{}' is defined here", t->name)});
                }
                return out;
            }
            case ast::Action::Kind::Retract:
                out.kind = ActionKind::Retract;
                out.target = fact_target(a.target, "retract");
                return out;
            case ast::Action::Kind::Modify: {
                out.kind = ActionKind::Modify;
                out.target = fact_target(a.target, "modify");
                if (out.target == kNoVar) {
                    for (const auto& sv : a.changes) check_expr(sv.value);
                    return out;
                }
                const TemplateDef& t = program_.templates[fact_template_[out.target]];
                out.tmpl = t.id;
                bool unknown_slot = false;
                out.changes = check_slot_values(a.changes, t, unknown_slot);
                return out;
            }
            case ast::Action::Kind::Evidence: {
                out.kind = ActionKind::Evidence;
                const TemplateDef* t = program_.find_score_template(a.predicate.name, a.args.size());
                if (t) out.tmpl = t->id;
                for (const auto& arg : a.args) out.slots.push_back(check_expr(arg));
                out.weight = check_weight(a.weight);
                out.text = a.text ? interpolate(*a.text) : make_const(Value::string(""), a.span);
                return out;
            }
            case ast::Action::Kind::Print:
                out.kind = ActionKind::Print;
                out.text = a.text ? interpolate(*a.text) : make_const(Value::string(""), a.span);
                return out;
            case ast::Action::Kind::Halt: out.kind = ActionKind::Halt; return out;
        }
        return std::nullopt;
    }

    // An evidence weight: a number; a constant one must lie in [-1, 1] (E0111) and becomes a float.
    Expr check_weight(const ast::Expr& a) {
        Expr w = check_expr(a);
        if (w.kind == ExprKind::Const) {
            if (!w.value.is_number()) {
                sink_.error(w.span, Code::TypeMismatch,
                            "an evidence weight must be a number in [-1, 1], but this is {}", a_type(w.value.type));
                return w;
            }
            double x = w.value.as_double();
            if (!(x >= -1.0 && x <= 1.0))
                sink_.error(w.span, Code::WeightOutOfRange, "evidence weight {} lies outside [-1, 1]",
                            to_source(w.value));
            return make_const(Value::real(x), w.span);
        }
        require(w, numeric_or_any(w.type), "an evidence weight must be a number");
        if (w.type == Type::Int) {
            Expr call;
            call.kind = ExprKind::Call;
            call.fn = Builtin::Float;
            call.type = Type::Float;
            call.span = w.span;
            call.args.push_back(std::move(w));
            return call;
        }
        return w;
    }

    struct Hidden {
        SourceSpan span;     // where the variable was bound inside the group
        std::string where;   // "`not`", ...
    };

    const Program& program_;
    const SourceManager* sm_;
    DiagnosticSink& sink_;
    Rule& rule_;
    std::unordered_map<std::string, VarId> visible_;   // variables usable at the current point
    std::unordered_map<std::string, Hidden> hidden_;   // variables local to a group that has ended
    std::vector<Group> groups_;                        // open not/exists/aggregate groups, innermost last
    std::vector<int> uses_;                            // per VarId: references other than the binding
    std::set<VarId> list_items_;                       // variables bound by an item of a list pattern
    std::vector<TemplateId> fact_template_;            // per VarId: the template of a fact variable
};

}  // namespace

void check_rule(const ast::Rule& rule, const Program& program, const SourceManager* sm, DiagnosticSink& sink,
                Rule& out) {
    RuleChecker(program, sm, sink, out).run(rule);
}

bool is_builtin_function(std::string_view name) {
    for (const auto& b : kBuiltins)
        if (name == b.name) return true;
    return false;
}

Expr check_function_body(const ast::Function& f, const std::vector<Type>& param_types, const Program& program,
                         const SourceManager* sm, DiagnosticSink& sink) {
    Rule scope;
    return RuleChecker(program, sm, sink, scope).check_function_body(f, param_types);
}

std::optional<Value> fold_constant(const ast::Expr& e, const std::string& what, DiagnosticSink& sink) {
    static const Program no_program;
    Rule scope;
    std::size_t errors = sink.error_count();
    Expr checked = RuleChecker(no_program, nullptr, sink, scope).check_constant_expr(e, what);
    if (sink.error_count() != errors) return std::nullopt;
    Value v;
    EvalError error;
    if (!evaluate(checked, nullptr, v, error)) {
        sink.error(error.span.valid() ? error.span : e.span, Code::NotConstant, "{} cannot be computed: {}", what,
                   error.message);
        return std::nullopt;
    }
    return v;
}

}  // namespace covenant::check_detail
