#include "grpc/core/windows.h"

#include <algorithm>
#include <charconv>
#include <mutex>

namespace yibao::core {
namespace {

// The 4-digit transaction code at the start of `kind`, or -1 (an Admin method name).
int infno_of(std::string_view kind) {
  if (kind.size() < 4) return -1;
  int code = 0;
  const auto [end, ec] = std::from_chars(kind.data(), kind.data() + 4, code);
  if (ec != std::errc() || end != kind.data() + 4) return -1;
  return code;
}

bool in(int code, int lo, int hi) { return code >= lo && code <= hi; }

}  // namespace

std::string_view window_scope_name(WindowScope s) {
  switch (s) {
    case WindowScope::kCardSettlement: return "card_settlement";
    case WindowScope::kInsuranceBusiness: return "insurance_business";
    case WindowScope::kPremiumChannels: return "premium_channels";
  }
  return "?";
}

std::optional<WindowScope> parse_window_scope(std::string_view name) {
  for (WindowScope s : {WindowScope::kCardSettlement, WindowScope::kInsuranceBusiness, WindowScope::kPremiumChannels})
    if (window_scope_name(s) == name) return s;
  return std::nullopt;
}

std::optional<WindowScope> scope_of_call(std::string_view kind) {
  if (const int code = infno_of(kind); code >= 0) {
    if (in(code, 2201, 2208) || in(code, 2301, 2305) || in(code, 2401, 2405) || in(code, 2101, 2103) || code == 2601)
      return WindowScope::kCardSettlement;
    if (in(code, 2501, 2507)) return WindowScope::kInsuranceBusiness;
    return std::nullopt;
  }
  if (kind == "UpsertPersons" || kind == "UpsertFilings" || kind == "ManualReimburse")
    return WindowScope::kInsuranceBusiness;
  if (kind == "CollectPremium") return WindowScope::kPremiumChannels;
  return std::nullopt;
}

WindowState window_state(const SwitchoverWindow& w, CivilTime now) {
  if (now < w.start) return WindowState::kScheduled;
  if (now < w.end) return WindowState::kInForce;
  return WindowState::kEnded;
}

void Windows::put(const SwitchoverWindow& w) {
  std::unique_lock lock(mu_);
  auto it = std::find_if(windows_.begin(), windows_.end(), [&](const auto& x) { return x.id == w.id; });
  if (it != windows_.end()) *it = w;
  else windows_.push_back(w);
  any_.store(true, std::memory_order_release);
}

std::vector<SwitchoverWindow> Windows::all() const {
  std::shared_lock lock(mu_);
  return windows_;
}

std::optional<SwitchoverWindow> Windows::get(std::string_view id) const {
  std::shared_lock lock(mu_);
  for (const auto& w : windows_)
    if (w.id == id) return w;
  return std::nullopt;
}

std::optional<CivilTime> Windows::reopens_locked(WindowScope scope, CivilTime now) const {
  std::optional<CivilTime> until;
  CivilTime at = now;
  // Each pass extends to the latest end of a window in force at `at`; bounded by the count.
  for (size_t pass = 0; pass <= windows_.size(); ++pass) {
    std::optional<CivilTime> next;
    for (const auto& w : windows_)
      if (w.scope == scope && w.start <= at && at < w.end && (!next || w.end > *next)) next = w.end;
    if (!next) break;
    until = at = *next;
  }
  return until;
}

std::optional<CivilTime> Windows::reopens(WindowScope scope, CivilTime now) const {
  if (!any_.load(std::memory_order_acquire)) return std::nullopt;
  std::shared_lock lock(mu_);
  return reopens_locked(scope, now);
}

Status Windows::check(std::string_view call_kind, CivilTime now) const {
  if (!any_.load(std::memory_order_acquire)) return Status::Ok();
  const std::optional<WindowScope> scope = scope_of_call(call_kind);
  if (!scope) return Status::Ok();
  const std::optional<CivilTime> until = reopens(*scope, now);
  if (!until) return Status::Ok();
  Status s = Status::Refuse(reason::kSwitchover, "switchover: " + std::string(window_scope_name(*scope)) +
                                                     " is closed until " + format_iso(*until) +
                                                     "; send it again then (nothing was stored)");
  s.with_retry_after(format_iso(*until));
  return s;
}

CivilDate Windows::premium_covered_through(CivilDate paid_through) const {
  CivilTime deadline = start_of(CivilDate{paid_through.days + 1});
  if (any_.load(std::memory_order_acquire)) {
    std::shared_lock lock(mu_);
    for (size_t pass = 0; pass <= windows_.size(); ++pass) {
      bool moved = false;
      for (const auto& w : windows_) {
        if (w.scope != WindowScope::kPremiumChannels || !(w.start <= deadline && deadline < w.end)) continue;
        deadline = w.end.plus_seconds(int64_t{kPremiumGraceDays} * 86400);
        moved = true;
      }
      if (!moved) break;
    }
  }
  return deadline.plus_seconds(-1).date();
}

}  // namespace yibao::core
