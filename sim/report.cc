#include "sim/report.h"

#include <fmt/format.h>

#include "sim/result.h"

namespace yibao::sim {
namespace {

using nlohmann::json;
std::string num(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number()) return fmt::format("{:.3f}", v.get<double>());
  if (v.is_null()) return "—";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string cell(const std::string& text, const char* cls = nullptr) {
  return cls ? fmt::format("<td class=\"{}\">{}</td>", cls, html_escape(text))
             : fmt::format("<td>{}</td>", html_escape(text));
}

std::string pass_cell(bool pass) { return pass ? cell("pass", "pass") : cell("FAIL", "fail"); }

std::string stat_table(const json& by, const char* key_title) {
  std::string h = fmt::format("<table><tr><th>{}</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>mean</th><th>count</th></tr>",
                              key_title);
  for (const auto& [k, s] : by.items()) {
    h += "<tr>" + cell(k);
    for (const char* f : {"p50", "p95", "p99", "max", "mean", "count"}) h += cell(num(s.value(f, json())));
    h += "</tr>";
  }
  return h + "</table>";
}

const json& get(const json& r, const char* key) {
  static const json kNull;
  auto it = r.find(key);
  return it == r.end() ? kNull : *it;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
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

std::string report_html(const json& r, const Metrics& m, const ReportInputs& in) {
  const bool pass = get(r, "verdict") == "pass";
  const json& scen = get(r, "scenario");
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<title>yibao-sim: " + html_escape(scen.value("name", "")) + "</title><style>";
  h += "body{font-family:sans-serif;margin:2em;max-width:1000px;color:#222}"
       "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:3px 8px;"
       "text-align:left}th{background:#eee}.pass{color:#186a1e;font-weight:bold}"
       ".fail{color:#b00020;font-weight:bold}.verdict{font-size:1.6em}svg{max-width:100%;height:auto}"
       "</style></head><body>\n";
  h += "<h1>yibao-sim run: " + html_escape(scen.value("name", "")) + "</h1>\n";
  h += fmt::format("<p class=\"verdict {}\">Verdict: {}</p>\n", pass ? "pass" : "fail", pass ? "pass" : "FAIL");
  if (!scen.value("question", "").empty()) h += "<p><em>" + html_escape(scen.value("question", "")) + "</em></p>\n";

  h += "<h2>Summary</h2><table id=\"summary\">";
  auto row = [&](const std::string& k, const std::string& v) { h += "<tr><th>" + html_escape(k) + "</th>" + cell(v) + "</tr>"; };
  row("scenario file", scen.value("file", ""));
  row("mode", get(r, "mode").is_string() ? get(r, "mode").get<std::string>() : "");
  row("seed", num(get(r, "seed")));
  const json& meas = get(r, "measured");
  row("measured span (simulated s)", num(meas.value("span_s", json())) + " (from " + num(meas.value("from_s", json())) +
                                         " to " + num(meas.value("to_s", json())) + ")");
  for (const auto& [k, v] : get(r, "throughput_per_s").items()) row(k + " per simulated second", num(v));
  row("wall time (s)", num(get(r, "wall_s")));
  row("wall start", get(r, "wall_started").is_string() ? get(r, "wall_started").get<std::string>() : "");
  if (r.contains("wall_lag_ms")) {
    const json& lag = r["wall_lag_ms"];
    row("wall lag (ms) p50 / p99 / max", num(lag.value("p50", json())) + " / " + num(lag.value("p99", json())) + " / " +
                                             num(lag.value("max", json())));
  }
  h += "</table>\n";

  h += "<h2>Service-level objectives</h2>";
  if (get(r, "slo").empty()) {
    h += "<p>The scenario sets none.</p>";
  } else {
    h += "<table id=\"slo\"><tr><th>name</th><th>metric</th><th>op</th><th>threshold</th><th>measured</th>"
         "<th>samples</th><th>result</th><th>detail</th></tr>";
    for (const json& s : get(r, "slo"))
      h += "<tr>" + cell(s.value("name", "")) + cell(s.value("metric", "")) + cell(s.value("op", "")) +
           cell(num(s.value("threshold", json()))) + cell(num(s.value("measured", json()))) +
           cell(num(s.value("samples", json()))) + pass_cell(s.value("pass", false)) + cell(s.value("detail", "")) + "</tr>";
    h += "</table>\n";
  }

  h += "<h2>Invariants</h2>";
  if (get(r, "invariants").empty()) {
    h += "<p>None were checked in this run.</p>";
  } else {
    h += "<table id=\"invariants\"><tr><th>id</th><th>result</th><th>detail</th><th>offending ids</th></tr>";
    for (const json& i : get(r, "invariants")) {
      std::string ids;
      for (const json& id : i.value("ids", json::array())) ids += (ids.empty() ? "" : " ") + id.get<std::string>();
      if (i.value("count", 0) > static_cast<int>(i.value("ids", json::array()).size()))
        ids += fmt::format(" … ({} in all)", i.value("count", 0));
      h += "<tr>" + cell(i.value("id", "")) +
           (i.value("checked", true) ? pass_cell(i.value("pass", false)) : cell("not checked")) +
           cell(i.value("detail", "")) + cell(ids) + "</tr>";
    }
    h += "</table>\n";
  }

  const json& c = get(r, "counts");
  h += "<h2>Counts</h2><table id=\"counts\"><tr><th>visits ok</th><th>visits failed</th><th>visits open</th>"
       "<th>sent</th><th>acknowledged</th><th>failed</th><th>unknown</th><th>late sends</th><th>settlements</th></tr><tr>";
  const json& v = c.value("visits", json::object());
  for (const char* k : {"ok", "failed", "open"}) h += cell(num(v.value(k, json())));
  for (const char* k : {"sent", "acknowledged", "failed", "unknown", "late_sends", "settlements"})
    h += cell(num(c.value(k, json())));
  h += "</tr></table>\n";
  if (!c.value("failed_by_reason", json::object()).empty()) {
    h += "<table id=\"failed_by_reason\"><tr><th>failure reason</th><th>calls</th></tr>";
    for (const auto& [k, n] : c["failed_by_reason"].items()) h += "<tr>" + cell(k) + cell(num(n)) + "</tr>";
    h += "</table>\n";
  }
  if (!c.value("by_txn", json::object()).empty()) {
    h += "<table id=\"counts_by_txn\"><tr><th>txn</th><th>sent</th><th>acknowledged</th><th>failed</th><th>unknown</th></tr>";
    for (const auto& [k, t] : c["by_txn"].items()) {
      h += "<tr>" + cell(k);
      for (const char* f : {"sent", "acknowledged", "failed", "unknown"}) h += cell(num(t.value(f, json())));
      h += "</tr>";
    }
    h += "</table>\n";
  }

  const json& lat = get(r, "latency_ms");
  h += "<h2>Latency (ms, from the intended send time)</h2><h3>By transaction code</h3>";
  h += stat_table(lat.value("by_txn", json::object()), "txn");
  h += "<h3>By facility type</h3>" + stat_table(lat.value("by_facility_type", json::object()), "facility type");

  const json& money = get(r, "money");
  h += "<h2>Money (fen; acknowledged settlements net of cancels and reversals)</h2><table id=\"money\"><tr>";
  for (const auto& [k, val] : money.items()) h += "<th>" + html_escape(k) + "</th>";
  h += "</tr><tr>";
  for (const auto& [k, val] : money.items()) h += cell(num(val));
  h += "</tr></table>\n";

  // Drills: the windows as the core listed them, the offline visits and their back-fill, the
  // crashes as they ran, the suspensions (result.json outage, faults, suspensions).
  if (r.contains("outage")) {
    const json& o = r["outage"];
    h += "<h2>Outage</h2>";
    if (!o.value("windows", json::array()).empty()) {
      h += "<table id=\"outage_windows\"><tr><th>window</th><th>scope</th><th>start</th><th>end</th>"
           "<th>state</th><th>note</th></tr>";
      for (const json& w : o["windows"])
        h += "<tr>" + cell(w.value("window_id", "")) + cell(w.value("scope", "")) + cell(w.value("start", "")) +
             cell(w.value("end", "")) + cell(w.value("state", "")) + cell(w.value("note", "")) + "</tr>";
      h += "</table>\n";
    }
    if (!o.value("cuts", json::array()).empty()) {
      h += "<table id=\"outage_cuts\"><tr><th>cut</th><th>what</th><th>at</th><th>known</th><th>back</th>"
           "<th>sites</th><th>facilities behind it</th><th>patience (s)</th><th>calls lost before it was known</th></tr>";
      for (const json& c : o["cuts"]) {
        std::string facilities = num(c.value("facilities", json()));
        const json by_type = c.value("by_facility_type", json::object());  // items() of a temporary dangles
        for (const auto& [type, n] : by_type.items())
          facilities += fmt::format(" · {} {}", type, num(n));
        h += "<tr>" + cell(c.value("kind", "")) + cell(c.value("target", "")) + cell(c.value("at", "")) +
             cell(c.value("detected", "")) +
             cell(c.value("restored", json()).is_null() ? std::string("not in the run") : c.value("restored", "")) +
             cell(num(c.value("sites", json()))) + cell(facilities) + cell(num(c.value("patience_s", json()))) +
             cell(num(o.value("lost_to_cut", json()))) + "</tr>";
      }
      h += "</table>\n";
    }
    h += "<table id=\"outage_backlog\"><tr>";
    const json& b = o.value("backlog", json::object());
    for (const auto& [k, val] : b.items()) h += "<th>" + html_escape(k) + "</th>";
    h += "</tr><tr>";
    for (const auto& [k, val] : b.items()) h += cell(val.is_null() ? std::string("not drained") : num(val));
    h += "</tr></table>\n";
    const json& sp = o.value("self_pay", json::object());
    const json& wait = sp.value("wait_h", json::object());
    h += "<table id=\"outage_self_pay\"><tr><th>patients who paid in full</th><th>paid (fen)</th>"
         "<th>owed back (fen)</th><th>wait p50 (h)</th><th>wait p95 (h)</th><th>wait max (h)</th>"
         "<th>calls that waited for the outage's end</th></tr><tr>" +
         cell(num(sp.value("patients", json()))) + cell(num(sp.value("paid_fen", json()))) +
         cell(num(sp.value("owed_back_fen", json()))) + cell(num(wait.value("p50", json()))) +
         cell(num(wait.value("p95", json()))) + cell(num(wait.value("max", json()))) +
         cell(num(o.value("held_calls", json()))) + "</tr></table>\n";
    const json& manual = o.value("manual", json::object());
    if (manual.value("claims", 0) > 0) {
      const json& mw = manual.value("wait_h", json::object());
      h += "<table id=\"outage_manual\"><tr><th>claimed at the agency</th><th>reimbursed</th><th>refused</th>"
           "<th>in review at the horizon</th><th>paid (fen)</th><th>paid back (fen)</th><th>wait p50 (h)</th>"
           "<th>wait max (h)</th></tr><tr>" +
           cell(num(manual.value("claims", json()))) + cell(num(manual.value("reimbursed", json()))) +
           cell(num(manual.value("refused", json()))) + cell(num(manual.value("pending", json()))) +
           cell(num(manual.value("paid_fen", json()))) + cell(num(manual.value("owed_back_fen", json()))) +
           cell(num(mw.value("p50", json()))) + cell(num(mw.value("max", json()))) + "</tr></table>\n";
    }
    h += "<table id=\"outage_affected\"><tr><th>facility type</th><th>patients who paid in full</th><th>paid (fen)</th></tr>";
    const json affected = o.value("affected_by_facility_type", json::object());
    for (const auto& [type, a] : affected.items())
      h += "<tr>" + cell(type) + cell(num(a.value("offline", json()))) + cell(num(a.value("paid_fen", json()))) + "</tr>";
    h += "</table>\n";
  }
  if (r.contains("agency")) {  // the agency's Admin calls by kind, what the windows queued, staleness
    const json& a = r["agency"];
    h += "<h2>Agency</h2><table id=\"agency\"><tr><th>kind</th><th>planned</th><th>applied</th>"
         "<th>queued by a window</th><th>applied after the queue</th><th>refused</th><th>unanswered</th>"
         "<th>pending at the horizon</th><th>queue wait p50 (h)</th><th>queue wait max (h)</th></tr>";
    const json calls = a.value("calls", json::object());  // items() of a temporary dangles
    for (const auto& [what, k] : calls.items()) {
      const json wait = k.value("queue_wait_h", json());
      h += "<tr>" + cell(what) + cell(num(k.value("planned", json()))) + cell(num(k.value("applied", json()))) +
           cell(num(k.value("queued_by_window", json()))) + cell(num(k.value("applied_after_queue", json()))) +
           cell(num(k.value("refused", json()))) + cell(num(k.value("unanswered", json()))) +
           cell(num(k.value("pending", json()))) + cell(wait.is_null() ? std::string("-") : num(wait.value("p50", json()))) +
           cell(wait.is_null() ? std::string("-") : num(wait.value("max", json()))) + "</tr>";
    }
    h += "</table>\n";
    const json st = a.value("staleness", json::object());
    h += "<table id=\"agency_staleness\"><tr><th>persons changed</th><th>settlements while their change was queued</th>"
         "<th>priced differently with it</th><th>fund + account paid beyond it (fen)</th><th>|difference| (fen)</th>"
         "<th>repriced as the core did</th><th>not reproduced</th></tr><tr>" +
         cell(num(st.value("tracked_persons", json()))) + cell(num(st.value("settlements_while_queued", json()))) +
         cell(num(st.value("altered", json()))) + cell(num(st.value("fund_and_account_diff_fen", json()))) +
         cell(num(st.value("abs_diff_fen", json()))) + cell(num(st.value("repriced", json()))) +
         cell(num(st.value("unreproduced", json()))) + "</tr></table>\n";
  }
  if (r.contains("faults")) {
    h += "<h2>Faults</h2><table id=\"faults\"><tr><th>fault</th><th>at</th><th>down (wall s) / until</th>"
         "<th>killed / armed at</th><th>back / cleared at</th><th>restart (wall s)</th></tr>";
    for (const json& f : r["faults"]) {
      std::string what = f.contains("kill") ? "kill " + f.value("kill", "") : "";
      if (f.contains("slow")) what = fmt::format("slow {} +{} ms", f.value("slow", ""), num(f.value("latency_ms", json())));
      if (f.contains("lose_replies"))
        what = fmt::format("lose replies of {} ({})", f.value("lose_replies", ""),
                           f.value("count", 0) == 0 ? std::string("all") : num(f.value("count", json())));
      if (f.contains("error")) what += " — " + f.value("error", "");
      const std::string to = f.contains("down_s") ? num(f.value("down_s", json())) : f.value("until", "");
      h += "<tr>" + cell(what) + cell(f.value("at", "")) + cell(to) +
           cell(f.contains("kill") ? f.value("killed_at", "") : f.value("applied_at", "")) +
           cell(f.contains("kill") ? f.value("restarted_at", "") : f.value("cleared_at", "")) +
           cell(num(f.value("wall_restart_s", json()))) + "</tr>";
    }
    h += "</table>\n";
  }

  if (r.contains("suspensions")) {  // as the core listed them, the amounts held, the refusals met
    const json& sj = r["suspensions"];
    h += "<h2>Suspensions</h2><table id=\"suspensions\"><tr><th>suspension</th><th>scope</th><th>mode</th>"
         "<th>subject</th><th>start</th><th>end</th><th>state</th><th>reason</th></tr>";
    for (const json& x : sj.value("suspensions", json::array())) {
      std::string subject = x.value("scope", "") == "person" ? x.value("psn_no", "") : x.value("fixmedins_code", "");
      if (!x.value("dept_code", "").empty()) subject += " " + x.value("dept_code", "");
      h += "<tr>" + cell(x.value("suspension_id", "")) + cell(x.value("scope", "")) + cell(x.value("mode", "")) +
           cell(subject) + cell(x.value("start", "")) + cell(x.value("end", "")) + cell(x.value("state", "")) +
           cell(x.value("reason", "")) + "</tr>";
    }
    h += "</table>\n<table id=\"suspension_refusals\"><tr><th>refusal</th><th>calls</th></tr>";
    const json refusals = sj.value("refusals", json::object());
    for (const auto& [k, val] : refusals.items())
      h += "<tr>" + cell(k) + cell(num(val)) + "</tr>";
    h += "</table>\n<table id=\"held\"><tr><th>facility under investigation</th><th>held (fen)</th>"
         "<th>settlements held</th><th>released (fen)</th><th>withheld (fen)</th></tr>";
    for (const json& x : sj.value("held", json::array()))
      h += "<tr>" + cell(x.value("fixmedins_code", "")) + cell(num(x.value("held_fen", json()))) +
           cell(num(x.value("held_settlements", json()))) + cell(num(x.value("released_fen", json()))) +
           cell(num(x.value("withheld_fen", json()))) + "</tr>";
    h += "</table>\n";
  }

  h += "<h2>Over time</h2>\n";
  std::string why;
  const std::vector<std::string> plots = draw_plots(m, in.gnuplot, &why);
  if (plots.empty()) {
    h += "<p class=\"fail\">No plots: " + html_escape(why) + ". The same figures are in timeseries.csv.</p>\n";
  } else {
    for (const std::string& svg : plots) h += "<div class=\"plot\">" + svg + "</div>\n";
  }

  h += "<h2>Single points of failure</h2>";
  if (in.single_points_of_failure.empty()) {
    h += "<p>None found (or the topology analysis was not run).</p>\n";
  } else {
    h += "<ul id=\"spof\">";
    for (const std::string& s : in.single_points_of_failure) h += "<li>" + html_escape(s) + "</li>";
    h += "</ul>\n";
  }
  h += "<h2>Notes</h2>";
  if (in.notes.empty()) h += "<p>None.</p>";
  for (const std::string& n : in.notes) h += "<p>" + html_escape(n) + "</p>\n";
  h += "</body></html>\n";
  return h;
}

Status write_report(const std::string& path, const json& result, const Metrics& metrics, const ReportInputs& in) {
  return write_text(path, report_html(result, metrics, in));
}

std::string summary_table(const json& r) {
  const json& scen = get(r, "scenario");
  std::string s;
  s += fmt::format("yibao-sim {}  mode {}  seed {}  verdict {}\n", scen.value("name", ""), num(get(r, "mode")),
                   num(get(r, "seed")), get(r, "verdict") == "pass" ? "PASS" : "FAIL");
  const json& c = get(r, "counts");
  const json& v = c.value("visits", json::object());
  const json& t = get(r, "throughput_per_s");
  s += fmt::format("  measured {} simulated s   visits ok {} failed {} open {}\n",
                   num(get(r, "measured").value("span_s", json())), num(v.value("ok", json())),
                   num(v.value("failed", json())), num(v.value("open", json())));
  s += fmt::format("  calls sent {} acknowledged {} failed {} unknown {} late {}   settlements {} ({}/s)\n",
                   num(c.value("sent", json())), num(c.value("acknowledged", json())), num(c.value("failed", json())),
                   num(c.value("unknown", json())), num(c.value("late_sends", json())),
                   num(c.value("settlements", json())), num(t.value("settlements", json())));
  if (r.contains("wall_lag_ms"))
    s += fmt::format("  wall {} s   wall lag p99 {} ms\n", num(get(r, "wall_s")), num(r["wall_lag_ms"].value("p99", json())));
  else
    s += fmt::format("  wall {} s\n", num(get(r, "wall_s")));
  if (!get(r, "slo").empty()) {
    s += fmt::format("\n  {:<22} {:<34} {:>14} {:>12} {:>8}  {}\n", "SLO", "metric", "threshold", "measured", "samples",
                     "result");
    for (const json& x : get(r, "slo"))
      s += fmt::format("  {:<22} {:<34} {:>14} {:>12} {:>8}  {}{}\n", x.value("name", ""), x.value("metric", ""),
                       x.value("op", "") + " " + num(x.value("threshold", json())), num(x.value("measured", json())),
                       num(x.value("samples", json())), x.value("pass", false) ? "pass" : "FAIL",
                       x.value("detail", "").empty() ? "" : "  (" + x.value("detail", "") + ")");
  }
  if (!get(r, "invariants").empty()) {
    s += "\n  invariant  result        detail\n";
    for (const json& i : get(r, "invariants"))
      s += fmt::format("  {:<10} {:<13} {}\n", i.value("id", ""),
                       !i.value("checked", true) ? "not checked" : (i.value("pass", false) ? "pass" : "FAIL"),
                       i.value("detail", ""));
  }
  const json& by_txn = get(r, "latency_ms").value("by_txn", json::object());
  if (!by_txn.empty()) {
    s += fmt::format("\n  {:<6} {:>10} {:>10} {:>10} {:>10} {:>9}   latency ms\n", "txn", "p50", "p95", "p99", "max", "count");
    for (const auto& [k, x] : by_txn.items())
      s += fmt::format("  {:<6} {:>10} {:>10} {:>10} {:>10} {:>9}\n", k, num(x.value("p50", json())),
                       num(x.value("p95", json())), num(x.value("p99", json())), num(x.value("max", json())),
                       num(x.value("count", json())));
  }
  return s;
}

}  // namespace yibao::sim
