// Recorder: what a load run measured — per operation (a transaction code, Admin.Echo, or a
// whole visit / pharmacy sale timed end to end) the calls sent, acknowledged and failed (by
// reason code, or by gRPC status name when the core gave none) and a latency histogram
// (models/histogram.h, µs) measured from the call's intended start.
//
// Completion callbacks record from gRPC threads: each thread writes into one of a few shards,
// each under its own mutex (a short critical section, never a blocking call); snapshot()
// merges the shards. Thread safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "grpc/client/client_pool.h"
#include "models/histogram.h"

namespace yibao::load {

enum class Op : uint8_t { kEcho, k1101, k2201, k2203, k2204, k2206, k2207, k2101, k2102, kVisit, kSale, kCount_ };
inline constexpr size_t kOps = static_cast<size_t>(Op::kCount_);
// "echo", "1101", ..., "visit", "sale".
std::string_view op_name(Op op);
// Whole units (visit, sale) are not single calls.
inline bool is_call(Op op) { return op != Op::kVisit && op != Op::kSale; }

struct OpStats {
  uint64_t sent = 0;
  uint64_t ok = 0;
  uint64_t failed = 0;
  uint64_t replayed = 0;  // acknowledged from the core's journal (a retry of a committed call)
  models::Histogram latency;  // µs, OK outcomes only
  std::map<std::string, uint64_t> failures;  // reason -> count

  OpStats& operator+=(const OpStats& o);
};

struct Snapshot {
  std::array<OpStats, kOps> ops;
  OpStats calls;  // every single call together (overall)
  const OpStats& at(Op op) const { return ops[static_cast<size_t>(op)]; }
};

class Recorder {
 public:
  Recorder();
  // A call (or unit) of `op` was started.
  void sent(Op op);
  // A call finished: latency from its intended start, outcome from its status / metadata.
  void done(Op op, const client::CallResult& r);
  // A unit (visit, sale) finished; `elapsed_us` from its intended start; `failure` empty if OK.
  void unit_done(Op op, double elapsed_us, std::string_view failure);
  Snapshot snapshot() const;
  // Acknowledged units of `op` so far (cheap: for progress lines).
  uint64_t ok_count(Op op) const { return ok_[static_cast<size_t>(op)].load(std::memory_order_relaxed); }
  uint64_t sent_count(Op op) const { return sent_[static_cast<size_t>(op)].load(std::memory_order_relaxed); }

  // The failure key of a result: reason code, else the gRPC status name ("UNAVAILABLE").
  static std::string failure_key(const client::CallResult& r);

 private:
  struct Shard {
    std::mutex mu;
    std::array<OpStats, kOps> ops;
  };
  static constexpr size_t kShards = 8;
  Shard& shard();
  void add(Op op, double us, bool ok, bool replay, std::string_view failure);

  std::array<std::unique_ptr<Shard>, kShards> shards_;
  std::array<std::atomic<uint64_t>, kOps> sent_{};
  std::array<std::atomic<uint64_t>, kOps> ok_{};
};

// Name of a gRPC status code ("UNAVAILABLE").
std::string status_name(grpc::StatusCode code);

}  // namespace yibao::load
