// How sure is a label: `covenant classify --sensitivity N` (docs/cli.md). Every constant evidence weight of the
// program is perturbed within a band, N times; every case is classified on each perturbed program, and for each
// institution the report gives the share of runs that keep the unperturbed (baseline) architecture type, subtype and
// each strain kind, so that an analyst sees which labels are fragile.
//
// What is perturbed: the weight of every `evidence PRED(...) WEIGHT` action whose weight is a constant number after
// the checker (ExprKind::Const; named constants and `-CONST` are constants by then). In each run every such weight is
// drawn independently — two actions that use the same named constant get two draws — as
//     w' = clamp(w * f, -1, 1),   f uniform in [1 - band, 1 + band]
// so a weight never changes sign. A computed weight (an expression of the rule's variables) is left alone, and so is
// every threshold (`test ?c >= LOGIC_PRESENT`), slot range and fact value: only evidence weights move.
//
// Determinism: run r (0-based) draws from a SplitMix64 stream seeded from (seed, r) alone, in rule order then action
// order, on one thread; so a report depends on N, band, seed, the program and the cases only, never on --jobs, and
// the first 100 runs of `--sensitivity 200` are the 100 runs of `--sensitivity 100`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "classify/classify.hpp"
#include "program/program.hpp"

namespace covenant {

constexpr double kDefaultSensitivityBand = 0.2;        // --band
constexpr std::uint64_t kDefaultSensitivitySeed = 1;   // --seed
constexpr unsigned kFragileBelowPercent = 90;         // a label kept in fewer than 90% of the runs is fragile

// How many evidence weights the program has: constant ones (perturbed) and computed ones (left alone).
struct WeightCount {
    std::size_t constant = 0;
    std::size_t computed = 0;
};
WeightCount count_evidence_weights(const Program& program);

// A copy of `program` with the weights of run `run` (as sensitivity_analysis draws them). For inspection and tests;
// sensitivity_analysis reuses one copy for all runs instead.
Program perturbed_program(const Program& program, double band, std::uint64_t seed, unsigned run);

// A strain kind found for the institution in the baseline or in at least one run.
struct StrainShare {
    std::string kind;
    bool in_baseline = false;
    std::size_t runs_found = 0;  // runs in which the kind is found (several rules finding it count once)
    double share = 0;            // runs_found / runs
    // Fewer than kFragileBelowPercent of the runs keep the baseline's verdict on this strain: find it when the
    // baseline does (share < 90%), or do not find it when the baseline does not (share > 10%).
    bool fragile = false;
};

struct InstitutionSensitivity {
    std::string institution;
    std::string type;             // the baseline's architecture type ("undetermined" when none was concluded)
    std::string subtype;          // and subtype
    std::size_t type_kept = 0;    // runs whose architecture type equals the baseline's
    double type_share = 0;
    std::size_t subtype_kept = 0; // runs whose type and subtype both equal the baseline's
    double subtype_share = 0;
    // Every type the runs concluded with the number of runs, the most frequent first (ties by name); a run in which
    // the institution is missing counts as "undetermined".
    std::vector<std::pair<std::string, std::size_t>> types;
    // The baseline's strain kinds first (most severe first, as classify lists them), then kinds found only under
    // perturbation, most frequent first (ties by name).
    std::vector<StrainShare> strains;

    bool type_fragile = false;     // type_kept is fewer than kFragileBelowPercent of the runs
    bool subtype_fragile = false;  // subtype_kept is
    bool fragile() const;          // the type, the subtype or any strain verdict is fragile
};

struct CaseSensitivity {
    // The unperturbed result. With `baseline.error` (the case did not load) or `baseline.run_problem` (its run did not
    // finish) set, the case was not run again and `institutions` is empty.
    CaseResult baseline;
    std::vector<InstitutionSensitivity> institutions;  // in the baseline's order
    std::size_t unfinished_runs = 0;     // perturbed runs that stopped on a limit or a run-time error (what they had
                                         // concluded by then is counted like any other run)
    std::string unfinished_problem;      // the first such run's problem, in words
    bool failed() const { return baseline.error.has_value() || !baseline.run_problem.empty(); }
};

struct SensitivityReport {
    unsigned runs = 0;
    double band = 0;
    std::uint64_t seed = 0;
    WeightCount weights;
    std::vector<CaseSensitivity> cases;  // in the order of the paths
    ReportLabels labels;                 // the program's `report` labels: how the subjects and findings are called
};

// Classifies every case on the unperturbed `program` (the baseline), then `runs` times on a copy of it with
// perturbed weights (see above), `jobs` cases at a time (classify_all). A case that fails to load, or whose baseline
// run does not finish, is reported once (CaseSensitivity::baseline) and left out of the perturbed runs; the others
// still run. Throws std::invalid_argument when runs < 1 or band is outside (0, 1].
SensitivityReport sensitivity_analysis(const Program& program, const std::vector<std::string>& paths,
                                       const ClassifyOptions& options, unsigned runs, double band, std::uint64_t seed,
                                       unsigned jobs);

// Renders the report: Table (one line per institution: type and the share of runs keeping it, what the other runs
// concluded, strains with their shares, the fragile labels), Json (JSON Lines, one object per case and institution),
// Csv (one row per case and institution), Markdown (the parameters, then a table). Every format states runs, band
// and seed.
std::string render_sensitivity(const SensitivityReport& report, ReportFormat format);

}  // namespace covenant
