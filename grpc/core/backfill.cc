#include "grpc/core/backfill.h"

#include "grpc/core/suspensions.h"

namespace yibao::core {
namespace {

constexpr std::string_view kDecisionKey = "backfill_decision/";

bool covers(const Suspension& s, CivilTime at) { return s.start <= at && (!s.end || at < *s.end); }

std::optional<Decision> find_decision(Txn& t, std::string_view id) {
  for (const Decision& d : t.ledger.decisions())
    if (d.id == id) return d;
  return std::nullopt;
}

}  // namespace

Status check_backfill_flag(int32_t flag) {
  if (flag != 0 && flag != 1) return Status::Refuse(reason::kBadRequest, "backfill_flag is 0 or 1", "backfill_flag");
  return Status::Ok();
}

Status check_backfill_care_time(Txn& t, CivilTime care, const char* field) {
  if (t.now < care)
    return Status::Refuse(reason::kBadRequest,
                          "a back-fill's care time " + format_iso(care) + " is after the core's time " +
                              format_iso(t.now),
                          field);
  const int32_t days = t.state.backfill_max_age_days();
  if (care < t.now.plus_seconds(-static_cast<int64_t>(days) * 86400))
    return Status::Refuse(reason::kState,
                          "care time " + format_iso(care) + " is more than " + std::to_string(days) +
                              " days before entry (" + format_iso(t.now) + "): too old to back-fill",
                          field);
  return Status::Ok();
}

Status check_cleared_decision(Txn& t, std::string_view decision_id) {
  if (decision_id.empty()) return Status::Ok();
  const auto d = find_decision(t, decision_id);
  if (!d)
    return Status::Refuse(reason::kUnknownRef, "no decision record " + std::string(decision_id), "cleared_decision_id");
  if (d->outcome != DecisionOutcome::kCleared)
    return Status::Refuse(reason::kState, "decision " + d->id + " is not a cleared one", "cleared_decision_id");
  return Status::Ok();
}

Status check_suspensions_at_care_time(Txn& t, const models::Facility& f, std::string_view dept_code,
                                      std::string_view psn_no, CivilTime care, std::string_view decision_id) {
  YB_RETURN_IF_ERROR(check_cleared_decision(t, decision_id));
  std::string cleared_suspension;
  if (!decision_id.empty()) cleared_suspension = find_decision(t, decision_id)->suspension_id;
  for (const Suspension& s : t.ledger.suspensions()) {
    if (s.mode == SuspensionMode::kHold || !covers(s, care) || s.id == cleared_suspension) continue;
    std::string_view code;
    const char* field = "header.fixmedins_code";
    std::string subject;
    switch (s.scope) {
      case SuspensionScope::kFacility:
        if (s.fixmedins_code != f.code) continue;
        subject = "facility " + f.code;
        break;
      case SuspensionScope::kChain:
        if (f.chain_code.empty() || s.chain_code != f.chain_code) continue;
        subject = "facility " + f.code + " (chain " + f.chain_code + ")";
        break;
      case SuspensionScope::kDepartment:
        if (s.fixmedins_code != f.code || dept_code.empty() || s.dept_code != dept_code) continue;
        code = reason::kDeptSuspended;
        field = "dept_code";
        subject = "department " + std::string(dept_code) + " of " + f.code;
        break;
      case SuspensionScope::kPerson:
        if (s.psn_no != psn_no) continue;
        code = reason::kPsnSuspended;
        field = "psn_no";
        subject = "person " + std::string(psn_no);
        break;
    }
    if (code.empty()) code = s.mode == SuspensionMode::kTerminate ? reason::kFacTerminated : reason::kFacSuspended;
    return Status::Refuse(code,
                          "back-fill: at the care time " + format_iso(care) + " " + subject + " was suspended (" +
                              std::string(suspension_scope_name(s.scope)) + " suspension " + s.id + ", from " +
                              format_iso(s.start) + (s.end ? " until " + format_iso(*s.end) : std::string()) +
                              "); name a cleared decision on it (cleared_decision_id) to back-fill",
                          field);
  }
  return Status::Ok();
}

Status remember_decision(Txn& t, const std::string& mdtrt_id, const std::string& decision_id) {
  if (decision_id.empty()) return Status::Ok();
  return t.ledger.put_meta(std::string(kDecisionKey) + mdtrt_id, decision_id);
}

std::string remembered_decision(Txn& t, const std::string& mdtrt_id) {
  return t.ledger.get_meta(std::string(kDecisionKey) + mdtrt_id).value_or("");
}

Status check_backfilled_settlement(Txn& t, const Visit& v, const models::Facility& f, std::string_view dept_code,
                                   CivilTime care) {
  if (v.backfill_flag != 1) return Status::Ok();
  YB_RETURN_IF_ERROR(check_backfill_care_time(t, care, v.kind == VisitKind::kInpatient ? "endtime" : "begntime"));
  return check_suspensions_at_care_time(t, f, dept_code, v.psn_no, care, remembered_decision(t, v.mdtrt_id));
}

}  // namespace yibao::core
