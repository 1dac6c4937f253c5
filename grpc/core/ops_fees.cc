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
  std::vector<FeeLineRecord> recs;
  recs.reserve(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    const v1::FeeLine& l = in[i];
    const std::string at = "feedetail[" + std::to_string(i) + "]";
    if (l.feedetl_sn().empty()) return bad_request(at + ".feedetl_sn is required", "feedetail.feedetl_sn");
    if (!seen.emplace(l.feedetl_sn(), i).second)
      return bad_request("feedetl_sn " + l.feedetl_sn() + " appears twice in one call", "feedetail.feedetl_sn");
    if (Status s = models::check_line_amount(l.pric(), l.cnt(), Fen(l.det_item_fee_sumamt())); !s.ok())
      return Status::Refuse(s.reason(), at + ": " + std::string(s.message()), "feedetail.det_item_fee_sumamt");
    YB_ASSIGN_OR_RETURN(FeeLineRecord rec, line_record(l, v.mdtrt_id, chrg_bchno, at));
    recs.push_back(std::move(rec));
  }
  std::vector<models::RuleLine> rl(recs.size());
  for (size_t i = 0; i < recs.size(); ++i) rl[i] = rule_line(recs[i], t.state.catalog().find(recs[i].med_list_codg), t.now);
  const std::vector<models::Filing> filings = t.state.filings(t.ledger, v.psn_no);
  const models::RuleContext ctx = rule_context(v, *person, v.begntime, filings);
  models::RuleOutcome rules;
  models::run_line_rules(policy->rules, ctx, rl, rules);
  add_rule_notices(t, rules);

  std::map<std::string, FeeLineRecord> existing;
  for (auto& l : t.ledger.lines_of(v.mdtrt_id)) existing.emplace(l.feedetl_sn, std::move(l));
  int stored = 0;
  for (int i = 0; i < in.size(); ++i) {
    const FeeLineRecord& rec = recs[static_cast<size_t>(i)];
    const models::RuleLineDecision& d = rules.lines[static_cast<size_t>(i)];
    if (d.verdict == models::RuleVerdict::kReject) {
      v1::RejectedLine* x = rejected->Add();
      x->set_feedetl_sn(rec.feedetl_sn);
      x->set_rule_id(std::string(models::rule_code(d.rule)));
      for (const auto& hit : rules.rejected)
        if (hit.line == i) x->set_message(models::rule_message(hit));
      continue;
    }
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
  if (stored > 0) {
    if (v.state == VisitState::kRegistered) v.state = VisitState::kFeesOpen;
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
