// Passes 1-3 of the checker (packs, templates, facts) and the driver that runs all four passes over parsed units.
// Pass 4 (rules) lives in check_rule.cpp. Each pass records into the sink and keeps going, so that one run reports as
// much as it can; the Program is returned only when no pass reported an error (Soufflé's driver does the same).
#include <algorithm>
#include <unordered_map>

#include "base/hints.hpp"
#include "check/check.hpp"
#include "check/internal.hpp"

namespace covenant {

using namespace check_detail;

namespace {

// A placeholder default for a slot whose written default was rejected, so that facts which rely on it do not also
// report a missing slot (the program is not built anyway: an error was reported).
Value placeholder(Type t) {
    switch (t) {
        case Type::Int: return Value::integer(0);
        case Type::Float: return Value::real(0);
        case Type::Bool: return Value::boolean(false);
        case Type::String: return Value::string("");
        default: return Value::symbol("");
    }
}

class UnitsChecker {
public:
    UnitsChecker(const std::vector<ast::Unit>& units, const SourceManager& sm, DiagnosticSink& sink)
        : units_(units), sm_(sm), sink_(sink) {}

    std::optional<Program> run() {
        // Pack errors (an unknown or cyclic `use`) would make every later pass report names it cannot see, so
        // they stop the check here.
        if (!order_packs()) return std::nullopt;
        for (std::size_t u : order_) {
            declare_templates(units_[u], pack_of_[u]);
            for (const auto& c : units_[u].constants)
                if (c.value.kind == ast::Expr::Kind::Literal)  // else its definition was reported (pass 0)
                    program_.constants.push_back({c.name.name, literal_value(c.value.literal),
                                                  c.doc ? c.doc->text : std::string(), pack_of_[u], c.span});
        }
        resolve_refs();
        for (std::size_t u : order_)
            for (const auto& block : units_[u].facts)
                for (const auto& fact : block.facts)
                    if (auto f = check_fact(fact, program_, sink_)) {
                        warn_repeated_defaults(fact, *f);
                        program_.facts.push_back(std::move(*f));
                    }
        std::vector<std::pair<const ast::Function*, PackId>> functions;
        for (std::size_t u : order_)
            for (const auto& f : units_[u].functions) functions.emplace_back(&f, pack_of_[u]);
        check_functions(functions, program_, sm_, sink_);
        for (std::size_t u : order_)
            for (const auto& rule : units_[u].rules) declare_score_templates(rule, program_);
        for (std::size_t u : order_)
            for (const auto& rule : units_[u].rules) check_one_rule(rule, pack_of_[u]);
        std::vector<const ast::ReportDecl*> reports;
        for (std::size_t u : order_)
            for (const auto& r : units_[u].reports) reports.push_back(&r);
        check_reports(reports, program_, sink_);
        // Any error in the sink, even one recorded before this call (a parse error), means no program: a sink that
        // reached its limit no longer counts new errors, so "errors added by this call" cannot be told reliably.
        if (sink_.has_errors()) return std::nullopt;
        return std::move(program_);
    }

private:
    // W0003: a slot of a `facts` block given its template's default value says nothing the default does not. Only
    // for facts blocks: in YAML case files an explicit `false` or `0` records that the analyst checked the figure
    // (docs/kb.md), and at the REPL a fact is typed once and not kept.
    void warn_repeated_defaults(const ast::FactTerm& fact, const InitialFact& checked) {
        const TemplateDef& t = program_.templates[checked.tmpl];
        for (const auto& sv : fact.slots) {
            int idx = t.slot_index(sv.slot.name);
            if (idx < 0) continue;
            const SlotDef& slot = t.slots[idx];
            if (!slot.default_value || !(*slot.default_value == checked.values[idx])) continue;
            Diagnostic* d = sink_.warning(sv.value.span, Code::ShadowedSlotDefault,
                                          "slot '{}' repeats its default value {}; leave it out", slot.name,
                                          to_source(*slot.default_value));
            if (d) d->notes.push_back({slot.span, fmt::format("the default of '{}.{}' is declared here", t.name,
                                                               slot.name)});
        }
    }

    // Pass 1. Orders the units depth-first so that every used pack precedes its users (ties keep the given order),
    // reporting unknown packs (E0103), duplicate packs (E0117) and cycles (E0118). Returns false on any of these.
    bool order_packs() {
        bool ok = true;
        std::vector<bool> dropped(units_.size(), false);
        for (std::size_t i = 0; i < units_.size(); ++i) {
            const auto& pack = units_[i].pack;
            if (!pack || pack->name.name.empty()) continue;
            auto [it, inserted] = by_name_.emplace(pack->name.name, i);
            if (!inserted) {
                ok = false;
                dropped[i] = true;
                Diagnostic* d = sink_.error(pack->name.span, Code::DuplicatePack, "pack '{}' is declared twice",
                                            pack->name.name);
                if (d) d->notes.push_back({units_[it->second].pack->name.span, "it is first declared here"});
            }
        }
        uses_.assign(units_.size(), {});
        for (std::size_t i = 0; i < units_.size(); ++i) {
            if (dropped[i]) continue;
            for (const auto& use : units_[i].uses) {
                auto it = by_name_.find(use.pack.name);
                if (it == by_name_.end()) {
                    ok = false;
                    std::vector<std::string> known;
                    for (const auto& [name, unit] : by_name_) known.push_back(name);
                    std::sort(known.begin(), known.end());
                    std::string guess = closest_match(use.pack.name, known, TypoRule::EditsOrSwap);
                    if (guess.empty())
                        sink_.error(use.pack.span, Code::UnknownPack, "unknown pack '{}'; no loaded file declares it",
                                    use.pack.name);
                    else
                        sink_.error(use.pack.span, Code::UnknownPack, "unknown pack '{}'; did you mean '{}'?",
                                    use.pack.name, guess);
                    continue;
                }
                uses_[i].push_back({it->second, &use});
            }
        }
        state_.assign(units_.size(), 0);
        for (std::size_t i = 0; i < units_.size(); ++i)
            if (!dropped[i] && state_[i] == 0) ok = visit(i) && ok;
        pack_of_.assign(units_.size(), 0);
        for (std::size_t k = 0; k < order_.size(); ++k) pack_of_[order_[k]] = static_cast<PackId>(k);
        for (std::size_t k = 0; k < order_.size(); ++k) {
            const ast::Unit& unit = units_[order_[k]];
            PackInfo info;
            info.id = static_cast<PackId>(k);
            if (unit.pack) {
                info.name = unit.pack->name.name;
                if (unit.pack->doc) info.doc = unit.pack->doc->text;
            }
            info.file = unit.file;
            for (const auto& [target, use] : uses_[order_[k]]) info.uses.push_back(pack_of_[target]);
            program_.packs.push_back(std::move(info));
        }
        return ok;
    }

    // Depth-first visit for pass 1; `state_` is 0 unvisited, 1 on the current path, 2 done.
    bool visit(std::size_t u) {
        bool ok = true;
        state_[u] = 1;
        path_.push_back(u);
        for (const auto& [target, use] : uses_[u]) {
            if (state_[target] == 1) {
                ok = false;
                std::string cycle;
                auto start = std::find(path_.begin(), path_.end(), target);
                for (auto it = start; it != path_.end(); ++it) cycle += units_[*it].pack->name.name + " -> ";
                cycle += units_[target].pack->name.name;
                sink_.error(use->pack.span, Code::CyclicUse, "packs use each other in a cycle: {}", cycle);
            } else if (state_[target] == 0) {
                ok = visit(target) && ok;
            }
        }
        path_.pop_back();
        state_[u] = 2;
        order_.push_back(u);
        return ok;
    }

    // Pass 2: one unit's templates.
    void declare_templates(const ast::Unit& unit, PackId pack) {
        for (const auto& t : unit.templates) {
            if (auto it = program_.template_by_name.find(t.name.name); it != program_.template_by_name.end()) {
                Diagnostic* d = sink_.error(t.name.span, Code::DuplicateTemplate, "template '{}' is defined twice",
                                            t.name.name);
                if (d) d->notes.push_back({program_.templates[it->second].span, "it is first defined here"});
                continue;
            }
            TemplateDef def;
            def.id = static_cast<TemplateId>(program_.templates.size());
            current_template_ = def.id;
            def.name = t.name.name;
            if (t.doc) def.doc = t.doc->text;
            def.pack = pack;
            def.span = t.name.span;
            std::unordered_map<std::string, SourceSpan> seen;
            for (const auto& decl : t.slots) {
                if (auto it = seen.find(decl.name.name); it != seen.end()) {
                    Diagnostic* d = sink_.error(decl.name.span, Code::DuplicateSlot,
                                                "slot '{}' is declared twice in template '{}'", decl.name.name,
                                                t.name.name);
                    if (d) d->notes.push_back({it->second, "it is first declared here"});
                    continue;
                }
                seen.emplace(decl.name.name, decl.name.span);
                SlotDef slot;
                slot.name = decl.name.name;
                slot.type = slot_type(decl.type.kind);
                if (slot.type == Type::List) slot.element = slot_type(decl.type.element);
                slot.span = decl.name.span;
                if (decl.type.kind == ast::TypeRef::Kind::OneOf) {
                    std::unordered_map<std::string, SourceSpan> values;
                    for (const auto& v : decl.type.one_of) {
                        if (auto it = values.find(v.name); it != values.end()) {
                            Diagnostic* d = sink_.error(v.span, Code::DuplicateOneOf,
                                                        "'{}' is listed twice in the values of slot '{}'", v.name,
                                                        slot.name);
                            if (d) d->notes.push_back({it->second, "it is first listed here"});
                            continue;
                        }
                        values.emplace(v.name, v.span);
                        slot.one_of.push_back(Symbols::intern(v.name));
                    }
                }
                if (decl.type.kind == ast::TypeRef::Kind::Ref)
                    pending_refs_.push_back({def.id, def.slots.size(), decl.type.ref});
                declare_range(decl, slot);
                declare_source(decl, slot);
                if (decl.default_value) {
                    auto v = literal_for_slot(*decl.default_value, slot, t.name.name, sink_, Code::BadDefault,
                                              Code::BadDefault);
                    if (v)
                        if (std::string problem = slot_range_problem(slot, *v); !problem.empty()) {
                            sink_.error(decl.default_value->span, Code::BadDefault, "the default {}", problem);
                            v.reset();
                        }
                    slot.default_value = v ? *v : placeholder(slot.type);
                } else if (slot.type == Type::List) {
                    slot.default_value = Value::of_list({});  // a list slot left out is empty, as a CLIPS multislot
                }
                if (!slot.range.empty()) def.has_range = true;
                def.slots.push_back(std::move(slot));
            }
            // A case template's fact is made from the header alone: every slot needs a key or a default.
            for (std::size_t i = 0; def.is_case_template() && i < def.slots.size(); ++i)
                if (def.slots[i].from.empty() && !def.slots[i].default_value)
                    sink_.error(
                        def.slots[i].span, Code::BadCaseSlot,
                        "template '{}' is filled from the case file's header (a slot says `from`), so slot '{}' "
                        "needs `from KEY` or a default value",
                        def.name, def.slots[i].name);
            program_.template_by_name.emplace(def.name, def.id);
            program_.templates.push_back(std::move(def));
        }
    }

    // `in [0, 1]`, `>= 1`, `<= as_of`: numeric slots only; a bound is a number of the slot's type (an int bound
    // fits a float slot) or the header key as_of (constants are already substituted).
    void declare_range(const ast::SlotDecl& decl, SlotDef& slot) {
        if (decl.range.empty()) return;
        if (slot.type != Type::Int && slot.type != Type::Float) {
            sink_.error(decl.range.front().span, Code::BadRange,
                        "only int and float slots can have a range; slot '{}' holds {}", slot.name, a_type(slot.type));
            return;
        }
        int lower = 0, upper = 0;
        for (const auto& limit : decl.range) {
            SlotBound b;
            b.span = limit.bound.span;
            b.op = program_cmp_op(limit.op);
            bool is_lower = b.op == CmpOp::Ge || b.op == CmpOp::Gt;
            if (++(is_lower ? lower : upper) > 1) {
                sink_.error(limit.span, Code::BadRange, "slot '{}' has two {} bounds; give at most one of each",
                            slot.name, is_lower ? "lower" : "upper");
                continue;
            }
            const ast::Literal& lit = limit.bound;
            if (lit.kind == ast::Literal::Kind::Symbol) {
                if (lit.text != "as_of" && lit.text.find('.') == std::string::npos) {
                    sink_.error(lit.span, Code::BadRange,
                                "a bound is a number, a constant, as_of (the case file's year) or REF.SLOT (a slot of "
                                "the fact a ref slot names, as in owner.founded); '{}' is none of these",
                                lit.text);
                    continue;
                }
                b.bound = Value::symbol(lit.text);
                if (lit.text != "as_of") pending_bounds_.push_back({current_template_, slot.name, lit});
            } else if (lit.kind == ast::Literal::Kind::Int) {
                b.bound = Value::integer(lit.int_value);  // compared as a number; kept as written for messages
            } else if (lit.kind == ast::Literal::Kind::Float && slot.type == Type::Float) {
                b.bound = Value::real(lit.float_value);
            } else {
                sink_.error(lit.span, Code::BadRange, "a bound of the {} slot '{}' must be {}", type_name(slot.type),
                            slot.name, slot.type == Type::Int ? "an integer" : "a number");
                continue;
            }
            slot.range.push_back(std::move(b));
        }
        // Keep the lower bound first, so that the range reads back as written (`in [0, 1]`).
        std::stable_sort(slot.range.begin(), slot.range.end(), [](const SlotBound& a, const SlotBound& b) {
            auto lower = [](const SlotBound& x) { return x.op == CmpOp::Ge || x.op == CmpOp::Gt; };
            return lower(a) && !lower(b);
        });
        if (slot.range.size() == 2 && slot.range[0].bound.type != Type::Symbol &&
            slot.range[1].bound.type != Type::Symbol &&
            slot.range[0].bound.as_double() > slot.range[1].bound.as_double())
            sink_.error(decl.range.front().span, Code::BadRange, "the range of slot '{}' is empty: {}", slot.name,
                        slot_range_text(slot));
    }

    // `from KEY`: the header keys a case file gives are as_of (a number), case (its id) and title (a string).
    void declare_source(const ast::SlotDecl& decl, SlotDef& slot) {
        if (!decl.from) return;
        const std::string& key = decl.from->name;
        bool fits = key == "as_of" ? (slot.type == Type::Int || slot.type == Type::Float) && slot.one_of.empty()
                  : key == "case"  ? (slot.type == Type::Symbol || slot.type == Type::String) && slot.one_of.empty()
                  : key == "title" ? slot.type == Type::String
                                   : false;
        if (key != "as_of" && key != "case" && key != "title") {
            std::string guess = closest_match(key, {"as_of", "case", "title"}, TypoRule::EditsOrSwap);
            sink_.error(decl.from->span, Code::BadCaseSlot,
                        "a case file's header gives as_of, case and title; '{}' is none of these{}", key,
                        guess.empty() ? std::string() : fmt::format("; did you mean '{}'?", guess));
            return;
        }
        if (!fits) {
            sink_.error(decl.from->span, Code::BadCaseSlot, "the header's {} cannot fill slot '{}', which holds {}",
                        key, slot.name, a_type(slot.type));
            return;
        }
        slot.from = key;
    }

    // `ref T` slots, once every template is declared: T must exist and have an `id` slot holding symbols (its key).
    void resolve_refs() {
        for (const auto& r : pending_refs_) {
            const TemplateDef* target = program_.find_template(r.target.name);
            if (!target || target->is_score) {
                report_unknown_template(r.target, program_, sink_);
                continue;
            }
            int key = target->slot_index("id");
            if (key < 0 || target->slots[key].type != Type::Symbol) {
                Diagnostic* d = sink_.error(r.target.span, Code::BadRef,
                                            "template '{}' has no `id: symbol` slot, so nothing can refer to its facts",
                                            target->name);
                if (d) d->notes.push_back({target->span, fmt::format("template '{}' is defined here", target->name)});
                continue;
            }
            program_.templates[r.tmpl].slots[r.slot].ref = target->id;
        }
        // REF.SLOT bounds, now that refs are resolved: REF is a `ref` slot of the same template, SLOT a number slot
        // of the template it refers to.
        for (const auto& pb : pending_bounds_) {
            TemplateDef& t = program_.templates[pb.tmpl];
            std::string via = pb.bound.text.substr(0, pb.bound.text.find('.'));
            std::string target = pb.bound.text.substr(pb.bound.text.find('.') + 1);
            int v = t.slot_index(via);
            if (v < 0 || !t.slots[v].is_ref()) {
                sink_.error(pb.bound.span, Code::BadRange,
                            "in the bound '{}', '{}' must be a `ref` slot of template '{}'", pb.bound.text, via,
                            t.name);
                continue;
            }
            const TemplateDef& referred = program_.templates[t.slots[v].ref];
            int g = referred.slot_index(target);
            if (g < 0 || (referred.slots[g].type != Type::Int && referred.slots[g].type != Type::Float)) {
                sink_.error(pb.bound.span, Code::BadRange, "in the bound '{}', template '{}' has no number slot '{}'",
                            pb.bound.text, referred.name, target);
                continue;
            }
            int s = t.slot_index(pb.slot);
            if (s < 0) continue;
            for (auto& b : t.slots[s].range)
                if (b.bound.type == Type::Symbol && b.bound.text() == pb.bound.text) {
                    b.via = static_cast<SlotIndex>(v);
                    b.target = static_cast<SlotIndex>(g);
                }
        }
    }

    // Pass 4 driver: names must be unique across packs (E0108); the rule itself is checked in check_rule.cpp.
    // Whether rule_disjuncts would change the conditions: an `or`, `and` or `forall` at any depth.
    static bool needs_rewriting(const std::vector<ast::Condition>& conds) {
        for (const auto& c : conds) {
            using K = ast::Condition::Kind;
            if (c.kind == K::Or || c.kind == K::And || c.kind == K::Forall) return true;
            if (needs_rewriting(c.group)) return true;
        }
        return false;
    }

    void check_one_rule(const ast::Rule& rule, PackId pack) {
        if (auto it = rule_names_.find(rule.name.name); it != rule_names_.end()) {
            Diagnostic* d = sink_.error(rule.name.span, Code::DuplicateRule, "rule '{}' is defined twice",
                                        rule.name.name);
            if (d) d->notes.push_back({it->second, "it is first defined here"});
        } else {
            rule_names_.emplace(rule.name.name, rule.name.span);
        }
        // The usual rule, with no `or`, `and` or `forall` anywhere, is checked as written: the rewriting below
        // would only copy it (twice; a sixth of the check's time on a 10,000-rule pack).
        if (!needs_rewriting(rule.conditions)) {
            add_rule(rule, pack, 0, 1, sink_);
            return;
        }
        std::size_t errors = sink_.error_count();
        std::vector<std::vector<ast::Condition>> disjuncts = rule_disjuncts(rule, sink_);
        // After a malformed `or` or `forall` the rule is checked without it: its errors still count, but warnings
        // (an unused variable the dropped condition used) would only be echoes.
        bool quiet = sink_.error_count() != errors;
        // One rule per branch combination (one for a rule without `or`). A mistake outside the `or` is in every one
        // of them: each diagnostic is reported once.
        std::vector<Diagnostic> reported;
        for (std::size_t i = 0; i < disjuncts.size(); ++i) {
            ast::Rule rewritten = rule;
            rewritten.conditions = std::move(disjuncts[i]);
            // One condition list with nothing dropped (a rule with `and` or `forall` but no `or`) reports straight
            // into the sink.
            if (disjuncts.size() == 1 && !quiet) {
                add_rule(rewritten, pack, i, disjuncts.size(), sink_);
                continue;
            }
            DiagnosticSink local(1000);
            add_rule(rewritten, pack, i, disjuncts.size(), local);
            for (const Diagnostic& d : local.diagnostics()) {
                if (quiet && d.severity != Severity::Error) continue;
                bool seen = false;
                for (const Diagnostic& r : reported)
                    seen = seen || (r.code == d.code && r.span == d.span && r.message == d.message);
                if (seen) continue;
                reported.push_back(d);
                if (Diagnostic* copy = sink_.add(d.severity, d.span, d.code, d.message)) copy->notes = d.notes;
            }
        }
    }

    // Checks one condition list of a rule (disjunct `disjunct` of `disjuncts`) into the program's next rule,
    // reporting into `sink`.
    void add_rule(const ast::Rule& rule, PackId pack, std::size_t disjunct, std::size_t disjuncts,
                  DiagnosticSink& sink) {
        Rule out;
        out.id = static_cast<RuleId>(program_.rules.size());
        out.pack = pack;
        out.disjunct = static_cast<std::uint16_t>(disjunct);
        out.disjuncts = static_cast<std::uint16_t>(disjuncts);
        check_rule(rule, program_, &sm_, sink, out);
        program_.rules.push_back(std::move(out));
    }

    const std::vector<ast::Unit>& units_;
    const SourceManager& sm_;
    DiagnosticSink& sink_;
    Program program_;
    std::unordered_map<std::string, std::size_t> by_name_;                        // pack name -> unit
    std::vector<std::vector<std::pair<std::size_t, const ast::Use*>>> uses_;      // per unit: used units
    std::vector<int> state_;
    std::vector<std::size_t> path_;
    std::vector<std::size_t> order_;                                              // units, used packs first
    std::vector<PackId> pack_of_;                                                 // unit -> its PackId
    std::unordered_map<std::string, SourceSpan> rule_names_;
    struct PendingRef {
        TemplateId tmpl;
        std::size_t slot;
        ast::Identifier target;
    };
    std::vector<PendingRef> pending_refs_;
    struct PendingBound {
        TemplateId tmpl;
        std::string slot;
        ast::Literal bound;
    };
    std::vector<PendingBound> pending_bounds_;
    TemplateId current_template_ = 0;
};

// Only literals may appear in a fact; a minus sign before a number literal is folded into it.
std::optional<ast::Literal> fact_literal(const ast::Expr& e) {
    if (e.kind == ast::Expr::Kind::Literal) return e.literal;
    if (e.kind == ast::Expr::Kind::List) {  // [a, b]: a list of values
        ast::Literal list;
        list.kind = ast::Literal::Kind::List;
        list.span = e.span;
        for (const auto& item : e.args) {
            auto lit = fact_literal(item);
            if (!lit) return std::nullopt;
            list.items.push_back(std::move(*lit));
        }
        return list;
    }
    if (e.kind == ast::Expr::Kind::Unary && e.op == "-" && e.args.size() == 1 &&
        e.args[0].kind == ast::Expr::Kind::Literal) {
        ast::Literal lit = e.args[0].literal;
        if (lit.kind == ast::Literal::Kind::Int) {
            lit.int_value = -lit.int_value;
        } else if (lit.kind == ast::Literal::Kind::Float) {
            lit.float_value = -lit.float_value;
        } else {
            return std::nullopt;
        }
        lit.span = e.span;
        return lit;
    }
    return std::nullopt;
}

}  // namespace

std::optional<Program> check_units(const std::vector<ast::Unit>& units, const SourceManager& sm,
                                   DiagnosticSink& sink) {
    return check_units(std::vector<ast::Unit>(units), sm, sink);
}

std::optional<Program> check_units(std::vector<ast::Unit>&& units, const SourceManager& sm, DiagnosticSink& sink) {
    substitute_constants(units, sink);
    return UnitsChecker(units, sm, sink).run();
}

std::optional<InitialFact> check_fact(const ast::FactTerm& fact, const Program& program, DiagnosticSink& sink) {
    const TemplateDef* t = program.find_template(fact.template_name.name);
    if (!t || t->is_score) {
        report_unknown_template(fact.template_name, program, sink);
        return std::nullopt;
    }
    InitialFact out;
    out.tmpl = t->id;
    out.span = fact.span;
    out.values.resize(t->slots.size());
    std::vector<const ast::SlotValue*> given(t->slots.size(), nullptr);
    bool ok = true;
    bool unknown_slot = false;
    for (const auto& sv : fact.slots) {
        int idx = t->slot_index(sv.slot.name);
        if (idx < 0) {
            report_unknown_slot(sv.slot, *t, sink);
            ok = false;
            unknown_slot = true;
            continue;
        }
        if (given[idx]) {
            Diagnostic* d = sink.error(sv.slot.span, Code::DuplicateSlot, "slot '{}' is given twice", sv.slot.name);
            if (d) d->notes.push_back({given[idx]->slot.span, "it is first given here"});
            ok = false;
            continue;
        }
        given[idx] = &sv;
        auto lit = fact_literal(sv.value);
        if (!lit) {
            Diagnostic* d =
                sink.error(sv.value.span, Code::TypeMismatch,
                           "a fact holds values only: write a literal (a symbol, string, number or true/false) here, "
                           "not an expression or a variable");
            // green-couch reads as green minus couch: say what was meant.
            if (d)
                if (auto hint = hyphenated_name_hint(hyphenated_symbols(sv.value).value_or("")))
                    d->notes.push_back({SourceSpan{}, *hint});
            ok = false;
            continue;
        }
        auto v = literal_for_slot(*lit, t->slots[idx], t->name, sink);
        if (!v) {
            ok = false;
            continue;
        }
        if (std::string problem = slot_range_problem(t->slots[idx], *v); !problem.empty()) {
            Diagnostic* d = sink.error(sv.value.span, Code::OutOfRange, "{} (slot '{}' of '{}')", problem,
                                       t->slots[idx].name, t->name);
            if (d && t->slots[idx].span.valid())
                d->notes.push_back({t->slots[idx].span, fmt::format("slot '{}' is declared here",
                                                                     t->slots[idx].name)});
            ok = false;
            continue;
        }
        out.values[idx] = *v;
    }
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < t->slots.size(); ++i) {
        if (given[i]) continue;
        if (t->slots[i].default_value)
            out.values[i] = *t->slots[i].default_value;
        else
            missing.push_back("'" + t->slots[i].name + "'");
    }
    // After an unknown slot (most likely a misspelt required one), a missing-slot error would only repeat it.
    if (!missing.empty() && !unknown_slot) {
        std::string list;
        for (std::size_t i = 0; i < missing.size(); ++i)
            list += (i == 0 ? "" : (i + 1 == missing.size() ? " and " : ", ")) + missing[i];
        Diagnostic* d = sink.error(fact.template_name.span, Code::MissingSlot,
                                   "fact '{}' leaves out the required slot{} {}", t->name,
                                   missing.size() == 1 ? "" : "s", list);
        if (d) d->notes.push_back({t->span, fmt::format("template '{}' is defined here", t->name)});
        ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

}  // namespace covenant
