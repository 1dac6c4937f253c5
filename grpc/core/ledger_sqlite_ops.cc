// LedgerSqlite, part 4: core operations (DOMAIN.md §6, §7, §11.10–15) — switchover windows; the
// place for suspensions, decisions and holds next. See ledger_sqlite_impl.h.
#include "grpc/core/ledger_sqlite_impl.h"

namespace yibao::core::ledger_detail {
namespace {

using sqlite::select_sql;
using sqlite::upsert_sql;

constexpr const char* kWindowCols[] = {"id", "scope", "start", "end", "note", "opened_at", "closed_at"};

}  // namespace

void LedgerSqlite::ops_sql(SqlTable& sql) {
  sql[kPutWindow] = upsert_sql("switchover_window", kWindowCols, 1);
  sql[kWindows] = select_sql("switchover_window", kWindowCols, "ORDER BY rowid");
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

}  // namespace yibao::core::ledger_detail
