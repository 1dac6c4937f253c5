// Driver: setup (connect, population check, sign-in) and the report. The phases that send load
// are in driver_phases.cc.
#include "bench/load/driver.h"

#include <algorithm>
#include <latch>
#include <map>
#include <mutex>

#include "bench/load/core_stats.h"
#include "bench/load/driver_internal.h"
#include "bench/load/report.h"
#include "models/population_yaml.h"

namespace yibao::load {
namespace detail {

int Driver::run() {
  if (std::string e = o_.validate(); !e.empty()) return fail(e);
  if (int rc = connect(); rc != 0) return rc;
  if (o_.mix != Mix::kEcho) {
    if (int rc = setup_population(); rc != 0) return rc;
    if (int rc = sign_in(); rc != 0) return rc;
  }
  if (!o_.acked_file.empty() && !acks_.open(o_.acked_file)) return fail("cannot append to --acked " + o_.acked_file);
  rng_ = models::Rng(o_.load_seed, models::stream_id("load.units"));
  if (o_.mix == Mix::kSettle) {
    if (int rc = prepare(); rc != 0) return rc;
  }
  std::string error;
  v1::GetStatsReply before, after;
  const bool have_before = o_.core_stats && get_stats(&before, &error);
  const std::vector<ThreadTime> threads_before =
      o_.core_pid > 0 ? read_thread_times(o_.core_pid) : std::vector<ThreadTime>();
  timed_phase();
  const std::vector<ThreadTime> threads_after =
      o_.core_pid > 0 ? read_thread_times(o_.core_pid) : std::vector<ThreadTime>();
  acks_.close();

  RunSummary s;
  s.mix = o_.mix;
  s.max = o_.max;
  s.rate = o_.rate;
  s.poisson = o_.poisson;
  s.window = window_;
  s.send_s = secs(send_end_ - t0_);
  s.elapsed_s = secs(std::max(last_done_, send_end_) - t0_);
  s.units_sent = units_sent_;
  s.units_ok = units_ok_;
  s.units_failed = units_failed_;
  s.late = late_;
  s.max_late_ms = max_late_ms_;
  s.pool_exhausted = pool_exhausted_;
  s.pool = prepared_.size();
  s.failures = failures_;
  print_report(out_, s, rec_.snapshot());
  if (have_before && get_stats(&after, &error)) print_core_stats(out_, before, after, s.elapsed_s);
  print_thread_times(out_, threads_before, threads_after, s.elapsed_s);
  if (acks_.lines() > 0 || !o_.acked_file.empty())
    std::fprintf(out_, "acked file %s: %llu lines appended\n", o_.acked_file.c_str(),
                 static_cast<unsigned long long>(acks_.lines()));
  std::fflush(out_);
  return 0;
}

bool Driver::get_stats(v1::GetStatsReply* rep, std::string* error) {
  client::CallOptions co;
  co.deadline = std::chrono::seconds(10);
  client::CallResult r = pool_->call_sync(&client::AdminAsync::GetStats, v1::GetStatsRequest(), rep, co);
  if (r.ok()) return true;
  *error = status_name(r.code()) + (r.reason.empty() ? "" : " " + r.reason) + ": " + r.status.error_message();
  return false;
}

int Driver::connect() {
  client::ClientOptions co;
  co.target = o_.core;
  co.channels = o_.channels;
  co.tls = o_.tls;
  co.default_deadline = std::chrono::milliseconds(o_.deadline_ms);
  if (!o_.admin_token_file.empty()) {
    grpc::Status st = client::read_admin_token(o_.admin_token_file, &co.admin_token);
    if (!st.ok()) return fail(st.error_message());
  }
  if (grpc::Status st = client::ClientPool::create(co, &pool_); !st.ok()) return fail(st.error_message());
  if (!pool_->wait_connected(std::chrono::seconds(o_.connect_timeout_s)))
    return fail("cannot reach the core at " + o_.core + " within " + std::to_string(o_.connect_timeout_s) + " s");
  std::string error;
  if (!get_stats(&stats_at_start_, &error))
    return fail(
        "Admin.GetStats failed (" + error + ")" +
        (o_.admin_token_file.empty() ? "; pass --admin-token FILE (the core writes <ledger>.admin-token)" : ""));
  const auto& s = stats_at_start_;
  if (s.population_preset() != o_.population || s.population_seed() != o_.seed)
    return fail("the core holds population '" + s.population_preset() + "' seed " +
                std::to_string(s.population_seed()) + ", not '" + o_.population + "' seed " + std::to_string(o_.seed));
  if (s.population_year() == 0) return fail("the core reports no population year (population_year = 0)");
  client::RetryPolicy rp;
  rp.max_retries = o_.retries;
  rp.initial_backoff = std::chrono::milliseconds(o_.retry_backoff_ms);
  rp.max_backoff = std::max(rp.initial_backoff, std::chrono::milliseconds(1000));
  for (FlowContext* c : {&ctx_, &prep_ctx_}) {
    c->pool = pool_.get();
    c->acks = &acks_;
    c->deadline = std::chrono::milliseconds(o_.deadline_ms);
    c->settle_deadline = std::chrono::milliseconds(o_.settle_deadline_ms);
    c->retry = rp;
  }
  ctx_.rec = &rec_;
  prep_ctx_.rec = &prep_rec_;
  char mode[96];
  if (o_.max) {
    std::snprintf(mode, sizeof mode, "--max (window %d)", o_.window());
  } else {
    std::snprintf(mode, sizeof mode, "--rate %g/s (%s)", o_.rate, o_.poisson ? "Poisson" : "constant spacing");
  }
  std::fprintf(out_, "yibao-load: mix=%s %s core=%s (%s) population=%s seed=%llu year=%d channels=%d\n",
               mix_name(o_.mix), mode, o_.core.c_str(), s.ledger().c_str(), o_.population.c_str(),
               static_cast<unsigned long long>(o_.seed), s.population_year(), o_.channels);
  return 0;
}

int Driver::setup_population() {
  auto presets = models::load_presets_file(o_.presets_file.empty() ? models::default_presets_path() : o_.presets_file);
  if (!presets.ok()) return fail("presets: " + std::string(presets.status().message()));
  const models::PresetDef* def = presets->find(o_.population);
  if (def == nullptr) return fail("no preset named '" + o_.population + "'");
  models::PresetDef d = *def;
  d.year = stats_at_start_.population_year();
  auto pop = models::Population::create(std::move(d), o_.seed);
  if (!pop.ok()) return fail("population: " + std::string(pop.status().message()));
  pop_.emplace(std::move(pop).value());
  if (static_cast<int64_t>(pop_->facility_count()) != stats_at_start_.facilities() ||
      static_cast<int64_t>(pop_->person_count()) != stats_at_start_.persons())
    return fail("the regenerated population differs from the core's (facilities or persons); same presets file?");
  facilities_ = make_facilities(*pop_, pick_facilities(*pop_, o_.facilities, o_.mix == Mix::kVisit));
  if (facilities_.empty()) return fail("the population has no facility to drive");
  auto planner = FeePlanner::create(o_.generated_items);
  if (!planner.ok()) return fail("catalogue: " + std::string(planner.status().message()));
  planner_.emplace(std::move(planner).value());
  picker_.emplace(*pop_, o_.load_seed, china_now().date());
  return 0;
}

int Driver::sign_in() {
  std::latch done(static_cast<std::ptrdiff_t>(facilities_.size()));
  std::mutex mu;
  std::map<std::string, int> refusals;
  for (auto& f : facilities_) {
    v1::SignInRequest q;
    *q.mutable_header() = make_header(f, "9001", ctx_.opter);
    q.set_opter_no(ctx_.opter);
    q.set_sign_secret(f.secret);
    pool_->call(&client::SettlementAsync::SignIn, std::move(q), ctx_.options({}, false),
                [&, fp = &f](client::CallResult&& r, v1::SignInReply&& rep) {
                  if (r.ok()) {
                    fp->sign_no = rep.sign_no();
                  } else {
                    std::lock_guard lock(mu);
                    ++refusals[Recorder::failure_key(r)];
                  }
                  done.count_down();
                });
  }
  done.wait();
  std::map<models::Level, int> kinds;
  for (auto& f : facilities_) {
    if (f.sign_no.empty()) continue;
    (f.pharmacy() ? pharmacies_ : clinics_).push_back(&f);
    ++kinds[f.kind];
  }
  std::string kinds_text;
  for (auto [k, n] : kinds)
    kinds_text += std::string(kinds_text.empty() ? "" : ", ") + std::to_string(n) + " " +
                  (k == models::Level::kPharmacy ? "pharmacy" : "level " + std::string(models::level_code(k)));
  std::fprintf(out_, "signed in at %zu of %zu facilities (%s)\n", clinics_.size() + pharmacies_.size(),
               facilities_.size(), kinds_text.c_str());
  for (const auto& [k, n] : refusals) std::fprintf(out_, "  sign-in refused: %s × %d\n", k.c_str(), n);
  if (clinics_.empty()) return fail("no hospital, centre or clinic could sign in");
  return 0;
}

}  // namespace detail

int run_load(const LoadOptions& options, std::FILE* out, std::FILE* err) {
  detail::Driver d(options, out, err);
  return d.run();
}

}  // namespace yibao::load
