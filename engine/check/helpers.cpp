#include <cctype>

#include "check/check.hpp"
#include "check/internal.hpp"

namespace covenant::check_detail {

std::string a_type(Type t) {
    switch (t) {
        case Type::Int: return "an int";
        case Type::Any: return "any value";
        default: return fmt::format("a {}", type_name(t));
    }
}

Value literal_value(const ast::Literal& lit) {
    switch (lit.kind) {
        case ast::Literal::Kind::Symbol: return Value::symbol(lit.text);
        case ast::Literal::Kind::String: return Value::string(lit.text);
        case ast::Literal::Kind::Int: return Value::integer(lit.int_value);
        case ast::Literal::Kind::Float: return Value::real(lit.float_value);
        case ast::Literal::Kind::Bool: return Value::boolean(lit.bool_value);
        case ast::Literal::Kind::List: {
            std::vector<Value> items;
            for (const auto& item : lit.items) items.push_back(literal_value(item));
            return Value::of_list(items);
        }
    }
    return Value::symbol(lit.text);
}

Type slot_type(ast::TypeRef::Kind k) {
    switch (k) {
        case ast::TypeRef::Kind::Symbol: return Type::Symbol;
        case ast::TypeRef::Kind::String: return Type::String;
        case ast::TypeRef::Kind::Int: return Type::Int;
        case ast::TypeRef::Kind::Float: return Type::Float;
        case ast::TypeRef::Kind::Bool: return Type::Bool;
        case ast::TypeRef::Kind::OneOf: return Type::Symbol;
        case ast::TypeRef::Kind::Ref: return Type::Symbol;
        case ast::TypeRef::Kind::List: return Type::List;
    }
    return Type::Symbol;
}

bool fits(Type value, Type slot) {
    return value == slot || value == Type::Any || slot == Type::Any || (value == Type::Int && slot == Type::Float);
}

std::optional<Value> value_for_slot(const Value& v, const SourceSpan& span, const SlotDef& slot,
                                    std::string_view owner, DiagnosticSink& sink, Code mismatch, Code not_listed) {
    if (slot.type == Type::Any) return v;
    if (slot.type == Type::Float && v.type == Type::Int) return Value::real(static_cast<double>(v.i));
    if (slot.type == Type::List && v.type == Type::List) {
        // Each item fits the slot's item type (ints are converted in a list of float).
        SlotDef item = item_slot(slot);
        std::vector<Value> items;
        for (const Value& x : v.items()) {
            auto fitted = value_for_slot(x, span, item, owner, sink, mismatch, not_listed);
            if (!fitted) return std::nullopt;
            items.push_back(*fitted);
        }
        return Value::of_list(items);
    }
    if (v.type != slot.type) {
        Diagnostic* d = sink.error(span, mismatch, "slot '{}' of '{}' holds {}, but this is the {} {}", slot.name,
                                   owner, a_type(slot.type), type_name(v.type), to_source(v));
        if (d && slot.type == Type::String && v.type == Type::Symbol)
            d->notes.push_back({{}, fmt::format("write it in quotes to make it a string: \"{}\"", v.text())});
        if (d && slot.type == Type::Symbol && v.type == Type::String && is_name_text(v.text()))
            d->notes.push_back({{}, fmt::format("write it without quotes to make it a symbol: {}", v.text())});
        if (d && slot.span.valid())
            d->notes.push_back({slot.span, fmt::format("slot '{}' is declared here", slot.name)});
        return std::nullopt;
    }
    if (!slot.one_of.empty()) {
        for (SymbolId s : slot.one_of)
            if (s == v.sym) return v;
        std::vector<std::string> allowed;
        for (SymbolId s : slot.one_of) allowed.emplace_back(Symbols::name(s));
        std::string guess = closest_match(v.text(), allowed, TypoRule::EditsOrSwap);
        Diagnostic* d = sink.error(span, not_listed, "'{}' is not one of the values slot '{}' of '{}' allows: {}{}",
                                   v.text(), slot.name, owner, one_of_list(slot),
                                   guess.empty() ? std::string() : fmt::format("; did you mean '{}'?", guess));
        if (d && slot.span.valid())
            d->notes.push_back({slot.span, fmt::format("slot '{}' is declared here", slot.name)});
        return std::nullopt;
    }
    return v;
}

std::optional<Value> literal_for_slot(const ast::Literal& lit, const SlotDef& slot, std::string_view owner,
                                      DiagnosticSink& sink, Code mismatch, Code not_listed) {
    return value_for_slot(literal_value(lit), lit.span, slot, owner, sink, mismatch, not_listed);
}

std::string score_template_name(std::string_view predicate, std::size_t arity) {
    return fmt::format("{}/{}", predicate, arity);
}

std::vector<std::string> template_names(const Program& p) {
    std::vector<std::string> names;
    for (const auto& t : p.templates)
        if (!t.is_score) names.push_back(t.name);
    return names;
}

void report_unknown_template(const ast::Identifier& name, const Program& p, DiagnosticSink& sink) {
    for (const auto& t : p.templates) {
        if (t.is_score && t.predicate == name.name) {
            Diagnostic* d = sink.error(name.span, Code::UnknownTemplate,
                                       "'{}' is an evidence predicate, not a template", name.name);
            if (d)
                d->notes.push_back({{}, fmt::format("give evidence with `evidence {}(...) WEIGHT` and read it with "
                                                    "`?v = score({}(...))`",
                                                    name.name, name.name)});
            return;
        }
    }
    std::string guess = closest_match(name.name, template_names(p), TypoRule::EditsOrSwap);
    if (guess.empty()) {
        sink.error(name.span, Code::UnknownTemplate, "unknown template '{}'", name.name);
    } else {
        Diagnostic* d = sink.error(name.span, Code::UnknownTemplate, "unknown template '{}'; did you mean '{}'?",
                                   name.name, guess);
        if (d) {
            const TemplateDef* t = p.find_template(guess);
            if (t && t->span.valid())
                d->notes.push_back({t->span, fmt::format("template '{}' is defined here", guess)});
        }
    }
}

void report_unknown_slot(const ast::Identifier& slot, const TemplateDef& t, DiagnosticSink& sink) {
    std::vector<std::string> names;
    for (const auto& s : t.slots) names.push_back(s.name);
    std::string guess = closest_match(slot.name, names, TypoRule::EditsOrSwap);
    std::string owner = t.is_score ? t.predicate : t.name;
    Diagnostic* d = guess.empty()
                        ? sink.error(slot.span, Code::UnknownSlot, "unknown slot '{}' in '{}'", slot.name, owner)
                        : sink.error(slot.span, Code::UnknownSlot, "unknown slot '{}' in '{}'; did you mean '{}'?",
                                     slot.name, owner, guess);
    if (!d) return;
    if (guess.empty()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        d->notes.push_back({{}, names.empty() ? fmt::format("'{}' has no slots", owner)
                                              : fmt::format("'{}' has the slots: {}", owner, list)});
    }
    if (t.span.valid()) d->notes.push_back({t.span, fmt::format("template '{}' is defined here", owner)});
}

std::string line_col(const SourceSpan& s) { return fmt::format("{}:{}", s.line, s.col); }

// The text of `e` when it is symbols joined by '-' with nothing between them (green-couch, which parses as green
// minus couch): "green-couch"; else nothing. Adjacency comes from the spans, so `green - couch` is not a slip.
std::optional<std::string> hyphenated_symbols(const ast::Expr& e) {
    if (e.kind == ast::Expr::Kind::Literal && e.literal.kind == ast::Literal::Kind::Symbol) return e.literal.text;
    if (e.kind != ast::Expr::Kind::Binary || e.op != "-" || e.args.size() != 2) return std::nullopt;
    const SourceSpan& l = e.args[0].span;
    const SourceSpan& r = e.args[1].span;
    if (l.offset + l.length + 1 != r.offset) return std::nullopt;
    auto left = hyphenated_symbols(e.args[0]);
    auto right = hyphenated_symbols(e.args[1]);
    if (!left || !right) return std::nullopt;
    return *left + "-" + *right;
}


}  // namespace covenant::check_detail

namespace covenant {

CmpOp program_cmp_op(ast::CmpOp op) {
    switch (op) {
        case ast::CmpOp::Eq: return CmpOp::Eq;
        case ast::CmpOp::Ne: return CmpOp::Ne;
        case ast::CmpOp::Lt: return CmpOp::Lt;
        case ast::CmpOp::Le: return CmpOp::Le;
        case ast::CmpOp::Gt: return CmpOp::Gt;
        case ast::CmpOp::Ge: return CmpOp::Ge;
        case ast::CmpOp::Has: return CmpOp::Has;
    }
    return CmpOp::Eq;
}

std::string literal_text(const ast::Literal& lit) {
    switch (lit.kind) {
        case ast::Literal::Kind::Int: return std::to_string(lit.int_value);
        case ast::Literal::Kind::Float: return fmt::format("{}", lit.float_value);
        case ast::Literal::Kind::Bool: return lit.bool_value ? "true" : "false";
        default: return lit.text;
    }
}

}  // namespace covenant
