// `covenant report`: classification results as one self-contained HTML page (docs/report.md) — the table, sortable
// and filterable; per case its title, sources, `left_out`, and per institution the scores as bars against the
// thresholds the rules compare them with and the strains with what each counted; across cases a strain-by-case heat
// map and a scatter of the first two scores with the thresholds drawn in. Charts are static SVG made here; the page
// loads nothing at view time (styles and the table's script are inlined) and prints one case per page.
//
// The page's data is also embedded as JSON (`<script type="application/json" id="covenant-data">`, the same document
// report_data gives), so that tools and tests read the numbers without parsing the markup.
#pragma once

#include <string>
#include <vector>

#include "classify/classify.hpp"
#include "program/program.hpp"

namespace covenant {

// A number a rule compares a score with: `test ?c >= LOGIC_PRESENT` with ?c = score(community(?i)) gives
// {community, 0.2}. Found in `test` conditions, after the checker has put the constants' values in.
struct ScoreThreshold {
    std::string predicate;
    double value = 0;
};
// A difference of two scores compared with a number: `test ?c - ?b >= LOGIC_MARGIN` gives {community,
// balance_of_power, 0.15}.
struct ScoreMargin {
    std::string first;
    std::string second;
    double value = 0;
};
struct ScoreThresholds {
    std::vector<ScoreThreshold> thresholds;  // distinct, in rule order
    std::vector<ScoreMargin> margins;        // distinct, in rule order; a - b and b - a both listed when both occur
};
ScoreThresholds score_thresholds(const Program& program);

// A series' trajectory (classify/trend.hpp: render_trend's SVG chart), shown in its own section.
struct Trajectory {
    std::string series;  // the series' id
    std::string title;
    std::string file;
    std::string svg;     // the chart (an <svg> element)
    std::vector<std::string> problems;  // a year whose run did not finish, a failed expectation
};

struct HtmlReportOptions {
    std::string title = "Covenant report";
    std::vector<std::string> packs;  // the packs the rules came from, named on the page
    std::vector<Trajectory> trajectories;
};

// The JSON document embedded in the page: labels, thresholds and per case its header and results.
std::string report_data(const std::vector<CaseResult>& results, const ReportLabels& labels,
                        const ScoreThresholds& thresholds);

// The whole page. Deterministic: the same results give the same bytes (no time stamps), so it can be a golden file.
std::string render_html_report(const std::vector<CaseResult>& results, const ReportLabels& labels,
                               const ScoreThresholds& thresholds, const HtmlReportOptions& options);

}  // namespace covenant
