#include "classify/classify.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

// The whole file in one read into a string of its size (SourceManager::load copies through an ostringstream, which
// cost more than scanning the file). False on any problem; the caller then lets SourceManager::load find and word it.
bool read_whole_file(const std::string& path, std::string& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (ok) {
        out.resize(static_cast<std::size_t>(st.st_size));
        std::size_t done = 0;
        while (ok && done < out.size()) {
            ssize_t n = ::read(fd, out.data() + done, out.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) ok = false;
            else done += static_cast<std::size_t>(n);
        }
        // A file that grew since fstat: read the rest too, as the stream would have.
        char extra[4096];
        for (ssize_t n; ok && (n = ::read(fd, extra, sizeof extra)) != 0;) {
            if (n < 0) {
                if (errno != EINTR) ok = false;
                continue;
            }
            out.append(extra, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return ok;
}

std::string file_stem(const std::string& path) { return fs::path(path).stem().string(); }

}  // namespace

std::vector<InstitutionResult> collect_results(const Engine& engine) {
    const Program& p = engine.program();
    const ReportSpec& spec = p.report;
    std::vector<InstitutionResult> out;
    if (!spec.subject) return out;  // a pack that reports nothing (an example pack) yields no subjects

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
    std::sort(ids.begin(), ids.end(), [&](FactId a, FactId b) { return engine.fact(a).timestamp < engine.fact(b).timestamp; });
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
            break;
        }
        for (const auto& [finding, s] : findings) {
            if (slot_text(s, finding->link) != r.institution) continue;
            r.strains.push_back({slot_text(s, finding->kind), slot_number(s, finding->severity),
                                 slot_text(s, finding->reason), supporting_rule(engine, s), p.templates[finding->tmpl].name});
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
                r.reasons.push_back({rule.name, std::string(rule_kind_name(rule.kind)), t->predicate, c.weight, c.reason});
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
    DiagnosticSink sink;
    std::string read_error;
    std::string text;
    FileId fid = read_whole_file(path, text) ? sm.add(path, std::move(text)) : sm.load(path, read_error);
    if (fid == 0) {
        result.error = CaseError{path, 0, 0, read_error, fmt::format("{}: error[{}]: {}\n", path,
                                                                      code_id(Code::CannotReadFile), read_error)};
        return result;
    }
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
    if (const MetaValue* a = ff->meta("as_of"); a && a->kind == MetaValue::Kind::Scalar) {
        try {
            std::size_t used = 0;
            long long y = std::stoll(a->scalar, &used);
            if (used == a->scalar.size()) result.as_of = y;
        } catch (const std::exception&) {
        }
    }

    run_world(engine, options.shared_facts, ff->facts, options.max_firings, result);
    return result;
}

void run_world(Engine& engine, const std::vector<FactFile>& shared, const std::vector<InitialFact>& facts,
               std::uint64_t max_firings, CaseResult& result) {
    engine.reset();
    for (const FactFile& file : shared)
        for (const InitialFact& f : file.facts) engine.assert_fact(f.tmpl, f.values, f.span);
    for (const InitialFact& f : facts) engine.assert_fact(f.tmpl, f.values, f.span);
    RunLimits limits;
    limits.max_firings = max_firings;
    RunResult run = engine.run(limits);
    result.firings = run.firings;
    if (run.reason != StopReason::Quiescent && run.reason != StopReason::Halted) {
        result.run_problem = std::string(stop_reason_text(run.reason));
        for (const auto& e : run.errors) result.run_problem += "; " + e;
    }
    result.institutions = collect_results(engine);
    observe_fact_expectations(engine, result.expectations);
}

std::vector<CaseResult> classify_all(const Program& program, const std::vector<std::string>& paths,
                                     const ClassifyOptions& options, unsigned jobs) {
    std::vector<CaseResult> results(paths.size());
    if (jobs == 0) jobs = 1;
    jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, paths.size())));
    std::atomic<std::size_t> next{0};
    // Each worker owns an Engine (compiled once from the shared, read-only program) and takes the next case index;
    // results land in their input slot, so the output order never depends on scheduling.
    auto worker = [&] {
        Engine engine(program);
        for (std::size_t i = next++; i < paths.size(); i = next++) results[i] = classify_case(engine, paths[i], options);
    };
    if (jobs == 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
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

namespace {

std::string fixed2(double v) { return fmt::format("{:.2f}", v); }

// "balance_of_power" -> "balance of power", for Markdown headings.
std::string spaced(std::string s) {
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}

double score_of(const InstitutionResult& r, std::string_view pred) {
    for (const auto& s : r.scores)
        if (s.predicate == pred) return s.value;
    return 0;
}

nlohmann::ordered_json to_json(const CaseResult& c, const InstitutionResult* r, bool explain, const ReportLabels& labels) {
    nlohmann::ordered_json j;
    j["case"] = c.case_id;
    if (c.error) {
        j["error"] = {{"file", c.error->file}, {"line", c.error->line}, {"col", c.error->col}, {"message", c.error->message}};
        return j;
    }
    if (!r) {
        j[labels.subject] = nullptr;
        j["note"] = fmt::format("the case names no {}", labels.subject);
        return j;
    }
    j[labels.subject] = r->institution;
    if (c.as_of) j["as_of"] = *c.as_of; else j["as_of"] = nullptr;
    j[labels.conclusion] = r->architecture;
    j[labels.detail] = r->subtype;
    nlohmann::ordered_json scores = nlohmann::ordered_json::object();
    for (const auto& s : r->scores) scores[s.predicate] = std::round(s.value * 1000) / 1000;
    j["scores"] = scores;
    nlohmann::ordered_json strains = nlohmann::ordered_json::array();
    for (const auto& s : r->strains)
        strains.push_back({{"kind", s.kind}, {"severity", std::round(s.severity * 1000) / 1000}, {"reason", s.reason},
                           {"rule", s.rule}});
    j[labels.findings] = strains;
    nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
    for (const auto& x : r->reasons)
        reasons.push_back({{"rule", x.rule}, {"kind", x.kind}, {"toward", x.toward}, {"weight", x.weight}, {"text", x.text}});
    j["reasons"] = reasons;
    if (explain) {
        nlohmann::ordered_json because = nlohmann::ordered_json::array();
        because.push_back({{"conclusion", fmt::format("{} {}", labels.conclusion, r->architecture)}, {"rule", r->architecture_rule},
                           {"because", reasons}});
        for (const auto& s : r->strains)
            because.push_back({{"conclusion", fmt::format("{} {}", s.finding, s.kind)}, {"rule", s.rule}, {"reason", s.reason}});
        j["because"] = because;
    }
    if (!c.run_problem.empty()) j["problem"] = c.run_problem;
    return j;
}

// The JSON report, written directly: byte for byte what `to_json(...).dump()` gives (nlohmann's compact form, its
// Grisu2 number format via nlohmann::detail::to_chars, its escapes), without building a node tree per record —
// the tree and its allocations cost more than classifying the case. A record with a string that is not valid UTF-8
// goes through to_json(...).dump() instead, which replaces the bad bytes.
class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}
    bool ok = true;

    void raw(std::string_view s) { out_.append(s); }
    void key(std::string_view k) {
        string(k);
        out_ += ':';
    }
    void string(std::string_view s) {
        if (!valid_utf8(s)) ok = false;
        out_ += '"';
        std::size_t run = 0;  // start of the pending run of bytes copied as they are
        for (std::size_t i = 0; i < s.size(); ++i) {
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            out_.append(s.substr(run, i - run));
            run = i + 1;
            switch (c) {
                case '"': out_ += "\\\""; break;
                case '\\': out_ += "\\\\"; break;
                case '\b': out_ += "\\b"; break;
                case '\t': out_ += "\\t"; break;
                case '\n': out_ += "\\n"; break;
                case '\f': out_ += "\\f"; break;
                case '\r': out_ += "\\r"; break;
                default: {
                    static constexpr char kHex[] = "0123456789abcdef";
                    out_ += "\\u00";
                    out_ += kHex[c >> 4];
                    out_ += kHex[c & 0xF];
                }
            }
        }
        out_.append(s.substr(run));
        out_ += '"';
    }
    void number(double v) {
        if (!std::isfinite(v)) return raw("null");
        std::array<char, 64> buf{};
        char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), v);
        out_.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
    }
    void integer(long long v) { fmt::format_to(std::back_inserter(out_), "{}", v); }

    // `,"k":v` — a member after the first one of an object.
    void field(std::string_view k, std::string_view v) { next_key(k); string(v); }
    void field(std::string_view k, double v) { next_key(k); number(v); }
    void int_field(std::string_view k, long long v) { next_key(k); integer(v); }
    void next_key(std::string_view k) {
        out_ += ',';
        key(k);
    }

private:
    std::string& out_;

    // Well-formed UTF-8 (Unicode 15, table 3-7): what nlohmann's strict dump accepts.
    static bool valid_utf8(std::string_view s) {
        std::size_t i = 0, n = s.size();
        while (i < n) {
            unsigned char c = static_cast<unsigned char>(s[i]);
            if (c < 0x80) {
                ++i;
                continue;
            }
            auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
                if (i + k >= n) return false;
                unsigned char b = static_cast<unsigned char>(s[i + k]);
                return b >= lo && b <= hi;
            };
            if (c >= 0xC2 && c <= 0xDF) {
                if (!cont(1)) return false;
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
                if (!cont(1, lo, hi) || !cont(2)) return false;
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
                if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return false;
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }
};

// One JSON record, as to_json(c, r, explain).dump() gives it; false (with `out` unchanged) when a string is not
// valid UTF-8.
bool append_json_record(std::string& out, const CaseResult& c, const InstitutionResult* r, bool explain,
                        const ReportLabels& labels) {
    std::size_t start = out.size();
    JsonWriter w(out);
    w.raw("{");
    w.key("case");
    w.string(c.case_id);
    if (c.error) {
        w.next_key("error");
        w.raw("{");
        w.key("file");
        w.string(c.error->file);
        w.int_field("line", c.error->line);
        w.int_field("col", c.error->col);
        w.field("message", c.error->message);
        w.raw("}}");
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
        // An ordered_json object assigned key by key: a repeated key keeps its first place and its last value.
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
    if (!w.ok) out.resize(start);
    return w.ok;
}

// Invalid UTF-8 (a case file may hold any bytes in a quoted string) is written as U+FFFD rather than thrown.
void append_json_line(std::string& out, const CaseResult& c, const InstitutionResult* r, bool explain,
                      const ReportLabels& labels) {
    if (!append_json_record(out, c, r, explain, labels))
        out += to_json(c, r, explain, labels).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out += '\n';
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
        if (c.slots.size() > 1) l.detail = p.templates[c.tmpl].slots[c.slots[1]].name;
    }
    if (!r.findings.empty()) l.findings = r.findings_label;
    for (const auto& s : r.scores) l.scores.emplace_back(p.templates[s.tmpl].predicate, s.label);
    return l;
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
            for (const auto& c : results) {
                if (c.error || c.institutions.empty()) {
                    append_json_line(out, c, nullptr, explain, labels);
                    continue;
                }
                for (const auto& r : c.institutions) append_json_line(out, c, &r, explain, labels);
            }
            return out;
        }
        case ReportFormat::Csv: {
            out += fmt::format("case,{},as_of,{},{}{},{},error\n", labels.subject, labels.conclusion, labels.detail,
                               joined(score_preds, ","), labels.findings);
            for (const auto& c : results) {
                if (c.error) {
                    out += fmt::format("{},,,,{},,{}\n", csv_field(c.case_id), std::string(ns, ','),
                                       csv_field(fmt::format("{}:{}:{}: {}", c.error->file, c.error->line, c.error->col,
                                                             c.error->message)));
                    continue;
                }
                for (const auto& r : c.institutions)
                    out += fmt::format("{},{},{},{},{}{},{},\n", csv_field(c.case_id), csv_field(r.institution),
                                       c.as_of ? std::to_string(*c.as_of) : "", r.architecture, r.subtype,
                                       joined(score_cells(r), ","), csv_field(strain_kinds(r)));
            }
            return out;
        }
        case ReportFormat::Markdown: {
            out += fmt::format("| case | {} | as of | {} | {}{} | {} |\n", labels.subject, labels.conclusion, labels.detail,
                               joined(score_spaced, " | "), labels.findings);
            out += "|---|---|---|---|---|";
            for (std::size_t i = 0; i < ns; ++i) out += "---|";
            out += "---|\n";
            for (const auto& c : results) {
                if (c.error) {
                    out += fmt::format("| {} | | | **error** | |{} {}:{}:{}: {} |\n", c.case_id, joined(std::vector<std::string>(ns, ""), " |"), c.error->file,
                                       c.error->line, c.error->col, c.error->message);
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
                            out += fmt::format("  - {} {:+.2f} — {} ({} `{}`)\n", x.toward, x.weight, x.text, x.kind, x.rule);
                    }
                }
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
                    row.push_back(fmt::format("{}:{}:{}: {}", c.error->file, c.error->line, c.error->col,
                                              c.error->message));
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
                            out += fmt::format("  {:<17} {:+.2f}  {}  [{} {}]\n", x.toward, x.weight, x.text, x.kind, x.rule);
                        for (const auto& s : r.strains)
                            out += fmt::format("  {} {:<22} {:.2f}  {}  [{}]\n", s.finding, s.kind, s.severity, s.reason,
                                               s.rule);
                    }
                }
            }
            return out;
        }
    }
    return out;
}

bool write_file_atomically(const std::string& path, const std::string& text, std::string& error) {
    fs::path target(path);
    fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tmp = (dir / fmt::format(".{}.tmp.{}", target.filename().string(), ::getpid())).string();
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            // Name the file the user asked for, and why (the temporary file is an implementation detail).
            int why = errno;
            std::error_code ec;
            error = fs::is_directory(dir, ec) ? fmt::format("cannot write '{}': {}", path, std::strerror(why))
                                              : fmt::format("cannot write '{}': no directory '{}'", path, dir.string());
            return false;
        }
        out << text;
        out.flush();
        if (!out) {
            error = fmt::format("cannot write '{}' (disk full?)", tmp);
            std::remove(tmp.c_str());
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        error = fmt::format("cannot move '{}' to '{}': {}", tmp, path, ec.message());
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace covenant
