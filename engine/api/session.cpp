// covenant::Session: one working memory over a Rules — facts in, runs, queries and explanations out.
#include <fmt/format.h>

#include <limits>
#include <sstream>

#include "check/check.hpp"
#include "internal.hpp"
#include "kb/world.hpp"
#include "syntax/parse.hpp"

namespace covenant {

namespace {

// A discarding stream: where `print` goes between runs (run() collects it while rules fire).
class NullBuffer : public std::streambuf {
protected:
    int overflow(int c) override { return c; }
};


// A stable word for each stop reason (the engine's stop_reason_text is prose for people).
std::string stop_word(StopReason r) {
    switch (r) {
        case StopReason::Quiescent:
            return "quiescent";
        case StopReason::Halted:
            return "halted";
        case StopReason::MaxFirings:
            return "max-firings";
        case StopReason::Timeout:
            return "timeout";
        case StopReason::Interrupted:
            return "interrupted";
        case StopReason::Error:
            return "error";
    }
    return "error";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    std::string m = closest_match(word, candidates);
    return m.empty() ? std::string() : "; did you mean '" + m + "'?";
}

WhyTree to_tree(const WhyNode& n) {
    WhyTree t;
    t.kind = n.kind == WhyNode::Kind::Fact ? "fact" : n.kind == WhyNode::Kind::Score ? "score" : "rule";
    t.label = n.label;
    t.detail = n.detail;
    t.rule_kind = n.rule_kind;
    t.location = n.location;
    t.weight = n.weight;
    t.reason = n.reason;
    t.fact = n.fact == kNoFact ? 0 : static_cast<std::uint64_t>(n.fact);
    t.truncated = n.truncated;
    t.repeated = n.repeated;
    t.seen_before = n.seen_before;
    for (const auto& c : n.children) t.children.push_back(to_tree(c));
    return t;
}

}  // namespace

struct Session::Impl {
    std::shared_ptr<const Rules::Impl> rules;
    // The rule files again, then whatever this session reads (asserted text, fact files, data), so that every span
    // of the engine — the program's and the session's facts' — resolves in one SourceManager for explanations.
    // Mutable: a const query (why_not_text) registers its pattern text too, for its diagnostics; the facts, the
    // engine and every id stay as they were.
    mutable SourceManager sources;
    std::optional<Engine> engine;
    NullBuffer null_buffer;
    std::ostream null_out{&null_buffer};
    mutable std::size_t texts = 0;  // numbers the texts read, for their display names

    const Program& program() const { return *rules->program; }

    const TemplateDef& template_named(const std::string& name) const {
        if (const TemplateDef* t = program().find_template(name)) return *t;
        std::vector<std::string> names;
        for (const auto& t : program().templates) names.push_back(t.name);
        api::throw_error(Code::UnknownTemplate,
                         fmt::format("unknown template '{}'{}", name, did_you_mean(name, names)));
    }

    int slot_named(const TemplateDef& t, const std::string& name) const {
        int slot = t.slot_index(name);
        if (slot >= 0) return slot;
        std::vector<std::string> names;
        for (const auto& s : t.slots) names.push_back(s.name);
        api::throw_error(Code::UnknownSlot,
                         fmt::format("template '{}' has no slot '{}'{}", t.name, name, did_you_mean(name, names)));
    }

    Value value_for(const TemplateDef& t, std::size_t slot, const Scalar& s) const {
        std::string why;
        Code code = Code::FactBadValue;
        auto v = api::to_value(s, t.slots[slot], why, code);
        if (!v) api::throw_error(code, fmt::format("{}.{}: {}", t.name, t.slots[slot].name, why));
        return *v;
    }

    FactId live(std::uint64_t id) const {
        if (id == 0 || id > std::numeric_limits<FactId>::max() || !engine->is_live(static_cast<FactId>(id)))
            api::throw_error(Code::ParseExpected, fmt::format("f-{} is not a live fact", id));
        return static_cast<FactId>(id);
    }

    Fact fact_of(FactId id) const {
        FactView v = engine->fact(id);
        const TemplateDef& t = program().templates[v.tmpl];
        Fact f;
        f.id = id;
        f.template_name = t.name;
        for (std::size_t i = 0; i < t.slots.size(); ++i)
            f.slots.emplace_back(t.slots[i].name, api::to_scalar(v.values[i]));
        f.origin = origin_word(v.origin);
        f.text = format_fact(program(), v.tmpl, v.values.data());
        return f;
    }

    std::vector<Value> score_args(const TemplateDef*& t, const std::string& predicate,
                                  const std::vector<Scalar>& args) const {
        t = program().find_score_template(predicate, args.size());
        if (!t) {
            std::vector<std::string> preds;
            for (const auto& x : program().templates)
                if (x.is_score) preds.push_back(x.predicate);
            api::throw_error(Code::UnknownTemplate,
                             fmt::format("no score {}/{}{}", predicate, args.size(), did_you_mean(predicate, preds)));
        }
        std::vector<Value> values;
        for (std::size_t i = 0; i < args.size(); ++i) values.push_back(value_for(*t, i, args[i]));
        return values;
    }

    // Reads a fact file's text (registered here) against the program, checks its world with the shared facts and
    // the live facts' ids, and asserts its facts.
    std::vector<std::uint64_t> assert_file_text(FileId fid) {
        DiagnosticSink sink;
        auto ff = read_fact_file(sources.file(fid), program(), sink);
        if (ff) {
            std::vector<const FactFile*> world;
            for (const auto& f : rules->shared) world.push_back(&f);
            world.push_back(&*ff);
            if (!check_world(program(), world, sink, rules->shared.size())) ff.reset();
        }
        if (!ff || sink.has_errors()) api::throw_diagnostics(sink, sources);
        std::vector<std::uint64_t> ids;
        for (const auto& f : ff->facts) ids.push_back(engine->assert_fact(f.tmpl, f.values, f.span));
        return ids;
    }

    FileId add_text(const std::string& what, std::string text) const {
        return sources.add(fmt::format("<{} {}>", what, ++texts), std::move(text));
    }
};

Session::Session(const Rules& rules) : impl_(std::make_unique<Impl>()) {
    impl_->rules = rules.impl_;
    const SourceManager& from = impl_->rules->sources;
    for (std::size_t id = 1; id < from.size(); ++id)
        impl_->sources.add(from.file(static_cast<FileId>(id)).path, from.file(static_cast<FileId>(id)).text);
    impl_->engine.emplace(impl_->program());
    impl_->engine->set_sources(&impl_->sources);
    impl_->engine->set_output(impl_->null_out);
    reset();
}

Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

void Session::reset() {
    impl_->engine->reset();
    for (const FactFile& file : impl_->rules->shared)
        for (const InitialFact& f : file.facts) impl_->engine->assert_fact(f.tmpl, f.values, f.span);
}

std::uint64_t Session::assert_fact(const std::string& template_name, const SlotValues& slots) {
    const TemplateDef& t = impl_->template_named(template_name);
    if (t.is_score)
        api::throw_error(Code::UnknownTemplate,
                         fmt::format("'{}' is a score: only evidence changes it, never an assert", t.name));
    std::vector<std::optional<Value>> given(t.slots.size());
    for (const auto& [name, value] : slots) {
        auto slot = static_cast<std::size_t>(impl_->slot_named(t, name));
        if (given[slot])
            api::throw_error(Code::DuplicateSlot, fmt::format("slot '{}' of {} is given twice", name, t.name));
        given[slot] = impl_->value_for(t, slot, value);
    }
    std::vector<Value> values;
    for (std::size_t i = 0; i < t.slots.size(); ++i) {
        if (given[i])
            values.push_back(*given[i]);
        else if (t.slots[i].default_value)
            values.push_back(*t.slots[i].default_value);
        else
            api::throw_error(Code::FactMissingSlot,
                             fmt::format("{} needs slot '{}' (it has no default)", t.name, t.slots[i].name));
    }
    return impl_->engine->assert_fact(t.id, values);
}

std::uint64_t Session::assert_text(const std::string& fact) {
    FileId fid = impl_->add_text("assert", fact);
    DiagnosticSink sink;
    std::optional<InitialFact> checked;
    if (auto term = parse_fact(impl_->sources.file(fid), sink)) checked = check_fact(*term, impl_->program(), sink);
    if (!checked || sink.has_errors()) api::throw_diagnostics(sink, impl_->sources);
    if (impl_->program().templates[checked->tmpl].is_score)
        api::throw_error(Code::UnknownTemplate, "a score cannot be asserted: only evidence changes it");
    return impl_->engine->assert_fact(checked->tmpl, checked->values, checked->span);
}

std::vector<std::uint64_t> Session::assert_file(const std::string& path) {
    std::string why;
    FileId fid = impl_->sources.load(path, why);
    if (fid == 0) api::throw_error(Code::CannotReadFile, why);
    return impl_->assert_file_text(fid);
}

std::vector<std::uint64_t> Session::assert_data(const Data& facts, const std::string& name) {
    return impl_->assert_file_text(impl_->add_text(name.empty() ? "data" : name, facts.to_yaml()));
}

bool Session::retract(std::uint64_t id) {
    if (id == 0 || id > std::numeric_limits<FactId>::max()) return false;
    return impl_->engine->retract(static_cast<FactId>(id));
}

std::uint64_t Session::modify(std::uint64_t id, const SlotValues& changes) {
    FactId fid = impl_->live(id);
    const TemplateDef& t = impl_->program().templates[impl_->engine->fact(fid).tmpl];
    if (t.is_score) api::throw_error(Code::UnknownTemplate, "a score cannot be modified: only evidence changes it");
    std::vector<std::pair<SlotIndex, Value>> values;
    for (const auto& [name, value] : changes) {
        auto slot = static_cast<std::size_t>(impl_->slot_named(t, name));
        values.emplace_back(static_cast<SlotIndex>(slot), impl_->value_for(t, slot, value));
    }
    return impl_->engine->modify(fid, values);
}

RunReport Session::run(std::uint64_t max_firings) {
    std::ostringstream printed;
    impl_->engine->set_output(printed);
    RunLimits limits;
    limits.max_firings = max_firings;
    RunResult r = impl_->engine->run(limits);
    impl_->engine->set_output(impl_->null_out);
    RunReport out;
    out.firings = r.firings;
    out.stop = stop_word(r.reason);
    for (const auto& e : r.errors) out.errors.push_back(api::diagnostic_of(e, &impl_->sources));
    out.printed = std::move(printed).str();
    return out;
}

std::vector<Fact> Session::facts(const std::string& template_name) const {
    std::vector<FactId> ids = template_name.empty() ? impl_->engine->facts()
                                                    : impl_->engine->facts_of(impl_->template_named(template_name).id);
    std::vector<Fact> out;
    for (FactId id : ids) out.push_back(impl_->fact_of(id));
    return out;
}

Fact Session::fact(std::uint64_t id) const {
    return impl_->fact_of(impl_->live(id));
}

double Session::score(const std::string& predicate, const std::vector<Scalar>& args) const {
    const TemplateDef* t = nullptr;
    std::vector<Value> values = impl_->score_args(t, predicate, args);
    return impl_->engine->score(t->id, values);
}

std::vector<SubjectRecord> Session::subjects() const {
    std::vector<SubjectRecord> out;
    for (const auto& r : collect_results(*impl_->engine)) out.push_back(api::to_record(r, impl_->program()));
    return out;
}

WhyTree Session::why(std::uint64_t fact_id, std::size_t max_depth) const {
    WhyOptions o;
    o.max_depth = max_depth;
    return to_tree(explain_fact(*impl_->engine, impl_->sources, impl_->live(fact_id), o));
}

WhyTree Session::why_score(const std::string& predicate, const std::vector<Scalar>& args, std::size_t max_depth) const {
    const TemplateDef* t = nullptr;
    std::vector<Value> values = impl_->score_args(t, predicate, args);
    WhyOptions o;
    o.max_depth = max_depth;
    return to_tree(explain_score(*impl_->engine, impl_->sources, t->id, values, o));
}

namespace {

WhyNotAnswer to_answer(const WhyNotReport& r, const SourceManager& sm) {
    WhyNotAnswer a;
    a.target = r.target;
    a.holds = r.holds;
    for (const auto& x : r.rules) {
        WhyNotRuleRecord w;
        w.rule = x.rule_name;
        w.rule_kind = x.rule_kind;
        w.location = x.location;
        w.can_produce = x.can_produce;
        w.cannot_because = x.cannot_because;
        w.conditions_matched = x.conditions_matched;
        w.conditions_total = x.conditions_total;
        w.failed_condition = x.failed_condition;
        w.failed_location = location_text(sm, x.failed_span);
        w.failure = x.failure;
        w.bindings = x.bindings;
        w.would_help = x.would_help;
        w.search_cut = x.search_cut;
        a.rules.push_back(std::move(w));
    }
    a.text = render_why_not(r, sm);
    return a;
}

}  // namespace

WhyNotAnswer Session::why_not(const std::string& template_name, const SlotValues& slots) const {
    const TemplateDef& t = impl_->template_named(template_name);
    WhyNotTarget target;
    target.tmpl = t.id;
    target.slots.resize(t.slots.size());
    for (const auto& [name, value] : slots) {
        auto slot = static_cast<std::size_t>(impl_->slot_named(t, name));
        target.slots[slot] = impl_->value_for(t, slot, value);
    }
    return to_answer(covenant::why_not(*impl_->engine, impl_->sources, target), impl_->sources);
}

WhyNotAnswer Session::why_not_text(const std::string& pattern) const {
    // The REPL's why-not (repl/repl_explain.cpp): the slots fixed to one value with `:` or `=` are the target's;
    // other constraints are ignored.
    const Impl& self = *impl_;
    FileId fid = self.add_text("why-not", pattern);
    DiagnosticSink sink;
    auto p = parse_pattern(self.sources.file(fid), sink);
    if (!p || sink.has_errors()) api::throw_diagnostics(sink, self.sources);
    const TemplateDef& t = self.template_named(p->template_name.name);
    WhyNotTarget target;
    target.tmpl = t.id;
    target.slots.resize(t.slots.size());
    for (const auto& c : p->slots) {
        auto slot = static_cast<std::size_t>(self.slot_named(t, c.slot.name));
        if (!c.op || *c.op != ast::CmpOp::Eq || c.values.size() != 1 || c.values.front().is_variable) continue;
        const auto& lit = c.values.front().literal;
        std::string why;
        auto v = value_from_text(literal_text(lit), lit.kind == ast::Literal::Kind::String, t.slots[slot], why);
        if (!v) {
            sink.error(c.values.front().span, Code::FactBadValue, "{}", why);
            api::throw_diagnostics(sink, self.sources);
        }
        target.slots[slot] = *v;
    }
    return to_answer(covenant::why_not(*impl_->engine, impl_->sources, target), impl_->sources);
}

}  // namespace covenant
