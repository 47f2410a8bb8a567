#include "classify/classify.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "base/file_io.hpp"
#include "explain/why.hpp"
#include "base/json_writer.hpp"
#include "classify/expect.hpp"
#include "kb/world.hpp"
#include "runtime/engine.hpp"

namespace covenant {

namespace fs = std::filesystem;

namespace {

std::string slot_text(const FactView& f, int slot) {
    return slot < 0 ? std::string() : to_display(f.values[static_cast<std::size_t>(slot)]);
}

double slot_number(const FactView& f, int slot) {
    if (slot < 0) return 0;
    const Value& v = f.values[static_cast<std::size_t>(slot)];
    return v.is_number() ? v.as_double() : 0;
}

// The rule behind a derived fact: the first of its current supports.
std::string supporting_rule(const Engine& e, const FactView& f) {
    if (f.supports.empty()) return {};
    const Justification* j = e.justification(f.supports.front());
    if (!j) return {};
    return e.program().rules[j->rule].name;
}

std::string file_stem(const std::string& path) { return fs::path(path).stem().string(); }

// A metadata value as one line of text: a scalar as it is, a sequence as "[a, b]", a map as "{k: v, ...}".
std::string meta_text(const MetaValue& m) {
    switch (m.kind) {
        case MetaValue::Kind::Null: return {};
        case MetaValue::Kind::Scalar: return m.scalar;
        case MetaValue::Kind::Sequence: {
            std::string out;
            for (const auto& x : m.items) out += (out.empty() ? "" : ", ") + meta_text(x);
            return "[" + out + "]";
        }
        case MetaValue::Kind::Map: {
            std::string out;
            for (const auto& [k, v] : m.entries) out += (out.empty() ? "" : ", ") + k + ": " + meta_text(v);
            return "{" + out + "}";
        }
    }
    return {};
}

// The entries of a list-valued metadata key (`sources`, `left_out`): one per item of a sequence, else the one value.
std::vector<std::string> meta_items(const MetaValue& m) {
    std::vector<std::string> out;
    if (m.kind == MetaValue::Kind::Sequence) {
        for (const auto& x : m.items)
            if (x.kind != MetaValue::Kind::Null) out.push_back(meta_text(x));
    } else if (m.kind != MetaValue::Kind::Null) {
        out.push_back(meta_text(m));
    }
    return out;
}

}  // namespace

std::vector<InstitutionResult> collect_results(const Engine& engine, bool derivations) {
    const Program& p = engine.program();
    const ReportSpec& spec = p.report;
    std::vector<InstitutionResult> out;
    if (!spec.subject) return out;  // a pack that reports nothing (an example pack) yields no subjects
    SourceManager no_sources;  // an engine without one: facts are then shown without their file and line
    const SourceManager& sm = engine.sources() ? *engine.sources() : no_sources;
    auto derivation = [&](const FactView& f) {
        return derivations ? render_why_dot(explain_fact(engine, sm, f.id)) : std::string();
    };

    std::vector<const TemplateDef*> score_templates;
    for (const auto& t : p.templates)
        if (t.is_score && t.slots.size() == 2) score_templates.push_back(&t);

    // The primary conclusion (the first declared) gives the type and subtype; a value not concluded shows as the
    // slot's default, else "undetermined" (the type) and "none" (the subtype).
    const ReportSpec::Conclusion* primary = spec.conclusions.empty() ? nullptr : &spec.conclusions.front();
    auto default_text = [&](std::size_t i, const char* fallback) {
        if (!primary || i >= primary->slots.size()) return std::string(fallback);
        const SlotDef& slot = p.templates[primary->tmpl].slots[primary->slots[i]];
        return slot.default_value ? to_display(*slot.default_value) : std::string(fallback);
    };
    std::vector<FactView> conclusions;
    if (primary)
        for (FactId id : engine.facts_of(primary->tmpl)) conclusions.push_back(engine.fact(id));
    std::vector<std::pair<const ReportSpec::Finding*, FactView>> findings;
    for (const auto& finding : spec.findings)
        for (FactId id : engine.facts_of(finding.tmpl)) findings.emplace_back(&finding, engine.fact(id));

    std::vector<FactId> ids = engine.facts_of(spec.subject->tmpl);
    std::sort(ids.begin(), ids.end(),
              [&](FactId a, FactId b) { return engine.fact(a).timestamp < engine.fact(b).timestamp; });
    for (FactId id : ids) {
        FactView f = engine.fact(id);
        InstitutionResult r;
        Value key = f.values[spec.subject->key];
        r.institution = to_display(key);
        r.architecture = default_text(0, "undetermined");
        r.subtype = default_text(1, "none");
        for (const auto& a : conclusions) {
            if (slot_text(a, primary->link) != r.institution) continue;
            r.architecture = slot_text(a, primary->slots[0]);
            if (primary->slots.size() > 1) {
                std::string sub = slot_text(a, primary->slots[1]);
                if (!sub.empty()) r.subtype = sub;
            }
            r.architecture_rule = supporting_rule(engine, a);
            r.derivation = derivation(a);
            break;
        }
        for (const auto& [finding, s] : findings) {
            if (slot_text(s, finding->link) != r.institution) continue;
            r.strains.push_back({slot_text(s, finding->kind), slot_number(s, finding->severity),
                                 slot_text(s, finding->reason), supporting_rule(engine, s),
                                 p.templates[finding->tmpl].name, derivation(s)});
        }
        std::sort(r.strains.begin(), r.strains.end(), [](const StrainResult& a, const StrainResult& b) {
            if (a.severity != b.severity) return a.severity > b.severity;
            return a.kind < b.kind;
        });
        const Value args[1] = {key};
        for (const TemplateDef* t : score_templates) {
            r.scores.push_back({t->predicate, engine.score(t->id, args)});
            for (const Contribution& c : engine.contributions(t->id, args)) {
                const Rule& rule = p.rules[engine.justification(c.justification)->rule];  // a live contribution's
                r.reasons.push_back(
                    {rule.name, std::string(rule_kind_name(rule.kind)), t->predicate, c.weight, c.reason});
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

CaseResult classify_case(Engine& engine, const std::string& path, const ClassifyOptions& options) {
    CaseResult result;
    result.file = path;
    result.case_id = file_stem(path);
    SourceManager sm;
    std::string read_error;
    std::string text;
    FileId fid = read_whole_file(path, text) ? sm.add(path, std::move(text)) : sm.load(path, read_error);
    if (fid == 0) {
        result.error = CaseError{path, 0, 0, read_error, fmt::format("{}: error[{}]: {}\n", path,
                                                                      code_id(Code::CannotReadFile), read_error),
                                 {}};
        result.error->errors.push_back({std::string(code_id(Code::CannotReadFile)), path, 0, 0, read_error});
        return result;
    }
    return classify_source(engine, sm, fid, options, std::move(result));
}

CaseResult classify_source(Engine& engine, const SourceManager& sm, FileId fid, const ClassifyOptions& options,
                           CaseResult result) {
    const std::string path = result.file;
    DiagnosticSink sink;
    FactFileOptions read_options;
    read_options.as_case = true;
    std::optional<FactFile> ff = read_fact_file(sm.file(fid), engine.program(), sink, read_options);
    if (ff) {
        // The case's world: the shared files (ids only: they were read with another SourceManager), then the case.
        std::vector<const FactFile*> world;
        for (const auto& shared : options.shared_facts) world.push_back(&shared);
        world.push_back(&*ff);
        if (!check_world(engine.program(), world, sink, options.shared_facts.size())) ff.reset();
    }
    if (!ff) {
        result.error = case_error_from(path, sink, sm);
        return result;
    }
    if (const MetaValue* expect = ff->meta("expect")) {
        if (!parse_expectations(*expect, engine.program(), sm.file(fid), result.expectations, sink)) {
            result.error = case_error_from(path, sink, sm);
            return result;
        }
    }
    if (const MetaValue* c = ff->meta("case"); c && c->kind == MetaValue::Kind::Scalar) result.case_id = c->scalar;
    if (const MetaValue* t = ff->meta("title"); t && t->kind == MetaValue::Kind::Scalar) result.title = t->scalar;
    if (const MetaValue* m = ff->meta("sources")) result.sources = meta_items(*m);
    if (const MetaValue* m = ff->meta("left_out")) result.left_out = meta_items(*m);
    if (const MetaValue* a = ff->meta("as_of"); a && a->kind == MetaValue::Kind::Scalar) {
        try {
            std::size_t used = 0;
            long long y = std::stoll(a->scalar, &used);
            if (used == a->scalar.size()) result.as_of = y;
        } catch (const std::exception&) {
        }
    }

    run_world(engine, options.shared_facts, ff->facts, options.max_firings, result, options.derivations);
    return result;
}

void run_world(Engine& engine, const std::vector<FactFile>& shared, const std::vector<InitialFact>& facts,
               std::uint64_t max_firings, CaseResult& result, bool derivations) {
    engine.reset();
    for (const FactFile& file : shared)
        for (const InitialFact& f : file.facts) engine.assert_fact(f.tmpl, f.values, f.span);
    for (const InitialFact& f : facts) engine.assert_fact(f.tmpl, f.values, f.span);
    RunLimits limits;
    limits.max_firings = max_firings;
    // A pack's `print` output is the case's own text, not the report's: kept apart so that a machine-readable report
    // on stdout stays valid and workers never interleave (the CLI writes it, in case order, where the format allows).
    std::ostringstream printed;
    engine.set_output(printed);
    RunResult run = engine.run(limits);
    engine.set_output(std::cout);
    result.printed = std::move(printed).str();
    result.firings = run.firings;
    if (run.reason != StopReason::Quiescent && run.reason != StopReason::Halted) {
        result.run_problem = std::string(stop_reason_text(run.reason));
        for (const auto& e : run.errors) result.run_problem += "; " + render_run_error(e, engine.sources());
    }
    result.institutions = collect_results(engine, derivations);
    observe_fact_expectations(engine, result.expectations);
}

void for_each_case(const Program& program, std::size_t n, unsigned jobs,
                   const std::function<void(Engine&, std::size_t)>& work) {
    if (jobs == 0) jobs = 1;
    jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, n)));
    std::atomic<std::size_t> next{0};
    // Each worker owns an Engine (compiled once from the shared, read-only program) and takes the next case index;
    // results land in their input slot, so the output order never depends on scheduling.
    auto worker = [&] {
        Engine engine(program);
        for (std::size_t i = next++; i < n; i = next++) work(engine, i);
    };
    if (jobs == 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
}

std::vector<CaseResult> classify_all(const Program& program, const std::vector<std::string>& paths,
                                     const ClassifyOptions& options, unsigned jobs) {
    std::vector<CaseResult> results(paths.size());
    for_each_case(program, paths.size(), jobs,
                  [&](Engine& engine, std::size_t i) { results[i] = classify_case(engine, paths[i], options); });
    return results;
}

std::vector<std::string> expand_case_paths(const std::vector<std::string>& inputs, std::string& error) {
    std::vector<std::string> out;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            std::vector<std::string> found;
            for (auto it = fs::recursive_directory_iterator(in, ec); !ec && it != fs::recursive_directory_iterator();
                 it.increment(ec)) {
                if (!it->is_regular_file(ec)) continue;
                auto ext = it->path().extension().string();
                if (ext == ".yaml" || ext == ".yml") found.push_back(it->path().string());
            }
            if (ec) {
                error = fmt::format("cannot read directory '{}': {}", in, ec.message());
                return {};
            }
            std::sort(found.begin(), found.end());
            out.insert(out.end(), found.begin(), found.end());
        } else if (fs::exists(in, ec)) {
            out.push_back(in);
        } else {
            error = fmt::format("no such file or directory: '{}'", in);
            return {};
        }
    }
    return out;
}

std::string fixed2(double v) { return fmt::format("{:.2f}", v); }

std::string spaced(std::string s) {
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}

double score_of(const InstitutionResult& r, std::string_view pred) {
    for (const auto& s : r.scores)
        if (s.predicate == pred) return s.value;
    return 0;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {

// One JSON record and its newline: JSON Lines, one object per case (or per subject of a case). The JsonWriter
// (base/json_writer.hpp) writes invalid UTF-8 (a case file may hold any bytes in a quoted string) as U+FFFD.
void append_json_line(std::string& out, const CaseResult& c, const InstitutionResult* r, bool explain,
                      const ReportLabels& labels) {
    JsonWriter w(out);
    w.raw("{");
    w.key("case");
    w.string(c.case_id);
    if (c.error) {
        // `error` is the first error, as the record always had it; `errors` every error of the case, with its code.
        w.next_key("error");
        w.raw("{");
        w.key("file");
        w.string(c.error->file);
        w.int_field("line", c.error->line);
        w.int_field("col", c.error->col);
        w.field("message", c.error->message);
        w.raw("}");
        w.next_key("errors");
        w.raw("[");
        for (std::size_t i = 0; i < c.error->errors.size(); ++i) {
            const CaseErrorItem& e = c.error->errors[i];
            if (i) w.raw(",");
            w.raw("{");
            w.key("code");
            w.string(e.code);
            w.field("file", e.file);
            w.int_field("line", e.line);
            w.int_field("column", e.col);
            w.field("message", e.message);
            w.raw("}");
        }
        w.raw("]}");
    } else if (!r) {
        w.next_key(labels.subject);
        w.raw("null");
        w.field("note", fmt::format("the case names no {}", labels.subject));
        w.raw("}");
    } else {
        w.field(labels.subject, r->institution);
        w.next_key("as_of");
        if (c.as_of) w.integer(*c.as_of); else w.raw("null");
        w.field(labels.conclusion, r->architecture);
        w.field(labels.detail, r->subtype);
        w.next_key("scores");
        // A predicate scored twice keeps its first place and its last value (as when this was an ordered_json).
        std::vector<std::pair<std::string_view, double>> scores;
        for (const auto& s : r->scores) {
            double v = std::round(s.value * 1000) / 1000;
            auto it = std::find_if(scores.begin(), scores.end(), [&](const auto& e) { return e.first == s.predicate; });
            if (it != scores.end()) it->second = v; else scores.emplace_back(s.predicate, v);
        }
        w.raw("{");
        for (std::size_t i = 0; i < scores.size(); ++i) {
            if (i) w.raw(",");
            w.key(scores[i].first);
            w.number(scores[i].second);
        }
        w.raw("},");
        w.key(labels.findings);
        w.raw("[");
        for (std::size_t i = 0; i < r->strains.size(); ++i) {
            const StrainResult& s = r->strains[i];
            if (i) w.raw(",");
            w.raw("{");
            w.key("kind");
            w.string(s.kind);
            w.field("severity", std::round(s.severity * 1000) / 1000);
            w.field("reason", s.reason);
            w.field("rule", s.rule);
            w.raw("}");
        }
        w.raw("],");
        auto reasons = [&] {
            w.raw("[");
            for (std::size_t i = 0; i < r->reasons.size(); ++i) {
                const ReasonResult& x = r->reasons[i];
                if (i) w.raw(",");
                w.raw("{");
                w.key("rule");
                w.string(x.rule);
                w.field("kind", x.kind);
                w.field("toward", x.toward);
                w.field("weight", x.weight);
                w.field("text", x.text);
                w.raw("}");
            }
            w.raw("]");
        };
        w.key("reasons");
        reasons();
        if (explain) {
            w.next_key("because");
            w.raw("[{");
            w.key("conclusion");
            w.string(fmt::format("{} {}", labels.conclusion, r->architecture));
            w.field("rule", r->architecture_rule);
            w.next_key("because");
            reasons();
            w.raw("}");
            for (const auto& s : r->strains) {
                w.raw(",{");
                w.key("conclusion");
                w.string(fmt::format("{} {}", s.finding, s.kind));
                w.field("rule", s.rule);
                w.field("reason", s.reason);
                w.raw("}");
            }
            w.raw("]");
        }
        if (!c.run_problem.empty()) {
            w.field("problem", c.run_problem);
        }
        w.raw("}");
    }
    out += '\n';
}

// Every strain as kind:severity (two decimals), most severe first, joined by ';' — a kind found twice (by two rules,
// for different reasons) is there twice, each with its severity. The CSV's strains cell.
std::string strains_with_severity(const InstitutionResult& r) {
    std::string s;
    for (const auto& x : r.strains) s += fmt::format("{}{}:{}", s.empty() ? "" : ";", x.kind, fixed2(x.severity));
    return s;
}

// A Markdown table cell or list item: '|' escaped, line breaks as spaces.
std::string md_text(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '|') out += '\\';
        out += ch == '\n' || ch == '\r' ? ' ' : ch;
    }
    return out;
}

// The distinct strain kinds, most severe first (several rules may find the same kind for different reasons).
std::string strain_kinds(const InstitutionResult& r) {
    std::string s;
    std::vector<std::string_view> seen;
    for (const auto& x : r.strains) {
        if (std::find(seen.begin(), seen.end(), x.kind) != seen.end()) continue;
        seen.push_back(x.kind);
        s += (s.empty() ? "" : ";") + x.kind;
    }
    return s;
}

}  // namespace

std::string case_error_text(const CaseError& e, std::string_view separator) {
    std::string out;
    for (const auto& x : e.errors)
        out += fmt::format("{}{}:{}:{}: {}", out.empty() ? "" : separator, x.file, x.line, x.col, x.message);
    if (e.errors.empty()) out = fmt::format("{}:{}:{}: {}", e.file, e.line, e.col, e.message);
    return out;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

std::string text_table(const std::vector<std::vector<std::string>>& rows) {
    std::string out;
    if (rows.empty()) return out;
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
        std::string line;
        for (std::size_t i = 0; i < rows[k].size(); ++i) {
            if (i + 1 == rows[k].size()) line += rows[k][i];
            else line += fmt::format("{:<{}}  ", rows[k][i], i < width.size() ? width[i] : 0);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
        if (k == 0) {
            std::size_t total = 0;
            for (std::size_t i = 0; i < width.size(); ++i) total += width[i] + (i + 1 < width.size() ? 2 : 0);
            out += std::string(total, '-') + "\n";
        }
    }
    return out;
}

ReportLabels report_labels(const Program& p) {
    ReportLabels l;
    const ReportSpec& r = p.report;
    if (r.subject) l.subject = r.subject->label;
    if (!r.conclusions.empty()) {
        const auto& c = r.conclusions.front();
        l.conclusion = c.label;
        for (SymbolId v : p.templates[c.tmpl].slots[c.slots[0]].one_of) l.types.emplace_back(Symbols::name(v));
        if (c.slots.size() > 1) l.detail = p.templates[c.tmpl].slots[c.slots[1]].name;
    }
    if (!r.findings.empty()) l.findings = r.findings_label;
    for (const auto& s : r.scores) l.scores.emplace_back(p.templates[s.tmpl].predicate, s.label);
    return l;
}

void append_case_json(std::string& out, const CaseResult& c, bool explain, const ReportLabels& labels) {
    if (c.error || c.institutions.empty()) {
        append_json_line(out, c, nullptr, explain, labels);
        return;
    }
    for (const auto& r : c.institutions) append_json_line(out, c, &r, explain, labels);
}

std::string render_report(const std::vector<CaseResult>& results, ReportFormat format, bool explain,
                          const ReportLabels& labels) {
    // The declared scores of one result, each formatted with two decimals.
    auto score_cells = [&](const InstitutionResult& r) {
        std::vector<std::string> cells;
        for (const auto& [pred, label] : labels.scores) cells.push_back(fixed2(score_of(r, pred)));
        return cells;
    };
    auto joined = [](const std::vector<std::string>& cells, std::string_view sep) {
        std::string out;
        for (const auto& c : cells) out += std::string(sep) + c;
        return out;
    };
    std::vector<std::string> score_preds, score_spaced, score_labels;
    for (const auto& [pred, label] : labels.scores) {
        score_preds.push_back(pred);
        score_spaced.push_back(spaced(pred));
        score_labels.push_back(label);
    }
    const std::size_t ns = labels.scores.size();
    std::string out;
    switch (format) {
        case ReportFormat::Json: {
            for (const auto& c : results) append_case_json(out, c, explain, labels);
            return out;
        }
        case ReportFormat::Csv: {
            out += fmt::format("case,{},as_of,{},{}{},{},error\n", labels.subject, labels.conclusion, labels.detail,
                               joined(score_preds, ","), labels.findings);
            for (const auto& c : results) {
                if (c.error) {
                    out += fmt::format("{},,,,{},,{}\n", csv_field(c.case_id), std::string(ns, ','),
                                       csv_field(case_error_text(*c.error)));
                    continue;
                }
                for (const auto& r : c.institutions)
                    out += fmt::format("{},{},{},{},{}{},{},\n", csv_field(c.case_id), csv_field(r.institution),
                                       c.as_of ? std::to_string(*c.as_of) : "", r.architecture, r.subtype,
                                       joined(score_cells(r), ","), csv_field(strains_with_severity(r)));
            }
            return out;
        }
        case ReportFormat::Markdown: {
            out += fmt::format("| case | {} | as of | {} | {}{} | {} |\n", labels.subject, labels.conclusion,
                               labels.detail, joined(score_spaced, " | "), labels.findings);
            out += "|---|---|---|---|---|";
            for (std::size_t i = 0; i < ns; ++i) out += "---|";
            out += "---|\n";
            for (const auto& c : results) {
                if (c.error) {
                    out += fmt::format("| {} | | | **error** | |{} {} |\n", c.case_id,
                                       joined(std::vector<std::string>(ns, ""), " |"),
                                       md_text(case_error_text(*c.error, "<br>")));
                    continue;
                }
                for (const auto& r : c.institutions)
                    out += fmt::format("| {} | {} | {} | {} | {}{} | {} |\n", c.case_id, r.institution,
                                       c.as_of ? std::to_string(*c.as_of) : "", r.architecture, r.subtype,
                                       joined(score_cells(r), " | "), strain_kinds(r));
            }
            for (const auto& c : results) {
                if (c.error) continue;
                out += fmt::format("\n## {}{}\n", c.case_id, c.title.empty() ? "" : " — " + c.title);
                for (const auto& r : c.institutions) {
                    out += fmt::format("\n**{}**: {} ({})\n\n", r.institution, r.architecture, r.subtype);
                    for (const auto& s : r.strains)
                        out += fmt::format("- {} **{}** ({}): {}\n", s.finding, s.kind, fixed2(s.severity), s.reason);
                    if (explain) {
                        out += fmt::format("- {} {} because (rule `{}`):\n", labels.conclusion, r.architecture,
                                           r.architecture_rule);
                        for (const auto& x : r.reasons)
                            out += fmt::format("  - {} {:+.2f} — {} ({} `{}`)\n", x.toward, x.weight, x.text, x.kind,
                                               x.rule);
                    }
                }
                // Where the case's figures come from, and what it could not source (docs/kb.md).
                auto list = [&](const char* heading, const std::vector<std::string>& items) {
                    if (items.empty()) return;
                    out += fmt::format("\n{}\n\n", heading);
                    for (const auto& x : items) out += "- " + md_text(x) + "\n";
                };
                list("Sources:", c.sources);
                list("Left out:", c.left_out);
            }
            return out;
        }
        case ReportFormat::Table: {
            std::vector<std::vector<std::string>> rows;
            std::vector<std::string> header = {"case", labels.subject, "as of", labels.conclusion, labels.detail};
            header.insert(header.end(), score_labels.begin(), score_labels.end());
            header.push_back(labels.findings);
            rows.push_back(std::move(header));
            for (const auto& c : results) {
                if (c.error) {
                    std::vector<std::string> row = {c.case_id, "-", "", "ERROR", ""};
                    row.resize(row.size() + ns);
                    row.push_back(case_error_text(*c.error));
                    rows.push_back(std::move(row));
                    continue;
                }
                for (const auto& r : c.institutions) {
                    std::vector<std::string> row = {c.case_id, r.institution, c.as_of ? std::to_string(*c.as_of) : "",
                                                    r.architecture, r.subtype};
                    for (auto& cell : score_cells(r)) row.push_back(std::move(cell));
                    row.push_back(strain_kinds(r));
                    rows.push_back(std::move(row));
                }
            }
            out += text_table(rows);
            if (explain) {
                for (const auto& c : results) {
                    if (c.error) continue;
                    for (const auto& r : c.institutions) {
                        out += fmt::format("\n{} / {}: {} ({}), by rule {}\n", c.case_id, r.institution, r.architecture,
                                           r.subtype, r.architecture_rule.empty() ? "-" : r.architecture_rule);
                        for (const auto& x : r.reasons)
                            out += fmt::format("  {:<17} {:+.2f}  {}  [{} {}]\n", x.toward, x.weight, x.text, x.kind,
                                               x.rule);
                        for (const auto& s : r.strains)
                            out += fmt::format("  {} {:<22} {:.2f}  {}  [{}]\n", s.finding, s.kind, s.severity,
                                               s.reason, s.rule);
                    }
                }
            }
            return out;
        }
    }
    return out;
}

}  // namespace covenant
