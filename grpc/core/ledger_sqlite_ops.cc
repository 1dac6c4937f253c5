// LedgerSqlite, part 4: core operations (DOMAIN.md §6, §7, §11.10–15) — switchover windows,
// suspensions, held amounts and decision records. See ledger_sqlite_impl.h.
#include "grpc/core/ledger_sqlite_impl.h"

namespace yibao::core::ledger_detail {
namespace {

using sqlite::select_sql;
using sqlite::upsert_sql;

constexpr const char* kWindowCols[] = {"id", "scope", "start", "end", "note", "opened_at", "closed_at"};
constexpr const char* kSuspensionCols[] = {"id",     "scope",  "mode",  "fixmedins_code", "dept_code",
                                           "chain_code", "psn_no", "reason", "source", "start",
                                           "end",    "created_at", "lifted_at"};
constexpr const char* kHeldCols[] = {"setl_id", "fixmedins_code", "suspension_id", "amount",
                                     "state",   "decision_id",    "held_at"};
constexpr const char* kDecisionCols[] = {"id",   "fixmedins_code", "suspension_id", "outcome",
                                         "note", "amount",         "settlements",   "decided_at"};

std::optional<int64_t> opt_s(const std::optional<CivilTime>& t) {
  return t ? std::optional<int64_t>(t->s) : std::nullopt;
}
std::optional<CivilTime> opt_t(std::optional<int64_t> s) {
  return s ? std::optional<CivilTime>(CivilTime{*s}) : std::nullopt;
}

HeldAmount read_held(sqlite::Query& q) {
  HeldAmount h;
  h.setl_id = q.col_text();
  h.fixmedins_code = q.col_text();
  h.suspension_id = q.col_text();
  h.amount = Fen{q.col_i64()};
  h.state = static_cast<HoldState>(q.col_i64());
  h.decision_id = q.col_text();
  h.held_at = CivilTime{q.col_i64()};
  return h;
}

}  // namespace

void LedgerSqlite::ops_sql(SqlTable& sql) {
  sql[kPutWindow] = upsert_sql("switchover_window", kWindowCols, 1);
  sql[kWindows] = select_sql("switchover_window", kWindowCols, "ORDER BY rowid");
  sql[kPutSuspension] = upsert_sql("suspension", kSuspensionCols, 1);
  sql[kSuspensions] = select_sql("suspension", kSuspensionCols, "ORDER BY rowid");
  sql[kPutHeld] = upsert_sql("held_amount", kHeldCols, 1);
  sql[kGetHeld] = select_sql("held_amount", kHeldCols, "WHERE setl_id = ?1");
  sql[kHeldAmounts] = select_sql("held_amount", kHeldCols, "ORDER BY rowid");
  sql[kPutDecision] = upsert_sql("decision", kDecisionCols, 1);
  sql[kDecisions] = select_sql("decision", kDecisionCols, "ORDER BY rowid");
}

Status LedgerSqlite::put_window(const SwitchoverWindow& w) {
  auto q = query(kPutWindow);
  q.text(w.id).i64(static_cast<int64_t>(w.scope)).i64(w.start.s).i64(w.end.s).text(w.note).i64(w.opened_at.s);
  q.opt_i64(w.closed_at ? std::optional<int64_t>(w.closed_at->s) : std::nullopt);
  return write(q, "put_window");
}

std::vector<SwitchoverWindow> LedgerSqlite::windows() {
  std::vector<SwitchoverWindow> out;
  auto q = query(kWindows);
  while (next_row(q, "windows")) {
    SwitchoverWindow& w = out.emplace_back();
    w.id = q.col_text();
    w.scope = static_cast<WindowScope>(q.col_i64());
    w.start = CivilTime{q.col_i64()};
    w.end = CivilTime{q.col_i64()};
    w.note = q.col_text();
    w.opened_at = CivilTime{q.col_i64()};
    if (auto c = q.col_opt_i64()) w.closed_at = CivilTime{*c};
  }
  return out;
}

Status LedgerSqlite::put_suspension(const Suspension& s) {
  auto q = query(kPutSuspension);
  q.text(s.id).i64(static_cast<int64_t>(s.scope)).i64(static_cast<int64_t>(s.mode)).text(s.fixmedins_code);
  q.text(s.dept_code).text(s.chain_code).text(s.psn_no).text(s.reason).text(s.source).i64(s.start.s);
  q.opt_i64(opt_s(s.end)).i64(s.created_at.s).opt_i64(opt_s(s.lifted_at));
  return write(q, "put_suspension");
}

std::vector<Suspension> LedgerSqlite::suspensions() {
  std::vector<Suspension> out;
  auto q = query(kSuspensions);
  while (next_row(q, "suspensions")) {
    Suspension& s = out.emplace_back();
    s.id = q.col_text();
    s.scope = static_cast<SuspensionScope>(q.col_i64());
    s.mode = static_cast<SuspensionMode>(q.col_i64());
    s.fixmedins_code = q.col_text();
    s.dept_code = q.col_text();
    s.chain_code = q.col_text();
    s.psn_no = q.col_text();
    s.reason = q.col_text();
    s.source = q.col_text();
    s.start = CivilTime{q.col_i64()};
    s.end = opt_t(q.col_opt_i64());
    s.created_at = CivilTime{q.col_i64()};
    s.lifted_at = opt_t(q.col_opt_i64());
  }
  return out;
}

Status LedgerSqlite::put_held(const HeldAmount& h) {
  auto q = query(kPutHeld);
  q.text(h.setl_id).text(h.fixmedins_code).text(h.suspension_id).i64(h.amount.v);
  q.i64(static_cast<int64_t>(h.state)).text(h.decision_id).i64(h.held_at.s);
  return write(q, "put_held");
}

std::optional<HeldAmount> LedgerSqlite::get_held(std::string_view setl_id) {
  auto q = query(kGetHeld);
  q.text(setl_id);
  if (!fetch_row(q, "get_held")) return std::nullopt;
  return read_held(q);
}

std::vector<HeldAmount> LedgerSqlite::held_amounts() {
  std::vector<HeldAmount> out;
  auto q = query(kHeldAmounts);
  while (next_row(q, "held_amounts")) out.push_back(read_held(q));
  return out;
}

Status LedgerSqlite::put_decision(const Decision& d) {
  auto q = query(kPutDecision);
  q.text(d.id).text(d.fixmedins_code).text(d.suspension_id).i64(static_cast<int64_t>(d.outcome)).text(d.note);
  q.i64(d.amount.v).i64(d.settlements).i64(d.decided_at.s);
  return write(q, "put_decision");
}

std::vector<Decision> LedgerSqlite::decisions() {
  std::vector<Decision> out;
  auto q = query(kDecisions);
  while (next_row(q, "decisions")) {
    Decision& d = out.emplace_back();
    d.id = q.col_text();
    d.fixmedins_code = q.col_text();
    d.suspension_id = q.col_text();
    d.outcome = static_cast<DecisionOutcome>(q.col_i64());
    d.note = q.col_text();
    d.amount = Fen{q.col_i64()};
    d.settlements = q.col_i64();
    d.decided_at = CivilTime{q.col_i64()};
  }
  return out;
}

}  // namespace yibao::core::ledger_detail
