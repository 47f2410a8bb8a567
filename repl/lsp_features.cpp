// Hover, go to definition and document symbols of `covenant lsp` (completion: lsp_completion.cpp).
#include "lsp_features.hpp"

#include "syntax/print_ast.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace covenant::lsp {

namespace {

using Kind = Occurrence::Kind;

std::string rule_kind_word(ast::RuleKind k) {
    switch (k) {
        case ast::RuleKind::Rule:
            return "rule";
        case ast::RuleKind::Norm:
            return "norm";
        case ast::RuleKind::Criterion:
            return "criterion";
        case ast::RuleKind::Interest:
            return "interest";
    }
    return "rule";
}

// "pack `core.vocabulary`, rules/core/vocabulary.rules:12" for the place a declaration comes from.
std::string where(const Analysis& a, const ast::Unit& unit, const SourceSpan& span) {
    std::string file = a.paths.count(span.file) ? a.paths.at(span.file) : std::string();
    if (span.file == a.doc_file)
        file = "this file";
    else
        file = std::filesystem::path(file).filename().string();
    std::string pack = unit.pack ? fmt::format("pack `{}`, ", unit.pack->name.name) : std::string();
    return fmt::format("*{}{}:{}*", pack, file, span.line);
}

std::string code_block(std::string_view text) {
    return fmt::format("```covenant\n{}\n```", text);
}

std::string template_signature(const Analysis& a, const ast::Template& t) {
    std::string out = "template " + t.name.name;
    if (t.slots.empty()) return out + " { }";
    out += " {";
    for (const auto& s : t.slots) out += fmt::format("\n  {}", a.text_of(s.span));
    return out + "\n}";
}

// The `#` comment written after a declaration on its line, and the comment lines right below it (the way
// rules/core/weights.rules cites its sources).
std::string trailing_comment(const Analysis& a, const SourceSpan& span) {
    const std::string& text = a.sources.file(span.file).text;
    std::size_t i = span.offset + span.length;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= text.size() || text[i] != '#') return {};
    std::string out;
    while (true) {
        std::size_t end = text.find('\n', i);
        if (end == std::string::npos) end = text.size();
        std::size_t start = i + 1;
        while (start < end && text[start] == ' ') ++start;
        out += (out.empty() ? "" : " ") + text.substr(start, end - start);
        // Continue with the next line only if it is a comment line.
        std::size_t next = end + 1;
        while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) ++next;
        if (end >= text.size() || next >= text.size() || text[next] != '#') break;
        i = next;
    }
    return out;
}

struct Binding {
    std::string how;   // Markdown: what binds the variable
    std::string type;  // empty when unknown
    SourceSpan span;   // the binding occurrence
};

// What first binds `?name` in a rule, in condition order (the checker's rule: bound by its first occurrence).
bool find_binding(const Analysis& a, const std::vector<ast::Condition>& conds, const std::string& name, Binding& b) {
    auto slot_type = [&](const std::string& tmpl, const std::string& slot) -> std::string {
        if (auto t = a.find_template(tmpl))
            for (const auto& s : t.node->slots)
                if (s.name.name == slot) return std::string(a.text_of(s.type.span));
        return {};
    };
    for (const auto& c : conds) {
        const ast::Pattern* p = nullptr;
        if (c.kind == ast::Condition::Kind::Pattern || c.kind == ast::Condition::Kind::Aggregate) p = &c.pattern;
        if ((c.kind == ast::Condition::Kind::Aggregate || c.kind == ast::Condition::Kind::Score) &&
            c.result.name == name) {
            bool score = c.kind == ast::Condition::Kind::Score;
            std::string fn = score ? "score" : c.function.name;
            b = {fmt::format("the value of `{}(...)`", fn),
                 score || fn == "avg" ? "float"
                 : fn == "count"      ? "int"
                 : fn == "collect"    ? "string"
                                      : "",
                 c.result.span};
            return true;
        }
        if (p) {
            if (p->fact_variable && p->fact_variable->name == name) {
                b = {fmt::format("the `{}` fact matched by the pattern", p->template_name.name), "fact",
                     p->fact_variable->span};
                return true;
            }
            for (const auto& sc : p->slots)
                if (sc.variable && sc.variable->name == name) {
                    b = {fmt::format("slot `{}` of `{}`", sc.slot.name, p->template_name.name),
                         slot_type(p->template_name.name, sc.slot.name), sc.variable->span};
                    return true;
                }
        }
        if (find_binding(a, c.group, name, b)) return true;
    }
    return false;
}

json markdown(std::string text) {
    return {{"contents", {{"kind", "markdown"}, {"value", std::move(text)}}}};
}

std::string hover_template(const Analysis& a, const std::string& name) {
    auto t = a.find_template(name);
    if (!t) return {};
    std::string out = code_block(template_signature(a, *t.node));
    if (t.node->doc) out += "\n\n" + t.node->doc->text;
    return out + "\n\n" + where(a, *t.unit, t.node->name.span);
}

std::string hover_slot(const Analysis& a, const std::string& tmpl, const std::string& slot) {
    auto t = a.find_template(tmpl);
    if (!t) return {};
    for (const auto& s : t.node->slots) {
        if (s.name.name != slot) continue;
        std::string out = code_block(a.text_of(s.span));
        out += fmt::format("\n\nslot of `{}`{}", tmpl, s.default_value ? "" : " (required: it has no default)");
        if (t.node->doc) out += " — " + t.node->doc->text;
        return out + "\n\n" + where(a, *t.unit, s.span);
    }
    return {};
}

std::string hover_rule(const Analysis& a, const std::string& name) {
    auto r = a.find_rule(name);
    if (!r) return {};
    std::string head = rule_kind_word(r.node->kind) + " " + name;
    if (r.node->salience) head += " salience " + print_expr(*r.node->salience);
    std::string out = code_block(head);
    if (r.node->doc) out += "\n\n" + r.node->doc->text;
    return out + "\n\n" + where(a, *r.unit, r.node->name.span);
}

std::string hover_constant(const Analysis& a, const std::string& name) {
    auto c = a.find_constant(name);
    if (!c) return {};
    std::string out = code_block(fmt::format("const {} = {}", name, a.text_of(c.node->value.span)));
    if (c.node->doc) out += "\n\n" + c.node->doc->text;
    if (std::string comment = trailing_comment(a, c.node->span); !comment.empty()) out += "\n\n" + comment;
    return out + "\n\n" + where(a, *c.unit, c.node->name.span);
}

std::string hover_function(const Analysis& a, const std::string& name) {
    auto f = a.find_function(name);
    if (!f) return {};  // a builtin, or not defined
    std::string out = code_block(print_function_signature(*f.node));
    // Without a declared result type the function gives its body's type, which the checked program knows.
    if (!f.node->result && a.program)
        if (const covenant::Function* checked = a.program->find_function(name))
            if (checked->result != Type::Any)
                out += fmt::format("\n\ngives `{}` (the type of its body)", type_name(checked->result));
    if (f.node->doc) out += "\n\n" + f.node->doc->text;
    return out + "\n\n" + where(a, *f.unit, f.node->name.span);
}

// A variable in a function's body is one of its parameters, whose type the parameter list declares.
std::string hover_parameter(const Analysis& a, const Occurrence& o) {
    if (o.function >= static_cast<int>(a.doc().functions.size())) return {};
    const ast::Function& f = a.doc().functions[o.function];
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        const ast::Param& p = f.params[i];
        if (p.var.name != o.name) continue;
        return code_block("?" + o.name + ": " + print_type_name(p.type)) +
               fmt::format("\n\nparameter {} of function `{}`", i + 1, f.name.name);
    }
    return code_block("?" + o.name) + fmt::format("\n\nnot a parameter of function `{}`", f.name.name);
}

std::string hover_variable(const Analysis& a, const Occurrence& o) {
    if (o.function >= 0) return hover_parameter(a, o);
    if (o.rule < 0 || o.rule >= static_cast<int>(a.doc().rules.size())) return {};
    const ast::Rule& rule = a.doc().rules[o.rule];
    Binding b;
    bool bound = find_binding(a, rule.conditions, o.name, b);
    // The checked program knows every variable's type (tests and aggregates included), when the file checks.
    if (a.program)
        if (const covenant::Rule* checked = a.program->find_rule(rule.name.name))
            for (const auto& v : checked->vars)
                if (v.name == o.name && v.type != Type::Any) b.type = std::string(type_name(v.type));
    std::string out = code_block("?" + o.name + (b.type.empty() ? "" : ": " + b.type));
    if (!bound) return out + fmt::format("\n\nnot bound by a condition of `{}`", rule.name.name);
    Position p = a.lines.position(b.span.offset);
    return out + fmt::format("\n\nbound at line {} by {}", p.line + 1, b.how);
}

std::string hover_pack(const Analysis& a, const std::string& name) {
    const ast::Unit* u = a.find_pack(name);
    if (!u) return {};
    std::string out = code_block("pack " + name);
    if (u->pack->doc) out += "\n\n" + u->pack->doc->text;
    auto it = a.paths.find(u->file);
    return out + (it == a.paths.end() ? "" : "\n\n*" + it->second + "*");
}

// Every evidence action for a predicate, in every loaded file.
std::vector<std::pair<const ast::Rule*, const ast::Action*>> evidence_for(const Analysis& a, const std::string& pred) {
    std::vector<std::pair<const ast::Rule*, const ast::Action*>> out;
    for (const auto& u : a.units)
        for (const auto& r : u.rules)
            for (const auto& act : r.actions)
                if (act.kind == ast::Action::Kind::Evidence && act.predicate.name == pred) out.push_back({&r, &act});
    return out;
}

std::string hover_predicate(const Analysis& a, const std::string& name) {
    std::string out = code_block("evidence " + name + "(...)") + "\n\nan evidence predicate; rules giving evidence:";
    auto found = evidence_for(a, name);
    if (found.empty()) return out + " none";
    std::size_t shown = 0;
    for (const auto& [rule, act] : found) {
        if (++shown > 12) {
            out += fmt::format("\n- ... and {} more", found.size() - 12);
            break;
        }
        out += fmt::format("\n- `{}` {}", rule->name.name, a.text_of(act->weight.span));
    }
    return out;
}

}  // namespace

json hover(const Analysis& a, Position p) {
    const Occurrence* o = a.occurrence_at(a.lines.offset(p));
    if (!o) return nullptr;
    std::string text;
    switch (o->kind) {
        case Kind::Template:
            text = hover_template(a, o->name);
            break;
        case Kind::Slot:
            text = hover_slot(a, o->owner, o->name);
            break;
        case Kind::Rule:
            text = hover_rule(a, o->name);
            break;
        case Kind::Constant:
            text = hover_constant(a, o->name);
            break;
        case Kind::Variable:
            text = hover_variable(a, *o);
            break;
        case Kind::Pack:
            text = hover_pack(a, o->name);
            break;
        case Kind::Predicate:
            text = hover_predicate(a, o->name);
            break;
        case Kind::Function:
            text = hover_function(a, o->name);
            break;
    }
    if (text.empty()) return nullptr;
    json result = markdown(std::move(text));
    result["range"] = a.lines.range(o->offset, o->length);
    return result;
}

json definition(const Analysis& a, Position p) {
    const Occurrence* o = a.occurrence_at(a.lines.offset(p));
    if (!o) return nullptr;
    switch (o->kind) {
        case Kind::Template:
            if (auto t = a.find_template(o->name)) return a.location(t.node->name.span);
            break;
        case Kind::Slot:
            if (auto t = a.find_template(o->owner))
                for (const auto& s : t.node->slots)
                    if (s.name.name == o->name) return a.location(s.name.span);
            break;
        case Kind::Constant:
            if (auto c = a.find_constant(o->name)) return a.location(c.node->name.span);
            break;
        case Kind::Rule:
            if (auto r = a.find_rule(o->name)) return a.location(r.node->name.span);
            break;
        case Kind::Variable:
            // The first occurrence in the rule binds it; in a function, that is the parameter.
            for (const auto& other : a.occurrences)
                if (other.kind == Kind::Variable && other.rule == o->rule && other.function == o->function &&
                    other.name == o->name)
                    return {{"uri", a.doc_uri}, {"range", a.lines.range(other.offset, other.length)}};
            break;
        case Kind::Pack:
            if (const ast::Unit* u = a.find_pack(o->name)) {
                // A file found by path without a `pack` line has a synthesised declaration at its start.
                SourceSpan span = u->pack->name.span;
                if (!span.valid()) span = a.sources.file(u->file).span_at(0, 0);
                return a.location(span);
            }
            break;
        case Kind::Predicate: {
            json out = json::array();
            for (const auto& [rule, act] : evidence_for(a, o->name)) out.push_back(a.location(act->span));
            if (!out.empty()) return out;
            break;
        }
        case Kind::Function:
            if (auto f = a.find_function(o->name)) return a.location(f.node->name.span);
            break;
    }
    return nullptr;
}

namespace {

json symbol(const Analysis& a, std::string name, int kind, const SourceSpan& range, const SourceSpan& selection,
            std::string detail = {}) {
    SourceSpan outer = range;
    // The protocol requires the selection inside the range; a recovered parse can break that, so fall back.
    if (!outer.valid() || selection.offset < outer.offset ||
        selection.offset + selection.length > outer.offset + outer.length)
        outer = selection;
    json s = {{"name", name.empty() ? "?" : std::move(name)},
              {"kind", kind},
              {"range", a.lines.range(outer.offset, outer.length)},
              {"selectionRange", a.lines.range(selection.offset, selection.length)}};
    if (!detail.empty()) s["detail"] = std::move(detail);
    return s;
}

// SymbolKind values of the protocol.
enum SymbolKind {
    kNamespace = 3,
    kPackage = 4,
    kField = 8,
    kFunction = 12,
    kConstant = 14,
    kObject = 19,
    kKey = 20,
    kStruct = 23,
    kEvent = 24
};

}  // namespace

json document_symbols(const Analysis& a) {
    const ast::Unit& u = a.doc();
    std::vector<std::pair<std::uint32_t, json>> items;  // by offset, so the outline follows the file
    auto keep = [&](const SourceSpan& span, json s) { items.emplace_back(span.offset, std::move(s)); };
    if (u.pack && u.pack->span.valid())
        keep(u.pack->span, symbol(a, u.pack->name.name, kPackage, u.pack->span, u.pack->name.span,
                                  u.pack->doc ? u.pack->doc->text : ""));
    for (const auto& c : u.constants)
        keep(c.span, symbol(a, c.name.name, kConstant, c.span, c.name.span, std::string(a.text_of(c.value.span))));
    for (const auto& t : u.templates) {
        json s = symbol(a, t.name.name, kStruct, t.span, t.name.span, t.doc ? t.doc->text : "");
        s["children"] = json::array();
        for (const auto& slot : t.slots)
            s["children"].push_back(
                symbol(a, slot.name.name, kField, slot.span, slot.name.span, std::string(a.text_of(slot.type.span))));
        keep(t.span, std::move(s));
    }
    for (const auto& block : u.facts) {
        if (!block.span.valid()) continue;
        json s = symbol(a, "facts", kNamespace, block.span, a.sources.file(a.doc_file).span_at(block.span.offset, 5));
        s["children"] = json::array();
        for (const auto& f : block.facts)
            s["children"].push_back(
                symbol(a, f.template_name.name, kObject, f.span, f.template_name.span, std::string(a.text_of(f.span))));
        keep(block.span, std::move(s));
    }
    for (const auto& f : u.functions)
        keep(f.span, symbol(a, f.name.name, kFunction, f.span, f.name.span, print_function_signature(f)));
    for (const auto& r : u.rules) {
        std::string detail = rule_kind_word(r.kind) + (r.doc ? ": " + r.doc->text : "");
        keep(r.span, symbol(a, r.name.name, r.kind == ast::RuleKind::Rule ? kFunction : kEvent, r.span, r.name.span,
                            std::move(detail)));
    }
    for (const auto& r : u.reports)
        keep(r.span, symbol(a, "report " + r.role.name + " " + r.target.name, kKey, r.span, r.target.span));
    std::stable_sort(items.begin(), items.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    json out = json::array();
    for (auto& [offset, s] : items) out.push_back(std::move(s));
    return out;
}

}  // namespace covenant::lsp
