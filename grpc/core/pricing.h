// Pricing inside the core: from a visit and its fee lines to a models::Settlement, with the
// visit rules applied (DOMAIN.md §4, §5, §11.17, §11.20-22), and the commit of a settlement or
// its cancellation to the ledger (journal of money, accumulators, balances, funds).
//
// The policy set is the one in force at the care time (outpatient begntime, stay endtime,
// pharmacy sale time); the accumulators are the care year's as they stand now (§11.17); the
// balance is the current one. Writer thread only.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "grpc/core/txn.h"
#include "models/calculator.h"
#include "models/rules.h"

namespace yibao::core {

struct PricingInput {
  const Visit* visit = nullptr;               // kind, med_type, times, diagnoses, cause flags
  const models::Person* person = nullptr;
  const models::Facility* facility = nullptr;
  const std::vector<FeeLineRecord>* lines = nullptr;  // the lines to settle
  bool acct_used = false;
  CivilTime care_time;
  // Overrides of the person's state (manual top-up / claw-back prices as if the settlement it
  // corrects had not been made): the care year's accumulators and the account balance.
  std::optional<models::Accumulators> accumulators;
  std::optional<Fen> balance;
};

struct Priced {
  const models::PolicySet* policy = nullptr;
  models::Settlement s;
  std::vector<models::PricedLine> priced;     // after rule splits (a split line gives two)
  std::vector<models::LineSplit> splits;
  int32_t care_year = 0;
  std::string mulaid_psn_no;                  // whose account paid acct_mulaid_pay
  // The person's state the price was computed on (the care year's accumulators, the balance):
  // the commit of the same request starts from them instead of reading them again.
  models::Accumulators acc_before;
  Fen balance_before;
};

// Runs the visit rules (pharmacy: line and visit rules) and the calculator. Refusals: E_STATE
// when no policy set is in force at the care time, E_RULE_<id> from a rule, E_RULE_NOMAP for a
// line whose item left the catalogue. Warnings and flags go to t.warnings.
Result<Priced> price(Txn& t, const PricingInput& in);

// The care time that prices a visit (§11.17): stays by their discharge (or now before it).
CivilTime care_time_of(const Visit& v, CivilTime now);

// Whether a settlement's lines are already in the ledger (uploaded with 2204/2301: the open lines
// of the visit) or come with the settling request (a pharmacy sale, a manual claim's invoice).
enum class LinesAre { kStored, kNew };

// Writes the settlement of `v` (of `person`, priced as `p`): the record, its lines settled, the
// visit SETTLED, accumulators += delta, balances −= account payments, fund payouts. Fills the reply.
Status commit_settlement(Txn& t, Visit& v, const models::Person& person, std::vector<FeeLineRecord>& lines,
                         LinesAre lines_are, const Priced& p, const char* clr_type, v1::SetlInfo* info,
                         google::protobuf::RepeatedPtrField<v1::SetlDetail>* details);

// Cancels live settlement `setl_id` of the header's facility (2208/2305/2103): a negated record,
// the original marked cancelled, accumulators, balances and funds moved back, the lines
// unsettled and the visit back to `after`. A second cancel of the same original replays the
// first one's reply. `undo_kind` is kSetlCancelled for a cancel, kSetlReversed for a 2601.
Status cancel_settlement_common(Txn& t, const std::string& setl_id, const std::string& mdtrt_id,
                                const std::string& psn_no, VisitKind kind, VisitState after, int32_t undo_kind,
                                v1::SetlInfo* info, google::protobuf::RepeatedPtrField<v1::SetlDetail>* details);

// What the request already read of the record's person (for pricing, in the same savepoint):
// apply_money starts from it instead of reading the person, accumulators and balance again.
struct KnownPerson {
  const models::Person& person;
  const models::Accumulators& acc;  // of the record's care year
  Fen balance;
};

// Applies a settlement record's money: accumulators += acc_delta, balances −= account payments,
// and its fund amounts booked in `fund_column` ("payouts" for a settlement, "reversals" for a
// cancellation, whose negated amounts are booked positive).
Status apply_money(Txn& t, const SettlementRecord& r, const char* fund_column, const KnownPerson* known = nullptr);

// The amounts, pooled ratio, balance after, mutual-aid payer, accumulator delta, policy version and
// detail rows of a record, from a priced settlement.
void set_amounts(SettlementRecord& r, const Priced& p);
// Every Fen amount of a record, for negations (cancels) and differences (manual top-up).
extern const std::array<Fen SettlementRecord::*, 19> kRecordAmounts;

// Makes `r` a new record of this request: a fresh setl_id, the request's msgid and infno, the
// commit time and business day of now, live.
Status stamp_new_record(Txn& t, SettlementRecord& r);

// SetlInfo + setldetail rows of a stored settlement record.
void fill_from_record(const SettlementRecord& r, v1::SetlInfo* info,
                      google::protobuf::RepeatedPtrField<v1::SetlDetail>* details);

// Σ of the lines' amounts.
Fen sum_lines(const std::vector<FeeLineRecord>& lines);

}  // namespace yibao::core
