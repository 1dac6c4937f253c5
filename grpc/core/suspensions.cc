#include "grpc/core/suspensions.h"

#include <array>
#include <utility>

namespace yibao::core {
namespace {

constexpr std::array<std::pair<SuspensionScope, std::string_view>, 4> kScopes{{
    {SuspensionScope::kFacility, "facility"},
    {SuspensionScope::kDepartment, "department"},
    {SuspensionScope::kChain, "chain"},
    {SuspensionScope::kPerson, "person"},
}};
constexpr std::array<std::pair<SuspensionMode, std::string_view>, 3> kModes{{
    {SuspensionMode::kRefuse, "refuse"},
    {SuspensionMode::kTerminate, "terminate"},
    {SuspensionMode::kHold, "hold"},
}};

template <class E, size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [e, n] : table)
    if (e == v) return n;
  return "?";
}
template <class E, size_t N>
std::optional<E> parse_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name) {
  for (const auto& [e, n] : table)
    if (n == name) return e;
  return std::nullopt;
}

bool in_force(const Suspension& s, CivilTime now) { return s.start <= now && (!s.end || now < *s.end); }
bool starts_soon(const Suspension& s, CivilTime now) {
  return now < s.start && s.start <= now.plus_seconds(kLookAheadSeconds) && (!s.end || s.start < *s.end);
}

std::string span(const Suspension& s) {
  return s.id + ", from " + format_iso(s.start) + (s.end ? " until " + format_iso(*s.end) : std::string()) +
         (s.reason.empty() ? std::string() : ": " + s.reason);
}

// The refusal a suspension in force gives facility `f` (reason code), or "" for a hold.
std::string_view facility_code_of(const Suspension& s, const models::Facility& f, CivilTime now) {
  switch (s.mode) {
    case SuspensionMode::kTerminate: return reason::kFacTerminated;
    case SuspensionMode::kHold: return "";
    case SuspensionMode::kRefuse:
      if (s.scope != SuspensionScope::kDepartment && !s.end && f.type == models::FacilityType::kPharmacy &&
          s.start.plus_seconds(kPharmacySuspensionLimitSeconds) <= now)
        return reason::kFacTerminated;  // §11.10: a pharmacy's open-ended suspension terminates
      return s.scope == SuspensionScope::kDepartment ? reason::kDeptSuspended : reason::kFacSuspended;
  }
  return reason::kFacSuspended;
}

int strength(std::string_view code) {
  if (code == reason::kFacTerminated) return 3;
  if (code == reason::kFacSuspended) return 2;
  return 1;  // hold
}

void warn(Txn& t, std::string_view code, const Suspension& s, std::string_view subject) {
  v1::Warning w;
  w.set_rule_id(code.empty() ? std::string("HOLD") : std::string(code));
  w.set_action("WARN");
  w.set_message(std::string(subject) + " suspension (" + std::string(suspension_mode_name(s.mode)) + ") starts at " +
                format_iso(s.start) + " [" + span(s) + "]");
  t.warnings.push_back(std::move(w));
}

}  // namespace

std::string_view suspension_scope_name(SuspensionScope s) { return name_of(kScopes, s); }
std::optional<SuspensionScope> parse_suspension_scope(std::string_view name) { return parse_of(kScopes, name); }
std::string_view suspension_mode_name(SuspensionMode m) { return name_of(kModes, m); }
std::optional<SuspensionMode> parse_suspension_mode(std::string_view name) { return parse_of(kModes, name); }

std::string_view hold_state_name(HoldState s) {
  switch (s) {
    case HoldState::kHeld: return "held";
    case HoldState::kReleased: return "released";
    case HoldState::kWithheld: return "withheld";
    case HoldState::kCancelled: return "cancelled";
  }
  return "?";
}
std::string_view decision_outcome_name(DecisionOutcome o) {
  return o == DecisionOutcome::kCleared ? "cleared" : "withheld";
}
std::optional<DecisionOutcome> parse_decision_outcome(std::string_view name) {
  if (name == "cleared") return DecisionOutcome::kCleared;
  if (name == "withheld") return DecisionOutcome::kWithheld;
  return std::nullopt;
}

std::string_view suspension_state(const Suspension& s, CivilTime now) {
  if (now < s.start) return "SCHEDULED";
  if (!s.end || now < *s.end) return "IN_FORCE";
  return "ENDED";
}

Status check_facility_suspensions(Txn& t, const models::Facility& f, std::string_view dept_code, bool pre_settle,
                                  std::string* hold_id) {
  const Suspension* worst = nullptr;
  std::string_view worst_code;
  const Suspension* dept = nullptr;
  const std::vector<Suspension> all = t.ledger.suspensions();
  for (const Suspension& s : all) {
    const bool facility_level = (s.scope == SuspensionScope::kFacility && s.fixmedins_code == f.code) ||
                                (s.scope == SuspensionScope::kChain && !f.chain_code.empty() &&
                                 s.chain_code == f.chain_code);
    const bool dept_level = s.scope == SuspensionScope::kDepartment && s.fixmedins_code == f.code &&
                            !dept_code.empty() && s.dept_code == dept_code;
    if (!facility_level && !dept_level) continue;
    if (pre_settle && starts_soon(s, t.now))
      warn(t, facility_code_of(s, f, s.start), s, dept_level ? "department" : "facility");
    if (!in_force(s, t.now)) continue;
    if (dept_level) {
      if (!dept) dept = &s;
      continue;
    }
    const std::string_view code = facility_code_of(s, f, t.now);
    if (!worst || strength(code) > strength(worst_code)) {
      worst = &s;
      worst_code = code;
    }
  }
  if (worst && !worst_code.empty())
    return Status::Refuse(worst_code,
                          "facility " + f.code +
                              (worst_code == reason::kFacTerminated ? "'s agreement is terminated ("
                                                                    : " is suspended (") +
                              std::string(suspension_scope_name(worst->scope)) + " suspension " + span(*worst) + ")",
                          "header.fixmedins_code");
  if (dept)
    return Status::Refuse(reason::kDeptSuspended,
                          "department " + std::string(dept_code) + " of " + f.code + " is suspended (" + span(*dept) + ")",
                          "dept_code");
  if (worst && hold_id) *hold_id = worst->id;
  return Status::Ok();
}

Status check_person_suspension(Txn& t, std::string_view psn_no, bool pre_settle) {
  for (const Suspension& s : t.ledger.suspensions()) {
    if (s.scope != SuspensionScope::kPerson || s.psn_no != psn_no) continue;
    if (pre_settle && starts_soon(s, t.now)) warn(t, reason::kPsnSuspended, s, "person");
    if (in_force(s, t.now))
      return Status::Refuse(reason::kPsnSuspended,
                            "person " + std::string(psn_no) + "'s networked settlement is suspended (" + span(s) +
                                "): the person pays in full",
                            "psn_no");
  }
  return Status::Ok();
}

bool person_suspended(Txn& t, std::string_view psn_no) {
  for (const Suspension& s : t.ledger.suspensions())
    if (s.scope == SuspensionScope::kPerson && s.psn_no == psn_no && in_force(s, t.now)) return true;
  return false;
}

Status hold_settlement(Txn& t, const std::string& hold_id, const std::string& code, const std::string& setl_id,
                       Fen owed) {
  HeldAmount h;
  h.setl_id = setl_id;
  h.fixmedins_code = code;
  h.suspension_id = hold_id;
  h.amount = owed;
  h.held_at = t.now;
  YB_RETURN_IF_ERROR(t.ledger.put_held(h));
  v1::Warning w;
  w.set_rule_id("HOLD");
  w.set_action("FLAG");
  w.set_message("facility " + code + " is under investigation (suspension " + hold_id + "): " + format_yuan(owed) +
                " owed to it for this settlement is held until a decision");
  t.warnings.push_back(std::move(w));
  return Status::Ok();
}

Status unhold_undone(Txn& t, const std::string& setl_id) {
  auto h = t.ledger.get_held(setl_id);
  if (!h || h->state != HoldState::kHeld) return Status::Ok();
  h->state = HoldState::kCancelled;
  return t.ledger.put_held(*h);
}

Status rehold_reapplied(Txn& t, const std::string& orig, const std::string& again) {
  auto h = t.ledger.get_held(orig);
  if (!h || h->state != HoldState::kCancelled) return Status::Ok();
  h->setl_id = again;
  h->state = HoldState::kHeld;
  h->held_at = t.now;
  return t.ledger.put_held(*h);
}

}  // namespace yibao::core
