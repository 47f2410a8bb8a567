#include "classify/html_report.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "classify/graphviz_svg.hpp"
#include "program/operators.hpp"

namespace covenant {

namespace {

using ordered_json = nlohmann::ordered_json;

// ---- thresholds ----

// The score predicate a variable holds, per VarId of one rule ("" when it is not a score(...) result).
std::vector<std::string> score_vars(const Program& p, const Rule& r) {
    std::vector<std::string> out(r.vars.size());
    for (const auto& c : r.conditions) {
        if (c.kind != CondKind::Aggregate || c.agg != AggOp::Score || c.result >= out.size()) continue;
        const TemplateDef& t = p.templates[c.pattern.tmpl];
        if (t.is_score && t.slots.size() == 2) out[c.result] = t.predicate;  // arity 1: arg1 and value
    }
    return out;
}

const Expr* number_const(const Expr& e) { return e.kind == ExprKind::Const && e.value.is_number() ? &e : nullptr; }

void collect_thresholds(const Expr& e, const std::vector<std::string>& preds, ScoreThresholds& out) {
    auto pred_of = [&](const Expr& x) -> std::string {
        return x.kind == ExprKind::Var && x.var < preds.size() ? preds[x.var] : std::string();
    };
    if (e.kind == ExprKind::Binary && is_comparison(e.op) && e.args.size() == 2) {
        for (int side = 0; side < 2; ++side) {
            const Expr& a = e.args[side];
            const Expr* k = number_const(e.args[1 - side]);
            if (!k) continue;
            double v = k->value.as_double();
            if (std::string pred = pred_of(a); !pred.empty()) {
                bool known = std::any_of(out.thresholds.begin(), out.thresholds.end(), [&](const ScoreThreshold& t) {
                    return t.predicate == pred && t.value == v;
                });
                if (!known) out.thresholds.push_back({pred, v});
            } else if (a.kind == ExprKind::Binary && a.op == ExprOp::Sub && a.args.size() == 2) {
                std::string first = pred_of(a.args[0]), second = pred_of(a.args[1]);
                if (first.empty() || second.empty()) continue;
                bool known = std::any_of(out.margins.begin(), out.margins.end(), [&](const ScoreMargin& m) {
                    return m.first == first && m.second == second && m.value == v;
                });
                if (!known) out.margins.push_back({first, second, v});
            }
        }
    }
    for (const auto& a : e.args) collect_thresholds(a, preds, out);
}

// ---- text ----

std::string html(std::string_view s) { return xml_escape(s); }

// An element id from a case id: letters, digits, '-' and '_' kept, anything else as '_'.
std::string anchor(const std::string& case_id) {
    std::string out = "case-";
    for (char c : case_id) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    return out;
}

// "strains" -> "Strains", for headings.
std::string capitalised(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

// ---- colours ----

// A type's colour: by its position among the declared types (ReportLabels::types), from a palette that stays
// distinct for the colour-blind (Okabe & Ito 2008); grey for a type the program does not declare.
std::string type_colour(const ReportLabels& labels, const std::string& type) {
    static const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"};
    for (std::size_t i = 0; i < labels.types.size(); ++i)
        if (labels.types[i] == type) return type == "undetermined" ? "#999999" : kPalette[i % 7];
    return "#999999";
}

// A severity in [0, 1] as a fill from pale orange to dark red (linear in RGB between ColorBrewer's OrRd ends).
std::string severity_colour(double s) {
    s = std::clamp(s, 0.0, 1.0);
    auto mix = [&](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * s)); };
    return fmt::format("#{:02x}{:02x}{:02x}", mix(0xfd, 0xb3), mix(0xd4, 0x00), mix(0x9e, 0x00));
}

// ---- charts ----

struct Axis {
    double lo = 0, hi = 1;  // the score domain: [0, 1], or [-1, 1] when some score is negative
    double at(double v, double length) const { return (std::clamp(v, lo, hi) - lo) / (hi - lo) * length; }
};

Axis score_axis(const std::vector<CaseResult>& results) {
    Axis a;
    for (const auto& c : results)
        for (const auto& r : c.institutions)
            for (const auto& s : r.scores)
                if (s.value < 0) a.lo = -1;
    return a;
}

// One bar per declared score, with a tick at each threshold the rules compare that score with.
std::string score_bars(const InstitutionResult& r, const ReportLabels& labels, const ScoreThresholds& th,
                       const Axis& axis) {
    const double label_w = 150, bar_w = 260, row_h = 22;
    std::string svg = fmt::format(
        "<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
        "aria-label=\"scores of {}\">\n",
        label_w + bar_w + 50, row_h * static_cast<double>(labels.scores.size()) + 16, html(r.institution));
    double y = 4;
    for (const auto& [pred, label] : labels.scores) {
        double v = score_of(r, pred);
        double zero = axis.at(0, bar_w), x = axis.at(v, bar_w);
        svg += fmt::format("<text x=\"0\" y=\"{}\" class=\"label\">{}</text>\n", y + 14, html(spaced(pred)));
        svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" class=\"track\"/>\n", label_w, y, bar_w);
        svg += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"16\" class=\"bar\"><title>{} = {}"
                           "</title></rect>\n",
                           label_w + std::min(zero, x), y, std::fabs(x - zero), html(pred), fixed2(v));
        for (const auto& t : th.thresholds) {
            if (t.predicate != pred) continue;
            double tx = label_w + axis.at(t.value, bar_w);
            svg += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\" class=\"threshold\"><title>"
                               "threshold {}</title></line>\n",
                               tx, tx, y - 2, y + 18, fixed2(t.value));
        }
        svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"value\">{}</text>\n", label_w + bar_w + 6, y + 14,
                           fixed2(v));
        y += row_h;
    }
    return svg + "</svg>\n";
}

// Rows: every (case, institution); columns: every strain kind found anywhere, in first-found order. A cell's fill is
// the strain's severity (its highest, when several rules found it); an empty cell, no such strain.
std::string heat_map(const std::vector<CaseResult>& results, const ReportLabels& labels) {
    std::vector<std::string> kinds;
    for (const auto& c : results)
        for (const auto& r : c.institutions)
            for (const auto& s : r.strains)
                if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) kinds.push_back(s.kind);
    std::vector<std::pair<const CaseResult*, const InstitutionResult*>> rows;
    for (const auto& c : results)
        for (const auto& r : c.institutions) rows.emplace_back(&c, &r);
    if (kinds.empty() || rows.empty())
        return fmt::format("<p class=\"empty\">No {} were found in these cases.</p>\n", html(labels.findings));
    const double left = 220, top = 150, cell = 28;
    double width = left + cell * static_cast<double>(kinds.size()) + 130;  // room for the last slanted heading
    double height = top + cell * static_cast<double>(rows.size()) + 10;
    std::string svg = fmt::format(
        "<svg id=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
        "aria-label=\"{} by case\">\n",
        width, height, html(labels.findings));
    for (std::size_t k = 0; k < kinds.size(); ++k) {
        double x = left + cell * static_cast<double>(k) + cell / 2;
        svg += fmt::format("<text class=\"column\" transform=\"translate({:.1f},{}) rotate(-50)\">{}</text>\n", x,
                           top - 6, html(spaced(kinds[k])));
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& [c, r] = rows[i];
        double y = top + cell * static_cast<double>(i);
        svg += fmt::format("<a href=\"#{}\"><text x=\"{}\" y=\"{:.1f}\" class=\"row\">{} · {}</text></a>\n",
                           anchor(c->case_id), left - 8, y + cell * 0.65, html(c->case_id), html(r->institution));
        for (std::size_t k = 0; k < kinds.size(); ++k) {
            double x = left + cell * static_cast<double>(k);
            const StrainResult* found = nullptr;
            for (const auto& s : r->strains)
                if (s.kind == kinds[k] && (!found || s.severity > found->severity)) found = &s;
            if (!found) {
                svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" class=\"none\"/>\n", x,
                                   y, cell - 2, cell - 2);
                continue;
            }
            svg += fmt::format(
                "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" fill=\"{}\" class=\"cell\"><title>{} · {}: "
                "{} {}{}</title></rect>\n",
                x, y, cell - 2, cell - 2, severity_colour(found->severity), html(c->case_id), html(r->institution),
                html(spaced(found->kind)), fixed2(found->severity),
                found->reason.empty() ? std::string() : " — " + html(found->reason));
        }
    }
    return svg + "</svg>\n";
}

// The first two declared scores against each other, a point per (case, institution) coloured by its type, with the
// lines the rules' thresholds and margins draw: the type regions are the areas between them.
std::string scatter(const std::vector<CaseResult>& results, const ReportLabels& labels, const ScoreThresholds& th,
                    const Axis& axis) {
    if (labels.scores.size() < 2) return "<p class=\"empty\">The rules declare fewer than two scores.</p>\n";
    const std::string& px = labels.scores[0].first;
    const std::string& py = labels.scores[1].first;
    const double pad = 50, size = 420;
    auto sx = [&](double v) { return pad + axis.at(v, size); };
    auto sy = [&](double v) { return pad + size - axis.at(v, size); };
    std::string svg = fmt::format(
        "<svg id=\"scatter\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
        "aria-label=\"{} against {}\">\n",
        size + 2 * pad + 170, size + 2 * pad, html(spaced(py)), html(spaced(px)));
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"plot\"/>\n", pad, pad, size, size);
    // Thresholds: vertical for the first score, horizontal for the second.
    for (const auto& t : th.thresholds) {
        if (t.predicate == px)
            svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"threshold\"><title>{3}"
                               " = {4}</title></line>\n",
                               sx(t.value), pad, pad + size, html(px), fixed2(t.value));
        if (t.predicate == py)
            svg += fmt::format("<line x1=\"{1}\" x2=\"{2}\" y1=\"{0:.1f}\" y2=\"{0:.1f}\" class=\"threshold\"><title>{3}"
                               " = {4}</title></line>\n",
                               sy(t.value), pad, pad + size, html(py), fixed2(t.value));
    }
    // Margins: x - y = m is the line y = x - m; y - x = m is y = x + m. Drawn across the plot, clipped to it.
    for (const auto& m : th.margins) {
        double shift = 0;
        if (m.first == px && m.second == py) shift = -m.value;
        else if (m.first == py && m.second == px) shift = m.value;
        else continue;
        double x0 = std::max(axis.lo, axis.lo - shift), x1 = std::min(axis.hi, axis.hi - shift);
        if (x0 >= x1) continue;
        svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"margin\"><title>{} - {}"
                           " = {}</title></line>\n",
                           sx(x0), sy(x0 + shift), sx(x1), sy(x1 + shift), html(m.first), html(m.second),
                           fixed2(m.value));
    }
    for (double v : {axis.lo, 0.0, 0.5, axis.hi}) {
        if (v < axis.lo || (v == 0.0 && axis.lo == 0.0)) continue;
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"tick\">{}</text>\n", sx(v) - 8, pad + size + 16,
                           fixed2(v));
        svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"tick\">{}</text>\n", pad - 36, sy(v) + 4, fixed2(v));
    }
    if (axis.lo == 0.0) {
        svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"tick\">0.00</text>\n", pad - 8, pad + size + 16);
        svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"tick\">0.00</text>\n", pad - 36, pad + size + 4);
    }
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">{}</text>\n", pad + size / 2 - 40, pad + size + 38,
                       html(spaced(px)));
    svg += fmt::format("<text class=\"axis\" transform=\"translate({},{}) rotate(-90)\">{}</text>\n", pad - 40,
                       pad + size / 2 + 40, html(spaced(py)));
    for (const auto& c : results)
        for (const auto& r : c.institutions) {
            double x = sx(score_of(r, px)), y = sy(score_of(r, py));
            svg += fmt::format("<a href=\"#{}\"><circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"6\" fill=\"{}\" class=\"point\">"
                               "<title>{} · {}: {} ({} {}, {} {})</title></circle></a>\n",
                               anchor(c.case_id), x, y, type_colour(labels, r.architecture), html(c.case_id),
                               html(r.institution), html(r.architecture), html(spaced(px)),
                               fixed2(score_of(r, px)), html(spaced(py)), fixed2(score_of(r, py)));
        }
    // Legend: the declared types.
    double ly = pad + 10;
    for (const auto& type : labels.types) {
        svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" class=\"legend\">{}"
                           "</text>\n",
                           pad + size + 24, ly, type_colour(labels, type), pad + size + 36, ly + 4, html(spaced(type)));
        ly += 20;
    }
    return svg + "</svg>\n";
}

// A derivation (DOT) drawn by Graphviz, in a <details> element that is open for the architecture and closed for
// each strain (a page of many cases stays readable); when Graphviz cannot draw it, the DOT text with the reason.
std::string derivation_block(std::string dot, const std::string& summary, bool open) {
    // A derivation has many given facts and few levels: laid out bottom to top (explain's choice, for a terminal's
    // `dot -Tsvg`) it is far wider than a page; right to left it is tall instead, the conclusion at the top left,
    // where the scrolling box opens.
    if (std::size_t at = dot.find("rankdir=BT"); at != std::string::npos) dot.replace(at, 10, "rankdir=RL");
    std::string error;
    std::optional<std::string> svg = dot_to_svg(dot, error);
    std::string body = svg ? "<div class=\"graph\">" + *svg + "</div>"
                           : "<p class=\"error\">" + html(error) + "</p><pre>" + html(dot) + "</pre>";
    return fmt::format("<details class=\"why\"{}><summary>{}</summary>\n{}\n</details>\n", open ? " open" : "",
                       summary, body);
}

// ---- page ----

const char* kStyle = R"(body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 0 1.5rem 3rem; color: #1b1b1b; line-height: 1.45; }
header { border-bottom: 2px solid #0072B2; margin-bottom: 1rem; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f5f8; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " \25B2"; }
th[aria-sort="descending"]::after { content: " \25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#results td:first-child { white-space: nowrap; }
#filter { margin: 0.5rem 0; padding: 0.3rem 0.5rem; width: 22rem; max-width: 100%; }
.type { display: inline-block; padding: 0 0.45rem; border-radius: 0.6rem; color: #fff; font-size: 0.85rem; }
.error { color: #b00020; }
article.case { border-top: 1px solid #ccc; margin-top: 2rem; padding-top: 0.5rem; }
svg text { font-size: 12px; fill: #333; }
svg .label, svg .row { text-anchor: start; }
svg .row { text-anchor: end; }
svg .track { fill: #eef1f5; }
svg .bar { fill: #0072B2; }
svg .threshold { stroke: #b00020; stroke-width: 2; stroke-dasharray: 4 2; }
svg .margin { stroke: #555; stroke-width: 1.5; stroke-dasharray: 6 3; }
svg .plot { fill: #fafbfc; stroke: #bbb; }
svg .none { fill: #f6f6f6; }
svg .point { stroke: #fff; stroke-width: 1.5; }
details.why { margin: 0.4rem 0; }
details.why summary { cursor: pointer; color: #0072B2; }
.graph { border: 1px solid #eee; max-height: 36rem; overflow: auto; }
.chart { overflow-x: auto; }
.muted { color: #666; }
@media print {
  nav, #filter { display: none; }
  details.why > summary { list-style: none; }
  .graph { max-height: none; overflow: visible; border: none; }
  .graph svg { max-width: 100%; height: auto; }
  article.case, article.trajectory { break-before: page; border-top: none; }
  a { color: inherit; text-decoration: none; }
}
)";

// Sorting (click a heading; numbers by value) and filtering (rows holding the text) of the classification table.
const char* kScript = R"(
(function () {
  var table = document.getElementById('results');
  if (!table) return;
  var body = table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var numeric = th.hasAttribute('data-numeric');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var c = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
        return ascending ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var filter = document.getElementById('filter');
  filter.addEventListener('input', function () {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(body.rows, function (r) {
      var text = r.textContent.toLowerCase();
      r.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  });
})();
)";

ordered_json case_json(const CaseResult& c, const ReportLabels& labels) {
    ordered_json j;
    j["case"] = c.case_id;
    j["file"] = c.file;
    j["as_of"] = c.as_of ? ordered_json(*c.as_of) : ordered_json(nullptr);
    j["title"] = c.title;
    j["sources"] = c.sources;
    j["left_out"] = c.left_out;
    if (c.error) j["error"] = case_error_text(*c.error);
    if (!c.run_problem.empty()) j["run_problem"] = c.run_problem;
    ordered_json subjects = ordered_json::array();
    for (const auto& r : c.institutions) {
        ordered_json s;
        s[labels.subject] = r.institution;
        s[labels.conclusion] = r.architecture;
        s[labels.detail] = r.subtype;
        ordered_json scores;
        for (const auto& [pred, label] : labels.scores) scores[pred] = std::round(score_of(r, pred) * 1e4) / 1e4;
        s["scores"] = scores;
        ordered_json strains = ordered_json::array();
        for (const auto& st : r.strains)
            strains.push_back({{"kind", st.kind}, {"severity", std::round(st.severity * 1e4) / 1e4},
                               {"reason", st.reason}, {"rule", st.rule}});
        s[labels.findings] = strains;
        subjects.push_back(std::move(s));
    }
    j["results"] = subjects;
    return j;
}

}  // namespace

ScoreThresholds score_thresholds(const Program& program) {
    ScoreThresholds out;
    for (const auto& r : program.rules) {
        std::vector<std::string> preds = score_vars(program, r);
        for (const auto& c : r.conditions)
            if (c.kind == CondKind::Test) collect_thresholds(c.test, preds, out);
    }
    return out;
}

std::string report_data(const std::vector<CaseResult>& results, const ReportLabels& labels,
                        const ScoreThresholds& thresholds) {
    ordered_json j;
    j["labels"] = {{"subject", labels.subject},
                   {"conclusion", labels.conclusion},
                   {"detail", labels.detail},
                   {"findings", labels.findings},
                   {"types", labels.types}};
    ordered_json scores = ordered_json::array();
    for (const auto& [pred, label] : labels.scores) scores.push_back({{"predicate", pred}, {"label", label}});
    j["labels"]["scores"] = scores;
    ordered_json th = ordered_json::array();
    for (const auto& t : thresholds.thresholds) th.push_back({{"score", t.predicate}, {"value", t.value}});
    j["thresholds"] = th;
    ordered_json margins = ordered_json::array();
    for (const auto& m : thresholds.margins)
        margins.push_back({{"score", m.first}, {"minus", m.second}, {"value", m.value}});
    j["margins"] = margins;
    ordered_json cases = ordered_json::array();
    for (const auto& c : results) cases.push_back(case_json(c, labels));
    j["cases"] = cases;
    return j.dump(1) + "\n";
}

std::string render_html_report(const std::vector<CaseResult>& results, const ReportLabels& labels,
                               const ScoreThresholds& thresholds, const HtmlReportOptions& options) {
    Axis axis = score_axis(results);
    std::size_t subjects = 0, failed = 0;
    for (const auto& c : results) {
        subjects += c.institutions.size();
        if (c.error || !c.run_problem.empty()) ++failed;
    }
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n", html(options.title), kStyle);
    out += fmt::format("<header>\n<h1>{}</h1>\n<p>{} case{}, {} {}{}{}</p>\n", html(options.title),
                       results.size(), results.size() == 1 ? "" : "s", subjects, html(labels.subject),
                       subjects == 1 ? "" : "s",
                       failed ? fmt::format(", <span class=\"error\">{} with errors</span>", failed) : "");
    if (!options.packs.empty()) {
        std::string packs;
        for (const auto& p : options.packs) packs += (packs.empty() ? "" : ", ") + ("<code>" + html(p) + "</code>");
        out += "<p class=\"muted\">Rule packs: " + packs + "</p>\n";
    }
    out += "</header>\n";
    out += "<nav><a href=\"#classification\">Classification</a><a href=\"#across\">Across cases</a>";
    if (!options.trajectories.empty()) out += "<a href=\"#trajectories\">Through time</a>";
    out += "<a href=\"#cases\">Cases</a></nav>\n";

    // The table.
    out += "<section id=\"classification\">\n<h2>Classification</h2>\n";
    out += "<input id=\"filter\" type=\"search\" placeholder=\"Filter rows (all words must appear)\" "
           "aria-label=\"Filter rows\">\n";
    out += fmt::format("<table id=\"results\">\n<thead><tr><th>case</th><th data-numeric>as of</th><th>{}</th>"
                       "<th>{}</th><th>{}</th>",
                       html(labels.subject), html(labels.conclusion), html(labels.detail));
    for (const auto& [pred, label] : labels.scores) out += "<th data-numeric>" + html(spaced(label)) + "</th>";
    out += "<th>" + html(labels.findings) + "</th></tr></thead>\n<tbody>\n";
    for (const auto& c : results) {
        std::string case_cell = fmt::format("<td><a href=\"#{}\">{}</a></td><td class=\"num\">{}</td>",
                                            anchor(c.case_id), html(c.case_id), c.as_of ? std::to_string(*c.as_of) : "");
        if (c.error || c.institutions.empty()) {
            std::string why = c.error ? case_error_text(*c.error) : "no " + labels.subject + " in this case";
            out += fmt::format("<tr>{}<td colspan=\"{}\" class=\"{}\">{}</td></tr>\n", case_cell,
                               4 + labels.scores.size(), c.error ? "error" : "muted", html(why));
            continue;
        }
        for (const auto& r : c.institutions) {
            out += "<tr>" + case_cell;
            out += fmt::format("<td>{}</td><td><span class=\"type\" style=\"background:{}\">{}</span></td><td>{}</td>",
                               html(r.institution), type_colour(labels, r.architecture), html(r.architecture),
                               html(r.subtype));
            for (const auto& [pred, label] : labels.scores)
                out += "<td class=\"num\">" + fixed2(score_of(r, pred)) + "</td>";
            std::string strains;
            for (const auto& s : r.strains)
                strains += (strains.empty() ? "" : ", ") + html(s.kind) + " " + fixed2(s.severity);
            out += "<td>" + strains + "</td></tr>\n";
        }
    }
    out += "</tbody>\n</table>\n</section>\n";

    // Across cases.
    out += "<section id=\"across\">\n<h2>Across cases</h2>\n";
    out += fmt::format("<h3>{} by case</h3>\n<p class=\"muted\">Darker is more severe; hover a cell for its "
                       "severity and what was counted.</p>\n",
                       html(capitalised(labels.findings)));
    out += heat_map(results, labels);
    if (labels.scores.size() >= 2) {
        out += fmt::format("<h3>{} against {}</h3>\n<p class=\"muted\">Red dashed lines: the thresholds the rules "
                           "compare each score with; grey dashed: the margins between the two. The type regions lie "
                           "between them.</p>\n",
                           html(capitalised(spaced(labels.scores[1].first))), html(spaced(labels.scores[0].first)));
    }
    out += scatter(results, labels, thresholds, axis);
    out += "</section>\n";

    // Series: each trajectory as `covenant trend --format svg` draws it.
    if (!options.trajectories.empty()) {
        out += "<section id=\"trajectories\">\n<h2>Through time</h2>\n<p class=\"muted\">Each series classified in "
               "each of its years: the scores as lines, the architecture type of each year as a background band, a "
               "red marker under each year with strains (hover for the values).</p>\n";
        for (const auto& t : options.trajectories) {
            out += fmt::format("<article class=\"trajectory\" id=\"series-{}\">\n<h3>{}</h3>\n<p class=\"muted\">"
                               "series <code>{}</code> · <code>{}</code></p>\n",
                               anchor(t.series).substr(5), html(t.title.empty() ? t.series : t.title),
                               html(t.series), html(t.file));
            for (const auto& p : t.problems) out += "<p class=\"error\">" + html(p) + "</p>\n";
            out += "<div class=\"chart\">" + t.svg + "</div>\n</article>\n";
        }
        out += "</section>\n";
    }

    // Per case.
    out += "<section id=\"cases\">\n<h2>Cases</h2>\n";
    for (const auto& c : results) {
        out += fmt::format("<article class=\"case\" id=\"{}\">\n<h3>{}</h3>\n", anchor(c.case_id),
                           html(c.title.empty() ? c.case_id : c.title));
        out += fmt::format("<p class=\"muted\">case <code>{}</code> · <code>{}</code>{}</p>\n", html(c.case_id),
                           html(c.file), c.as_of ? fmt::format(" · as of {}", *c.as_of) : "");
        if (c.error) out += "<pre class=\"error\">" + html(case_error_text(*c.error, "\n")) + "</pre>\n";
        if (!c.run_problem.empty())
            out += "<p class=\"error\">The run did not finish: " + html(c.run_problem) + "</p>\n";
        for (const auto& r : c.institutions) {
            out += fmt::format("<h4>{} — <span class=\"type\" style=\"background:{}\">{}</span> {}</h4>\n",
                               html(r.institution), type_colour(labels, r.architecture), html(r.architecture),
                               r.subtype == "none" ? "" : "(" + html(r.subtype) + ")");
            out += score_bars(r, labels, thresholds, axis);
            if (!r.derivation.empty())
                out += derivation_block(r.derivation,
                                        fmt::format("Why {} is {}", html(r.institution), html(r.architecture)), true);
            if (r.strains.empty()) {
                out += fmt::format("<p class=\"muted\">No {}.</p>\n", html(labels.findings));
                continue;
            }
            out += fmt::format("<table class=\"strains\"><thead><tr><th>{}</th><th>severity</th><th>what it counted"
                               "</th><th>rule</th></tr></thead><tbody>\n",
                               html(labels.findings));
            for (const auto& s : r.strains)
                out += fmt::format("<tr><td>{}</td><td class=\"num\"><svg width=\"60\" height=\"12\"><rect width=\"{:.0f}\""
                                   " height=\"12\" fill=\"{}\"/></svg> {}</td><td>{}</td><td><code>{}</code></td></tr>\n",
                                   html(spaced(s.kind)), 60 * std::clamp(s.severity, 0.0, 1.0),
                                   severity_colour(s.severity), fixed2(s.severity), html(s.reason), html(s.rule));
            out += "</tbody></table>\n";
            for (const auto& s : r.strains)
                if (!s.derivation.empty())
                    out += derivation_block(s.derivation,
                                            fmt::format("Why {} has {} ({})", html(r.institution),
                                                        html(spaced(s.kind)), fixed2(s.severity)),
                                            false);
        }
        if (!c.sources.empty()) {
            out += "<h4>Sources</h4>\n<ul class=\"sources\">\n";
            for (const auto& s : c.sources) out += "<li>" + html(s) + "</li>\n";
            out += "</ul>\n";
        }
        if (!c.left_out.empty()) {
            out += "<h4>Left out</h4>\n<ul class=\"left-out\">\n";
            for (const auto& s : c.left_out) out += "<li>" + html(s) + "</li>\n";
            out += "</ul>\n";
        }
        out += "</article>\n";
    }
    out += "</section>\n";

    // The data, as JSON; "</" is written "<\/" so that no string in it can end the script element.
    std::string data = report_data(results, labels, thresholds);
    std::string safe;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '<' && i + 1 < data.size() && data[i + 1] == '/') safe += "<\\";
        else safe += data[i];
    }
    out += "<script type=\"application/json\" id=\"covenant-data\">\n" + safe + "</script>\n";
    out += std::string("<script>") + kScript + "</script>\n</body>\n</html>\n";
    return out;
}

}  // namespace covenant
