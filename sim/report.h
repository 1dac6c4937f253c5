// report.html and the stdout summary of a run (DESIGN.md §5 "Outputs").
//
// report.html is one self-contained file (inline CSS and SVG, nothing fetched): the verdict,
// the SLO and invariant tables, counts, latency by transaction code and by facility type, money
// totals, three plots drawn by gnuplot (throughput, latency p50/p99 and queue lengths per
// simulated minute), the topology's single points of failure, and free-text notes. The plots
// come from running gnuplot (`set terminal svg`) as a child process on a script and data file in
// a temporary directory; the SVG it writes is embedded. When gnuplot cannot be run, or fails,
// the report says so in place of the plots: a report is never a reason for a run to fail.
//
// Inputs are the finished result.json value (sim/result.h) and the Metrics (for the per-minute
// rows). Thread safety: none needed (pure apart from the temporary files and the child).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "models/status.h"
#include "sim/metrics.h"

namespace yibao::sim {

struct ReportInputs {
  // The topology analysis (sim/platform): one line per articulation point or bridge.
  std::vector<std::string> single_points_of_failure;
  // Free-text notes (calibration used, warnings, what was not checked), one paragraph each.
  std::vector<std::string> notes;
  // The gnuplot program: a name looked up on PATH, or a path.
  std::string gnuplot = "gnuplot";
};

// The plots as inline <svg> elements, in order throughput, latency, queues; on failure an
// empty vector and `*why` says what went wrong ("gnuplot not found on PATH", its stderr...).
std::vector<std::string> draw_plots(const Metrics& metrics, const std::string& gnuplot, std::string* why);
// The whole HTML document.
std::string report_html(const nlohmann::json& result, const Metrics& metrics, const ReportInputs& in);
// Writes report_html() to `path`. INTERNAL on an I/O failure (a missing gnuplot is not one).
Status write_report(const std::string& path, const nlohmann::json& result, const Metrics& metrics,
                    const ReportInputs& in);
// The plain-text summary printed on stdout at the end of a run: verdict, figures, SLOs,
// invariants, latency by transaction code.
std::string summary_table(const nlohmann::json& result);
// Text with & < > " ' escaped for HTML.
std::string html_escape(const std::string& text);

}  // namespace yibao::sim
