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
                                RpcKind kind) const {
  YB_RETURN_IF_ERROR(validate_request(req, &h, infno));
  // (Switchover windows are checked here, between format and sign-in: core-operations issue.)
  if (kind == RpcKind::kSignIn) return Status::Ok();
  YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
  return state_.signins().check(h.fixmedins_code(), h.opter(), h.sign_no(), now);
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

Status Dispatcher::run_op(Ledger& l, const v1::RequestHeader& h, const std::string& hash, RpcKind kind, Call& call,
                          google::protobuf::Message* rep, v1::ReplyHeader* rep_header,
                          const std::function<Status(Txn&)>& op) const {
  const int64_t received_ms = wall_millis_now();
  Result<CivilTime> now = state_.clock().now();
  if (!now.ok()) {
    call.status = now.status();
    return Status::Ok();
  }
  YB_RETURN_IF_ERROR(l.savepoint());
  Txn txn{l, state_, *now, h, {}, {}, {}, {}};
  Status st = op(txn);
  if (st.code() == Code::kInternal) return st;  // storage failure: abort the batch
  const bool journaled = kind == RpcKind::kJournaled;
  JournalEntry entry;
  if (journaled) {
    entry.msgid = h.msgid();
    entry.fixmedins_code = h.fixmedins_code();
    entry.infno = h.infno();
    entry.payload_hash = hash;
    entry.at = *now;
  }
  if (st.ok()) {
    rep_header->set_infcode(0);
    rep_header->set_inf_refmsgid(state_.next_refmsgid(*now));
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

void Dispatcher::finish(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, const Call& call,
                        const char* infno) const {
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
