// Tests of sim/report.h: report.html carries the tables (verdict, SLOs, invariants, counts,
// latency by transaction code and by facility type), the single points of failure and notes,
// escapes text, embeds gnuplot's SVG when gnuplot runs, and says so instead when it cannot.
#include "sim/report.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sim/result.h"

namespace yibao::sim {
namespace {

using nlohmann::json;

bool have_gnuplot() { return std::system("gnuplot --version > /dev/null 2>&1") == 0; }

Metrics sample() {
  Metrics m(0, 60);
  for (int i = 0; i < 300; ++i) {
    const double t = i * 1.0;
    m.on_sent(2207, t, false);
    m.on_call(2207, models::Level::kLevel2, t, t + 0.02 + (i % 7) * 0.001, 0, 0, "");
    m.on_queue("counters.level2", t, static_cast<uint64_t>(i % 5));
  }
  m.on_call(2102, models::Level::kPharmacy, 10, 10.05, 0, 9, "E_RULE_<x>");
  m.on_visit(models::Level::kLevel2, true, 100);
  return m;
}

json sample_result(const Metrics& m) {
  Scenario s;
  s.name = "report <test>";
  s.file = "x.yaml";
  Slo slo;
  slo.name = "p99";
  slo.metric = "latency_ms.by_txn.2207.p99";
  slo.threshold = 1000;
  s.slo = {slo};
  RunInfo run;
  InvariantResult d1;
  d1.id = "D1";
  add_offender(d1, "S000123 MSG000123");
  d1.detail = "acknowledged settlements missing";
  run.invariants = {d1};
  return make_result(s, m, run);
}

TEST(Report, HtmlHasTheTablesSectionsAndEscapes) {
  const Metrics m = sample();
  ReportInputs in;
  in.single_points_of_failure = {"county centre 450101 (articulation point)", "link fep-9 <-> county (bridge)"};
  in.notes = {"calibration: default & small"};
  const std::string h = report_html(sample_result(m), m, in);
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* id : {"id=\"summary\"", "id=\"slo\"", "id=\"invariants\"", "id=\"counts\"", "id=\"spof\"",
                         "id=\"money\"", "id=\"failed_by_reason\""})
    EXPECT_NE(h.find(id), std::string::npos) << id;
  EXPECT_NE(h.find("By transaction code"), std::string::npos);
  EXPECT_NE(h.find("By facility type"), std::string::npos);
  EXPECT_NE(h.find("<td>2207</td>"), std::string::npos);
  EXPECT_NE(h.find("<td>level2</td>"), std::string::npos);
  EXPECT_NE(h.find("Verdict: FAIL"), std::string::npos);
  EXPECT_NE(h.find("S000123 MSG000123"), std::string::npos);
  EXPECT_NE(h.find("Single points of failure"), std::string::npos);
  EXPECT_NE(h.find("link fep-9 &lt;-&gt; county (bridge)"), std::string::npos);
  EXPECT_NE(h.find("calibration: default &amp; small"), std::string::npos);
  EXPECT_NE(h.find("report &lt;test&gt;"), std::string::npos);
  EXPECT_EQ(h.find("E_RULE_<x>"), std::string::npos);  // escaped
  // Self-contained: nothing fetched.
  EXPECT_EQ(h.find("<script src"), std::string::npos);
  EXPECT_EQ(h.find("<link"), std::string::npos);
}

// A drill's result: the windows, the back-fill figures and the crashes get their tables.
TEST(Report, DrillsShowTheirWindowsBackfillAndFaults) {
  const Metrics m = sample();
  json r = sample_result(m);
  r["outage"] = {{"windows", json::array({{{"window_id", "W1"}, {"scope", "card_settlement"},
                                            {"start", "2024-03-04T08:20:00"}, {"end", "2024-03-04T08:50:00"},
                                            {"state", "ENDED"}, {"note", "x.yaml line 3"}}})},
                 {"backlog", {{"offline_visits", 560}, {"backfilled", 500}, {"pending", 60}, {"drain_time_h", nullptr}}},
                 {"self_pay", {{"patients", 560}, {"paid_fen", 2257}, {"owed_back_fen", 1114},
                               {"wait_h", {{"p50", 0.32}, {"p95", 0.7}, {"max", 0.81}, {"count", 500}}}}},
                 {"held_calls", 8},
                 {"affected_by_facility_type", {{"pharmacy", {{"offline", 60}, {"paid_fen", 321}}}}}};
  r["suspensions"] = {{"suspensions", json::array({{{"suspension_id", "S1"}, {"scope", "department"},
                                                     {"mode", "refuse"}, {"fixmedins_code", "H45010100000"},
                                                     {"dept_code", "A02"}, {"psn_no", ""},
                                                     {"start", "2024-03-04T09:16:27"}, {"end", ""},
                                                     {"state", "IN_FORCE"}, {"reason", "drill <b>"}}})},
                      {"held", json::array({{{"fixmedins_code", "H45010100067"}, {"held_fen", 2138050},
                                             {"held_settlements", 21}, {"released_fen", 0}, {"withheld_fen", 0}}})},
                      {"refusals", {{"E_DEPT_SUSPENDED", 96}}}};
  r["faults"] = json::array({{{"kill", "core"}, {"at", "2024-03-04T08:05:00"}, {"down_s", 5.0},
                              {"killed_at", "2024-03-04T08:05:00"}, {"restarted_at", "2024-03-04T08:07:30"},
                              {"wall_restart_s", 0.061}},
                             {{"slow", "2207"}, {"at", "2024-03-04T08:05:00"}, {"latency_ms", 400.0},
                              {"until", "2024-03-04T08:10:00"}, {"applied_at", "2024-03-04T08:05:00"},
                              {"cleared_at", "2024-03-04T08:10:00"}}});
  const std::string h = report_html(r, m, ReportInputs{});
  for (const char* id : {"id=\"outage_windows\"", "id=\"outage_backlog\"", "id=\"outage_self_pay\"", "id=\"faults\"",
                         "id=\"suspensions\"", "id=\"suspension_refusals\"", "id=\"held\""})
    EXPECT_NE(h.find(id), std::string::npos) << id;
  EXPECT_NE(h.find("<td>H45010100000 A02</td>"), std::string::npos);
  EXPECT_NE(h.find("drill &lt;b&gt;"), std::string::npos);
  EXPECT_NE(h.find("<td>2138050</td>"), std::string::npos);
  EXPECT_NE(h.find("<td>card_settlement</td>"), std::string::npos);
  EXPECT_NE(h.find("<td>2024-03-04T08:50:00</td>"), std::string::npos);
  EXPECT_NE(h.find("not drained"), std::string::npos);  // drain_time_h null: some pending
  EXPECT_NE(h.find("<td>2024-03-04T08:07:30</td>"), std::string::npos);
  EXPECT_NE(h.find("<td>kill core</td>"), std::string::npos);
  EXPECT_NE(h.find("id=\"outage_affected\""), std::string::npos);
  EXPECT_NE(h.find("<td>pharmacy</td><td>60</td><td>321</td>"), std::string::npos);
  EXPECT_NE(h.find("<td>slow 2207 +400.000 ms</td>"), std::string::npos) << h;
  // A run without drills has neither section.
  const std::string plain = report_html(sample_result(m), m, ReportInputs{});
  EXPECT_EQ(plain.find("outage_backlog"), std::string::npos);
  EXPECT_EQ(plain.find("id=\"faults\""), std::string::npos);
  EXPECT_EQ(plain.find("id=\"suspensions\""), std::string::npos);
}

TEST(Report, PlotsAreInlineSvgWhenGnuplotRuns) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  const Metrics m = sample();
  std::string why;
  const std::vector<std::string> plots = draw_plots(m, "gnuplot", &why);
  ASSERT_EQ(plots.size(), 3u) << why;
  for (const std::string& svg : plots) EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  const std::string h = report_html(sample_result(m), m, ReportInputs{});
  EXPECT_NE(h.find("<svg"), std::string::npos);
  EXPECT_EQ(h.find("<?xml"), std::string::npos);
}

// A switchover run (visits went offline) gets a fourth plot: the backlog over time.
TEST(Report, ASwitchoverRunPlotsItsBacklog) {
  if (!have_gnuplot()) GTEST_SKIP() << "gnuplot is not installed";
  Metrics m = sample();
  for (int i = 0; i < 4; ++i) m.on_offline(models::Level::kPharmacy, 1000, 20 + i);
  m.on_backfill(true, 500, 3600, 150);
  std::string why;
  const std::vector<std::string> plots = draw_plots(m, "gnuplot", &why);
  ASSERT_EQ(plots.size(), 4u) << why;
  EXPECT_NE(plots[3].find("Outage: offline visits waiting for back-fill"), std::string::npos);
}

TEST(Report, AnOutageShowsItsCutsAndWhoWasBehindThem) {
  const Metrics m = sample();
  nlohmann::json r = sample_result(m);
  r["outage"] = nlohmann::json::parse(R"({"cuts": [{"kind": "line", "target": "up:county:450101",
      "at": "2024-03-04T09:20:00", "detected": "2024-03-04T09:22:00", "restored": null, "sites": 29,
      "facilities": 373, "patience_s": 0, "by_facility_type": {"village": 200, "pharmacy": 150}}],
      "lost_to_cut": 153, "backlog": {"offline_visits": 4, "pending": 4, "drain_time_h": null}})");
  ReportInputs in;
  in.gnuplot = "/nonexistent/gnuplot-yb";
  const std::string h = report_html(r, m, in);
  EXPECT_NE(h.find("<h2>Outage</h2>"), std::string::npos);
  EXPECT_NE(h.find("id=\"outage_cuts\""), std::string::npos);
  EXPECT_NE(h.find("up:county:450101"), std::string::npos);
  EXPECT_NE(h.find("not in the run"), std::string::npos);
  EXPECT_NE(h.find("pharmacy 150"), std::string::npos) << "who was behind the cut, by type";
  EXPECT_EQ(h.find("id=\"outage_windows\""), std::string::npos) << "no windows: no windows table";
}

TEST(Report, TheAgencyShowsItsQueuedCallsManualClaimsAndStaleness) {
  const Metrics m = sample();
  nlohmann::json r = sample_result(m);
  r["outage"] = nlohmann::json::parse(R"({"backlog": {"offline_visits": 10, "pending": 0},
      "manual": {"claims": 3, "reimbursed": 2, "refused": 0, "pending": 1, "paid_fen": 9000,
                 "owed_back_fen": 4321, "wait_h": {"p50": 0.6, "p95": 1.0, "max": 1.1, "count": 2}}})");
  r["agency"] = nlohmann::json::parse(R"({"calls": {"retire": {"planned": 90, "applied": 42,
      "queued_by_window": 48, "applied_after_queue": 47, "refused": 0, "unanswered": 0, "pending": 1,
      "queue_wait_h": {"p50": 0.68, "max": 0.98}}}, "staleness": {"tracked_persons": 662,
      "settlements_while_queued": 2, "altered": 1, "fund_and_account_diff_fen": -11621, "abs_diff_fen": 11621,
      "repriced": 7, "unreproduced": 0}})");
  ReportInputs in;
  in.gnuplot = "/nonexistent/gnuplot-yb";
  const std::string h = report_html(r, m, in);
  EXPECT_NE(h.find("<h2>Agency</h2>"), std::string::npos);
  EXPECT_NE(h.find("<td>retire</td><td>90</td><td>42</td><td>48</td><td>47</td>"), std::string::npos) << h;
  EXPECT_NE(h.find("id=\"agency_staleness\""), std::string::npos);
  EXPECT_NE(h.find("-11621"), std::string::npos);
  EXPECT_NE(h.find("id=\"outage_manual\""), std::string::npos);
  EXPECT_NE(h.find("4321"), std::string::npos);
  r.erase("agency");
  EXPECT_EQ(report_html(r, m, in).find("<h2>Agency</h2>"), std::string::npos) << "no agency: no section";
}

TEST(Report, WithoutGnuplotTheReportSaysSo) {
  const Metrics m = sample();
  ReportInputs in;
  in.gnuplot = "/nonexistent/gnuplot-yb";
  const std::string h = report_html(sample_result(m), m, in);
  EXPECT_EQ(h.find("<svg"), std::string::npos);
  EXPECT_NE(h.find("No plots:"), std::string::npos);
  EXPECT_NE(h.find("gnuplot-yb"), std::string::npos);
}

TEST(Report, WriteReportWritesTheFile) {
  const Metrics m = sample();
  const std::string path = (std::filesystem::temp_directory_path() / "yb_report_test.html").string();
  ReportInputs in;
  in.gnuplot = "/nonexistent/gnuplot-yb";
  ASSERT_TRUE(write_report(path, sample_result(m), m, in).ok());
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
  std::filesystem::remove(path);
  EXPECT_FALSE(write_report("/nonexistent-dir/x/report.html", sample_result(m), m, in).ok());
}

TEST(Report, SummaryTableNamesVerdictSlosInvariantsAndLatency) {
  const Metrics m = sample();
  const std::string t = summary_table(sample_result(m));
  EXPECT_NE(t.find("verdict FAIL"), std::string::npos) << t;
  EXPECT_NE(t.find("latency_ms.by_txn.2207.p99"), std::string::npos);
  EXPECT_NE(t.find("D1"), std::string::npos);
  EXPECT_NE(t.find("2207"), std::string::npos);
}

}  // namespace
}  // namespace yibao::sim
