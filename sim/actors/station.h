// Station: a first-come-first-served queue in front of `servers` identical servers (counter
// windows of a facility, the workers of the modelled core, the M/M/c validation station).
// Pure data: the owning actor decides service times and schedules the completions on its
// EventQueue. Records each item's wait (time from arrival to start of service).
//
// Thread safety: none (one actor owns it).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

namespace yibao::sim {

template <class T>
class Station {
 public:
  explicit Station(int servers = 1) : servers_(servers) {}

  int servers() const { return servers_; }
  int busy() const { return busy_; }
  size_t queued() const { return queue_.size(); }

  // An item arrives at `now`. Returns true if it starts service at once (a server was free; the
  // caller schedules its completion), false if it waits.
  bool arrive(double now, T item) {
    if (busy_ < servers_) {
      ++busy_;
      record_wait(0);
      return true;
    }
    queue_.emplace_back(now, std::move(item));
    return false;
  }

  // A server finished at `now`. Returns the next waiting item, which starts service now on
  // that server (the caller schedules its completion), or nullopt (the server goes idle).
  std::optional<T> release(double now) {
    if (queue_.empty()) {
      --busy_;
      return std::nullopt;
    }
    auto [arrived, item] = std::move(queue_.front());
    queue_.pop_front();
    record_wait(now - arrived);
    return std::optional<T>(std::move(item));
  }

  uint64_t started() const { return started_; }
  double total_wait() const { return total_wait_; }
  double mean_wait() const { return started_ == 0 ? 0 : total_wait_ / static_cast<double>(started_); }

 private:
  void record_wait(double w) {
    ++started_;
    total_wait_ += w;
  }

  int servers_;
  int busy_ = 0;
  std::deque<std::pair<double, T>> queue_;
  uint64_t started_ = 0;
  double total_wait_ = 0;
};

}  // namespace yibao::sim
