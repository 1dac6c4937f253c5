// Pre-settle, settle and cancel: outpatient 2206-2208, inpatient 2303-2305, pharmacy 2101-2103
// (DOMAIN.md §3.2, §11.5-8).
#include <set>

#include "grpc/convert/settlement.h"
#include "grpc/core/backfill.h"
#include "grpc/core/ops.h"
#include "grpc/core/ops_common.h"
#include "grpc/core/pricing.h"
#include "grpc/core/suspensions.h"
#include "grpc/core/validate.h"

namespace yibao::core::ops {
namespace {

// Everything a settle path holds between pricing and commit.
struct Prepared {
  Visit visit;
  models::Person person;
  models::Facility facility;
  std::vector<FeeLineRecord> lines;
  Priced priced;
  std::string hold_id;  // a hold-mode suspension of the facility in force (§11.12)
};

// Pre-settlements (2206/2303/2101) give the look-ahead warning of suspensions starting soon.
bool is_pre_settle(Txn& t) {
  const std::string_view infno = t.header.infno();
  return infno.substr(0, 4) == "2206" || infno.substr(0, 4) == "2303" || infno.substr(0, 4) == "2101";
}

// The suspension steps of §11.3 for a money-moving call (suspensions.h): facility (chain,
// department) after the facility check, person after the person check.
Status check_facility_step(Txn& t, Prepared& p, std::string_view dept_code) {
  return check_facility_suspensions(t, p.facility, dept_code, is_pre_settle(t), &p.hold_id);
}
Status check_person_step(Txn& t, const Prepared& p) {
  return check_person_suspension(t, p.person.psn_no, is_pre_settle(t));
}

// After a settlement is committed under a hold: what is owed to the facility is held.
Status hold_if_needed(Txn& t, const Prepared& p, const v1::SetlInfo& info) {
  if (p.hold_id.empty()) return Status::Ok();
  return hold_settlement(t, p.hold_id, p.facility.code, info.setl_id(),
                         Fen(info.fund_pay_sumamt() + info.acct_pay() + info.acct_mulaid_pay()));
}

std::vector<FeeLineRecord> unsettled_lines(Txn& t, const std::string& mdtrt_id) {
  std::vector<FeeLineRecord> out;
  for (auto& l : t.ledger.lines_of(mdtrt_id))
    if (l.setl_id.empty()) out.push_back(std::move(l));
  return out;
}

Status check_declared_total(Fen declared, const std::vector<FeeLineRecord>& lines) {
  const Fen sum = sum_lines(lines);
  if (declared != sum)
    return Status::Refuse(reason::kSumMismatch,
                          "medfee_sumamt " + format_yuan(declared) + " is not the lines' total " + format_yuan(sum),
                          "medfee_sumamt");
  return Status::Ok();
}

// §11.5: the declared split must equal the core's.
Status check_declared_split(const models::Settlement& s, int64_t fund, int64_t acct, int64_t cash) {
  auto mismatch = [](const char* field, int64_t declared, Fen core) {
    return Status::Refuse(reason::kSumMismatch,
                          std::string(field) + " declared " + format_yuan(Fen(declared)) + ", the core computes " +
                              format_yuan(core),
                          field);
  };
  if (fund != s.fund_pay_sumamt.v) return mismatch("fund_pay_sumamt", fund, s.fund_pay_sumamt);
  if (acct != s.acct_pay.v) return mismatch("acct_pay", acct, s.acct_pay);
  if (cash != s.psn_cash_pay.v) return mismatch("psn_cash_pay", cash, s.psn_cash_pay);
  return Status::Ok();
}

template <class Rep>
void fill_reply(Txn& t, const Prepared& p, Rep* rep) {
  v1::SetlInfo* info = rep->mutable_setlinfo();
  convert::to_proto(p.priced.s, info);
  info->set_mdtrt_id(p.visit.mdtrt_id);
  info->set_psn_no(p.person.psn_no);
  info->set_psn_name(p.person.name);
  info->set_insutype(std::to_string(static_cast<int>(p.person.insutype)));
  info->set_psn_type(std::string(models::psn_type_code(p.person.psn_type)));
  info->set_cvlserv_flag(p.person.cvlserv ? 1 : 0);
  info->set_med_type(p.visit.kind == VisitKind::kPharmacy ? "41" : p.visit.med_type);
  info->set_care_time(format_envelope(care_time_of(p.visit, t.now)));
  info->set_policy_version(p.priced.policy->tag());
  convert::add_details(p.priced.s, *p.priced.policy, rep->mutable_setldetail());
}

// ---- outpatient ----
Result<Prepared> prepare_outpatient(Txn& t, const std::string& mdtrt_id, const std::string& psn_no,
                                    const std::string& insutype, int64_t medfee_sumamt, int32_t acct_used) {
  Prepared p;
  YB_ASSIGN_OR_RETURN(p.visit, own_visit(t, mdtrt_id, psn_no, VisitKind::kOutpatient));
  if (p.visit.state == VisitState::kSettled) return state_error("visit is already settled (cancel it first)");
  if (p.visit.state != VisitState::kFeesOpen)
    return state_error("a " + std::string(state_name(p.visit.state)) + " visit has no fees to settle");
  YB_ASSIGN_OR_RETURN(p.facility, own_facility(t));
  YB_RETURN_IF_ERROR(check_facility_step(t, p, p.visit.dept_code));
  YB_ASSIGN_OR_RETURN(p.person, enrolled_person(t, p.visit.psn_no, insutype, p.visit.begntime.date()));
  YB_RETURN_IF_ERROR(check_person_step(t, p));
  YB_RETURN_IF_ERROR(check_backfilled_settlement(t, p.visit, p.facility, p.visit.dept_code, p.visit.begntime));
  p.lines = unsettled_lines(t, p.visit.mdtrt_id);
  if (p.lines.empty()) return state_error("visit has no unsettled lines");
  YB_RETURN_IF_ERROR(check_declared_total(Fen(medfee_sumamt), p.lines));
  YB_ASSIGN_OR_RETURN(p.priced, price(t, PricingInput{&p.visit, &p.person, &p.facility, &p.lines, acct_used == 1,
                                                      care_time_of(p.visit, t.now)}));
  return p;
}

// ---- inpatient ----
Result<Prepared> prepare_inpatient(Txn& t, const std::string& mdtrt_id, const std::string& psn_no,
                                   const std::string& insutype, int64_t medfee_sumamt, int32_t acct_used,
                                   int32_t mid_setl_flag, bool final_settle) {
  Prepared p;
  if (mid_setl_flag == 1) return state_error("mid-stay settlement (mid_setl_flag = 1) is not in this version", "mid_setl_flag");
  YB_ASSIGN_OR_RETURN(p.visit, own_visit(t, mdtrt_id, psn_no, VisitKind::kInpatient));
  if (p.visit.state == VisitState::kSettled) return state_error("a second discharge settlement of a stay is refused");
  if (p.visit.state == VisitState::kVoid) return state_error("the stay was cancelled");
  if (final_settle && p.visit.state != VisitState::kDischarged) return state_error("discharge the stay (2402) before 2304");
  YB_ASSIGN_OR_RETURN(p.facility, own_facility(t));
  // §11.11: a stay's current department (the discharge department once discharged).
  YB_RETURN_IF_ERROR(check_facility_step(t, p, p.visit.dscg_dept_code.empty() ? p.visit.dept_code
                                                                              : p.visit.dscg_dept_code));
  const CivilTime care = care_time_of(p.visit, t.now);
  YB_ASSIGN_OR_RETURN(p.person, enrolled_person(t, p.visit.psn_no, insutype, care.date()));
  YB_RETURN_IF_ERROR(check_person_step(t, p));
  YB_RETURN_IF_ERROR(check_backfilled_settlement(
      t, p.visit, p.facility, p.visit.dscg_dept_code.empty() ? p.visit.dept_code : p.visit.dscg_dept_code, care));
  p.lines = unsettled_lines(t, p.visit.mdtrt_id);
  YB_RETURN_IF_ERROR(check_declared_total(Fen(medfee_sumamt), p.lines));
  YB_ASSIGN_OR_RETURN(p.priced,
                      price(t, PricingInput{&p.visit, &p.person, &p.facility, &p.lines, acct_used == 1, care}));
  return p;
}

// ---- pharmacy (lines inline) ----
template <class Req>
Result<Prepared> prepare_pharmacy(Txn& t, const Req& r) {
  Prepared p;
  YB_RETURN_IF_ERROR(check_backfill_flag(r.backfill_flag()));
  const bool backfill = r.backfill_flag() == 1;
  if (!backfill && !r.cleared_decision_id().empty())
    return bad_request("cleared_decision_id is for a back-fill only", "cleared_decision_id");
  if (backfill && r.begntime().empty()) return bad_request("a back-filled sale needs its begntime", "begntime");
  YB_ASSIGN_OR_RETURN(p.facility, own_facility(t));
  if (p.facility.type != models::FacilityType::kPharmacy)
    return bad_request("2101/2102 are transactions of a designated pharmacy", "header.fixmedins_code");
  YB_RETURN_IF_ERROR(check_facility_step(t, p, ""));
  CivilTime sale = t.now;
  if (!r.begntime().empty()) {
    YB_ASSIGN_OR_RETURN(sale, required_time(r.begntime(), "begntime"));
  }
  YB_ASSIGN_OR_RETURN(p.person, enrolled_person(t, r.psn_no(), r.insutype(), sale.date()));
  YB_RETURN_IF_ERROR(check_person_step(t, p));
  if (backfill) {
    YB_RETURN_IF_ERROR(check_backfill_care_time(t, sale, "begntime"));
    YB_RETURN_IF_ERROR(
        check_suspensions_at_care_time(t, p.facility, "", p.person.psn_no, sale, r.cleared_decision_id()));
  }
  if (r.med_type() != "41" && !r.med_type().empty()) return bad_request("pharmacy med_type is 41", "med_type");
  if (r.feedetail().empty()) return bad_request("feedetail has no lines", "feedetail");
  p.visit.fixmedins_code = p.facility.code;
  p.visit.psn_no = p.person.psn_no;
  p.visit.insutype = p.person.insutype;
  p.visit.kind = VisitKind::kPharmacy;
  p.visit.state = VisitState::kFeesOpen;
  p.visit.med_type = "41";
  p.visit.begntime = sale;
  p.visit.rxno = r.rxno();
  p.visit.backfill_flag = r.backfill_flag();
  p.visit.diagnoses = join_diagnoses(r.diseinfo());
  std::set<std::string> seen;
  for (int i = 0; i < r.feedetail_size(); ++i) {
    const v1::FeeLine& l = r.feedetail(i);
    if (l.feedetl_sn().empty() || !seen.insert(l.feedetl_sn()).second)
      return bad_request("every line needs a feedetl_sn, unique in the sale", "feedetail.feedetl_sn");
    if (Status s = models::check_line_amount(l.pric(), l.cnt(), Fen(l.det_item_fee_sumamt())); !s.ok())
      return Status::Refuse(s.reason(), "feedetail[" + std::to_string(i) + "]: " + std::string(s.message()),
                            "feedetail.det_item_fee_sumamt");
    if (t.state.catalog().find(l.med_list_codg()) == nullptr)
      return Status::Refuse("E_RULE_NOMAP", "item " + l.med_list_codg() + " is not in the catalogue",
                            "feedetail.med_list_codg");
    YB_ASSIGN_OR_RETURN(FeeLineRecord rec, line_record(l, "", "0000", "feedetail[" + std::to_string(i) + "]"));
    if (rec.rxno.empty()) rec.rxno = r.rxno();
    p.lines.push_back(std::move(rec));
  }
  YB_RETURN_IF_ERROR(check_declared_total(Fen(r.medfee_sumamt()), p.lines));
  YB_ASSIGN_OR_RETURN(p.priced,
                      price(t, PricingInput{&p.visit, &p.person, &p.facility, &p.lines, r.acct_used_flag() == 1, sale}));
  return p;
}

template <class Rep>
void add_line_results(const Prepared& p, Rep* rep) {
  // Split lines (days' supply) price as two parts; the reply gives one result per priced part.
  size_t k = 0;
  for (const auto& l : p.lines) {
    const Fen line_amount = l.amount;
    Fen covered;
    while (k < p.priced.splits.size() && covered < line_amount) {
      convert::to_proto(p.priced.splits[k], l.feedetl_sn, rep->add_result());
      covered += p.priced.splits[k].amount;
      ++k;
    }
  }
}

}  // namespace

Status pre_settle(Txn& t, const v1::PreSettleRequest& r, v1::PreSettleReply* rep) {
  YB_ASSIGN_OR_RETURN(Prepared p, prepare_outpatient(t, r.mdtrt_id(), r.psn_no(), r.insutype(), r.medfee_sumamt(),
                                                    r.acct_used_flag()));
  fill_reply(t, p, rep);
  return Status::Ok();
}

Status settle(Txn& t, const v1::SettleRequest& r, v1::SettleReply* rep) {
  YB_ASSIGN_OR_RETURN(Prepared p, prepare_outpatient(t, r.mdtrt_id(), r.psn_no(), r.insutype(), r.medfee_sumamt(),
                                                    r.acct_used_flag()));
  YB_RETURN_IF_ERROR(check_declared_split(p.priced.s, r.fund_pay_sumamt(), r.acct_pay(), r.psn_cash_pay()));
  YB_RETURN_IF_ERROR(
      commit_settlement(t, p.visit, p.person, p.lines, LinesAre::kStored, p.priced, "11", rep->mutable_setlinfo(),
                        rep->mutable_setldetail()));
  return hold_if_needed(t, p, rep->setlinfo());
}

Status cancel_settlement(Txn& t, const v1::CancelSettlementRequest& r, v1::CancelSettlementReply* rep) {
  return cancel_settlement_common(t, r.setl_id(), r.mdtrt_id(), r.psn_no(), VisitKind::kOutpatient,
                                  VisitState::kFeesOpen, kSetlCancelled, rep->mutable_setlinfo(),
                                  rep->mutable_setldetail());
}

Status inpatient_pre_settle(Txn& t, const v1::InpatientPreSettleRequest& r, v1::InpatientPreSettleReply* rep) {
  YB_ASSIGN_OR_RETURN(Prepared p, prepare_inpatient(t, r.mdtrt_id(), r.psn_no(), r.insutype(), r.medfee_sumamt(),
                                                   r.acct_used_flag(), r.mid_setl_flag(), false));
  fill_reply(t, p, rep);
  return Status::Ok();
}

Status inpatient_settle(Txn& t, const v1::InpatientSettleRequest& r, v1::InpatientSettleReply* rep) {
  YB_ASSIGN_OR_RETURN(Prepared p, prepare_inpatient(t, r.mdtrt_id(), r.psn_no(), r.insutype(), r.medfee_sumamt(),
                                                   r.acct_used_flag(), r.mid_setl_flag(), true));
  YB_RETURN_IF_ERROR(check_declared_split(p.priced.s, r.fund_pay_sumamt(), r.acct_pay(), r.psn_cash_pay()));
  YB_RETURN_IF_ERROR(
      commit_settlement(t, p.visit, p.person, p.lines, LinesAre::kStored, p.priced, "21", rep->mutable_setlinfo(),
                        rep->mutable_setldetail()));
  return hold_if_needed(t, p, rep->setlinfo());
}

Status inpatient_cancel(Txn& t, const v1::InpatientCancelSettlementRequest& r, v1::InpatientCancelSettlementReply* rep) {
  return cancel_settlement_common(t, r.setl_id(), r.mdtrt_id(), r.psn_no(), VisitKind::kInpatient,
                                  VisitState::kDischarged, kSetlCancelled, rep->mutable_setlinfo(),
                                  rep->mutable_setldetail());
}

Status pharmacy_pre_settle(Txn& t, const v1::PharmacyPreSettleRequest& r, v1::PharmacyPreSettleReply* rep) {
  YB_ASSIGN_OR_RETURN(Prepared p, prepare_pharmacy(t, r));
  fill_reply(t, p, rep);
  add_line_results(p, rep);
  return Status::Ok();
}

Status pharmacy_settle(Txn& t, const v1::PharmacySettleRequest& r, v1::PharmacySettleReply* rep) {
  YB_ASSIGN_OR_RETURN(Prepared p, prepare_pharmacy(t, r));
  YB_RETURN_IF_ERROR(check_declared_split(p.priced.s, r.fund_pay_sumamt(), r.acct_pay(), r.psn_cash_pay()));
  // Prescription sales are unique per (facility, rxno) among live sales (§11.8).
  if (!p.visit.rxno.empty()) {
    if (auto old = t.ledger.find_visit_by_key(p.facility.code, VisitKind::kPharmacy, p.visit.rxno)) {
      if (p.visit.backfill_flag == 1)
        return state_error("prescription " + p.visit.rxno + " was already " +
                               (old->backfill_flag == 1 ? "back-filled here: a duplicate back-fill"
                                                        : "sold here in real time: not back-filled"),
                           "rxno");
      return state_error("prescription " + p.visit.rxno + " was already sold here", "rxno");
    }
  }
  YB_ASSIGN_OR_RETURN(p.visit.mdtrt_id, new_id(t, 'M', "mdtrt"));
  p.visit.ipt_otp_no = p.visit.rxno;
  p.visit.created_msgid = t.header.msgid();
  for (auto& l : p.lines) l.mdtrt_id = p.visit.mdtrt_id;
  YB_RETURN_IF_ERROR(commit_settlement(t, p.visit, p.person, p.lines, LinesAre::kNew, p.priced, "41",
                                       rep->mutable_setlinfo(), rep->mutable_setldetail()));
  YB_RETURN_IF_ERROR(hold_if_needed(t, p, rep->setlinfo()));
  add_line_results(p, rep);
  return Status::Ok();
}

Status pharmacy_cancel(Txn& t, const v1::PharmacyCancelRequest& r, v1::PharmacyCancelReply* rep) {
  return cancel_settlement_common(t, r.setl_id(), r.mdtrt_id(), r.psn_no(), VisitKind::kPharmacy, VisitState::kVoid,
                                  kSetlCancelled, rep->mutable_setlinfo(), rep->mutable_setldetail());
}

}  // namespace yibao::core::ops
