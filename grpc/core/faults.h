// Fault injection (`--fault-injection`, Admin.InjectFault / ClearFaults): what a drill or a test
// asks the core to do wrong, per call kind, so clients meet the failures DOMAIN.md §3.4 and §7.2
// describe without a real outage.
//
// A fault is keyed by a call kind: a Settlement transaction code ("2207"; the first four
// characters of header.infno) or a Settlement RPC name ("Settle"). Either matches. It has
//   - latency_ms: the reply is held this long after the call is done (committed, if it writes);
//   - action kNone, kRefuse (refused before anything runs, with the chosen gRPC code, reason
//     code and sentence; nothing stored, so the same msgid may be sent again and succeed), or
//     kLoseReply (the call runs and commits, then is answered UNAVAILABLE with no reason code:
//     the unknown outcome that 2601 and replay exist for);
//   - remaining: how many more calls it applies to; 0 = until cleared.
// take() decides for one call and counts it down. Only Settlement calls are faulted (not Admin).
// Without --fault-injection the registry is disabled: InjectFault is refused and take() is a
// no-op. Thread-safe (a mutex; an atomic "nothing armed" fast path for the hot path).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"

namespace yibao::core {

struct Fault {
  enum class Action { kNone = 0, kRefuse = 1, kLoseReply = 2 };
  std::string kind;          // "2207" or "Settle"
  int64_t latency_ms = 0;    // ≥ 0
  Action action = Action::kNone;
  Status refusal;            // kRefuse: the status answered
  int64_t remaining = 0;     // calls still to fault; 0 = until cleared
  int64_t fired = 0;         // calls faulted so far
};

// What take() decided for one call.
struct FaultDecision {
  int64_t latency_ms = 0;
  Fault::Action action = Fault::Action::kNone;
  Status refusal;
  bool any() const { return latency_ms > 0 || action != Fault::Action::kNone; }
};

class Faults {
 public:
  // Off until enabled at start-up (--fault-injection); never turned off again.
  void enable() { enabled_.store(true); }
  bool enabled() const { return enabled_.load(); }

  // Arms (or replaces) the fault of f.kind. FAILED_PRECONDITION when disabled.
  Status inject(Fault f);
  // Clears the fault of `kind`, or every fault when empty. Returns how many were cleared.
  int clear(std::string_view kind);
  std::vector<Fault> list() const;

  // The fault for a call of transaction `infno` through RPC `rpc`, counted down; none if no
  // fault matches (the transaction code wins over the RPC name when both are armed).
  FaultDecision take(std::string_view infno, std::string_view rpc);

 private:
  std::atomic<bool> enabled_{false};
  mutable std::mutex mu_;
  std::map<std::string, Fault, std::less<>> by_kind_;
  std::atomic<bool> armed_{false};
};

}  // namespace yibao::core
