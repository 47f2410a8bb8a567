// Pass 5: `report` declarations (docs/language.md §12). Runs after every template, score template and rule is known,
// and fills Program::report, which only the domain layer (engine/classify) reads. Every problem is E0130 (or E0101 /
// E0102 for an unknown template or slot), located at the name at fault.
#include <algorithm>

#include <fmt/format.h>

#include "check/internal.hpp"

namespace covenant::check_detail {

namespace {

const std::vector<std::string> kRoles = {"subject", "conclusion", "finding", "score"};

class ReportChecker {
public:
    ReportChecker(Program& program, DiagnosticSink& sink) : p_(program), sink_(sink) {}

    void check(const ast::ReportDecl& d) {
        const std::string& role = d.role.name;
        if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end()) {
            std::string guess = closest_match(role, kRoles, TypoRule::EditsOrSwap);
            sink_.error(d.role.span, Code::BadReport, "'{}' is not something a pack can report; {}", role,
                        guess.empty() ? "the roles are subject, conclusion, finding and score"
                                      : fmt::format("did you mean '{}'?", guess));
            return;
        }
        if (d.label && !is_name_text(d.label->text)) {
            sink_.error(d.label->span, Code::BadReport,
                        "a report label is a name (letters, digits and '_'), as it heads columns and names `expect:` "
                        "keys; \"{}\" is not",
                        d.label->text);
            return;
        }
        if (role == "score") return score(d);
        const TemplateDef* t = p_.find_template(d.target.name);
        if (!t || t->is_score) {
            report_unknown_template(d.target, p_, sink_);
            return;
        }
        if (role == "subject") return subject(d, *t);
        deferred_.push_back({&d, t->id});
    }

    // Conclusions and findings need the subject, which any pack may declare: they are checked at the end.
    void finish() {
        for (const auto& [d, tmpl] : deferred_) {
            const TemplateDef& t = p_.templates[tmpl];
            if (!p_.report.subject) {
                sink_.error(d->role.span, Code::BadReport,
                            "a {} is reported about a subject, but no pack declares one (`report subject TEMPLATE`)",
                            d->role.name);
                continue;
            }
            int link = subject_link(p_, t);
            if (link < 0) {
                const std::string& s = p_.templates[p_.report.subject->tmpl].name;
                Diagnostic* diag = sink_.error(
                    d->target.span, Code::BadReport,
                    "template '{}' has no slot naming its subject: give it a slot '{}: ref {}' (or '{}: symbol')",
                    t.name, s, s, s);
                if (diag) diag->notes.push_back({t.span, fmt::format("template '{}' is defined here", t.name)});
                continue;
            }
            if (d->role.name == "conclusion") conclusion(*d, t, static_cast<SlotIndex>(link));
            else finding(*d, t, static_cast<SlotIndex>(link));
        }
    }

private:
    bool no_slots(const ast::ReportDecl& d) {
        if (d.slots.empty()) return true;
        sink_.error(d.slots.front().span, Code::BadReport, "a {} is reported without a list of slots", d.role.name);
        return false;
    }

    bool twice(const ast::ReportDecl& d, bool already, const SourceSpan& first) {
        if (!already) return false;
        Diagnostic* diag = sink_.error(d.target.span, Code::BadReport, "'{}' is already reported as a {}",
                                       d.target.name, d.role.name);
        if (diag) diag->notes.push_back({first, "the first declaration"});
        return true;
    }

    void subject(const ast::ReportDecl& d, const TemplateDef& t) {
        if (!no_slots(d)) return;
        if (p_.report.subject) {
            Diagnostic* diag = sink_.error(d.target.span, Code::BadReport,
                                           "a program reports one subject, and '{}' already is",
                                           p_.templates[p_.report.subject->tmpl].name);
            if (diag) diag->notes.push_back({p_.report.subject->span, "the subject is declared here"});
            return;
        }
        int key = t.slot_index("id");
        if (key < 0 || t.slots[key].type != Type::Symbol || !t.slots[key].one_of.empty()) {
            Diagnostic* diag = sink_.error(d.target.span, Code::BadReport,
                                           "a subject is keyed by an `id: symbol` slot, which template '{}' lacks",
                                           t.name);
            if (diag) diag->notes.push_back({t.span, fmt::format("template '{}' is defined here", t.name)});
            return;
        }
        p_.report.subject = ReportSpec::Subject{t.id, static_cast<SlotIndex>(key), label_of(d, t.name), d.span};
    }

    // The slots listed, each checked to exist; nullopt after reporting.
    std::optional<std::vector<SlotIndex>> listed_slots(const ast::ReportDecl& d, const TemplateDef& t) {
        std::vector<SlotIndex> out;
        for (const auto& s : d.slots) {
            int i = t.slot_index(s.name);
            if (i < 0) {
                report_unknown_slot(s, t, sink_);
                return std::nullopt;
            }
            out.push_back(static_cast<SlotIndex>(i));
        }
        return out;
    }

    bool slot_kind(const ast::Identifier& at, const TemplateDef& t, SlotIndex s, bool number, const char* what) {
        const SlotDef& slot = t.slots[s];
        bool ok = number ? slot.type == Type::Int || slot.type == Type::Float
                         : slot.type == Type::Symbol || slot.type == Type::String;
        if (!ok)
            sink_.error(at.span, Code::BadReport, "slot '{}' of '{}' holds {}, but a {} must hold {}", slot.name,
                        t.name, a_type(slot.type), what, number ? "a number" : "a symbol or a string");
        return ok;
    }

    void conclusion(const ast::ReportDecl& d, const TemplateDef& t, SlotIndex link) {
        for (const auto& c : p_.report.conclusions)
            if (twice(d, c.tmpl == t.id, c.span)) return;
        if (d.slots.empty()) {
            sink_.error(d.target.span, Code::BadReport,
                        "say which slots of '{}' to show: its main value first, as in 'report conclusion {}(type)'",
                        t.name, t.name);
            return;
        }
        auto slots = listed_slots(d, t);
        if (!slots) return;
        for (std::size_t i = 0; i < slots->size(); ++i)
            if (!slot_kind(d.slots[i], t, (*slots)[i], false, "conclusion's slot")) return;
        p_.report.conclusions.push_back({t.id, link, std::move(*slots), label_of(d, t.name), d.span});
    }

    void finding(const ast::ReportDecl& d, const TemplateDef& t, SlotIndex link) {
        for (const auto& f : p_.report.findings)
            if (twice(d, f.tmpl == t.id, f.span)) return;
        if (d.slots.size() < 2 || d.slots.size() > 3) {
            sink_.error(d.slots.empty() ? d.target.span : d.slots.front().span, Code::BadReport,
                        "a finding lists its kind, its severity and, if it has one, its reason, as in "
                        "'report finding {}(kind, severity, reason)'",
                        t.name);
            return;
        }
        auto slots = listed_slots(d, t);
        if (!slots) return;
        if (!slot_kind(d.slots[0], t, (*slots)[0], false, "finding's kind")) return;
        if (!slot_kind(d.slots[1], t, (*slots)[1], true, "finding's severity")) return;
        if (slots->size() == 3 && !slot_kind(d.slots[2], t, (*slots)[2], false, "finding's reason")) return;
        std::string label = label_of(d, t.name + "s");
        if (p_.report.findings.empty()) {
            p_.report.findings_label = label;
        } else if (d.label && label != p_.report.findings_label) {
            Diagnostic* diag = sink_.error(d.label->span, Code::BadReport,
                                           "findings are listed together, under \"{}\"; give the same label or none",
                                           p_.report.findings_label);
            if (diag) diag->notes.push_back({p_.report.findings.front().span, "the first finding is declared here"});
            return;
        }
        p_.report.findings.push_back(
            {t.id, link, (*slots)[0], (*slots)[1], slots->size() == 3 ? static_cast<int>((*slots)[2]) : -1, d.span});
    }

    void score(const ast::ReportDecl& d) {
        if (!no_slots(d)) return;
        const TemplateDef* t = p_.find_score_template(d.target.name, 1);
        if (!t) {
            sink_.error(d.target.span, Code::BadReport,
                        "no rule gives evidence about '{}' with one argument, so there is no such score to report",
                        d.target.name);
            return;
        }
        for (const auto& s : p_.report.scores)
            if (twice(d, s.tmpl == t->id, s.span)) return;
        p_.report.scores.push_back({t->id, label_of(d, d.target.name), d.span});
    }

    static std::string label_of(const ast::ReportDecl& d, const std::string& fallback) {
        return d.label ? d.label->text : fallback;
    }

    Program& p_;
    DiagnosticSink& sink_;
    std::vector<std::pair<const ast::ReportDecl*, TemplateId>> deferred_;
};

}  // namespace

void check_reports(const std::vector<const ast::ReportDecl*>& decls, Program& program, DiagnosticSink& sink) {
    ReportChecker checker(program, sink);
    for (const ast::ReportDecl* d : decls) checker.check(*d);
    checker.finish();
}

}  // namespace covenant::check_detail
