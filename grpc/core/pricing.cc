#include "grpc/core/pricing.h"

#include "grpc/convert/settlement.h"
#include "grpc/core/ops_common.h"
#include "grpc/core/suspensions.h"

namespace yibao::core {
namespace {

models::CareKind care_kind(const Visit& v) {
  switch (v.kind) {
    case VisitKind::kInpatient: return models::CareKind::kInpatient;
    case VisitKind::kPharmacy: return v.rxno.empty() ? models::CareKind::kPharmacyOtc : models::CareKind::kPharmacyRx;
    case VisitKind::kOutpatient: break;
  }
  if (v.med_type == "14") return models::CareKind::kChronic;
  if (v.med_type == "12") return models::CareKind::kEmergency;
  return models::CareKind::kGeneralOutpatient;
}

// The out-of-area filing case in force: a referral or designated-point filing with a case.
models::FilingCase filing_case(const std::vector<models::Filing>& filings, CivilDate on) {
  for (const auto& f : filings)
    if (f.active_on(on) && f.filing_case != models::FilingCase::kNone &&
        (f.type == models::FilingType::kReferral || f.type == models::FilingType::kDesignated))
      return f.filing_case;
  return models::FilingCase::kNone;
}

bool has_chronic_filing(const std::vector<models::Filing>& filings, CivilDate on) {
  for (const auto& f : filings)
    if (f.type == models::FilingType::kChronic && f.active_on(on)) return true;
  return false;
}

}  // namespace

CivilTime care_time_of(const Visit& v, CivilTime now) {
  if (v.kind == VisitKind::kInpatient) return v.endtime ? *v.endtime : now;
  return v.begntime;
}

Fen sum_lines(const std::vector<FeeLineRecord>& lines) {
  Fen total;
  for (const auto& l : lines) total += l.amount;
  return total;
}

Result<Priced> price(Txn& t, const PricingInput& in) {
  const Visit& v = *in.visit;
  const models::Person& p = *in.person;
  Priced out;
  out.policy = t.state.policies().in_force(in.care_time);
  if (out.policy == nullptr)
    return Status::Refuse(reason::kState, "no policy set is in force on " + format_date(in.care_time.date()));
  out.care_year = year_of(in.care_time);
  const std::vector<models::Filing> filings = t.state.filings(t.ledger, p.psn_no);

  // Resolve the lines against the catalogue.
  const auto& lines = *in.lines;
  std::vector<models::RuleLine> rule_lines(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const models::Item* item = t.state.catalog().find(lines[i].med_list_codg);
    if (item == nullptr)
      return Status::Refuse("E_RULE_NOMAP", "item " + lines[i].med_list_codg + " is not in the catalogue",
                            "feedetail.med_list_codg");
    rule_lines[i] = rule_line(lines[i], item, in.care_time);
  }
  const models::RuleContext ctx = rule_context(v, p, in.care_time, filings);
  models::RuleOutcome rules;
  if (ctx.pharmacy) models::run_pharmacy_rules(out.policy->rules, ctx, rule_lines, {}, rules);
  else models::run_visit_rules(out.policy->rules, ctx, rule_lines, {}, rules);
  if (rules.refused) return rules.refusal_status();
  add_rule_notices(t, rules);

  // Priced lines: a self-pay verdict forces class C; a days' split prices the allowed part and
  // self-pays the rest (§11.22).
  out.priced.reserve(lines.size() + 4);
  for (size_t i = 0; i < lines.size(); ++i) {
    const models::RuleLineDecision& d = rules.lines[i];
    models::PricedLine pl{rule_lines[i].item, lines[i].pric, lines[i].cnt, lines[i].amount,
                          lines[i].hosp_appr_flag == 1, d.verdict == models::RuleVerdict::kSelfPay};
    if (d.verdict == models::RuleVerdict::kSplit) {
      models::PricedLine rest = pl;
      rest.cnt = d.selfpay_cnt;
      rest.amount = d.selfpay_amount;
      rest.force_selfpay = true;
      pl.cnt -= d.selfpay_cnt;
      pl.amount -= d.selfpay_amount;
      out.priced.push_back(pl);
      out.priced.push_back(rest);
    } else {
      out.priced.push_back(pl);
    }
  }

  models::CareContext care;
  care.kind = care_kind(v);
  care.level = in.facility->level;
  const std::string& place =
      t.header.mdtrtarea_admvs().empty() ? in.facility->admdvs : t.header.mdtrtarea_admvs();
  care.geography = models::geography_of(p.insuplc_admdvs, place);
  care.filing_case = filing_case(filings, in.care_time.date());
  care.chronic_filing = has_chronic_filing(filings, in.care_time.date());
  care.acct_used = in.acct_used;

  const models::Accumulators acc =
      in.accumulators ? *in.accumulators : t.state.accumulators(t.ledger, p, out.care_year);
  Fen mulaid;
  if (in.acct_used && !p.mulaid_psn_no.empty()) {
    if (auto rel = t.state.person(t.ledger, p.mulaid_psn_no)) {
      mulaid = t.state.balance(t.ledger, *rel);
      out.mulaid_psn_no = p.mulaid_psn_no;
    }
  }
  out.acc_before = acc;
  out.balance_before = in.balance ? *in.balance : t.state.balance(t.ledger, p);
  const models::PersonState ps = models::person_state(p, acc, out.balance_before, mulaid);
  out.splits.resize(out.priced.size());
  YB_RETURN_IF_ERROR(models::settle(*out.policy, ps, care, out.priced, out.splits, out.s));
  return out;
}

// Moves money and accumulators of a record (a cancellation record carries negated amounts) and
// books the fund column.
Status apply_money(Txn& t, const SettlementRecord& r, const char* fund_column, const KnownPerson* known) {
  std::optional<models::Person> looked_up;
  if (known == nullptr) {
    looked_up = t.state.person(t.ledger, r.psn_no);
    if (!looked_up) return Status(Code::kInternal, reason::kInternal, "settled person " + r.psn_no + " vanished");
  }
  const models::Person& person = known ? known->person : *looked_up;
  models::Accumulators acc = known ? known->acc : t.state.accumulators(t.ledger, person, r.care_year);
  acc += r.acc_delta;  // a cancellation record carries the negated delta
  YB_RETURN_IF_ERROR(t.ledger.put_accumulators(r.psn_no, person.insutype, r.care_year, acc));
  if (!r.acct_pay.is_zero())
    YB_RETURN_IF_ERROR(t.ledger.put_balance(
        r.psn_no, (known ? known->balance : t.state.balance(t.ledger, person)) - r.acct_pay));
  if (!r.acct_mulaid_pay.is_zero() && !r.mulaid_psn_no.empty()) {
    auto rel = t.state.person(t.ledger, r.mulaid_psn_no);
    if (!rel) return Status(Code::kInternal, reason::kInternal, "mutual-aid relative " + r.mulaid_psn_no + " vanished");
    YB_RETURN_IF_ERROR(t.ledger.put_balance(rel->psn_no, t.state.balance(t.ledger, *rel) - r.acct_mulaid_pay));
  }
  // Payouts are booked positive for a settlement; a cancellation books its (positive) amounts
  // under reversals.
  const bool reversal = r.refd_setl_flag == 1;
  auto book = [&](const char* fund, Fen amount) -> Status {
    if (amount.is_zero()) return Status::Ok();
    return t.ledger.add_fund(fund, fund_column, reversal ? -amount : amount);
  };
  YB_RETURN_IF_ERROR(book("POOL", r.hifp_pay));
  YB_RETURN_IF_ERROR(book("LARGE", r.hifob_pay));
  YB_RETURN_IF_ERROR(book("SI", r.hifmi_pay));
  YB_RETURN_IF_ERROR(book("CVL", r.cvlserv_pay));
  YB_RETURN_IF_ERROR(book("ENT", r.hifes_pay));
  YB_RETURN_IF_ERROR(book("MAF", r.maf_pay));
  return book("ACCT", r.acct_pay + r.acct_mulaid_pay);
}

void set_amounts(SettlementRecord& r, const Priced& p) {
  const models::Settlement& s = p.s;
  r.medfee_sumamt = s.medfee_sumamt;
  r.fulamt_ownpay_amt = s.fulamt_ownpay_amt;
  r.overlmt_selfpay = s.overlmt_selfpay;
  r.preselfpay_amt = s.preselfpay_amt;
  r.inscp_scp_amt = s.inscp_scp_amt;
  r.act_pay_dedc = s.act_pay_dedc;
  r.hifp_pay = s.hifp_pay;
  r.hifob_pay = s.hifob_pay;
  r.hifmi_pay = s.hifmi_pay;
  r.cvlserv_pay = s.cvlserv_pay;
  r.hifes_pay = s.hifes_pay;
  r.maf_pay = s.maf_pay;
  r.oth_pay = s.oth_pay;
  r.fund_pay_sumamt = s.fund_pay_sumamt;
  r.psn_part_amt = s.psn_part_amt;
  r.acct_pay = s.acct_pay;
  r.acct_mulaid_pay = s.acct_mulaid_pay;
  r.psn_cash_pay = s.psn_cash_pay;
  r.hosp_part_amt = s.hosp_part_amt;
  r.pool_prop = s.pool_ratio.bp;
  r.balc_after = s.balc_after;
  r.mulaid_psn_no = p.mulaid_psn_no;
  r.acc_delta = s.delta;
  r.policy_version = p.policy->tag();
  for (const models::FundDetail& d : s.fund_details())
    r.details.push_back({std::string(models::fund_layer_code(d.layer)), d.inscp_seen, d.room_before, d.paid,
                         models::setl_proc_info(s, d, *p.policy)});
}

const std::array<Fen SettlementRecord::*, 19> kRecordAmounts = {
    &SettlementRecord::medfee_sumamt,   &SettlementRecord::fulamt_ownpay_amt, &SettlementRecord::overlmt_selfpay,
    &SettlementRecord::preselfpay_amt,  &SettlementRecord::inscp_scp_amt,     &SettlementRecord::act_pay_dedc,
    &SettlementRecord::hifp_pay,        &SettlementRecord::hifob_pay,         &SettlementRecord::hifmi_pay,
    &SettlementRecord::cvlserv_pay,     &SettlementRecord::hifes_pay,         &SettlementRecord::maf_pay,
    &SettlementRecord::oth_pay,         &SettlementRecord::fund_pay_sumamt,   &SettlementRecord::psn_part_amt,
    &SettlementRecord::acct_pay,        &SettlementRecord::acct_mulaid_pay,   &SettlementRecord::psn_cash_pay,
    &SettlementRecord::hosp_part_amt};

Status commit_settlement(Txn& t, Visit& v, const models::Person& person, std::vector<FeeLineRecord>& lines,
                         LinesAre lines_are, const Priced& p, const char* clr_type, v1::SetlInfo* info,
                         google::protobuf::RepeatedPtrField<v1::SetlDetail>* details) {
  SettlementRecord r;
  YB_RETURN_IF_ERROR(stamp_new_record(t, r));
  r.mdtrt_id = v.mdtrt_id;
  r.fixmedins_code = v.fixmedins_code;
  r.psn_no = v.psn_no;
  r.insutype = v.insutype;
  r.psn_type = std::string(models::psn_type_code(person.psn_type));
  r.med_type = v.kind == VisitKind::kPharmacy ? "41" : v.med_type;
  r.clr_type = clr_type;
  r.care_time = care_time_of(v, t.now);
  r.care_year = p.care_year;
  r.backfill_flag = v.backfill_flag;
  set_amounts(r, p);
  const KnownPerson known{person, p.acc_before, p.balance_before};
  YB_RETURN_IF_ERROR(apply_money(t, r, "payouts", &known));
  for (auto& l : lines) l.setl_id = r.setl_id;
  if (lines_are == LinesAre::kStored) {
    YB_RETURN_IF_ERROR(t.ledger.move_lines(v.mdtrt_id, "", r.setl_id));  // the visit's open lines
  } else {
    for (const auto& l : lines) YB_RETURN_IF_ERROR(t.ledger.put_line(l));
  }
  v.state = VisitState::kSettled;
  v.live_setl_id = r.setl_id;
  YB_RETURN_IF_ERROR(save_visit(t, v));
  fill_from_record(r, info, details);
  info->set_psn_name(person.name);
  info->set_cvlserv_flag(person.cvlserv ? 1 : 0);
  YB_RETURN_IF_ERROR(t.ledger.put_settlement(r));
  t.effect_setl_id = r.setl_id;
  t.effect_mdtrt_id = v.mdtrt_id;
  return Status::Ok();
}

Status stamp_new_record(Txn& t, SettlementRecord& r) {
  YB_ASSIGN_OR_RETURN(r.setl_id, new_id(t, 'S', "setl"));
  r.msgid = t.header.msgid();
  r.infno = t.header.infno();
  r.setl_time = t.now;
  r.business_day = t.now.date();
  r.state = kSetlLive;
  r.undone_by.clear();
  return Status::Ok();
}

void fill_from_record(const SettlementRecord& r, v1::SetlInfo* o,
                      google::protobuf::RepeatedPtrField<v1::SetlDetail>* details) {
  o->set_setl_id(r.setl_id);
  o->set_mdtrt_id(r.mdtrt_id);
  o->set_psn_no(r.psn_no);
  o->set_insutype(std::to_string(static_cast<int>(r.insutype)));
  o->set_psn_type(r.psn_type);
  o->set_setl_time(format_envelope(r.setl_time));
  o->set_med_type(r.med_type);
  o->set_medfee_sumamt(r.medfee_sumamt.v);
  o->set_fulamt_ownpay_amt(r.fulamt_ownpay_amt.v);
  o->set_overlmt_selfpay(r.overlmt_selfpay.v);
  o->set_preselfpay_amt(r.preselfpay_amt.v);
  o->set_inscp_scp_amt(r.inscp_scp_amt.v);
  o->set_act_pay_dedc(r.act_pay_dedc.v);
  o->set_hifp_pay(r.hifp_pay.v);
  o->set_pool_prop_selfpay(r.pool_prop);
  o->set_cvlserv_pay(r.cvlserv_pay.v);
  o->set_hifes_pay(r.hifes_pay.v);
  o->set_hifmi_pay(r.hifmi_pay.v);
  o->set_hifob_pay(r.hifob_pay.v);
  o->set_maf_pay(r.maf_pay.v);
  o->set_oth_pay(r.oth_pay.v);
  o->set_fund_pay_sumamt(r.fund_pay_sumamt.v);
  o->set_psn_part_amt(r.psn_part_amt.v);
  o->set_acct_pay(r.acct_pay.v);
  o->set_acct_mulaid_pay(r.acct_mulaid_pay.v);
  o->set_psn_cash_pay(r.psn_cash_pay.v);
  o->set_hosp_part_amt(r.hosp_part_amt.v);
  o->set_balc(r.balc_after.v);
  o->set_clr_type(r.clr_type);
  o->set_medins_setl_id(r.msgid);
  o->set_refd_setl_flag(r.refd_setl_flag);
  o->set_backfill_flag(r.backfill_flag);
  o->set_care_time(format_envelope(r.care_time));
  o->set_policy_version(r.policy_version);
  for (const auto& d : r.details) {
    v1::SetlDetail* x = details->Add();
    x->set_fund_pay_type(d.fund);
    x->set_inscp_scp_amt(d.inscp.v);
    x->set_crt_payb_lmt_amt(d.room_before.v);
    x->set_fund_payamt(d.paid.v);
    x->set_setl_proc_info(d.proc_info);
  }
}

Status cancel_settlement_common(Txn& t, const std::string& setl_id, const std::string& mdtrt_id,
                                const std::string& psn_no, VisitKind kind, VisitState after, int32_t undo_kind,
                                v1::SetlInfo* info, google::protobuf::RepeatedPtrField<v1::SetlDetail>* details) {
  if (setl_id.empty()) return bad_request("setl_id is required", "setl_id");
  auto orig = t.ledger.get_settlement(setl_id);
  if (!orig) return Status::Refuse(reason::kUnknownRef, "settlement " + setl_id + " is not known", "setl_id");
  if (orig->fixmedins_code != t.header.fixmedins_code())
    return Status::Refuse(reason::kNotYourVisit, "settlement belongs to another facility", "setl_id");
  if (!mdtrt_id.empty() && mdtrt_id != orig->mdtrt_id) return bad_request("mdtrt_id is not the settlement's visit", "mdtrt_id");
  if (!psn_no.empty() && psn_no != orig->psn_no) return bad_request("psn_no is not the settlement's person", "psn_no");
  if (orig->refd_setl_flag == 1) return state_error("a cancellation cannot be cancelled", "setl_id");
  if (orig->clr_type == kClrManual)
    return state_error("a manual reimbursement record is the agency's, not the facility's to cancel", "setl_id");
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, orig->mdtrt_id, "", kind));
  if (orig->state != kSetlLive) {
    // A second cancel of the same original replays the first (§11.6).
    auto first = t.ledger.get_settlement(orig->undone_by);
    if (orig->state == kSetlCancelled && first && undo_kind == kSetlCancelled) {
      fill_from_record(*first, info, details);
      return Status::Ok();
    }
    return state_error("settlement " + setl_id + " is already undone", "setl_id");
  }
  SettlementRecord c = *orig;
  YB_RETURN_IF_ERROR(stamp_new_record(t, c));
  c.refd_setl_flag = 1;
  c.orig_setl_id = orig->setl_id;
  for (Fen SettlementRecord::*f : kRecordAmounts) c.*f = -(c.*f);
  c.acc_delta = models::Accumulators{};
  c.acc_delta -= orig->acc_delta;
  for (auto& d : c.details) {
    d.inscp = -d.inscp;
    d.paid = -d.paid;
  }
  auto person = t.state.person(t.ledger, c.psn_no);
  c.balc_after = (person ? t.state.balance(t.ledger, *person) : Fen()) - c.acct_pay;
  YB_RETURN_IF_ERROR(apply_money(t, c, "reversals"));
  orig->state = undo_kind;
  orig->undone_by = undo_kind == kSetlCancelled ? c.setl_id : t.header.msgid();
  YB_RETURN_IF_ERROR(t.ledger.put_settlement(*orig));
  YB_RETURN_IF_ERROR(unhold_undone(t, orig->setl_id));  // a held amount is no longer owed
  YB_RETURN_IF_ERROR(t.ledger.move_lines(orig->mdtrt_id, orig->setl_id, ""));
  v.state = after;
  v.live_setl_id.clear();
  YB_RETURN_IF_ERROR(save_visit(t, v));
  fill_from_record(c, info, details);
  YB_RETURN_IF_ERROR(t.ledger.put_settlement(c));
  t.effect_setl_id = c.setl_id;
  return Status::Ok();
}

}  // namespace yibao::core
