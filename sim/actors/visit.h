// A visit in progress inside a SiteActor, and the scripts visits run (DOMAIN.md §3.3, §8.4).
//
// A script is a short list of steps drawn when the visit arrives (delays are drawn then, so a
// visit's timing does not depend on what other visits do): queue at a counter window, card read,
// operator or doctor time, a call to the core, leave the window. The site runs the steps one
// after another; a call step waits for its answer (with deadline, retries and, for money, a
// 2601 when the outcome stays unknown).
// Thread safety: none (one actor owns its visits).
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/entities.h"
#include "models/workload.h"
#include "sim/messages.h"

namespace yibao::sim {

enum class StepKind : uint8_t {
  kQueue,    // wait for a free counter window of the facility
  kRelease,  // leave the window
  kDelay,    // card read, operator time, doctor, a day in hospital (seconds pre-drawn)
  kCall,     // one call to the core
};

struct Step {
  StepKind kind = StepKind::kDelay;
  Rpc rpc = Rpc::kSignIn;  // kCall
  double seconds = 0;      // kDelay
};

struct VisitState {
  uint64_t id = 0;          // site-local, > 0
  uint32_t fac = 0;         // index into the site's facilities
  models::VisitKind kind = models::VisitKind::kOutpatient;
  models::Person person;
  std::string insutype;     // "310" / "390"
  std::vector<Step> script;
  size_t pc = 0;            // next step
  double arrived = 0;
  bool at_window = false;

  // Fee plans: one for an outpatient visit or sale, one per upload of a stay.
  std::vector<models::FeePlanModel> plans;
  size_t next_plan = 0;
  int line_sn = 0;          // feedetl_sn counter of the visit
  std::string rxno;         // prescription number of the visit

  // What the core said so far.
  std::string mdtrt_id;
  int64_t medfee = 0;       // Σ accepted line amounts, fen
  int64_t fund = 0, acct = 0, cash = 0;  // declared split from the pre-settlement
  std::string settle_msgid; // the money-moving call's msgid (for 2601)
  Rpc settle_rpc = Rpc::kSettle;

  // The call in flight.
  uint16_t call_seq = 0;
  Rpc rpc = Rpc::kSignIn;
  std::string msgid;
  std::unique_ptr<google::protobuf::Message> body;  // master copy; each attempt sends a copy
  int attempt = 0;
  double intended = 0;
  bool outstanding = false;
  bool waiting_signin = false;
  bool bad_card = false;
  // A stay across an announced card_settlement window (DOMAIN.md §7.1, §7.3): its insurance
  // admission is back-filled after the window (backfill_flag 1, the true admission time); a stay
  // in progress is first converted to self-pay before the window (2404, `converted`), then
  // admitted again and its fees uploaded again (`readmitted`); discharged inside the window, the
  // patient pays in full (`paid_in_full`) and the discharge keeps its true time.
  bool admission_backfill = false;
  bool converted = false;
  bool readmitted = false;
  bool paid_in_full = false;
  bool discharge_held = false;
  CivilTime discharged;     // the endtime its 2402 sent
  bool side_call = false;   // a call on behalf of another visit (a conversion's 2404): no figures    // a card-reader storm: the first 1101 carries a bad card's serial

  bool failed = false;
  bool reversing = false;
  double cut_wait_from = -1;
  bool presettled_again = false;  // a stale split (E_SUM_MISMATCH) was pre-settled again once  // a cut path: when the patient began to wait for it (-1: never)   // the visit ends with a 2601 of an unknown outcome

  // A stay in progress at the start (make_in_house_script): admitted at `admitted`; its first
  // `warm_steps` steps are the warm-up, whose calls are left out of the figures.
  bool in_house = false;
  CivilTime admitted;
  size_t warm_steps = 0;
  // A back-fill of a visit that went offline during a card_settlement window: its calls carry
  // backfill_flag = 1 and the true care time (DOMAIN.md §7.3).
  bool backfill = false;
  CivilTime care;
  double care_s = 0;        // simulated time of the care
  int64_t owed = 0;         // back-fill settled: fund + account + mutual aid, owed to the patient
  bool settled = false;     // back-fill: its settlement was acknowledged

  // next_plan and line_sn before the call in flight was built (a call built again after a
  // sign-in takes the same fee plan).
  size_t plan_mark = 0;
  int sn_mark = 0;
};

// A visit that went offline during a card_settlement window (the patient paid in full), kept
// by its site until its back-fill (make_backfill_script).
struct OfflineVisit {
  uint32_t fac = 0;  // index into the site's facilities
  models::VisitKind kind = models::VisitKind::kOutpatient;
  models::Person person;
  std::vector<models::FeePlanModel> plans;
  double care_s = 0;  // simulated time of the care (the visit's arrival)
  // The registration the visit had made before it went offline ("" if none): the back-fill
  // cancels it first (2202), so the core holds one visit of the care, the back-filled one.
  std::string open_mdtrt_id;
};

}  // namespace yibao::sim
