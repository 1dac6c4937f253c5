// Fee lines: 2204/2205 (outpatient) and 2301/2302 (inpatient) (DOMAIN.md §3.2, §11.20).
#include <map>

#include "grpc/convert/settlement.h"
#include "grpc/core/ops.h"
#include "grpc/core/ops_common.h"
#include "grpc/core/validate.h"
#include "models/calculator.h"
#include "models/rules.h"

namespace yibao::core::ops {
namespace {

using Lines = google::protobuf::RepeatedPtrField<v1::FeeLine>;

Status upload(Txn& t, VisitKind kind, const std::string& mdtrt_id, const std::string& psn_no,
              const std::string& chrg_bchno, const Lines& in, google::protobuf::RepeatedPtrField<v1::FeeLineResult>* result,
              google::protobuf::RepeatedPtrField<v1::RejectedLine>* rejected) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, mdtrt_id, psn_no, kind));
  const bool open = v.state == VisitState::kRegistered || v.state == VisitState::kFeesOpen ||
                    (kind == VisitKind::kInpatient && v.state == VisitState::kDischarged);
  if (!open) return state_error("fees cannot be added to a " + std::string(state_name(v.state)) + " visit");
  const models::PolicySet* policy = t.state.policies().in_force(v.begntime);
  if (policy == nullptr) return state_error("no policy set is in force on " + format_date(v.begntime.date()));
  YB_RETURN_IF_ERROR(models::check_line_count(policy->rules, static_cast<size_t>(in.size())));
  if (in.empty()) return bad_request("feedetail has no lines", "feedetail");
  auto person = t.state.person(t.ledger, v.psn_no);
  if (!person) return Status::Refuse(reason::kPsnNotFound, "the visit's person is not known", "psn_no");

  // Amounts first (§4.6.2): a line off by more than a fen refuses the call.
  std::map<std::string_view, int> seen;
  std::vector<models::RuleLine> rl(static_cast<size_t>(in.size()));
  std::vector<std::optional<CivilTime>> times(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    const v1::FeeLine& l = in[i];
    const std::string at = "feedetail[" + std::to_string(i) + "]";
    if (l.feedetl_sn().empty()) return bad_request(at + ".feedetl_sn is required", "feedetail.feedetl_sn");
    if (!seen.emplace(l.feedetl_sn(), i).second)
      return bad_request("feedetl_sn " + l.feedetl_sn() + " appears twice in one call", "feedetail.feedetl_sn");
    if (Status s = models::check_line_amount(l.pric(), l.cnt(), Fen(l.det_item_fee_sumamt())); !s.ok())
      return Status::Refuse(s.reason(), at + ": " + std::string(s.message()), "feedetail.det_item_fee_sumamt");
    if (!l.fee_ocur_time().empty()) {
      auto tm = parse_civil(l.fee_ocur_time());
      if (!tm) return bad_request(at + ".fee_ocur_time must be yyyy-MM-dd HH:mm:ss", "feedetail.fee_ocur_time");
      times[static_cast<size_t>(i)] = *tm;
    }
    models::RuleLine& r = rl[static_cast<size_t>(i)];
    r.item = t.state.catalog().find(l.med_list_codg());
    r.code = l.med_list_codg();
    r.feedetl_sn = l.feedetl_sn();
    r.rxno = l.rxno();
    r.pric = l.pric();
    r.cnt = l.cnt();
    r.amount = Fen(l.det_item_fee_sumamt());
    r.prd_days = l.prd_days();
    r.dscg_drug = l.dscg_drug_flag() == 1;
    r.hosp_appr = l.hosp_appr_flag() == 1;
    r.selfpay_consent = l.selfpay_consent_flag() == 1;
    r.fee_time = times[static_cast<size_t>(i)].value_or(t.now);
  }
  const std::vector<models::Filing> filings = t.state.filings(t.ledger, v.psn_no);
  models::RuleContext ctx;
  ctx.med_type = v.med_type;
  ctx.sex = person->sex;
  ctx.age_years = models::age_at_care(person->birth, v.begntime.date());
  ctx.care_time = v.begntime;
  ctx.discharge_time = v.endtime;
  ctx.filings = filings;
  ctx.trum_flag = v.trum_flag;
  ctx.rel_ttp_flag = v.rel_ttp_flag;
  models::RuleOutcome rules;
  models::run_line_rules(policy->rules, ctx, rl, rules);
  add_rule_notices(t, rules);

  std::map<std::string, FeeLineRecord> existing;
  for (auto& l : t.ledger.lines_of(v.mdtrt_id)) existing.emplace(l.feedetl_sn, std::move(l));
  int stored = 0;
  for (int i = 0; i < in.size(); ++i) {
    const v1::FeeLine& l = in[i];
    const models::RuleLineDecision& d = rules.lines[static_cast<size_t>(i)];
    if (d.verdict == models::RuleVerdict::kReject) {
      v1::RejectedLine* x = rejected->Add();
      x->set_feedetl_sn(l.feedetl_sn());
      x->set_rule_id(std::string(models::rule_code(d.rule)));
      for (const auto& hit : rules.rejected)
        if (hit.line == i) x->set_message(models::rule_message(hit));
      continue;
    }
    FeeLineRecord rec;
    rec.mdtrt_id = v.mdtrt_id;
    rec.feedetl_sn = l.feedetl_sn();
    rec.chrg_bchno = chrg_bchno;
    rec.med_list_codg = l.med_list_codg();
    rec.medins_list_codg = l.medins_list_codg();
    rec.amount = Fen(l.det_item_fee_sumamt());
    rec.cnt = l.cnt();
    rec.pric = l.pric();
    rec.rxno = l.rxno();
    rec.rx_circ_flag = l.rx_circ_flag();
    rec.hosp_appr_flag = l.hosp_appr_flag();
    rec.selfpay_consent_flag = l.selfpay_consent_flag();
    rec.prd_days = l.prd_days();
    rec.dscg_drug_flag = l.dscg_drug_flag();
    rec.bilg_dept_codg = l.bilg_dept_codg();
    rec.fee_ocur_time = times[static_cast<size_t>(i)];
    rec.payload_hash = payload_hash(l);
    if (auto it = existing.find(rec.feedetl_sn); it != existing.end()) {
      // Key (mdtrt_id, feedetl_sn): an identical resend is a no-op, a changed line is refused.
      if (it->second.payload_hash != rec.payload_hash)
        return state_error("line " + rec.feedetl_sn + " was uploaded before with other content", "feedetail.feedetl_sn");
    } else {
      YB_RETURN_IF_ERROR(t.ledger.put_line(rec));
      ++stored;
    }
    const models::PricedLine pl{rl[static_cast<size_t>(i)].item, rec.pric, rec.cnt, rec.amount,
                                rec.hosp_appr_flag == 1, d.verdict == models::RuleVerdict::kSelfPay};
    convert::to_proto(models::classify_line(*policy, pl), rec.feedetl_sn, result->Add());
  }
  if (stored > 0 && v.state == VisitState::kRegistered) {
    v.state = VisitState::kFeesOpen;
    YB_RETURN_IF_ERROR(save_visit(t, v));
  } else if (stored > 0) {
    YB_RETURN_IF_ERROR(save_visit(t, v));
  }
  return Status::Ok();
}

Status cancel(Txn& t, VisitKind kind, const std::string& mdtrt_id, const std::string& psn_no,
              const std::string& chrg_bchno, const google::protobuf::RepeatedPtrField<std::string>& sns, int32_t* removed) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, mdtrt_id, psn_no, kind));
  if (v.state == VisitState::kSettled || v.state == VisitState::kVoid)
    return state_error("fees of a " + std::string(state_name(v.state)) + " visit cannot be cancelled");
  const bool all = chrg_bchno.empty() || chrg_bchno == "0000";
  int32_t n = 0, left = 0;
  for (const auto& l : t.ledger.lines_of(v.mdtrt_id)) {
    if (!l.setl_id.empty()) continue;
    bool match = all || l.chrg_bchno == chrg_bchno;
    if (match && !sns.empty()) {
      match = false;
      for (const auto& sn : sns) match = match || sn == l.feedetl_sn;
    }
    if (!match) {
      ++left;
      continue;
    }
    YB_RETURN_IF_ERROR(t.ledger.delete_line(v.mdtrt_id, l.feedetl_sn));
    ++n;
  }
  if (n > 0) {
    if (left == 0 && v.state == VisitState::kFeesOpen) v.state = VisitState::kRegistered;
    YB_RETURN_IF_ERROR(save_visit(t, v));
  }
  *removed = n;
  return Status::Ok();
}

}  // namespace

Status upload_fees(Txn& t, const v1::UploadFeesRequest& r, v1::UploadFeesReply* rep) {
  return upload(t, VisitKind::kOutpatient, r.mdtrt_id(), r.psn_no(), r.chrg_bchno(), r.feedetail(),
                rep->mutable_result(), rep->mutable_rejected());
}

Status upload_inpatient_fees(Txn& t, const v1::UploadInpatientFeesRequest& r, v1::UploadInpatientFeesReply* rep) {
  return upload(t, VisitKind::kInpatient, r.mdtrt_id(), r.psn_no(), r.chrg_bchno(), r.feedetail(),
                rep->mutable_result(), rep->mutable_rejected());
}

Status cancel_fees(Txn& t, const v1::CancelFeesRequest& r, v1::CancelFeesReply* rep) {
  int32_t removed = 0;
  YB_RETURN_IF_ERROR(cancel(t, VisitKind::kOutpatient, r.mdtrt_id(), r.psn_no(), r.chrg_bchno(), r.feedetl_sn(), &removed));
  rep->set_removed(removed);
  return Status::Ok();
}

Status cancel_inpatient_fees(Txn& t, const v1::CancelInpatientFeesRequest& r, v1::CancelInpatientFeesReply* rep) {
  int32_t removed = 0;
  YB_RETURN_IF_ERROR(cancel(t, VisitKind::kInpatient, r.mdtrt_id(), r.psn_no(), r.chrg_bchno(), r.feedetl_sn(), &removed));
  rep->set_removed(removed);
  return Status::Ok();
}

}  // namespace yibao::core::ops
