// The catalogue of rules the core ships (DOMAIN.md §5.3, §11.20-23): one constant row per RuleId,
// in RuleId order, so rule_info() is an index. Stable ids are part of the wire ("E_RULE_<id>",
// Warning.rule_id): never rename one.
#include <array>

#include "models/rules.h"

namespace yibao::models {
namespace {

constexpr std::string_view kAtUpload = "fee upload 2204/2301 (line rejected, call succeeds); inline at 2101/2102 (call refused)";
constexpr std::string_view kAtSettle = "pre-settle and settle 2206/2207, 2303/2304, 2101/2102";
constexpr std::string_view kAtNight = "nightly on the ledger";

constexpr uint8_t kWarnFlag = kActWarn | kActFlag;

using M = RuleMode;
using S = RuleStage;

constexpr std::array<RuleInfo, static_cast<size_t>(RuleId::kCount_)> kCatalogue = {{
    {RuleId::kNone, "", "", "no rule", M::kRealTime, 0, S::kLine, "", "", "", false},
    // Line rules.
    {RuleId::kNoMap, "NOMAP", "E_RULE_NOMAP", "item code with no catalogue mapping", M::kRealTime, kActReject,
     S::kLine, kAtUpload, "med_list_codg", "§5.3 'Goods outside the catalogue'; §11.21", true},
    {RuleId::kNonMed, "NONMED", "E_RULE_NONMED", "non-medical goods", M::kRealTime, kActReject, S::kLine,
     kAtUpload, "med_list_codg", "§5.3 'Goods outside the catalogue'; §11.21", true},
    {RuleId::kLumpSum, "LUMPSUM", "E_RULE_LUMPSUM", "category-level (lump-sum) line", M::kRealTime, kActReject,
     S::kLine, kAtUpload, "med_list_codg", "§5.3 'category-level (lump-sum) line'", true},
    {RuleId::kSex, "SEX", "E_RULE_SEX", "item implausible for the person's sex", M::kRealTime, kActReject,
     S::kLine, kAtUpload, "med_list_codg", "§5.3 'sex- or age-implausible item'", true},
    {RuleId::kAge, "AGE", "E_RULE_AGE", "item implausible for the person's age", M::kRealTime, kActReject,
     S::kLine, kAtUpload, "med_list_codg", "§5.3 'sex- or age-implausible item'", true},
    {RuleId::kAfterDscg, "AFTERDSCG", "E_RULE_AFTERDSCG", "item dated after discharge", M::kRealTime, kActReject,
     S::kLine, kAtUpload, "fee_ocur_time", "§5.3 'item dated after discharge'", true},
    {RuleId::kRestrict, "RESTRICT", "", "restricted drug without approval: self-pay (class C)", M::kRealTime,
     kActSelfPay, S::kLine, kAtUpload, "hosp_appr_flag", "§5.3 'Restricted drug without approval'; §4.1 step 1",
     true},
    {RuleId::kNoConsent, "NOCONSENT", "", "class C item without written consent: settles as class C",
     M::kRealTime, kWarnFlag, S::kLine, kAtUpload, "selfpay_consent_flag",
     "§5.3 'self-pay item without consent'; §11.21", true},
    {RuleId::kPrice100, "PRICE100", "", "unit price above the approval threshold (¥100) without approval",
     M::kRealTime, kActWarn, S::kLine, kAtUpload, "pric", "§5.1 'Approval needed'; §5.3 'Unit price > ¥100'",
     true},
    {RuleId::kMaxLines, "MAXLINES", "E_BAD_REQUEST", "more lines in one call than max_lines_per_call (300)",
     M::kRealTime, kActReject, S::kLine, "2204/2301, 2101/2102 (whole call refused)", "feedetail",
     "§3.2 2204; §11.1; §11.23", true},
    // Visit rules.
    {RuleId::kRx5, "RX5", "E_RULE_RX5", "more drugs on one prescription than max_drugs_per_rx (5)",
     M::kRealTime, kActReject, S::kVisit, kAtSettle, "rxno", "§5.1 'Drugs per prescription'; §5.3", true},
    {RuleId::kSameClass, "SAMECLASS", "E_RULE_SAMECLASS",
     "more same-class (ATC-4) drugs on one prescription than max_same_class_per_rx (2)", M::kRealTime, kActReject,
     S::kVisit, kAtSettle, "rxno", "§5.1 'Same-class drugs'; §5.3; §11.23", true},
    {RuleId::kDays, "DAYS", "E_RULE_DAYS", "days' supply over the limit for the visit type (chronic filing checked)",
     M::kRealTime, kActReject | kActSelfPay, S::kVisit, kAtSettle, "prd_days",
     "§5.1 'Days' supply', 'Outside prescription', 'Discharge drugs'; §5.2; §5.3; §11.22", true},
    {RuleId::kOtc60, "OTC60", "E_RULE_OTC60", "OTC single purchase at a pharmacy above otc_max_purchase (¥60)",
     M::kRealTime, kActReject, S::kVisit, "2101/2102", "medfee_sumamt", "§5.1 'OTC single purchase'; §5.3", true},
    {RuleId::kCause, "CAUSE", "", "excluded cause: confirmed → lines self-pay; suspected → review flag",
     M::kRealTime, kActSelfPay | kActFlag, S::kVisit, kAtSettle, "trum_flag",
     "§4.1 step 1; §5.3 'Excluded cause'; §11.21", true},
    {RuleId::kRx500, "RX500", "", "prescription total above approval_rx_total (¥500) without approval",
     M::kRealTime, kActWarn, S::kVisit, kAtSettle, "rxno", "§5.1 'Approval needed'; §5.3", true},
    {RuleId::kRefill, "REFILL", "", "early refill: a previous supply of the drug or its ATC-4 class not yet ⅔ used",
     M::kRealTime, kWarnFlag, S::kVisit, kAtSettle, "med_list_codg", "§5.3 'Early refill'; §11.23", true},
    {RuleId::kRepeat, "REPEAT", "", "same-day repeat prescription or test", M::kRealTime, kWarnFlag, S::kVisit,
     kAtSettle, "med_list_codg", "§5.3 'same-day repeat prescription or test'", true},
    // Real-time rules not built.
    {RuleId::kDose, "DOSE", "", "dose above the label (needs label data in the catalogue)", M::kRealTime,
     kWarnFlag, S::kVisit, kAtSettle, "", "§5.3 'dose above the label'", false},
    {RuleId::kOffLabel, "OFFLABEL", "", "off-indication use (needs indication data in the catalogue)",
     M::kRealTime, kWarnFlag, S::kVisit, kAtSettle, "", "§5.3 'off-indication use'", false},
    {RuleId::kCost3x, "COST3X", "", "inpatient cost above 3× the disease standard (off without a standard table)",
     M::kRealTime, kActFlag, S::kVisit, "2303/2304", "", "§5.3 'Inpatient cost > 3×'; §11.23", false},
    // Batch rules, not built in this version.
    {RuleId::kReadmit15, "READMIT15", "", "readmission within 15 days of discharge", M::kBatch, kActFlag,
     S::kNightly, kAtNight, "", "§5.3 'Readmission soon after discharge'", false},
    {RuleId::kBedHang, "BEDHANG", "", "bed-hanging: absent at 2 consecutive rounds", M::kBatch, kActFlag,
     S::kNightly, kAtNight, "", "§5.3 'bed-hanging'", false},
    {RuleId::kOtpIpt, "OTPIPT", "", "outpatient care billed as inpatient", M::kBatch, kActFlag, S::kNightly,
     kAtNight, "", "§5.3 'outpatient care billed as inpatient'", false},
    {RuleId::kCashOut, "CASHOUT", "", "cash-out or reselling patterns", M::kBatch, kActFlag, S::kNightly,
     kAtNight, "", "§5.3 'Cash-out or reselling patterns'", false},
    {RuleId::kAnomaly, "ANOMALY", "", "frequency, cost or growth anomalies", M::kBatch, kActFlag, S::kNightly,
     kAtNight, "", "§5.3 'frequency, cost or growth anomalies'", false},
    {RuleId::kSelfPayRatio, "SELFPAYRATIO", "", "provider self-pay ratio", M::kBatch, kActFlag, S::kNightly,
     kAtNight, "", "§5.3 'provider self-pay ratio'", false},
    {RuleId::kCauseInv, "CAUSEINV", "", "investigation of suspected excluded causes at or above ¥20,000",
     M::kBatch, kActFlag, S::kNightly, kAtNight, "", "§5.1 'Manual check of a claim'; §5.3; §11.21", false},
}};

constexpr bool catalogue_in_order() {
  for (size_t i = 0; i < kCatalogue.size(); ++i) {
    if (static_cast<size_t>(kCatalogue[i].id) != i) return false;
  }
  return true;
}
static_assert(catalogue_in_order(), "catalogue rows must follow RuleId order");

}  // namespace

std::span<const RuleInfo> rule_catalogue() { return {kCatalogue.data() + 1, kCatalogue.size() - 1}; }

const RuleInfo& rule_info(RuleId id) {
  const auto i = static_cast<size_t>(id);
  return i < kCatalogue.size() ? kCatalogue[i] : kCatalogue[0];
}

std::string_view rule_code(RuleId id) { return rule_info(id).code; }
std::string_view rule_reason(RuleId id) { return rule_info(id).reason; }

const RuleInfo* find_rule(std::string_view code) {
  if (code.empty()) return nullptr;
  for (const RuleInfo& r : kCatalogue) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

std::string rule_actions_text(uint8_t actions) {
  // "+" joins actions that happen together (WARN+FLAG); "|" joins alternatives chosen by a
  // parameter or by the input (DAYS: REJECT|SELF_PAY; CAUSE: SELF_PAY|FLAG).
  std::string out;
  auto add = [&out](std::string_view name, std::string_view sep) {
    if (!out.empty()) out += sep;
    out += name;
  };
  if (actions & kActReject) add("REJECT", "|");
  if (actions & kActSelfPay) add("SELF_PAY", "|");
  if (actions & kActWarn) add("WARN", "|");
  if (actions & kActFlag) add("FLAG", (actions & kActWarn) ? "+" : "|");
  return out;
}

std::string_view rule_action_name(RuleAction a) {
  switch (a) {
    case RuleAction::kReject: return "REJECT";
    case RuleAction::kSelfPay: return "SELF_PAY";
    case RuleAction::kWarn: return "WARN";
    case RuleAction::kFlag: return "FLAG";
  }
  return "";
}

}  // namespace yibao::models
