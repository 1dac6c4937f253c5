// Off the hot path: setl_proc_info text, cancellations, and small conversions.
#include <algorithm>
#include <string>

#include "models/calculator.h"

namespace yibao::models {

std::string_view fund_layer_code(FundLayer f) {
  switch (f) {
    case FundLayer::kPool: return "POOL";
    case FundLayer::kLarge: return "LARGE";
    case FundLayer::kSeriousIllness: return "SI";
    case FundLayer::kCivilServant: return "CVL";
    case FundLayer::kEnterprise: return "ENT";
    case FundLayer::kAssistance: return "MAF";
  }
  return "";
}

Geography geography_of(std::string_view insuplc_admdvs, std::string_view mdtrtarea_admvs) {
  if (mdtrtarea_admvs.empty() || mdtrtarea_admvs == insuplc_admdvs) return Geography::kLocal;
  if (insuplc_admdvs.size() >= 2 && mdtrtarea_admvs.size() >= 2 && insuplc_admdvs.substr(0, 2) == mdtrtarea_admvs.substr(0, 2))
    return Geography::kInProvince;
  return Geography::kCrossProvince;
}

PersonState person_state(const Person& p, const Accumulators& acc, Fen balc, Fen mulaid_balc) {
  PersonState s;
  s.insutype = p.insutype;
  s.psn_type = p.psn_type;
  s.cvlserv = p.cvlserv;
  s.hifes = p.hifes;
  s.maf_group = p.maf_group;
  s.balc = balc;
  s.mulaid_balc = mulaid_balc;
  s.acc = acc;
  return s;
}

Settlement cancellation_of(const Settlement& o, Fen balc_now, Fen mulaid_balc_now) {
  Settlement c = o;
  c.cancellation = !o.cancellation;
  for (Fen* f : {&c.medfee_sumamt, &c.fulamt_ownpay_amt, &c.overlmt_selfpay, &c.preselfpay_amt, &c.inscp_scp_amt,
                 &c.act_pay_dedc, &c.hifp_pay, &c.hifob_pay, &c.hifmi_pay, &c.cvlserv_pay, &c.hifes_pay, &c.maf_pay,
                 &c.oth_pay, &c.fund_pay_sumamt, &c.psn_part_amt, &c.acct_pay, &c.acct_mulaid_pay, &c.psn_cash_pay,
                 &c.hosp_part_amt})
    *f = -*f;
  for (uint8_t i = 0; i < c.detail_count; ++i) {
    c.details[i].inscp_seen = -c.details[i].inscp_seen;
    c.details[i].paid = -c.details[i].paid;
  }
  Accumulators zero;
  c.delta = zero;
  c.delta -= o.delta;
  // The money goes back to the accounts as they stand now.
  c.balc_before = balc_now;
  c.balc_after = balc_now - c.acct_pay;
  c.mulaid_balc_before = mulaid_balc_now;
  c.mulaid_balc_after = mulaid_balc_now - c.acct_mulaid_pay;
  check_identities(c, {});
  return c;
}

namespace {

// Appends pieces; avoids operator+ chains (GCC 12 -Wrestrict false positives) and copies.
struct Text {
  std::string s;
  Text& operator<<(std::string_view v) { s.append(v); return *this; }
  Text& operator<<(int64_t v) { s.append(std::to_string(v)); return *this; }
  Text& operator<<(Fen f) { return *this << f.v; }
  Text& operator<<(Ratio r) { return *this << static_cast<int64_t>(r.bp); }
};

void capped_note(Text& t, Fen uncapped, Fen paid, Fen room) {
  if (uncapped != paid) t << "; capped at room " << room;
}

}  // namespace

std::string setl_proc_info(const Settlement& s, const FundDetail& row, const PolicySet& policy) {
  // Rendered from the original's figures; a cancellation says so and shows them unnegated.
  const int64_t sign = s.cancellation ? -1 : 1;
  const Fen paid(row.paid.v * sign);
  Text t;
  if (s.cancellation) t << "cancellation of: ";
  switch (row.layer) {
    case FundLayer::kPool: {
      t << "(" << Fen(s.inscp_scp_amt.v * sign) << "-" << Fen(s.act_pay_dedc.v * sign) << ")*";
      if (s.ratio_cut.is_zero()) t << s.pool_ratio;
      else t << "(" << s.table_ratio << "-" << s.ratio_cut << ")";
      t << "/10000=" << apply(s.pool_eligible, s.pool_ratio);
      if (s.pool_capped)
        t << "; capped at room " << row.room_before << ", under cap " << row.room_before << "*10000/" << s.pool_ratio
          << "=" << s.eligible_under_cap << ", above-cap base " << s.pool_eligible << "-" << s.eligible_under_cap
          << "=" << s.above_cap_base;
      break;
    }
    case FundLayer::kLarge: {
      const Fen uncapped = apply(s.above_cap_base, policy.employee.large_ratio);
      t << s.above_cap_base << "*" << policy.employee.large_ratio << "/10000=" << uncapped;
      capped_note(t, uncapped, paid, row.room_before);
      break;
    }
    case FundLayer::kSeriousIllness: {
      const SeriousIllnessPolicy& si = policy.serious_illness;
      t << "base " << s.si_base_before << "->" << s.si_base_after << " above " << si.deductible << ": (";
      Int128 num = 0;
      int64_t start = si.deductible.v;
      bool first = true;
      for (const SeriousIllnessBand& b : si.bands) {
        const int64_t end = b.width.v == 0 ? INT64_MAX : start + b.width.v;
        const int64_t lo = std::max(s.si_base_before.v, start), hi = std::min(s.si_base_after.v, end);
        if (hi > lo) {
          const int32_t share = b.ratio.bp + s.si_bonus.bp;
          t << (first ? "" : "+") << (hi - lo) << "*" << static_cast<int64_t>(share);
          num += static_cast<Int128>(hi - lo) * share;
          first = false;
        }
        if (b.width.v == 0 || s.si_base_after.v <= end) break;
        start = end;
      }
      const Fen uncapped(div_round(num, 10000));
      t << ")/10000=" << uncapped;
      capped_note(t, uncapped, paid, row.room_before);
      break;
    }
    case FundLayer::kCivilServant:
      t << s.subsidy_base << "*" << policy.employee.cvlserv_share << "/10000=" << paid;
      break;
    case FundLayer::kEnterprise:
      t << "min(" << s.subsidy_base << "*" << policy.employee.hifes_share << "/10000, " << s.subsidy_base << "-"
        << Fen(s.cvlserv_pay.v * sign) << ")=" << paid;
      break;
    case FundLayer::kAssistance: {
      const Fen uncapped = apply(s.maf_base, s.maf_share);
      t << s.maf_base << "*" << s.maf_share << "/10000=" << uncapped;
      capped_note(t, uncapped, paid, row.room_before);
      break;
    }
  }
  return std::move(t.s);
}

}  // namespace yibao::models
