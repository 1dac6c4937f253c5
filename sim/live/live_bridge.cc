#include "sim/live/live_bridge.h"

#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "models/check.h"

namespace yibao::sim {
namespace {

namespace s4u = simgrid::s4u;
namespace v1 = yibao::settlement::v1;
using client::Clock;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

double site_deadline_s(double deadline_s, double max_speed, const LiveOptions& options) {
  const double bridge_s = std::max(deadline_s, options.min_deadline_s * max_speed);
  return bridge_s * 1.25 + 5;
}

LiveBridge::LiveBridge(std::unique_ptr<client::ClientPool> pool, LiveOptions options)
    : pool_(std::move(pool)), options_(options), wall0_(Clock::now()) {
  YB_CHECK(pool_ != nullptr, "LiveBridge needs a client pool");
  YB_CHECK(options_.speed > 0 && options_.min_deadline_s > 0 && options_.deadline_s > 0 &&
               options_.money_deadline_s > 0 && options_.late_ms >= 0,
           "LiveBridge options out of range");
}

LiveBridge::~LiveBridge() { finish(); }

void LiveBridge::start(s4u::Host* host, s4u::Mailbox* inbox) {
  host_ = host;
  s4u::Actor::create("live-receiver", host, [this, inbox] { receive_loop(inbox); });
  keeper_ = s4u::Actor::create("live-keeper", host, [] {
    // Ordinary actor: keeps run_until from ending the daemons while calls may be in flight.
    s4u::this_actor::suspend();
  });
}

void LiveBridge::set_pace(Clock::time_point wall0, double sim0, double speed) {
  YB_CHECK(speed > 0, "LiveBridge pace needs speed > 0");
  wall0_ = wall0;
  sim0_ = sim0;
  options_.speed = speed;
  unpaced_ = false;
}

void LiveBridge::set_unpaced() { unpaced_ = true; }

Clock::time_point LiveBridge::wall_at(double sim_s) const {
  return wall0_ + seconds((sim_s - sim0_) / options_.speed);
}

double LiveBridge::sim_at(Clock::time_point wall) const {
  return sim0_ + std::chrono::duration<double>(wall - wall0_).count() * options_.speed;
}

Status LiveBridge::set_core_clock(double sim_s) {
  if (!options_.admin_clock) return Status::Ok();
  const int64_t civil = options_.civil_start.s + static_cast<int64_t>(std::floor(sim_s));
  if (civil <= core_clock_s_) return Status::Ok();
  v1::SetClockRequest request;
  request.set_time(format_iso(CivilTime{civil}));
  client::CallOptions o;
  o.deadline = std::chrono::seconds(10);
  const client::CallResult r = pool_->call_sync(&client::AdminAsync::SetClock, request, nullptr, o);
  ++figures_.clock_sets;
  if (!r.ok()) {
    Status st(static_cast<Code>(r.code()), r.reason.empty() ? "E_UNAVAILABLE" : r.reason,
              "Admin.SetClock " + request.time() + ": " + r.status.error_message());
    if (clock_status_.ok()) clock_status_ = st;
    return st;
  }
  core_clock_s_ = civil;
  return Status::Ok();
}

void LiveBridge::receive_loop(s4u::Mailbox* inbox) {
  // The facilities' lifetime decides when the simulation ends, never the core.
  s4u::Actor::self()->daemonize();
  inbox->set_receiver(s4u::Actor::self());
  for (;;) {
    CoreRequest* r = inbox->get<CoreRequest>();
    dispatch(r);
    if (unpaced_) stand_still(inbox);
  }
}

void LiveBridge::stand_still(s4u::Mailbox* inbox) {
  // Requests reaching the core at this same simulated instant go out together.
  s4u::this_actor::yield();
  while (inbox->ready()) dispatch(inbox->get<CoreRequest>());
  // Blocking the engine thread here stops the simulated clock until the core has answered.
  while (outstanding_ > 0) {
    std::deque<Completion> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !done_.empty(); });
      batch.swap(done_);
      any_done_.store(false, std::memory_order_release);
    }
    for (Completion& c : batch) deliver_one(std::move(c));
  }
}

void LiveBridge::dispatch(CoreRequest* r) {
  YB_CHECK(r != nullptr && r->body != nullptr && r->reply_to != nullptr, "CoreRequest without body or reply_to");
  const double now = s4u::Engine::get_clock();
  r->at_core = now;
  // The core's clock first (the call must see it); its round trip delays this hand-over.
  (void)set_core_clock(now);
  const Clock::time_point intended = unpaced_ ? Clock::now() : wall_at(now);
  const double delay_us = std::chrono::duration<double, std::micro>(Clock::now() - intended).count();
  figures_.send_delay.add(std::max(0.0, delay_us));
  if (delay_us > options_.late_ms * 1000) ++figures_.late_sends;
  ++figures_.sent;
  ++outstanding_;

  client::CallOptions o;
  const double wait_s = moves_money(r->rpc) ? options_.money_deadline_s : options_.deadline_s;
  // Unpaced, the simulated wait never runs out while the clock stands still: wait its length on the wall.
  const double wall_wait_s = unpaced_ ? wait_s : wait_s / options_.speed;
  o.deadline = std::chrono::milliseconds(static_cast<int64_t>(std::max(options_.min_deadline_s, wall_wait_s) * 1000));
  o.intended_start = intended;
  o.channel = static_cast<int>(r->facility % static_cast<uint32_t>(pool_->channels()));

  // One line per RPC: the request and reply types follow the method's name in settlement.proto.
#define YB_LIVE_CALL(RPC, METHOD)                                                                  \
  case Rpc::RPC:                                                                                   \
    start_call<v1::METHOD##Request, v1::METHOD##Reply>(&v1::Settlement::Stub::async::METHOD, r, o); \
    return;
  switch (r->rpc) {
    YB_LIVE_CALL(kSignIn, SignIn)
    YB_LIVE_CALL(kGetPerson, GetPerson)
    YB_LIVE_CALL(kRegister, Register)
    YB_LIVE_CALL(kVisitInfo, VisitInfo)
    YB_LIVE_CALL(kUploadFees, UploadFees)
    YB_LIVE_CALL(kPreSettle, PreSettle)
    YB_LIVE_CALL(kSettle, Settle)
    YB_LIVE_CALL(kCancelSettlement, CancelSettlement)
    YB_LIVE_CALL(kAdmit, Admit)
    YB_LIVE_CALL(kDischarge, Discharge)
    YB_LIVE_CALL(kUploadInpatientFees, UploadInpatientFees)
    YB_LIVE_CALL(kInpatientPreSettle, InpatientPreSettle)
    YB_LIVE_CALL(kInpatientSettle, InpatientSettle)
    YB_LIVE_CALL(kPharmacyPreSettle, PharmacyPreSettle)
    YB_LIVE_CALL(kPharmacySettle, PharmacySettle)
    YB_LIVE_CALL(kReverse, Reverse)
    YB_LIVE_CALL(kCancelRegistration, CancelRegistration)
    YB_LIVE_CALL(kCancelAdmission, CancelAdmission)
    case Rpc::kCount:
      break;
  }
#undef YB_LIVE_CALL
  YB_CHECK(false, "CoreRequest with an invalid Rpc");
}

template <typename Req, typename Reply>
void LiveBridge::start_call(client::AsyncMethod<client::SettlementAsync, Req, Reply> method, CoreRequest* r,
                            client::CallOptions options) {
  YB_CHECK(r->body->GetDescriptor() == Req::descriptor(), "CoreRequest body does not match its Rpc");
  // A copy: the CoreRequest returns to the facility intact inside its reply.
  Req request = *static_cast<const Req*>(r->body.get());
  pool_->call(method, std::move(request), std::move(options), [this, r](client::CallResult&& result, Reply&& reply) {
    complete(r, std::move(result), std::make_unique<Reply>(std::move(reply)));
  });
}

void LiveBridge::complete(CoreRequest* r, client::CallResult&& result, std::unique_ptr<google::protobuf::Message> reply) {
  // gRPC thread: no SimGrid call here (DESIGN.md §5), only the hand-over.
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back(Completion{r, std::move(result), std::move(reply)});
    any_done_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

bool LiveBridge::wait_for_reply(Clock::time_point until) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, until, [this] { return !done_.empty(); });
}

bool LiveBridge::has_replies() const { return any_done_.load(std::memory_order_acquire); }

bool LiveBridge::deliver() {
  if (deliverer_pending_ || host_ == nullptr || !has_replies()) return false;
  deliverer_pending_ = true;
  // A one-shot actor, not a suspended daemon resumed: in SimGrid 3.32 an actor that suspends
  // itself suspends its detached sends too, so replies put by a poller that then suspends stall.
  s4u::Actor::create("live-deliver", host_, [this] { drain(); });
  return true;
}

void LiveBridge::drain() {
  std::deque<Completion> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(done_);
    any_done_.store(false, std::memory_order_release);
  }
  deliverer_pending_ = false;
  for (Completion& c : batch) deliver_one(std::move(c));
}

void LiveBridge::deliver_one(Completion&& c) {
  auto reply = std::make_unique<CoreReply>();
  reply->request.reset(c.request);
  reply->status = static_cast<int>(c.result.code());
  reply->reason = std::move(c.result.reason);
  reply->retry_after = std::move(c.result.retry_after);
  reply->replay = c.result.replay;
  reply->core_s = std::chrono::duration<double>(c.result.elapsed).count();
  reply->core_sim_s = s4u::Engine::get_clock() - reply->request->at_core;
  if (c.result.ok()) {
    reply->bytes = static_cast<uint32_t>(c.reply->ByteSizeLong());
    reply->body = std::move(c.reply);
  } else {
    reply->bytes = static_cast<uint32_t>(options_.reply_error_bytes);
    ++figures_.failed;
  }
  ++figures_.delivered;
  --outstanding_;
  s4u::Mailbox* to = reply->request->reply_to;
  const uint64_t bytes = reply->bytes;
  to->put_init(reply.release(), bytes)->detach();
}

void LiveBridge::release_keeper() {
  if (keeper_released_ || !keeper_) return;
  keeper_released_ = true;
  keeper_->resume();
}

void LiveBridge::finish() {
  if (!pool_) return;
  pool_.reset();  // waits for every call in flight; their completions land in done_
  std::lock_guard<std::mutex> lock(mu_);
  for (Completion& c : done_) delete c.request;
  done_.clear();
  any_done_.store(false);
}

}  // namespace yibao::sim
