#include "kb/world.hpp"

#include <algorithm>

#include "program/operators.hpp"

namespace covenant {

RefIndex::RefIndex(const Program& program) : program_(program), id_slot_(program.templates.size(), -1) {
    for (const auto& t : program.templates)
        for (const auto& s : t.slots)
            if (s.is_ref() && s.ref < id_slot_.size()) {
                id_slot_[s.ref] = program.templates[s.ref].slot_index("id");
                ids_[s.ref];
            }
}

void RefIndex::add(TemplateId tmpl, const Value* values) {
    if (tmpl >= id_slot_.size() || id_slot_[tmpl] < 0) return;
    const Value& id = values[id_slot_[tmpl]];
    if (id.type == Type::Symbol) ids_[tmpl].emplace(id.sym, values);
}

bool RefIndex::known(TemplateId tmpl, const Value& id) const { return find(tmpl, id) != nullptr; }

const Value* RefIndex::find(TemplateId tmpl, const Value& id) const {
    auto it = ids_.find(tmpl);
    if (it == ids_.end() || id.type != Type::Symbol) return nullptr;
    auto f = it->second.find(id.sym);
    return f == it->second.end() ? nullptr : f->second;
}

std::string RefIndex::closest(TemplateId tmpl, std::string_view word) const {
    auto it = ids_.find(tmpl);
    if (it == ids_.end()) return {};
    std::vector<std::string> names;
    for (const auto& [s, values] : it->second) names.emplace_back(Symbols::name(s));
    std::sort(names.begin(), names.end());  // a stable suggestion whatever the hash order
    return closest_match(word, names);
}

namespace {

template <typename SpanOf>
bool check_refs(const Program& program, const RefIndex& index, TemplateId tmpl, const Value* values, SpanOf span_of,
                DiagnosticSink& sink) {
    bool ok = true;
    const TemplateDef& t = program.templates[tmpl];
    for (std::size_t i = 0; i < t.slots.size(); ++i) {
        const SlotDef& slot = t.slots[i];
        if (!slot.is_ref()) continue;
        const Value& v = values[i];
        if (slot.default_value && v == *slot.default_value) continue;
        if (index.known(slot.ref, v)) continue;
        ok = false;
        const std::string& target = program.templates[slot.ref].name;
        std::string text = v.type == Type::Symbol ? std::string(v.text()) : to_source(v);
        std::string guess = index.closest(slot.ref, text);
        Diagnostic* d = sink.error(span_of(static_cast<SlotIndex>(i)), Code::UnknownRef,
                                   "unknown {} '{}' in slot '{}' of '{}': no '{}' fact has this id{}", target, text,
                                   slot.name, t.name, target,
                                   guess.empty() ? std::string() : fmt::format("; did you mean '{}'?", guess));
        if (d && slot.span.valid())
            d->notes.push_back({slot.span, fmt::format("slot '{}' is declared `ref {}`", slot.name, target)});
    }
    // Bounds that name a slot of the referred fact (`year: int >= institution.founded`).
    for (std::size_t i = 0; i < t.slots.size(); ++i) {
        const SlotDef& slot = t.slots[i];
        for (const auto& b : slot.range) {
            if (b.via == 0xFFFF || !values[i].is_number()) continue;
            const SlotDef& via = t.slots[b.via];
            const Value* referred = index.find(via.ref, values[b.via]);
            if (!referred) continue;  // an unknown reference is reported above
            const Value& limit = referred[b.target];
            if (!limit.is_number()) continue;
            bool comparable = true;
            int c = compare(values[i], limit, comparable);
            bool holds = !comparable || order_holds(b.op, c);
            if (holds) continue;
            ok = false;
            const TemplateDef& rt = program.templates[via.ref];
            Diagnostic* d = sink.error(span_of(static_cast<SlotIndex>(i)), Code::FactOutOfRange,
                                       "{} is outside the slot's range: it must be {} {}, which is {} for {} '{}' "
                                       "(slot '{}' of '{}')",
                                       to_source(values[i]), cmp_op_text(b.op), b.bound.text(), to_source(limit),
                                       rt.name, to_display(values[b.via]), slot.name, t.name);
            if (d && slot.span.valid())
                d->notes.push_back({slot.span, fmt::format("slot '{}' is declared here", slot.name)});
        }
    }
    return ok;
}

}  // namespace

bool check_world(const Program& program, const std::vector<const FactFile*>& files, DiagnosticSink& sink,
                 std::size_t first_checked) {
    RefIndex index(program);
    for (const auto& f : program.facts) index.add(f.tmpl, f.values.data());
    for (const FactFile* file : files)
        for (const auto& f : file->facts) index.add(f.tmpl, f.values.data());
    bool ok = true;
    if (first_checked == 0)
        for (const auto& f : program.facts)
            ok = check_refs(program, index, f.tmpl, f.values.data(), [&](SlotIndex) { return f.span; }, sink) && ok;
    const FactFile* first_case = nullptr;
    for (std::size_t k = 0; k < files.size(); ++k) {
        const FactFile* file = files[k];
        if (k >= first_checked) ok = check_file_refs(program, index, *file, sink) && ok;
        if (!file->is_case) continue;
        if (first_case) {
            const MetaValue* c = file->meta("case");
            SourceSpan where = c ? c->span : file->facts.empty() ? SourceSpan{} : file->facts.front().span;
            Diagnostic* d = sink.error(where, Code::CaseHeader,
                                       "a second case file in one world: the facts of two cases would match each "
                                       "other; classify them separately (covenant classify A B) or load one at a "
                                       "time");
            const MetaValue* fc = first_case->meta("case");
            if (d && fc) d->notes.push_back({fc->span, "the first case is this one"});
            ok = false;
        }
        first_case = file;
    }
    return ok;
}

bool check_file_refs(const Program& program, const RefIndex& index, const FactFile& file, DiagnosticSink& sink) {
    bool ok = true;
    for (std::size_t i = 0; i < file.facts.size(); ++i) {
        const InitialFact& f = file.facts[i];
        auto span_of = [&](SlotIndex slot) {
            for (const auto& site : file.value_sites)
                if (site.fact == i && site.slot == slot) return site.span;
            return f.span;
        };
        ok = check_refs(program, index, f.tmpl, f.values.data(), span_of, sink) && ok;
    }
    return ok;
}

bool check_fact_refs(const Program& program, const RefIndex& index, const InitialFact& fact, DiagnosticSink& sink) {
    return check_refs(program, index, fact.tmpl, fact.values.data(), [&](SlotIndex) { return fact.span; }, sink);
}

}  // namespace covenant
