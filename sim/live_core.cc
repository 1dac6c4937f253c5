#include "sim/live_core.h"

#include <fmt/format.h>

#include <simgrid/s4u/Engine.hpp>

#include <cmath>
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
    po.clock = o.clock;
    if (!o.policy.empty()) po.extra_args = {"--policy", o.policy};
    if (o.fault_injection) po.extra_args.push_back("--fault-injection");
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
  if (o.fault_injection) {  // clearing nothing: refused unless the core runs --fault-injection
    v1::ClearFaultsRequest none;
    none.set_kind("-");
    v1::FaultsReply rep;
    const client::CallResult r = c->pool_->call_sync(&client::AdminAsync::ClearFaults, none, &rep);
    if (!r.ok())
      return Status(Code::kFailedPrecondition, r.reason,
                    "the scenario's slow / lose_replies faults need a core started with --fault-injection: " +
                        r.status.error_message());
  }

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

  // The core's clock: the one it was started with, or the given core's own.
  v1::ClockReply clock;
  r = c->pool_->call_sync(&client::AdminAsync::GetClock, v1::GetClockRequest(), &clock, opts);
  if (!r.ok()) return from_grpc(r.status, "GetClock of " + c->address_);
  c->admin_clock_ = clock.mode() == "admin";
  if (o.clock == "admin" && !c->admin_clock_)
    return Status(Code::kFailedPrecondition, "E_BAD_REQUEST",
                  fmt::format("core.clock is admin, but yibao-core at {} runs on the {} clock: start it with --clock admin",
                              c->address_, clock.mode()));
  return c;
}

LiveCore::~LiveCore() {
  pool_.reset();
  if (process_) (void)process_->stop();
}

std::string LiveCore::describe() const {
  if (process_)
    return fmt::format("Live core: yibao-core started by yibao-sim on {} with a new SQLite ledger {} (population {} "
                       "seed {}, year {}, {} clock).",
                       address_, process_->ledger(), o_.preset, o_.seed, year_, admin_clock_ ? "admin" : "wall");
  return fmt::format("Live core: yibao-core at {} (population {} seed {}, year {}, {} clock).", address_, o_.preset,
                     o_.seed, year_, admin_clock_ ? "admin" : "wall");
}

std::unique_ptr<CoreGateway> LiveCore::make_bridge(const Scenario& s) {
  std::string token = pool_->options().admin_token;
  Result<std::unique_ptr<client::ClientPool>> pool = make_pool(address_, o_, token, std::max(1, o_.channels));
  YB_CHECK(pool.ok(), "the options that made pool_ make a second pool");
  LiveOptions lo;
  lo.speed = s.pace.empty() || s.pace.front().speed <= 0 ? 1 : s.pace.front().speed;
  lo.admin_clock = admin_clock_;
  lo.civil_start = s.clock.start;
  lo.deadline_s = s.core.query_deadline_s;
  lo.money_deadline_s = s.core.settle_deadline_s;
  (*pool)->wait_connected(std::chrono::seconds(10));
  auto bridge = std::make_unique<LiveBridge>(std::move(*pool), lo);
  bridge_ = bridge.get();
  return bridge;
}

Status open_windows(client::ClientPool& pool, const Scenario& s) {
  for (const SwitchoverSpec& w : s.switchover) {
    v1::OpenWindowRequest req;
    req.set_scope(w.scope);
    req.set_start(format_iso(w.from));
    req.set_end(format_iso(w.to));
    req.set_note(fmt::format("{} line {}", s.file, w.line));
    v1::WindowReply rep;
    const client::CallResult r = pool.call_sync(&client::AdminAsync::OpenWindow, req, &rep);
    if (!r.ok())
      return Status(Code::kFailedPrecondition, r.reason,
                    fmt::format("{}:{}: the core refused the switchover window: {}", s.file, w.line,
                                r.status.error_message()));
  }
  return Status::Ok();
}

Status LiveCore::run_paced(simgrid::s4u::Engine& engine, double end_s, const Scenario& s, Metrics& metrics,
                           RunInfo* info, std::function<bool()> done) {
  YB_CHECK(bridge_ != nullptr, "make_bridge() before run_paced()");
  std::vector<PacePlan> plan;
  for (const PaceSpan& p : s.pace)
    plan.push_back(PacePlan{p.from ? static_cast<double>(p.from->s - s.clock.start.s) : 0.0, p.speed});
  if (plan.empty()) plan.push_back(PacePlan{0, 1});
  if (admin_clock_) {
    if (Status st = bridge_->set_core_clock(simgrid::s4u::Engine::get_clock()); !st.ok())
      return Status(st.code(), st.reason(),
                    fmt::format("cannot set the core's admin clock to the scenario's start {} (it never goes back: a "
                                "ledger that saw a later time needs a later start): {}",
                                format_iso(s.clock.start), st.message()));
  }
  // The scenario's switchover windows, opened once the core's clock is at the start.
  YB_RETURN_IF_ERROR(open_windows(*pool_, s));
  YB_RETURN_IF_ERROR(open_suspensions(*pool_, suspension_orders_, s.file));
  auto civil_at = [&](double t) { return format_iso(s.clock.start.plus_seconds(static_cast<int64_t>(std::floor(t)))); };
  // The scenario's crashes: kill -9 when the simulation reaches `at`, restart `down` wall
  // seconds later on the same ledger and port (the pool's channels reconnect within a second).
  struct Crash {
    FaultSpec spec;
    double at_s = 0;
    bool killed = false, restarted = false;
    std::chrono::steady_clock::time_point killed_wall;
    double killed_sim = 0, restarted_sim = 0, restart_wall_s = 0;
  };
  std::vector<Crash> crashes;
  for (const FaultSpec& f : s.faults)
    if (f.kind == "kill") crashes.push_back(Crash{f, static_cast<double>(f.at.s - s.clock.start.s)});
  Injections injections(s.faults, s.clock.start);
  Status fault_status;
  // Brings a killed core back (the first failure is kept for the run's status).
  auto restart = [&](Crash& c, double now) {
    const auto t0 = std::chrono::steady_clock::now();
    Status st = process_->restart();
    c.restarted = true;
    c.restarted_sim = now;
    c.restart_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!st.ok() && fault_status.ok()) fault_status = st;
    return st;
  };
  PaceOptions po;
  po.done = std::move(done);
  po.stops = injections.stops();
  if (!crashes.empty() || !injections.empty()) {
    YB_CHECK(crashes.empty() || process_ != nullptr, "a crash needs a started core (the scenario check refuses core.address)");
    po.on_turn = [&](double now) {
      injections.turn(now, *pool_);
      for (Crash& c : crashes) {
        if (!c.killed && now >= c.at_s) {
          process_->kill9();
          c.killed = true;
          c.killed_wall = std::chrono::steady_clock::now();
          c.killed_sim = now;
          if (o_.log)
            std::fprintf(stderr, "yibao-sim: killed yibao-core (kill -9) at %s; restart in %.0f s\n",
                         civil_at(now).c_str(), c.spec.down_s);
        }
        if (c.killed && !c.restarted &&
            std::chrono::steady_clock::now() - c.killed_wall >= std::chrono::duration<double>(c.spec.down_s)) {
          const Status st = restart(c, now);
          if (o_.log)
            std::fprintf(stderr, "yibao-sim: restarted yibao-core at %s (%s)\n", civil_at(now).c_str(),
                         st.ok() ? "listening again" : std::string(st.message()).c_str());
        }
      }
    };
  }
  YB_ASSIGN_OR_RETURN(PaceResult pr, sim::run_paced(engine, end_s, plan, *bridge_, po));
  for (Crash& c : crashes) {
    // The run ended inside the down time: the checker needs the core.
    if (c.killed && !c.restarted) (void)restart(c, simgrid::s4u::Engine::get_clock());
    nlohmann::json f{{"kill", c.spec.kill}, {"at", format_iso(c.spec.at)}, {"down_s", c.spec.down_s}};
    if (c.killed) {
      f["killed_at"] = civil_at(c.killed_sim);
      f["restarted_at"] = civil_at(c.restarted_sim);
      f["wall_restart_s"] = std::round(c.restart_wall_s * 1000) / 1000;
    }
    faults_.push_back(f);
  }
  for (const nlohmann::json& f : injections.report()) faults_.push_back(f);
  if (!injections.status().ok())
    return Status(Code::kFailedPrecondition, injections.status().reason(),
                  s.file + ":" + std::string(injections.status().message()));
  if (!fault_status.ok())
    return Status(Code::kUnavailable, "", "the core did not come back after a crash: " + std::string(fault_status.message()));
  // Replies still on the simulated network reach their sites; the sites then end by themselves.
  engine.run();
  const double sim_end = simgrid::s4u::Engine::get_clock();
  if (admin_clock_) {
    (void)bridge_->set_core_clock(sim_end);
    first_day_ = format_date(s.clock.start.date());
    last_day_ = format_date(s.clock.start.plus_seconds(static_cast<int64_t>(std::floor(sim_end))).date());
  }
  if (!s.switchover.empty()) {  // as the core lists them, not echoed from the scenario
    v1::ListWindowsReply listed;
    const client::CallResult r = pool_->call_sync(&client::AdminAsync::ListWindows, v1::ListWindowsRequest(), &listed);
    windows_ = nlohmann::json::array();
    if (r.ok()) {
      for (const auto& w : listed.windows())
        windows_.push_back({{"window_id", w.window_id()}, {"scope", w.scope()}, {"start", w.start()},
                            {"end", w.end()}, {"state", w.state()}, {"note", w.note()}});
    }
  }
  if (!suspension_orders_.empty()) suspensions_ = list_suspensions(*pool_);  // as the core lists them
  metrics.add_wall_lag(pr.wall_lag);
  metrics.add_late_sends(pr.late_sends);
  for (size_t i = 0; i < pr.spans.size(); ++i) {
    const SpanRun& run = pr.spans[i];
    const PaceSpan p = i < s.pace.size() ? s.pace[i] : PaceSpan{};
    SpanInfo span;
    span.from = civil_at(run.from_s);
    span.to = civil_at(i + 1 == pr.spans.size() ? sim_end : run.to_s);
    span.pace = p.kind;
    span.speed = run.speed;
    span.wall_s = run.wall_s;
    if (run.speed > 0) {
      span.wall_lag = run.wall_lag;
      span.lag_tolerance_ms = p.lag_tolerance_ms;
    }
    info->spans.push_back(span);
  }
  if (pr.undelivered > 0)
    return Status(Code::kUnavailable, "E_UNAVAILABLE",
                  fmt::format("{} calls to the core never completed (the core stopped answering?)", pr.undelivered));
  if (!bridge_->clock_status().ok())
    return Status(bridge_->clock_status().code(), bridge_->clock_status().reason(),
                  fmt::format("the core's admin clock could not follow the simulation ({} SetClock calls): {}",
                              bridge_->figures().clock_sets, bridge_->clock_status().message()));
  return Status::Ok();
}

Result<std::vector<InvariantResult>> LiveCore::check(const std::vector<JournalEntry>& journal,
                                                     const std::vector<WindowCall>& window_calls,
                                                     const models::Population& population, int32_t care_year) {
  LiveCheckOptions co;
  co.ledger_fresh = fresh_;
  co.care_year = care_year;
  // On the admin clock the ledger's business days are the simulated ones, not today's.
  co.from_date = first_day_;
  co.to_date = last_day_;
  if (windows_.is_array())
    for (const auto& w : windows_)
      if (w.value("scope", "") == "card_settlement") co.card_windows.emplace_back(w["start"], w["end"]);
  co.suspensions = refusing_suspensions(suspensions_);
  co.window_calls = window_calls;
  return check_live(journal, *pool_, population, co);
}

}  // namespace yibao::sim
