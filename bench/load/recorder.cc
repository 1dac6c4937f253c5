#include "bench/load/recorder.h"

#include <functional>
#include <thread>

namespace yibao::load {

std::string_view op_name(Op op) {
  switch (op) {
    case Op::kEcho: return "echo";
    case Op::k1101: return "1101";
    case Op::k2201: return "2201";
    case Op::k2203: return "2203";
    case Op::k2204: return "2204";
    case Op::k2206: return "2206";
    case Op::k2207: return "2207";
    case Op::k2101: return "2101";
    case Op::k2102: return "2102";
    case Op::kVisit: return "visit";
    case Op::kSale: return "sale";
    case Op::kCount_: break;
  }
  return "?";
}

OpStats& OpStats::operator+=(const OpStats& o) {
  sent += o.sent;
  ok += o.ok;
  failed += o.failed;
  replayed += o.replayed;
  latency += o.latency;
  for (const auto& [k, v] : o.failures) failures[k] += v;
  return *this;
}

std::string status_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "STATUS_" + std::to_string(static_cast<int>(code));
  }
}

std::string Recorder::failure_key(const client::CallResult& r) {
  return r.reason.empty() ? status_name(r.code()) : r.reason;
}

Recorder::Recorder() {
  for (auto& s : shards_) s = std::make_unique<Shard>();
}

Recorder::Shard& Recorder::shard() {
  // One shard per thread (by hash), so gRPC's threads rarely meet on a mutex.
  thread_local const size_t index = std::hash<std::thread::id>{}(std::this_thread::get_id()) % kShards;
  return *shards_[index];
}

void Recorder::sent(Op op) { sent_[static_cast<size_t>(op)].fetch_add(1, std::memory_order_relaxed); }

void Recorder::add(Op op, double us, bool ok, bool replay, std::string_view failure) {
  if (ok) ok_[static_cast<size_t>(op)].fetch_add(1, std::memory_order_relaxed);
  Shard& s = shard();
  std::lock_guard lock(s.mu);
  OpStats& o = s.ops[static_cast<size_t>(op)];
  if (ok) {
    ++o.ok;
    if (replay) ++o.replayed;
    o.latency.add(us);
  } else {
    ++o.failed;
    ++o.failures[std::string(failure)];
  }
}

void Recorder::done(Op op, const client::CallResult& r) {
  add(op, r.elapsed_us(), r.ok(), r.replay, r.ok() ? std::string_view() : failure_key(r));
}

void Recorder::unit_done(Op op, double elapsed_us, std::string_view failure) {
  add(op, elapsed_us, failure.empty(), false, failure);
}

Snapshot Recorder::snapshot() const {
  Snapshot out;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    for (size_t i = 0; i < kOps; ++i) out.ops[i] += s->ops[i];
  }
  for (size_t i = 0; i < kOps; ++i) {
    out.ops[i].sent = sent_[i].load(std::memory_order_relaxed);
    if (is_call(static_cast<Op>(i))) out.calls += out.ops[i];
  }
  return out;
}

}  // namespace yibao::load
