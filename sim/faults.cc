#include "sim/faults.h"

#include <fmt/format.h>

#include <cmath>

#include "models/rng.h"
#include "sim/metrics.h"

namespace yibao::sim {

namespace v1 = settlement::v1;

Result<std::vector<SuspensionOrder>> resolve_suspensions(const std::vector<SuspensionSpec>& specs,
                                                         const models::Population& population,
                                                         const std::vector<uint32_t>& simulated,
                                                         const std::function<std::vector<WardStay>(uint32_t)>& stays,
                                                         CivilTime end, uint64_t seed, const std::string& file) {
  std::vector<SuspensionOrder> out;
  for (size_t i = 0; i < specs.size(); ++i) {
    const SuspensionSpec& s = specs[i];
    auto bad = [&](const std::string& why) {
      return Status(Code::kInvalidArgument, "", fmt::format("{}:{}: {}", file, s.line, why));
    };
    models::Rng rng(seed, models::stream_id("suspension"), i);
    SuspensionOrder o;
    o.line = s.line;
    std::vector<std::string> picked;
    CivilTime at = s.at;
    if (s.at_to.s > s.at.s) {
      at = s.at.plus_seconds(static_cast<int64_t>(rng.below(static_cast<uint64_t>(s.at_to.s - s.at.s))));
      picked.push_back("at " + format_iso(at) + " drawn from " + format_iso(s.at) + " .. " + format_iso(s.at_to));
    }
    v1::SuspendRequest& r = o.request;
    r.set_scope(s.scope);
    r.set_mode(s.mode);
    r.set_reason(fmt::format("{} (scenario line {})", s.reason, s.line));
    r.set_source("city");
    r.set_start(format_iso(at));
    if (s.until) r.set_end(format_iso(*s.until));
    if (s.scope == "person" && s.person_in_ward) {
      std::vector<WardStay> candidates;
      for (uint32_t j : simulated)
        for (const WardStay& w : stays(j))
          if (at < w.discharge && w.discharge < end) candidates.push_back(w);
      if (candidates.empty()) return bad("no warm ward's patient is discharged between " + format_iso(at) + " and the end");
      const WardStay& w = candidates[rng.below(candidates.size())];
      r.set_psn_no(population.psn_no(w.person));
      picked.push_back(fmt::format("person {} (discharged {}) drawn from {} in the wards", r.psn_no(),
                                   format_iso(w.discharge), candidates.size()));
    } else if (s.scope == "person") {
      if (!population.find_psn_no(s.person)) return bad("person " + s.person + " is not in the population");
      r.set_psn_no(s.person);
    } else {
      std::optional<uint32_t> j;
      if (!s.facility_type.empty()) {
        std::vector<uint32_t> of_type;
        for (uint32_t k : simulated)
          if (facility_type_name(population.facility_kind(k)) == s.facility_type) of_type.push_back(k);
        if (of_type.empty()) return bad("no simulated facility is of type " + s.facility_type);
        j = of_type[rng.below(of_type.size())];
        picked.push_back(fmt::format("{} {} drawn from {} simulated", s.facility_type, population.facility_code(*j),
                                     of_type.size()));
      } else {
        j = population.find_facility(s.facility);
        if (!j) return bad("facility " + s.facility + " is not in the population");
      }
      const models::Facility fac = population.facility(*j);
      r.set_fixmedins_code(fac.code);
      if (s.scope == "department") {
        std::string dept = s.dept;
        if (dept.empty()) {
          if (fac.departments.empty()) return bad("facility " + fac.code + " has no department");
          dept = fac.departments.front().code;
        } else {
          bool found = false;
          for (const models::Department& d : fac.departments) found = found || d.code == dept;
          if (!found) return bad("facility " + fac.code + " has no department " + dept);
        }
        r.set_dept_code(dept);
      }
    }
    for (size_t k = 0; k < picked.size(); ++k) o.picked += (k ? "; " : "") + picked[k];
    out.push_back(std::move(o));
  }
  return out;
}

Status open_suspensions(client::ClientPool& pool, const std::vector<SuspensionOrder>& orders, const std::string& file) {
  for (const SuspensionOrder& o : orders) {
    v1::SuspensionReply rep;
    const client::CallResult r = pool.call_sync(&client::AdminAsync::Suspend, o.request, &rep);
    if (!r.ok())
      return Status(Code::kFailedPrecondition, r.reason,
                    fmt::format("{}:{}: the core refused the suspension: {}", file, o.line, r.status.error_message()));
  }
  return Status::Ok();
}

nlohmann::json list_suspensions(client::ClientPool& pool) {
  nlohmann::json out;
  v1::ListSuspensionsReply listed;
  client::CallResult r = pool.call_sync(&client::AdminAsync::ListSuspensions, v1::ListSuspensionsRequest(), &listed);
  if (!r.ok()) return {{"error", "ListSuspensions: " + r.status.error_message()}};
  out["suspensions"] = nlohmann::json::array();
  for (const v1::Suspension& s : listed.suspensions())
    out["suspensions"].push_back({{"suspension_id", s.suspension_id()}, {"scope", s.scope()}, {"mode", s.mode()},
                                  {"fixmedins_code", s.fixmedins_code()}, {"dept_code", s.dept_code()},
                                  {"psn_no", s.psn_no()}, {"start", s.start()}, {"end", s.end()},
                                  {"state", s.state()}, {"reason", s.reason()}});
  v1::ListHeldAmountsReply held;
  r = pool.call_sync(&client::AdminAsync::ListHeldAmounts, v1::ListHeldAmountsRequest(), &held);
  if (!r.ok()) {
    out["error"] = "ListHeldAmounts: " + r.status.error_message();
    return out;
  }
  out["held"] = nlohmann::json::array();
  for (const v1::HeldTotals& h : held.facilities())
    if (h.held() != 0 || h.released() != 0 || h.withheld() != 0)
      out["held"].push_back({{"fixmedins_code", h.fixmedins_code()}, {"held_fen", h.held()},
                             {"released_fen", h.released()}, {"withheld_fen", h.withheld()},
                             {"held_settlements", h.held_settlements()}});
  return out;
}

std::vector<RefusingSuspension> refusing_suspensions(const nlohmann::json& listing) {
  std::vector<RefusingSuspension> out;
  if (!listing.contains("suspensions")) return out;
  for (const nlohmann::json& s : listing["suspensions"]) {
    const std::string mode = s.value("mode", "");
    if (mode != "refuse" && mode != "terminate") continue;
    out.push_back(RefusingSuspension{s.value("suspension_id", ""), s.value("scope", ""), s.value("fixmedins_code", ""),
                                     s.value("dept_code", ""), s.value("psn_no", ""), s.value("start", ""),
                                     s.value("end", "")});
  }
  return out;
}

Injections::Injections(const std::vector<FaultSpec>& faults, CivilTime start) : start_(start) {
  for (const FaultSpec& f : faults) {
    if (f.kind == "kill") continue;
    Item it;
    it.spec = f;
    it.at_s = static_cast<double>(f.at.s - start.s);
    if (f.until) it.until_s = static_cast<double>(f.until->s - start.s);
    items_.push_back(it);
  }
}

std::vector<double> Injections::stops() const {
  std::vector<double> out;
  for (const Item& it : items_) {
    out.push_back(it.at_s);
    if (it.until_s >= 0) out.push_back(it.until_s);
  }
  return out;
}

void Injections::turn(double now, client::ClientPool& pool) {
  auto keep = [&](Item& it, const client::CallResult& r, const char* what) {
    if (r.ok()) return;
    it.error = std::string(what) + ": " + r.status.error_message();
    if (status_.ok()) status_ = Status(Code::kFailedPrecondition, r.reason, fmt::format("{}:{} ", it.spec.line, it.error));
  };
  for (Item& it : items_) {
    if (!it.applied && now >= it.at_s) {
      v1::InjectFaultRequest req;
      req.set_kind(it.spec.call);
      if (it.spec.kind == "slow") {
        req.set_latency_ms(static_cast<int64_t>(std::llround(it.spec.latency_ms)));
      } else {
        req.set_action(v1::InjectFaultRequest::LOSE_REPLY);
        req.set_count(it.spec.count);
      }
      v1::FaultsReply rep;
      keep(it, pool.call_sync(&client::AdminAsync::InjectFault, req, &rep), "InjectFault");
      it.applied = true;
      it.applied_s = now;
    }
    if (it.applied && !it.cleared && it.until_s >= 0 && now >= it.until_s) {
      v1::ClearFaultsRequest req;
      req.set_kind(it.spec.call);
      v1::FaultsReply rep;
      keep(it, pool.call_sync(&client::AdminAsync::ClearFaults, req, &rep), "ClearFaults");
      it.cleared = true;
      it.cleared_s = now;
    }
  }
}

nlohmann::json Injections::report() const {
  nlohmann::json out = nlohmann::json::array();
  auto civil = [&](double t) { return format_iso(start_.plus_seconds(static_cast<int64_t>(std::floor(t)))); };
  for (const Item& it : items_) {
    nlohmann::json f{{it.spec.kind, it.spec.call}, {"at", format_iso(it.spec.at)}};
    if (it.spec.kind == "slow") f["latency_ms"] = it.spec.latency_ms;
    else f["count"] = it.spec.count;
    if (it.spec.until) f["until"] = format_iso(*it.spec.until);
    if (it.applied) f["applied_at"] = civil(it.applied_s);
    if (it.cleared) f["cleared_at"] = civil(it.cleared_s);
    if (!it.error.empty()) f["error"] = it.error;
    out.push_back(f);
  }
  return out;
}

}  // namespace yibao::sim
