// Per-RPC counters and server-side latency histograms (Admin.GetStats; what the simulator's
// calibration reads). Keyed by transaction code ("2207") or Admin method name. Latency is from
// the request's arrival at the handler to its Finish, in microseconds.
// Thread-safe: one mutex per entry; entries are created once and never removed.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "models/histogram.h"

namespace yibao::core {

class RpcStats {
 public:
  enum class Outcome { kOk, kRefused, kReplayed };
  void record(const std::string& key, Outcome outcome, double latency_us);

  struct Entry {
    std::string key;
    uint64_t ok = 0, refused = 0, replayed = 0;
    models::Histogram latency;
  };
  std::vector<Entry> snapshot() const;

 private:
  struct Slot {
    std::mutex mu;
    Entry e;
  };
  Slot& slot(const std::string& key);
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Slot>> slots_;
};

}  // namespace yibao::core
