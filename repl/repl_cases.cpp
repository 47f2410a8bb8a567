// The cases, each its own world: classify, case, compare.
#include <algorithm>
#include <map>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "repl_domain.hpp"
#include "session_internal.hpp"

namespace covenant::cli {

CaseResult ReplSession::case_result(std::size_t index, bool derivations) {
    World& w = case_world(index);
    settle(w);
    CaseResult result;
    result.case_id = cases_[index].name;
    // The year the case describes, as `covenant classify` reads it (an integer, else left out).
    std::string as_of = cases_[index].header("as_of");
    if (!as_of.empty() && as_of.size() < 10 && as_of.find_first_not_of("0123456789") == std::string::npos)
        result.as_of = std::stoll(as_of);
    if (index == current_case_ && scratch_) result.case_id += " (what-if)";
    result.title = cases_[index].header("title");
    result.institutions = collect_results(*w.engine, derivations);
    return result;
}

// Every case, each from its own world (during a what-if only the current case, from the scratch copy): the same
// table `covenant classify --format table --explain` prints for the same files.
void ReplSession::cmd_classify(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::string wanted = l.text.substr(b, e - b);
    std::vector<CaseResult> results;
    std::vector<std::string> known;
    for (std::size_t k = 0; k < cases_.size(); ++k) {
        if (scratch_ && k != current_case_) continue;
        CaseResult result = case_result(k);
        std::vector<InstitutionResult> kept;
        for (auto& r : result.institutions) {
            known.push_back(r.institution);
            if (wanted.empty() || r.institution == wanted) kept.push_back(std::move(r));
        }
        result.institutions = std::move(kept);
        if (!result.institutions.empty()) results.push_back(std::move(result));
    }
    if (!wanted.empty() && results.empty()) {
        error(l, b, e - b, Code::ParseExpected,
              fmt::format("no {} '{}' in working memory{}", subject_word(*program_), wanted,
                          did_you_mean(closest_match(wanted, known))));
        return;
    }
    if (results.empty()) {
        out_ << fmt::format("no {} facts in working memory\n", subject_word(*program_));
        return;
    }
    out_ << render_report(results, ReportFormat::Table, true, report_labels(*program_));
}

std::optional<std::size_t> ReplSession::find_case(const Line& l, std::size_t b, std::size_t e) {
    std::string name = l.text.substr(b, e - b);
    std::vector<std::string> names;
    for (std::size_t k = 0; k < cases_.size(); ++k) {
        if (cases_[k].name == name) return k;
        names.push_back(cases_[k].name);
    }
    std::string hint = closest_match(name, names);
    error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected,
          fmt::format("no case '{}' is loaded{}", name,
                      hint.empty() ? "; `case` lists the cases" : "; did you mean '" + hint + "'?"));
    return std::nullopt;
}

void ReplSession::cmd_case(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    if (b == e) {
        for (std::size_t k = 0; k < cases_.size(); ++k) {
            std::string as_of = cases_[k].header("as_of"), title = cases_[k].header("title");
            std::size_t own = 0;
            for (const auto& g : cases_[k].world->given) own += !g.shared;
            out_ << fmt::format("{} {}{}{}  ({} given fact{})\n", k == current_case_ ? "*" : " ", cases_[k].name,
                                as_of.empty() ? "" : "  as of " + as_of, title.empty() ? "" : "  " + title, own,
                                own == 1 ? "" : "s");
        }
        return;
    }
    auto k = find_case(l, b, e);
    if (!k) return;
    if (*k != current_case_ && (scratch_ || consultation_)) {
        error(l, b, e - b, Code::ParseExpected, "a what-if or consultation is active: end it before switching cases");
        return;
    }
    current_case_ = *k;
    out_ << fmt::format("the current case is {}\n", cases_[*k].name);
}

void ReplSession::cmd_compare(const Line& l, std::size_t b) {
    std::size_t e = trim_end(l.text, b, l.text.size());
    std::size_t ae = word_end(l.text, b);
    std::size_t bb = skip_space(l.text, ae);
    std::size_t be = word_end(l.text, bb);
    if (b == e || bb >= e || trim_end(l.text, be, e) != be) {
        error(l, b, std::max<std::size_t>(e - b, 1), Code::ParseExpected, "expected two case names: compare A B");
        return;
    }
    auto first = find_case(l, b, ae);
    if (!first) return;
    auto second = find_case(l, bb, be);
    if (!second) return;
    CaseResult ra = case_result(*first), rb = case_result(*second);
    const std::string& na = ra.case_id;
    const std::string& nb = rb.case_id;
    // Institutions are paired by id; two cases of one institution each are paired whatever their ids.
    std::vector<std::pair<const InstitutionResult*, const InstitutionResult*>> pairs;
    if (ra.institutions.size() == 1 && rb.institutions.size() == 1) {
        pairs.emplace_back(&ra.institutions[0], &rb.institutions[0]);
    } else {
        for (const auto& x : ra.institutions) {
            const InstitutionResult* y = nullptr;
            for (const auto& z : rb.institutions)
                if (z.institution == x.institution) y = &z;
            pairs.emplace_back(&x, y);
        }
        for (const auto& z : rb.institutions)
            if (std::none_of(ra.institutions.begin(), ra.institutions.end(),
                             [&](const InstitutionResult& x) { return x.institution == z.institution; }))
                pairs.emplace_back(nullptr, &z);
    }
    auto type_text = [](const InstitutionResult* r) {
        if (!r) return std::string("-");
        return r->subtype.empty() || r->subtype == "none" ? r->architecture : r->architecture + " (" + r->subtype + ")";
    };
    auto score = [](const InstitutionResult* r, const std::string& pred) {
        if (!r) return std::string("-");
        for (const auto& sc : r->scores)
            if (sc.predicate == pred) return fmt::format("{:.2f}", sc.value);
        return std::string("-");
    };
    auto strains = [](const InstitutionResult* r) {
        if (!r) return std::string("-");
        std::string out;
        for (const auto& st : r->strains)
            out += (out.empty() ? "" : ", ") + fmt::format("{} {:.2f}", st.kind, st.severity);
        return out.empty() ? std::string("(none)") : out;
    };
    std::size_t width = std::max<std::size_t>({na.size(), 24});
    std::size_t label_width = std::string("  architecture").size();
    for (const auto& [x, y] : pairs)
        for (const auto& sc : (x ? x : y)->scores) label_width = std::max(label_width, sc.predicate.size() + 2);
    label_width += 2;
    // A '*' marks the rows that differ.
    auto row = [&](const std::string& label, const std::string& a, const std::string& bv) {
        std::string mark = a == bv ? "  " : "* ";
        out_ << fmt::format("{}{:<{}}{:<{}}  {}\n", mark, label, label_width, a, width, bv);
    };
    out_ << fmt::format("  {:<{}}{:<{}}  {}\n", "", label_width, na, width, nb);
    for (const auto& [x, y] : pairs) {
        std::string who = x ? x->institution : y->institution;
        if (x && y && x->institution != y->institution) who = x->institution + " / " + y->institution;
        out_ << who << "\n";
        row("  architecture", type_text(x), type_text(y));
        // Every score predicate of the program (collect_results lists them in template order).
        for (const auto& sc : (x ? x : y)->scores)
            row("  " + sc.predicate, score(x, sc.predicate), score(y, sc.predicate));
        row("  strains", strains(x), strains(y));
    }
    // What differs underneath: the given facts (the case files' own, not the shared ones) and the reasons.
    compare_given(*first, *second, na, nb);
    compare_reasons(ra, rb);
}

ReplSession::World& ReplSession::case_world(std::size_t index) {
    return index == current_case_ && scratch_ ? *scratch_ : *cases_[index].world;
}

namespace {

// Prints the lines of `a` that `other` lacks, under the heading `what` with their number.
void print_only(std::ostream& out, const std::set<std::string>& a, const std::set<std::string>& other,
                const std::string& what) {
    std::vector<std::string> list;
    for (const auto& x : a)
        if (!other.count(x)) list.push_back(x);
    out << fmt::format("{} ({}):\n", what, list.size());
    for (const auto& x : list) out << "  " << x << "\n";
}

// The reasons behind a case's results (evidence and strains, with their rules), one line each.
std::set<std::string> reason_texts(const CaseResult& r) {
    std::set<std::string> out;
    for (const auto& inst : r.institutions) {
        for (const auto& why : inst.reasons)
            out.insert(fmt::format("{} {:+.2f}  {}  [{} {}]", why.toward, why.weight, why.text, why.kind, why.rule));
        for (const auto& st : inst.strains)
            out.insert(fmt::format("strain {} {:.2f}  {}  [{}]", st.kind, st.severity, st.reason, st.rule));
    }
    return out;
}

}  // namespace

void ReplSession::compare_given(std::size_t first, std::size_t second, const std::string& na, const std::string& nb) {
    auto given_texts = [&](std::size_t k) {
        std::set<std::string> out;
        for (const auto& g : case_world(k).given)
            if (!g.shared) out.insert(format_fact(*program_, g.fact.tmpl, g.fact.values.data()));
        return out;
    };
    // A given fact with an `id` slot that both cases have, changed: its slots that differ, rather than two facts.
    auto keyed = [&](std::size_t k) {
        std::map<std::string, const InitialFact*> out;
        for (const auto& g : case_world(k).given) {
            int id = program_->templates[g.fact.tmpl].slot_index("id");
            if (g.shared || id < 0) continue;
            out[program_->templates[g.fact.tmpl].name + "(id: " + to_source(g.fact.values[id]) + ")"] = &g.fact;
        }
        return out;
    };
    auto ga = given_texts(first), gb = given_texts(second);
    std::vector<std::string> changed;
    auto ka = keyed(first), kb = keyed(second);
    for (const auto& [key, fa] : ka) {
        auto it = kb.find(key);
        if (it == kb.end() || fa->values == it->second->values) continue;
        const TemplateDef& t = program_->templates[fa->tmpl];
        std::string what;
        for (std::size_t i = 0; i < t.slots.size(); ++i)
            if (!(fa->values[i] == it->second->values[i]))
                what += fmt::format("{}{}: {} -> {}", what.empty() ? "" : ", ", t.slots[i].name,
                                    to_source(fa->values[i]), to_source(it->second->values[i]));
        changed.push_back(key + "  " + what);
        ga.erase(format_fact(*program_, fa->tmpl, fa->values.data()));
        gb.erase(format_fact(*program_, it->second->tmpl, it->second->values.data()));
    }
    if (!changed.empty()) {
        out_ << fmt::format("given facts changed from {} to {} ({}):\n", na, nb, changed.size());
        for (const auto& c : changed) out_ << "  " << c << "\n";
    }
    print_only(out_, ga, gb, "given facts only in " + na);
    print_only(out_, gb, ga, "given facts only in " + nb);
}

void ReplSession::compare_reasons(const CaseResult& ra, const CaseResult& rb) {
    auto wa = reason_texts(ra), wb = reason_texts(rb);
    print_only(out_, wa, wb, "reasons only in " + ra.case_id);
    print_only(out_, wb, wa, "reasons only in " + rb.case_id);
}

}  // namespace covenant::cli
