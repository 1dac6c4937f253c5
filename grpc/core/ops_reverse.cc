// 2601 reversal by original msgid (DOMAIN.md §3.4, §11.9).
#include "grpc/core/ops.h"
#include "grpc/core/ops_common.h"
#include "grpc/core/pricing.h"
#include "grpc/core/suspensions.h"

namespace yibao::core::ops {
namespace {

// Undo of a cancellation (2208/2305/2103): the original's money is applied again as a new live
// settlement, if the visit is as the cancel left it (no settlement since, the same lines).
Status reapply(Txn& t, const SettlementRecord& cancel) {
  auto orig = t.ledger.get_settlement(cancel.orig_setl_id);
  if (!orig || orig->state != kSetlCancelled || orig->undone_by != cancel.setl_id)
    return state_error("the cancelled settlement is no longer as the cancel left it; settle again instead", "omsgid");
  const VisitKind kind = cancel.infno.compare(0, 4, "2305") == 0   ? VisitKind::kInpatient
                         : cancel.infno.compare(0, 4, "2103") == 0 ? VisitKind::kPharmacy
                                                                   : VisitKind::kOutpatient;
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, orig->mdtrt_id, "", kind));
  Fen total;  // of the open lines, which the cancel gave back
  for (const auto& l : t.ledger.lines_of(v.mdtrt_id))
    if (l.setl_id.empty()) total += l.amount;
  if (!v.live_setl_id.empty() || total != orig->medfee_sumamt)
    return state_error("the visit changed since the cancel; settle again instead", "omsgid");
  SettlementRecord again = *orig;
  YB_RETURN_IF_ERROR(stamp_new_record(t, again));
  again.orig_setl_id = cancel.setl_id;
  auto person = t.state.person(t.ledger, again.psn_no);
  again.balc_after = (person ? t.state.balance(t.ledger, *person) : Fen()) - again.acct_pay;
  YB_RETURN_IF_ERROR(apply_money(t, again, "payouts"));
  SettlementRecord c = cancel;
  c.state = kSetlReversed;
  c.undone_by = t.header.msgid();
  YB_RETURN_IF_ERROR(t.ledger.put_settlement(c));
  YB_RETURN_IF_ERROR(t.ledger.move_lines(v.mdtrt_id, "", again.setl_id));
  v.state = VisitState::kSettled;
  v.live_setl_id = again.setl_id;
  YB_RETURN_IF_ERROR(save_visit(t, v));
  t.effect_setl_id = again.setl_id;
  YB_RETURN_IF_ERROR(rehold_reapplied(t, orig->setl_id, again.setl_id));
  return t.ledger.put_settlement(again);
}

}  // namespace

Status reverse(Txn& t, const v1::ReverseRequest& r, v1::ReverseReply* rep) {
  const std::string oinfno = r.oinfno().substr(0, 4);
  static const char* kReversible[] = {"2102", "2103", "2207", "2208", "2304", "2305", "2401"};
  bool ok = false;
  for (const char* c : kReversible) ok = ok || oinfno == c;
  if (!ok) return bad_request("oinfno must be 2102, 2103, 2207, 2208, 2304, 2305 or 2401", "oinfno");
  if (r.omsgid().size() != 30) return bad_request("omsgid must be a 30-character msgid", "omsgid");
  if (r.omsgid().compare(0, 12, t.header.fixmedins_code()) != 0)
    return Status::Refuse(reason::kNotYourVisit, "a facility reverses only its own messages", "omsgid");
  std::optional<JournalEntry> j = t.ledger.find_journal(r.omsgid());
  if (!j) {
    // Never seen: tombstone the msgid so a late original is refused (§11.9).
    JournalEntry tomb;
    tomb.msgid = r.omsgid();
    tomb.fixmedins_code = t.header.fixmedins_code();
    tomb.infno = oinfno;
    tomb.code = static_cast<int32_t>(Code::kFailedPrecondition);
    tomb.reason = std::string(reason::kState);
    tomb.message = "msgid was reversed (2601) before it arrived";
    tomb.field = "header.msgid";
    tomb.at = t.now;
    tomb.state = kJournalTombstone;
    tomb.undone_by = t.header.msgid();
    YB_RETURN_IF_ERROR(t.ledger.put_journal(tomb));
    rep->set_outcome("NEVER_SEEN_TOMBSTONED");
    return Status::Ok();
  }
  if (j->state != kJournalLive) {
    rep->set_outcome("ALREADY_UNDONE");
    return Status::Ok();
  }
  if (j->infno.compare(0, 4, oinfno) != 0) return bad_request("oinfno is not the original's transaction code", "oinfno");
  if (j->code != 0) {
    rep->set_outcome("NOT_APPLIED");  // the original was refused: nothing to undo
    return Status::Ok();
  }
  if (oinfno == "2207" || oinfno == "2304" || oinfno == "2102") {
    auto s = t.ledger.get_settlement(j->effect_setl_id);
    if (!s) return Status(Code::kInternal, reason::kInternal, "journaled settlement " + j->effect_setl_id + " is missing");
    auto v = t.ledger.get_visit(s->mdtrt_id);
    if (s->state != kSetlLive || !v || v->live_setl_id != s->setl_id)
      return state_error("the visit changed since the original; use the cancel transaction", "omsgid");
    const VisitKind kind = oinfno == "2207" ? VisitKind::kOutpatient
                           : oinfno == "2304" ? VisitKind::kInpatient
                                              : VisitKind::kPharmacy;
    const VisitState after = oinfno == "2207" ? VisitState::kFeesOpen
                             : oinfno == "2304" ? VisitState::kDischarged
                                                : VisitState::kVoid;
    v1::SetlInfo scratch;
    google::protobuf::RepeatedPtrField<v1::SetlDetail> rows;
    YB_RETURN_IF_ERROR(cancel_settlement_common(t, s->setl_id, "", "", kind, after, kSetlReversed, &scratch, &rows));
  } else if (oinfno == "2401") {
    YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, j->effect_mdtrt_id, "", VisitKind::kInpatient));
    if (v.state == VisitState::kSettled || !v.live_setl_id.empty())
      return state_error("the stay has settled money; cancel the settlement first (rule of 2404)", "omsgid");
    if (v.state != VisitState::kVoid) {
      v.state = VisitState::kVoid;
      YB_RETURN_IF_ERROR(save_visit(t, v));
    }
  } else {
    auto c = t.ledger.get_settlement(j->effect_setl_id);
    if (!c) return Status(Code::kInternal, reason::kInternal, "journaled cancellation " + j->effect_setl_id + " is missing");
    YB_RETURN_IF_ERROR(reapply(t, *c));
  }
  j->state = kJournalUndone;
  j->undone_by = t.header.msgid();
  YB_RETURN_IF_ERROR(t.ledger.put_journal(*j));
  rep->set_outcome("APPLIED_UNDONE");
  return Status::Ok();
}

}  // namespace yibao::core::ops
