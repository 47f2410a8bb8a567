// Look-ups on the checked program and its printers. print_program writes rule-language text that the parser and
// checker turn back into an equal program (same templates, facts, rules, variable numbering; spans and pack
// structure aside: all packs are printed as one unit without `pack`/`use` lines, and score templates, which the
// checker makes from `evidence`/`score(...)`, are not printed).
#include "program/program.hpp"

#include <algorithm>

#include "base/value_format.hpp"  // fmt, able to format Values
#include "program/operators.hpp"

namespace covenant {

int TemplateDef::slot_index(std::string_view slot_name) const {
    for (std::size_t i = 0; i < slots.size(); ++i)
        if (slots[i].name == slot_name) return static_cast<int>(i);
    return -1;
}

bool TemplateDef::is_case_template() const {
    return std::any_of(slots.begin(), slots.end(), [](const SlotDef& s) { return !s.from.empty(); });
}

const TemplateDef* Program::find_template(std::string_view name) const {
    auto it = template_by_name.find(std::string(name));
    return it == template_by_name.end() ? nullptr : &templates[it->second];
}

const Rule* Program::find_rule(std::string_view name) const {
    for (const auto& r : rules)
        if (r.name == name) return &r;
    return nullptr;
}

const Function* Program::find_function(std::string_view name) const {
    for (const auto& f : functions)
        if (f->name == name) return f.get();
    return nullptr;
}

const TemplateDef* Program::find_score_template(std::string_view pred, std::size_t arity) const {
    const TemplateDef* t = find_template(fmt::format("{}/{}", pred, arity));
    return t && t->is_score ? t : nullptr;
}

std::string_view rule_kind_name(RuleKind k) {
    switch (k) {
        case RuleKind::Rule: return "rule";
        case RuleKind::Norm: return "norm";
        case RuleKind::Criterion: return "criterion";
        case RuleKind::Interest: return "interest";
    }
    return "rule";
}

// Score facts are shown as `score trust(ann) = 0.35`: the predicate applied to its arguments, then the combined
// value; ordinary facts as `person(name: ann, born: 1950)`.
std::string format_fact(const Program& p, TemplateId tmpl, const Value* values, bool reading) {
    const TemplateDef& t = p.templates.at(tmpl);
    auto text = [&](const Value& v) { return reading ? to_reading(v) : to_source(v); };
    // Appended piece by piece: `a + b + c` made a temporary string per piece, and `run` prints every live fact (Waltz
    // 50: 10,805, a tenth of its time).
    std::string out;
    out.reserve(16 * t.slots.size() + 16);
    if (t.is_score) {
        out += "score ";
        out += t.predicate;
        out += '(';
        for (std::size_t i = 0; i + 1 < t.slots.size(); ++i) {
            if (i) out += ", ";
            out += text(values[i]);
        }
        out += ") = ";
        out += text(values[t.slots.size() - 1]);
        return out;
    }
    out += t.name;
    out += '(';
    for (std::size_t i = 0; i < t.slots.size(); ++i) {
        if (i) out += ", ";
        out += t.slots[i].name;
        out += ": ";
        out += text(values[i]);
    }
    out += ')';
    return out;
}

namespace {

// The text between the quotes of a string literal: to_source without the quotes.
std::string escaped_text(std::string_view text) {
    std::string s = to_source(Value::string(text));
    return s.substr(1, s.size() - 2);
}

class Printer {
public:
    Printer(const Program& p, const Rule& r) : p_(p), r_(&r) {}
    // For a function's body: its variables are the parameters.
    Printer(const Program& p, const Function& f) : p_(p), f_(&f) {}

    std::string var(VarId v) const {
        if (f_) return v < f_->params.size() ? "?" + f_->params[v] : "?_";
        return v < r_->vars.size() ? "?" + r_->vars[v].name : "?_";
    }

    std::string operand(const Operand& o) const { return o.is_var ? var(o.var) : to_source(o.constant); }

    // Binding strength for parenthesising: or < and < comparisons < + - < * / < atoms. Unary operators get 0, so
    // they are always parenthesised as operands: the printed text then means the same under any precedence the
    // grammar gives `not` and unary minus.
    static int precedence(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Binary:
                switch (e.op) {
                    case ExprOp::Or: return 1;
                    case ExprOp::And: return 2;
                    case ExprOp::Add:
                    case ExprOp::Sub: return 4;
                    case ExprOp::Mul:
                    case ExprOp::Div: return 5;
                    default: return 3;
                }
            case ExprKind::Unary: return 0;
            case ExprKind::Const: return e.value.is_number() && e.value.as_double() < 0 ? 6 : 7;
            default: return 7;
        }
    }


    static const char* builtin_name(Builtin b) {
        switch (b) {
            case Builtin::Div: return "div";
            case Builtin::Mod: return "mod";
            case Builtin::Abs: return "abs";
            case Builtin::Min: return "min";
            case Builtin::Max: return "max";
            case Builtin::Round: return "round";
            case Builtin::Floor: return "floor";
            case Builtin::Ceil: return "ceil";
            case Builtin::Sqrt: return "sqrt";
            case Builtin::Atan2: return "atan2";
            case Builtin::Str: return "str";
            case Builtin::Sym: return "sym";
            case Builtin::Int: return "int";
            case Builtin::Float: return "float";
            case Builtin::If: return "if";
            case Builtin::Length: return "length";
            case Builtin::Nth: return "nth";
            case Builtin::First: return "first";
            case Builtin::Rest: return "rest";
            case Builtin::Append: return "append";
            case Builtin::None: return "none";
        }
        return "none";
    }

    std::string expr(const Expr& e, int min_prec = 0) const {
        std::string s;
        int prec = precedence(e);
        switch (e.kind) {
            case ExprKind::Const: s = to_source(e.value); break;
            case ExprKind::Var: s = var(e.var); break;
            case ExprKind::Unary:
                s = std::string(expr_op_text(e.op)) + (e.op == ExprOp::Not ? " " : "") +
                    (e.args.empty() ? "" : expr(e.args[0], 7));
                break;
            case ExprKind::Binary: {
                bool comparison = prec == 3;
                if (e.args.size() != 2) break;
                s = expr(e.args[0], comparison ? prec + 1 : prec) + " " + expr_op_text(e.op) + " " +
                    expr(e.args[1], prec + 1);
                break;
            }
            case ExprKind::Call: {
                s = (e.callee ? e.callee->name : std::string(builtin_name(e.fn))) + "(";
                for (std::size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + expr(e.args[i]);
                s += ")";
                break;
            }
            case ExprKind::List: {
                s = "[";
                for (std::size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + expr(e.args[i]);
                s += "]";
                break;
            }
            case ExprKind::Format: {
                s = "\"";
                for (const auto& piece : e.args)
                    s += piece.kind == ExprKind::Var
                             ? "{" + var(piece.var) + (piece.spec.empty() ? "" : ":" + piece.spec) + "}"
                             : escaped_text(piece.value.text());
                s += "\"";
                break;
            }
        }
        return prec < min_prec ? "(" + s + ")" : s;
    }

    // A pattern's constraints, one `slot: ...` per slot, in the order they were written (recovered from the spans
    // of binds and tests, so that reparsing gives the same bind and test order).
    std::string pattern(const Pattern& pat) const {
        const TemplateDef& t = p_.templates.at(pat.tmpl);
        struct Item {
            SlotIndex slot;
            const SlotBind* bind = nullptr;
            std::vector<const SlotTest*> tests;
            std::vector<const SlotBind*> part_binds;  // a list pattern's
            std::uint64_t key = 0;
        };
        std::vector<Item> items;
        std::uint64_t seq = 0;
        auto item_for = [&](SlotIndex slot, const SourceSpan& span) -> Item& {
            std::uint64_t key = span.valid() ? span.offset : (std::uint64_t{1} << 40) + seq;
            ++seq;
            for (auto& it : items)
                if (it.slot == slot) {
                    it.key = std::min(it.key, key);
                    return it;
                }
            items.push_back({slot, nullptr, {}, {}, key});
            return items.back();
        };
        for (const auto& b : pat.binds) {
            Item& it = item_for(b.slot, b.span);
            if (b.part == ListPart::Whole) it.bind = &b;
            else it.part_binds.push_back(&b);
        }
        for (const auto& test : pat.tests) item_for(test.slot, test.span).tests.push_back(&test);
        std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });

        std::string s;
        if (pat.fact_var != kNoVar) s += var(pat.fact_var) + " <- ";
        s += t.name + "(";
        for (std::size_t i = 0; i < items.size(); ++i) {
            const Item& it = items[i];
            std::string c = t.slots.at(it.slot).name + ":";
            if (auto list = list_pattern(it.tests, it.part_binds)) {
                s += (i ? ", " : "") + c + " " + *list;
                continue;
            }
            bool var_shown = false;
            if (it.bind) {
                c += " " + var(it.bind->var);
                var_shown = true;
            }
            for (const SlotTest* test : it.tests) {
                if (!var_shown && test->op == CmpOp::Eq && test->values.size() == 1 && test->values[0].is_var) {
                    c += " " + var(test->values[0].var);
                    var_shown = true;
                    continue;
                }
                if (test->op != CmpOp::Eq || var_shown) c += std::string(" ") + cmp_op_text(test->op);
                for (std::size_t k = 0; k < test->values.size(); ++k)
                    c += (k ? " | " : " ") + operand(test->values[k]);
            }
            s += (i ? ", " : "") + c;
        }
        return s + ")";
    }

    // A list pattern `[a, ?x, ..?rest]` from its Length test and the tests and binds of its parts; nullopt when
    // the slot has none (it is then printed as ordinary constraints).
    std::optional<std::string> list_pattern(const std::vector<const SlotTest*>& tests,
                                            const std::vector<const SlotBind*>& binds) const {
        const SlotTest* length = nullptr;
        for (const SlotTest* test : tests)
            if (test->part == ListPart::Length) length = test;
        if (!length || length->values.empty()) return std::nullopt;
        auto n = static_cast<std::size_t>(length->values[0].constant.i);
        bool has_rest = length->op == CmpOp::Ge;
        std::size_t front = has_rest ? (length->index & 0xFF) : n;
        std::vector<std::string> items(n + (has_rest ? 1 : 0), "?_");
        auto position = [&](ListPart part, std::uint16_t index) -> std::size_t {
            if (part == ListPart::Item) return index;
            if (part == ListPart::ItemFromEnd) return items.size() - 1 - index;
            return front;  // Rest
        };
        for (const SlotBind* b : binds) items.at(position(b->part, b->index)) = var(b->var);
        for (const SlotTest* test : tests)
            if (test->part != ListPart::Length && test->part != ListPart::Whole && !test->values.empty())
                items.at(position(test->part, test->index)) = operand(test->values[0]);
        std::string s = "[";
        for (std::size_t k = 0; k < items.size(); ++k)
            s += (k ? ", " : "") + std::string(has_rest && k == front ? ".." : "") + items[k];
        return s + "]";
    }

    std::string condition(const Condition& c) const {
        switch (c.kind) {
            case CondKind::Pattern: return pattern(c.pattern);
            case CondKind::Not:
            case CondKind::Exists: {
                std::string kw = c.kind == CondKind::Not ? "not " : "exists ";
                if (c.kind == CondKind::Not && c.group.size() == 1 && c.group[0].kind == CondKind::Pattern)
                    return kw + condition(c.group[0]);
                std::string s = kw + "(";
                for (std::size_t i = 0; i < c.group.size(); ++i) s += (i ? ", " : "") + condition(c.group[i]);
                return s + ")";
            }
            case CondKind::Test: return "test " + expr(c.test);
            case CondKind::Aggregate: {
                std::string s = var(c.result) + " = ";
                if (c.agg == AggOp::Score) {
                    const TemplateDef& t = p_.templates.at(c.pattern.tmpl);
                    std::vector<const SlotTest*> args(t.slots.empty() ? 0 : t.slots.size() - 1, nullptr);
                    for (const auto& test : c.pattern.tests)
                        if (test.slot < args.size()) args[test.slot] = &test;
                    s += "score(" + t.predicate + "(";
                    for (std::size_t k = 0; k < args.size(); ++k)
                        s += (k ? ", " : "") +
                             (args[k] && !args[k]->values.empty() ? operand(args[k]->values[0]) : std::string("?_"));
                    return s + "))";
                }
                s += agg_op_name(c.agg);
                s += "(";
                if (c.agg != AggOp::Count) s += var(c.over) + ", ";
                return s + pattern(c.pattern) + ")";
            }
        }
        return "";
    }

    std::string action(const Action& a) const {
        switch (a.kind) {
            case ActionKind::Assert:
            case ActionKind::Conclude: {
                const TemplateDef& t = p_.templates.at(a.tmpl);
                std::string s = std::string(a.kind == ActionKind::Assert ? "assert " : "conclude ") + t.name + "(";
                for (std::size_t i = 0; i < a.slots.size() && i < t.slots.size(); ++i)
                    s += (i ? ", " : "") + t.slots[i].name + ": " + expr(a.slots[i]);
                return s + ")";
            }
            case ActionKind::Retract: return "retract " + var(a.target);
            case ActionKind::Modify: {
                const TemplateDef& t = p_.templates.at(a.tmpl);
                std::string s = "modify " + var(a.target) + " (";
                for (std::size_t i = 0; i < a.changes.size(); ++i)
                    s += (i ? ", " : "") + t.slots.at(a.changes[i].first).name + ": " + expr(a.changes[i].second);
                return s + ")";
            }
            case ActionKind::Evidence: {
                const TemplateDef& t = p_.templates.at(a.tmpl);
                std::string s = "evidence " + t.predicate + "(";
                for (std::size_t i = 0; i < a.slots.size(); ++i) s += (i ? ", " : "") + expr(a.slots[i]);
                s += ") " + expr(a.weight, 6);
                bool no_reason = a.text.kind == ExprKind::Const && a.text.value.type == Type::String &&
                                 a.text.value.text().empty();
                if (!no_reason) s += " " + expr(a.text);
                return s;
            }
            case ActionKind::Print: return "print " + expr(a.text);
            case ActionKind::Halt: return "halt";
        }
        return "";
    }

private:
    const Program& p_;
    const Rule* r_ = nullptr;
    const Function* f_ = nullptr;
};

}  // namespace

std::string slot_range_text(const SlotDef& s) {
    auto bound = [](const SlotBound& b) {
        return b.bound.type == Type::Symbol ? std::string(Symbols::name(b.bound.sym)) : to_source(b.bound);
    };
    // Two bounds, a lower then an upper, read back as an interval.
    if (s.range.size() == 2 && (s.range[0].op == CmpOp::Ge || s.range[0].op == CmpOp::Gt) &&
        (s.range[1].op == CmpOp::Le || s.range[1].op == CmpOp::Lt) && s.range[0].bound.type != Type::Symbol &&
        s.range[1].bound.type != Type::Symbol)
        return fmt::format("in {}{}, {}{}", s.range[0].op == CmpOp::Ge ? "[" : "(", bound(s.range[0]),
                           bound(s.range[1]), s.range[1].op == CmpOp::Le ? "]" : ")");
    std::string out;
    for (const auto& b : s.range) {
        if (!out.empty()) out += " ";
        out += std::string(cmp_op_text(b.op)) + " " +
               bound(b);
    }
    return out;
}

std::string slot_type_text(const Program& p, const SlotDef& s) {
    std::string out;
    if (s.is_ref())
        out = "ref " + (s.ref < p.templates.size() ? p.templates[s.ref].name : std::string("?"));
    else if (!s.one_of.empty())
        out = "one of " + one_of_list(s);
    else if (s.type == Type::List)
        out = "list of " + std::string(type_name(s.element));
    else
        out = type_name(s.type);
    if (!s.range.empty()) out += " " + slot_range_text(s);
    if (!s.from.empty()) out += " from " + s.from;
    return out;
}

std::string slot_range_problem(const SlotDef& slot, const Value& v, const HeaderNumbers* header) {
    if (slot.range.empty() || !v.is_number()) return {};
    for (const auto& b : slot.range) {
        bool holds = true;
        std::string bound_text;
        if (b.bound.type == Type::Symbol) {
            std::string_view key = Symbols::name(b.bound.sym);
            const std::pair<std::string, double>* found = nullptr;
            if (header)
                for (const auto& kv : *header)
                    if (kv.first == key) found = &kv;
            if (!found) continue;
            double x = v.as_double();
            holds = bound_holds(b.op, x, found->second);
            bound_text = fmt::format("{} ({})", key, found->second);
        } else if (v.type == Type::Int && b.bound.type == Type::Int) {
            holds = bound_holds(b.op, v.i, b.bound.i);
        } else {
            holds = bound_holds(b.op, v.as_double(), b.bound.as_double());
        }
        if (holds) continue;
        if (!bound_text.empty()) {
            return fmt::format("{} is outside the slot's range: it must be {} {}", to_source(v), cmp_op_text(b.op),
                               bound_text);
        }
        std::string range = slot_range_text(slot);
        return fmt::format("{} is outside the slot's range: it must be {}", to_source(v), range);
    }
    return {};
}

namespace {

// The `report` declarations, each with its label written out (so that the order of defaults cannot change them).
std::string print_reports(const Program& p) {
    const ReportSpec& r = p.report;
    if (r.empty()) return {};
    auto label = [](const std::string& l) { return " " + to_source(Value::string(l)); };
    auto slots = [&](TemplateId t, const std::vector<SlotIndex>& s) {
        std::string out = "(";
        for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + p.templates[t].slots[s[i]].name;
        return out + ")";
    };
    std::string out = "\nreport subject " + p.templates[r.subject->tmpl].name + label(r.subject->label) + "\n";
    for (const auto& c : r.conclusions)
        out += "report conclusion " + p.templates[c.tmpl].name + slots(c.tmpl, c.slots) + label(c.label) + "\n";
    for (const auto& f : r.findings) {
        std::vector<SlotIndex> s = {f.kind, f.severity};
        if (f.reason >= 0) s.push_back(static_cast<SlotIndex>(f.reason));
        out += "report finding " + p.templates[f.tmpl].name + slots(f.tmpl, s) + label(r.findings_label) + "\n";
    }
    for (const auto& sc : r.scores) out += "report score " + p.templates[sc.tmpl].predicate + label(sc.label) + "\n";
    return out;
}

}  // namespace

int subject_link(const Program& p, const TemplateDef& t) {
    if (!p.report.subject) return -1;
    TemplateId subject = p.report.subject->tmpl;
    if (t.id == subject) return p.report.subject->key;
    for (std::size_t i = 0; i < t.slots.size(); ++i)
        if (t.slots[i].ref == subject) return static_cast<int>(i);
    int named = t.slot_index(p.templates[subject].name);
    if (named >= 0 && t.slots[named].type == Type::Symbol && t.slots[named].one_of.empty()) return named;
    return -1;
}

std::string print_program(const Program& p) {
    std::string out;
    for (const auto& t : p.templates) {
        if (t.is_score) continue;
        out += "template " + t.name;
        if (!t.doc.empty()) out += " " + to_source(Value::string(t.doc));
        out += " {";
        for (std::size_t i = 0; i < t.slots.size(); ++i) {
            const SlotDef& s = t.slots[i];
            out += (i ? ", " : " ") + s.name + ": " + slot_type_text(p, s);
            // A list slot's default is always the empty list, which is not written.
            if (s.default_value && s.type != Type::List) out += " = " + to_source(*s.default_value);
        }
        out += t.slots.empty() ? "}\n" : " }\n";
    }
    for (const auto& f : p.functions) {
        Printer pr(p, *f);
        out += "\nfunction " + f->name;
        if (!f->doc.empty()) out += " " + to_source(Value::string(f->doc)) + " ";
        out += "(";
        for (std::size_t i = 0; i < f->params.size(); ++i)
            out += (i ? ", ?" : "?") + f->params[i] + ": " + std::string(type_name(f->param_types[i]));
        out += ")";
        if (f->result != Type::Any) out += ": " + std::string(type_name(f->result));
        out += " = " + pr.expr(f->body) + "\n";
    }
    if (!p.facts.empty()) {
        out += "\nfacts {\n";
        for (const auto& f : p.facts) out += "  " + format_fact(p, f.tmpl, f.values.data()) + "\n";
        out += "}\n";
    }
    for (const auto& r : p.rules) {
        if (r.disjunct != 0) continue;  // printed with the rule's first disjunct
        Printer pr(p, r);
        out += "\n" + std::string(rule_kind_name(r.kind)) + " " + r.name;
        if (!r.doc.empty()) out += " " + to_source(Value::string(r.doc));
        if (r.salience != 0) out += " salience " + std::to_string(r.salience);
        out += " {\n  when\n";
        if (r.disjuncts > 1) {
            // One `or` whose branches are the disjuncts' whole condition lists: it splits into the same rules.
            out += "    or (\n";
            for (RuleId k = r.id; k < r.id + r.disjuncts && k < p.rules.size(); ++k) {
                Printer branch(p, p.rules[k]);
                std::string conds;
                for (const auto& c : p.rules[k].conditions) conds += (conds.empty() ? "" : ", ") + branch.condition(c);
                out += "      and (" + conds + ")\n";
            }
            out += "    )\n";
        }
        for (const auto& c : r.disjuncts > 1 ? std::vector<Condition>{} : r.conditions)
            out += "    " + pr.condition(c) + "\n";
        out += "  then\n";
        for (const auto& a : r.actions) out += "    " + pr.action(a) + "\n";
        out += "}\n";
    }
    out += print_reports(p);
    return out;
}

SlotDef item_slot(const SlotDef& list) {
    SlotDef item = list;
    item.type = list.element;
    item.range.clear();
    return item;
}

std::string slot_part_text(std::string_view slot, ListPart part, std::uint16_t index) {
    switch (part) {
        case ListPart::Whole: break;
        case ListPart::Length: return fmt::format("length({})", slot);
        case ListPart::Item: return fmt::format("item {} of {}", index + 1, slot);
        case ListPart::ItemFromEnd: return fmt::format("item {} from the end of {}", index + 1, slot);
        case ListPart::Rest: return fmt::format("the rest of {}", slot);
    }
    return std::string(slot);
}

std::string one_of_list(const SlotDef& slot) {
    std::string out = "(";
    for (std::size_t i = 0; i < slot.one_of.size(); ++i) {
        if (i) out += " | ";
        out += Symbols::name(slot.one_of[i]);
    }
    return out + ")";
}

bool is_name_text(std::string_view text) {
    auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (text.empty() || !start(text.front())) return false;
    for (char c : text)
        if (!start(c) && !(c >= '0' && c <= '9')) return false;
    return true;
}

}  // namespace covenant
