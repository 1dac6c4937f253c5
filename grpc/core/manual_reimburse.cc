#include "grpc/core/manual_reimburse.h"

#include <set>

#include "grpc/core/admin_service.h"
#include "grpc/core/backfill.h"
#include "grpc/core/ops_common.h"
#include "grpc/core/pricing.h"
#include "grpc/core/validate.h"

namespace yibao::core {
namespace {

constexpr std::string_view kClaimKey = "manual_claim/";
constexpr std::string_view kTopupKey = "manual_topup/";

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string_view kind_of_infno(std::string_view infno) {
  if (infno == "MR02") return "TOP_UP";
  if (infno == "MR03") return "CLAW_BACK";
  return "MANUAL";
}

void answer(const SettlementRecord& rec, const models::Person* p, v1::ManualReimburseReply* rep) {
  rep->set_kind(std::string(kind_of_infno(rec.infno)));
  rep->set_orig_setl_id(rec.orig_setl_id);
  fill_from_record(rec, rep->mutable_setlinfo(), rep->mutable_setldetail());
  if (p) {
    rep->mutable_setlinfo()->set_psn_name(p->name);
    rep->mutable_setlinfo()->set_cvlserv_flag(p->cvlserv ? 1 : 0);
  }
}

// The invoice lines, checked as 2101/2102 check inline lines.
Result<std::vector<FeeLineRecord>> invoice_lines(Txn& /*t*/, const v1::ManualReimburseRequest& r,
                                                 const std::string& mdtrt_id) {
  if (r.feedetail().empty()) return bad_request("feedetail has no lines", "feedetail");
  std::vector<FeeLineRecord> out;
  std::set<std::string> seen;
  for (int i = 0; i < r.feedetail_size(); ++i) {
    const v1::FeeLine& l = r.feedetail(i);
    const std::string at = "feedetail[" + std::to_string(i) + "]";
    if (l.feedetl_sn().empty() || !seen.insert(l.feedetl_sn()).second)
      return bad_request("every line needs a feedetl_sn, unique in the claim", "feedetail.feedetl_sn");
    if (Status s = models::check_line_amount(l.pric(), l.cnt(), Fen(l.det_item_fee_sumamt())); !s.ok())
      return Status::Refuse(s.reason(), at + ": " + std::string(s.message()), "feedetail.det_item_fee_sumamt");
    YB_ASSIGN_OR_RETURN(FeeLineRecord rec, line_record(l, mdtrt_id, "0000", at));
    out.push_back(std::move(rec));
  }
  const Fen sum = sum_lines(out);
  if (sum != Fen(r.medfee_sumamt()))
    return Status::Refuse(reason::kSumMismatch,
                          "medfee_sumamt " + format_yuan(Fen(r.medfee_sumamt())) + " is not the lines' total " +
                              format_yuan(sum),
                          "medfee_sumamt");
  return out;
}

VisitKind kind_of_med_type(std::string_view m) {
  if (m == "41") return VisitKind::kPharmacy;
  if (m.size() == 2 && m[0] == '2') return VisitKind::kInpatient;
  return VisitKind::kOutpatient;
}

// MR01: a visit never settled in real time.
Status manual(Txn& t, const models::Facility& f, const v1::ManualReimburseRequest& r, SettlementRecord* out) {
  const std::string& m = r.med_type();
  const bool known = m == "11" || m == "12" || m == "13" || m == "14" || m == "41" ||
                     (m.size() == 2 && m[0] == '2' && m[1] >= '1' && m[1] <= '8');
  if (!known) return bad_request("med_type must be 11..14, 21..28 or 41", "med_type");
  const VisitKind kind = kind_of_med_type(m);
  if (r.ipt_otp_no().empty()) return bad_request("ipt_otp_no (the facility's visit number) is required", "ipt_otp_no");
  YB_ASSIGN_OR_RETURN(const CivilTime begn, required_time(r.begntime(), "begntime"));
  CivilTime care = begn;
  std::optional<CivilTime> end;
  if (kind == VisitKind::kInpatient) {
    YB_ASSIGN_OR_RETURN(care, required_time(r.endtime(), "endtime"));
    if (care < begn) return bad_request("endtime is before begntime", "endtime");
    end = care;
  }
  YB_RETURN_IF_ERROR(check_department(f, r.dept_code(), "dept_code"));
  YB_ASSIGN_OR_RETURN(const models::Person p, enrolled_person(t, r.psn_no(), r.insutype(), care.date()));
  YB_RETURN_IF_ERROR(check_backfill_care_time(t, care, kind == VisitKind::kInpatient ? "endtime" : "begntime"));
  YB_RETURN_IF_ERROR(check_suspensions_at_care_time(t, f, r.dept_code(), p.psn_no, care, r.cleared_decision_id()));
  if (auto old = t.ledger.find_visit_by_key(f.code, kind, r.ipt_otp_no()))
    return state_error("ipt_otp_no " + r.ipt_otp_no() + " is already visit " + old->mdtrt_id + " of " + f.code +
                           (old->state == VisitState::kSettled
                                ? " (settled: top up or claw back against its setl_id instead)"
                                : " (live: settle or cancel it there first)"),
                       "ipt_otp_no");
  Visit v;
  YB_ASSIGN_OR_RETURN(v.mdtrt_id, new_id(t, 'M', "mdtrt"));
  v.fixmedins_code = f.code;
  v.psn_no = p.psn_no;
  v.insutype = p.insutype;
  v.kind = kind;
  v.state = kind == VisitKind::kInpatient ? VisitState::kDischarged : VisitState::kFeesOpen;
  v.ipt_otp_no = r.ipt_otp_no();
  if (kind == VisitKind::kPharmacy) v.rxno = r.ipt_otp_no();
  v.med_type = m;
  v.dept_code = r.dept_code();
  v.dscg_dept_code = kind == VisitKind::kInpatient ? r.dept_code() : "";
  v.begntime = begn;
  v.endtime = end;
  v.diagnoses = join_diagnoses(r.diseinfo());
  if (kind == VisitKind::kInpatient) v.dscg_diagnoses = v.diagnoses;
  v.backfill_flag = 1;
  v.created_msgid = t.header.msgid();
  YB_ASSIGN_OR_RETURN(std::vector<FeeLineRecord> lines, invoice_lines(t, r, v.mdtrt_id));
  YB_ASSIGN_OR_RETURN(const Priced priced, price(t, PricingInput{&v, &p, &f, &lines, false, care}));
  v1::SetlInfo info;
  google::protobuf::RepeatedPtrField<v1::SetlDetail> details;
  YB_RETURN_IF_ERROR(commit_settlement(t, v, p, lines, LinesAre::kNew, priced, kClrManual, &info, &details));
  auto rec = t.ledger.get_settlement(info.setl_id());
  if (!rec) return Status(Code::kInternal, reason::kInternal, "manual record " + info.setl_id() + " vanished");
  *out = *rec;
  return Status::Ok();
}

// MR02 / MR03: the difference between the full calculation and real-time settlement `setl_id`.
Status top_up(Txn& t, const models::Facility& f, const v1::ManualReimburseRequest& r, v1::RequestHeader& h,
              SettlementRecord* out) {
  auto orig = t.ledger.get_settlement(r.setl_id());
  if (!orig || orig->fixmedins_code != f.code)
    return Status::Refuse(reason::kUnknownRef, "no settlement " + r.setl_id() + " of " + f.code, "setl_id");
  if (orig->refd_setl_flag == 1 || orig->state != kSetlLive || orig->clr_type == kClrManual)
    return state_error("settlement " + r.setl_id() + " is not a live real-time settlement", "setl_id");
  if (!orig->acct_mulaid_pay.is_zero())
    return state_error("settlement " + r.setl_id() + " used a mutual-aid account: not topped up here", "setl_id");
  if (!r.psn_no().empty() && r.psn_no() != orig->psn_no)
    return bad_request("psn_no is not the settlement's person", "psn_no");
  if (t.ledger.get_meta(std::string(kTopupKey) + orig->setl_id))
    return state_error("settlement " + r.setl_id() + " was already topped up or clawed back", "setl_id");
  auto v = t.ledger.get_visit(orig->mdtrt_id);
  if (!v) return Status(Code::kInternal, reason::kInternal, "visit " + orig->mdtrt_id + " vanished");
  const CivilTime care = orig->care_time;
  YB_ASSIGN_OR_RETURN(const models::Person p,
                      enrolled_person(t, orig->psn_no, std::to_string(static_cast<int>(orig->insutype)), care.date()));
  YB_RETURN_IF_ERROR(check_backfill_care_time(t, care, "setl_id"));
  YB_RETURN_IF_ERROR(check_suspensions_at_care_time(t, f, v->dscg_dept_code.empty() ? v->dept_code : v->dscg_dept_code,
                                                    p.psn_no, care, r.cleared_decision_id()));
  YB_ASSIGN_OR_RETURN(std::vector<FeeLineRecord> lines, invoice_lines(t, r, v->mdtrt_id));
  // As if the real-time settlement had not been made.
  models::Accumulators before = t.state.accumulators(t.ledger, p, orig->care_year);
  before -= orig->acc_delta;
  PricingInput in{&*v, &p, &f, &lines, !orig->acct_pay.is_zero(), care};
  in.accumulators = before;
  in.balance = t.state.balance(t.ledger, p) + orig->acct_pay;
  YB_ASSIGN_OR_RETURN(const Priced full, price(t, in));

  SettlementRecord d;
  set_amounts(d, full);
  for (Fen SettlementRecord::*f_ : kRecordAmounts) d.*f_ = d.*f_ - (*orig).*f_;
  d.acc_delta -= orig->acc_delta;
  // Detail rows: per fund, the full calculation's minus the original's.
  for (const auto& o : orig->details) {
    bool found = false;
    for (auto& x : d.details)
      if (x.fund == o.fund) {
        x.inscp = x.inscp - o.inscp;
        x.paid = x.paid - o.paid;
        x.proc_info = "full " + x.proc_info + " minus real-time " + format_yuan(o.paid);
        found = true;
      }
    if (!found) d.details.push_back({o.fund, -o.inscp, o.room_before, -o.paid, "real-time " + format_yuan(o.paid) + " clawed back"});
  }
  const Fen moved = d.fund_pay_sumamt + d.acct_pay;
  if (moved.is_zero())
    return state_error("the full calculation pays what settlement " + r.setl_id() +
                           " paid: nothing to top up or claw back",
                       "feedetail");
  h.set_infno(Fen() < moved ? "MR02" : "MR03");
  YB_RETURN_IF_ERROR(stamp_new_record(t, d));
  d.mdtrt_id = orig->mdtrt_id;
  d.fixmedins_code = orig->fixmedins_code;
  d.psn_no = orig->psn_no;
  d.insutype = orig->insutype;
  d.psn_type = orig->psn_type;
  d.med_type = orig->med_type;
  d.clr_type = kClrManual;
  d.care_time = care;
  d.care_year = orig->care_year;
  d.backfill_flag = 1;
  d.orig_setl_id = orig->setl_id;
  d.balc_after = t.state.balance(t.ledger, p) - d.acct_pay;
  YB_RETURN_IF_ERROR(apply_money(t, d, "payouts"));
  YB_RETURN_IF_ERROR(t.ledger.put_settlement(d));
  YB_RETURN_IF_ERROR(t.ledger.put_meta(std::string(kTopupKey) + orig->setl_id, d.setl_id));
  *out = d;
  return Status::Ok();
}

}  // namespace

Status manual_reimburse(Ledger& l, CoreState& state, CivilTime now, const v1::ManualReimburseRequest& r,
                        v1::ManualReimburseReply* rep) {
  if (r.claim_no().empty() || r.claim_no().size() > 64)
    return bad_request("claim_no is required (at most 64 bytes)", "claim_no");
  const std::string hash = hex(payload_hash(r));
  const std::string key = std::string(kClaimKey) + r.claim_no();
  if (auto stored = l.get_meta(key)) {
    const size_t sp = stored->find(' ');
    if (sp == std::string::npos || stored->substr(0, sp) != hash)
      return Status::Refuse(reason::kMsgidConflict, "claim_no " + r.claim_no() + " was recorded with another request",
                            "claim_no");
    auto rec = l.get_settlement(stored->substr(sp + 1));
    if (!rec) return Status(Code::kInternal, reason::kInternal, "claim " + r.claim_no() + "'s record vanished");
    const auto p = state.person(l, rec->psn_no);
    answer(*rec, p ? &*p : nullptr, rep);
    rep->set_replay(true);
    return Status::Ok();
  }
  v1::RequestHeader h;
  h.set_msgid("MR" + r.claim_no());
  h.set_infno("MR01");
  h.set_fixmedins_code(r.fixmedins_code());
  Txn t{l, state, now, h};
  const auto f = state.facility(l, r.fixmedins_code());
  if (!f) return Status::Refuse(reason::kUnknownRef, "facility " + r.fixmedins_code() + " is not known", "fixmedins_code");
  SettlementRecord rec;
  if (r.setl_id().empty()) {
    YB_RETURN_IF_ERROR(manual(t, *f, r, &rec));
  } else {
    YB_RETURN_IF_ERROR(top_up(t, *f, r, h, &rec));
  }
  YB_RETURN_IF_ERROR(l.put_meta(key, hash + " " + rec.setl_id));
  const auto p = state.person(l, rec.psn_no);
  answer(rec, p ? &*p : nullptr, rep);
  return Status::Ok();
}

grpc::ServerUnaryReactor* AdminService::ManualReimburse(grpc::CallbackServerContext* ctx,
                                                        const v1::ManualReimburseRequest* req,
                                                        v1::ManualReimburseReply* rep) {
  return on_writer(ctx, *req, "ManualReimburse", [this, req, rep](Ledger& l) -> Status {
    YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
    return manual_reimburse(l, state_, now, *req, rep);
  });
}

}  // namespace yibao::core
