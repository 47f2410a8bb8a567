// Institutions through time (issue 11, item 7): a series file holds the facts of a base year and dated changes;
// `covenant trend` classifies the institution in chosen years, each year its own world, and explains each change of
// architecture type by the changes and reasons that differ. docs/kb.md ("Series") documents the format:
//
//   series: nato                 # the id            as_of: 1949   # the base year    until: 2024  (optional)
//   years: [1949, 1989, 2024]    # optional: the years classified (default: as_of, every change's year, until)
//   facts: {...}                 # the base year's facts, as in a case file
//   changes:                     # in year order; each applies to its year and every later one
//     - {year: 1952, note: "...", assert: {event: [...]}, modify: {institution: [{id: nato, members: 14}]},
//        retract: {exposure: [{institution: nato, threat: x}]}}
//   expect: {1989: {nato: {architecture: [hybrid]}}}
//
// `modify` names its fact by the template's `id` slot, or (a template without one) by its `ref` slots, and gives new
// values for the other slots it lists; `retract` removes the facts that match every slot it lists. Both must find a
// fact (a located error otherwise), so a typo cannot silently change nothing. Every year is checked as a case is:
// ranges (with as_of = that year), references, and case templates made with that year.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/source.hpp"
#include "classify/classify.hpp"
#include "kb/fact_file.hpp"
#include "program/program.hpp"

namespace covenant {

// One slot-level edit: the template and the slots given (index, value).
struct FactEdit {
    TemplateId tmpl = 0;
    std::vector<std::pair<SlotIndex, Value>> slots;
    SourceSpan span;
};

struct SeriesChange {
    std::int64_t year = 0;
    std::string note;
    std::vector<InitialFact> asserted;
    std::vector<FactEdit> modified;
    std::vector<FactEdit> retracted;
    SourceSpan span;
};

struct Series {
    std::string id;                   // `series:`, else the file name's stem
    std::string title;
    std::int64_t base_year = 0;       // `as_of:`
    std::vector<std::int64_t> years;  // the years to classify, ascending
    FactFile base;                    // the base year's facts (with the case-template facts of the base year)
    std::vector<SeriesChange> changes;
    const MetaValue* expect = nullptr;  // into base.metadata
};

// Whether a fact file's text is a series file: a top-level `series:` or `changes:` key (for `covenant test`, which
// checks the expectations of case files and series alike).
bool looks_like_series(std::string_view text);

// Reads a series file. Reports every problem located in `file` and returns nothing when there was any.
std::optional<Series> read_series(const SourceFile& file, const Program& program, DiagnosticSink& sink);

// The given facts of `year` (>= the base year): the base facts with every change up to `year` applied in order, and
// the case templates' facts made with as_of = `year`. Reports a modify or retract that finds no fact, and checks the
// year's world (ranges with as_of, references); returns nothing when there was a problem.
std::optional<std::vector<InitialFact>> series_facts(const Series& series, const Program& program, std::int64_t year,
                                                     const std::vector<FactFile>& shared, DiagnosticSink& sink);

struct TrendPoint {
    std::int64_t year = 0;
    CaseResult result;                 // case_id = the series id, as_of = year
    std::vector<std::string> changes;  // the notes of the changes since the previous point (first: none)
    std::vector<ExpectationOutcome> expectations;  // of `expect:` for this year
};

// Classifies the series in each of `years` (the series' own when empty). Never throws on bad input: problems are
// reported into `sink` and end the trend (an empty vector).
std::vector<TrendPoint> classify_trend(const Program& program, const Series& series, const SourceFile& file,
                                       const std::vector<FactFile>& shared, std::vector<std::int64_t> years,
                                       std::uint64_t max_firings, DiagnosticSink& sink);

enum class TrendFormat { Table, JsonLines, Csv, Svg };

// The trajectory: table (with each change of architecture type explained by the changes and the reasons that
// differ), JSON Lines (one record per year and institution), CSV, or an SVG chart of the scores over the years with
// the architecture type as background bands and the number of strains as markers.
std::string render_trend(const Series& series, const std::vector<TrendPoint>& points, TrendFormat format,
                         const ReportLabels& labels);

}  // namespace covenant
