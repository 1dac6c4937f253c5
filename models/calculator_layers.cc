// Steps 2-8 of DOMAIN.md §4.1 as read by §4.6: out-of-area, deductible, pooled fund, large-amount,
// serious illness, civil-servant and enterprise subsidies, medical assistance.
#include "models/calculator_layers.h"

namespace yibao::models::detail {

namespace {

constexpr Fen room_left(Fen cap, Fen used) { return clamp_non_negative(cap - used); }

// §4.6.5: a filed long-term resident or worker, or local care, gets no adjustment at all.
void out_of_area(const OutOfAreaPolicy& o, const CareContext& care, Settlement& s) {
  s.ratio_cut = Ratio(0);
  s.dedc_multiplier = Ratio::one();
  if (care.geography == Geography::kLocal || care.filing_case == FilingCase::kResident ||
      care.filing_case == FilingCase::kWorker)
    return;
  s.ratio_cut = care.filing_case == FilingCase::kReferral    ? o.cut_referral
                : care.filing_case == FilingCase::kEmergency ? o.cut_emergency
                                                             : o.cut_self_referral;
  s.dedc_multiplier = care.geography == Geography::kInProvince ? o.mult_in_province : o.mult_cross_province;
}

// Step 3 (§4.6.4, §4.6.6): the deductible due, and what this settlement bears.
void deductible(const PolicySet& p, const PersonState& person, const CareContext& care, Settlement& s) {
  const bool employee = person.insutype == Insutype::kEmployee;
  const bool retired = person.psn_type == PsnType::kEmployeeRetired;
  s.dedc_due = Fen(0);
  if (s.benefit == Benefit::kInpatient) {
    s.admission_no = person.acc.admissions + 1;
    const Ratio share = p.readmission_share[s.admission_no >= 3 ? 2 : s.admission_no - 1];
    const int row = inpatient_row(care.level);
    const Fen table = employee ? p.employee.inpatient[row].deductible : p.resident.inpatient[row].deductible;
    s.dedc_due = apply2(table, share, s.dedc_multiplier);  // one product, rounded once
  } else if (s.benefit == Benefit::kOutpatient && employee) {
    const Fen annual = retired ? p.employee.otp_deductible_retired : p.employee.otp_deductible_in_service;
    s.dedc_due = room_left(apply(annual, s.dedc_multiplier), person.acc.otp_dedc_used);
  }
  s.act_pay_dedc = min(s.inscp_scp_amt, s.dedc_due);
}

// The table ratio of step 4, before the out-of-area cut.
Ratio table_ratio(const PolicySet& p, const PersonState& person, const CareContext& care, Benefit b) {
  const bool employee = person.insutype == Insutype::kEmployee;
  const bool retired = person.psn_type == PsnType::kEmployeeRetired;
  switch (b) {
    case Benefit::kNone: return Ratio(0);
    case Benefit::kInpatient:
    case Benefit::kChronic: {  // chronic: the inpatient ratio of the level (employees only)
      const int row = inpatient_row(care.level);
      if (!employee) return p.resident.inpatient[row].ratio;
      const InServiceRetired& r = p.employee.inpatient[row].ratio;
      return retired ? r.retired : r.in_service;
    }
    case Benefit::kOutpatient: {
      const size_t row = level_index(care.level);
      if (!employee) return p.resident.outpatient[row];
      const InServiceRetired& r = p.employee.outpatient[row];
      return retired ? r.retired : r.in_service;
    }
  }
  return Ratio(0);
}

// Room under every cap the pooled payment counts toward (§4.6.9, §4.6.10).
Fen pool_room(const PolicySet& p, const PersonState& person, Benefit b) {
  const Accumulators& a = person.acc;
  if (person.insutype == Insutype::kEmployee) {
    Fen room = room_left(p.employee.pooled_cap, a.pool_paid_total);
    if (b == Benefit::kOutpatient) {
      const Fen cap = person.psn_type == PsnType::kEmployeeRetired ? p.employee.otp_cap_retired
                                                                   : p.employee.otp_cap_in_service;
      room = min(room, room_left(cap, a.otp_pool_paid));
    } else if (b == Benefit::kChronic) {
      room = min(room, room_left(p.employee.chronic_cap, a.chronic_pool_paid));
    }
    return room;
  }
  Fen room = room_left(p.resident.pooled_cap, a.pool_paid_total);
  if (b == Benefit::kOutpatient) room = min(room, room_left(p.resident.otp_cap, a.otp_pool_paid));
  return room;
}

void add_detail(Settlement& s, FundLayer layer, Fen seen, Fen room, Fen paid) {
  if (paid.is_zero()) return;  // rows for non-zero payments only (§4.6.16)
  s.details[s.detail_count++] = FundDetail{layer, seen, room, paid};
}

// Step 6 (§4.6.11): overlap of [before, after) with each band above the deductible, times the
// band's share, summed exactly and rounded once.
Fen serious_illness_due(const SeriousIllnessPolicy& si, Fen before, Fen after, Ratio bonus) {
  Int128 num = 0;
  int64_t start = si.deductible.v;
  for (const SeriousIllnessBand& band : si.bands) {
    const bool open = band.width.v == 0;
    const int64_t end = open ? INT64_MAX : start + band.width.v;
    const int64_t lo = before.v > start ? before.v : start;
    const int64_t hi = after.v < end ? after.v : end;
    if (hi > lo) num += static_cast<Int128>(hi - lo) * (band.ratio.bp + bonus.bp);
    if (open || after.v <= end) break;
    start = end;
  }
  return Fen(div_round(num, 10000));
}

}  // namespace

void settle_funds(const PolicySet& p, const PersonState& person, const CareContext& care, Settlement& s) {
  const bool employee = person.insutype == Insutype::kEmployee;
  const Accumulators& acc = person.acc;
  Accumulators& d = s.delta;
  s.detail_count = 0;
  if (s.benefit == Benefit::kNone) {  // OTC: no deductible, no fund, no accumulator (§4.6.14)
    s.fund_pay_sumamt = Fen(0);
    return;
  }

  // Steps 2-3.
  out_of_area(p.out_of_area, care, s);
  deductible(p, person, care, s);

  // Step 4 (§4.6.7): the capped branch only when the uncapped payment exceeds the room.
  s.table_ratio = table_ratio(p, person, care, s.benefit);
  s.pool_ratio = Ratio(s.table_ratio.bp > s.ratio_cut.bp ? s.table_ratio.bp - s.ratio_cut.bp : 0);
  const Fen room = pool_room(p, person, s.benefit);
  s.pool_eligible = s.inscp_scp_amt - s.act_pay_dedc;
  const Fen uncapped = apply(s.pool_eligible, s.pool_ratio);
  if (uncapped > room) {
    s.pool_capped = true;
    s.hifp_pay = room;
    s.eligible_under_cap = divide(room, s.pool_ratio);  // ratio > 0 here: uncapped > room ≥ 0
    s.above_cap_base = clamp_non_negative(s.pool_eligible - s.eligible_under_cap);
  } else {
    s.hifp_pay = uncapped;
  }
  add_detail(s, FundLayer::kPool, s.inscp_scp_amt, room, s.hifp_pay);

  // Step 5 (§4.6.8): employee inpatients only.
  if (employee && s.benefit == Benefit::kInpatient) {
    const Fen large_room = room_left(p.employee.large_cap, acc.large_paid);
    s.hifob_pay = min(apply(s.above_cap_base, p.employee.large_ratio), large_room);
    add_detail(s, FundLayer::kLarge, s.above_cap_base, large_room, s.hifob_pay);
  }

  // Step 6 (§4.6.11): residents, every non-OTC settlement adds to the base, even past the cap.
  if (!employee) {
    const Fen base_add = s.inscp_scp_amt - s.hifp_pay;
    s.si_base_before = acc.si_base;
    s.si_base_after = acc.si_base + base_add;
    s.si_bonus = p.serious_illness.bonus_group[maf_index(person.maf_group)] ? p.serious_illness.group_bonus : Ratio(0);
    const Fen si_room = room_left(p.serious_illness.cap, acc.si_paid);
    s.hifmi_pay = min(serious_illness_due(p.serious_illness, s.si_base_before, s.si_base_after, s.si_bonus), si_room);
    add_detail(s, FundLayer::kSeriousIllness, base_add, si_room, s.hifmi_pay);
    d.si_base = base_add;
  }

  // Step 7 (§4.6.13): one base; the enterprise share is limited to what the subsidy left.
  if (employee && s.benefit == Benefit::kInpatient && (person.cvlserv || person.hifes)) {
    s.subsidy_base = s.inscp_scp_amt - s.hifp_pay - s.hifob_pay - s.hifmi_pay;
    if (person.cvlserv) s.cvlserv_pay = apply(s.subsidy_base, p.employee.cvlserv_share);
    if (person.hifes) s.hifes_pay = min(apply(s.subsidy_base, p.employee.hifes_share), s.subsidy_base - s.cvlserv_pay);
    add_detail(s, FundLayer::kCivilServant, s.subsidy_base, kNoCap, s.cvlserv_pay);
    add_detail(s, FundLayer::kEnterprise, s.subsidy_base, kNoCap, s.hifes_pay);
  }

  // Step 8 (§4.6.12): assistance on every non-OTC settlement of both schemes.
  if (person.maf_group != MafGroup::kNone) {
    s.maf_base = s.inscp_scp_amt - s.hifp_pay - s.hifob_pay - s.hifmi_pay - s.cvlserv_pay - s.hifes_pay;
    s.maf_share = p.assistance.share[maf_index(person.maf_group)];
    const Fen maf_room = room_left(p.assistance.cap, acc.maf_paid);
    s.maf_pay = min(apply(s.maf_base, s.maf_share), maf_room);
    add_detail(s, FundLayer::kAssistance, s.maf_base, maf_room, s.maf_pay);
  }

  s.fund_pay_sumamt = s.hifp_pay + s.hifob_pay + s.hifmi_pay + s.cvlserv_pay + s.hifes_pay + s.maf_pay + s.oth_pay;

  // The accumulators' share of this settlement (I8).
  switch (s.benefit) {
    case Benefit::kOutpatient:
      if (employee) d.otp_dedc_used = s.act_pay_dedc;
      d.otp_pool_paid = s.hifp_pay;
      break;
    case Benefit::kChronic: d.chronic_pool_paid = s.hifp_pay; break;
    case Benefit::kInpatient:
      d.ipt_dedc_paid = s.act_pay_dedc;
      d.admissions = 1;  // a zero-fee stay still counts (§4.6.4)
      break;
    case Benefit::kNone: break;
  }
  d.pool_paid_total = s.hifp_pay;
  d.large_paid = s.hifob_pay;
  d.si_paid = s.hifmi_pay;
  d.cvlserv_paid = s.cvlserv_pay;
  d.hifes_paid = s.hifes_pay;
  d.maf_paid = s.maf_pay;
}

}  // namespace yibao::models::detail
