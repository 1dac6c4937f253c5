#include "grpc/core/dispatch.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdio>

namespace yibao::core {
namespace {

std::string serialize_deterministic(const google::protobuf::Message& m) {
  std::string bytes;
  google::protobuf::io::StringOutputStream out(&bytes);
  google::protobuf::io::CodedOutputStream coded(&out);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

// "yyyyMMddHHmmssSSS" of a civil time in milliseconds.
std::string millis_stamp(int64_t ms) {
  const CivilTime t{ms / 1000};
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", static_cast<int>(ms % 1000));
  return format_compact(t) + buf;
}

}  // namespace

Status Dispatcher::front_checks(const google::protobuf::Message& req, const v1::RequestHeader& h, const char* infno,
                                const char* rpc, RpcKind kind, Call& call) const {
  // 1. Format.
  YB_RETURN_IF_ERROR(validate_request(req, &h, infno));
  // (Fault injection, only with --fault-injection: decided once per call, here.)
  call.fault = state_.faults().take(h.infno(), rpc);
  if (call.fault.action == Fault::Action::kRefuse) return call.fault.refusal;
  // 2. Switchover, on the core's clock (an unset admin clock refuses everything here).
  YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
  YB_RETURN_IF_ERROR(state_.windows().check(h.infno(), now));
  // 3. Sign-in (9001 is the sign-in itself).
  if (kind == RpcKind::kSignIn) return Status::Ok();
  return state_.signins().check(h.fixmedins_code(), h.opter(), h.sign_no(), now);
}

bool Dispatcher::writer_checks(const v1::RequestHeader& h, Call& call, CivilTime* now) const {
  Result<CivilTime> t = state_.clock().now();
  if (!t.ok()) {
    call.status = t.status();
    return false;
  }
  // The switchover check again at the call's turn: the front check may have passed just before a
  // window opened (wall clock) or before a SetClock into it (admin clock).
  if (Status st = state_.windows().check(h.infno(), *t); !st.ok()) {
    call.status = std::move(st);
    return false;
  }
  *now = *t;
  return true;
}

bool Dispatcher::replay(Ledger& l, const v1::RequestHeader& h, const std::string& hash,
                        google::protobuf::Message* rep, Call& call) const {
  std::optional<JournalEntry> j = l.find_journal(h.msgid());
  if (!j) return false;
  if (j->state == kJournalTombstone) {
    call.status = Status::Refuse(reason::kState, "msgid " + h.msgid() + " was reversed (2601) before it arrived",
                                 "header.msgid");
    return true;
  }
  if (j->infno.compare(0, 4, h.infno(), 0, 4) != 0 || j->payload_hash != hash) {
    call.status = Status::Refuse(reason::kMsgidConflict,
                                 "msgid " + h.msgid() + " is already used by another request", "header.msgid");
    return true;
  }
  call.replay = true;
  if (j->code == 0) {
    rep->ParseFromString(j->reply);
  } else {
    call.status = Status(static_cast<Code>(j->code), j->reason, j->message, j->field);
  }
  return true;
}

Status Dispatcher::run_op(Ledger& l, const v1::RequestHeader& h, const std::string& hash, RpcKind kind,
                          CivilTime now, Call& call, google::protobuf::Message* rep,
                          v1::ReplyHeader* rep_header, const std::function<Status(Txn&)>& op) const {
  const int64_t received_ms = wall_millis_now();
  YB_RETURN_IF_ERROR(l.savepoint());
  Txn txn{l, state_, now, h, {}, {}, {}, {}};
  Status st = op(txn);
  if (st.code() == Code::kInternal) return st;  // storage failure: abort the batch
  const bool journaled = kind == RpcKind::kJournaled;
  JournalEntry entry;
  if (journaled) {
    entry.msgid = h.msgid();
    entry.fixmedins_code = h.fixmedins_code();
    entry.infno = h.infno();
    entry.payload_hash = hash;
    entry.at = now;
  }
  if (st.ok()) {
    rep_header->set_infcode(0);
    rep_header->set_inf_refmsgid(state_.next_refmsgid(now));
    rep_header->set_refmsg_time(millis_stamp(received_ms));
    rep_header->set_respond_time(millis_stamp(wall_millis_now()));
    for (auto& w : txn.warnings) *rep_header->add_warnings() = std::move(w);
    if (journaled) {
      entry.reply = serialize_deterministic(*rep);
      entry.effect_setl_id = txn.effect_setl_id;
      entry.effect_mdtrt_id = txn.effect_mdtrt_id;
      YB_RETURN_IF_ERROR(l.put_journal(entry));
    }
    YB_RETURN_IF_ERROR(l.release_savepoint());
  } else {
    YB_RETURN_IF_ERROR(l.rollback_savepoint());
    rep->Clear();
    // A refusal is stored as the message's reply (§11.2), except E_SWITCHOVER: the same msgid
    // may be sent again after the window.
    if (journaled && st.reason() != reason::kSwitchover) {
      entry.code = static_cast<int32_t>(st.code());
      entry.reason = std::string(st.reason());
      entry.message = std::string(st.message());
      entry.field = std::string(st.field());
      YB_RETURN_IF_ERROR(l.put_journal(entry));
    }
  }
  if (st.ok()) call.after_commit = std::move(txn.after_commit);
  call.status = std::move(st);
  return Status::Ok();
}

void Dispatcher::finish(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor,
                        std::shared_ptr<Call> call, const char* infno) const {
  if (call->fault.latency_ms <= 0) return answer(ctx, reactor, *call, infno);
  // Injected latency: hold the reply without holding a thread.
  call->delay = std::make_unique<grpc::Alarm>();
  grpc::Alarm* alarm = call->delay.get();
  const auto when = std::chrono::system_clock::now() + std::chrono::milliseconds(call->fault.latency_ms);
  alarm->Set(when, [this, ctx, reactor, call = std::move(call), infno](bool) {
    // The alarm goes with this callback (gRPC keeps its state alive until the callback returns),
    // which breaks the cycle call -> alarm -> callback -> call.
    std::unique_ptr<grpc::Alarm> self = std::move(call->delay);
    answer(ctx, reactor, *call, infno);
  });
}

void Dispatcher::answer(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, Call& call,
                        const char* infno) const {
  if (call.fault.action == Fault::Action::kLoseReply && call.committed) {
    // Injected lost reply: whatever was committed stays; the client hears a transport-like
    // UNAVAILABLE with no reason code and must replay or reverse by msgid.
    call.status = Status(Code::kUnavailable, "", "injected fault: the reply was lost after the commit");
    call.replay = false;
  }
  if (call.replay) {
    ctx->AddTrailingMetadata(convert::kReplayKey, "1");
    if (call.status.ok()) ctx->AddTrailingMetadata(convert::kReasonKey, std::string(reason::kDupMsgid));
  }
  convert::add_refusal_metadata(ctx, call.status);
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - call.t0).count();
  stats_.record(infno, call.replay ? RpcStats::Outcome::kReplayed
                                   : (call.status.ok() ? RpcStats::Outcome::kOk : RpcStats::Outcome::kRefused),
                us);
  reactor->Finish(convert::to_grpc(call.status));
}

}  // namespace yibao::core
