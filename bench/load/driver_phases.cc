// Driver: the phases that send load — preparation of the settle mix (untimed) and the timed
// open-loop phase with its progress lines.
#include <algorithm>
#include <cmath>
#include <thread>

#include "bench/load/driver_internal.h"

namespace yibao::load::detail {

constexpr double kSaleShare = 1.0 / 3;

int64_t Driver::refill_at() const { return window_ - std::max(1, window_ / 4); }

void Driver::acquire() {
  std::unique_lock lock(mu_);
  if (in_flight_ >= window_) {
    // A full window refills in bursts of a quarter: one wake-up per window/4 replies, not one
    // per reply (the sender and the callbacks share the machine with the core).
    sender_waiting_ = true;
    cv_.wait(lock, [&] { return in_flight_ <= refill_at(); });
    sender_waiting_ = false;
  }
  ++in_flight_;
}

void Driver::drain() {
  std::unique_lock lock(mu_);
  sender_waiting_ = true;
  cv_.wait(lock, [&] { return in_flight_ == 0; });
  sender_waiting_ = false;
}

void Driver::release(const std::string& failure) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    --in_flight_;
    last_done_ = Clock::now();
    if (failure.empty()) {
      ++units_ok_;
    } else {
      ++units_failed_;
      ++failures_[failure];
    }
    wake = sender_waiting_ && (in_flight_ <= refill_at() || in_flight_ == 0);
  }
  if (wake) cv_.notify_one();
}

uint64_t Driver::unit_ok_count() const {
  switch (o_.mix) {
    case Mix::kSettle: return rec_.ok_count(Op::k2207);
    case Mix::kEcho: return rec_.ok_count(Op::kEcho);
    case Mix::kVisit: return rec_.ok_count(Op::kVisit) + rec_.ok_count(Op::kSale);
  }
  return 0;
}

int Driver::prepare() {
  int64_t want = o_.prepare;
  if (want == 0) {
    want = o_.max ? static_cast<int64_t>(std::clamp(o_.duration_s * 3000.0, 10000.0, 240000.0))
                  : static_cast<int64_t>(std::ceil(o_.rate * o_.duration_s * 1.05)) + 64;
  }
  std::fprintf(out_, "preparing %lld outpatient visits (2201 → 2203 → 2204 → 2206, untimed)%s\n",
               static_cast<long long>(want),
               o_.max ? ": a fixed pool for --max; the run stops early if it runs out" : "");
  std::fflush(out_);
  const auto t0 = Clock::now();
  window_ = 256;
  auto next_progress =
      t0 + std::chrono::duration_cast<Clock::duration>(Seconds(o_.progress_s > 0 ? o_.progress_s : 1e9));
  std::mutex prepared_mu;
  prepared_.reserve(static_cast<size_t>(want));
  int64_t no_person = 0;
  for (int64_t i = 0; i < want; ++i) {
    LoadFacility* f = clinics_[rng_.below(clinics_.size())];
    std::optional<models::Person> p = picker_->draw(f->index);
    if (!p) {
      if (++no_person > 1000) break;
      continue;
    }
    acquire();
    start_prepare(&prep_ctx_, f, *p, to_wire(planner_->outpatient(rng_)),
                  [this, &prepared_mu](std::optional<PreparedVisit> v, const std::string& failure) {
                    if (v) {
                      std::lock_guard lock(prepared_mu);
                      prepared_.push_back(std::move(*v));
                    }
                    release(failure);
                  });
    if (Clock::now() >= next_progress) {
      uint64_t ok = 0;
      {
        std::lock_guard lock(mu_);
        ok = units_ok_;
      }
      std::fprintf(out_, "  prepared %llu of %lld\n", static_cast<unsigned long long>(ok),
                   static_cast<long long>(want));
      std::fflush(out_);
      next_progress += std::chrono::duration_cast<Clock::duration>(Seconds(o_.progress_s));
    }
  }
  drain();
  std::fprintf(out_, "prepared %zu visits in %.1f s (%.0f visits/s)", prepared_.size(), secs(Clock::now() - t0),
               static_cast<double>(prepared_.size()) / std::max(secs(Clock::now() - t0), 1e-3));
  if (units_failed_ > 0 || no_person > 0) {
    std::fprintf(out_, "; failed %llu:", static_cast<unsigned long long>(units_failed_));
    for (const auto& [k, v] : failures_) std::fprintf(out_, " %s %llu", k.c_str(), static_cast<unsigned long long>(v));
    if (no_person > 0) std::fprintf(out_, " no-enrolled-person %lld", static_cast<long long>(no_person));
  }
  std::fprintf(out_, "\n");
  std::fflush(out_);
  // The timed phase counts afresh.
  units_ok_ = units_failed_ = 0;
  failures_.clear();
  if (prepared_.empty()) return fail("no visit could be prepared; nothing to settle");
  return 0;
}

bool Driver::launch(Clock::time_point intended) {
  auto done = [this](const std::string& failure) { release(failure); };
  switch (o_.mix) {
    case Mix::kEcho: start_echo(&ctx_, intended, std::move(done)); return true;
    case Mix::kSettle:
      if (next_prepared_ >= prepared_.size()) return false;
      start_settle(&ctx_, prepared_[next_prepared_++], intended, std::move(done));
      return true;
    case Mix::kVisit: {
      // Sales are a third of the units, as pharmacy sales are of settlements (DOMAIN.md §8.3).
      const bool sale = !pharmacies_.empty() && rng_.bernoulli(kSaleShare);
      const auto& from = sale ? pharmacies_ : clinics_;
      LoadFacility* f = from[rng_.below(from.size())];
      std::optional<models::Person> p = picker_->draw(f->index);
      if (!p) {
        release("load:NO_ENROLLED_PERSON_LEFT");
        return true;
      }
      if (f->pharmacy()) {
        start_sale(&ctx_, f, *p, to_wire(planner_->pharmacy(rng_), true), intended, std::move(done));
      } else {
        start_outpatient(&ctx_, f, *p, to_wire(planner_->outpatient(rng_)), intended, std::move(done));
      }
      return true;
    }
  }
  return false;
}

void Driver::progress_loop(Clock::time_point t0) {
  if (!(o_.progress_s > 0) || o_.duration_s < 2 * o_.progress_s) return;
  const auto step = std::chrono::duration_cast<Clock::duration>(Seconds(o_.progress_s));
  auto next = t0 + step;
  uint64_t last_ok = 0;
  std::unique_lock lock(mu_);
  while (!progress_cv_.wait_until(lock, next, [&] { return stop_progress_; })) {
    const uint64_t ok = unit_ok_count();
    const uint64_t sent = units_sent_, failed = units_failed_;
    const int64_t in_flight = in_flight_;
    // Print without the lock: completion callbacks take it to release their unit.
    lock.unlock();
    std::fprintf(out_, "  [%6.1f s] sent %llu, acknowledged %llu, failed %llu, in flight %lld; last %g s: %.0f/s\n",
                 secs(next - t0), static_cast<unsigned long long>(sent), static_cast<unsigned long long>(ok),
                 static_cast<unsigned long long>(failed), static_cast<long long>(in_flight), o_.progress_s,
                 static_cast<double>(ok - last_ok) / o_.progress_s);
    std::fflush(out_);
    lock.lock();
    last_ok = ok;
    next += step;
  }
}

void Driver::timed_phase() {
  window_ = o_.window();
  t0_ = Clock::now();
  const auto end = t0_ + std::chrono::duration_cast<Clock::duration>(Seconds(o_.duration_s));
  std::thread progress([this] { progress_loop(t0_); });
  models::Rng arrivals(o_.load_seed, models::stream_id("load.arrivals"));
  double offset_s = 0;
  uint64_t k = 0;
  for (;; ++k) {
    Clock::time_point intended;
    if (o_.max) {
      acquire();
      intended = Clock::now();
      if (intended >= end) {
        std::lock_guard lock(mu_);
        --in_flight_;  // not sent: give the slot back
        break;
      }
    } else {
      // Constant spacing is computed from k (no drift); Poisson accumulates exponential gaps.
      if (!o_.poisson) offset_s = static_cast<double>(k) / o_.rate;
      intended = t0_ + std::chrono::duration_cast<Clock::duration>(Seconds(offset_s));
      if (intended >= end) break;
      if (Clock::now() < intended) std::this_thread::sleep_until(intended);
      acquire();
      const double late_ms = std::chrono::duration<double, std::milli>(Clock::now() - intended).count();
      if (late_ms >= 1.0) {
        ++late_;
        max_late_ms_ = std::max(max_late_ms_, late_ms);
      }
      if (o_.poisson) offset_s += arrivals.exponential(o_.rate);
    }
    {
      std::lock_guard lock(mu_);
      ++units_sent_;
    }
    if (!launch(intended)) {
      std::lock_guard lock(mu_);
      --units_sent_;
      --in_flight_;
      pool_exhausted_ = true;
      break;
    }
  }
  send_end_ = Clock::now();
  drain();
  {
    std::lock_guard lock(mu_);
    stop_progress_ = true;
  }
  progress_cv_.notify_all();
  progress.join();
}

}  // namespace yibao::load::detail
