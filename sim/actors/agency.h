// The handling agency (医保经办机构) of a live drill (DOMAIN.md §7.1, §7.3, §11.14–15, §11.18): one
// SimGrid actor on the core host that sends the Admin calls a municipal centre's own counters make,
// through the live bridge (LiveBridge::admin: the core's clock set to the simulated second first):
//   - enrolment changes (Admin.UpsertPersons): an employee in service retires (psn_type 1101 →
//     1102), a retired employee's enrolment is stopped (4), a resident is granted medical
//     assistance (maf_group DB), or a resident already assisted is stopped;
//   - chronic-disease filings (Admin.UpsertFilings, 2503) for persons without one;
//   - resident premiums (Admin.CollectPremium): a lapsed resident pays through the year's end, one
//     paid up pays the next year ahead (the presets have no lapsed residents by default);
//   - manual reimbursements (Admin.ManualReimburse, infno MR01) of offline visits the patients
//     claimed at the agency (scenario backfill.manual): reviewed backfill.review after the care.
// Each goes out on a working day (Monday to Friday) inside the agency's hours; a refusal by a
// switchover window (E_SWITCHOVER) is queued and sent again at the window's end (yb-retry-after,
// moved into the hours), applying from then on; a call the core did not answer is sent again 5
// minutes later (the same request: ManualReimburse is idempotent by claim_no, an upsert and a
// premium paid through the same date are harmless twice: the core refuses the second premium
// with E_STATE, counted as applied).
//
// Staleness (DOMAIN.md §11.15): settlements made for a person while a change of theirs was queued
// stand as priced. For each such settlement the agency prices the visit twice with the real
// calculator (models::settle): with the person as they stood and with the change; the figure is
// the count whose amounts differ and the difference in fen (a stopped enrolment: the whole fund
// and account payment). To know the care year's accumulators before each settlement, the agency
// keeps a shadow of every changed person from the run's start (the population's opening
// accumulators plus the deltas of their settlements in this run, priced the same way); a shadow
// whose as-is price differs from the core's reply (a line refused at upload, a relative's
// mutual-aid balance spent elsewhere, a cancel) is dropped and its settlements counted
// `unreproduced`, never guessed.
//
// Thread safety: engine thread only (the sites and the agency's actor run one at a time).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "models/calculator.h"
#include "models/policy.h"
#include "models/population.h"
#include "models/workload.h"
#include "sim/metrics.h"
#include "sim/scenario.h"
#include "yibao/settlement/v1/admin.pb.h"

namespace simgrid::s4u {
class Host;
}

namespace yibao::sim {

class LiveBridge;

// An offline visit claimed by manual reimbursement: the request the agency will enter (claim_no,
// person, facility, visit number, care times, invoice lines) and what the patient paid.
struct ManualClaim {
  settlement::v1::ManualReimburseRequest request;
  int64_t paid_fen = 0;
  double care_s = 0;
};

// A settlement a site saw acknowledged for a person the agency changes (Agency::tracks).
struct SettledVisit {
  uint32_t facility = 0;  // population index
  models::CareKind kind = models::CareKind::kGeneralOutpatient;
  CivilTime care;
  const std::vector<models::FeePlanModel>* plans = nullptr;  // every line of the visit
  size_t plans_used = 0;  // plans [0, plans_used) were sent
  int64_t fund_pay = 0, acct_pay = 0, cash_pay = 0;  // the core's reply
};

struct AgencyContext {
  const models::Population* population = nullptr;
  const models::PolicyBook* policies = nullptr;
  Metrics* metrics = nullptr;
  LiveBridge* bridge = nullptr;
  CivilTime civil_start;
  double end_s = 0;  // nothing is sent at or after this simulated second (pending at the horizon)
  uint64_t seed = 1;
  AgencySpec spec;
  double review_s = 20 * 86400.0;
};

class Agency {
 public:
  explicit Agency(AgencyContext ctx);

  // Creates the agency's actor (a daemon: it ends with the sites) on `host`. Once.
  void start(simgrid::s4u::Host* host);
  // A site hands over a claim at simulated time `now` (care + review, moved into the hours).
  void claim(ManualClaim c, double now);
  // Whether a settlement of `psn_no` matters to the staleness figure; then settled() prices it.
  bool tracks(const std::string& psn_no) const { return shadows_.count(psn_no) != 0; }
  void settled(const std::string& psn_no, const SettledVisit& v, double now);
  // A cancel or reversal of a tracked person's settlement: their shadow is dropped.
  void undone(const std::string& psn_no);
  // Whether `psn_no`'s enrolment was stopped by the agency and the core has it by `now`: the
  // person left the scheme (moved away, deceased) and makes no more visits in the run. Between
  // the stop's intent and its application (a window queued it) they still come: the staleness.
  bool departed(const std::string& psn_no, double now) const;

  // result.json `agency` (the calls by kind, queued and re-sent, pending, refusals, staleness).
  nlohmann::json report() const;

 private:
  enum class Kind : uint8_t { kChange, kFiling, kPremium, kManual };
  struct Job {
    Kind kind = Kind::kChange;
    double due_s = 0;
    uint64_t seq = 0;
    size_t index = 0;  // into changes_ (kChange, kFiling, kPremium) or claims_ (kManual)
    bool operator>(const Job& o) const { return due_s != o.due_s ? due_s > o.due_s : seq > o.seq; }
  };
  struct Change {
    uint64_t person = 0;
    std::string what;            // "retire", "stop", "assistance", "chronic_filing", "premium"
    models::Person changed;      // kChange: the person after it
    double planned_s = 0;        // first sent
    double queued_s = -1;        // first refused by a window (-1: never)
    double applied_s = -1;       // acknowledged (-1: not yet)
    int failures = 0;            // sends left unanswered
  };
  struct Shadow {
    size_t change = 0;           // into changes_
    models::Accumulators acc;
    int32_t year = 0;
    Fen balc;
    bool dropped = false;
  };
  struct KindCounts {
    uint64_t planned = 0, applied = 0, queued = 0, resent_applied = 0, refused = 0, pending = 0, failed = 0;
    std::map<std::string, uint64_t> refused_by_reason;
    std::vector<double> queue_wait_s;  // first refusal → applied
  };

  void run();
  void plan_day(int64_t day_index);
  double in_hours(double t) const;  // t, or the next opening of a working day
  void push(Kind kind, size_t index, double due_s);
  void send(const Job& job, double now);
  // Outcome bookkeeping of one send: true when done (applied or refused), false when re-queued.
  bool settle_outcome(const Job& job, Change* change, KindCounts& k, int code, const std::string& reason,
                      const std::string& retry_after, double now);
  // The visit priced for `person` (with a chronic filing when `filing`) on the shadow's state.
  std::optional<models::Settlement> price(const models::Person& person, bool filing, const Shadow& sh,
                                          const SettledVisit& v, uint64_t index) const;
  KindCounts& counts(Kind kind, const std::string& what);

  AgencyContext ctx_;
  std::vector<Change> changes_;
  std::vector<ManualClaim> claims_;
  std::vector<double> claim_queued_s_;  // per claim: first refused by a window (-1: never)
  std::vector<int> claim_failures_;     // per claim: sends left unanswered
  std::priority_queue<Job, std::vector<Job>, std::greater<Job>> jobs_;
  uint64_t seq_ = 0;
  std::unordered_map<std::string, Shadow> shadows_;  // by psn_no
  std::unordered_set<uint64_t> drawn_;               // persons given a change (population index)
  std::map<std::string, KindCounts> by_what_;        // "retire", ..., "manual"
  // Staleness.
  uint64_t stale_settlements_ = 0;  // settled while a change of the person was queued
  uint64_t altered_ = 0;            // of them, priced differently with the change
  int64_t fund_diff_fen_ = 0;       // Σ (fund + account paid) − (what the change would have paid)
  int64_t abs_diff_fen_ = 0;
  uint64_t unreproduced_ = 0;
  uint64_t repriced_ok_ = 0;        // tracked settlements whose shadow price equals the core's
};

}  // namespace yibao::sim
