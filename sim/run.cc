#include "sim/run.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "models/catalog_yaml.h"
#include "models/check.h"
#include "models/policy_yaml.h"
#include "models/population_yaml.h"
#include "sim/actors/agency.h"
#include "sim/actors/site.h"
#include "sim/checker.h"
#include "sim/core_model.h"
#include "sim/faults.h"
#include "sim/calibration.h"
#include "sim/live/calibrate.h"
#include "sim/live/live_bridge.h"
#include "sim/live_core.h"
#include "sim/mmc.h"
#include "sim/platform/sg_platform.h"
#include "sim/network_faults.h"
#include "sim/platform/topology.h"
#include "sim/platform/topology_analysis.h"
#include "sim/report.h"
#include "sim/timeseries.h"

namespace yibao::sim {
namespace {

namespace s4u = simgrid::s4u;
using WallClock = std::chrono::steady_clock;

std::string iso_utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// SimGrid's own command line: quiet logs, small actor stacks (sites are shallow), guard pages
// unless there is no room for them (check_actor_room).
std::vector<std::string> engine_args(bool guard_pages) {
  std::vector<std::string> a{"yibao-sim", "--log=root.thres:critical", "--log=yb_site.thres:warning",
                             "--cfg=contexts/stack-size:512"};
  if (!guard_pages) a.push_back("--cfg=contexts/guard-size:0");
  return a;
}

// The kernel's limit on memory mappings per process (vm.max_map_count); 0 if unreadable.
int64_t max_map_count() {
  std::ifstream in("/proc/sys/vm/max_map_count");
  int64_t n = 0;
  return (in >> n) ? n : 0;
}

// Each SimGrid actor's stack is one mapping, plus one for its guard page (mprotect splits it):
// a run of more actors than vm.max_map_count allows aborts while creating them ("Failed to
// protect stack"), minutes in. Checked before the engine exists: true = guard pages fit; false =
// only they do not, so the engine runs without them (sites are shallow, their stacks 512 KiB; a
// note says so); when even one mapping per actor does not fit, the run stops with the sysctl
// that lets it through. `actors` is an upper estimate (sites, the core hop's actors, the
// daemons). 4,096 mappings are left for the program itself (libraries, heap, gRPC threads).
Result<bool> check_actor_room(size_t actors, std::vector<std::string>* notes) {
  const int64_t limit = max_map_count();
  if (limit <= 0) return true;
  constexpr int64_t kReserve = 4096;
  const auto n = static_cast<int64_t>(actors);
  if (2 * n + kReserve <= limit) return true;
  if (n + kReserve <= limit) {
    notes->push_back(fmt::format("Stack guard pages off: {} actors with guard pages need more than "
                                 "vm.max_map_count = {} memory mappings.",
                                 n, limit));
    return false;
  }
  return Status(Code::kResourceExhausted, "",
                fmt::format("{} simulated actors need about {} memory mappings, more than this machine's "
                            "vm.max_map_count = {}; raise it (as root: sysctl -w vm.max_map_count={}) or "
                            "simulate fewer facilities (workload.max_facilities)",
                            n, 2 * n + kReserve, limit, 2 * n + 2 * kReserve));
}

// Prints a progress line every few wall seconds while the simulation runs (a daemon actor, so
// it never keeps the simulation alive). Reads the metrics from inside the simulation.
void start_progress(s4u::Host* host, const Metrics* metrics, CivilTime start, double end_s, bool quiet) {
  if (quiet) return;
  s4u::Actor::create("progress", host, [metrics, start, end_s] {
    s4u::Actor::self()->daemonize();
    const auto t0 = WallClock::now();
    auto last = t0;
    while (true) {
      s4u::this_actor::sleep_for(std::max(1.0, end_s / 1000));
      const auto now = WallClock::now();
      if (now - last < std::chrono::seconds(3)) continue;
      last = now;
      const double t = s4u::Engine::get_clock();
      const TxnCounts c = metrics->totals();
      uint64_t visits = 0, failed = 0;
      for (const auto& [k, v] : metrics->visits_by_kind()) visits += v.ok + v.failed, failed += v.failed;
      std::fprintf(stderr, "  sim %s (%3.0f%%)  wall %6.1f s  visits %llu (failed %llu)  calls %llu  errors %llu\n",
                   format_iso(start.plus_seconds(static_cast<int64_t>(t))).c_str(), 100.0 * std::min(1.0, t / end_s),
                   std::chrono::duration<double>(now - t0).count(), static_cast<unsigned long long>(visits),
                   static_cast<unsigned long long>(failed), static_cast<unsigned long long>(c.acknowledged + c.failed),
                   static_cast<unsigned long long>(c.failed));
    }
  });
}

StationParams station_of(const Calibration& c) {
  StationParams p;
  for (const auto& [code, d] : c.service) p.service[code] = ServiceTime{d.median_s, d.sigma, false};
  // Codes the calibration lacks take the slowest read it has (conservative).
  for (const auto& [code, d] : c.service)
    if (d.median_s > p.fallback.median_s) p.fallback = ServiceTime{d.median_s, d.sigma, false};
  p.workers = c.workers;
  p.commit_a_s = c.commit_a_s;
  p.commit_b_s = c.commit_b_s;
  p.max_batch = c.max_batch;
  return p;
}

// The scenario's platform overrides on top of DOMAIN.md §8.4.
Result<TopologyParams> topology_params(const Scenario& s) {
  TopologyParams p;
  for (const LinkOverride& o : s.scale.links) {
    std::optional<LinkClass> c = link_class_from_name(o.link_class);
    if (!c) return Status::Refuse(reason::kBadRequest, s.file + ": unknown link class " + o.link_class);
    if (o.bandwidth_bps) p.link(*c).bandwidth = *o.bandwidth_bps / 8;  // bits -> bytes per second
    if (o.latency_s) p.link(*c).latency = *o.latency_s;
  }
  if (!s.scale.standby_fep) p.standby.fill(false);
  return p;
}

nlohmann::json topology_json(const TopologyReport& r) {
  nlohmann::json j;
  j["sites"] = r.sites;
  j["links"] = r.links;
  j["redundant_links"] = r.redundant_links;
  j["facilities"] = r.facilities;
  j["facilities_with_standby"] = r.facilities_with_standby;
  j["articulation_points"] = r.articulation_points.size();
  j["bridges"] = r.bridges.size();
  return j;
}

// One site actor per host that runs counters: a facility host or a county's small-sites host.
// With max_facilities > 0, only facilities below that index generate visits.
// The topology vertices that get a site actor: hosts standing for facilities of a simulated
// region (the first `regions`), with at least one facility below max_facilities (0 = all).
bool hosts_a_site(const Topology& t, VertexId v, int32_t regions, uint32_t max_facilities) {
  const Site& site = t.site(v);
  if (site.stands_for() == 0 || site.region < 0 || site.region >= regions) return false;
  return max_facilities == 0 || site.facility_begin < max_facilities;
}

size_t count_sites(const Topology& t, int32_t regions, uint32_t max_facilities) {
  size_t n = 0;
  for (VertexId v = 0; v < t.vertex_count(); ++v) n += hosts_a_site(t, v, regions, max_facilities) ? 1 : 0;
  return n;
}

std::vector<SiteSpec> site_specs(const Topology& t, const SgPlatform& p, const std::vector<s4u::Mailbox*>& inboxes,
                                 uint32_t max_facilities) {
  std::vector<SiteSpec> out;
  const auto regions = static_cast<int32_t>(inboxes.size());
  for (VertexId v = 0; v < t.vertex_count(); ++v) {
    if (!hosts_a_site(t, v, regions, max_facilities)) continue;
    const Site& site = t.site(v);
    SiteSpec spec;
    spec.name = site.name;
    spec.host = p.host(v);
    spec.vertex = v;
    spec.core_inbox = inboxes[static_cast<size_t>(site.region)];
    for (uint32_t j = site.facility_begin; j < site.facility_end; ++j)
      if (max_facilities == 0 || j < max_facilities) spec.facilities.push_back(j);
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace

Run::Run(Scenario scenario, RunOptions options, std::string out_dir)
    : s_(std::move(scenario)), o_(std::move(options)), out_(std::move(out_dir)) {}

Run::~Run() = default;

int Run::execute() {
  const auto t0 = WallClock::now();
  info_.wall_started = iso_utc_now();
  if (s_.mmc) return run_mmc();
  if (Status st = prepare(); !st.ok()) {
    std::fprintf(stderr, "yibao-sim: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  if (Status st = run_simulation(); !st.ok()) {
    std::fprintf(stderr, "yibao-sim: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  info_.wall_s = std::chrono::duration<double>(WallClock::now() - t0).count();
  return finish();
}

Status Run::prepare() {
  // The population: the scenario's preset with its overrides; in live mode the core's year.
  std::string presets = s_.scale.presets_file.empty() ? models::default_presets_path() : s_.scale.presets_file;
  YB_ASSIGN_OR_RETURN(models::PresetCatalog catalog, models::load_presets_file(presets));
  const models::PresetDef* def = catalog.find(s_.scale.preset);
  if (def == nullptr) return Status::Refuse(reason::kBadRequest, s_.file + ": unknown preset " + s_.scale.preset);
  models::PresetDef d = *def;
  if (s_.scale.persons) d.persons = *s_.scale.persons;
  if (s_.scale.county_nodes) d.county_nodes = *s_.scale.county_nodes;
  if (s_.scale.year) d.year = *s_.scale.year;

  if (s_.mode == Mode::kLive) {
    if (s_.scale.persons || s_.scale.county_nodes)
      return Status::Refuse(reason::kBadRequest,
                            s_.file + ": scale.persons and scale.county_nodes are not supported in live mode yet "
                                      "(the core generates the preset's population itself)");
    LiveCoreOptions lo;
    lo.address = s_.core.address;
    lo.admin_token_file = s_.core.admin_token_file;
    lo.tls = o_.tls;
    lo.preset = s_.scale.preset;
    lo.seed = s_.seed;
    lo.policy = s_.core.policy;
    lo.ledger = s_.core.ledger;
    lo.channels = s_.core.channels;
    lo.clock = s_.core.clock;
    for (const FaultSpec& f : s_.faults) lo.fault_injection = lo.fault_injection || f.kind != "kill";
    lo.log = !o_.quiet;
    YB_ASSIGN_OR_RETURN(live_, LiveCore::open(lo));
    d.year = live_->population_year();
    notes_.push_back(live_->describe());
  }
  YB_ASSIGN_OR_RETURN(models::Population pop, models::Population::create(d, s_.seed));
  population_.emplace(std::move(pop));

  YB_ASSIGN_OR_RETURN(models::FeePlanner fees, models::FeePlanner::create(2000));
  fees_.emplace(std::move(fees));
  const std::string policy_file =
      s_.core.policy.empty() ? std::string(YB_MODELS_DATA_DIR) + "/policy_default.yaml" : s_.core.policy;
  YB_ASSIGN_OR_RETURN(models::PolicyBook book, models::load_policy_book(policy_file));
  policies_.emplace(std::move(book));

  models::WorkloadParams wp;
  wp.volume_factor = s_.workload.volume_factor;
  wp.card.failure = s_.workload.card_read_failure;
  for (CivilDate h : s_.clock.holidays) wp.calendar.add_holiday(h);
  for (CivilDate m : s_.clock.makeup_days) wp.calendar.add_makeup_day(m);
  workload_ = std::make_unique<models::WorkloadModel>(*population_, wp);
  metrics_ = std::make_unique<Metrics>(s_.clock.warmup_s, 60);
  return Status::Ok();
}

Status Run::run_simulation() {
  // Platform: the topology of the preset, analysed, then translated into SimGrid.
  const auto tp0 = WallClock::now();
  YB_ASSIGN_OR_RETURN(TopologyParams tparams, topology_params(s_));
  YB_ASSIGN_OR_RETURN(Topology topo, build_topology(*population_, tparams));
  const TopologyReport analysis = analyse(topo);
  spof_ = single_points_of_failure(analysis);
  if (!analysis.unreachable_facilities.empty())
    return Status::Refuse(reason::kBadRequest, fmt::format("{}: {} facilities cannot reach their core (first: {})", s_.file,
                                                           analysis.unreachable_facilities.size(),
                                                           analysis.unreachable_facilities.front()));
  // The core hop: one per pooling region (modelled); a live run drives one core, the first
  // region's, and simulates that region's facilities only.
  const int32_t regions = s_.mode == Mode::kLive ? 1 : topo.region_count();
  const size_t sites = count_sites(topo, regions, s_.workload.max_facilities);
  YB_ASSIGN_OR_RETURN(const bool guard_pages,
                      check_actor_room(sites + 4 * static_cast<size_t>(regions) + 8, &notes_));

  std::vector<std::string> args = engine_args(guard_pages);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  s4u::Engine engine(&argc, argv.data());
  YB_ASSIGN_OR_RETURN(SgPlatform platform, build_sg_platform(topo));
  extra_["topology"] = topology_json(analysis);
  extra_["topology"]["wall_build_s"] = round3(std::chrono::duration<double>(WallClock::now() - tp0).count());

  std::vector<s4u::Mailbox*> inboxes;
  std::unique_ptr<ModelLedger> ledger;
  std::vector<std::unique_ptr<CoreGateway>> gateways;
  std::vector<CoreModel*> models;
  if (s_.mode == Mode::kModelled) {
    YB_ASSIGN_OR_RETURN(Calibration cal, load_calibration(s_.core.calibration));
    notes_.push_back("Modelled core: calibration " + s_.core.calibration + " (" + cal.machine + ").");
    ledger = std::make_unique<ModelLedger>(*population_, *policies_, fees_->catalog());
    for (int32_t r = 0; r < regions; ++r) {
      auto m = std::make_unique<CoreModel>(station_of(cal), ledger.get(), metrics_.get(), s_.clock.start,
                                           s_.seed + static_cast<uint64_t>(r));
      models.push_back(m.get());
      gateways.push_back(std::move(m));
    }
  } else {
    gateways.push_back(live_->make_bridge(s_));
    if (topo.region_count() > 1)
      notes_.push_back(fmt::format("Live mode drives one core: only the first of {} pooling regions is simulated.",
                                   topo.region_count()));
  }
  for (int32_t r = 0; r < regions; ++r) {
    inboxes.push_back(s4u::Mailbox::by_name(fmt::format("core:{}", r)));
    gateways[static_cast<size_t>(r)]->start(platform.host(topo.core_vertex(r)), inboxes.back());
  }
  s4u::Host* core_host = platform.host(topo.core_vertex(0));

  // The sites: one actor per host that serves facilities.
  SiteContext ctx;
  ctx.population = &*population_;
  ctx.workload = workload_.get();
  ctx.fees = &*fees_;
  ctx.metrics = metrics_.get();
  ctx.civil_start = s_.clock.start;
  ctx.end_s = s_.clock.duration_s;
  ctx.seed = s_.seed;
  ctx.live = s_.mode == Mode::kLive;
  ctx.settle_deadline_s = s_.core.settle_deadline_s;
  ctx.query_deadline_s = s_.core.query_deadline_s;
  if (ctx.live) {  // the bridge's gRPC deadline decides; the facility's timer is a backstop past it
    double max_speed = 0;
    for (const PaceSpan& p : s_.pace) max_speed = std::max(max_speed, p.speed);
    if (s_.pace.empty()) max_speed = 1;
    ctx.settle_deadline_s = site_deadline_s(ctx.settle_deadline_s, max_speed);
    ctx.query_deadline_s = site_deadline_s(ctx.query_deadline_s, max_speed);
  }
  // Room after the end for the visits begun before it: every attempt of a settlement (as the
  // facilities wait in simulated time) and a minute.
  ctx.drain_s = std::max(120.0, s_.core.settle_deadline_s * (s_.core.retries + 1) + 60);
  std::atomic<int> sites_running{0};
  ctx.sites_running = &sites_running;
  ctx.retries = s_.core.retries;
  ctx.outpatient = s_.workload.outpatient;
  ctx.pharmacy = s_.workload.pharmacy;
  ctx.inpatient = s_.workload.inpatient;
  ctx.in_house_at_start = s_.workload.inpatient && s_.workload.in_house_at_start;
  for (const SwitchoverSpec& w : s_.switchover)
    if (w.scope == "card_settlement") {
      ctx.card_windows.push_back(CardWindow{static_cast<double>(w.from.s - s_.clock.start.s),
                                            static_cast<double>(w.to.s - s_.clock.start.s), w.announced});
      // The warm wards' stays are admitted before an announced window's conversion (site_contingency.cc).
      const double convert_s = ctx.card_windows.back().from_s - kConvertAheadS;
      if (w.announced && convert_s > 60) ctx.warm_by_s = std::min(ctx.warm_by_s, convert_s - 60);
    }
  for (const CardStormSpec& c : s_.card_storms) {
    CardStorm storm;
    storm.from_s = static_cast<double>(c.at.s - s_.clock.start.s);
    if (c.until) storm.to_s = static_cast<double>(c.until->s - s_.clock.start.s);
    storm.failure = c.failure;
    if (!c.facility_type.empty()) storm.kind = facility_kind_named(c.facility_type);
    ctx.card_storms.push_back(storm);
  }
  ctx.backfill_rate_per_hour = s_.backfill.rate_per_hour;
  for (const auto& [type, rate] : s_.backfill.rate_by_type)
    if (const std::optional<models::Level> l = facility_kind_named(type))
      ctx.backfill_rate_by_kind[static_cast<size_t>(models::kind_index(*l))] = rate;
  ctx.backfill_open_s = s_.backfill.open_s;
  ctx.backfill_close_s = s_.backfill.close_s;
  ctx.backfill_abandoned = s_.backfill.abandoned;
  ctx.backfill_manual = s_.backfill.manual;
  std::vector<SiteSpec> specs = site_specs(topo, platform, inboxes, s_.workload.max_facilities);
  YB_CHECK(specs.size() == sites, "site_specs and count_sites disagree");
  if (sites > 0 && s_.workload.max_visits > 0)
    ctx.max_visits_per_site = std::max<uint64_t>(1, (s_.workload.max_visits + sites - 1) / sites);
  if (!s_.suspensions.empty()) {  // live (check_across): the subjects picked among the simulated facilities
    std::vector<uint32_t> simulated;
    for (const SiteSpec& spec : specs) simulated.insert(simulated.end(), spec.facilities.begin(), spec.facilities.end());
    auto stays = [&](uint32_t j) {  // the warm wards exactly as the sites will admit them
      std::vector<WardStay> out;
      for (const models::VisitPlan& p : workload_->in_house_at(j, s_.clock.start, *fees_, s_.seed))
        out.push_back(WardStay{p.person, p.discharge});
      return out;
    };
    const CivilTime end = s_.clock.start.plus_seconds(static_cast<int64_t>(s_.clock.duration_s));
    YB_ASSIGN_OR_RETURN(std::vector<SuspensionOrder> orders,
                        resolve_suspensions(s_.suspensions, *population_, simulated, stays, end, s_.seed, s_.file));
    for (const SuspensionOrder& o : orders)
      if (!o.picked.empty()) notes_.push_back(fmt::format("Suspension of line {}: {}.", o.line, o.picked));
    for (const SuspensionSpec& p : s_.suspensions)
      ctx.warm_by_s = std::min(ctx.warm_by_s, static_cast<double>(p.at.s - s_.clock.start.s) - 60);
    live_->set_suspensions(std::move(orders));
  }
  PathCuts cuts;
  if (!s_.cuts.empty()) {
    YB_ASSIGN_OR_RETURN(cuts, resolve_cuts(s_.cuts, topo, *population_, specs, s_.clock.start, s_.seed, s_.file));
    for (std::string& n : cuts.notes()) notes_.push_back(std::move(n));
    info_.cuts = cuts.report();
    info_.cuts_restored_s = cuts.last_restore_s();
    ctx.cuts = &cuts;
  }
  // The handling agency (live): its enrolment changes, filings and premiums, and the manual claims.
  std::unique_ptr<Agency> agency;
  if (s_.mode == Mode::kLive && (s_.agency.enabled || s_.backfill.manual > 0)) {
    AgencyContext a;
    a.population = &*population_;
    a.policies = &*policies_;
    a.metrics = metrics_.get();
    a.bridge = dynamic_cast<LiveBridge*>(gateways.front().get());
    a.civil_start = s_.clock.start;
    a.end_s = ctx.end_s;
    a.seed = s_.seed;
    a.spec = s_.agency;
    a.review_s = s_.backfill.review_s;
    agency = std::make_unique<Agency>(std::move(a));
    agency->start(core_host);
    ctx.agency = agency.get();
  }
  for (SiteSpec& spec : specs) start_site(&ctx, std::move(spec));
  extra_["topology"]["site_actors"] = sites;
  start_progress(core_host, metrics_.get(), s_.clock.start, ctx.end_s, o_.quiet);

  if (!o_.quiet)
    std::fprintf(stderr, "yibao-sim: %s (%s, %s preset, seed %llu): %zu site actors, %.0f simulated s\n",
                 s_.name.c_str(), s_.mode == Mode::kLive ? "live" : "modelled", s_.scale.preset.c_str(),
                 static_cast<unsigned long long>(s_.seed), sites, s_.clock.duration_s);
  const auto tr0 = WallClock::now();
  if (s_.mode == Mode::kModelled) {
    engine.run();
  } else {
    YB_RETURN_IF_ERROR(live_->run_paced(engine, ctx.end_s + ctx.drain_s, s_, *metrics_, &info_,
                                          [&sites_running] { return sites_running.load() == 0; }));
  }
  extra_["wall_run_s"] = std::chrono::duration<double>(WallClock::now() - tr0).count();
  metrics_->set_end(std::min(s4u::Engine::get_clock(), s_.clock.duration_s));
  if (agency) info_.agency = agency->report();
  for (auto& g : gateways) g->finish();
  if (!models.empty()) {
    uint64_t served = 0, commits = 0;
    double batched = 0;
    for (const CoreModel* m : models) {
      served += m->served();
      commits += m->commits();
      batched += m->mean_batch() * static_cast<double>(m->commits());
    }
    const ModelTotals& t = ledger->totals();
    extra_["core_model"] = {{"cores", models.size()},
                            {"served", served},
                            {"commits", commits},
                            {"mean_batch", round3(commits == 0 ? 0 : batched / static_cast<double>(commits))},
                            {"settlements", t.settlements},
                            {"reversals", t.reversals}};
  }
  return Status::Ok();
}

int Run::finish() {
  if (s_.mode == Mode::kLive) {
    Result<std::vector<InvariantResult>> inv = live_->check(metrics_->journal_entries(), metrics_->window_calls(), *population_, year_of(s_.clock.start));
    if (!inv.ok()) {
      std::fprintf(stderr, "yibao-sim: the checker could not read the ledger back: %s\n",
                   std::string(inv.status().message()).c_str());
      return 1;
    }
    info_.invariants = std::move(*inv);
    info_.windows = live_->windows();
    info_.faults = live_->faults();
    info_.suspensions = live_->suspensions();
  } else {
    info_.invariants = check_modelled(metrics_->journal_entries());
  }
  nlohmann::json result = make_result(s_, *metrics_, info_);
  for (auto& [k, v] : extra_.items()) result[k] = v;
  const std::string result_path = out_ + "/result.json";
  if (Status st = write_result(result_path, result); !st.ok()) {
    std::fprintf(stderr, "yibao-sim: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  if (s_.outputs.timeseries) {
    if (Status st = write_timeseries(out_ + "/timeseries.csv", *metrics_); !st.ok())
      std::fprintf(stderr, "yibao-sim: %s\n", std::string(st.message()).c_str());
  }
  if (s_.outputs.report) {
    ReportInputs in;
    in.single_points_of_failure = spof_;
    in.notes = notes_;
    if (Status st = write_report(out_ + "/report.html", result, *metrics_, in); !st.ok())
      std::fprintf(stderr, "yibao-sim: %s\n", std::string(st.message()).c_str());
  }
  const bool pass = passed(result);
  if (!o_.quiet) {
    std::printf("%s", summary_table(result).c_str());
    std::printf("run directory: %s (verdict %s)\n", out_.c_str(), pass ? "pass" : "fail");
  }
  return pass ? 0 : 3;
}

int Run::run_mmc() {
  std::vector<std::string> args = engine_args(true);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  s4u::Engine engine(&argc, argv.data());
  const MmcResult r = run_mmc_station(engine, *s_.mmc, s_.seed);
  nlohmann::json result;
  result["schema_version"] = 1;
  result["scenario"] = {{"name", s_.name}, {"file", s_.file}};
  result["seed"] = s_.seed;
  result["mode"] = "modelled";
  result["mmc"] = r.to_json();
  result["verdict"] = "pass";
  result["wall_started"] = info_.wall_started;
  if (Status st = write_result(out_ + "/result.json", result); !st.ok()) {
    std::fprintf(stderr, "yibao-sim: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  if (!o_.quiet)
    std::printf("M/M/%d: %llu customers, mean wait %.6g s (Erlang C %.6g s, %+.2f %%)\nrun directory: %s\n",
                s_.mmc->servers, static_cast<unsigned long long>(r.served), r.mean_wait_s, r.erlang_c_wait_s,
                100.0 * r.relative_error(), out_.c_str());
  return 0;
}

}  // namespace yibao::sim

namespace yibao::sim {

int run_calibrate(const CalibrateCommand& c) {
  CalibrateOptions o;
  o.core_address = c.core_address;
  o.admin_token_file = c.admin_token_file;
  o.seconds = c.seconds;
  o.rate = c.rate;
  Calibration cal;
  if (Status st = run_calibration(o, &cal); !st.ok()) {
    std::fprintf(stderr, "yibao-sim: calibrate: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  if (Status st = write_calibration(cal, c.out); !st.ok()) {
    std::fprintf(stderr, "yibao-sim: calibrate: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  std::printf("calibration written to %s (%zu transaction codes; %s)\n", c.out.c_str(), cal.service.size(),
              cal.machine.c_str());
  return 0;
}

}  // namespace yibao::sim
