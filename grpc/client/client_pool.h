// ClientPool: the async gRPC client of yibao-core that many requests share (DESIGN.md §2-§3).
//
// A pool holds `channels` channels to one target, each with its own HTTP/2 connection (a local
// subchannel pool and a unique channel argument, so they never collapse into one connection),
// and a Settlement and an Admin stub per channel. call() starts a unary call through the gRPC
// callback API and returns at once; the completion callback runs later on a gRPC thread with a
// CallResult: the grpc::Status plus what the core's trailing metadata said (reason code,
// offending field, retry-after, replay mark; DESIGN.md §4 "Wire decisions") and the latency
// measured from the call's intended start, so an open-loop sender that is late does not hide
// the wait (no coordinated omission).
//
// Retry (per call, off by default): the SAME request (same msgid, so the core replays rather
// than charges twice) is sent again on UNAVAILABLE, and on DEADLINE_EXCEEDED if asked, with
// exponential backoff and jitter — never when the core names a window (reason E_SWITCHOVER or a
// yb-retry-after: DESIGN.md §8 "wait for the window's end, not retry now"; the result carries
// retry_after) and never on a business refusal (FAILED_PRECONDITION, INVALID_ARGUMENT, ...).
// Admin calls carry `authorization: Bearer <admin_token>`.
//
// Dependencies: proto + gRPC + std only (tests/arch); the metadata keys are spelled again here
// and a test checks they equal grpc/convert/status.h's.
//
// Thread safety: call(), call_sync(), wait_connected() and the accessors may be called from any
// thread concurrently. Completion callbacks run on gRPC's threads, possibly several at once;
// they must be quick and must not block (hand work over to your own queue), and must not
// destroy the pool. The destructor waits until every started call has completed and its
// callback has returned (each call is bounded by its deadlines and backoff); start no call
// while or after the pool is destroyed.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "yibao/settlement/v1/admin.grpc.pb.h"
#include "yibao/settlement/v1/settlement.grpc.pb.h"

namespace yibao::client {

using Clock = std::chrono::steady_clock;

// Trailing-metadata keys of a refusal and the replay mark (equal to grpc/convert/status.h's).
inline constexpr const char* kReasonKey = "yb-reason";
inline constexpr const char* kFieldKey = "yb-field";
inline constexpr const char* kRetryAfterKey = "yb-retry-after";
inline constexpr const char* kReplayKey = "yb-replay";
// The reason code of a switchover window (DOMAIN.md §3.1): never retried.
inline constexpr std::string_view kSwitchoverReason = "E_SWITCHOVER";

// TLS material, as file paths (PEM). All empty: plaintext. A CA alone: server authentication;
// with a client certificate and key: mutual TLS. An empty CA with TLS on uses the system roots.
struct TlsOptions {
  std::string ca_file;
  std::string client_cert_file;
  std::string client_key_file;
  // Name to check the server certificate against instead of the target's host (tests, IPs).
  std::string server_name_override;

  bool enabled() const { return !ca_file.empty() || !client_cert_file.empty() || !client_key_file.empty(); }
};

struct ClientOptions {
  // "host:port" or any gRPC target URI ("unix:/path").
  std::string target;
  // Channels (HTTP/2 connections) the calls are spread over, round robin; 1..256.
  int channels = 4;
  TlsOptions tls;
  // Reconnect backoff of every channel: short, so a restarted core is reached again quickly.
  std::chrono::milliseconds initial_reconnect_backoff{100};
  std::chrono::milliseconds max_reconnect_backoff{1000};
  // Per-attempt deadline of a call that does not name its own; > 0.
  std::chrono::milliseconds default_deadline{5000};
  // Sent as `authorization: Bearer <token>` on every Admin call when non-empty.
  std::string admin_token;
  // Largest reply accepted, bytes (ReconcileDetails pages can be large).
  int max_receive_message_bytes = 64 << 20;
};

// Retry of one call with the same request. max_retries = 0: no retry (the default).
struct RetryPolicy {
  // Retries after the first attempt (so at most 1 + max_retries attempts).
  int max_retries = 0;
  // Wait before retry n (1-based): min(max_backoff, initial_backoff × multiplier^(n-1)),
  // scaled by a uniform factor in [1 - jitter, 1 + jitter].
  std::chrono::milliseconds initial_backoff{20};
  std::chrono::milliseconds max_backoff{1000};
  double multiplier = 2.0;
  double jitter = 0.2;
  // Retry DEADLINE_EXCEEDED as well as UNAVAILABLE (safe for the core: a msgid replays).
  bool on_deadline_exceeded = true;
};

struct CallOptions {
  // Deadline of each attempt, counted from that attempt's start; 0 = the pool's default.
  std::chrono::milliseconds deadline{0};
  RetryPolicy retry;
  // The latency reference: when the call was meant to start (open-loop senders pass their
  // schedule's time). Default (epoch) = when call() is invoked.
  Clock::time_point intended_start{};
  // Queue on a channel that is not connected yet instead of failing at once with UNAVAILABLE.
  bool wait_for_ready = false;
  // Pin the call (all its attempts) to channel `channel` modulo channels (e.g. a facility's
  // index, to keep its calls in order on one connection); -1 = round robin per attempt.
  int channel = -1;
};

// What one call came to.
struct CallResult {
  // The last attempt's status (OK, a refusal, or a transport failure such as UNAVAILABLE).
  grpc::Status status;
  // From the trailing metadata of the last attempt; empty when absent (transport failures).
  std::string reason;       // yb-reason, e.g. "E_STATE"
  std::string field;        // yb-field, the offending field
  std::string retry_after;  // yb-retry-after, ISO 8601 civil time (a window's end)
  bool replay = false;      // yb-replay: 1 (a stored reply of a known msgid)
  // Attempts made (1 + retries).
  int attempts = 0;
  // Channel of the last attempt.
  int channel = -1;
  // The latency reference (intended start), when the first attempt was handed to gRPC, and the
  // time from the reference to completion (retries and backoff included).
  Clock::time_point start{};
  Clock::time_point sent{};
  Clock::duration elapsed{};

  bool ok() const { return status.ok(); }
  grpc::StatusCode code() const { return status.error_code(); }
  double elapsed_us() const { return std::chrono::duration<double, std::micro>(elapsed).count(); }
};

// Whether an attempt that ended with `status` / `reason` / `retry_after` may be retried under
// `policy` once `attempts` attempts have been made. Pure; exposed for tests and tools.
bool should_retry(const grpc::Status& status, std::string_view reason, std::string_view retry_after,
                  const RetryPolicy& policy, int attempts);
// The wait before retry number `retry` (1-based), jitter drawn from `unit_draw` in [0, 1).
Clock::duration retry_backoff(const RetryPolicy& policy, int retry, double unit_draw);

// Reads an admin token file (`<ledger>.admin-token`): its content without surrounding
// whitespace. NOT_FOUND if unreadable, INVALID_ARGUMENT if empty.
grpc::Status read_admin_token(const std::string& path, std::string* token);

// A unary async method of a generated stub's async() interface, e.g.
// &yibao::settlement::v1::Settlement::Stub::async::Settle (the std::function overload).
template <typename Async, typename Req, typename Reply>
using AsyncMethod = void (Async::*)(grpc::ClientContext*, const Req*, Reply*, std::function<void(grpc::Status)>);

// The async() interfaces of the two services (`class` because `async` also names a member
// function of Stub).
using SettlementAsync = class yibao::settlement::v1::Settlement::Stub::async;
using AdminAsync = class yibao::settlement::v1::Admin::Stub::async;

template <typename Reply>
using Completion = std::function<void(CallResult&&, Reply&&)>;

class ClientPool {
 public:
  // Builds a pool; channels connect lazily (see wait_connected). Fails with INVALID_ARGUMENT on
  // bad options (empty target, channels out of range, deadline ≤ 0, a client certificate
  // without its key) and NOT_FOUND on an unreadable TLS file. `*out` is set only on success.
  static grpc::Status create(ClientOptions options, std::unique_ptr<ClientPool>* out);

  // Waits for every call in flight (see the header note).
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // Connects every channel; true when all are READY before `timeout` has passed. Blocks the
  // caller. Call it before timing anything (DESIGN.md §9).
  bool wait_connected(std::chrono::milliseconds timeout);
  // Channels READY now (does not trigger a connection).
  int ready_channels() const;

  // Starts `method` with `request` (moved into the call, kept until completion and reused, byte
  // for byte, by every retry). `done` runs exactly once, on a gRPC thread, with the result and
  // the reply (the last attempt's; default-constructed unless the status is OK). Never blocks
  // on the network. Example:
  //   pool->call(&v1::Settlement::Stub::async::Settle, std::move(req), opts,
  //              [](CallResult&& r, v1::SettleReply&& reply) { ... });
  template <typename Async, typename Req, typename Reply>
  void call(AsyncMethod<Async, Req, Reply> method, std::type_identity_t<Req> request, CallOptions options,
            std::type_identity_t<Completion<Reply>> done);

  // call() and wait: for tests and tools. Writes the reply to `*reply` if non-null. Blocks; never
  // call it from a completion callback (it would hold a gRPC thread).
  template <typename Async, typename Req, typename Reply>
  CallResult call_sync(AsyncMethod<Async, Req, Reply> method, std::type_identity_t<Req> request,
                       std::type_identity_t<Reply>* reply = nullptr, CallOptions options = {});

  const ClientOptions& options() const { return options_; }
  int channels() const { return static_cast<int>(slots_.size()); }
  // Calls started and not yet completed (callback returned).
  int64_t in_flight() const;

 private:
  struct Slot {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<yibao::settlement::v1::Settlement::Stub> settlement;
    std::unique_ptr<yibao::settlement::v1::Admin::Stub> admin;
  };
  template <typename Async, typename Req, typename Reply>
  friend class Call;

  explicit ClientPool(ClientOptions options) : options_(std::move(options)) {}

  // The stub interface of channel `index` for a generated `Async` type.
  template <typename Async>
  Async* async_stub(int index) {
    if constexpr (std::is_same_v<Async, SettlementAsync>) {
      return slots_[static_cast<size_t>(index)].settlement->async();
    } else {
      static_assert(std::is_same_v<Async, AdminAsync>,
                    "ClientPool serves the Settlement and Admin services");
      return slots_[static_cast<size_t>(index)].admin->async();
    }
  }
  template <typename Async>
  static constexpr bool is_admin() {
    return std::is_same_v<Async, AdminAsync>;
  }

  int pick_channel(int pinned);
  // A fresh context for one attempt: deadline, wait-for-ready, bearer token for Admin.
  std::unique_ptr<grpc::ClientContext> make_context(const CallOptions& options, bool admin) const;
  // Fills reason / field / retry_after / replay from a finished attempt's metadata.
  static void decode_metadata(const grpc::ClientContext& ctx, CallResult* result);
  // A uniform draw in [0, 1) for backoff jitter (thread-safe).
  double jitter_draw();
  void begin_call();
  void end_call();

  ClientOptions options_;
  std::vector<Slot> slots_;
  std::atomic<uint64_t> next_channel_{0};
  std::atomic<uint64_t> jitter_state_{0x9E3779B97F4A7C15ULL};
  mutable std::mutex mu_;
  std::condition_variable idle_;
  int64_t in_flight_ = 0;  // guarded by mu_
};

// One call in flight: owns the request, the reply and the context of the current attempt.
// Created by ClientPool::call, deletes itself after running the completion callback.
template <typename Async, typename Req, typename Reply>
class Call {
 public:
  Call(ClientPool* pool, AsyncMethod<Async, Req, Reply> method, Req request, CallOptions options,
       Completion<Reply> done)
      : pool_(pool), method_(method), request_(std::move(request)), options_(std::move(options)),
        done_(std::move(done)) {
    result_.start = options_.intended_start == Clock::time_point{} ? Clock::now() : options_.intended_start;
  }

  void start_attempt() {
    ++result_.attempts;
    result_.channel = pool_->pick_channel(options_.channel);
    reply_.Clear();
    ctx_ = pool_->make_context(options_, ClientPool::is_admin<Async>());
    if (result_.attempts == 1) result_.sent = Clock::now();
    Async* stub = pool_->async_stub<Async>(result_.channel);
    (stub->*method_)(ctx_.get(), &request_, &reply_, [this](grpc::Status status) { on_attempt_done(std::move(status)); });
  }

 private:
  void on_attempt_done(grpc::Status status) {
    result_.status = std::move(status);
    result_.reason.clear();
    result_.field.clear();
    result_.retry_after.clear();
    result_.replay = false;
    ClientPool::decode_metadata(*ctx_, &result_);
    if (should_retry(result_.status, result_.reason, result_.retry_after, options_.retry, result_.attempts)) {
      // Wait off-thread: the alarm's callback starts the next attempt on a gRPC thread.
      const Clock::duration wait = retry_backoff(options_.retry, result_.attempts, pool_->jitter_draw());
      alarm_ = std::make_unique<grpc::Alarm>();
      alarm_->Set(std::chrono::system_clock::now() + wait, [this](bool) { start_attempt(); });
      return;
    }
    result_.elapsed = Clock::now() - result_.start;
    if (!result_.status.ok()) reply_.Clear();
    done_(std::move(result_), std::move(reply_));
    ClientPool* pool = pool_;
    delete this;
    pool->end_call();
  }

  ClientPool* pool_;
  AsyncMethod<Async, Req, Reply> method_;
  Req request_;
  Reply reply_;
  CallOptions options_;
  Completion<Reply> done_;
  CallResult result_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<grpc::Alarm> alarm_;
};

template <typename Async, typename Req, typename Reply>
void ClientPool::call(AsyncMethod<Async, Req, Reply> method, std::type_identity_t<Req> request,
                      CallOptions options, std::type_identity_t<Completion<Reply>> done) {
  begin_call();
  auto* c = new Call<Async, Req, Reply>(this, method, std::move(request), std::move(options), std::move(done));
  c->start_attempt();
}

template <typename Async, typename Req, typename Reply>
CallResult ClientPool::call_sync(AsyncMethod<Async, Req, Reply> method, std::type_identity_t<Req> request,
                                 std::type_identity_t<Reply>* reply, CallOptions options) {
  // Shared, so the promise outlives set_value() even once the waiting caller has returned.
  auto promise = std::make_shared<std::promise<CallResult>>();
  std::future<CallResult> future = promise->get_future();
  call(method, std::move(request), std::move(options), [promise, reply](CallResult&& r, Reply&& rep) {
    if (reply != nullptr) *reply = std::move(rep);
    promise->set_value(std::move(r));
  });
  return future.get();
}

}  // namespace yibao::client
