// Working memory and the given facts: reset, facts, assert, retract, modify, and the parsing of fact references
// and changes that what-if (repl_explain.cpp) shares with them.
#include <algorithm>

#include <fmt/format.h>

#include "check/check.hpp"
#include "kb/world.hpp"
#include "program/semantics.hpp"
#include "session_internal.hpp"
#include "syntax/parse.hpp"

namespace covenant::cli {

void ReplSession::cmd_reset(const Line&, std::size_t) {
    // A fresh engine rather than Engine::reset(), which would assert the facts blocks again even when the user has
    // retracted or modified some of them: the given facts are the whole record (session.hpp).
    std::unique_ptr<World>& slot = scratch_ ? scratch_ : base();
    std::vector<std::string> changes = std::move(slot->changes);
    std::vector<GivenFact> given = slot->given;
    slot.reset();  // the old engine writes its trace (watch) before the new one asserts
    slot = make_world(std::move(given));
    slot->changes = std::move(changes);
    out_ << fmt::format("working memory reset: {} given facts asserted again\n", slot->given.size());
}

void ReplSession::cmd_facts(const Line& l, std::size_t b) {
    const World& w = current();
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::optional<TemplateId> only;
    if (b < e && l.text.find('(', b) < e) {
        // A pattern: the facts it matches.
        auto ids = resolve_facts(l, b, e, w);
        if (!ids) return;
        for (FactId id : *ids) {
            FactView f = w.engine->fact(id);
            out_ << fmt::format("f-{:<5} {}\n", id, format_fact(*program_, f.tmpl, f.values.data()));
        }
        out_ << fmt::format("{} fact{}\n", ids->size(), ids->size() == 1 ? "" : "s");
        return;
    }
    if (b < e) {
        std::string name = l.text.substr(b, e - b);
        const TemplateDef* t = program_->find_template(name);
        if (!t) {
            error(l, b, e - b, Code::UnknownTemplate, unknown_template_message(*program_, name));
            return;
        }
        only = t->id;
    }
    std::size_t n = 0;
    for (FactId id : only ? w.engine->facts_of(*only) : w.engine->facts()) {
        FactView f = w.engine->fact(id);
        out_ << fmt::format("f-{:<5} {}\n", id, format_fact(*program_, f.tmpl, f.values.data()));
        ++n;
    }
    out_ << fmt::format("{} fact{}\n", n, n == 1 ? "" : "s");
}

std::optional<ast::Pattern> ReplSession::pattern_in(const Line& l, std::size_t b, std::size_t e) {
    DiagnosticSink sink;
    auto pattern = parse_pattern(line_part(l, b, e), sink);
    if (!pattern) {
        report(sink);
        return std::nullopt;
    }
    const std::string& name = pattern->template_name.name;
    if (!program_->find_template(name)) {
        error(l, pattern->template_name.span.offset, name.size(), Code::UnknownTemplate,
              unknown_template_message(*program_, name));
        return std::nullopt;
    }
    return pattern;
}

std::optional<std::vector<FactId>> ReplSession::resolve_facts(const Line& l, std::size_t b, std::size_t e,
                                                          const World& world) {
    e = trim_end(l.text, b, e);
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a fact id (f-12) or a pattern such as institution(id: sco)");
        return std::nullopt;
    }
    if (auto id = fact_id_from(std::string_view(l.text).substr(b, e - b))) {
        if (!world.engine->is_live(*id)) {
            error(l, b, e - b, Code::ParseExpected, fmt::format("no live fact f-{}; `facts` lists them", *id));
            return std::nullopt;
        }
        return std::vector<FactId>{*id};
    }
    // A pattern: constants in slots select facts; variables match anything.
    auto pattern = pattern_in(l, b, e);
    if (!pattern) return std::nullopt;
    const TemplateDef* t = program_->find_template(pattern->template_name.name);
    struct Test {
        std::size_t slot;
        CmpOp op;
        std::vector<Value> values;
    };
    std::vector<Test> tests;
    for (const auto& c : pattern->slots) {
        int slot = t->slot_index(c.slot.name);
        if (slot < 0) {
            error(l, c.slot.span.offset, c.slot.name.size(), Code::UnknownSlot, unknown_slot_message(*t, c.slot.name));
            return std::nullopt;
        }
        if (c.is_list_pattern) {
            error(l, c.span.offset, c.span.length, Code::ParseExpected,
                  "a list pattern cannot select facts here; select by the other slots, or by the fact's id (f-12)");
            return std::nullopt;
        }
        if (!c.op) continue;
        Test test{static_cast<std::size_t>(slot), program_cmp_op(*c.op), {}};
        for (const auto& operand : c.values) {
            if (operand.is_variable) continue;
            std::string why;
            auto v = value_from_text(literal_text(operand.literal), operand.literal.kind == ast::Literal::Kind::String,
                                     t->slots[static_cast<std::size_t>(slot)], why);
            if (!v) {
                error(l, operand.span.offset, operand.span.length, Code::FactBadValue, why);
                return std::nullopt;
            }
            test.values.push_back(*v);
        }
        if (!test.values.empty()) tests.push_back(std::move(test));
    }
    std::vector<FactId> found;
    for (FactId id : world.engine->facts_of(t->id)) {
        FactView f = world.engine->fact(id);
        bool all = true;
        for (const auto& test : tests) {
            // As the matcher tests a slot (program/semantics.hpp): numbers across int and float.
            if (!slot_values_pass(test.op, f.values[test.slot], test.values)) {
                all = false;
                break;
            }
        }
        if (all) found.push_back(id);
    }
    if (found.empty()) {
        error(l, b, e - b, Code::ParseExpected,
              "no live fact matches this pattern; `facts " + t->name + "` lists them");
        return std::nullopt;
    }
    return found;
}

std::optional<std::size_t> ReplSession::given_index(const Line& l, std::size_t b, std::size_t e, const World& world,
                                                FactId id) {
    FactView f = world.engine->fact(id);
    for (std::size_t i = 0; i < world.given.size(); ++i) {
        const InitialFact& g = world.given[i].fact;
        if (g.tmpl == f.tmpl && std::equal(g.values.begin(), g.values.end(), f.values.begin(), f.values.end()))
            return i;
    }
    std::string what;
    switch (f.origin) {
        case Origin::Concluded:
        case Origin::Asserted: {
            std::string rule;
            const Justification* j = f.supports.empty() ? nullptr : world.engine->justification(f.supports.front());
            if (j) rule = " by rule " + program_->rules.at(j->rule).name;
            what = fmt::format("f-{} was derived{}; change one of the given facts it rests on (`why f-{}`)", id, rule,
                               id);
            break;
        }
        case Origin::Score:
            what = fmt::format("f-{} is a score, maintained from evidence; it cannot be changed", id);
            break;
        case Origin::Given:  // every given fact, facts blocks included, is in the record: not expected
            what = fmt::format("f-{} is not among the session's given facts", id);
            break;
    }
    error(l, b, e - b, Code::ParseExpected, what);
    return std::nullopt;
}

bool ReplSession::parse_changes(const Line& l, std::size_t b, std::size_t e, TemplateId tmpl,
                            std::vector<std::pair<SlotIndex, Value>>& changes) {
    // [b, e) is "(slot: value, ...)".
    const TemplateDef& t = program_->templates.at(tmpl);
    for (auto [pb, pe] : split_top(l.text, b + 1, e - 1, ',')) {
        std::size_t colon = l.text.find(':', pb);
        if (pb == pe || colon == std::string::npos || colon >= pe)
            return error(l, pb, std::max<std::size_t>(pe - pb, 1), Code::ParseExpected, "expected `slot: value`");
        std::size_t ne = trim_end(l.text, pb, colon);
        std::string name = l.text.substr(pb, ne - pb);
        int slot = t.slot_index(name);
        if (slot < 0) return error(l, pb, ne - pb, Code::UnknownSlot, unknown_slot_message(t, name));
        std::size_t vb = skip_space(l.text, colon + 1);
        if (vb == pe) return error(l, vb, 1, Code::ParseExpected, "expected a value after ':'");
        Scalar value = read_scalar(std::string_view(l.text).substr(vb, pe - vb), true);
        std::string why;
        auto v = value_from_text(value.text, value.quoted, t.slots[static_cast<std::size_t>(slot)], why);
        if (!v) return error(l, vb, pe - vb, Code::FactBadValue, why);
        if (std::string problem = slot_range_problem(t.slots[static_cast<std::size_t>(slot)], *v); !problem.empty())
            return error(l, vb, pe - vb, Code::OutOfRange, problem);
        changes.emplace_back(static_cast<SlotIndex>(slot), *v);
    }
    return true;
}

bool ReplSession::assert_given(const Line& l, std::size_t b, std::size_t e, std::vector<GivenFact>& given) {
    DiagnosticSink sink;
    auto term = parse_fact(line_part(l, b, e), sink);
    std::optional<InitialFact> fact;
    if (term) fact = check_fact(*term, *program_, sink);
    if (fact) {
        // A given fact's references must name facts of this world (given ones, or itself).
        RefIndex index(*program_);
        for (const auto& g : given) index.add(g.fact.tmpl, g.fact.values.data());
        index.add(fact->tmpl, fact->values.data());
        check_fact_refs(*program_, index, *fact, sink);
    }
    if (!fact || sink.has_errors()) {
        report(sink);
        return false;
    }
    bool present = std::any_of(given.begin(), given.end(), [&](const GivenFact& g) {
        return g.fact.tmpl == fact->tmpl && g.fact.values == fact->values;
    });
    if (!present) given.push_back({std::move(*fact), false});
    return true;
}

bool ReplSession::edit_given(const Line& l, std::size_t b, std::size_t e, const World& world,
                             std::vector<GivenFact>& given) {
    std::size_t ve = std::min(word_end(l.text, b), e);
    std::string verb = l.text.substr(b, ve - b);
    std::size_t ab = skip_space(l.text, ve);
    if (verb == "assert") return assert_given(l, ab, e, given);
    if (verb != "retract" && verb != "modify")
        return error(l, b, ve - b, Code::ParseExpected,
                     fmt::format("expected a change: assert FACT, retract REF or modify REF (slot: value), got '{}'",
                                 verb));
    std::size_t ref_end = e;
    std::size_t open = std::string::npos;
    if (verb == "modify") {
        std::size_t te = trim_end(l.text, ab, e);
        if (te == ab || l.text[te - 1] != ')')
            return error(l, te, 1, Code::ParseExpected, "expected the changes in parentheses: (slot: value, ...)");
        open = unclosed_paren(l.text, ab, te - 1);
        if (open == std::string::npos || trim_end(l.text, ab, open) == ab)
            return error(l, ab, 1, Code::ParseExpected, "expected a fact id or pattern before the changes");
        // `modify institution(id: sco)` has a pattern but no changes: the group is the pattern's own.
        if (open > ab && is_identifier_char(l.text[open - 1]))
            return error(l, te, 1, Code::ParseExpected,
                         "expected the changes after the fact: modify REF (slot: value, ...)");
        ref_end = open;
        e = te;
    }
    auto ids = resolve_facts(l, ab, ref_end, world);
    if (!ids) return false;
    std::size_t ref_length = trim_end(l.text, ab, ref_end) - ab;
    if (verb == "modify" && ids->size() > 1) {
        std::string list;
        for (FactId id : *ids) list += fmt::format(" f-{}", id);
        return error(l, ab, ref_length, Code::ParseExpected,
                     fmt::format("this matches {} facts ({}); modify changes one: name it by id", ids->size(),
                                 list.substr(1)));
    }
    std::vector<std::size_t> indices;
    for (FactId id : *ids) {
        if (!given_index(l, ab, ref_length, world, id)) return false;
        FactView f = world.engine->fact(id);
        // `given` may already differ from world.given (earlier changes on the same line): find by content.
        auto it = std::find_if(given.begin(), given.end(), [&](const GivenFact& g) {
            return g.fact.tmpl == f.tmpl && std::equal(g.fact.values.begin(), g.fact.values.end(), f.values.begin(),
                                                       f.values.end());
        });
        if (it != given.end()) indices.push_back(static_cast<std::size_t>(it - given.begin()));
    }
    if (verb == "retract") {
        std::sort(indices.rbegin(), indices.rend());
        for (std::size_t i : indices) given.erase(given.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
    }
    std::vector<std::pair<SlotIndex, Value>> changes;
    if (!parse_changes(l, open, e, world.engine->fact(ids->front()).tmpl, changes)) return false;
    if (!indices.empty())
        for (auto& [slot, value] : changes) given[indices.front()].fact.values[slot] = value;
    return true;
}

void ReplSession::cmd_assert(const Line& l, std::size_t b) {
    World& w = current();
    std::vector<GivenFact> given = w.given;
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        error(l, b, 1, Code::ParseExpected, "expected a fact: template(slot: value, ...)");
        return;
    }
    // Reuse the change parser on "assert FACT" (b - 7 is where the verb starts when typed with one space; find it).
    std::size_t verb = l.text.rfind("assert", b);
    if (!edit_given(l, verb, e, w, given)) return;
    if (given.size() == w.given.size()) {
        out_ << "already given\n";
        return;
    }
    const InitialFact& f = given.back().fact;
    FactId id = w.engine->assert_fact(f.tmpl, f.values, f.span);
    w.given = std::move(given);
    if (scratch_) w.changes.push_back(l.text.substr(verb, e - verb));
    out_ << fmt::format("f-{}\n", id);
}

void ReplSession::cmd_retract(const Line& l, std::size_t b) {
    World& w = current();
    std::size_t e = trim_end(l.text, b, l.text.size());
    auto ids = resolve_facts(l, b, e, w);
    if (!ids) return;
    std::vector<std::size_t> indices;
    for (FactId id : *ids) {
        auto i = given_index(l, b, e - b, w, id);
        if (!i) return;
        indices.push_back(*i);
    }
    for (FactId id : *ids) {
        w.engine->retract(id);
        out_ << fmt::format("retracted f-{}\n", id);
    }
    std::sort(indices.rbegin(), indices.rend());
    for (std::size_t i : indices) w.given.erase(w.given.begin() + static_cast<std::ptrdiff_t>(i));
    if (scratch_) w.changes.push_back("retract " + l.text.substr(b, e - b));
}

void ReplSession::cmd_modify(const Line& l, std::size_t b) {
    World& w = current();
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::vector<GivenFact> given = w.given;
    std::size_t verb = l.text.rfind("modify", b);
    if (!edit_given(l, verb, e, w, given)) return;
    // Apply the same edit to the engine: the one changed given fact is the entry whose values differ.
    for (std::size_t i = 0; i < given.size(); ++i) {
        if (given[i].fact.values == w.given[i].fact.values) continue;
        auto old_id = w.engine->find_fact(w.given[i].fact.tmpl, w.given[i].fact.values);
        std::vector<std::pair<SlotIndex, Value>> changes;
        for (std::size_t s = 0; s < given[i].fact.values.size(); ++s)
            if (!(given[i].fact.values[s] == w.given[i].fact.values[s]))
                changes.emplace_back(static_cast<SlotIndex>(s), given[i].fact.values[s]);
        FactId id = old_id ? w.engine->modify(*old_id, changes) : kNoFact;
        w.given = std::move(given);
        if (scratch_) w.changes.push_back(l.text.substr(verb, e - verb));
        out_ << fmt::format("f-{} -> f-{}\n", old_id ? *old_id : kNoFact, id);
        return;
    }
    out_ << "nothing changed\n";
}

}  // namespace covenant::cli
