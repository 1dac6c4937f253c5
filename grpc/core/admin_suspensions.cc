// AdminService, part 3: suspensions, held amounts and decision records (DOMAIN.md §6,
// §11.10–13; admin.proto documents each call). The checks themselves are in suspensions.h.
#include <map>

#include "grpc/core/admin_service.h"
#include "grpc/core/suspensions.h"

namespace yibao::core {
namespace {

using Steady = std::chrono::steady_clock;

Status bad(std::string message, std::string field) {
  return Status::Refuse(reason::kBadRequest, std::move(message), std::move(field));
}
Status not_in_first_version(std::string what, std::string field) {
  return Status::Refuse(reason::kUnsupported, std::move(what) + " is not in the first version of the core",
                        std::move(field));
}

void to_proto(const Suspension& s, const Result<CivilTime>& now, v1::Suspension* out) {
  out->set_suspension_id(s.id);
  out->set_scope(std::string(suspension_scope_name(s.scope)));
  out->set_mode(std::string(suspension_mode_name(s.mode)));
  out->set_fixmedins_code(s.fixmedins_code);
  out->set_dept_code(s.dept_code);
  out->set_chain_code(s.chain_code);
  out->set_psn_no(s.psn_no);
  out->set_reason(s.reason);
  out->set_source(s.source);
  out->set_start(format_iso(s.start));
  if (s.end) out->set_end(format_iso(*s.end));
  if (now.ok()) out->set_state(std::string(suspension_state(s, *now)));
  out->set_created_at(format_iso(s.created_at));
  if (s.lifted_at) out->set_lifted_at(format_iso(*s.lifted_at));
}

void to_proto(const Decision& d, v1::Decision* out) {
  out->set_decision_id(d.id);
  out->set_fixmedins_code(d.fixmedins_code);
  out->set_suspension_id(d.suspension_id);
  out->set_outcome(std::string(decision_outcome_name(d.outcome)));
  out->set_note(d.note);
  out->set_amount(d.amount.v);
  out->set_settlements(d.settlements);
  out->set_decided_at(format_iso(d.decided_at));
}

// The subject and mode of a Suspend request, checked against its scope.
Status check_subject(const v1::SuspendRequest& r, SuspensionScope scope, SuspensionMode mode) {
  switch (scope) {
    case SuspensionScope::kFacility:
      if (r.fixmedins_code().empty()) return bad("a facility suspension needs fixmedins_code", "fixmedins_code");
      return Status::Ok();
    case SuspensionScope::kDepartment:
      if (r.fixmedins_code().empty() || r.dept_code().empty())
        return bad("a department suspension needs fixmedins_code and dept_code", "dept_code");
      if (mode != SuspensionMode::kRefuse) return bad("a department suspension's mode is refuse", "mode");
      return Status::Ok();
    case SuspensionScope::kChain:
      if (r.chain_code().empty()) return bad("a chain suspension needs chain_code", "chain_code");
      if (mode == SuspensionMode::kHold)
        return bad("hold (under investigation) is a facility suspension; suspend each facility", "mode");
      return Status::Ok();
    case SuspensionScope::kPerson:
      if (r.psn_no().empty()) return bad("a person suspension needs psn_no", "psn_no");
      if (mode != SuspensionMode::kRefuse) return bad("a person suspension's mode is refuse", "mode");
      return Status::Ok();
  }
  return bad("unknown scope", "scope");
}

}  // namespace

grpc::ServerUnaryReactor* AdminService::Suspend(grpc::CallbackServerContext* ctx, const v1::SuspendRequest* req,
                                                v1::SuspensionReply* rep) {
  return on_writer(ctx, *req, "Suspend", [this, req, rep](Ledger& l) -> Status {
    if (req->scope() == "scheme") return not_in_first_version("the scheme scope", "scope");
    if (req->other_regions()) return not_in_first_version("a cascade to other pooling regions", "other_regions");
    const auto scope = parse_suspension_scope(req->scope());
    if (!scope) return bad("scope must be facility, department, chain or person", "scope");
    const auto mode = req->mode().empty() ? std::optional(SuspensionMode::kRefuse) : parse_suspension_mode(req->mode());
    if (!mode) return bad("mode must be refuse, terminate or hold", "mode");
    YB_RETURN_IF_ERROR(check_subject(*req, *scope, *mode));
    if (!req->source().empty() && req->source() != "county" && req->source() != "city" && req->source() != "province")
      return bad("source must be county, city or province", "source");
    const auto start = parse_civil(req->start());
    if (!start) return bad("start must be a civil time yyyy-MM-ddTHH:mm:ss", "start");
    std::optional<CivilTime> end;
    if (!req->end().empty()) {
      end = parse_civil(req->end());
      if (!end) return bad("end must be a civil time yyyy-MM-ddTHH:mm:ss", "end");
      if (!(*start < *end)) return bad("end must be after start", "end");
    }
    if ((*scope == SuspensionScope::kFacility || *scope == SuspensionScope::kDepartment) &&
        !state_.facility(l, req->fixmedins_code()))
      return Status::Refuse(reason::kUnknownRef, "facility " + req->fixmedins_code() + " is not designated",
                            "fixmedins_code");
    if (*scope == SuspensionScope::kPerson && !state_.person(l, req->psn_no()))
      return Status::Refuse(reason::kPsnNotFound, "person " + req->psn_no() + " is not known", "psn_no");
    YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
    if (*start < now)
      return Status(Code::kFailedPrecondition, reason::kState,
                    "no back-dating: start " + format_iso(*start) + " is before the core's time " + format_iso(now),
                    "start");
    Suspension s;
    YB_ASSIGN_OR_RETURN(const int64_t seq, l.next_sequence("suspension"));
    s.id = "S" + std::to_string(seq);
    s.scope = *scope;
    s.mode = *mode;
    if (*scope == SuspensionScope::kFacility || *scope == SuspensionScope::kDepartment)
      s.fixmedins_code = req->fixmedins_code();
    if (*scope == SuspensionScope::kDepartment) s.dept_code = req->dept_code();
    if (*scope == SuspensionScope::kChain) s.chain_code = req->chain_code();
    if (*scope == SuspensionScope::kPerson) s.psn_no = req->psn_no();
    s.reason = req->reason();
    s.source = req->source().empty() ? "county" : req->source();
    s.start = *start;
    s.end = end;
    s.created_at = now;
    YB_RETURN_IF_ERROR(l.put_suspension(s));
    to_proto(s, now, rep->mutable_suspension());
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* AdminService::LiftSuspension(grpc::CallbackServerContext* ctx,
                                                       const v1::LiftSuspensionRequest* req,
                                                       v1::SuspensionReply* rep) {
  return on_writer(ctx, *req, "LiftSuspension", [this, req, rep](Ledger& l) -> Status {
    YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
    for (Suspension s : l.suspensions()) {
      if (s.id != req->suspension_id()) continue;
      const std::string_view st = suspension_state(s, now);
      if (st == "SCHEDULED") {
        s.end = s.start;  // cancelled before it began
        s.lifted_at = now;
      } else if (st == "IN_FORCE") {
        s.end = now;
        s.lifted_at = now;
      }  // ENDED: unchanged, a retry is harmless
      YB_RETURN_IF_ERROR(l.put_suspension(s));
      to_proto(s, now, rep->mutable_suspension());
      return Status::Ok();
    }
    return Status::Refuse(reason::kUnknownRef, "no suspension " + req->suspension_id(), "suspension_id");
  });
}

grpc::ServerUnaryReactor* AdminService::ListSuspensions(grpc::CallbackServerContext* ctx,
                                                        const v1::ListSuspensionsRequest* req,
                                                        v1::ListSuspensionsReply* rep) {
  return on_writer(ctx, *req, "ListSuspensions", [this, req, rep](Ledger& l) -> Status {
    std::optional<SuspensionScope> scope;
    if (!req->scope().empty()) {
      scope = parse_suspension_scope(req->scope());
      if (!scope) return bad("scope must be facility, department, chain or person", "scope");
    }
    const Result<CivilTime> now = state_.clock().now();
    if (now.ok()) rep->set_now(format_iso(*now));
    for (const Suspension& s : l.suspensions())
      if (!scope || s.scope == *scope) to_proto(s, now, rep->add_suspensions());
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* AdminService::ListHeldAmounts(grpc::CallbackServerContext* ctx,
                                                        const v1::ListHeldAmountsRequest* req,
                                                        v1::ListHeldAmountsReply* rep) {
  return on_writer(ctx, *req, "ListHeldAmounts", [req, rep](Ledger& l) -> Status {
    const std::string& only = req->fixmedins_code();
    std::map<std::string, v1::HeldTotals> rows;
    for (const HeldAmount& h : l.held_amounts()) {
      if (!only.empty() && h.fixmedins_code != only) continue;
      v1::HeldTotals& row = rows[h.fixmedins_code];
      row.set_fixmedins_code(h.fixmedins_code);
      switch (h.state) {
        case HoldState::kHeld:
          row.set_held(row.held() + h.amount.v);
          row.set_held_settlements(row.held_settlements() + 1);
          break;
        case HoldState::kReleased: row.set_released(row.released() + h.amount.v); break;
        case HoldState::kWithheld: row.set_withheld(row.withheld() + h.amount.v); break;
        case HoldState::kCancelled: break;
      }
    }
    for (auto& [code, row] : rows) *rep->add_facilities() = std::move(row);
    for (const Decision& d : l.decisions())
      if (only.empty() || d.fixmedins_code == only) to_proto(d, rep->add_decisions());
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* AdminService::Decide(grpc::CallbackServerContext* ctx, const v1::DecideRequest* req,
                                               v1::DecisionReply* rep) {
  return on_writer(ctx, *req, "Decide", [this, req, rep](Ledger& l) -> Status {
    const auto outcome = parse_decision_outcome(req->outcome());
    if (!outcome) return bad("outcome must be cleared or withheld", "outcome");
    std::optional<Suspension> susp;
    for (const Suspension& s : l.suspensions())
      if (s.id == req->suspension_id()) susp = s;
    if (!susp) return Status::Refuse(reason::kUnknownRef, "no suspension " + req->suspension_id(), "suspension_id");
    // A hold's decision moves held money; on a refusing suspension it moves none and may be named
    // by a back-fill whose care time the suspension covers (backfill.h, §11.13).
    if (susp->fixmedins_code != req->fixmedins_code())
      return bad("suspension " + susp->id + " is not one of facility '" + req->fixmedins_code() + "'" +
                     (susp->fixmedins_code.empty() ? " (leave fixmedins_code empty for a chain or person)" : ""),
                 "suspension_id");
    YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
    Decision d;
    YB_ASSIGN_OR_RETURN(const int64_t seq, l.next_sequence("decision"));
    d.id = "D" + std::to_string(seq);
    d.fixmedins_code = susp->fixmedins_code;
    d.suspension_id = susp->id;
    d.outcome = *outcome;
    d.note = req->note();
    d.decided_at = now;
    for (HeldAmount h : l.held_amounts()) {
      if (susp->mode != SuspensionMode::kHold) break;
      if (h.suspension_id != susp->id || h.fixmedins_code != susp->fixmedins_code || h.state != HoldState::kHeld)
        continue;
      h.state = *outcome == DecisionOutcome::kCleared ? HoldState::kReleased : HoldState::kWithheld;
      h.decision_id = d.id;
      YB_RETURN_IF_ERROR(l.put_held(h));
      d.amount += h.amount;
      ++d.settlements;
    }
    YB_RETURN_IF_ERROR(l.put_decision(d));
    to_proto(d, rep->mutable_decision());
    return Status::Ok();
  });
}

}  // namespace yibao::core
