// The user functions of all loaded packs: `function NAME ["doc"] (?a: TYPE, ...) [: TYPE] = EXPR`
// (docs/language.md, "Functions"). Checked after the templates and before the rules, which call them.
//
// Two steps, so that functions may call each other in any order and recursively: every function is first declared
// (name, parameter types, declared result type or Any), then every body is checked against those declarations. A
// function without a declared result type gets its body's type; a call checked before that sees Any, which is only
// less strict, never wrong.
#include <unordered_map>

#include "check/internal.hpp"

namespace covenant::check_detail {

void check_functions(const std::vector<std::pair<const ast::Function*, PackId>>& functions, Program& program,
                     const SourceManager& sm, DiagnosticSink& sink) {
    std::unordered_map<std::string, const ast::Function*> seen;
    std::vector<std::pair<const ast::Function*, Function*>> declared;
    for (const auto& [f, pack] : functions) {
        if (is_builtin_function(f->name.name)) {
            sink.error(f->name.span, Code::DuplicateFunction,
                       "'{}' is a built-in function; give your function another name", f->name.name);
            continue;
        }
        auto [it, inserted] = seen.emplace(f->name.name, f);
        if (!inserted) {
            Diagnostic* d = sink.error(f->name.span, Code::DuplicateFunction, "function '{}' is defined twice",
                                       f->name.name);
            if (d) d->notes.push_back({it->second->name.span, "it is first defined here"});
            continue;
        }
        auto fn = std::make_shared<Function>();
        fn->name = f->name.name;
        if (f->doc) fn->doc = f->doc->text;
        for (const auto& p : f->params) {
            fn->params.push_back(p.var.name);
            fn->param_types.push_back(slot_type(p.type.kind));
        }
        fn->result = f->result ? slot_type(f->result->kind) : Type::Any;
        fn->pack = pack;
        fn->span = f->span;
        declared.emplace_back(f, fn.get());
        program.functions.push_back(std::move(fn));
    }
    for (auto& [f, fn] : declared) {
        std::size_t errors = sink.error_count();
        Expr body = check_function_body(*f, fn->param_types, program, &sm, sink);
        if (sink.error_count() != errors) {
            fn->body = std::move(body);
            continue;
        }
        if (f->result) {
            if (!fits(body.type, fn->result))
                sink.error(f->body.span, Code::TypeMismatch, "{}() is declared to give {}, but its body gives {}",
                           fn->name, a_type(fn->result), a_type(body.type));
        } else {
            fn->result = body.type;
        }
        fn->body = std::move(body);
    }
}

}  // namespace covenant::check_detail
