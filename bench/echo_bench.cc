// Throughput of the async client pool (grpc/client) against an in-process callback server that
// answers Admin.Echo on loopback: the ceiling of the wire and the pool, without any core work
// (the baseline of the end-to-end benchmark, DESIGN.md §4).
//
// Each benchmark iteration sends kBatch calls keeping `in_flight` outstanding (a window that
// the completion callbacks reopen) and waits for the last one; `calls_per_s` is the rate over
// wall time; p50_us / p99_us are the calls' latencies (models::Histogram). Client and server share the process and the machine's cores, so the numbers are a
// lower bound of what a pool achieves against a core on another host.
//
//   build-*/bench/echo_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>
#include <semaphore>
#include <string>

#include "grpc/client/client_pool.h"
#include "models/histogram.h"

namespace {

namespace v1 = yibao::settlement::v1;
using yibao::client::AdminAsync;
using yibao::client::CallResult;
using yibao::client::ClientOptions;
using yibao::client::ClientPool;

constexpr int kBatch = 2000;
constexpr int kPayloadBytes = 256;  // about a serialized 2207 request

class EchoService final : public v1::Admin::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const v1::EchoRequest* req,
                                 v1::EchoReply* reply) override {
    reply->set_payload(req->payload());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// One server for the whole program, started on first use on a port it picks.
struct EchoServer {
  EchoServer() {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&service);
    server = b.BuildAndStart();
  }
  EchoService service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

EchoServer& echo_server() {
  static EchoServer s;
  return s;
}

// Args: channels, calls in flight.
void BM_PoolEcho(benchmark::State& state) {
  const int channels = static_cast<int>(state.range(0));
  const int in_flight = static_cast<int>(state.range(1));
  EchoServer& server = echo_server();
  if (server.port == 0) {
    state.SkipWithError("echo server did not start");
    return;
  }
  ClientOptions o;
  o.target = "127.0.0.1:" + std::to_string(server.port);
  o.channels = channels;
  o.admin_token = "bench";
  std::unique_ptr<ClientPool> pool;
  if (!ClientPool::create(o, &pool).ok() || !pool->wait_connected(std::chrono::seconds(5))) {
    state.SkipWithError("client pool did not connect");
    return;
  }
  v1::EchoRequest req;
  req.set_payload(std::string(kPayloadBytes, 'x'));
  std::counting_semaphore<> window(in_flight);
  std::atomic<int64_t> failed{0};
  std::mutex latency_mu;
  yibao::models::Histogram latency;
  auto done = [&](CallResult&& r, v1::EchoReply&&) {
    if (!r.ok()) failed.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard lock(latency_mu);
      latency.add(r.elapsed_us());
    }
    window.release();
  };
  int64_t calls = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      window.acquire();
      pool->call(&AdminAsync::Echo, req, {}, done);
    }
    for (int i = 0; i < in_flight; ++i) window.acquire();  // drain: every call of the batch done
    window.release(in_flight);
    calls += kBatch;
  }
  state.counters["calls_per_s"] = benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kIsRate);
  state.counters["failed"] = static_cast<double>(failed.load());
  std::lock_guard lock(latency_mu);
  state.counters["p50_us"] = latency.quantile(0.5);
  state.counters["p99_us"] = latency.quantile(0.99);
}
BENCHMARK(BM_PoolEcho)
    ->ArgNames({"channels", "in_flight"})
    ->Args({1, 1})
    ->Args({1, 64})
    ->Args({4, 16})
    ->Args({4, 64})
    ->Args({4, 256})
    ->Args({8, 256})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

// The same loop on one bare stub and channel, no pool: what the pool's bookkeeping costs.
// Args: calls in flight.
void BM_BareStubEcho(benchmark::State& state) {
  const int in_flight = static_cast<int>(state.range(0));
  EchoServer& server = echo_server();
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port), grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5))) {
    state.SkipWithError("channel did not connect");
    return;
  }
  auto stub = v1::Admin::NewStub(channel);
  v1::EchoRequest req;
  req.set_payload(std::string(kPayloadBytes, 'x'));
  std::counting_semaphore<> window(in_flight);
  struct Slot {
    grpc::ClientContext ctx;
    v1::EchoReply reply;
  };
  int64_t calls = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      window.acquire();
      auto* slot = new Slot;
      slot->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      stub->async()->Echo(&slot->ctx, &req, &slot->reply, [slot, &window](grpc::Status) {
        delete slot;
        window.release();
      });
    }
    for (int i = 0; i < in_flight; ++i) window.acquire();
    window.release(in_flight);
    calls += kBatch;
  }
  state.counters["calls_per_s"] = benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BareStubEcho)
    ->ArgNames({"in_flight"})
    ->Arg(1)
    ->Arg(64)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
