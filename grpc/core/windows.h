// Switchover windows (DOMAIN.md §7.1, §11.14, §11.15): which calls each service scope refuses,
// the windows the core knows, and the premium deadline they move.
//
// A window is [start, end) on the core's clock (clock.h) with one scope:
//   card_settlement     every call that writes a visit or moves money: 2201–2208, 2301–2305,
//                       2401–2405, 2101–2103, 2601 (pre-settlements included); sign-in, 1101,
//                       5206, 3201/3202 still answered;
//   insurance_business  filings 2501–2507 and the Admin calls that change enrolment
//                       (UpsertPersons, UpsertFilings) and manual reimbursement (ManualReimburse);
//   premium_channels    resident premium collection (Admin.CollectPremium).
// Inside a window its calls get UNAVAILABLE / E_SWITCHOVER with `yb-retry-after` = the time the
// scope reopens (the window's end, or a later one if windows of the scope chain), and nothing is
// stored; everything else keeps answering.
//
// The ledger holds the windows (Ledger::put_window); this registry is the in-memory copy the
// per-call check reads on gRPC threads without touching the ledger, refreshed by the writer after
// each OpenWindow / CloseWindow is durable and filled at start-up.
// Thread-safe (a shared mutex; an atomic "no windows at all" fast path for the hot path).
#pragma once

#include <atomic>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "grpc/core/records.h"
#include "models/status.h"

namespace yibao::core {

// "card_settlement", "insurance_business", "premium_channels".
std::string_view window_scope_name(WindowScope s);
std::optional<WindowScope> parse_window_scope(std::string_view name);

// The scope a call kind belongs to: `kind` is a transaction code ("2207", "2501", "2207A") or an
// Admin method name ("UpsertPersons", "CollectPremium"). nullopt: no window refuses it.
std::optional<WindowScope> scope_of_call(std::string_view kind);

// "SCHEDULED" (now < start), "IN_FORCE" (start ≤ now < end), "ENDED".
enum class WindowState { kScheduled, kInForce, kEnded };
WindowState window_state(const SwitchoverWindow& w, CivilTime now);

class Windows {
 public:
  // DOMAIN.md §11.15: a premium deadline inside a premium_channels window moves to the window's
  // end + this many days.
  static constexpr int kPremiumGraceDays = 30;

  // Inserts or replaces (by id).
  void put(const SwitchoverWindow& w);
  std::vector<SwitchoverWindow> all() const;  // in id order of creation
  std::optional<SwitchoverWindow> get(std::string_view id) const;

  // OK, or UNAVAILABLE / E_SWITCHOVER with retry_after = when the call's scope reopens, if a
  // window of the scope of `call_kind` is in force at `now`.
  Status check(std::string_view call_kind, CivilTime now) const;
  // When `scope` reopens if a window of it is in force at `now` (following windows that chain
  // or overlap); nullopt if none is in force.
  std::optional<CivilTime> reopens(WindowScope scope, CivilTime now) const;

  // The last day a resident whose premium is paid through `paid_through` is covered: the
  // deadline is the start of the next day, moved to a premium_channels window's end +
  // kPremiumGraceDays when it falls inside one (repeatedly, if the moved deadline falls inside
  // another); covered through the day before the deadline's instant.
  CivilDate premium_covered_through(CivilDate paid_through) const;

 private:
  std::optional<CivilTime> reopens_locked(WindowScope scope, CivilTime now) const;

  mutable std::shared_mutex mu_;
  std::vector<SwitchoverWindow> windows_;
  std::atomic<bool> any_{false};
};

}  // namespace yibao::core
