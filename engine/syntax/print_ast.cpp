#include "syntax/print_ast.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace covenant {
namespace {

// Binding strength of each binary operator, loosest first; matches the grammar's levels (expression_def.hpp).
int precedence(const ast::Expr& e) {
    if (e.kind == ast::Expr::Kind::Binary) {
        const std::string& op = e.op;
        if (op == "or") return 1;
        if (op == "and") return 2;
        if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") return 4;
        if (op == "+" || op == "-") return 5;
        return 6;  // * /
    }
    if (e.kind == ast::Expr::Kind::Unary) return e.op == "not" ? 3 : 7;
    return 8;  // literals, variables, calls
}

std::string quote(const ast::Literal& lit) {
    std::string out = "\"";
    for (std::size_t i = 0; i < lit.text.size(); ++i) {
        char c = lit.text[i];
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '{': {
                bool escaped = std::find(lit.escaped_braces.begin(), lit.escaped_braces.end(), i) !=
                               lit.escaped_braces.end();
                out += escaped ? "\\{" : "{";
                break;
            }
            default: out += c;
        }
    }
    return out + "\"";
}

std::string float_text(double v) {
    std::string s = fmt::format("{}", v);
    // Keep it a float when read back: 100000.0, not 100000.
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}

std::string operand(const ast::Operand& o) {
    if (o.is_expression) return print_expr(o.expression);
    return o.is_variable ? "?" + o.variable.name : print_literal(o.literal);
}

const char* cmp_text(ast::CmpOp op) {
    switch (op) {
        case ast::CmpOp::Eq: return "==";
        case ast::CmpOp::Ne: return "!=";
        case ast::CmpOp::Lt: return "<";
        case ast::CmpOp::Le: return "<=";
        case ast::CmpOp::Gt: return ">";
        case ast::CmpOp::Ge: return ">=";
        case ast::CmpOp::Has: return "has";
    }
    return "==";
}

std::string alternatives(const std::vector<ast::Operand>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? " | " : "") + operand(values[i]);
    return out;
}

std::string slot_constraint(const ast::SlotConstraint& sc) {
    std::string out = sc.slot.name + ": ";
    if (sc.variable) {
        out += "?" + sc.variable->name;
        if (sc.op && !sc.values.empty()) out += std::string(" ") + cmp_text(*sc.op) + " " + alternatives(sc.values);
        return out;
    }
    if (sc.is_list_pattern) {
        out += "[";
        for (std::size_t i = 0; i < sc.list.size(); ++i)
            out += (i ? ", " : "") + std::string(sc.list[i].rest ? ".." : "") + operand(sc.list[i].value);
        return out + "]";
    }
    if (sc.op && *sc.op != ast::CmpOp::Eq) out += std::string(cmp_text(*sc.op)) + " ";
    return out + alternatives(sc.values);
}

std::string slot_values(const std::vector<ast::SlotValue>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out += (i ? ", " : "") + values[i].slot.name + ": " + print_expr(values[i].value);
    return out;
}

std::string condition(const ast::Condition& c) {
    switch (c.kind) {
        case ast::Condition::Kind::Pattern: return print_pattern(c.pattern);
        case ast::Condition::Kind::Test: return "test " + print_expr(c.test);
        case ast::Condition::Kind::Aggregate:
            return "?" + c.result.name + " = " + c.function.name + "(" + (c.over ? "?" + c.over->name + ", " : "") +
                   print_pattern(c.pattern) + ")";
        case ast::Condition::Kind::Score: {
            std::string args;
            for (std::size_t i = 0; i < c.args.size(); ++i) args += (i ? ", " : "") + operand(c.args[i]);
            return "?" + c.result.name + " = score(" + c.predicate.name + "(" + args + "))";
        }
        case ast::Condition::Kind::Not:
        case ast::Condition::Kind::Exists: {
            std::string out = c.kind == ast::Condition::Kind::Not ? "not " : "exists ";
            if (c.group.size() == 1 && c.group[0].kind == ast::Condition::Kind::Pattern &&
                !c.group[0].pattern.fact_variable)
                return out + print_pattern(c.group[0].pattern);
            out += "(";
            for (std::size_t i = 0; i < c.group.size(); ++i) out += (i ? ", " : "") + condition(c.group[i]);
            return out + ")";
        }
        case ast::Condition::Kind::Forall:
        case ast::Condition::Kind::Or:
        case ast::Condition::Kind::And: {
            std::string out = c.kind == ast::Condition::Kind::Forall ? "forall ("
                              : c.kind == ast::Condition::Kind::Or   ? "or ("
                                                                     : "and (";
            for (std::size_t i = 0; i < c.group.size(); ++i) out += (i ? ", " : "") + condition(c.group[i]);
            return out + ")";
        }
    }
    return {};
}

std::string action(const ast::Action& a) {
    switch (a.kind) {
        case ast::Action::Kind::Assert: return "assert " + print_fact(a.fact);
        case ast::Action::Kind::Conclude: return "conclude " + print_fact(a.fact);
        case ast::Action::Kind::Retract: return "retract ?" + a.target.name;
        case ast::Action::Kind::Modify: return "modify ?" + a.target.name + " (" + slot_values(a.changes) + ")";
        case ast::Action::Kind::Evidence: {
            std::string out = "evidence " + a.predicate.name + "(";
            for (std::size_t i = 0; i < a.args.size(); ++i) out += (i ? ", " : "") + print_expr(a.args[i]);
            out += ") " + print_expr(a.weight);
            if (a.text) out += " " + quote(*a.text);
            return out;
        }
        case ast::Action::Kind::Print: return "print " + (a.text ? quote(*a.text) : std::string("\"\""));
        case ast::Action::Kind::Halt: return "halt";
    }
    return {};
}

}  // namespace

const char* print_type_name(const ast::TypeRef& t) {
    switch (t.kind) {
        case ast::TypeRef::Kind::Symbol: return "symbol";
        case ast::TypeRef::Kind::String: return "string";
        case ast::TypeRef::Kind::Int: return "int";
        case ast::TypeRef::Kind::Float: return "float";
        case ast::TypeRef::Kind::Bool: return "bool";
        case ast::TypeRef::Kind::OneOf: return "one of";
        case ast::TypeRef::Kind::Ref: return "ref";
        case ast::TypeRef::Kind::List: return "list";
    }
    return "";
}

namespace {

// `(?a: int, ?b: float): bool`, a function's parameters and declared result.
std::string parameters_and_result(const ast::Function& f) {
    std::string out = "(";
    for (std::size_t i = 0; i < f.params.size(); ++i)
        out += (i ? ", ?" : "?") + f.params[i].var.name + ": " + print_type_name(f.params[i].type);
    out += ")";
    if (f.result) out += std::string(": ") + print_type_name(*f.result);
    return out;
}

const char* rule_keyword(ast::RuleKind k) {
    switch (k) {
        case ast::RuleKind::Rule: return "rule";
        case ast::RuleKind::Norm: return "norm";
        case ast::RuleKind::Criterion: return "criterion";
        case ast::RuleKind::Interest: return "interest";
    }
    return "rule";
}

}  // namespace

std::string print_literal(const ast::Literal& lit) {
    switch (lit.kind) {
        case ast::Literal::Kind::Symbol: return lit.text;
        case ast::Literal::Kind::String: return quote(lit);
        case ast::Literal::Kind::Int: return std::to_string(lit.int_value);
        case ast::Literal::Kind::Float: return float_text(lit.float_value);
        case ast::Literal::Kind::Bool: return lit.bool_value ? "true" : "false";
        case ast::Literal::Kind::List: {
            std::string out = "[";
            for (std::size_t i = 0; i < lit.items.size(); ++i) out += (i ? ", " : "") + print_literal(lit.items[i]);
            return out + "]";
        }
    }
    return {};
}

// Parenthesises an operand only where the grammar's precedence needs it. Binary operators are left-associative, so a
// right operand of the same level needs parentheses and a left one does not.
std::string print_expr(const ast::Expr& e) {
    switch (e.kind) {
        case ast::Expr::Kind::Literal: return print_literal(e.literal);
        case ast::Expr::Kind::Variable: return "?" + e.variable.name;
        case ast::Expr::Kind::List: {
            std::string out = "[";
            for (std::size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + print_expr(e.args[i]);
            return out + "]";
        }
        case ast::Expr::Kind::Call: {
            std::string out = e.function.name + "(";
            for (std::size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + print_expr(e.args[i]);
            return out + ")";
        }
        case ast::Expr::Kind::Unary: {
            if (e.args.empty()) return e.op;
            std::string inner = print_expr(e.args[0]);
            if (precedence(e.args[0]) < precedence(e)) inner = "(" + inner + ")";
            return e.op == "not" ? "not " + inner : e.op + inner;  // "-" or ".." (a spread)
        }
        case ast::Expr::Kind::Binary: {
            if (e.args.size() != 2) return e.op;
            int p = precedence(e);
            std::string left = print_expr(e.args[0]);
            std::string right = print_expr(e.args[1]);
            if (precedence(e.args[0]) < p) left = "(" + left + ")";
            if (precedence(e.args[1]) <= p) right = "(" + right + ")";
            return left + " " + e.op + " " + right;
        }
    }
    return {};
}

std::string print_pattern(const ast::Pattern& p) {
    std::string out = p.fact_variable ? "?" + p.fact_variable->name + " <- " : "";
    out += p.template_name.name + "(";
    for (std::size_t i = 0; i < p.slots.size(); ++i) out += (i ? ", " : "") + slot_constraint(p.slots[i]);
    return out + ")";
}

std::string print_fact(const ast::FactTerm& f) { return f.template_name.name + "(" + slot_values(f.slots) + ")"; }

std::string print_unit(const ast::Unit& unit) {
    std::string out;
    auto blank_line = [&] {
        if (!out.empty()) out += "\n";
    };
    if (unit.pack) {
        out += "pack " + unit.pack->name.name;
        if (unit.pack->doc) out += " " + quote(*unit.pack->doc);
        out += "\n";
    }
    if (!unit.uses.empty()) {
        blank_line();
        for (const auto& use : unit.uses) out += "use " + use.pack.name + "\n";
    }
    if (!unit.constants.empty()) {
        blank_line();
        for (const auto& c : unit.constants) {
            out += "const " + c.name.name + " = " + print_expr(c.value);
            if (c.doc) out += " " + quote(*c.doc);
            out += "\n";
        }
    }
    for (const auto& f : unit.functions) {
        blank_line();
        out += "function " + f.name.name;
        if (f.doc) out += " " + quote(*f.doc) + " ";
        out += parameters_and_result(f) + " = " + print_expr(f.body) + "\n";
    }
    for (const auto& t : unit.templates) {
        blank_line();
        out += "template " + t.name.name;
        if (t.doc) out += " " + quote(*t.doc);
        out += " {";
        for (std::size_t i = 0; i < t.slots.size(); ++i) {
            const ast::SlotDecl& s = t.slots[i];
            out += std::string(i ? "," : "") + "\n  " + s.name.name + ": " + print_type_name(s.type);
            if (s.type.kind == ast::TypeRef::Kind::OneOf) {
                out += " (";
                for (std::size_t j = 0; j < s.type.one_of.size(); ++j)
                    out += (j ? " | " : "") + s.type.one_of[j].name;
                out += ")";
            }
            if (s.type.kind == ast::TypeRef::Kind::Ref) out += " " + s.type.ref.name;
            if (s.type.kind == ast::TypeRef::Kind::List) {
                ast::TypeRef item;
                item.kind = s.type.element;
                out += std::string(" of ") + print_type_name(item);
            }
            for (const auto& limit : s.range)
                out += std::string(" ") + cmp_text(limit.op) + " " + print_literal(limit.bound);
            if (s.from) out += " from " + s.from->name;
            if (s.default_value) out += " = " + print_literal(*s.default_value);
        }
        out += t.slots.empty() ? "}\n" : "\n}\n";
    }
    for (const auto& block : unit.facts) {
        blank_line();
        out += "facts {\n";
        for (const auto& f : block.facts) out += "  " + print_fact(f) + "\n";
        out += "}\n";
    }
    for (const auto& r : unit.rules) {
        blank_line();
        out += std::string(rule_keyword(r.kind)) + " " + r.name.name;
        if (r.doc) out += " " + quote(*r.doc);
        if (r.salience) out += " salience " + print_expr(*r.salience);
        out += " {\n";
        if (!r.conditions.empty()) {
            out += "  when\n";
            for (const auto& c : r.conditions) out += "    " + condition(c) + "\n";
        }
        out += "  then\n";
        for (const auto& a : r.actions) out += "    " + action(a) + "\n";
        out += "}\n";
    }
    return out;
}

namespace {

// print_unit's text of a unit holding one definition, without its final newline.
std::string printed_alone(const ast::Unit& unit) {
    std::string out = print_unit(unit);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace

std::string print_pack_decl(const ast::PackDecl& pack) {
    ast::Unit unit;
    unit.pack = pack;
    return printed_alone(unit);
}

std::string print_use(const ast::Use& use) {
    ast::Unit unit;
    unit.uses.push_back(use);
    return printed_alone(unit);
}

std::string print_constant(const ast::Constant& constant) {
    ast::Unit unit;
    unit.constants.push_back(constant);
    return printed_alone(unit);
}

std::string print_function_signature(const ast::Function& function) {
    return "function " + function.name.name + parameters_and_result(function);
}

std::string print_function(const ast::Function& function) {
    ast::Unit unit;
    unit.functions.push_back(function);
    return printed_alone(unit);
}

// print_unit prints a template without slots as `template NAME ["doc"] {}`; the header is that without its `}`.
std::string print_template_header(const ast::Template& tmpl) {
    ast::Unit unit;
    unit.templates.push_back(tmpl);
    unit.templates.back().slots.clear();
    std::string out = printed_alone(unit);
    if (!out.empty() && out.back() == '}') out.pop_back();
    return out;
}

// The slot of a one-slot template: print_unit puts it on a line of its own between `{` and `}`.
std::string print_slot_decl(const ast::SlotDecl& slot) {
    ast::Unit unit;
    unit.templates.emplace_back();
    unit.templates.back().name.name = "t";
    unit.templates.back().slots.push_back(slot);
    std::string out = printed_alone(unit);
    std::size_t begin = out.find("\n  ");
    std::size_t end = out.rfind("\n}");
    if (begin == std::string::npos || end == std::string::npos || end < begin + 3) return out;
    return out.substr(begin + 3, end - begin - 3);
}

// The first line of a rule printed without conditions and actions.
std::string print_rule_header(const ast::Rule& rule) {
    ast::Unit unit;
    unit.rules.push_back(rule);
    unit.rules.back().conditions.clear();
    unit.rules.back().actions.clear();
    std::string out = printed_alone(unit);
    return out.substr(0, out.find('\n'));
}

std::string print_condition(const ast::Condition& c) { return condition(c); }

std::string print_action(const ast::Action& a) { return action(a); }

std::string print_report(const ast::ReportDecl& report) {
    std::string out = "report " + report.role.name + " " + report.target.name;
    if (!report.slots.empty()) {
        out += "(";
        for (std::size_t i = 0; i < report.slots.size(); ++i) out += (i ? ", " : "") + report.slots[i].name;
        out += ")";
    }
    if (report.label) out += " " + quote(*report.label);
    return out;
}

}  // namespace covenant
