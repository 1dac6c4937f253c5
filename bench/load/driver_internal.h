// Driver internals shared by driver.cc (setup, report) and driver_phases.cc (preparation, the
// timed open-loop phase, progress). See driver.h for the run's shape. The sender thread (the
// caller of run()) owns every member not marked as guarded; completion callbacks touch only
// mu_-guarded state, the recorders, the ack log and facility msgid sources.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bench/load/ack_log.h"
#include "bench/load/flows.h"
#include "bench/load/options.h"
#include "bench/load/recorder.h"
#include "bench/load/roster.h"
#include "models/population.h"

namespace yibao::load::detail {

namespace v1 = settlement::v1;

using Seconds = std::chrono::duration<double>;

inline double secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// One run (see driver.h).
class Driver {
 public:
  Driver(const LoadOptions& o, std::FILE* out, std::FILE* err) : o_(o), out_(out), err_(err) {}
  int run();

 private:
  int fail(const std::string& line) {
    std::fprintf(err_, "yibao-load: %s\n", line.c_str());
    return 1;
  }
  int connect();
  int setup_population();
  int sign_in();
  int prepare();
  void timed_phase();
  bool launch(Clock::time_point intended);
  // The in-flight window: acquire() takes a slot (waits while the window is full), release()
  // gives one back from a completion callback, drain() waits until none is in flight.
  void acquire();
  void release(const std::string& failure);
  void drain();
  int64_t refill_at() const;
  void progress_loop(Clock::time_point t0);
  bool get_stats(v1::GetStatsReply* rep, std::string* error);
  uint64_t unit_ok_count() const;

  const LoadOptions& o_;
  std::FILE* out_;
  std::FILE* err_;
  v1::GetStatsReply stats_at_start_;
  std::optional<models::Population> pop_;
  std::vector<LoadFacility> facilities_;
  std::vector<LoadFacility*> clinics_;     // signed in: hospitals, centres, village clinics
  std::vector<LoadFacility*> pharmacies_;  // signed in: pharmacies (visit mix only)
  std::optional<FeePlanner> planner_;
  std::optional<PersonPicker> picker_;
  models::Rng rng_{1};
  Recorder rec_;
  Recorder prep_rec_;
  AckLog acks_;
  FlowContext ctx_;
  FlowContext prep_ctx_;
  std::vector<PreparedVisit> prepared_;
  size_t next_prepared_ = 0;

  // Units in flight and their outcomes (guarded by mu_).
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t in_flight_ = 0;
  int window_ = 0;
  uint64_t units_sent_ = 0;
  uint64_t units_ok_ = 0;
  uint64_t units_failed_ = 0;
  std::map<std::string, uint64_t> failures_;
  Clock::time_point last_done_{};
  bool sender_waiting_ = false;
  bool stop_progress_ = false;
  std::condition_variable progress_cv_;  // wakes the progress thread at the end

  uint64_t late_ = 0;
  double max_late_ms_ = 0;
  bool pool_exhausted_ = false;
  Clock::time_point t0_{};
  Clock::time_point send_end_{};

  // Last member, so destroyed first: its destructor waits for calls in flight, whose callbacks
  // use the recorders, the ack log, the facilities and the counters above.
  std::unique_ptr<client::ClientPool> pool_;
};

}  // namespace yibao::load::detail
