// Line rules (fee upload; pharmacy inline), the outcome, the sentences and the helpers of
// models/rules.h. The visit rules are in rules_rx.cc, the catalogue in rules_catalogue.cc.
#include "models/rules.h"

#include <algorithm>

#include "models/rules_internal.h"

namespace yibao::models {

using rules_detail::decide;
using rules_detail::line_hit;
using rules_detail::refuse;

// ---- outcome ----

void RuleOutcome::reset(size_t n) {
  lines.assign(n, RuleLineDecision{});
  refused = false;
  refusal = RuleHit{};
  notices.clear();
  rejected.clear();
  batch_review = false;
  scratch.keys.clear();
}

bool RuleOutcome::has_flag() const {
  return std::any_of(notices.begin(), notices.end(), [](const RuleHit& h) { return h.action == RuleAction::kFlag; });
}

size_t RuleOutcome::count(RuleVerdict v) const {
  return static_cast<size_t>(
      std::count_if(lines.begin(), lines.end(), [v](const RuleLineDecision& d) { return d.verdict == v; }));
}

Status RuleOutcome::refusal_status() const {
  if (!refused) return Status::Ok();
  const RuleInfo& info = rule_info(refusal.rule);
  return Status::Refuse(info.reason, rule_message(refusal), std::string(info.field));
}

// ---- sentences ----

namespace {

std::string line_prefix(const RuleHit& h) {
  std::string s = "line ";
  s += h.feedetl_sn.empty() ? std::string_view("?") : h.feedetl_sn;
  s += ": ";
  return s;
}

std::string yuan(int64_t fen) { return "¥" + format_yuan(Fen(fen)); }

std::string sex_name(int64_t sex) { return sex == 1 ? "male" : sex == 2 ? "female" : "unknown"; }

}  // namespace

std::string rule_message(const RuleHit& h) {
  const std::string code(h.code);
  const std::string rx(h.rxno);
  const std::string value = std::to_string(h.value);
  const std::string limit = std::to_string(h.limit);
  switch (h.rule) {
    case RuleId::kNoMap:
      return line_prefix(h) + "item code '" + code + "' has no catalogue mapping";
    case RuleId::kNonMed:
      return line_prefix(h) + "item " + code + " is not medical goods";
    case RuleId::kLumpSum:
      return line_prefix(h) + "item " + code + " is a category-level (lump-sum) charge; itemise it";
    case RuleId::kSex:
      return line_prefix(h) + "item " + code + " is for " + sex_name(h.value) + " patients only; the patient is " +
             sex_name(h.limit);
    case RuleId::kAge:
      return line_prefix(h) + "item " + code + " is implausible at age " + value + " (limit " + limit + ")";
    case RuleId::kAfterDscg:
      return line_prefix(h) + "fee dated " + format_date(CivilDate{static_cast<int32_t>(h.value)}) +
             ", after the discharge on " + format_date(CivilDate{static_cast<int32_t>(h.limit)});
    case RuleId::kRestrict:
      return line_prefix(h) + "restricted drug " + code + " without approval is self-pay (class C)";
    case RuleId::kNoConsent:
      return line_prefix(h) + "class C item " + code + " without written consent; settles as class C, review opened";
    case RuleId::kPrice100:
      return line_prefix(h) + "unit price ¥" + format_yuan(pric_to_fen(h.value)) + " of " + code + " is above ¥" +
             format_yuan(pric_to_fen(h.limit)) + " without approval";
    case RuleId::kMaxLines:
      return value + " fee lines in one call, more than " + limit;
    case RuleId::kRx5:
      return "prescription " + rx + " has " + value + " drugs, more than " + limit;
    case RuleId::kSameClass:
      return "prescription " + rx + " has " + value + " drugs of class " + code + ", more than " + limit;
    case RuleId::kDays:
      return line_prefix(h) + value + " days' supply of " + code + ", more than the " + limit + " allowed" +
             (h.action == RuleAction::kSelfPay ? "; the excess is self-pay" : "");
    case RuleId::kOtc60:
      return "OTC purchase of " + yuan(h.value) + " is above " + yuan(h.limit);
    case RuleId::kCause:
      if (h.action == RuleAction::kSelfPay) {
        return "excluded cause confirmed (work injury or liable third party): every line is self-pay";
      }
      return "suspected excluded cause (work injury or third party): review opened; visit total " + yuan(h.value) +
             (h.value >= h.limit ? ", at or above " + yuan(h.limit) + ": batch investigation" : "");
    case RuleId::kRx500:
      return "prescription " + rx + " totals " + yuan(h.value) + ", above " + yuan(h.limit) + " without approval";
    case RuleId::kRefill:
      return line_prefix(h) + code + " supplied again " + value + " days after a supply that allows a refill from day " +
             limit;
    case RuleId::kRepeat:
      return line_prefix(h) + code + " was already given today at another visit";
    default:
      break;
  }
  return std::string(rule_info(h.rule).name);
}

// ---- helpers ----

namespace {

// Next character of an ICD-10 code, skipping dots, upper-cased; '\0' at the end.
char next_icd(std::string_view s, size_t& i) {
  while (i < s.size() && s[i] == '.') ++i;
  if (i >= s.size()) return '\0';
  const char c = s[i++];
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;  // ASCII: codes are ASCII
}

bool icd_starts_with(std::string_view code, std::string_view prefix) {
  size_t ci = 0;
  size_t pi = 0;
  bool any = false;
  for (;;) {
    const char p = next_icd(prefix, pi);
    if (p == '\0') return any;  // an empty (or all-dots) prefix matches nothing
    if (next_icd(code, ci) != p) return false;
    any = true;
  }
}

}  // namespace

bool on_chronic_list(const RuleParams& params, std::string_view icd10) {
  for (const std::string& prefix : params.chronic_list) {
    if (icd_starts_with(icd10, prefix)) return true;
  }
  return false;
}

bool has_listed_chronic_filing(const RuleParams& params, std::span<const Filing> filings, CivilDate date) {
  for (const Filing& f : filings) {
    if (f.type == FilingType::kChronic && f.active_on(date) && on_chronic_list(params, f.dise_codg)) return true;
  }
  return false;
}

int32_t supply_limit_days(const RuleParams& params, const RuleContext& ctx, bool listed, bool dscg_drug,
                          bool on_prescription) {
  if (dscg_drug) return listed ? params.days_discharge_listed : params.days_discharge;
  if (rules_detail::is_pharmacy(ctx)) {
    if (!on_prescription) return 0;  // an OTC sale: OTC60 bounds it, not days
    if (ctx.outside_rx_emergency) return params.days_outside_rx_emergency;
    return listed ? params.days_listed_chronic : params.days_outside_rx;
  }
  if (rules_detail::is_inpatient(ctx)) return 0;  // ward drugs; only discharge drugs have a supply
  if (ctx.med_type == "12") return params.days_emergency;
  if (ctx.med_type == "13") return params.days_acute;
  if (ctx.med_type == "14") return listed ? params.days_listed_chronic : params.days_chronic;
  return params.days_general;
}

int32_t age_at_care(CivilDate birth, CivilDate care) {
  if (care < birth) return 0;
  const YearMonthDay b = ymd(birth);
  const YearMonthDay c = ymd(care);
  int32_t age = c.year - b.year;
  if (c.month < b.month || (c.month == b.month && c.day < b.day)) --age;
  return age;
}

Status check_line_count(const RuleParams& params, size_t n_lines) {
  if (n_lines <= static_cast<size_t>(std::max<int32_t>(params.max_lines_per_call, 0))) return Status::Ok();
  RuleHit h;
  h.rule = RuleId::kMaxLines;
  h.action = RuleAction::kReject;
  h.value = static_cast<int64_t>(n_lines);
  h.limit = params.max_lines_per_call;
  return Status::Refuse(reason::kBadRequest, rule_message(h), "feedetail");
}

// ---- line rules ----

namespace rules_detail {

void line_pass(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
               RuleOutcome& out) {
  const bool pharmacy = is_pharmacy(ctx);
  const bool have_dscg = ctx.discharge_time.has_value();
  const CivilDate dscg_date = have_dscg ? ctx.discharge_time->date() : CivilDate{};
  for (size_t i = 0; i < lines.size(); ++i) {
    const RuleLine& l = lines[i];
    const Item* it = l.item;
    // Rejections, in catalogue order; the first one decides the line.
    RuleId reject = RuleId::kNone;
    int64_t value = 0;
    int64_t limit = 0;
    if (it == nullptr) {
      reject = RuleId::kNoMap;
    } else if (it->kind == ItemKind::kNonMedical) {
      reject = RuleId::kNonMed;
    } else if (it->lump_sum) {
      reject = RuleId::kLumpSum;
    } else if (it->sex_only != 0 && ctx.sex != 0 && it->sex_only != ctx.sex) {
      reject = RuleId::kSex;
      value = it->sex_only;
      limit = ctx.sex;
    } else if (ctx.age_years >= 0 && (ctx.age_years < it->min_age || ctx.age_years > it->max_age)) {
      reject = RuleId::kAge;
      value = ctx.age_years;
      limit = ctx.age_years < it->min_age ? it->min_age : it->max_age;
    } else if (have_dscg && l.fee_time.date() > dscg_date) {
      // By date, not second: a discharge drug handed out after the recorded hour is normal.
      reject = RuleId::kAfterDscg;
      value = l.fee_time.date().days;
      limit = dscg_date.days;
    }
    if (reject != RuleId::kNone) {
      const RuleHit hit = line_hit(reject, RuleAction::kReject, lines, i, ctx, value, limit);
      decide(out, lines, i, RuleVerdict::kReject, reject);
      out.rejected.push_back(hit);
      if (pharmacy) refuse(out, hit);  // inline lines: one bad line refuses the sale (§11.20)
      continue;
    }
    if (it->restricted && !l.hosp_appr) {
      decide(out, lines, i, RuleVerdict::kSelfPay, RuleId::kRestrict);
      out.notices.push_back(line_hit(RuleId::kRestrict, RuleAction::kSelfPay, lines, i, ctx));
    }
    if (it->cls == ChargeClass::kC && !l.selfpay_consent) {
      out.notices.push_back(line_hit(RuleId::kNoConsent, RuleAction::kFlag, lines, i, ctx));
    }
    if (l.pric > params.approval_unit_price && !l.hosp_appr && !ctx.visit_approved) {
      out.notices.push_back(
          line_hit(RuleId::kPrice100, RuleAction::kWarn, lines, i, ctx, l.pric, params.approval_unit_price));
    }
  }
}

}  // namespace rules_detail

// ---- entry points ----

void run_line_rules(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                    RuleOutcome& out) {
  out.reset(lines.size());
  rules_detail::line_pass(params, ctx, lines, out);
}

void run_visit_rules(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                     const RuleHistory& history, RuleOutcome& out) {
  out.reset(lines.size());
  rules_detail::visit_pass(params, ctx, lines, history, out);
}

void run_pharmacy_rules(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                        const RuleHistory& history, RuleOutcome& out) {
  out.reset(lines.size());
  rules_detail::line_pass(params, ctx, lines, out);
  if (!out.refused) rules_detail::visit_pass(params, ctx, lines, history, out);
}

}  // namespace yibao::models
