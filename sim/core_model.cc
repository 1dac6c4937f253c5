#include "sim/core_model.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include <deque>
#include <vector>

#include "sim/actors/event_queue.h"
#include "sim/actors/station.h"
#include "sim/metrics.h"

namespace yibao::sim {
namespace {

namespace s4u = simgrid::s4u;

enum : uint32_t { kServiceDone = 1, kCommitDone = 2 };

// Puts `reply` on its request's reply mailbox from the core host; the receiver owns it.
void send_reply(std::unique_ptr<CoreReply> reply, double now) {
  reply->core_s = now - reply->core_s;  // core_s held the arrival time until now
  reply->core_sim_s = reply->core_s;
  s4u::Mailbox* to = reply->request->reply_to;
  const uint64_t bytes = reply->bytes;
  to->put_init(reply.release(), bytes)->detach();
}

}  // namespace

double sample_service(const ServiceTime& s, models::Rng& rng) {
  if (s.exponential) return rng.exponential(1.0 / s.median_s);
  if (s.sigma <= 0) return s.median_s;
  return rng.lognormal_median(s.median_s, s.sigma);
}

CoreModel::CoreModel(StationParams params, ModelLedger* ledger, Metrics* metrics, CivilTime civil_start, uint64_t seed)
    : params_(std::move(params)), ledger_(ledger), metrics_(metrics), civil_start_(civil_start), seed_(seed) {}

void CoreModel::start(s4u::Host* host, s4u::Mailbox* inbox) {
  s4u::Actor::create("core-model", host, [this, inbox] { run(inbox); });
}

double CoreModel::service_time(int txn, uint64_t n) {
  models::Rng rng(seed_, models::stream_id("core-service"), n);
  auto it = params_.service.find(txn);
  return sample_service(it == params_.service.end() ? params_.fallback : it->second, rng);
}

void CoreModel::run(s4u::Mailbox* inbox) {
  // The core serves as long as facilities run; it never keeps the simulation alive itself.
  s4u::Actor::self()->daemonize();
  inbox->set_receiver(s4u::Actor::self());

  EventQueue events;
  Station<CoreReply*> workers(params_.workers);
  std::deque<CoreReply*> to_commit;        // answered, waiting for the group commit
  std::vector<CoreReply*> writing;         // the batch being committed
  uint64_t arrivals = 0;

  auto start_service = [&](CoreReply* r, double now) {
    events.push(now + service_time(txn_code(r->request->rpc), arrivals++), kServiceDone,
                reinterpret_cast<uint64_t>(r));
  };
  auto maybe_commit = [&](double now) {
    if (!writing.empty() || to_commit.empty()) return;
    const size_t n = std::min<size_t>(to_commit.size(), static_cast<size_t>(params_.max_batch));
    writing.assign(to_commit.begin(), to_commit.begin() + static_cast<std::ptrdiff_t>(n));
    to_commit.erase(to_commit.begin(), to_commit.begin() + static_cast<std::ptrdiff_t>(n));
    size_t writes = 0;
    for (const CoreReply* r : writing) writes += ModelLedger::journaled(r->request->rpc) && r->ok() ? 1 : 0;
    const double t = writes == 0 ? 0 : params_.commit_a_s + params_.commit_b_s * static_cast<double>(writes);
    events.push(now + t, kCommitDone);
  };

  CoreRequest* incoming = nullptr;
  s4u::CommPtr recv = inbox->get_async<CoreRequest>(&incoming);
  std::vector<s4u::CommPtr> waiting{recv};
  while (true) {
    double now = s4u::Engine::get_clock();
    while (!events.empty() && events.next_time() <= now) {
      Event e = events.pop();
      if (e.kind == kServiceDone) {
        auto* r = reinterpret_cast<CoreReply*>(e.a);
        ledger_->answer(*r->request, civil_start_.plus_seconds(static_cast<int64_t>(now)), *r);
        ++served_;
        // Like grpc/core/group_commit.*, every answer leaves after the commit of the batch it
        // joined (reads and refusals included); only writes make a commit cost its fixed part.
        to_commit.push_back(r);
        if (std::optional<CoreReply*> next = workers.release(now)) start_service(*next, now);
      } else if (e.kind == kCommitDone) {
        ++commits_;
        committed_ += writing.size();
        for (CoreReply* r : writing) send_reply(std::unique_ptr<CoreReply>(r), now);
        writing.clear();
      }
      maybe_commit(now);
    }
    if (metrics_ != nullptr) metrics_->on_queue("core", now, workers.queued() + to_commit.size());
    const double timeout = events.empty() ? -1.0 : events.next_time() - now;
    if (s4u::Comm::wait_any_for(waiting, timeout) != 0) continue;  // a timer is due
    now = s4u::Engine::get_clock();
    auto* r = new CoreReply();
    r->request.reset(incoming);
    r->core_s = now;  // arrival time, turned into the hop's duration when the reply leaves
    if (workers.arrive(now, r)) start_service(r, now);
    recv = inbox->get_async<CoreRequest>(&incoming);
    waiting[0] = recv;
  }
}

}  // namespace yibao::sim
