// The occurrence index of a document: every template, slot, constant, rule, variable, pack, evidence predicate and
// function name it writes, with what it names, found by walking the parsed unit (which the parser returns even when
// parts of the file did not parse, so the index works while the user types).
#include <algorithm>

#include "lsp_analysis.hpp"

namespace covenant::lsp {

namespace {

using Kind = Occurrence::Kind;

class Indexer {
public:
    explicit Indexer(Analysis& a) : a_(a) {}

    void run() {
        const ast::Unit& u = a_.doc();
        if (u.pack) add(Kind::Pack, u.pack->name, true);
        for (const auto& use : u.uses) add(Kind::Pack, use.pack, false);
        for (const auto& c : u.constants) {
            add(Kind::Constant, c.name, true);
            expr(c.value);
        }
        for (std::size_t i = 0; i < u.functions.size(); ++i) function(u.functions[i], static_cast<int>(i));
        for (const auto& t : u.templates) template_decl(t);
        for (const auto& block : u.facts)
            for (const auto& f : block.facts) fact_term(f);
        for (std::size_t i = 0; i < u.rules.size(); ++i) rule(u.rules[i], static_cast<int>(i));
        for (const auto& r : u.reports) report(r);
        auto& occ = a_.occurrences;
        std::stable_sort(occ.begin(), occ.end(),
                         [](const Occurrence& x, const Occurrence& y) { return x.offset < y.offset; });
    }

private:
    void add(Kind kind, const ast::Identifier& id, bool declaration, std::string owner = {}) {
        add_at(kind, id.name, id.span, declaration, std::move(owner));
    }

    void add_at(Kind kind, const std::string& name, const SourceSpan& span, bool declaration, std::string owner = {}) {
        // Spans from other files (a `use`d pack's synthesised pack name) and empty ones say nothing about the text.
        if (!span.valid() || span.file != a_.doc_file || name.empty()) return;
        Occurrence o;
        o.kind = kind;
        o.declaration = declaration;
        o.name = name;
        o.owner = std::move(owner);
        o.rule = rule_;
        o.function = function_;
        o.offset = span.offset;
        o.length = span.length;
        a_.occurrences.push_back(std::move(o));
    }

    void variable(const ast::Variable& v) {
        // The span covers the '?'; the name is what is looked up.
        add_at(Kind::Variable, v.name, v.span, false, owner_);
    }

    void literal(const ast::Literal& lit) {
        if (lit.kind == ast::Literal::Kind::Symbol && is_constant_name(lit.text))
            add_at(Kind::Constant, lit.text, lit.span, false);
        if (lit.kind == ast::Literal::Kind::String && rule_ >= 0) interpolations(lit.span);
    }

    // `{?x}` and `{?x:SPEC}` inside a string name variables; found in the source text, where the braces are.
    void interpolations(const SourceSpan& span) {
        std::string_view text = a_.text_of(span);
        for (std::size_t i = 0; i + 2 < text.size(); ++i) {
            if (text[i] == '\\') {
                ++i;
                continue;
            }
            if (text[i] != '{' || text[i + 1] != '?') continue;
            std::size_t end = i + 2;
            while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
                ++end;
            if (end == i + 2) continue;
            SourceSpan v = span;
            v.offset = span.offset + static_cast<std::uint32_t>(i + 1);
            v.length = static_cast<std::uint32_t>(end - i - 1);
            add_at(Kind::Variable, std::string(text.substr(i + 2, end - i - 2)), v, false, owner_);
        }
    }

    void operand(const ast::Operand& o) {
        if (o.is_expression)
            expr(o.expression);
        else if (o.is_variable)
            variable(o.variable);
        else
            literal(o.literal);
    }

    void expr(const ast::Expr& e) {
        switch (e.kind) {
            case ast::Expr::Kind::Literal:
                literal(e.literal);
                break;
            case ast::Expr::Kind::Variable:
                variable(e.variable);
                break;
            case ast::Expr::Kind::Call:
                add(Kind::Function, e.function, false);
                [[fallthrough]];
            default:
                for (const auto& arg : e.args) expr(arg);
        }
    }

    void template_decl(const ast::Template& t) {
        add(Kind::Template, t.name, true);
        for (const auto& s : t.slots) {
            add(Kind::Slot, s.name, true, t.name.name);
            if (s.type.kind == ast::TypeRef::Kind::Ref) add(Kind::Template, s.type.ref, false);
            for (const auto& r : s.range) literal(r.bound);
            if (s.default_value) literal(*s.default_value);
        }
    }

    void fact_term(const ast::FactTerm& f) {
        add(Kind::Template, f.template_name, false);
        for (const auto& sv : f.slots) {
            add(Kind::Slot, sv.slot, false, f.template_name.name);
            expr(sv.value);
        }
    }

    void pattern(const ast::Pattern& p) {
        if (p.fact_variable) variable(*p.fact_variable);
        add(Kind::Template, p.template_name, false);
        for (const auto& sc : p.slots) {
            add(Kind::Slot, sc.slot, false, p.template_name.name);
            if (sc.variable) variable(*sc.variable);
            for (const auto& v : sc.values) operand(v);
            for (const auto& item : sc.list) operand(item.value);  // a list pattern [?a, ..?rest]
        }
    }

    void condition(const ast::Condition& c) {
        switch (c.kind) {
            case ast::Condition::Kind::Pattern:
                pattern(c.pattern);
                break;
            case ast::Condition::Kind::Not:
            case ast::Condition::Kind::Exists:
            case ast::Condition::Kind::Forall:
            case ast::Condition::Kind::Or:
            case ast::Condition::Kind::And:
                for (const auto& g : c.group) condition(g);
                break;
            case ast::Condition::Kind::Test:
                expr(c.test);
                break;
            case ast::Condition::Kind::Aggregate:
                variable(c.result);
                if (c.over) variable(*c.over);
                pattern(c.pattern);
                break;
            case ast::Condition::Kind::Score:
                variable(c.result);
                add(Kind::Predicate, c.predicate, false);
                for (const auto& o : c.args) operand(o);
                break;
        }
    }

    void action(const ast::Action& act, const ast::Rule& r) {
        switch (act.kind) {
            case ast::Action::Kind::Assert:
            case ast::Action::Kind::Conclude:
                fact_term(act.fact);
                break;
            case ast::Action::Kind::Retract:
                variable(act.target);
                break;
            case ast::Action::Kind::Modify: {
                variable(act.target);
                std::string tmpl = a_.fact_variable_template(r, act.target.name);
                for (const auto& sv : act.changes) {
                    if (!tmpl.empty()) add(Kind::Slot, sv.slot, false, tmpl);
                    expr(sv.value);
                }
                break;
            }
            case ast::Action::Kind::Evidence:
                add(Kind::Predicate, act.predicate, false);
                for (const auto& e : act.args) expr(e);
                expr(act.weight);
                if (act.text) literal(*act.text);
                break;
            case ast::Action::Kind::Print:
                if (act.text) literal(*act.text);
                break;
            case ast::Action::Kind::Halt:
                break;
        }
    }

    // The parameters are the body's variables: declared in the parameter list, used in the body.
    void function(const ast::Function& f, int index) {
        add(Kind::Function, f.name, true);
        function_ = index;
        owner_ = f.name.name;
        for (const auto& p : f.params) add_at(Kind::Variable, p.var.name, p.var.span, true, owner_);
        expr(f.body);
        function_ = -1;
        owner_.clear();
    }

    void rule(const ast::Rule& r, int index) {
        add(Kind::Rule, r.name, true);
        rule_ = index;
        owner_ = r.name.name;
        if (r.salience) expr(*r.salience);
        for (const auto& c : r.conditions) condition(c);
        for (const auto& act : r.actions) action(act, r);
        rule_ = -1;
        owner_.clear();
    }

    void report(const ast::ReportDecl& r) {
        // `report score P` names an evidence predicate; the other roles name a template and its slots.
        if (r.role.name == "score") {
            add(Kind::Predicate, r.target, false);
            return;
        }
        add(Kind::Template, r.target, false);
        for (const auto& s : r.slots) add(Kind::Slot, s, false, r.target.name);
    }

    Analysis& a_;
    int rule_ = -1;
    int function_ = -1;
    std::string owner_;  // the rule or function being indexed: the owner of its variables
};

}  // namespace

// Fills a.occurrences from the document's unit (declared in lsp_analysis.cpp, which calls it once per analysis).
void build_occurrences(Analysis& a) {
    Indexer(a).run();
}

}  // namespace covenant::lsp
