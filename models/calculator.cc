// Step 1 (classification), the accounts and cash (steps 9-10), input checks and the identities;
// the fund layers are in calculator_layers.cc, text and cancellation in calculator_render.cc.
#include "models/calculator.h"

#include "models/calculator_layers.h"

namespace yibao::models {

namespace {

Status bad_request(const char* what) { return Status(Code::kInvalidArgument, reason::kBadRequest, what); }

bool accumulators_non_negative(const Accumulators& a) {
  return a.otp_dedc_used.v >= 0 && a.otp_pool_paid.v >= 0 && a.chronic_pool_paid.v >= 0 && a.pool_paid_total.v >= 0 &&
         a.large_paid.v >= 0 && a.si_base.v >= 0 && a.si_paid.v >= 0 && a.cvlserv_paid.v >= 0 &&
         a.hifes_paid.v >= 0 && a.maf_paid.v >= 0 && a.ipt_dedc_paid.v >= 0 && a.admissions >= 0;
}

// §4.6.9, §4.6.14: the benefit a kind of care gets for this person.
Benefit benefit_of(const PersonState& person, const CareContext& care) {
  switch (care.kind) {
    case CareKind::kPharmacyOtc: return Benefit::kNone;
    case CareKind::kInpatient: return Benefit::kInpatient;
    case CareKind::kChronic:
      return person.insutype == Insutype::kEmployee && care.chronic_filing ? Benefit::kChronic : Benefit::kOutpatient;
    case CareKind::kGeneralOutpatient:
    case CareKind::kEmergency:
    case CareKind::kPharmacyRx: return Benefit::kOutpatient;
  }
  return Benefit::kOutpatient;
}

}  // namespace

LineSplit classify_line(const PolicySet& policy, const PricedLine& line) {
  const Item& item = *line.item;
  LineSplit out;
  out.amount = line.amount;
  out.price_cap = item.price_cap;
  out.restricted = item.restricted;
  // Class C, an excluded cause or a rule's self-pay, a restricted item without approval, and
  // goods outside medical care take the whole line (§4.1 step 1).
  if (item.cls == ChargeClass::kC || line.force_selfpay || (item.restricted && !line.approved) ||
      item.kind == ItemKind::kNonMedical) {
    out.cls = ChargeClass::kC;
    out.selfpay_prop = Ratio::one();
    out.fulamt_ownpay = line.amount;
    return out;
  }
  out.cls = item.cls;
  // §4.6.1: round((pric − cap) × cnt), never more than the line.
  if (item.price_cap > 0 && line.pric > item.price_cap)
    out.overlmt = min(line_amount(line.pric - item.price_cap, line.cnt), line.amount);
  const Fen capped = line.amount - out.overlmt;
  if (item.cls == ChargeClass::kB) {  // §4.6.3: the catalogue's share on class B only
    out.selfpay_prop = item.has_selfpay_prop ? item.selfpay_prop : policy.class_b_share;
    out.preselfpay = apply(capped, out.selfpay_prop);
  }
  out.inscp = capped - out.preselfpay;
  return out;
}

Status check_line_amount(int64_t pric, int64_t cnt, Fen declared) {
  if (pric < 0 || cnt < 0 || declared.v < 0) return bad_request("negative price, count or line amount");
  const int64_t diff = declared.v - line_amount(pric, cnt).v;
  if (diff > 1 || diff < -1)
    return Status(Code::kInvalidArgument, reason::kSumMismatch,
                  "det_item_fee_sumamt " + format_yuan(declared) + " is more than 0.01 away from pric × cnt = " +
                      format_yuan(line_amount(pric, cnt)),
                  "det_item_fee_sumamt");
  return Status::Ok();
}

Status check_medfee_sumamt(Fen declared, std::span<const PricedLine> lines) {
  Fen sum;
  for (const PricedLine& l : lines) sum += l.amount;
  if (sum == declared) return Status::Ok();
  return Status(Code::kInvalidArgument, reason::kSumMismatch,
                "medfee_sumamt " + format_yuan(declared) + " is not the sum of the lines " + format_yuan(sum),
                "medfee_sumamt");
}

Status settle(const PolicySet& policy, const PersonState& person, const CareContext& care,
              std::span<const PricedLine> lines, std::span<LineSplit> line_out, Settlement& out) {
  if (line_out.size() < lines.size()) return bad_request("line buffer smaller than the lines");
  const bool pharmacy_kind = care.kind == CareKind::kPharmacyRx || care.kind == CareKind::kPharmacyOtc;
  if (!pharmacy_kind && care.level == Level::kPharmacy) return bad_request("a pharmacy settles pharmacy kinds only");
  if (person.balc.v < 0 || person.mulaid_balc.v < 0 || !accumulators_non_negative(person.acc))
    return bad_request("negative balance or accumulator");

  out = Settlement{};
  for (size_t i = 0; i < lines.size(); ++i) {
    const PricedLine& l = lines[i];
    if (l.item == nullptr || l.amount.v < 0 || l.pric < 0 || l.cnt < 0) return bad_request("bad fee line");
    const LineSplit& ls = line_out[i] = classify_line(policy, l);
    out.medfee_sumamt += ls.amount;
    out.fulamt_ownpay_amt += ls.fulamt_ownpay;
    out.overlmt_selfpay += ls.overlmt;
    out.preselfpay_amt += ls.preselfpay;
    out.inscp_scp_amt += ls.inscp;
  }

  out.benefit = benefit_of(person, care);
  // Pharmacy kinds use the pharmacy row whatever the facility level says.
  CareContext c = care;
  if (pharmacy_kind) c.level = Level::kPharmacy;
  detail::settle_funds(policy, person, c, out);

  // Steps 9-10 (§4.6.15): own account, then the relative's, then cash; residents have no account.
  out.psn_part_amt = out.medfee_sumamt - out.fund_pay_sumamt - out.hosp_part_amt;
  out.balc_before = person.insutype == Insutype::kEmployee ? person.balc : Fen(0);
  out.mulaid_balc_before = person.mulaid_balc;
  if (care.acct_used) {
    out.acct_pay = min(out.psn_part_amt, out.balc_before);
    out.acct_mulaid_pay = min(out.psn_part_amt - out.acct_pay, out.mulaid_balc_before);
  }
  out.psn_cash_pay = out.psn_part_amt - out.acct_pay - out.acct_mulaid_pay;
  out.balc_after = out.balc_before - out.acct_pay;
  out.mulaid_balc_after = out.mulaid_balc_before - out.acct_mulaid_pay;

  check_identities(out, line_out.first(lines.size()));
  return Status::Ok();
}

Result<Settlement> settle(const PolicySet& policy, const PersonState& person, const CareContext& care,
                          std::span<const PricedLine> lines, std::span<LineSplit> line_out) {
  Settlement s;
  YB_RETURN_IF_ERROR(settle(policy, person, care, lines, line_out, s));
  return s;
}

void check_identities(const Settlement& s, std::span<const LineSplit> lines) {
  // A cancellation holds the same identities on negated amounts: check the original's signs.
  const int64_t sign = s.cancellation ? -1 : 1;
  Fen sum;
  for (const LineSplit& l : lines) {
    YB_CHECK(l.amount == l.fulamt_ownpay + l.overlmt + l.preselfpay + l.inscp, "I2 per line");
    YB_CHECK(l.fulamt_ownpay.v >= 0 && l.overlmt.v >= 0 && l.preselfpay.v >= 0 && l.inscp.v >= 0, "negative line part");
    sum += l.amount;
  }
  YB_CHECK(lines.empty() || sum.v * sign == s.medfee_sumamt.v, "I1: medfee_sumamt = sum of the lines");
  YB_CHECK(s.medfee_sumamt == s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt, "I2");
  Fen rows;
  for (const FundDetail& d : s.fund_details()) rows += d.paid;
  YB_CHECK(s.fund_pay_sumamt == s.hifp_pay + s.hifob_pay + s.hifmi_pay + s.cvlserv_pay + s.hifes_pay + s.maf_pay + s.oth_pay &&
               s.fund_pay_sumamt == rows,
           "I3");
  YB_CHECK(s.psn_part_amt == s.medfee_sumamt - s.fund_pay_sumamt - s.hosp_part_amt, "I4");
  YB_CHECK(s.psn_part_amt == s.acct_pay + s.acct_mulaid_pay + s.psn_cash_pay, "I5");
  YB_CHECK(s.fund_pay_sumamt.v * sign <= s.inscp_scp_amt.v * sign, "I6");
  YB_CHECK(s.balc_after == s.balc_before - s.acct_pay && s.balc_after.v >= 0, "I7");
  YB_CHECK(s.mulaid_balc_after == s.mulaid_balc_before - s.acct_mulaid_pay && s.mulaid_balc_after.v >= 0,
           "I7 (mutual aid)");
  for (Fen f : {s.medfee_sumamt, s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt,
                s.act_pay_dedc, s.hifp_pay, s.hifob_pay, s.hifmi_pay, s.cvlserv_pay, s.hifes_pay, s.maf_pay, s.oth_pay,
                s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.acct_mulaid_pay, s.psn_cash_pay})
    YB_CHECK(f.v * sign >= 0, "a negative amount");
  YB_CHECK(s.act_pay_dedc.v * sign <= s.inscp_scp_amt.v * sign, "deductible above the in-scope amount");
}

}  // namespace yibao::models
