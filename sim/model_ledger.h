// ModelLedger: the business side of the modelled core (DESIGN.md §5 "Determinism": the modelled
// core prices every visit with the real calculator, accumulators in memory, so money totals
// exist in modelled runs too).
//
// It answers the real request messages of the wire contract with real reply messages: sign-in
// numbers, person look-ups from the generated population, visit ids, fee uploads, and pre- and
// final settlements priced by models::settle() under the policy in force at the care time, with
// the care year's accumulators and the account balances kept per person in memory. It is not a
// second settlement core: it trusts the simulator's requests (no rules, no envelope checks, no
// suspensions) and keeps only what the next call of a visit needs. What it does keep exactly:
//   - a msgid seen before replays its stored answer (retries after a deadline stay harmless);
//   - one live settlement per visit (a second settle is E_STATE), 2601 undoes a settlement;
//   - the identities of every settlement (models::check_identities runs inside settle()).
// Timing is not its business: sim/core_model.* decides when the answer leaves.
//
// Thread safety: none (the core-model actor owns it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/calculator.h"
#include "models/catalog.h"
#include "models/policy.h"
#include "models/population.h"
#include "sim/messages.h"
#include "yibao/settlement/v1/common.pb.h"

namespace yibao::sim {

// Money totals of the settlements the model committed (net of reversals), fen.
struct ModelTotals {
  uint64_t settlements = 0;
  uint64_t reversals = 0;
  int64_t medfee = 0;
  int64_t fund = 0;
  int64_t acct = 0;
  int64_t cash = 0;
};

class ModelLedger {
 public:
  ModelLedger(const models::Population& population, const models::PolicyBook& policies,
              const models::Catalog& catalog);

  // Answers `req` at civil time `now`: sets out.status / reason / body / bytes. Never fails
  // (a request it cannot serve gets a refusal with a reason code, as the core would).
  void answer(const CoreRequest& req, CivilTime now, CoreReply& out);
  // Whether the answer of `rpc` is durable in the real core (then it waits for a group commit).
  static bool journaled(Rpc rpc);

  const ModelTotals& totals() const { return totals_; }

 private:
  struct Line {
    const models::Item* item = nullptr;
    int64_t pric = 0;
    int64_t cnt = 0;
    Fen amount;
  };
  struct Visit {
    uint64_t person = 0;
    uint32_t facility = 0;
    models::CareKind kind = models::CareKind::kGeneralOutpatient;
    CivilTime begin;
    std::vector<Line> lines;
    std::string setl_id;  // live settlement, "" if none
    models::Settlement settled;
  };
  struct PersonMoney {
    Fen balc;
    models::Accumulators acc;
    int32_t year = 0;
  };

  PersonMoney& money_of(uint64_t person, CivilTime care);
  // Prices `v` (pre-settle) or prices and commits it (settle); fills `info`. OK or a refusal.
  Status price(Visit& v, const std::string& mdtrt_id, CivilTime care, bool acct_used, bool commit,
               const std::string& msgid, google::protobuf::Message* reply);
  Status add_lines(Visit& v, const google::protobuf::RepeatedPtrField<settlement::v1::FeeLine>& in,
                   google::protobuf::RepeatedPtrField<settlement::v1::FeeLineResult>* out);
  std::unique_ptr<google::protobuf::Message> dispatch(const CoreRequest& req, CivilTime now, Status& st);

  const models::Population& population_;
  const models::PolicyBook& policies_;
  const models::Catalog& catalog_;
  std::unordered_map<std::string, Visit> visits_;                 // by mdtrt_id
  std::unordered_map<std::string, std::string> settled_by_msgid_;  // settle msgid -> mdtrt_id
  std::unordered_map<uint64_t, PersonMoney> money_;
  struct Stored {
    int status = 0;
    std::string reason;
    std::string bytes;  // serialized reply
  };
  std::unordered_map<std::string, Stored> replies_;  // by msgid
  uint64_t next_id_ = 1;
  ModelTotals totals_;
};

}  // namespace yibao::sim
