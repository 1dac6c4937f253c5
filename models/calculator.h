// The settlement calculator: the waterfall of DOMAIN.md §4.1 as settled by the readings of §4.6.
//
//   lines → classify (class C / excluded / forced self-pay, over price cap, class-B pay-first,
//   in scope) → out-of-area adjustment → deductible → pooled fund (cap) → large-amount (employee
//   inpatients) → serious illness (residents) → civil-servant + enterprise (employee inpatients)
//   → medical assistance → personal account → family mutual aid → cash (by subtraction).
//
// Money is Fen; each ratio product is rounded once, half away from zero (models/money.h).
// Invariants: every Settlement that settle() returns satisfies the identities I1-I7 of §4.2
// exactly (YB_CHECK: a violation is a bug, never bad input), no amount is negative, and
// `delta` is exactly what the settlement adds to the care year's accumulators (I8: a
// cancellation subtracts the same delta).
// Hot path: settle() allocates nothing (line splits go to a caller buffer, fund rows to a fixed
// array) and builds no strings; setl_proc_info() renders a row's text on demand.
// Pure functions of their arguments; thread-safe; the Settlement is a plain value.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "models/catalog.h"
#include "models/entities.h"
#include "models/money.h"
#include "models/policy.h"
#include "models/status.h"

namespace yibao::models {

// What kind of care is settled. The benefit actually applied follows from it (see Benefit).
enum class CareKind : uint8_t {
  kGeneralOutpatient = 1,
  kEmergency = 2,    // outpatient emergency: settles as general outpatient
  kChronic = 3,      // chronic / special outpatient disease (med_type 14)
  kInpatient = 4,
  kPharmacyRx = 5,   // retail pharmacy filling an outside prescription
  kPharmacyOtc = 6,  // retail pharmacy OTC purchase: no fund layer at all (§4.6.14)
};

// Where the care happens relative to the place of insurance (§4.4.6).
enum class Geography : uint8_t { kLocal = 0, kInProvince = 1, kCrossProvince = 2 };
// From the 6-digit division codes: equal → local; same first two digits (province) → in
// province; otherwise cross-province. An empty care place means local.
Geography geography_of(std::string_view insuplc_admdvs, std::string_view mdtrtarea_admvs);

// The person as the calculator needs them, with the care year's accumulators before this
// settlement (§11.17) and the balances at entry.
struct PersonState {
  Insutype insutype = Insutype::kResident;
  PsnType psn_type = PsnType::kResident;  // retired employees get the retired column
  bool cvlserv = false;
  bool hifes = false;
  MafGroup maf_group = MafGroup::kNone;
  Fen balc;          // own personal account (employees; a resident has none: ignored)
  Fen mulaid_balc;   // the family mutual-aid relative's balance (0 = none)
  Accumulators acc;  // care year, before this settlement; all ≥ 0
};
PersonState person_state(const Person& p, const Accumulators& acc, Fen balc, Fen mulaid_balc);

struct CareContext {
  CareKind kind = CareKind::kGeneralOutpatient;
  // The facility's level: selects the table row (village is an outpatient row only, §4.6.17).
  // Pharmacy kinds use the pharmacy row whatever this says; other kinds refuse kPharmacy.
  Level level = Level::kLevel2;
  Geography geography = Geography::kLocal;
  FilingCase filing_case = FilingCase::kNone;  // out-of-area filing (kNone = unfiled self-referral)
  bool chronic_filing = false;                 // an effective chronic filing (2503) for the disease
  bool acct_used = false;                      // acct_used_flag
};

// A fee line already resolved against the catalogue and checked (check_line_amount).
struct PricedLine {
  const Item* item = nullptr;  // never null
  int64_t pric = 0;            // unit price, millionths of a yuan
  int64_t cnt = 0;             // quantity, ten-thousandths
  Fen amount;                  // det_item_fee_sumamt
  bool approved = false;       // hosp_appr_flag (restricted-use items)
  bool force_selfpay = false;  // a rule or an excluded cause (work injury, third party) makes it self-pay
};

// One line's four-way split (FeeLineResult): amount = fulamt_ownpay + overlmt + preselfpay + inscp.
struct LineSplit {
  Fen amount;
  Fen fulamt_ownpay;            // whole line self-paid
  Fen overlmt;                  // above the price cap
  Fen preselfpay;               // class-B pay-first
  Fen inscp;                    // in scope
  int64_t price_cap = 0;        // pric_uplmt_amt, millionths of a yuan (0 = none)
  Ratio selfpay_prop;           // share applied: A 0 %, B the item's or default, C 100 %
  ChargeClass cls = ChargeClass::kA;  // as settled: a forced or unapproved line is C
  bool restricted = false;      // lmt_used_flag
};

// Classifies one line (step 1; also what a fee upload replies per line).
LineSplit classify_line(const PolicySet& policy, const PricedLine& line);

// §4.6.2: OK if `declared` lies within 1 fen of round(pric × cnt), else INVALID_ARGUMENT
// E_SUM_MISMATCH. Negative prices or counts are E_BAD_REQUEST.
Status check_line_amount(int64_t pric, int64_t cnt, Fen declared);
// A declared medfee_sumamt must equal Σ line amounts exactly (E_SUM_MISMATCH).
Status check_medfee_sumamt(Fen declared, std::span<const PricedLine> lines);

// Symbolic fund codes of the fixture (§4.6.16).
enum class FundLayer : uint8_t { kPool = 0, kLarge, kSeriousIllness, kCivilServant, kEnterprise, kAssistance };
inline constexpr size_t kFundLayers = 6;
std::string_view fund_layer_code(FundLayer f);  // "POOL" "LARGE" "SI" "CVL" "ENT" "MAF"

inline constexpr Fen kNoCap{-1};

// A setldetail row: one per non-zero paying layer, in waterfall order.
struct FundDetail {
  FundLayer layer = FundLayer::kPool;
  Fen inscp_seen;   // the amount the layer worked on (its base)
  Fen room_before;  // room under its cap before this settlement; kNoCap if uncapped
  Fen paid;         // fund_payamt
};

// The benefit applied: OTC gets none; a chronic visit without an employee's filing is outpatient.
enum class Benefit : uint8_t { kNone = 0, kOutpatient = 1, kChronic = 2, kInpatient = 3 };

struct Settlement {
  // SetlInfo amounts (fen), named as on the wire.
  Fen medfee_sumamt;
  Fen fulamt_ownpay_amt;
  Fen overlmt_selfpay;
  Fen preselfpay_amt;
  Fen inscp_scp_amt;
  Fen act_pay_dedc;
  Fen hifp_pay;
  Ratio pool_ratio;  // pool_prop_selfpay: the pooled ratio applied (after an out-of-area cut)
  Fen hifob_pay;     // large-amount
  Fen hifmi_pay;     // serious illness
  Fen cvlserv_pay;
  Fen hifes_pay;
  Fen maf_pay;
  Fen oth_pay;       // 0 in the fixture
  Fen fund_pay_sumamt;
  Fen psn_part_amt;
  Fen acct_pay;
  Fen acct_mulaid_pay;
  Fen psn_cash_pay;
  Fen hosp_part_amt;  // 0 in the fixture
  Fen balc_before, balc_after;                // own account
  Fen mulaid_balc_before, mulaid_balc_after;  // the relative's account
  bool cancellation = false;                  // negated amounts (cancellation_of)

  // How it was computed (for setl_proc_info and tests; no strings).
  Benefit benefit = Benefit::kOutpatient;
  int32_t admission_no = 0;   // inpatient: admissions so far + 1
  Fen dedc_due;               // deductible due before min(in scope, ·)
  Ratio table_ratio;          // pooled ratio before the out-of-area cut
  Ratio ratio_cut;            // out-of-area cut (points, ten-thousandths)
  Ratio dedc_multiplier = Ratio::one();
  Fen pool_eligible;          // in scope − deductible
  Fen eligible_under_cap;     // capped branch: round(room ÷ ratio)
  bool pool_capped = false;
  Fen above_cap_base;         // eligible − eligible under cap
  Fen si_base_before, si_base_after;
  Ratio si_bonus;
  Fen subsidy_base;           // civil-servant and enterprise base
  Fen maf_base;
  Ratio maf_share;

  std::array<FundDetail, kFundLayers> details{};
  uint8_t detail_count = 0;
  Accumulators delta;  // what this settlement adds to the care year's accumulators

  std::span<const FundDetail> fund_details() const { return {details.data(), detail_count}; }
};

// Settles `lines` for `person` under `policy`. `line_out` must hold at least lines.size()
// entries; line_out[i] is the split of lines[i]. Allocates nothing.
// Failure: INVALID_ARGUMENT E_BAD_REQUEST for inconsistent input (a null item, a negative
// amount or accumulator, a non-pharmacy kind at a pharmacy level, a small buffer); `out` and
// `line_out` are then unspecified. A resident's balc_before/balc_after read 0 (no account).
Status settle(const PolicySet& policy, const PersonState& person, const CareContext& care,
              std::span<const PricedLine> lines, std::span<LineSplit> line_out, Settlement& out);
// The same, returning the Settlement (DESIGN.md §2's signature).
Result<Settlement> settle(const PolicySet& policy, const PersonState& person, const CareContext& care,
                          std::span<const PricedLine> lines, std::span<LineSplit> line_out);

// The cancellation of `original`: every amount and the delta negated, balances moving back
// from the balances now. Accumulators after the cancel = now − original.delta (I8).
Settlement cancellation_of(const Settlement& original, Fen balc_now, Fen mulaid_balc_now);

// The setl_proc_info text of one row, e.g. "(32747-5000)*6000/10000=16648" (fen and
// ten-thousandths). `policy` must be the set that priced the settlement (serious-illness bands).
std::string setl_proc_info(const Settlement& s, const FundDetail& row, const PolicySet& policy);

// Checks I1-I7 and non-negativity (signs flipped for a cancellation); YB_CHECK on failure.
void check_identities(const Settlement& s, std::span<const LineSplit> lines);

}  // namespace yibao::models
