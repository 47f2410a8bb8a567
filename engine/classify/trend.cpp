#include "classify/trend.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "classify/expect.hpp"
#include "kb/world.hpp"
#include "runtime/engine.hpp"

namespace covenant {

namespace {

std::optional<std::int64_t> year_of(const MetaValue* m) {
    if (!m || m->kind != MetaValue::Kind::Scalar || m->scalar.empty() || m->scalar.size() > 6) return std::nullopt;
    if (m->scalar.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(m->scalar);
}

class SeriesReader {
public:
    SeriesReader(const Program& p, DiagnosticSink& sink) : p_(p), sink_(sink) {}
    bool ok = true;

    void error(const SourceSpan& at, Code code, const std::string& message) {
        ok = false;
        sink_.error(at, code, "{}", message);
    }

    // A map of template -> list of slot maps, into edits (values converted and range-checked with as_of = year).
    template <typename Each>
    void fact_lists(const MetaValue& block, const char* what, std::int64_t year, Each each) {
        if (block.kind != MetaValue::Kind::Map) {
            error(block.span, Code::YamlShape,
                  fmt::format("`{}` must map template names to lists of facts (`event: [{{...}}]`)", what));
            return;
        }
        for (const auto& [name, list] : block.entries) {
            const TemplateDef* t = p_.find_template(name);
            if (!t || t->is_score) {
                std::vector<std::string> names;
                for (const auto& tt : p_.templates)
                    if (!tt.is_score) names.push_back(tt.name);
                std::string guess = closest_match(name, names);
                error(list.span, Code::FactUnknownTemplate,
                      fmt::format("unknown template '{}'{}", name,
                                  guess.empty() ? std::string() : "; did you mean '" + guess + "'?"));
                continue;
            }
            if (list.kind != MetaValue::Kind::Sequence) {
                error(list.span, Code::YamlShape, fmt::format("the facts of '{}' must be a list of slot maps", name));
                continue;
            }
            for (const auto& item : list.items) {
                if (item.kind != MetaValue::Kind::Map) {
                    error(item.span, Code::YamlShape,
                          fmt::format("each fact of '{}' must be a map of slot: value", name));
                    continue;
                }
                FactEdit edit;
                edit.tmpl = t->id;
                edit.span = item.span;
                bool item_ok = true;
                for (const auto& [slot_name, v] : item.entries) {
                    int idx = t->slot_index(slot_name);
                    if (idx < 0) {
                        std::vector<std::string> names;
                        for (const auto& s : t->slots) names.push_back(s.name);
                        std::string guess = closest_match(slot_name, names);
                        error(v.span, Code::FactUnknownSlot,
                              fmt::format("'{}' has no slot '{}'{}", name, slot_name,
                                          guess.empty() ? std::string() : "; did you mean '" + guess + "'?"));
                        item_ok = false;
                        continue;
                    }
                    const SlotDef& slot = t->slots[static_cast<std::size_t>(idx)];
                    if (v.kind != MetaValue::Kind::Scalar) {
                        error(v.span, Code::FactBadValue,
                              fmt::format("slot '{}' of '{}' needs a single value", slot_name, name));
                        item_ok = false;
                        continue;
                    }
                    std::string why;
                    auto value = value_from_text(v.scalar, false, slot, why);
                    if (!value) {
                        error(v.span, Code::FactBadValue,
                              fmt::format("{} for slot '{}' of '{}'", why, slot_name, name));
                        item_ok = false;
                        continue;
                    }
                    HeaderNumbers header{{"as_of", static_cast<double>(year)}};
                    if (std::string problem = slot_range_problem(slot, *value, &header); !problem.empty()) {
                        error(v.span, Code::FactOutOfRange,
                              fmt::format("{} (slot '{}' of '{}'; this change is dated {})", problem, slot_name, name,
                                          year));
                        item_ok = false;
                        continue;
                    }
                    edit.slots.emplace_back(static_cast<SlotIndex>(idx), *value);
                }
                if (item_ok) each(*t, std::move(edit));
            }
        }
    }

    void change(const MetaValue& m, std::int64_t base_year, std::int64_t previous, Series& out) {
        if (m.kind != MetaValue::Kind::Map) {
            error(m.span, Code::YamlShape, "each change must be a map: {year: Y, note: \"...\", assert: ..., ...}");
            return;
        }
        SeriesChange c;
        c.span = m.span;
        auto year = year_of(m.get("year"));
        if (!year) {
            error(m.get("year") ? m.get("year")->span : m.span, Code::YamlShape, "a change needs `year: YEAR`");
            return;
        }
        if (*year <= base_year || *year < previous) {
            error(m.get("year")->span, Code::YamlShape,
                  fmt::format("changes come after the base year ({}) and in year order; {} comes after {}", base_year,
                              *year, previous));
            return;
        }
        c.year = *year;
        for (const auto& [key, v] : m.entries) {
            if (key == "year") continue;
            if (key == "note") {
                if (v.kind == MetaValue::Kind::Scalar) c.note = v.scalar;
                continue;
            }
            if (key == "assert") {
                fact_lists(v, "assert", c.year, [&](const TemplateDef& t, FactEdit e) {
                    InitialFact f;
                    f.tmpl = t.id;
                    f.span = e.span;
                    f.values.resize(t.slots.size());
                    std::vector<bool> given(t.slots.size(), false);
                    for (auto& [slot, value] : e.slots) {
                        f.values[slot] = value;
                        given[slot] = true;
                    }
                    std::string missing;
                    for (std::size_t i = 0; i < t.slots.size(); ++i) {
                        if (given[i]) continue;
                        if (t.slots[i].default_value) f.values[i] = *t.slots[i].default_value;
                        else missing += (missing.empty() ? "'" : ", '") + t.slots[i].name + "'";
                    }
                    if (!missing.empty()) {
                        error(e.span, Code::FactMissingSlot,
                              fmt::format("this '{}' fact leaves out the required slot(s) {}", t.name, missing));
                        return;
                    }
                    c.asserted.push_back(std::move(f));
                });
            } else if (key == "modify") {
                fact_lists(v, "modify", c.year,
                           [&](const TemplateDef&, FactEdit e) { c.modified.push_back(std::move(e)); });
            } else if (key == "retract") {
                fact_lists(v, "retract", c.year,
                           [&](const TemplateDef&, FactEdit e) { c.retracted.push_back(std::move(e)); });
            } else {
                std::string guess = closest_match(key, {"year", "note", "assert", "modify", "retract"});
                error(v.span, Code::YamlShape,
                      fmt::format("a change has year, note, assert, modify and retract; '{}' is none of these{}", key,
                                  guess.empty() ? std::string() : "; did you mean '" + guess + "'?"));
            }
        }
        out.changes.push_back(std::move(c));
    }

private:
    const Program& p_;
    DiagnosticSink& sink_;
};

// The key slots a `modify` names its fact by: `id`, else the `ref` slots.
std::vector<SlotIndex> key_slots(const TemplateDef& t) {
    std::vector<SlotIndex> out;
    if (int id = t.slot_index("id"); id >= 0) return {static_cast<SlotIndex>(id)};
    for (std::size_t i = 0; i < t.slots.size(); ++i)
        if (t.slots[i].is_ref()) out.push_back(static_cast<SlotIndex>(i));
    return out;
}

bool matches(const InitialFact& f, const FactEdit& e, const std::vector<SlotIndex>* only) {
    if (f.tmpl != e.tmpl) return false;
    for (const auto& [slot, value] : e.slots) {
        if (only && std::find(only->begin(), only->end(), slot) == only->end()) continue;
        if (!(f.values[slot] == value)) return false;
    }
    return true;
}

}  // namespace

bool looks_like_series(std::string_view text) {
    for (std::size_t b = 0; b < text.size();) {
        std::size_t e = text.find('\n', b);
        if (e == std::string_view::npos) e = text.size();
        std::string_view line = text.substr(b, e - b);
        if (line.rfind("series:", 0) == 0 || line.rfind("changes:", 0) == 0) return true;
        b = e + 1;
    }
    return false;
}

std::optional<Series> read_series(const SourceFile& file, const Program& program, DiagnosticSink& sink) {
    FactFileOptions options;
    options.as_case = true;
    auto base = read_fact_file(file, program, sink, options);
    if (!base) return std::nullopt;
    Series s;
    s.base = std::move(*base);
    const MetaValue* id = s.base.meta("series");
    s.id = id && id->kind == MetaValue::Kind::Scalar ? id->scalar : std::filesystem::path(file.path).stem().string();
    if (const MetaValue* t = s.base.meta("title"); t && t->kind == MetaValue::Kind::Scalar) s.title = t->scalar;
    auto base_year = year_of(s.base.meta("as_of"));
    if (!base_year) {
        sink.error(file.span_at(0, 0), Code::CaseHeader, "a series needs `as_of: YEAR`, its base year");
        return std::nullopt;
    }
    s.base_year = *base_year;
    SeriesReader reader(program, sink);
    std::int64_t previous = s.base_year;
    if (const MetaValue* changes = s.base.meta("changes")) {
        if (changes->kind != MetaValue::Kind::Sequence) {
            reader.error(changes->span, Code::YamlShape, "`changes` must be a list of changes (- year: Y ...)");
        } else {
            for (const auto& c : changes->items) {
                reader.change(c, s.base_year, previous, s);
                if (!s.changes.empty()) previous = s.changes.back().year;
            }
        }
    }
    std::set<std::int64_t> years;
    if (const MetaValue* list = s.base.meta("years")) {
        if (list->kind != MetaValue::Kind::Sequence) {
            reader.error(list->span, Code::YamlShape, "`years` must be a list of years: [1949, 1989, 2024]");
        } else {
            for (const auto& y : list->items) {
                auto v = year_of(&y);
                if (!v || *v < s.base_year)
                    reader.error(
                        y.span, Code::YamlShape,
                        fmt::format("a year to classify must be a year from the base year {} on", s.base_year));
                else
                    years.insert(*v);
            }
        }
    } else {
        years.insert(s.base_year);
        for (const auto& c : s.changes) years.insert(c.year);
    }
    if (const MetaValue* until = s.base.meta("until")) {
        auto v = year_of(until);
        if (!v || *v < s.base_year)
            reader.error(until->span, Code::YamlShape, fmt::format("`until` must be a year from {} on", s.base_year));
        else if (!s.base.meta("years"))
            years.insert(*v);
    }
    s.years.assign(years.begin(), years.end());
    s.expect = s.base.meta("expect");
    if (!reader.ok) return std::nullopt;
    return s;
}

std::optional<std::vector<InitialFact>> series_facts(const Series& series, const Program& program, std::int64_t year,
                                                     const std::vector<FactFile>& shared, DiagnosticSink& sink) {
    bool ok = true;
    std::vector<InitialFact> facts;
    for (const auto& f : series.base.facts)
        if (!program.templates[f.tmpl].is_case_template()) facts.push_back(f);
    for (const auto& c : series.changes) {
        if (c.year > year) break;
        for (const auto& e : c.retracted) {
            auto before = facts.size();
            facts.erase(std::remove_if(facts.begin(), facts.end(),
                                       [&](const InitialFact& f) { return matches(f, e, nullptr); }),
                        facts.end());
            if (facts.size() == before) {
                sink.error(e.span, Code::YamlShape, "this retract (dated {}) matches no fact of '{}' at that year",
                           c.year, program.templates[e.tmpl].name);
                ok = false;
            }
        }
        for (const auto& e : c.modified) {
            const TemplateDef& t = program.templates[e.tmpl];
            std::vector<SlotIndex> keys = key_slots(t);
            std::vector<InitialFact*> found;
            for (auto& f : facts)
                if (matches(f, e, &keys)) found.push_back(&f);
            if (found.size() != 1 || keys.empty()) {
                sink.error(e.span, Code::YamlShape,
                           "this modify (dated {}) must name one '{}' fact by its {}; it matches {}", c.year, t.name,
                           keys.empty() ? std::string("key (the template has no `id` or `ref` slot)")
                                        : (t.slot_index("id") >= 0 ? std::string("id") : std::string("ref slots")),
                           found.size());
                ok = false;
                continue;
            }
            for (const auto& [slot, value] : e.slots) found[0]->values[slot] = value;
        }
        for (const auto& f : c.asserted)
            if (std::none_of(facts.begin(), facts.end(),
                             [&](const InitialFact& g) { return g.tmpl == f.tmpl && g.values == f.values; }))
                facts.push_back(f);
    }
    // The case templates' facts of this year, as the reader makes them from a case file's header.
    std::vector<InitialFact> made;
    for (const auto& t : program.templates) {
        if (t.is_score || !t.is_case_template()) continue;
        InitialFact f;
        f.tmpl = t.id;
        f.span = series.base.facts.empty() ? SourceSpan{} : series.base.facts.front().span;
        for (const auto& slot : t.slots) {
            if (slot.from == "as_of")
                f.values.push_back(slot.type == Type::Float ? Value::real(static_cast<double>(year))
                                                            : Value::integer(year));
            else if (slot.from == "case")
                f.values.push_back(slot.type == Type::String ? Value::string(series.id) : Value::symbol(series.id));
            else if (slot.from == "title")
                f.values.push_back(Value::string(series.title));
            else
                f.values.push_back(slot.default_value ? *slot.default_value : Value());
        }
        made.push_back(std::move(f));
    }
    facts.insert(facts.begin(), made.begin(), made.end());
    if (!ok) return std::nullopt;
    // The year's world, checked as a case's: references, and bounds that name a referred fact.
    FactFile world_file;
    world_file.file = series.base.file;
    world_file.is_case = true;
    world_file.facts = facts;
    std::vector<const FactFile*> world;
    for (const auto& f : shared) world.push_back(&f);
    world.push_back(&world_file);
    if (!check_world(program, world, sink, shared.size())) return std::nullopt;
    return facts;
}

std::vector<TrendPoint> classify_trend(const Program& program, const Series& series, const SourceFile& file,
                                       const std::vector<FactFile>& shared, std::vector<std::int64_t> years,
                                       std::uint64_t max_firings, DiagnosticSink& sink) {
    if (years.empty()) years = series.years;
    std::sort(years.begin(), years.end());
    years.erase(std::unique(years.begin(), years.end()), years.end());
    std::vector<TrendPoint> points;
    Engine engine(program);
    std::int64_t previous = series.base_year - 1;
    for (std::int64_t year : years) {
        if (year < series.base_year) {
            sink.error(file.span_at(0, 0), Code::YamlShape, "year {} comes before the series' base year {}", year,
                       series.base_year);
            return {};
        }
        auto facts = series_facts(series, program, year, shared, sink);
        if (!facts) return {};
        TrendPoint point;
        point.year = year;
        for (const auto& c : series.changes)
            if (c.year > previous && c.year <= year && !points.empty())
                point.changes.push_back(fmt::format("{}: {}", c.year, c.note.empty() ? "(no note)" : c.note));
        CaseResult& r = point.result;
        r.case_id = series.id;
        r.file = file.path;
        r.title = series.title;
        r.as_of = year;
        if (series.expect && series.expect->kind == MetaValue::Kind::Map)
            for (const auto& [key, block] : series.expect->entries)
                if (key == std::to_string(year) && !parse_expectations(block, program, file, r.expectations, sink))
                    return {};
        run_world(engine, shared, *facts, max_firings, r);
        point.expectations = check_expectations(r);
        points.push_back(std::move(point));
        previous = year;
    }
    return points;
}

namespace {

std::string type_text(const InstitutionResult& r) {
    return r.subtype.empty() || r.subtype == "none" ? r.architecture : r.architecture + " (" + r.subtype + ")";
}

std::string strains_text(const InstitutionResult& r) {
    std::string out;
    for (const auto& s : r.strains)
        if (out.find(s.kind) == std::string::npos) out += (out.empty() ? "" : ";") + s.kind;
    return out;
}

std::set<std::string> reasons(const InstitutionResult& r) {
    std::set<std::string> out;
    for (const auto& w : r.reasons)
        out.insert(fmt::format("{} {:+.2f}  {}  [{} {}]", w.toward, w.weight, w.text, w.kind, w.rule));
    for (const auto& s : r.strains)
        out.insert(fmt::format("{} {} {:.2f}  {}  [{}]", s.finding, s.kind, s.severity, s.reason, s.rule));
    return out;
}

const InstitutionResult* find_institution(const CaseResult& c, const std::string& id) {
    for (const auto& r : c.institutions)
        if (r.institution == id) return &r;
    return nullptr;
}

// The score predicates in the order the results list them.
std::vector<std::string> predicates(const std::vector<TrendPoint>& points) {
    std::vector<std::string> out;
    for (const auto& p : points)
        for (const auto& r : p.result.institutions)
            for (const auto& s : r.scores)
                if (std::find(out.begin(), out.end(), s.predicate) == out.end()) out.push_back(s.predicate);
    return out;
}

std::string svg(const Series& series, const std::vector<TrendPoint>& points, const ReportLabels& labels) {
    const double width = 900, height = 420, left = 60, right = 170, top = 40, bottom = 60;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    std::int64_t first = points.front().year, last = points.back().year;
    double span = std::max<double>(1.0, static_cast<double>(last - first));
    auto x = [&](std::int64_t year) { return left + plot_w * static_cast<double>(year - first) / span; };
    auto y = [&](double v) { return top + plot_h * (1.0 - (std::clamp(v, -1.0, 1.0) + 1.0) / 2.0); };
    // Colours of the bands, one per value of the primary conclusion's type in the order the pack declares them (the
    // core packs: community, balance_of_power, hybrid, undetermined), and of the score lines (colour-blind safe:
    // Okabe & Ito 2008). A type past the palette, or not declared, is grey.
    static const char* band_colours[] = {"#cfe8f3", "#f6d9c4", "#e4dcef", "#eeeeee", "#fbe3ef", "#e3f1d9"};
    auto band_colour = [&](const std::string& type) {
        auto it = std::find(labels.types.begin(), labels.types.end(), type);
        auto k = static_cast<std::size_t>(it - labels.types.begin());
        return it == labels.types.end() || k >= std::size(band_colours) ? "#eeeeee" : band_colours[k];
    };
    static const char* line_colours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00"};
    std::vector<std::string> preds = predicates(points);
    std::set<std::string> ids;
    for (const auto& p : points)
        for (const auto& r : p.result.institutions) ids.insert(r.institution);
    std::string out = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
        "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n",
        width, height * static_cast<double>(ids.size()), width, height * static_cast<double>(ids.size()));
    double offset = 0;
    for (const auto& id : ids) {
        out += fmt::format("<g transform=\"translate(0,{})\">\n", offset);
        out += fmt::format("<text x=\"{}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{} — {}</text>\n", left,
                           xml_escape(series.title.empty() ? series.id : series.title), xml_escape(id));
        // Bands: each classified year's type holds until the next classified year.
        for (std::size_t k = 0; k < points.size(); ++k) {
            const InstitutionResult* r = find_institution(points[k].result, id);
            if (!r) continue;
            double x0 = x(points[k].year), x1 = k + 1 < points.size() ? x(points[k + 1].year) : x0 + 6;
            out += fmt::format(
                "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
                x0, top, std::max(1.0, x1 - x0), plot_h, band_colour(r->architecture), points[k].year,
                xml_escape(type_text(*r)));
        }
        // Axes and grid.
        for (double v : {-1.0, -0.5, 0.0, 0.5, 1.0}) {
            out += fmt::format(
                "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#999\" stroke-width=\"{}\"/>\n", left,
                left + plot_w, y(v), y(v), v == 0.0 ? 1.0 : 0.3);
            out +=
                fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:+.1f}</text>\n", left - 6, y(v) + 4, v);
        }
        for (const auto& p : points)
            out += fmt::format(
                "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-45 {:.1f} {})\">{}</text>\n",
                x(p.year), top + plot_h + 30, x(p.year), top + plot_h + 30, p.year);
        // Score lines.
        for (std::size_t q = 0; q < preds.size(); ++q) {
            std::string pts;
            for (const auto& p : points)
                if (const InstitutionResult* r = find_institution(p.result, id))
                    pts += fmt::format("{:.1f},{:.1f} ", x(p.year), y(score_of(*r, preds[q])));
            const char* colour = line_colours[q % 5];
            out +=
                fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", pts, colour);
            for (const auto& p : points)
                if (const InstitutionResult* r = find_institution(p.result, id))
                    out += fmt::format(
                        "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{} {}: "
                        "{:.2f}</title></circle>\n",
                        x(p.year), y(score_of(*r, preds[q])), colour, p.year, xml_escape(preds[q]), score_of(*r, preds[q]));
            out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">{}</text>\n", left + plot_w + 12, top + 16 + 18 * q,
                               colour, xml_escape(preds[q]));
        }
        // Strain markers: a triangle under the axis per year with strains, its size the number of strain kinds.
        for (const auto& p : points) {
            const InstitutionResult* r = find_institution(p.result, id);
            if (!r || r->strains.empty()) continue;
            std::set<std::string> kinds;
            for (const auto& s : r->strains) kinds.insert(s.kind);
            double s = 3.0 + 1.5 * static_cast<double>(kinds.size());
            double cx = x(p.year), cy = top + plot_h + 8;
            out += fmt::format(
                "<path d=\"M {:.1f} {:.1f} L {:.1f} {:.1f} L {:.1f} {:.1f} Z\" fill=\"#b00\"><title>{}: "
                "{}</title></path>\n",
                cx, cy - s, cx - s, cy + s, cx + s, cy + s, p.year, xml_escape(strains_text(*r)));
        }
        // Legend of the bands.
        double ly = top + 16 + 18 * static_cast<double>(preds.size()) + 12;
        for (const std::string& type : labels.types) {
            out += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\" stroke=\"#999\"/>"
                               "<text x=\"{}\" y=\"{:.1f}\">{}</text>\n",
                               left + plot_w + 12, ly - 10, band_colour(type), left + plot_w + 30, ly, type);
            ly += 18;
        }
        out +=
            fmt::format("<path d=\"M {} {:.1f} l 5 -9 l 5 9 Z\" fill=\"#b00\"/><text x=\"{}\" y=\"{:.1f}\">{}</text>\n",
                        left + plot_w + 13, ly, left + plot_w + 30, ly, xml_escape(labels.findings));
        out += "</g>\n";
        offset += height;
    }
    out += "</svg>\n";
    return out;
}

}  // namespace

std::string render_trend(const Series& series, const std::vector<TrendPoint>& points, TrendFormat format,
                         const ReportLabels& labels) {
    std::string out;
    if (points.empty()) return out;
    std::vector<std::string> preds = predicates(points);
    switch (format) {
        case TrendFormat::Svg: return svg(series, points, labels);
        case TrendFormat::JsonLines:
            for (const auto& p : points)
                for (const auto& r : p.result.institutions) {
                    nlohmann::ordered_json j;
                    j["series"] = series.id;
                    j["year"] = p.year;
                    j[labels.subject] = r.institution;
                    j[labels.conclusion] = r.architecture;
                    j[labels.detail] = r.subtype;
                    for (const auto& s : r.scores) j["scores"][s.predicate] = std::round(s.value * 1000.0) / 1000.0;
                    j[labels.findings] = nlohmann::ordered_json::array();
                    for (const auto& s : r.strains)
                        j[labels.findings].push_back({{"kind", s.kind},
                                                      {"severity", std::round(s.severity * 1000.0) / 1000.0},
                                                      {"reason", s.reason}});
                    j["changes"] = p.changes;
                    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
                }
            return out;
        case TrendFormat::Csv: {
            out += fmt::format("series,year,{},{},{}", labels.subject, labels.conclusion, labels.detail);
            for (const auto& pr : preds) out += "," + pr;
            out += "," + labels.findings + "\n";
            for (const auto& p : points)
                for (const auto& r : p.result.institutions) {
                    out += fmt::format("{},{},{},{},{}", csv_field(series.id), p.year, csv_field(r.institution),
                                       r.architecture, r.subtype);
                    for (const auto& pr : preds) out += fmt::format(",{:.2f}", score_of(r, pr));
                    out += "," + csv_field(strains_text(r)) + "\n";
                }
            return out;
        }
        case TrendFormat::Table: break;
    }
    out += fmt::format("trend {}{}: {} year{}, {} change{} from {}\n", series.id,
                       series.title.empty() ? "" : " (" + series.title + ")", points.size(),
                       points.size() == 1 ? "" : "s", series.changes.size(), series.changes.size() == 1 ? "" : "s",
                       series.base_year);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"year", labels.subject, labels.conclusion, labels.detail};
    for (const auto& pr : preds) header.push_back(pr);
    header.push_back(labels.findings);
    rows.push_back(header);
    for (const auto& p : points)
        for (const auto& r : p.result.institutions) {
            std::vector<std::string> row = {std::to_string(p.year), r.institution, r.architecture, r.subtype};
            for (const auto& pr : preds) row.push_back(fmt::format("{:.2f}", score_of(r, pr)));
            row.push_back(strains_text(r));
            rows.push_back(std::move(row));
        }
    out += text_table(rows);
    // Every change of type, explained by what changed in between.
    bool any = false;
    for (std::size_t k = 1; k < points.size(); ++k) {
        for (const auto& now : points[k].result.institutions) {
            const InstitutionResult* before = find_institution(points[k - 1].result, now.institution);
            if (!before || type_text(*before) == type_text(now)) continue;
            if (!any) out += "\nchanges of type:\n";
            any = true;
            out += fmt::format("{} -> {}  {}: {} -> {}\n", points[k - 1].year, points[k].year, now.institution,
                               type_text(*before), type_text(now));
            for (const auto& c : points[k].changes) out += "  change " + c + "\n";
            auto was = reasons(*before), is = reasons(now);
            for (const auto& w : was)
                if (!is.count(w)) out += "  - " + w + "\n";
            for (const auto& w : is)
                if (!was.count(w)) out += "  + " + w + "\n";
        }
    }
    bool header_done = false;
    for (const auto& p : points)
        for (const auto& o : p.expectations) {
            if (!header_done) out += "\nexpectations:\n";
            header_done = true;
            out += fmt::format("  {}  {}  {}: {}{}\n", o.passed ? "pass" : "FAIL", p.year, o.institution, o.what,
                               o.passed ? "" : " — " + o.detail);
        }
    return out;
}

}  // namespace covenant
