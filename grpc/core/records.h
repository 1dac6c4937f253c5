// The ledger's records: what the settlement core stores (DESIGN.md §4 "Ledger").
//
// Plain values, written and read by the single writer thread through Ledger (ledger.h). Amounts
// are Fen, times civil (models/time.h). Enum values are stored in the ledger: never renumber.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/entities.h"
#include "models/money.h"
#include "models/time.h"

namespace yibao::core {

// One journaled message (DOMAIN.md §11.2, §11.9): every request that passed the format and
// sign-in checks, with its reply or refusal; never E_SWITCHOVER; never reads or pre-settlements.
struct JournalEntry {
  std::string msgid;
  std::string fixmedins_code;
  std::string infno;
  std::string payload_hash;     // SHA-256 of the business payload (32 raw bytes)
  int32_t code = 0;             // grpc status code of the reply (0 = OK)
  std::string reason;           // reason code of a refusal
  std::string message;          // refusal sentence
  std::string field;            // yb-field of a refusal
  std::string reply;            // serialized reply message (OK replies)
  CivilTime at;                 // commit time on the core's clock
  // What the message did, for 2601: the settlement or visit it created ("" if nothing).
  std::string effect_setl_id;
  std::string effect_mdtrt_id;
  // 0 live, 1 undone by a reversal, 2 tombstone (a 2601 of a message never seen).
  int32_t state = 0;
  std::string undone_by;        // msgid of the 2601 that undid or tombstoned it
};
inline constexpr int32_t kJournalLive = 0;
inline constexpr int32_t kJournalUndone = 1;
inline constexpr int32_t kJournalTombstone = 2;

// Visit lifecycle (DOMAIN.md §3.3). Never renumber.
enum class VisitState : uint8_t {
  kRegistered = 1,  // outpatient registered / inpatient admitted, no lines yet
  kFeesOpen = 2,    // lines uploaded, unsettled
  kDischarged = 3,  // stays only
  kSettled = 4,
  kVoid = 5,        // 2202 / 2404 / reversal of a 2401
};
// O outpatient (22xx), I inpatient (23xx/24xx), P pharmacy sale (21xx). Never renumber.
enum class VisitKind : uint8_t { kOutpatient = 1, kInpatient = 2, kPharmacy = 3 };

struct Visit {
  std::string mdtrt_id;
  std::string fixmedins_code;
  std::string psn_no;
  models::Insutype insutype = models::Insutype::kResident;
  VisitKind kind = VisitKind::kOutpatient;
  VisitState state = VisitState::kRegistered;
  std::string ipt_otp_no;       // business key, unique per facility among non-VOID visits
  std::string med_type;
  std::string dept_code;        // admission / registration department
  std::string dscg_dept_code;   // discharge department (stays)
  CivilTime begntime;           // true care start
  std::optional<CivilTime> endtime;  // discharge
  std::string diagnoses;        // "code;code;..." main first
  std::string dscg_diagnoses;   // discharge diagnoses (stays)
  int32_t trum_flag = 0;
  int32_t rel_ttp_flag = 0;
  int32_t backfill_flag = 0;
  std::string live_setl_id;     // the live settlement, if SETTLED
  std::string created_msgid;
  int64_t version = 0;          // bumped on every change (2601 needs "unchanged since")
  std::string rxno;             // pharmacy sales: prescription number (unique per facility)
};

// One uploaded fee line (key: mdtrt_id, feedetl_sn).
struct FeeLineRecord {
  std::string mdtrt_id;
  std::string feedetl_sn;
  std::string chrg_bchno;
  std::string med_list_codg;
  std::string medins_list_codg;
  Fen amount;                   // det_item_fee_sumamt
  int64_t cnt = 0;              // ten-thousandths
  int64_t pric = 0;             // millionths of a yuan
  std::string rxno;
  int32_t rx_circ_flag = 0;
  int32_t hosp_appr_flag = 0;
  int32_t selfpay_consent_flag = 0;
  int32_t prd_days = 0;
  int32_t dscg_drug_flag = 0;
  std::string bilg_dept_codg;
  std::optional<CivilTime> fee_ocur_time;
  std::string setl_id;          // settlement that consumed it; empty = unsettled
  std::string payload_hash;     // to tell an identical resend from a changed line
};

// Fund codes of the fund ledger (I10) and of setldetail rows.
inline constexpr const char* kFunds[] = {"POOL", "LARGE", "SI", "CVL", "ENT", "MAF", "ACCT"};

struct SettlementRecord {
  std::string setl_id;
  std::string mdtrt_id;
  std::string fixmedins_code;
  std::string psn_no;
  models::Insutype insutype = models::Insutype::kResident;
  std::string psn_type;
  std::string med_type;
  std::string clr_type;         // "11" outpatient, "21" inpatient, "41" pharmacy
  std::string msgid;            // the settling (or cancelling) message
  std::string infno;
  CivilTime setl_time;          // commit time on the core's clock
  CivilDate business_day;       // day it counts in 3201
  CivilTime care_time;
  int32_t care_year = 0;
  int32_t backfill_flag = 0;
  int32_t refd_setl_flag = 0;   // 1 = a cancellation (negated amounts)
  std::string orig_setl_id;     // for a cancellation: the original
  // 0 live, 1 cancelled (by a 2208/2305/2103), 2 reversed (by 2601). A cancellation record
  // itself stays live unless reversed.
  int32_t state = 0;
  std::string undone_by;        // setl_id of the cancellation or msgid of the reversal
  // Amounts (fen), negated for a cancellation.
  Fen medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, act_pay_dedc;
  Fen hifp_pay, hifob_pay, hifmi_pay, cvlserv_pay, hifes_pay, maf_pay, oth_pay, fund_pay_sumamt;
  Fen psn_part_amt, acct_pay, acct_mulaid_pay, psn_cash_pay, hosp_part_amt;
  int32_t pool_prop = 0;        // applied pooled ratio, ten-thousandths
  Fen balc_after;
  std::string mulaid_psn_no;    // whose account paid acct_mulaid_pay
  models::Accumulators acc_delta;  // what it added to the care year's accumulators (I8)
  std::string policy_version;
  // Detail rows (fund, in-scope seen, room before (-1 none), paid, process text).
  struct Detail {
    std::string fund;
    Fen inscp;
    Fen room_before;
    Fen paid;
    std::string proc_info;
  };
  std::vector<Detail> details;
  std::string reply;            // serialized reply (for a cancel's replay)
};
// clr_type of Admin.ManualReimburse records (manual reimbursement, top-up, claw-back): the
// person is the payee, so they stay outside the facility's 3201/3202 (DOMAIN.md §11.18).
inline constexpr const char* kClrManual = "99";
inline constexpr int32_t kSetlLive = 0;
inline constexpr int32_t kSetlCancelled = 1;
inline constexpr int32_t kSetlReversed = 2;

// An operator's sign-in (9001): per (facility, operator), superseded by a new one, expires at
// the end of its civil day (DOMAIN.md §11.3).
struct SignIn {
  std::string fixmedins_code;
  std::string opter;
  std::string sign_no;
  CivilTime at;
  bool signed_out = false;
};

struct FundTotals {
  std::string fund;
  Fen opening, premiums, payouts, reversals;
  Fen closing() const { return opening + premiums - payouts + reversals; }
};

// A switchover window (DOMAIN.md §7.1, §11.14): inside [start, end) on the core's clock the calls
// of its scope are refused with E_SWITCHOVER; CloseWindow moves `end` to the time it was closed.
// Scope values are stored in the ledger: never renumber.
enum class WindowScope : uint8_t {
  kCardSettlement = 1,     // every call that writes a visit or moves money (2201-2208, 2301-2305, ...)
  kInsuranceBusiness = 2,  // filings 2501-2507, enrolment changes (Admin person upserts, filings)
  kPremiumChannels = 3,    // resident premium collection (Admin.CollectPremium)
};
struct SwitchoverWindow {
  std::string id;          // "W1", "W2", ... (sequence "window")
  WindowScope scope = WindowScope::kCardSettlement;
  CivilTime start;
  CivilTime end;           // exclusive; > start unless closed before it began (then = start)
  std::string note;        // free text (the notice it comes from)
  CivilTime opened_at;     // core clock when OpenWindow was committed
  std::optional<CivilTime> closed_at;  // core clock when CloseWindow was committed
};

// A suspension (DOMAIN.md §6, §11.10–12): [start, end) on the core's clock, effective to the
// second; LiftSuspension moves `end` to the time it was lifted. Scope and mode values are stored
// in the ledger: never renumber.
enum class SuspensionScope : uint8_t {
  kFacility = 1,    // fixmedins_code
  kDepartment = 2,  // fixmedins_code + dept_code
  kChain = 3,       // chain_code: every facility of the chain
  kPerson = 4,      // psn_no
};
enum class SuspensionMode : uint8_t {
  kRefuse = 1,     // money-moving calls refused (E_FAC_/E_DEPT_/E_PSN_SUSPENDED)
  kTerminate = 2,  // agreement terminated: refused with E_FAC_TERMINATED (facility, chain)
  kHold = 3,       // facility under investigation: settles, what is owed to it is held (§11.12)
};
struct Suspension {
  std::string id;          // "S1", "S2", ... (sequence "suspension")
  SuspensionScope scope = SuspensionScope::kFacility;
  SuspensionMode mode = SuspensionMode::kRefuse;
  std::string fixmedins_code;  // facility and department scopes
  std::string dept_code;       // department scope
  std::string chain_code;      // chain scope
  std::string psn_no;          // person scope
  std::string reason;          // free text (the offence, the notice)
  std::string source;          // "county", "city" or "province"
  CivilTime start;
  std::optional<CivilTime> end;        // exclusive; none = until lifted
  CivilTime created_at;                // core clock when Suspend was committed
  std::optional<CivilTime> lifted_at;  // core clock when LiftSuspension was committed
};

// What is owed to a facility for one settlement made under a hold-mode suspension (§11.12):
// fund_pay_sumamt + acct_pay of the settlement, held until a decision record releases or
// withholds it. A cancel or 2601 of a settlement still held sets it CANCELLED (nothing owed).
enum class HoldState : uint8_t { kHeld = 1, kReleased = 2, kWithheld = 3, kCancelled = 4 };
struct HeldAmount {
  std::string setl_id;
  std::string fixmedins_code;
  std::string suspension_id;
  Fen amount;                  // fen owed to the facility (fund + personal account)
  HoldState state = HoldState::kHeld;
  std::string decision_id;     // the decision that released or withheld it
  CivilTime held_at;           // settlement time on the core's clock
};

// A decision record (§11.12): closes the investigation of one facility under one hold-mode
// suspension; CLEARED releases its held amounts, WITHHELD withholds them.
enum class DecisionOutcome : uint8_t { kCleared = 1, kWithheld = 2 };
struct Decision {
  std::string id;              // "D1", "D2", ... (sequence "decision")
  std::string fixmedins_code;
  std::string suspension_id;
  DecisionOutcome outcome = DecisionOutcome::kCleared;
  std::string note;
  Fen amount;                  // what it released or withheld
  int64_t settlements = 0;     // how many held amounts it decided
  CivilTime decided_at;
};

// 3201 totals for one key.
struct ReconTotals {
  Fen medfee_sumamt, fund_pay_sumamt, acct_pay;
  int64_t count = 0;  // settlements minus cancellations
};

}  // namespace yibao::core
