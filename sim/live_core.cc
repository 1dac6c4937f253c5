#include "sim/live_core.h"

#include <fmt/format.h>

#include <simgrid/s4u/Engine.hpp>

#include <cstdio>

#include "sim/checker.h"
#include "sim/live/core_process.h"
#include "sim/live/live_bridge.h"
#include "sim/live/pacer.h"

namespace yibao::sim {
namespace {

namespace v1 = settlement::v1;

Status from_grpc(const grpc::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  return Status(static_cast<Code>(s.error_code()), "E_UNAVAILABLE", what + ": " + s.error_message());
}

Result<std::unique_ptr<client::ClientPool>> make_pool(const std::string& target, const LiveCoreOptions& o,
                                                      const std::string& token, int channels) {
  client::ClientOptions co;
  co.target = target;
  co.channels = channels;
  co.tls = o.tls;
  co.admin_token = token;
  std::unique_ptr<client::ClientPool> pool;
  if (grpc::Status st = client::ClientPool::create(co, &pool); !st.ok())
    return from_grpc(st, "cannot make a client of " + target);
  return pool;
}

}  // namespace

Result<std::unique_ptr<LiveCore>> LiveCore::open(const LiveCoreOptions& o) {
  std::unique_ptr<LiveCore> c(new LiveCore());
  c->o_ = o;
  std::string token;
  if (o.address.empty()) {
    CoreProcessOptions po;
    po.population = o.preset;
    po.seed = o.seed;
    po.ledger = o.ledger;
    if (!o.policy.empty()) po.extra_args = {"--policy", o.policy};
    YB_ASSIGN_OR_RETURN(c->process_, CoreProcess::start(po));
    c->address_ = c->process_->address();
    token = c->process_->admin_token();
    c->fresh_ = o.ledger.empty();
    if (o.log)
      std::fprintf(stderr, "yibao-sim: started yibao-core (pid %d) on %s, ledger %s\n",
                   static_cast<int>(c->process_->pid()), c->address_.c_str(), c->process_->ledger().c_str());
  } else {
    c->address_ = o.address;
    if (!o.admin_token_file.empty()) {
      if (grpc::Status st = client::read_admin_token(o.admin_token_file, &token); !st.ok())
        return from_grpc(st, "admin token " + o.admin_token_file);
    }
  }
  YB_ASSIGN_OR_RETURN(c->pool_, make_pool(c->address_, o, token, 2));
  if (!c->pool_->wait_connected(std::chrono::seconds(10)))
    return Status(Code::kUnavailable, "E_UNAVAILABLE", "yibao-core at " + c->address_ + " is unreachable");

  // The core's population must be the one the visits are drawn from.
  v1::GetStatsReply stats;
  client::CallOptions opts;
  opts.deadline = std::chrono::seconds(10);
  client::CallResult r = c->pool_->call_sync(&client::AdminAsync::GetStats, v1::GetStatsRequest(), &stats, opts);
  if (!r.ok()) {
    if (r.code() == grpc::StatusCode::UNAUTHENTICATED || r.code() == grpc::StatusCode::PERMISSION_DENIED)
      return Status(Code::kFailedPrecondition, "E_BAD_REQUEST",
                    "yibao-core at " + c->address_ + " refused the admin token: pass --admin-token FILE");
    return from_grpc(r.status, "GetStats of " + c->address_);
  }
  if (stats.population_preset() != o.preset || stats.population_seed() != o.seed)
    return Status(Code::kFailedPrecondition, "E_BAD_REQUEST",
                  fmt::format("yibao-core at {} holds population '{}' seed {}, the scenario needs '{}' seed {}: start "
                              "it with --population {} --seed {} (uploading a population through Admin is not built yet)",
                              c->address_, stats.population_preset(), stats.population_seed(), o.preset, o.seed,
                              o.preset, o.seed));
  c->year_ = stats.population_year();
  return c;
}

LiveCore::~LiveCore() {
  pool_.reset();
  if (process_) (void)process_->stop();
}

std::string LiveCore::describe() const {
  if (process_)
    return fmt::format("Live core: yibao-core started by yibao-sim on {} with a new SQLite ledger {} (population {} "
                       "seed {}, year {}).",
                       address_, process_->ledger(), o_.preset, o_.seed, year_);
  return fmt::format("Live core: yibao-core at {} (population {} seed {}, year {}).", address_, o_.preset, o_.seed, year_);
}

std::unique_ptr<CoreGateway> LiveCore::make_bridge(const Scenario& s) {
  std::string token = pool_->options().admin_token;
  Result<std::unique_ptr<client::ClientPool>> pool = make_pool(address_, o_, token, std::max(1, o_.channels));
  YB_CHECK(pool.ok(), "the options that made pool_ make a second pool");
  LiveOptions lo;
  lo.speed = s.pace.empty() ? 1 : s.pace.front().speed;
  lo.deadline_s = s.core.query_deadline_s;
  lo.money_deadline_s = s.core.settle_deadline_s;
  (*pool)->wait_connected(std::chrono::seconds(10));
  auto bridge = std::make_unique<LiveBridge>(std::move(*pool), lo);
  bridge_ = bridge.get();
  return bridge;
}

Status LiveCore::run_paced(simgrid::s4u::Engine& engine, double end_s, const Scenario& s, Metrics& metrics,
                           RunInfo* info) {
  YB_CHECK(bridge_ != nullptr, "make_bridge() before run_paced()");
  const double speed = s.pace.empty() ? 1 : s.pace.front().speed;
  YB_ASSIGN_OR_RETURN(PaceResult pr, sim::run_paced(engine, end_s, speed, *bridge_));
  // Replies still on the simulated network reach their sites; the sites then end by themselves.
  engine.run();
  metrics.add_wall_lag(pr.wall_lag);
  metrics.add_late_sends(pr.late_sends);
  SpanInfo span;
  span.from = format_iso(s.clock.start);
  span.to = format_iso(s.clock.start.plus_seconds(static_cast<int64_t>(s.clock.duration_s)));
  span.pace = s.pace.empty() ? "live" : s.pace.front().kind;
  span.speed = speed;
  info->spans.push_back(span);
  if (pr.undelivered > 0)
    return Status(Code::kUnavailable, "E_UNAVAILABLE",
                  fmt::format("{} calls to the core never completed (the core stopped answering?)", pr.undelivered));
  return Status::Ok();
}

Result<std::vector<InvariantResult>> LiveCore::check(const std::vector<JournalEntry>& journal,
                                                     const models::Population& population, int32_t care_year) {
  LiveCheckOptions co;
  co.ledger_fresh = fresh_;
  co.care_year = care_year;
  return check_live(journal, *pool_, population, co);
}

}  // namespace yibao::sim
