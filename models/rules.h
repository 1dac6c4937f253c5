// The real-time prescription and audit rules (DOMAIN.md §5, §11.20-23), and the catalogue of all
// rules the core ships (rules_catalogue.cc).
//
// Two passes, each over plain structs independent of the wire:
//   - line rules (run_line_rules): at fee upload 2204/2301 each line is judged on its own. The call
//     succeeds; a rejected line is listed with its rule and not stored. At a pharmacy sale
//     (2101/2102, lines inline) a rejected line refuses the whole call: RuleContext::pharmacy.
//     NOMAP, NONMED, LUMPSUM, SEX, AGE, AFTERDSCG reject the line; RESTRICT makes it self-pay;
//     NOCONSENT flags it; PRICE100 warns. MAXLINES (check_line_count) is the call's size limit and
//     refuses with E_BAD_REQUEST, not E_RULE_.
//   - visit rules (run_visit_rules): at pre-settle and again at settle (2206/2207, 2303/2304) on
//     the visit's unsettled lines. RX5, SAMECLASS, DAYS (REJECT mode) and OTC60 refuse the call
//     with "E_RULE_<id>"; DAYS in SELF_PAY mode splits `cnt`; CAUSE (confirmed) makes every line
//     self-pay, CAUSE (suspected) flags; RX500 warns; REFILL and REPEAT flag.
//   A pharmacy sale runs both on one outcome (run_pharmacy_rules).
// Not built here (listed in the catalogue with built = false): the batch rules READMIT15, BEDHANG,
// OTPIPT, CASHOUT, ANOMALY, SELFPAYRATIO and CAUSEINV (nightly on the ledger); the real-time
// DOSE and OFFLABEL (the catalogue carries no label data) and COST3X (off without a
// disease-standard table, §11.23). Missing discharge diagnosis is the service's lifecycle check
// at 2402 (§11.7), not a rule.
//
// Readings taken where DOMAIN.md leaves room (§10.12 says placement and tolerances are ours):
//   - a prescription is the lines sharing an rxno (the request's rxno for lines without one); in a
//     stay only discharge drugs form prescriptions. RX5 and SAMECLASS count distinct western and
//     patent drugs; TCM decoction pieces are one decoction and are not counted.
//   - DAYS limits: 11 and other outpatient codes 7, 12 emergency 3, 13 acute 3, 14 chronic 15 or 30
//     with an effective listed filing; pharmacy outside prescription 7, 3 when it is from an
//     emergency visit (even with a filing), 30 with a listed filing; discharge drugs 7 or 30 listed.
//     Ward drugs and OTC sales off prescription have no supply limit. SELF_PAY mode: self-pay cnt =
//     round(cnt × excess days ÷ days), the one rounding; its amount round(pric × that cnt).
//   - AFTERDSCG compares dates, not seconds (drugs handed out after the recorded hour are normal).
//   - NOCONSENT applies to catalogue class C items, not to lines a rule made self-pay.
//   - PRICE100 and RX500 are covered by the line's hosp_appr_flag (RX500: any line of the
//     prescription) or RuleContext::visit_approved; RESTRICT only by the line's own flag.
//   - OTC60: at a pharmacy, the OTC lines not on a prescription, summed, against ¥60.
//   - CAUSE: either flag 2 → every line self-pay (one SELF_PAY notice); else either flag 1 → one
//     FLAG, and batch_review when the visit total is ≥ manual_review_amount.
//   - REFILL: a prescription drug line whose code or ATC-4 class was supplied at another visit
//     fewer than days × num ÷ den days ago; REPEAT: a prescription drug or test line whose code was
//     given at another visit the same day. One FLAG per line and rule.
//
// Outcome: per line a verdict (accept, split, self-pay, reject) with the deciding rule; at most one
// refusal (the first REJECT that fails the call, in catalogue order, then line order); notices
// (WARN, FLAG, SELF_PAY) for the reply's `warnings`. A FLAG notice is also returned as a warning and,
// at settle, opens a review case; a rule whose action is WARN + FLAG gives one FLAG notice.
//
// Invariants: a line has exactly one verdict, by precedence reject > self-pay > split > accept.
// A split's self-pay cnt lies strictly between 0 and the line's cnt, and its self-pay amount between
// 0 and the line's amount. RuleHit holds views into the caller's lines, context and items: they
// must outlive the outcome's use.
// Units: pric and price thresholds in millionths of a yuan, cnt in ten-thousandths, money in Fen,
// days in civil days.
// Thread safety: the run_* functions are pure (no globals, no logging); a RuleOutcome is owned by
// one thread and reused call after call, so the common path makes no heap allocation once warm.
// The catalogue is a constant table, safe to read from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/catalog.h"
#include "models/entities.h"
#include "models/money.h"
#include "models/rule_params.h"
#include "models/status.h"
#include "models/time.h"

namespace yibao::models {

// Every rule of the catalogue. In-memory only: the wire and the ledger use rule_code() strings.
enum class RuleId : uint8_t {
  kNone = 0,
  // Line rules (fee upload; pharmacy inline).
  kNoMap, kNonMed, kLumpSum, kSex, kAge, kAfterDscg, kRestrict, kNoConsent, kPrice100, kMaxLines,
  // Visit rules (pre-settle and settle).
  kRx5, kSameClass, kDays, kOtc60, kCause, kRx500, kRefill, kRepeat,
  // Real-time rules of §5.3 not built in this version.
  kDose, kOffLabel, kCost3x,
  // Batch rules (nightly), not built in this version.
  kReadmit15, kBedHang, kOtpIpt, kCashOut, kAnomaly, kSelfPayRatio, kCauseInv,
  kCount_,
};

// What a rule does (a set: DAYS is REJECT or SELF_PAY by parameter, REFILL is WARN + FLAG).
enum RuleActionBits : uint8_t { kActReject = 1, kActSelfPay = 2, kActWarn = 4, kActFlag = 8 };
// The action of one hit.
enum class RuleAction : uint8_t { kReject = 1, kSelfPay = 2, kWarn = 4, kFlag = 8 };
enum class RuleMode : uint8_t { kRealTime = 0, kBatch = 1 };
enum class RuleStage : uint8_t { kLine = 0, kVisit = 1, kService = 2, kNightly = 3 };

// One row of the rule catalogue.
struct RuleInfo {
  RuleId id = RuleId::kNone;
  std::string_view code;     // stable id: "RX5"
  std::string_view reason;   // refusal reason: "E_RULE_RX5" ("E_BAD_REQUEST" for MAXLINES; empty if it never refuses)
  std::string_view name;     // one sentence
  RuleMode mode = RuleMode::kRealTime;
  uint8_t actions = 0;       // RuleActionBits
  RuleStage stage = RuleStage::kLine;
  std::string_view where;    // transactions it runs at
  std::string_view field;    // wire field a refusal names (yb-field), if any
  std::string_view source;   // DOMAIN.md rows and readings
  bool built = false;        // false: listed, not evaluated in this version
};

// The whole catalogue, in evaluation order (ids ascending). Static storage.
std::span<const RuleInfo> rule_catalogue();
const RuleInfo& rule_info(RuleId id);
std::string_view rule_code(RuleId id);         // "RX5"; "" for kNone
std::string_view rule_reason(RuleId id);       // "E_RULE_RX5"
const RuleInfo* find_rule(std::string_view code);  // by stable id; nullptr if unknown
std::string rule_actions_text(uint8_t actions);    // "WARN+FLAG", "REJECT|SELF_PAY"
std::string_view rule_action_name(RuleAction a);   // wire Warning.action: "REJECT", "SELF_PAY", "WARN", "FLAG"

// The visit as the rules see it. Views are borrowed for the call.
struct RuleContext {
  // National med_type: "11" general, "12" emergency, "13" acute, "14" chronic / special disease,
  // "21".."28" inpatient, "41" pharmacy. Any other outpatient code has the general supply limit.
  std::string_view med_type;
  bool pharmacy = false;              // a pharmacy sale: lines inline, OTC60, outside-prescription limits
  bool outside_rx_emergency = false;  // pharmacy: the outside prescription is from an emergency visit
  std::string_view rxno;              // prescription number for lines that carry none (pharmacy requests)
  uint8_t sex = 0;                    // 1 male, 2 female; 0 unknown (SEX not checked)
  int32_t age_years = -1;             // completed years at the care time; < 0 unknown (AGE not checked)
  CivilTime care_time;                // filings must be effective on its date; refill elapsed counts from it
  std::optional<CivilTime> discharge_time;  // a stay's discharge (endtime), once known
  std::span<const Filing> filings;    // the person's filings (chronic ones effective on the care date count)
  int32_t trum_flag = 0;              // 0 none, 1 suspected, 2 confirmed (work injury / trauma)
  int32_t rel_ttp_flag = 0;           // 0 none, 1 suspected, 2 confirmed (liable third party)
  bool visit_approved = false;        // a visit-level approval: covers PRICE100 and RX500 (not RESTRICT)
};

// One fee line. Views are borrowed for the call (and for the outcome's RuleHits).
struct RuleLine {
  const Item* item = nullptr;         // resolved catalogue item; nullptr = no mapping (NOMAP)
  std::string_view code;              // med_list_codg as sent (messages when item is null)
  std::string_view feedetl_sn;
  std::string_view rxno;              // empty: RuleContext::rxno applies
  int64_t pric = 0;                   // millionths of a yuan
  int64_t cnt = 0;                    // ten-thousandths of a unit
  Fen amount;                         // det_item_fee_sumamt
  int32_t prd_days = 0;               // days' supply; 0 = not stated (DAYS not checked)
  bool dscg_drug = false;             // dscg_drug_flag: a discharge drug
  bool hosp_appr = false;             // hosp_appr_flag: approved (restricted use, price, prescription)
  bool selfpay_consent = false;       // selfpay_consent_flag: written consent to a self-pay item
  CivilTime fee_time;                 // fee_ocur_time
};

// A drug supplied to the person at another visit (for REFILL).
struct RuleSupply {
  std::string_view code;              // med_list_codg
  std::string_view atc4;              // same-class group; empty if none
  CivilDate date;                     // dispensing date
  int32_t days = 0;                   // days' supply
};

// What the caller knows of the person's other visits. Empty spans turn REFILL / REPEAT off.
struct RuleHistory {
  std::span<const RuleSupply> supplies;         // recent drug supplies (other visits)
  std::span<const std::string_view> same_day;   // item codes given at other visits on the care date
};

// Precedence order: a stronger verdict replaces a weaker one.
enum class RuleVerdict : uint8_t { kAccept = 0, kSplit = 1, kSelfPay = 2, kReject = 3 };

struct RuleLineDecision {
  RuleVerdict verdict = RuleVerdict::kAccept;
  RuleId rule = RuleId::kNone;        // the rule that decided (kNone for accept)
  // kSplit: the self-pay part of cnt (ten-thousandths, 0 < x < cnt) and its amount
  // (round(pric × x), at most the line amount); the caller prices cnt − x as usual and the rest as
  // class C. kSelfPay: the whole cnt and amount. Otherwise 0.
  int64_t selfpay_cnt = 0;
  Fen selfpay_amount;
};

// One rule hit: a refusal, a rejected line, or a notice.
struct RuleHit {
  RuleId rule = RuleId::kNone;
  RuleAction action = RuleAction::kWarn;
  int32_t line = -1;                  // index into the lines; -1 = the visit as a whole
  std::string_view feedetl_sn;        // of that line
  std::string_view rxno;              // prescription concerned, if any
  std::string_view code;              // item code concerned, if any
  // What was found and the limit it broke; units by rule: days (DAYS, REFILL), count (RX5,
  // SAMECLASS), fen (OTC60, RX500, CAUSE), millionths of a yuan (PRICE100), years (AGE),
  // sex 1/2 (SEX: value the item's, limit the person's), flags (CAUSE limit: the review amount).
  int64_t value = 0;
  int64_t limit = 0;
};

// The sentence of a hit ("prescription R1 has 6 drugs, more than 5"). Allocates; call it when
// building a reply, not inside the rules.
std::string rule_message(const RuleHit& hit);

// Internal buffers of the visit pass, kept in the outcome so a reused outcome does not allocate.
struct RuleScratch {
  // A prescription line as a sort key: dense ids of its rxno and ATC-4 class (0 = none), in order
  // of first appearance, so grouping sorts integers, not strings.
  struct Key {
    uint32_t rx = 0;
    uint32_t cls = 0;
    const Item* item = nullptr;
    uint32_t line = 0;
  };
  // One slot of the open-addressing table that assigns the dense ids.
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = 0;  // 0 = empty slot
    uint32_t line = 0;
  };
  std::vector<Key> keys;
  std::vector<Slot> slots;
};

struct RuleOutcome {
  std::vector<RuleLineDecision> lines;  // one per input line, same order
  bool refused = false;
  RuleHit refusal;                      // valid when refused
  std::vector<RuleHit> notices;         // WARN, FLAG, SELF_PAY, in rule order
  std::vector<RuleHit> rejected;        // one per rejected line (fee upload's `rejected` list)
  bool batch_review = false;            // suspected excluded cause at or above the review amount
  RuleScratch scratch;                  // internal: reusable buffers

  // Empties everything for n lines, keeping capacity.
  void reset(size_t n);
  bool has_flag() const;                // any FLAG notice: a review case at settle
  size_t count(RuleVerdict v) const;
  // FAILED_PRECONDITION with "E_RULE_<id>", the sentence and the field; OK when not refused.
  Status refusal_status() const;
};

// Line rules at fee upload (and inline at a pharmacy). Resets `out`. With ctx.pharmacy the first
// rejected line also refuses the call.
void run_line_rules(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                    RuleOutcome& out);
// Visit rules at pre-settle and settle. Resets `out`. Lines without an item are skipped (they never
// pass fee upload). Stops at the first refusal.
void run_visit_rules(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                     const RuleHistory& history, RuleOutcome& out);
// A pharmacy sale (2101/2102): line rules then, unless refused, visit rules, on one outcome.
void run_pharmacy_rules(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                        const RuleHistory& history, RuleOutcome& out);

// MAXLINES: more than params.max_lines_per_call lines → INVALID_ARGUMENT E_BAD_REQUEST (field
// "feedetail"); OK otherwise.
Status check_line_count(const RuleParams& params, size_t n_lines);

// True when `icd10` starts with one of params.chronic_list's prefixes, ignoring case and dots
// ("E11.2" and "e112" match "E11"; empty prefixes match nothing).
bool on_chronic_list(const RuleParams& params, std::string_view icd10);
// True when one of `filings` is a chronic filing (2503) effective on `date` for a listed disease.
bool has_listed_chronic_filing(const RuleParams& params, std::span<const Filing> filings, CivilDate date);
// The supply limit in days for a line in this context (listed: the person has a listed chronic
// filing); 0 = no limit applies (inpatient non-discharge drugs, pharmacy lines off prescription).
int32_t supply_limit_days(const RuleParams& params, const RuleContext& ctx, bool listed, bool dscg_drug,
                          bool on_prescription);
// Completed years between a birth date and a care date (0 if the care date is earlier).
int32_t age_at_care(CivilDate birth, CivilDate care);

}  // namespace yibao::models
