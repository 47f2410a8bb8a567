// Explanations and hypotheticals: why, why-not, what-if and diff.
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "check/check.hpp"
#include "explain/why.hpp"
#include "explain/whynot.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

void ReplSession::cmd_why(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    WhyOptions wopt;
    std::string format = "text";
    // Options may come anywhere after the target; the target is what is left.
    std::size_t target_end = e;
    for (std::size_t i = b; i < e;) {
        std::size_t we = word_end(l.text, i);
        std::string word = l.text.substr(i, we - i);
        if (word == "--depth" || word == "--format") {
            target_end = std::min(target_end, i);
            std::size_t vb = skip_space(l.text, we);
            std::size_t ve = word_end(l.text, vb);
            std::string value = l.text.substr(vb, ve - vb);
            if (word == "--depth") {
                if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 6) {
                    error(l, vb, ve - vb, Code::InvalidNumber, "expected a depth (a number of rule levels)");
                    return;
                }
                wopt.max_depth = std::stoul(value);
            } else {
                if (value != "text" && value != "json" && value != "dot") {
                    error(l, vb, ve - vb, Code::ParseExpected, "expected text, json or dot");
                    return;
                }
                format = value;
            }
            i = skip_space(l.text, ve);
        } else {
            i = skip_space(l.text, we);
        }
    }
    target_end = trim_end(l.text, b, target_end);
    World& w = current();
    settle(w);
    std::vector<WhyNode> trees;
    if (l.text.compare(b, 6, "score ") == 0) {
        // score PRED(ARG, ...)
        std::size_t pb = skip_space(l.text, b + 6);
        std::size_t open = l.text.find('(', pb);
        if (open == std::string::npos || open >= target_end || l.text[target_end - 1] != ')') {
            error(l, pb, target_end - pb, Code::ParseExpected, "expected a score such as community(sco)");
            return;
        }
        std::string pred = l.text.substr(pb, trim_end(l.text, pb, open) - pb);
        auto parts = split_top(l.text, open + 1, target_end - 1, ',');
        const TemplateDef* t = program_->find_score_template(pred, parts.size());
        if (!t) {
            std::vector<std::string> preds;
            for (const auto& tt : program_->templates)
                if (tt.is_score) preds.push_back(tt.predicate);
            error(l, pb, pred.size(), Code::UnknownTemplate,
                  fmt::format("no score {}/{}{}", pred, parts.size(), did_you_mean(closest_match(pred, preds))));
            return;
        }
        std::vector<Value> args;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            auto [ab, ae] = parts[i];
            std::string why;
            auto v = value_from_text(l.text.substr(ab, ae - ab), false, t->slots[i], why);
            if (!v) {
                error(l, ab, ae - ab, Code::FactBadValue, why);
                return;
            }
            args.push_back(*v);
        }
        trees.push_back(explain_score(*w.engine, sources_, t->id, args, wopt));
    } else {
        auto ids = resolve_facts(l, b, target_end, w);
        if (!ids) return;
        for (FactId id : *ids) trees.push_back(explain_fact(*w.engine, sources_, id, wopt));
    }
    TreeStyle style;
    style.unicode = options_.unicode;
    style.color = options_.color;
    if (format == "json") out_ << render_why_json(trees);
    else if (format == "dot") out_ << render_why_dot(trees);
    else out_ << render_why_text(trees, style);
}

void ReplSession::cmd_why_not(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        error(l, b, 1, Code::ParseExpected,
              "expected a pattern such as architecture(institution: sco, type: community)");
        return;
    }
    auto pattern = pattern_in(l, b, e);
    if (!pattern) return;
    const TemplateDef* t = program_->find_template(pattern->template_name.name);
    WhyNotTarget target;
    target.tmpl = t->id;
    target.slots.resize(t->slots.size());
    for (const auto& c : pattern->slots) {
        int slot = t->slot_index(c.slot.name);
        if (slot < 0) {
            error(l, c.slot.span.offset, c.slot.name.size(), Code::UnknownSlot,
                  fmt::format("template '{}' has no slot '{}'", t->name, c.slot.name));
            return;
        }
        if (!c.op || *c.op != ast::CmpOp::Eq || c.values.size() != 1 || c.values.front().is_variable) continue;
        const auto& lit = c.values.front().literal;
        std::string why;
        auto v = value_from_text(literal_text(lit), lit.kind == ast::Literal::Kind::String,
                                 t->slots[static_cast<std::size_t>(slot)], why);
        if (!v) {
            error(l, c.values.front().span.offset, c.values.front().span.length, Code::FactBadValue, why);
            return;
        }
        target.slots[static_cast<std::size_t>(slot)] = *v;
    }
    // why-not must leave the session as it was (a `run 3` stepping position included): no firing, the same agenda
    // and facts. Its question is about the conclusions, so with activations waiting it answers on a copy (the given
    // facts replayed into a fresh engine, run to quiescence without output); otherwise working memory is quiescent
    // and is read as it is (why_not never changes the engine).
    World& w = current();
    const Engine* engine = w.engine.get();
    std::unique_ptr<World> copy;
    if (std::size_t waiting = w.engine->agenda().size(); waiting > 0) {
        copy = make_world(w.given, /*quiet=*/true);
        settle(*copy);
        engine = copy->engine.get();
        out_ << fmt::format("(the agenda has {} activation{} waiting: answered for working memory after they fire, on "
                            "a copy; the session is unchanged)\n",
                            waiting, waiting == 1 ? "" : "s");
    }
    out_ << render_why_not(why_not(*engine, sources_, target), sources_);
}

// ---- what-if ----

void ReplSession::cmd_what_if(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string arg = l.text.substr(b, e - b);
    if (arg.empty()) {
        if (!scratch_) {
            out_ << "no what-if is active; start one with `what-if CHANGE` (see `help what-if`)\n";
            return;
        }
        out_ << "what-if changes:\n";
        for (const auto& c : scratch_->changes) out_ << "  " << c << "\n";
        return;
    }
    if (arg == "off") {
        if (!scratch_) {
            error(l, b, e - b, Code::ParseExpected, "no what-if is active");
            return;
        }
        scratch_.reset();
        out_ << "what-if discarded; back to the session's facts\n";
        return;
    }
    if (arg == "keep") {
        if (!scratch_) {
            error(l, b, e - b, Code::ParseExpected, "no what-if is active");
            return;
        }
        base() = std::move(scratch_);
        base()->changes.clear();
        out_ << "what-if adopted: its facts are now the session's\n";
        return;
    }
    const World& from = current();
    std::vector<GivenFact> given = from.given;
    std::vector<std::string> changes = from.changes;
    for (auto [cb, ce] : split_top(l.text, b, e, ';')) {
        if (cb == ce) continue;
        if (!edit_given(l, cb, ce, from, given)) return;
        changes.push_back(l.text.substr(cb, ce - cb));
    }
    auto world = make_world(std::move(given));
    world->changes = std::move(changes);
    scratch_ = std::move(world);
    out_ << fmt::format("what-if: {} change{} on a scratch copy; classify, why and diff look at it; "
                        "`what-if off` discards it, `what-if keep` adopts it\n",
                        scratch_->changes.size(), scratch_->changes.size() == 1 ? "" : "s");
}

std::size_t ReplSession::diff_institution(const std::string& name, const InstitutionResult& x,
                                          const InstitutionResult& y) {
    std::size_t n = 0;
    if (x.architecture != y.architecture || x.subtype != y.subtype) {
        out_ << fmt::format("  {}: type {} ({}) -> {} ({}), by rule {}\n", name, x.architecture, x.subtype,
                            y.architecture, y.subtype, y.architecture_rule.empty() ? "-" : y.architecture_rule);
        ++n;
    }
    for (const auto& s : x.scores) {
        for (const auto& t : y.scores)
            if (t.predicate == s.predicate && std::fabs(t.value - s.value) > 1e-9) {
                out_ << fmt::format("  {}: score {} {:.2f} -> {:.2f}\n", name, s.predicate, s.value, t.value);
                ++n;
            }
    }
    // A strain is identified by its kind and the rule that found it: one kind can be found for several reasons.
    auto strain_map = [](const InstitutionResult& r) {
        std::map<std::string, const StrainResult*> m;
        for (const auto& s : r.strains) m[s.kind + " [" + s.rule + "]"] = &s;
        return m;
    };
    auto sx = strain_map(x), sy = strain_map(y);
    for (const auto& [kind, s] : sx) {
        auto it = sy.find(kind);
        if (it == sy.end()) {
            out_ << fmt::format("  {}: strain {} gone (was {:.2f})\n", name, kind, s->severity);
            ++n;
        } else if (std::fabs(it->second->severity - s->severity) > 1e-9) {
            out_ << fmt::format("  {}: strain {} {:.2f} -> {:.2f}\n", name, kind, s->severity, it->second->severity);
            ++n;
        }
    }
    for (const auto& [kind, s] : sy)
        if (!sx.count(kind)) {
            out_ << fmt::format("  {}: strain {} new ({:.2f}): {}\n", name, kind, s->severity, s->reason);
            ++n;
        }
    return n;
}

void ReplSession::cmd_diff(const Line& l, std::size_t b) {
    (void)b;
    if (!scratch_) {
        error(l, 0, l.text.size(), Code::ParseExpected,
              "no what-if is active; `diff` compares a what-if with the session");
        return;
    }
    settle(*base());
    settle(*scratch_);
    // Facts are compared by their exact text and shown as explanations show them: a computed float (a severity of
    // 0.3333333333333333) rounded to three decimals, like the scores and `why` (format_fact's reading form).
    auto fact_texts = [&](const World& w, bool given) {
        std::map<std::string, std::string> out;  // exact text -> shown text
        for (FactId id : w.engine->facts()) {
            FactView f = w.engine->fact(id);
            if ((f.origin == Origin::Given) != given || f.origin == Origin::Score) continue;
            out.emplace(format_fact(*program_, f.tmpl, f.values.data()),
                        format_fact(*program_, f.tmpl, f.values.data(), /*reading=*/true));
        }
        return out;
    };
    std::size_t differences = 0;
    auto set_diff = [&](const std::map<std::string, std::string>& before,
                        const std::map<std::string, std::string>& after) {
        for (const auto& [exact, shown] : before)
            if (!after.count(exact)) {
                out_ << fmt::format("  - {}\n", shown);
                ++differences;
            }
        for (const auto& [exact, shown] : after)
            if (!before.count(exact)) {
                out_ << fmt::format("  + {}\n", shown);
                ++differences;
            }
    };
    out_ << "given facts (- only in the session, + only in the what-if):\n";
    set_diff(fact_texts(*base(), true), fact_texts(*scratch_, true));
    auto before = collect_results(*base()->engine);
    auto after = collect_results(*scratch_->engine);
    out_ << "classification:\n";
    std::set<std::string> names;
    for (const auto& r : before) names.insert(r.institution);
    for (const auto& r : after) names.insert(r.institution);
    for (const auto& name : names) {
        auto find = [&](const std::vector<InstitutionResult>& rs) -> const InstitutionResult* {
            for (const auto& r : rs)
                if (r.institution == name) return &r;
            return nullptr;
        };
        const InstitutionResult* x = find(before);
        const InstitutionResult* y = find(after);
        if (!x || !y) {
            out_ << fmt::format("  {}: {}\n", name, x ? "no longer in working memory" : "new in working memory");
            ++differences;
            continue;
        }
        differences += diff_institution(name, *x, *y);
    }
    out_ << "every derived fact (- no longer derived, + newly derived):\n";
    set_diff(fact_texts(*base(), false), fact_texts(*scratch_, false));
    if (differences == 0) out_ << "no differences\n";
}

}  // namespace covenant::cli
