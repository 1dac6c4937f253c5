// The section readers of a scenario file (sim/scenario_internal.h); the reference of every key
// is scenarios/README.md, which must change with this file.
#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "sim/scenario_internal.h"

namespace yibao::sim::scenario_detail {

namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

bool has_digit_port(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size() || colon == 0) return false;
  return address.find_first_not_of("0123456789", colon + 1) == std::string::npos;
}

void read_dates(Readers& in, const YAML::Node& m, std::string_view key, std::vector<CivilDate>& out) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !in.r.seq(n, key)) return;
  for (const auto& e : n) {
    CivilDate d;
    if (!in.v.date_of(e, key, d)) return;
    if (std::find(out.begin(), out.end(), d) != out.end()) return in.r.fail(e, std::string(key) + ": " + e.Scalar() + " is listed twice");
    out.push_back(d);
  }
}

}  // namespace

void read_scale(Readers& in, const YAML::Node& n, ScaleSpec& out) {
  if (!in.r.map(n, "scale", {"preset", "presets_file", "persons", "county_nodes", "year", "links", "standby_fep"})) return;
  in.r.text(n, "preset", out.preset);
  in.r.text(n, "presets_file", out.presets_file);
  uint64_t persons = 0;
  if (n["persons"] && in.v.count_of(n["persons"], "persons", persons, 1, 10'000'000'000ULL)) out.persons = persons;
  int32_t county_nodes = 0;
  if (n["county_nodes"]) {
    in.r.integer(n, "county_nodes", county_nodes, 1, 100000);
    out.county_nodes = county_nodes;
  }
  int32_t year = 0;
  if (n["year"]) {
    in.r.integer(n, "year", year, 2000, 2100);
    out.year = year;
  }
  in.r.boolean(n, "standby_fep", out.standby_fep);
  const YAML::Node links = n["links"];
  if (!links || !in.r.seq(links, "links")) return;
  for (const auto& l : links) {
    if (!in.r.map(l, "a link override", {"class", "bandwidth", "latency"}) || !in.r.require(l, "class")) return;
    LinkOverride o;
    in.v.one_of(l, "class", o.link_class,
                {"fep_county", "village", "pharmacy", "county_municipal", "municipal_core", "private_line", "lan"});
    if (!in.r.ok()) return;
    if (!l["bandwidth"] && !l["latency"]) return in.r.fail(l, "link " + o.link_class + " overrides neither bandwidth nor latency");
    for (const LinkOverride& seen : out.links) {
      if (seen.link_class == o.link_class) return in.r.fail(l["class"], "link class " + o.link_class + " is overridden twice");
    }
    double bandwidth = 0, latency = 0;
    if (l["bandwidth"]) {
      in.v.bandwidth(l, "bandwidth", bandwidth);
      o.bandwidth_bps = bandwidth;
    }
    if (l["latency"]) {
      in.v.duration(l, "latency", latency, non_negative());
      o.latency_s = latency;
    }
    out.links.push_back(o);
  }
}

void read_clock(Readers& in, const YAML::Node& n, ClockSpec& out) {
  if (!in.r.map(n, "clock", {"start", "duration", "warmup", "holidays", "makeup_days"}) || !in.r.require(n, "start")) return;
  in.v.civil(n, "start", out.start);
  in.v.duration(n, "duration", out.duration_s, positive());
  in.v.duration(n, "warmup", out.warmup_s, non_negative());
  if (in.r.ok() && n["warmup"] && out.warmup_s >= out.duration_s)
    return in.r.fail(n["warmup"], "warmup (" + show(out.warmup_s) + " s) must be shorter than the duration (" +
                                      show(out.duration_s) + " s)");
  read_dates(in, n, "holidays", out.holidays);
  read_dates(in, n, "makeup_days", out.makeup_days);
  if (!in.r.ok() || !n["makeup_days"]) return;
  size_t i = 0;
  for (const auto& e : n["makeup_days"]) {
    const CivilDate d = out.makeup_days[i++];
    if (weekday(d) < 5) return in.r.fail(e, "makeup_days: " + e.Scalar() + " is not a Saturday or Sunday");
    if (std::find(out.holidays.begin(), out.holidays.end(), d) != out.holidays.end())
      return in.r.fail(e, "makeup_days: " + e.Scalar() + " is also a holiday");
  }
}

void read_workload(Readers& in, const YAML::Node& n, WorkloadSpec& out) {
  if (!in.r.map(n, "workload", {"volume_factor", "outpatient", "pharmacy", "inpatient", "card_read_failure",
                                "max_facilities", "max_visits", "in_house_at_start"}))
    return;
  in.v.number(n, "volume_factor", out.volume_factor, Range{0, 10000, true, "in (0, 10000]"});
  in.r.boolean(n, "outpatient", out.outpatient);
  in.r.boolean(n, "pharmacy", out.pharmacy);
  in.r.boolean(n, "inpatient", out.inpatient);
  in.v.number(n, "card_read_failure", out.card_read_failure, share());
  uint64_t max_facilities = out.max_facilities;
  in.v.count(n, "max_facilities", max_facilities, 0, std::numeric_limits<uint32_t>::max());
  out.max_facilities = static_cast<uint32_t>(max_facilities);
  in.v.count(n, "max_visits", out.max_visits, 0, kU64Max);
  in.r.boolean(n, "in_house_at_start", out.in_house_at_start);
  if (in.r.ok() && !out.outpatient && !out.pharmacy && !out.inpatient)
    in.r.fail(n, "workload turns off every visit kind (outpatient, pharmacy, inpatient)");
}

void read_core(Readers& in, const YAML::Node& n, CoreSpec& out) {
  if (!in.r.map(n, "core", {"calibration", "address", "admin_token_file", "ledger", "policy", "channels",
                            "settle_deadline", "query_deadline", "retries", "clock"}))
    return;
  in.r.text(n, "calibration", out.calibration);
  in.r.text(n, "address", out.address);
  if (in.r.ok() && n["address"] && !has_digit_port(out.address))
    return in.r.fail(n["address"], "address: '" + out.address + "' is not HOST:PORT");
  in.r.text(n, "admin_token_file", out.admin_token_file);
  if (in.r.ok() && n["admin_token_file"] && !n["address"])
    return in.r.fail(n["admin_token_file"], "admin_token_file is for a running core: it needs core.address");
  in.r.text(n, "ledger", out.ledger);
  if (in.r.ok() && n["ledger"] && n["address"])
    return in.r.fail(n["ledger"], "ledger is for a core yibao-sim starts: it cannot go with core.address");
  in.r.text(n, "policy", out.policy);
  in.r.integer(n, "channels", out.channels, 1, 256);
  in.v.duration(n, "settle_deadline", out.settle_deadline_s, positive());
  in.v.duration(n, "query_deadline", out.query_deadline_s, positive());
  in.r.integer(n, "retries", out.retries, 0, 10);
  in.v.one_of(n, "clock", out.clock, {"wall", "admin"});
}

void read_pace(Readers& in, const YAML::Node& n, std::vector<PaceSpan>& out) {
  if (!in.r.seq(n, "pace")) return;
  if (n.size() == 0) return in.r.fail(n, "pace is empty: give one span, e.g. [{speed: 60}]");
  for (const auto& p : n) {
    if (!in.r.map(p, "a pace span", {"from", "speed", "kind", "lag_tolerance"})) return;
    PaceSpan span;
    span.line = p.Mark().line + 1;
    span.kind.clear();
    if (p["from"]) {
      CivilTime from;
      if (in.v.civil_of(p["from"], "from", from)) span.from = from;
    } else if (!out.empty()) {
      return in.r.fail(p, "pace span " + std::to_string(out.size() + 1) +
                              " needs a from (only the first span may omit it: it starts at clock.start)");
    }
    if (!in.r.ok()) return;
    if (span.from && !out.empty() && out.back().from && !(*out.back().from < *span.from))
      return in.r.fail(p["from"], "from: " + format_iso(*span.from) + " must come after the previous span's from (" +
                                      format_iso(*out.back().from) + ")");
    in.v.one_of(p, "kind", span.kind, {"live", "accelerated", "max"});
    if (!in.r.ok()) return;
    if (span.kind == "max") {
      // Unpaced: no speed, no wall lag (sim/live/pacer.h).
      if (p["speed"]) return in.r.fail(p["speed"], "a max span runs unpaced: it takes no speed");
      if (p["lag_tolerance"])
        return in.r.fail(p["lag_tolerance"], "a max span runs unpaced: it has no wall lag, so no lag_tolerance");
      span.speed = 0;
      out.push_back(span);
      continue;
    }
    in.v.number(p, "speed", span.speed, Range{0, 1e6, true, "in (0, 1000000]"});
    if (!in.r.ok()) return;
    if (span.kind.empty()) span.kind = span.speed == 1 ? "live" : "accelerated";
    if (span.kind == "live" && span.speed != 1)
      return in.r.fail(p["speed"], "a live span runs at speed 1; say kind: accelerated for speed " + show(span.speed));
    if (span.kind == "accelerated" && !p["speed"]) return in.r.fail(p, "an accelerated span needs a speed");
    double lag_s = span.lag_tolerance_ms / 1000;
    in.v.duration(p, "lag_tolerance", lag_s, positive());
    span.lag_tolerance_ms = lag_s * 1000;
    out.push_back(span);
  }
}

void read_switchover(Readers& in, const YAML::Node& n, std::vector<SwitchoverSpec>& out) {
  if (!in.r.seq(n, "switchover")) return;
  for (const auto& w : n) {
    if (!in.r.map(w, "a switchover window", {"scope", "from", "to", "announced"})) return;
    if (!in.r.require(w, "from") || !in.r.require(w, "to")) return;
    SwitchoverSpec spec;
    spec.line = w.Mark().line + 1;
    in.v.one_of(w, "scope", spec.scope, {"card_settlement", "insurance_business", "premium_channels"});
    in.v.civil_of(w["from"], "from", spec.from);
    in.v.civil_of(w["to"], "to", spec.to);
    in.r.boolean(w, "announced", spec.announced);
    if (!in.r.ok()) return;
    if (!(spec.from < spec.to))
      return in.r.fail(w["to"], "to: " + format_iso(spec.to) + " must come after from (" + format_iso(spec.from) + ")");
    out.push_back(spec);
  }
}

namespace {

// An entry's optional `until`, after `at`; false (the reader failed) when it is not.
bool read_until(Readers& in, const YAML::Node& f, CivilTime at, std::optional<CivilTime>& out) {
  if (!f["until"]) return true;
  CivilTime until;
  if (!in.v.civil_of(f["until"], "until", until)) return false;
  if (!(at < until)) {
    in.r.fail(f["until"], "until: " + format_iso(until) + " must come after at (" + format_iso(at) + ")");
    return false;
  }
  out = until;
  return true;
}

void read_suspension(Readers& in, const YAML::Node& f, std::vector<SuspensionSpec>& out) {
  if (!in.r.map(f, "a suspension", {"at", "suspend", "mode", "facility", "dept", "person", "until", "reason"})) return;
  if (!in.r.require(f, "at")) return;
  SuspensionSpec spec;
  spec.line = f.Mark().line + 1;
  in.v.one_of(f, "suspend", spec.scope, {"facility", "department", "person", "chain"});
  if (spec.scope == "chain") return in.r.fail(f["suspend"], "suspend: chain is not built yet (the population has no chains)");
  const YAML::Node at = f["at"];
  if (at.IsMap()) {
    if (!in.r.map(at, "at", {"between"}) || !in.r.require(at, "between")) return;
    const YAML::Node b = at["between"];
    if (!b.IsSequence() || b.size() != 2) return in.r.fail(b, "between: give two civil times, [from, to]");
    if (!in.v.civil_of(b[0], "between", spec.at) || !in.v.civil_of(b[1], "between", spec.at_to)) return;
    if (!(spec.at < spec.at_to))
      return in.r.fail(b, "between: " + format_iso(spec.at_to) + " must come after " + format_iso(spec.at));
  } else {
    if (!in.v.civil_of(at, "at", spec.at)) return;
    spec.at_to = spec.at;
  }
  in.v.one_of(f, "mode", spec.mode, {"refuse", "terminate", "hold"});
  if (spec.mode != "refuse" && spec.scope != "facility")
    return in.r.fail(f["mode"], "mode: " + spec.mode + " is for a facility, not a " + spec.scope);
  if (spec.scope == "person") {
    if (!in.r.require(f, "person")) return;
    if (f["person"].IsMap()) {
      if (!in.r.map(f["person"], "person", {"in_ward"}) || !in.r.require(f["person"], "in_ward")) return;
      in.r.boolean(f["person"], "in_ward", spec.person_in_ward);
      if (in.r.ok() && !spec.person_in_ward) return in.r.fail(f["person"], "person: give a psn_no or {in_ward: true}");
    } else {
      in.r.text(f, "person", spec.person);
    }
    if (f["facility"] || f["dept"]) return in.r.fail(f, "a person's suspension names no facility or dept");
  } else {
    if (!in.r.require(f, "facility")) return;
    const YAML::Node fac = f["facility"];
    if (fac.IsMap()) {
      if (!in.r.map(fac, "facility", {"type"}) || !in.r.require(fac, "type")) return;
      in.v.one_of(fac, "type", spec.facility_type, {"village", "primary", "level1", "level2", "level3", "pharmacy"});
    } else {
      in.r.text(f, "facility", spec.facility);
    }
    if (f["person"]) return in.r.fail(f["person"], "a " + spec.scope + "'s suspension names no person");
    if (f["dept"]) {
      if (spec.scope != "department") return in.r.fail(f["dept"], "dept is for suspend: department");
      in.r.text(f, "dept", spec.dept);
    }
  }
  if (!read_until(in, f, spec.at_to, spec.until)) return;
  in.r.text(f, "reason", spec.reason);
  if (!in.r.ok()) return;
  out.push_back(spec);
}

// A cut path: `fep`, `line`, `link` or `host` (NetworkFaultSpec).
void read_cut(Readers& in, const YAML::Node& f, std::vector<NetworkFaultSpec>& out) {
  NetworkFaultSpec spec;
  for (const char* kind : {"fep", "line", "link", "host"})
    if (f[kind]) spec.kind = kind;
  const bool fep = spec.kind == "fep";
  const std::string what = "a " + spec.kind + " fault";
  if (!(fep ? in.r.map(f, what, {"at", "fep", "detect", "patience", "switch", "repair"})
            : in.r.map(f, what, {"at", spec.kind, "detect", "patience", "until"})) ||
      !in.r.require(f, "at"))
    return;
  spec.line = f.Mark().line + 1;
  in.v.civil_of(f["at"], "at", spec.at);
  const YAML::Node target = f[spec.kind];
  if (target.IsMap()) {
    if (spec.kind != "fep" && spec.kind != "line")
      return in.r.fail(target, spec.kind + ": give its name (a " + (spec.kind == "link" ? "link" : "site") + " of the topology)");
    if (!in.r.map(target, spec.kind, {"type"}) || !in.r.require(target, "type")) return;
    in.v.one_of(target, "type", spec.facility_type, {"village", "primary", "level1", "level2", "level3", "pharmacy"});
  } else {
    in.r.text(f, spec.kind, spec.target);
    if (in.r.ok() && spec.target.empty()) return in.r.fail(target, spec.kind + ": give a name");
  }
  spec.patience_s = fep ? 1800 : 0;
  in.v.duration(f, "detect", spec.detect_s, Range{0, 86400, false, "in [0, 24h]"});
  in.v.duration(f, "patience", spec.patience_s, Range{0, 86400, false, "in [0, 24h]"});
  if (fep) {
    in.v.duration(f, "switch", spec.switch_s, Range{0, 7 * 86400, false, "in [0, 7 days]"});
    if (f["repair"]) {
      double repair = 0;
      in.v.duration(f, "repair", repair, Range{0, 30 * 86400, true, "in (0, 30 days]"});
      spec.repair_s = repair;
    }
  } else if (!read_until(in, f, spec.at, spec.until)) {
    return;
  }
  if (!in.r.ok()) return;
  out.push_back(spec);
}

// A card-reader storm: `card_reader` (the share of reads that fail), `at`, `until`, `facility: {type: T}`.
void read_card_storm(Readers& in, const YAML::Node& f, std::vector<CardStormSpec>& out) {
  if (!in.r.map(f, "a card_reader fault", {"at", "card_reader", "until", "facility"}) || !in.r.require(f, "at")) return;
  CardStormSpec spec;
  spec.line = f.Mark().line + 1;
  in.v.civil_of(f["at"], "at", spec.at);
  in.v.number(f, "card_reader", spec.failure, Range{0, 1, true, "in (0, 1]"});
  if (f["facility"]) {
    const YAML::Node fac = f["facility"];
    if (!fac.IsMap()) return in.r.fail(fac, "facility: give {type: T} (a storm hits every facility of a type, or all)");
    if (!in.r.map(fac, "facility", {"type"}) || !in.r.require(fac, "type")) return;
    in.v.one_of(fac, "type", spec.facility_type, {"village", "primary", "level1", "level2", "level3", "pharmacy"});
  }
  if (!read_until(in, f, spec.at, spec.until)) return;
  if (!in.r.ok()) return;
  out.push_back(spec);
}

}  // namespace

void read_faults(Readers& in, const YAML::Node& n, std::vector<FaultSpec>& out, std::vector<SuspensionSpec>& suspensions,
                 std::vector<NetworkFaultSpec>& cuts, std::vector<CardStormSpec>& storms) {
  if (!in.r.seq(n, "faults")) return;
  for (const auto& f : n) {
    if (f.IsMap()) {
      if (f["card_reader"]) {
        read_card_storm(in, f, storms);
        if (!in.r.ok()) return;
        continue;
      }
      if (f["fep"] || f["line"] || f["link"] || f["host"]) {
        read_cut(in, f, cuts);
        if (!in.r.ok()) return;
        continue;
      }
      if (f["suspend"]) {
        read_suspension(in, f, suspensions);
        if (!in.r.ok()) return;
        continue;
      }
    }
    if (f.IsMap() && (f["slow"] || f["lose_replies"])) {
      const bool slow = static_cast<bool>(f["slow"]);
      if (!in.r.map(f, "a fault", {"at", slow ? "slow" : "lose_replies", slow ? "latency" : "count", "until"})) return;
      if (!in.r.require(f, "at") || (slow && !in.r.require(f, "latency"))) return;
      FaultSpec spec;
      spec.kind = slow ? "slow" : "lose_replies";
      spec.line = f.Mark().line + 1;
      in.v.civil_of(f["at"], "at", spec.at);
      in.r.text(f, spec.kind, spec.call);
      if (in.r.ok() && spec.call.size() > 40) return in.r.fail(f[spec.kind], spec.kind + ": a call kind is at most 40 characters");
      if (slow) {
        double s = 0;
        in.v.duration(f, "latency", s, Range{0, 60, true, "in (0, 60s]"});
        spec.latency_ms = s * 1000;
      } else if (f["count"]) {
        uint64_t c = 0;
        in.v.count(f, "count", c, 0, 1'000'000);
        spec.count = static_cast<int64_t>(c);
      }
      if (!read_until(in, f, spec.at, spec.until)) return;
      if (!in.r.ok()) return;
      out.push_back(spec);
      continue;
    }
    if (!in.r.map(f, "a fault", {"at", "kill", "down"})) return;
    if (!in.r.require(f, "at") || !in.r.require(f, "kill")) return;
    FaultSpec spec;
    spec.line = f.Mark().line + 1;
    in.v.civil_of(f["at"], "at", spec.at);
    in.v.one_of(f, "kill", spec.kill, {"core"});
    in.v.duration(f, "down", spec.down_s, positive());
    if (!in.r.ok()) return;
    out.push_back(spec);
  }
}

// `hours: ["08:00", "17:30"]` of `n` (when present) into seconds of the civil day.
void read_hours(Readers& in, const YAML::Node& n, const char* who, double& open_s, double& close_s) {
  const YAML::Node h = n["hours"];
  if (!h) return;
  if (!h.IsSequence() || h.size() != 2)
    return in.r.fail(h, std::string("hours: give ") + who + "' opening and closing, [\"08:00\", \"17:30\"]");
  double at[2] = {0, 0};
  for (size_t i = 0; i < 2; ++i) {
    const std::string text = h[i].IsScalar() ? h[i].as<std::string>() : std::string();
    int hh = -1, mm = -1;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%d:%d%c", &hh, &mm, &tail) != 2 || hh < 0 || hh > 24 || mm < 0 || mm > 59 ||
        (hh == 24 && mm != 0))
      return in.r.fail(h[i], "hours: " + text + " is not a time of day (HH:MM)");
    at[i] = hh * 3600.0 + mm * 60.0;
  }
  if (!(at[0] < at[1])) return in.r.fail(h, std::string("hours: ") + who + " close after they open");
  open_s = at[0];
  close_s = at[1];
}

void read_backfill(Readers& in, const YAML::Node& n, BackfillSpec& out) {
  if (!in.r.map(n, "backfill", {"rate_per_hour", "hours", "abandoned", "manual", "review"})) return;
  const Range rate{0, 3600, true, "in (0, 3600]"};
  const YAML::Node r = n["rate_per_hour"];
  if (r && r.IsMap()) {  // per facility type, with `default` for the others
    if (!in.r.map(r, "rate_per_hour", {"default", "village", "primary", "level1", "level2", "level3", "pharmacy"})) return;
    for (const auto& kv : r) {
      const std::string type = kv.first.as<std::string>();
      double v = 0;
      if (!in.v.number_of(kv.second, "rate_per_hour." + type, v, rate)) return;
      if (type == "default") out.rate_per_hour = v;
      else out.rate_by_type[type] = v;
    }
  } else {
    in.v.number(n, "rate_per_hour", out.rate_per_hour, rate);
  }
  read_hours(in, n, "the counters", out.open_s, out.close_s);
  in.v.number(n, "abandoned", out.abandoned, share());
  in.v.number(n, "manual", out.manual, share());
  in.v.duration(n, "review", out.review_s, Range{0, 366 * 86400.0, true, "in (0, 366 days]"});
  if (in.r.ok() && out.abandoned + out.manual > 1)
    return in.r.fail(n["manual"], "manual: abandoned + manual is at most 1 (the rest is back-filled at the counters)");
}

void read_agency(Readers& in, const YAML::Node& n, AgencySpec& out) {
  if (!in.r.map(n, "agency", {"hours", "enrolment_changes_per_day", "filings_per_day", "premiums_per_day", "premium_fen"}))
    return;
  out.enabled = true;
  read_hours(in, n, "the agency's counters", out.open_s, out.close_s);
  const Range per_day{0, 1e6, false, "in [0, 1000000]"};
  in.v.number(n, "enrolment_changes_per_day", out.changes_per_day, per_day);
  in.v.number(n, "filings_per_day", out.filings_per_day, per_day);
  in.v.number(n, "premiums_per_day", out.premiums_per_day, per_day);
  uint64_t fen = static_cast<uint64_t>(out.premium_fen);
  in.v.count(n, "premium_fen", fen, 1, 100000000);
  out.premium_fen = static_cast<int64_t>(fen);
}

void check_pace(models::YamlReader& r, const YAML::Node& n, const ClockSpec& clock, std::vector<PaceSpan>& pace) {
  if (!r.ok() || pace.empty()) return;
  const CivilTime end = clock.start.plus_seconds(static_cast<int64_t>(clock.duration_s));
  if (pace[0].from && *pace[0].from != clock.start)
    return r.fail(n[0]["from"], "the first pace span starts at clock.start (" + format_iso(clock.start) +
                                    "): omit its from or give that time");
  for (size_t i = 1; i < pace.size(); ++i) {
    const CivilTime from = *pace[i].from;
    if (!(clock.start < from) || !(from < end))
      return r.fail(n[i]["from"], "from: " + format_iso(from) + " lies outside the run (" + format_iso(clock.start) +
                                      " to " + format_iso(end) + ")");
  }
}

bool valid_metric(const std::string& metric, std::string& why) {
  // The keys of result.json whose numbers an SLO may read (sim/result.h).
  static const std::set<std::string> kRoots = {"throughput_per_s", "latency_ms", "core_ms", "counts", "queues",
                                               "money", "measured", "wall_lag_ms", "wall_s", "outage", "suspensions",
                                               "agency"};
  size_t start = 0;
  while (true) {
    const size_t dot = metric.find('.', start);
    const std::string part = metric.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool plain = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!plain) {
      why = "is not a dotted path of names (e.g. latency_ms.2207.p99)";
      return false;
    }
    if (start == 0 && kRoots.count(part) == 0) {
      why.clear();
      for (const std::string& k : kRoots) why += (why.empty() ? "" : ", ") + k;
      why = "does not start with a key of result.json (" + why + ")";
      return false;
    }
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

void read_slos(Readers& in, const YAML::Node& n, std::vector<Slo>& out) {
  if (!in.r.seq(n, "slo")) return;
  for (const auto& e : n) {
    if (!in.r.map(e, "an slo", {"name", "metric", "op", "threshold", "min_samples"}) || !in.r.require(e, "metric") ||
        !in.r.require(e, "threshold"))
      return;
    Slo slo;
    slo.line = e.Mark().line + 1;
    in.r.text(e, "metric", slo.metric);
    std::string why;
    if (in.r.ok() && !valid_metric(slo.metric, why)) return in.r.fail(e["metric"], "metric '" + slo.metric + "' " + why);
    slo.name = slo.metric;
    in.r.text(e, "name", slo.name);
    in.v.one_of(e, "op", slo.op, {"<", "<=", ">", ">=", "=="});
    in.v.number(e, "threshold", slo.threshold, Range{});
    in.v.count(e, "min_samples", slo.min_samples, 0, kU64Max);
    if (!in.r.ok()) return;
    for (const Slo& seen : out) {
      if (seen.name == slo.name) return in.r.fail(e, "two SLOs are named '" + slo.name + "' (give each a name)");
    }
    out.push_back(slo);
  }
}

void read_outputs(Readers& in, const YAML::Node& n, OutputSpec& out) {
  if (!in.r.map(n, "outputs", {"timeseries", "report"})) return;
  in.r.boolean(n, "timeseries", out.timeseries);
  in.r.boolean(n, "report", out.report);
}

void read_mmc(Readers& in, const YAML::Node& n, MmcSpec& out) {
  if (!in.r.map(n, "mmc", {"servers", "arrival_rate", "service_rate", "customers"})) return;
  for (const char* key : {"servers", "arrival_rate", "service_rate", "customers"}) in.r.require(n, key);
  in.r.integer(n, "servers", out.servers, 1, 100000);
  in.v.number(n, "arrival_rate", out.arrival_rate, positive());
  in.v.number(n, "service_rate", out.service_rate, positive());
  in.v.count(n, "customers", out.customers, 1, kU64Max);
  if (in.r.ok() && out.arrival_rate >= out.servers * out.service_rate)
    in.r.fail(n["arrival_rate"], "the station is unstable: arrival_rate " + show(out.arrival_rate) +
                                     " must be below servers × service_rate = " + show(out.servers * out.service_rate));
}

}  // namespace yibao::sim::scenario_detail
