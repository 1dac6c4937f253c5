// Dispatcher: the one place where the order of checks of DOMAIN.md §11.3 lives.
//
//   format → switchover → sign-in → replay → facility → department → person → state → sums → rules
//
// On the gRPC thread: the format check (validate.h) and the sign-in check (signins.h); a request
// failing either is answered at once and stored nowhere. Switchover windows (core-operations
// issue) will be checked between the two, here. Then the request goes to the writer
// (group_commit.h): there the replay check (journal by msgid: same payload → the stored reply
// byte for byte with `yb-replay: 1`; another payload → E_MSGID_CONFLICT, stored nowhere; a
// tombstone → E_STATE), and the operation itself does facility → ... → rules inside its
// savepoint. Success and refusal are journaled (journaled kinds only), and the caller is answered
// after the batch is durable.
//
// Thread-safety: handle() is called on gRPC threads; the shared state it touches (SignIns,
// RpcStats, the committer's queue) is thread-safe; operations run on the writer thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "grpc/convert/status.h"
#include "grpc/core/core_state.h"
#include "grpc/core/group_commit.h"
#include "grpc/core/rpc_stats.h"
#include "grpc/core/txn.h"
#include "grpc/core/validate.h"

namespace yibao::core {

enum class RpcKind {
  kJournaled,  // writes: journaled under msgid, replayable (2201, 2207, 2601, ...)
  kRead,       // reads and pre-settlements: recomputed on every call, never journaled
  kSignIn,     // 9001: no sign-in needed, not journaled (repeatable by design)
};

template <class Req, class Rep>
struct RpcSpec {
  const char* infno;
  RpcKind kind;
  Status (*op)(Txn&, const Req&, Rep*);
};

class Dispatcher {
 public:
  Dispatcher(CoreState& state, GroupCommitter& committer, RpcStats& stats)
      : state_(state), committer_(committer), stats_(stats) {}

  template <class Req, class Rep>
  grpc::ServerUnaryReactor* handle(grpc::CallbackServerContext* ctx, const Req* req, Rep* rep,
                                   const RpcSpec<Req, Rep>& spec);

 private:
  // Outcome of one request, shared between the writer's run and done callbacks.
  struct Call {
    Status status;
    bool replay = false;
    std::chrono::steady_clock::time_point t0;
    std::vector<std::function<void()>> after_commit;
  };

  // Everything before the writer: format, (switchover), sign-in.
  Status front_checks(const google::protobuf::Message& req, const v1::RequestHeader& h, const char* infno,
                      RpcKind kind) const;
  // Replay check against the journal. Returns true if the request was answered from it.
  bool replay(Ledger& l, const v1::RequestHeader& h, const std::string& hash, google::protobuf::Message* rep,
              Call& call) const;
  // Runs the operation in a savepoint and journals the outcome. Non-OK = storage failure.
  Status run_op(Ledger& l, const v1::RequestHeader& h, const std::string& hash, RpcKind kind, Call& call,
                google::protobuf::Message* rep, v1::ReplyHeader* rep_header,
                const std::function<Status(Txn&)>& op) const;
  void finish(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, const Call& call,
              const char* infno) const;

  CoreState& state_;
  GroupCommitter& committer_;
  RpcStats& stats_;
};

template <class Req, class Rep>
grpc::ServerUnaryReactor* Dispatcher::handle(grpc::CallbackServerContext* ctx, const Req* req, Rep* rep,
                                             const RpcSpec<Req, Rep>& spec) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<Call>();
  call->t0 = std::chrono::steady_clock::now();
  call->status = front_checks(*req, req->header(), spec.infno, spec.kind);
  if (!call->status.ok()) {
    finish(ctx, reactor, *call, spec.infno);
    return reactor;
  }
  std::string hash = spec.kind == RpcKind::kJournaled ? payload_hash(*req) : std::string();
  committer_.submit(GroupCommitter::Item{
      [this, req, rep, spec, call, hash = std::move(hash)](Ledger& l) -> Status {
        if (spec.kind == RpcKind::kJournaled && replay(l, req->header(), hash, rep, *call)) return Status::Ok();
        return run_op(l, req->header(), hash, spec.kind, *call, rep, rep->mutable_header(),
                      [&](Txn& t) { return spec.op(t, *req, rep); });
      },
      [this, ctx, reactor, call, infno = spec.infno](const Status& commit) {
        if (!commit.ok()) {
          call->status = commit;
          call->replay = false;
        } else {
          for (auto& fn : call->after_commit) fn();
        }
        finish(ctx, reactor, *call, infno);
      }});
  return reactor;
}

}  // namespace yibao::core
