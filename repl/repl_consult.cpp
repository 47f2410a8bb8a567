// `consult INSTITUTION`: an interview for the facts the rules use and the case lacks, most decisive first
// (classify/consult.hpp ranks the questions). While it lasts, every line is an answer.
#include <algorithm>

#include <fmt/format.h>

#include "check/check.hpp"
#include "repl_domain.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

void ReplSession::cmd_consult(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string who = l.text.substr(b, e - b);
    const TemplateDef* subject = subject_template(*program_);
    if (!subject) {
        error(l, 0, l.text.size(), Code::UnknownTemplate,
              "the rules declare no subject to consult on (`report subject TEMPLATE`, docs/language.md §12)");
        return;
    }
    std::vector<std::string> known = subject_ids(*program_, *current().engine);
    if (who.empty() || std::find(known.begin(), known.end(), who) == known.end()) {
        error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected,
              who.empty() ? fmt::format("expected {} {} id", indefinite_article(subject->name), subject->name)
                          : fmt::format("no {} '{}' in working memory{}", subject->name, who,
                                        did_you_mean(closest_match(who, known))));
        return;
    }
    consultation_ = std::make_unique<Consultation>();
    consultation_->institution = who;
    out_ << fmt::format("consulting on {}: answer each question, press Enter for the default, or say unknown, why "
                        "or done\n", who);
    consult_next();
}

void ReplSession::consult_next() {
    Consultation& c = *consultation_;
    std::vector<InitialFact> given;
    for (const auto& g : current().given) given.push_back(g.fact);
    auto questions = rank_questions(*program_, given, c.institution, c.skipped);
    if (questions.empty()) {
        out_ << fmt::format("no more questions; {} answered\n", c.answered);
        consultation_.reset();
        return;
    }
    c.question = std::move(questions.front());
    consult_ask();
}

void ReplSession::consult_ask() {
    const Question& q = *consultation_->question;
    std::string answers;
    for (const auto& a : q.answers) answers += (answers.empty() ? "" : " | ") + to_display(a);
    out_ << q.text << "\n  answers: " << answers;
    if (q.default_answer) out_ << "  (default: " << to_display(*q.default_answer) << ")";
    out_ << "\n";
}

void ReplSession::consult_follow_up() {
    Consultation& c = *consultation_;
    const Consultation::Pending& p = *c.pending;
    const TemplateDef& t = program_->templates.at(p.first.tmpl);
    Question f;
    f.tmpl = p.first.tmpl;
    f.slot = p.first.other_required.at(p.next);
    f.answers = p.first.other_answers.at(p.next);
    f.used_by = p.first.used_by;
    f.new_fact = true;
    f.text = fmt::format("{} of {}: the new {} fact ({}: {}) also needs {}: what is it?", t.name, c.institution,
                         t.name, t.slots.at(p.first.slot).name, to_display(p.fact.values.at(p.first.slot)),
                         t.slots.at(f.slot).name);
    c.question = std::move(f);
    consult_ask();
}

void ReplSession::consult_show() {
    World& w = current();
    settle(w);
    for (const auto& r : collect_results(*w.engine)) {
        if (r.institution != consultation_->institution) continue;
        std::string scores;
        for (const auto& s : r.scores) scores += fmt::format(", {} {:.2f}", s.predicate, s.value);
        out_ << fmt::format("  now: {} ({}){}\n", r.architecture, r.subtype, scores);
    }
}

void ReplSession::consult_answer(const Line& l) {
    Consultation& c = *consultation_;
    const Question& q = *c.question;
    std::size_t b = skip_space(l.text, 0);
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string answer = l.text.substr(b, e - b);
    const TemplateDef& t = program_->templates.at(q.tmpl);
    if (answer == "done") {
        out_ << fmt::format("consultation ended; {} answered{}\n", c.answered,
                            c.pending ? fmt::format(" (the unfinished {} fact was not given)", t.name) : "");
        consultation_.reset();
        return;
    }
    if (answer == "unknown") {
        if (c.pending) {
            // Without this slot the fact cannot be made: the first answer is dropped and its question not asked again.
            out_ << fmt::format("  without {} the {} fact cannot be made; {} not recorded\n", t.slots.at(q.slot).name,
                                t.name, t.slots.at(c.pending->first.slot).name);
            c.skipped.emplace_back(c.pending->first.tmpl, c.pending->first.slot);
            c.pending.reset();
        } else {
            c.skipped.emplace_back(q.tmpl, q.slot);
        }
        consult_next();
        return;
    }
    if (answer == "why") {
        if (c.pending)
            out_ << fmt::format("  a {} fact needs {} too (a required slot); the answers so far are kept until it is "
                                "complete\n",
                                t.name, t.slots.at(q.slot).name);
        out_ << "  used by:";
        for (const auto& r : q.used_by) out_ << " " << r;
        out_ << "\n";
        for (const auto& effect : q.effects) out_ << "  " << effect << "\n";
        return;
    }
    std::optional<Value> value = answer_value(l, b, e);
    if (!value) return;
    if (c.pending) {
        // A follow-up answered: the next one, or the fact is complete and becomes a given fact.
        Consultation::Pending& p = *c.pending;
        p.fact.values.at(q.slot) = *value;
        if (++p.next < p.first.other_required.size()) {
            consult_follow_up();
            return;
        }
        give_answer_fact(std::move(p.fact));
        c.skipped.emplace_back(p.first.tmpl, p.first.slot);
        c.pending.reset();
        ++c.answered;
        consult_show();
        consult_next();
        return;
    }
    if (q.new_fact && !q.other_required.empty()) {
        // One answer cannot make this fact: it needs other required slots too. Keep the answer and ask for each.
        auto fact = answer_fact(l, b, e, *value);
        if (!fact) return;
        c.pending = Consultation::Pending{q, std::move(*fact), 0};
        consult_follow_up();
        return;
    }
    if (!record_answer(l, b, e, *value)) return;
    ++c.answered;
    // rank_questions cannot tell an answered optional slot that holds its default from an unanswered one.
    c.skipped.emplace_back(q.tmpl, q.slot);
    consult_show();
    consult_next();
}

std::optional<Value> ReplSession::answer_value(const Line& l, std::size_t b, std::size_t e) {
    const Question& q = *consultation_->question;
    if (b == e) {
        if (!q.default_answer)
            error(l, b, 1, Code::ParseExpected, "this question has no default; give an answer, `unknown` or `done`");
        return q.default_answer;
    }
    const SlotDef& slot = program_->templates.at(q.tmpl).slots.at(q.slot);
    // Answers are read without escapes: `"a\"b"` is the four characters between the outer quotes.
    Scalar answer = read_scalar(std::string_view(l.text).substr(b, e - b), false);
    std::string why;
    std::optional<Value> value = value_from_text(answer.text, answer.quoted, slot, why);
    if (!value) {
        error(l, b, e - b, Code::FactBadValue, why);
        return std::nullopt;
    }
    if (std::string problem = slot_range_problem(slot, *value); !problem.empty()) {
        error(l, b, e - b, Code::OutOfRange, problem);
        return std::nullopt;
    }
    return value;
}

std::optional<InitialFact> ReplSession::answer_fact(const Line& l, std::size_t b, std::size_t e, const Value& value) {
    const Question& q = *consultation_->question;
    const TemplateDef& t = program_->templates.at(q.tmpl);
    int who_slot = subject_link(*program_, t);
    InitialFact f;
    f.tmpl = t.id;
    for (std::size_t s = 0; s < t.slots.size(); ++s) {
        bool follow_up = std::find(q.other_required.begin(), q.other_required.end(), s) != q.other_required.end();
        if (s == q.slot) f.values.push_back(value);
        else if (static_cast<int>(s) == who_slot) f.values.push_back(Value::symbol(consultation_->institution));
        else if (t.slots[s].default_value) f.values.push_back(*t.slots[s].default_value);
        else if (follow_up) f.values.push_back(Value());  // asked next
        else {
            error(l, b, std::max<std::size_t>(e - b, 1), Code::MissingSlot,
                  fmt::format("cannot record this answer: slot '{}' of '{}' has no default; use `assert`",
                              t.slots[s].name, t.name));
            return std::nullopt;
        }
    }
    return f;
}

void ReplSession::give_answer_fact(InitialFact f) {
    World& w = current();
    w.engine->assert_fact(f.tmpl, f.values, f.span);
    w.given.push_back({std::move(f), false});
}

bool ReplSession::record_answer(const Line& l, std::size_t b, std::size_t e, const Value& value) {
    const Question& q = *consultation_->question;
    const TemplateDef& t = program_->templates.at(q.tmpl);
    World& w = current();
    int who_slot = subject_link(*program_, t);
    Value who = Value::symbol(consultation_->institution);
    std::optional<std::size_t> index;
    for (std::size_t i = 0; i < w.given.size(); ++i)
        if (w.given[i].fact.tmpl == t.id && who_slot >= 0 &&
            equal_for_match(w.given[i].fact.values[static_cast<std::size_t>(who_slot)], who))
            index = i;
    if (index) {
        InitialFact& g = w.given[*index].fact;
        auto old_id = w.engine->find_fact(g.tmpl, g.values);
        std::pair<SlotIndex, Value> change{q.slot, value};
        if (old_id) w.engine->modify(*old_id, std::span(&change, 1));
        g.values[q.slot] = value;
        return true;
    }
    auto f = answer_fact(l, b, e, value);
    if (!f) return false;
    give_answer_fact(std::move(*f));
    return true;
}

}  // namespace covenant::cli
