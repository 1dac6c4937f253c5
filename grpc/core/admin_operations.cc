// AdminService, part 2: core operations — the clock, switchover windows, premium collection and
// fault injection (admin.proto documents each call). See admin_service.h.
#include <algorithm>

#include "grpc/convert/status.h"
#include "grpc/core/admin_service.h"
#include "grpc/core/validate.h"

namespace yibao::core {
namespace {

using Steady = std::chrono::steady_clock;

Status bad(std::string message, std::string field) {
  return Status::Refuse(reason::kBadRequest, std::move(message), std::move(field));
}

void fill_clock(const Clock& c, v1::ClockReply* rep) {
  rep->set_mode(std::string(clock_mode_name(c.mode())));
  const Result<CivilTime> now = c.now();
  rep->set_set(now.ok());
  if (now.ok()) rep->set_now(format_iso(*now));
}

void to_proto(const SwitchoverWindow& w, const Result<CivilTime>& now, v1::SwitchoverWindow* out) {
  out->set_window_id(w.id);
  out->set_scope(std::string(window_scope_name(w.scope)));
  out->set_start(format_iso(w.start));
  out->set_end(format_iso(w.end));
  if (now.ok()) {
    switch (window_state(w, *now)) {
      case WindowState::kScheduled: out->set_state("SCHEDULED"); break;
      case WindowState::kInForce: out->set_state("IN_FORCE"); break;
      case WindowState::kEnded: out->set_state("ENDED"); break;
    }
  }
  out->set_note(w.note);
  out->set_opened_at(format_iso(w.opened_at));
  if (w.closed_at) out->set_closed_at(format_iso(*w.closed_at));
}

void list_faults(Faults& faults, v1::FaultsReply* rep) {
  for (const Fault& f : faults.list()) {
    auto* a = rep->add_faults();
    a->set_kind(f.kind);
    a->set_latency_ms(f.latency_ms);
    a->set_action(static_cast<v1::InjectFaultRequest::Action>(f.action));
    if (f.action == Fault::Action::kRefuse) {
      a->set_refuse_code(static_cast<int32_t>(f.refusal.code()));
      a->set_refuse_reason(std::string(f.refusal.reason()));
    }
    a->set_remaining(f.remaining);
    a->set_fired(f.fired);
  }
}

}  // namespace

// ---- Clock ----

grpc::ServerUnaryReactor* AdminService::SetClock(grpc::CallbackServerContext* ctx, const v1::SetClockRequest* req,
                                                 v1::ClockReply* rep) {
  const std::optional<CivilTime> t = parse_civil(req->time());
  return on_writer(
      ctx, *req, "SetClock",
      [this, t, rep](Ledger& l) -> Status {
        if (!t) return bad("time must be a civil time yyyy-MM-ddTHH:mm:ss", "time");
        YB_RETURN_IF_ERROR(state_.clock().check_set(*t));
        // The ledger's last time is the authority (an earlier SetClock of this batch, or a
        // previous run of the core).
        if (const auto stored = l.get_meta(kClockLastKey); stored && t->s < std::stoll(*stored))
          return Status(Code::kFailedPrecondition, reason::kState,
                        "the admin clock never goes backwards: the ledger has seen " +
                            format_iso(CivilTime{std::stoll(*stored)}) + ", asked for " + format_iso(*t),
                        "time");
        YB_RETURN_IF_ERROR(l.put_meta(kClockLastKey, std::to_string(t->s)));
        rep->set_mode("admin");
        rep->set_now(format_iso(*t));
        rep->set_set(true);
        return Status::Ok();
      },
      [this, t] { state_.clock().set(*t); });
}

grpc::ServerUnaryReactor* AdminService::GetClock(grpc::CallbackServerContext* ctx, const v1::GetClockRequest*,
                                                 v1::ClockReply* rep) {
  const auto t0 = Steady::now();
  Status st = authorize(ctx);
  if (st.ok()) fill_clock(state_.clock(), rep);
  return finish_now(ctx, st, "GetClock", t0);
}

// ---- Switchover windows ----

grpc::ServerUnaryReactor* AdminService::OpenWindow(grpc::CallbackServerContext* ctx,
                                                   const v1::OpenWindowRequest* req, v1::WindowReply* rep) {
  auto w = std::make_shared<SwitchoverWindow>();
  return on_writer(
      ctx, *req, "OpenWindow",
      [this, req, rep, w](Ledger& l) -> Status {
        const auto scope = parse_window_scope(req->scope());
        if (!scope) return bad("scope must be card_settlement, insurance_business or premium_channels", "scope");
        const auto start = parse_civil(req->start());
        if (!start) return bad("start must be a civil time yyyy-MM-ddTHH:mm:ss", "start");
        const auto end = parse_civil(req->end());
        if (!end) return bad("end must be a civil time yyyy-MM-ddTHH:mm:ss", "end");
        if (!(*start < *end)) return bad("end must be after start", "end");
        YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
        if (!(now < *end))
          return Status(Code::kFailedPrecondition, reason::kState,
                        "the window ends at " + format_iso(*end) + ", not after the core's time " + format_iso(now),
                        "end");
        YB_ASSIGN_OR_RETURN(const int64_t seq, l.next_sequence("window"));
        w->id = "W" + std::to_string(seq);
        w->scope = *scope;
        w->start = *start;
        w->end = *end;
        w->note = req->note();
        w->opened_at = now;
        YB_RETURN_IF_ERROR(l.put_window(*w));
        to_proto(*w, now, rep->mutable_window());
        return Status::Ok();
      },
      [this, w] { state_.windows().put(*w); });
}

grpc::ServerUnaryReactor* AdminService::CloseWindow(grpc::CallbackServerContext* ctx,
                                                    const v1::CloseWindowRequest* req, v1::WindowReply* rep) {
  auto w = std::make_shared<SwitchoverWindow>();
  return on_writer(
      ctx, *req, "CloseWindow",
      [this, req, rep, w](Ledger& l) -> Status {
        YB_ASSIGN_OR_RETURN(const CivilTime now, state_.clock().now());
        const std::vector<SwitchoverWindow> all = l.windows();
        const auto it = std::find_if(all.begin(), all.end(), [&](const auto& x) { return x.id == req->window_id(); });
        if (it == all.end())
          return Status::Refuse(reason::kUnknownRef, "no window " + req->window_id(), "window_id");
        *w = *it;
        switch (window_state(*w, now)) {
          case WindowState::kEnded: break;  // unchanged: a retry is harmless
          case WindowState::kScheduled:
            w->end = w->start;  // cancelled before it began
            w->closed_at = now;
            break;
          case WindowState::kInForce:
            w->end = now;
            w->closed_at = now;
            break;
        }
        YB_RETURN_IF_ERROR(l.put_window(*w));
        to_proto(*w, now, rep->mutable_window());
        return Status::Ok();
      },
      [this, w] { state_.windows().put(*w); });
}

grpc::ServerUnaryReactor* AdminService::ListWindows(grpc::CallbackServerContext* ctx,
                                                    const v1::ListWindowsRequest* req, v1::ListWindowsReply* rep) {
  const auto t0 = Steady::now();
  Status st = authorize(ctx);
  std::optional<WindowScope> scope;
  if (st.ok() && !req->scope().empty()) {
    scope = parse_window_scope(req->scope());
    if (!scope) st = bad("scope must be card_settlement, insurance_business or premium_channels", "scope");
  }
  if (st.ok()) {
    const Result<CivilTime> now = state_.clock().now();
    if (now.ok()) rep->set_now(format_iso(*now));
    for (const SwitchoverWindow& w : state_.windows().all())
      if (!scope || w.scope == *scope) to_proto(w, now, rep->add_windows());
  }
  return finish_now(ctx, st, "ListWindows", t0);
}

// ---- Premium collection ----

grpc::ServerUnaryReactor* AdminService::CollectPremium(grpc::CallbackServerContext* ctx,
                                                       const v1::CollectPremiumRequest* req,
                                                       v1::CollectPremiumReply* rep) {
  return on_writer(ctx, *req, "CollectPremium", [this, req, rep](Ledger& l) -> Status {
    if (req->amount() <= 0) return bad("amount must be > 0 fen", "amount");
    const auto through = parse_date(req->paid_through());
    if (!through) return bad("paid_through must be a date yyyy-MM-dd", "paid_through");
    auto p = state_.person(l, req->psn_no());
    if (!p) return Status::Refuse(reason::kPsnNotFound, "person " + req->psn_no() + " is not known", "psn_no");
    if (p->insutype != models::Insutype::kResident)
      return Status::Refuse(reason::kState, "only residents pay premiums through this channel", "psn_no");
    if (p->enrolment == models::Enrolment::kStopped)
      return Status::Refuse(reason::kState, "the person's enrolment is stopped", "psn_no");
    if (!(p->paid_through < *through))
      return Status::Refuse(reason::kState,
                            "premium already paid through " + format_date(p->paid_through) + " (not before " +
                                format_date(*through) + ")",
                            "paid_through");
    p->paid_through = *through;
    p->enrolment = models::Enrolment::kEnrolled;
    YB_RETURN_IF_ERROR(l.put_person(*p));
    YB_RETURN_IF_ERROR(l.add_fund("POOL", "premiums", Fen{req->amount()}));
    rep->set_psn_no(p->psn_no);
    rep->set_paid_through(format_date(p->paid_through));
    rep->set_covered_through(format_date(state_.windows().premium_covered_through(p->paid_through)));
    for (const FundTotals& f : l.funds())
      if (f.fund == "POOL") rep->set_pool_premiums(f.premiums.v);
    return Status::Ok();
  });
}

// ---- Fault injection ----

grpc::ServerUnaryReactor* AdminService::InjectFault(grpc::CallbackServerContext* ctx,
                                                    const v1::InjectFaultRequest* req, v1::FaultsReply* rep) {
  const auto t0 = Steady::now();
  Status st = authorize(ctx);
  if (st.ok()) st = validate_request(*req, nullptr, "", kAdminBounds);
  Fault f;
  if (st.ok()) {
    f.kind = req->kind();
    f.latency_ms = req->latency_ms();
    f.action = static_cast<Fault::Action>(req->action());
    f.remaining = req->count();
    if (f.kind.empty() || f.kind.size() > 40) st = bad("kind must be a transaction code or RPC name (1..40)", "kind");
    else if (f.latency_ms > 60000) st = bad("latency_ms must be 0..60000", "latency_ms");
    else if (!v1::InjectFaultRequest::Action_IsValid(req->action())) st = bad("unknown action", "action");
    else if (f.action == Fault::Action::kRefuse && (req->refuse_code() < 1 || req->refuse_code() > 16))
      st = bad("REFUSE needs refuse_code 1..16 (a gRPC status code)", "refuse_code");
  }
  if (st.ok() && f.action == Fault::Action::kRefuse)
    f.refusal = Status(static_cast<Code>(req->refuse_code()), req->refuse_reason(),
                       req->refuse_message().empty() ? "injected fault" : req->refuse_message());
  if (st.ok()) st = state_.faults().inject(std::move(f));
  if (st.ok()) list_faults(state_.faults(), rep);
  return finish_now(ctx, st, "InjectFault", t0);
}

grpc::ServerUnaryReactor* AdminService::ClearFaults(grpc::CallbackServerContext* ctx,
                                                    const v1::ClearFaultsRequest* req, v1::FaultsReply* rep) {
  const auto t0 = Steady::now();
  Status st = authorize(ctx);
  if (st.ok()) {
    rep->set_cleared(state_.faults().clear(req->kind()));
    list_faults(state_.faults(), rep);
  }
  return finish_now(ctx, st, "ClearFaults", t0);
}

}  // namespace yibao::core
