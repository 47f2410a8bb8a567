#include "classify/sensitivity.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace covenant {

namespace {

// ---------------------------------------------------------------- drawing the weights

// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator whose output is fixed by its seed on every platform, unlike
// the std:: distributions.
std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

class RunStream {
public:
    // The stream of run `run` depends on (seed, run) only.
    RunStream(std::uint64_t seed, unsigned run)
        : state_(mix64(seed + kGolden) ^ mix64((run + 1) * 0xD1B54A32D192ED03ULL)) {}
    // Uniform in [0, 1), 53 bits.
    double uniform() {
        state_ += kGolden;
        return static_cast<double>(mix64(state_) >> 11) * 0x1.0p-53;
    }

private:
    std::uint64_t state_;
};

// Where a constant evidence weight sits: rule index, action index.
using WeightSite = std::pair<std::size_t, std::size_t>;

bool is_evidence(const Action& a) { return a.kind == ActionKind::Evidence; }
bool is_constant_weight(const Action& a) {
    return a.weight.kind == ExprKind::Const && a.weight.value.is_number();
}

std::vector<WeightSite> constant_weight_sites(const Program& p) {
    std::vector<WeightSite> sites;
    for (std::size_t r = 0; r < p.rules.size(); ++r)
        for (std::size_t a = 0; a < p.rules[r].actions.size(); ++a)
            if (is_evidence(p.rules[r].actions[a]) && is_constant_weight(p.rules[r].actions[a]))
                sites.emplace_back(r, a);
    return sites;
}

// Writes run `run`'s weights into `work` (a copy of `base`), drawn from `base`'s weights.
void apply_run(const Program& base, Program& work, const std::vector<WeightSite>& sites, double band,
               std::uint64_t seed, unsigned run) {
    RunStream stream(seed, run);
    for (const auto& [r, a] : sites) {
        double w = base.rules[r].actions[a].weight.value.as_double();
        double f = 1.0 - band + 2.0 * band * stream.uniform();
        work.rules[r].actions[a].weight.value = Value::real(std::clamp(w * f, -1.0, 1.0));
    }
}

void validate(unsigned runs, double band) {
    if (runs < 1) throw std::invalid_argument("the number of sensitivity runs must be at least 1");
    if (!(band > 0.0 && band <= 1.0))
        throw std::invalid_argument(fmt::format("the perturbation band must lie in (0, 1], not {}", band));
}

// k of n is fewer than kFragileBelowPercent percent (in integers: no rounding at the boundary).
bool below_threshold(std::size_t k, std::size_t n) {
    return k * 100 < static_cast<std::size_t>(kFragileBelowPercent) * n;
}

// ---------------------------------------------------------------- tallying the runs

struct Tally {
    std::map<std::string, std::size_t> types;
    std::size_t subtype_kept = 0;
    std::map<std::string, std::size_t> strains;
};

const InstitutionResult* find_institution(const CaseResult& c, std::size_t hint, const std::string& id) {
    if (hint < c.institutions.size() && c.institutions[hint].institution == id) return &c.institutions[hint];
    for (const auto& r : c.institutions)
        if (r.institution == id) return &r;
    return nullptr;
}

std::vector<std::string> distinct_kinds(const InstitutionResult& r) {
    std::vector<std::string> kinds;
    for (const auto& s : r.strains)
        if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) kinds.push_back(s.kind);
    return kinds;
}

InstitutionSensitivity summarise(const InstitutionResult& base, const Tally& t, unsigned runs) {
    InstitutionSensitivity s;
    s.institution = base.institution;
    s.type = base.architecture;
    s.subtype = base.subtype;
    auto it = t.types.find(base.architecture);
    s.type_kept = it == t.types.end() ? 0 : it->second;
    s.type_share = static_cast<double>(s.type_kept) / runs;
    s.subtype_kept = t.subtype_kept;
    s.subtype_share = static_cast<double>(s.subtype_kept) / runs;
    s.type_fragile = below_threshold(s.type_kept, runs);
    s.subtype_fragile = below_threshold(s.subtype_kept, runs);
    s.types.assign(t.types.begin(), t.types.end());
    std::stable_sort(s.types.begin(), s.types.end(), [](const auto& a, const auto& b) { return a.second > b.second; });

    auto found = [&](const std::string& kind) {
        auto f = t.strains.find(kind);
        return f == t.strains.end() ? std::size_t{0} : f->second;
    };
    std::vector<std::string> in_baseline = distinct_kinds(base);
    for (const auto& kind : in_baseline) {
        StrainShare x;
        x.kind = kind;
        x.in_baseline = true;
        x.runs_found = found(kind);
        s.strains.push_back(x);
    }
    std::vector<StrainShare> extra;
    for (const auto& [kind, n] : t.strains) {
        if (std::find(in_baseline.begin(), in_baseline.end(), kind) != in_baseline.end()) continue;
        StrainShare x;
        x.kind = kind;
        x.runs_found = n;
        extra.push_back(x);
    }
    std::stable_sort(extra.begin(), extra.end(),
                     [](const StrainShare& a, const StrainShare& b) { return a.runs_found > b.runs_found; });
    s.strains.insert(s.strains.end(), extra.begin(), extra.end());
    for (auto& x : s.strains) {
        x.share = static_cast<double>(x.runs_found) / runs;
        x.fragile = below_threshold(x.in_baseline ? x.runs_found : runs - x.runs_found, runs);
    }
    return s;
}

}  // namespace

bool InstitutionSensitivity::fragile() const {
    return type_fragile || subtype_fragile ||
           std::any_of(strains.begin(), strains.end(), [](const StrainShare& s) { return s.fragile; });
}

WeightCount count_evidence_weights(const Program& program) {
    WeightCount n;
    for (const auto& rule : program.rules)
        for (const auto& a : rule.actions)
            if (is_evidence(a)) ++(is_constant_weight(a) ? n.constant : n.computed);
    return n;
}

Program perturbed_program(const Program& program, double band, std::uint64_t seed, unsigned run) {
    validate(1, band);
    Program work = program;
    apply_run(program, work, constant_weight_sites(program), band, seed, run);
    return work;
}

SensitivityReport sensitivity_analysis(const Program& program, const std::vector<std::string>& paths,
                                       const ClassifyOptions& options, unsigned runs, double band, std::uint64_t seed,
                                       unsigned jobs) {
    validate(runs, band);
    SensitivityReport report;
    report.labels = report_labels(program);
    report.runs = runs;
    report.band = band;
    report.seed = seed;
    report.weights = count_evidence_weights(program);

    std::vector<CaseResult> baseline = classify_all(program, paths, options, jobs);
    report.cases.resize(paths.size());
    // Only the cases that loaded and whose baseline run finished are run again: loading does not depend on the
    // weights, so a bad case would only repeat its error N times.
    std::vector<std::size_t> good;
    std::vector<std::string> good_paths;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        report.cases[i].baseline = std::move(baseline[i]);
        if (report.cases[i].failed()) continue;
        good.push_back(i);
        good_paths.push_back(paths[i]);
    }
    std::vector<std::vector<Tally>> tallies(paths.size());
    for (std::size_t i : good) tallies[i].resize(report.cases[i].baseline.institutions.size());

    if (!good.empty()) {
        Program work = program;  // one copy for all runs: each run overwrites the same weights
        const std::vector<WeightSite> sites = constant_weight_sites(program);
        for (unsigned run = 0; run < runs; ++run) {
            apply_run(program, work, sites, band, seed, run);
            std::vector<CaseResult> results = classify_all(work, good_paths, options, jobs);
            for (std::size_t k = 0; k < good.size(); ++k) {
                CaseSensitivity& cs = report.cases[good[k]];
                const CaseResult& res = results[k];
                std::string problem = res.error ? res.error->message : res.run_problem;
                if (!problem.empty()) {
                    if (cs.unfinished_runs++ == 0) cs.unfinished_problem = problem;
                }
                const auto& base = cs.baseline.institutions;
                for (std::size_t j = 0; j < base.size(); ++j) {
                    Tally& t = tallies[good[k]][j];
                    const InstitutionResult* r = find_institution(res, j, base[j].institution);
                    if (!r) {
                        ++t.types["undetermined"];
                        continue;
                    }
                    ++t.types[r->architecture];
                    if (r->architecture == base[j].architecture && r->subtype == base[j].subtype) ++t.subtype_kept;
                    for (const auto& kind : distinct_kinds(*r)) ++t.strains[kind];
                }
            }
        }
    }
    for (std::size_t i : good) {
        CaseSensitivity& cs = report.cases[i];
        for (std::size_t j = 0; j < cs.baseline.institutions.size(); ++j)
            cs.institutions.push_back(summarise(cs.baseline.institutions[j], tallies[i][j], runs));
    }
    return report;
}

// ---------------------------------------------------------------- rendering

namespace {

// Shares as whole percentages, rounded toward "less sure": a share of runs that keep a baseline label is rounded
// down (a label shown as 90% is never fragile, 100% means every run; above zero but under 1% is "<1%"), a share of
// runs that depart from it (another type, a strain the baseline does not find) is rounded up (shown above 10%: fragile;
// 0% means no run).
std::string percent(std::size_t k, std::size_t n) {
    if (n == 0) return "-";
    std::size_t p = k * 100 / n;
    if (p == 0 && k > 0) return "<1%";
    return fmt::format("{}%", p);
}
std::string percent_up(std::size_t k, std::size_t n) {
    if (n == 0) return "-";
    return fmt::format("{}%", (k * 100 + n - 1) / n);
}

std::string band_text(double band) { return fmt::format("{:g}", band); }

// Two lines (no newline at the end): what was perturbed and how, then how to read the shares.
std::string parameters_text(const SensitivityReport& r, const char* between) {
    return fmt::format(
        "sensitivity: {} runs, band {}, seed {}; each run multiplies each of the {} constant evidence weights by its "
        "own factor drawn uniformly from [{:g}, {:g}] (then clamped to [-1, 1]); {} computed weights and every "
        "threshold are left alone{}"
        "fragile: kept in fewer than {}% of the runs; shares that keep the unperturbed label are rounded down, the "
        "others up; + marks a strain the unperturbed run does not find",
        r.runs, band_text(r.band), r.seed, r.weights.constant, 1 - r.band, 1 + r.band, r.weights.computed, between,
        kFragileBelowPercent);
}

// The other types the runs concluded: "hybrid 3%, undetermined <1%"; "-" when every run kept the type.
std::string instead_text(const InstitutionSensitivity& s, std::size_t runs) {
    std::string out;
    for (const auto& [type, n] : s.types) {
        if (type == s.type) continue;
        out += (out.empty() ? "" : ", ") + type + " " + percent_up(n, runs);
    }
    return out.empty() ? "-" : out;
}

// "conflict_load 100%, mandate_gap 62%, +capability_gap 12%" (a `+` marks a kind the baseline does not find).
std::string strains_text(const InstitutionSensitivity& s, std::size_t runs, const char* sep = ", ") {
    std::string out;
    for (const auto& x : s.strains)
        out += (out.empty() ? "" : sep) + std::string(x.in_baseline ? "" : "+") + x.kind + " " +
               (x.in_baseline ? percent(x.runs_found, runs) : percent_up(x.runs_found, runs));
    return out;
}

// "type, mandate_gap, +capability_gap": the fragile labels.
std::string fragile_text(const InstitutionSensitivity& s, const char* sep = ", ") {
    std::vector<std::string> labels;
    if (s.type_fragile) labels.push_back("type");
    else if (s.subtype_fragile) labels.push_back("subtype");
    for (const auto& x : s.strains)
        if (x.fragile) labels.push_back((x.in_baseline ? "" : "+") + x.kind);
    std::string out;
    for (const auto& l : labels) out += (out.empty() ? "" : sep) + l;
    return out;
}

std::string error_text(const CaseSensitivity& c, std::string_view separator = "; ") {
    if (c.baseline.error) return case_error_text(*c.baseline.error, separator);
    return "the run did not finish: " + c.baseline.run_problem;
}

std::string md_cell(std::string s) {
    std::string out;
    for (char ch : s) {
        if (ch == '|') out += '\\';
        out += ch == '\n' ? ' ' : ch;
    }
    return out;
}

std::string unfinished_note(const CaseSensitivity& c, std::size_t runs) {
    return fmt::format("{}: {} of {} perturbed runs did not finish (counted with what they had concluded): {}",
                       c.baseline.case_id, c.unfinished_runs, runs, c.unfinished_problem);
}

nlohmann::ordered_json json_parameters(const SensitivityReport& r) {
    nlohmann::ordered_json j;
    j["runs"] = r.runs;
    j["band"] = r.band;
    j["seed"] = r.seed;
    return j;
}

std::string json_line(const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string render_sensitivity(const SensitivityReport& report, ReportFormat format) {
    const std::size_t n = report.runs;
    std::string out;
    switch (format) {
        case ReportFormat::Json: {
            for (const auto& c : report.cases) {
                nlohmann::ordered_json base;
                base["case"] = c.baseline.case_id;
                if (c.failed()) {
                    // The record of plain classify: the first error (`error`) and every error of the case
                    // (`errors`), or the run's problem.
                    const CaseError* e = c.baseline.error ? &*c.baseline.error : nullptr;
                    base["error"] = {{"file", e ? e->file : c.baseline.file},
                                     {"line", e ? e->line : 0},
                                     {"col", e ? e->col : 0},
                                     {"message", e ? e->message : "the run did not finish: " + c.baseline.run_problem}};
                    auto errors = nlohmann::ordered_json::array();
                    if (c.baseline.error) {
                        for (const auto& x : c.baseline.error->errors)
                            errors.push_back({{"code", x.code},
                                              {"file", x.file},
                                              {"line", x.line},
                                              {"column", x.col},
                                              {"message", x.message}});
                    } else {
                        errors.push_back({{"code", nullptr},
                                          {"file", c.baseline.file},
                                          {"line", 0},
                                          {"column", 0},
                                          {"message", "the run did not finish: " + c.baseline.run_problem}});
                    }
                    base["errors"] = std::move(errors);
                    out += json_line(base);
                    continue;
                }
                if (c.institutions.empty()) {
                    base[report.labels.subject] = nullptr;
                    base["note"] = fmt::format("the case names no {}", report.labels.subject);
                    out += json_line(base);
                    continue;
                }
                for (const auto& s : c.institutions) {
                    nlohmann::ordered_json j = base;
                    j[report.labels.subject] = s.institution;
                    if (c.baseline.as_of) j["as_of"] = *c.baseline.as_of; else j["as_of"] = nullptr;
                    j.update(json_parameters(report));
                    j["weights_perturbed"] = report.weights.constant;
                    j["weights_computed"] = report.weights.computed;
                    j["type"] = s.type;
                    j["type_kept"] = s.type_kept;
                    j["type_share"] = s.type_share;
                    j["type_fragile"] = s.type_fragile;
                    j["subtype"] = s.subtype;
                    j["subtype_kept"] = s.subtype_kept;
                    j["subtype_share"] = s.subtype_share;
                    j["subtype_fragile"] = s.subtype_fragile;
                    nlohmann::ordered_json types = nlohmann::ordered_json::object();
                    for (const auto& [type, k] : s.types) types[type] = static_cast<double>(k) / static_cast<double>(n);
                    j["types"] = types;
                    nlohmann::ordered_json strains = nlohmann::ordered_json::array();
                    for (const auto& x : s.strains)
                        strains.push_back({{"kind", x.kind},
                                           {"baseline", x.in_baseline},
                                           {"runs", x.runs_found},
                                           {"share", x.share},
                                           {"fragile", x.fragile}});
                    j[report.labels.findings] = strains;
                    j["fragile"] = s.fragile();
                    j["unfinished_runs"] = c.unfinished_runs;
                    if (c.unfinished_runs) j["problem"] = c.unfinished_problem;
                    out += json_line(j);
                }
            }
            return out;
        }
        case ReportFormat::Csv: {
            out += "case," + report.labels.subject + ",runs,band,seed,type,type_share,subtype,subtype_share,types," +
                   report.labels.findings + ",fragile,"
                   "unfinished_runs,error\n";
            for (const auto& c : report.cases) {
                if (c.failed()) {
                    out += fmt::format("{},,{},{},{},,,,,,,,,{}\n", csv_field(c.baseline.case_id), n,
                                       band_text(report.band), report.seed, csv_field(error_text(c)));
                    continue;
                }
                for (const auto& s : c.institutions) {
                    std::string types, strains;
                    for (const auto& [type, k] : s.types)
                        types += fmt::format("{}{}:{:g}", types.empty() ? "" : ";", type,
                                             static_cast<double>(k) / static_cast<double>(n));
                    for (const auto& x : s.strains)
                        strains += fmt::format("{}{}{}:{:g}", strains.empty() ? "" : ";", x.in_baseline ? "" : "+",
                                               x.kind, x.share);
                    out += fmt::format("{},{},{},{},{},{},{:g},{},{:g},{},{},{},{},\n", csv_field(c.baseline.case_id),
                                       csv_field(s.institution), n, band_text(report.band), report.seed, s.type,
                                       s.type_share, s.subtype, s.subtype_share, csv_field(types), csv_field(strains),
                                       csv_field(fragile_text(s, ";")), c.unfinished_runs);
                }
            }
            return out;
        }
        case ReportFormat::Markdown: {
            out += parameters_text(report, ".\n\n") + ".\n\n";
            out += fmt::format("| case | {} | type | kept | subtype | kept | instead | {} | fragile |\n",
                               report.labels.subject, report.labels.findings);
            out += "|---|---|---|---|---|---|---|---|---|\n";
            for (const auto& c : report.cases) {
                if (c.failed()) {
                    out += fmt::format("| {} | | **error** | | | | | {} | |\n", md_cell(c.baseline.case_id),
                                       md_cell(error_text(c, "<br>")));
                    continue;
                }
                for (const auto& s : c.institutions) {
                    std::string fragile = fragile_text(s);
                    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", md_cell(c.baseline.case_id),
                                       md_cell(s.institution), s.type, percent(s.type_kept, n), s.subtype,
                                       percent(s.subtype_kept, n), instead_text(s, n), strains_text(s, n),
                                       fragile.empty() ? "" : "**" + fragile + "**");
                }
            }
            for (const auto& c : report.cases)
                if (c.unfinished_runs) out += "\n" + unfinished_note(c, n) + "\n";
            return out;
        }
        case ReportFormat::Table: {
            std::vector<std::vector<std::string>> rows;
            rows.push_back({"case", report.labels.subject, "type", "kept", "subtype", "kept", "instead",
                            report.labels.findings, "fragile"});
            for (const auto& c : report.cases) {
                if (c.failed()) {
                    rows.push_back({c.baseline.case_id, "-", "ERROR", "", "", "", "", error_text(c), ""});
                    continue;
                }
                for (const auto& s : c.institutions)
                    rows.push_back({c.baseline.case_id, s.institution, s.type, percent(s.type_kept, n), s.subtype,
                                    percent(s.subtype_kept, n), instead_text(s, n), strains_text(s, n),
                                    fragile_text(s)});
            }
            out += parameters_text(report, "\n") + "\n";
            out += text_table(rows);
            for (const auto& c : report.cases)
                if (c.unfinished_runs) out += unfinished_note(c, n) + "\n";
            return out;
        }
    }
    return out;
}

}  // namespace covenant
