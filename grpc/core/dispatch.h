// Dispatcher: the one place where the order of checks of DOMAIN.md §11.3 lives.
//
//   format → switchover → sign-in → replay → facility → department → person → state → sums → rules
//
// | step        | where                          | refusal (nothing stored unless said)              |
// |-------------|--------------------------------|---------------------------------------------------|
// | format      | gRPC thread, validate.h        | INVALID_ARGUMENT / E_BAD_REQUEST                  |
// | (fault)     | gRPC thread, faults.h          | the injected code (only with --fault-injection)   |
// | clock       | gRPC thread, clock.h           | UNAVAILABLE / E_CLOCK_UNSET (admin clock unset)   |
// | switchover  | gRPC thread, windows.h         | UNAVAILABLE / E_SWITCHOVER + yb-retry-after       |
// | sign-in     | gRPC thread, signins.h         | UNAUTHENTICATED / E_SIGNIN                        |
// | switchover  | writer, again at the call's    | as above: a call that passed at the front but     |
// |  (again)    |  turn (D6: nothing commits      |  whose turn comes after the window opened         |
// |             |  inside a window)               |                                                   |
// | replay      | writer, journal by msgid       | stored reply (`yb-replay: 1`) / E_MSGID_CONFLICT  |
// |             |                                |  / E_STATE for a tombstone                        |
// | facility    | writer, the op (ops_common.*)  | journaled refusal                                 |
// | department  | writer, the op                 | journaled refusal                                 |
// | person      | writer, the op (enrolled_person: lapse, premium deadline moved by windows)   |
// | suspensions | writer, the money-moving ops (2201/2401, 2206/2303/2101, 2207/2304/2102):     |
// |             |  suspensions.h after the facility / department / person steps; Txn::now is    |
// |             |  the arrival time (§11.13) → E_FAC_SUSPENDED / E_FAC_TERMINATED /             |
// |             |  E_DEPT_SUSPENDED / E_PSN_SUSPENDED, journaled; a hold settles and holds      |
// | state, sums, rules | writer, the op                    | journaled refusal                   |
//
// A request refused at the front is answered at once and stored nowhere. Then the request goes to
// the writer (group_commit.h) — or, for reads and pre-settlements on a SQLite ledger, to the
// reader: the same loop over a read-only connection, where each batch is one read transaction on
// what the writer has committed and synced, beside the writer's work. On either: the clock is read
// once (Txn::now: every later check and the commit time use it), the switchover check runs
// again, then the replay check (journal by msgid: same payload → the stored reply byte for byte
// with `yb-replay: 1`; another payload → E_MSGID_CONFLICT, stored nowhere; a tombstone →
// E_STATE), and the operation itself does facility → ... → rules inside its savepoint. Success
// and refusal are journaled (journaled kinds only; never E_SWITCHOVER), and the caller is
// answered after the batch is durable. Because the switchover check comes before the replay, a
// replay of a pre-window msgid of a refused kind gets E_SWITCHOVER inside the window and its
// stored reply after it (§11.14).
//
// Injected faults (faults.h) are decided at the front: a refusal stops the call there (nothing
// stored); a lost reply lets it commit and answers UNAVAILABLE without a reason code; latency
// holds the reply (a grpc::Alarm, no thread blocked).
//
// Thread-safety: handle() is called on gRPC threads; the shared state it touches (SignIns,
// Windows, Faults, Clock, RpcStats, the committer's queue) is thread-safe; operations run on the
// writer thread, reads on the reader thread holding CoreState's reference lock for reading.
#pragma once

#include <grpcpp/grpcpp.h>

#include <grpcpp/alarm.h>

#include <chrono>
#include <memory>
#include <shared_mutex>
#include <string>

#include "grpc/convert/status.h"
#include "grpc/core/core_state.h"
#include "grpc/core/group_commit.h"
#include "grpc/core/rpc_stats.h"
#include "grpc/core/txn.h"
#include "grpc/core/validate.h"

namespace yibao::core {

enum class RpcKind {
  kJournaled,    // writes: journaled under msgid, replayable (2201, 2207, 2601, ...)
  kRead,         // reads and pre-settlements: recomputed on every call, never journaled; on the
                 //  reader when the core has one
  kUnjournaled,  // 9002: writes (the sign-in row), not journaled (repeatable by design)
  kSignIn,       // 9001: no sign-in needed, not journaled (repeatable by design)
};

template <class Req, class Rep>
struct RpcSpec {
  const char* infno;
  RpcKind kind;
  Status (*op)(Txn&, const Req&, Rep*);
  const char* rpc;  // the RPC's name ("Settle"): a fault may name it instead of the infno
};

class Dispatcher {
 public:
  // `reader` (may be null): a GroupCommitter over a read-only connection (open_sqlite_reader).
  // Reads and pre-settlements (RpcKind::kRead) run there, beside the writer, on what is
  // committed and synced: they wait at most for the writer's one pending fsync, not for a batch's
  // work and commit, and take none of the writer's time. Without one
  // (the memory ledger) they run on the writer like everything else.
  Dispatcher(CoreState& state, GroupCommitter& committer, GroupCommitter* reader, RpcStats& stats)
      : state_(state), committer_(committer), reader_(reader), stats_(stats) {}

  template <class Req, class Rep>
  grpc::ServerUnaryReactor* handle(grpc::CallbackServerContext* ctx, const Req* req, Rep* rep,
                                   const RpcSpec<Req, Rep>& spec);

 private:
  // Outcome of one request, shared between the writer's run and done callbacks.
  struct Call {
    Status status;
    bool replay = false;
    bool committed = false;  // went through the writer and its batch was durable
    std::chrono::steady_clock::time_point t0;
    std::vector<std::function<void()>> after_commit;
    FaultDecision fault;
    std::unique_ptr<grpc::Alarm> delay;  // holds the reply when a latency fault is armed
  };

  // Everything before the writer: format, (fault), clock, switchover, sign-in.
  Status front_checks(const google::protobuf::Message& req, const v1::RequestHeader& h, const char* infno,
                      const char* rpc, RpcKind kind, Call& call) const;
  // On the writer, before the replay: the clock (read once for the whole request) and the
  // switchover check again at the call's turn. False if the call was refused (call.status).
  bool writer_checks(const v1::RequestHeader& h, Call& call, CivilTime* now) const;
  // Replay check against the journal. Returns true if the request was answered from it.
  bool replay(Ledger& l, const v1::RequestHeader& h, const std::string& hash, google::protobuf::Message* rep,
              Call& call) const;
  // Runs the operation in a savepoint and journals the outcome. Non-OK = storage failure.
  Status run_op(Ledger& l, const v1::RequestHeader& h, const std::string& hash, RpcKind kind, CivilTime now,
                Call& call, google::protobuf::Message* rep, v1::ReplyHeader* rep_header,
                const std::function<Status(Txn&)>& op) const;
  // Answers the call (after an injected latency, if any).
  void finish(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, std::shared_ptr<Call> call,
              const char* infno) const;
  void answer(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, Call& call,
              const char* infno) const;

  CoreState& state_;
  GroupCommitter& committer_;
  GroupCommitter* reader_;
  RpcStats& stats_;
};

template <class Req, class Rep>
grpc::ServerUnaryReactor* Dispatcher::handle(grpc::CallbackServerContext* ctx, const Req* req, Rep* rep,
                                             const RpcSpec<Req, Rep>& spec) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<Call>();
  call->t0 = std::chrono::steady_clock::now();
  call->status = front_checks(*req, req->header(), spec.infno, spec.rpc, spec.kind, *call);
  if (!call->status.ok()) {
    finish(ctx, reactor, call, spec.infno);
    return reactor;
  }
  std::string hash = spec.kind == RpcKind::kJournaled ? payload_hash(*req) : std::string();
  const bool on_reader = spec.kind == RpcKind::kRead && reader_ != nullptr;
  (on_reader ? *reader_ : committer_).submit(GroupCommitter::Item{
      [this, req, rep, spec, call, on_reader, hash = std::move(hash)](Ledger& l) -> Status {
        std::shared_lock<std::shared_mutex> reference;  // the policy book and catalog (core_state.h)
        if (on_reader) reference = state_.lock_reference_for_read();
        CivilTime now;
        if (!writer_checks(req->header(), *call, &now)) return Status::Ok();
        if (spec.kind == RpcKind::kJournaled && replay(l, req->header(), hash, rep, *call)) return Status::Ok();
        return run_op(l, req->header(), hash, spec.kind, now, *call, rep, rep->mutable_header(),
                      [&](Txn& t) { return spec.op(t, *req, rep); });
      },
      [this, ctx, reactor, call, infno = spec.infno](const Status& commit) {
        if (!commit.ok()) {
          call->status = commit;
          call->replay = false;
        } else {
          call->committed = true;
          for (auto& fn : call->after_commit) fn();
        }
        finish(ctx, reactor, call, infno);
      }});
  return reactor;
}

}  // namespace yibao::core
