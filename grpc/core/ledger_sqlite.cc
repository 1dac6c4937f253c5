// LedgerSqlite, part 1: open and close, transactions, meta and sequences. See ledger_sqlite_impl.h.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "grpc/core/ledger_sqlite_impl.h"
#include "grpc/core/ledger_sqlite_schema.h"

namespace yibao::core {
namespace ledger_detail {
namespace {

using sqlite::upsert_sql;

constexpr const char* kMetaCols[] = {"key", "value"};

Status misuse(std::string message) { return Status(Code::kInternal, reason::kInternal, std::move(message)); }

// A PRAGMA at open; returns its first column (journal_mode answers the mode it is now in).
Result<std::string> pragma(sqlite3* db, const std::string& path, const char* sql) {
  sqlite::Statement st;
  if (!st.prepare(db, sql).ok()) return sqlite::error(db, fmt::format("{}: {}", path, sql));
  sqlite::Query q(st);
  const int rc = q.step();
  if (rc == SQLITE_ROW) return q.col_text();
  if (rc == SQLITE_DONE) return std::string();
  return sqlite::error(db, fmt::format("{}: {}", path, sql));
}

}  // namespace

void LedgerSqlite::core_sql(SqlTable& sql) {
  sql[kBegin] = "BEGIN IMMEDIATE";  // take the write lock now, not at the first write
  sql[kCommit] = "COMMIT";
  sql[kRollback] = "ROLLBACK";
  sql[kSavepoint] = "SAVEPOINT sp";
  sql[kRelease] = "RELEASE sp";
  sql[kRollbackTo] = "ROLLBACK TO sp";
  sql[kGetMeta] = "SELECT value FROM meta WHERE key = ?1";
  sql[kPutMeta] = upsert_sql("meta", kMetaCols, 1);
  sql[kNextSequence] =
      "INSERT INTO sequence(name, value) VALUES(?1, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 "
      "RETURNING value";
}

Result<std::unique_ptr<Ledger>> LedgerSqlite::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<LedgerSqlite> ledger(new LedgerSqlite(db, path));  // closes db on every failure below
  if (rc != SQLITE_OK) return sqlite::error(db, fmt::format("{}: open", path));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);

  // The first read of the file: where a file that is not a database is found out.
  YB_ASSIGN_OR_RETURN(const std::string mode, pragma(db, path, "PRAGMA journal_mode = WAL"));
  if (mode != "wal") return misuse(fmt::format("ledger {}: cannot use WAL mode (journal_mode is '{}')", path, mode));
  for (const char* p : {
           "PRAGMA synchronous = FULL",  // durable on commit (DESIGN.md §4)
           // Records refer to each other by id and the engine keeps them consistent; a foreign-key
           // probe per write would buy nothing the tests do not already check.
           "PRAGMA foreign_keys = OFF",
           "PRAGMA wal_autocheckpoint = 0",  // checkpoints belong to the WalCheckpointer
           "PRAGMA journal_size_limit = 67108864",  // a rewound WAL file is cut back to 64 MiB
           "PRAGMA cache_size = -65536",            // 64 MiB of page cache
           "PRAGMA temp_store = MEMORY",
       }) {
    YB_RETURN_IF_ERROR(pragma(db, path, p).status());
  }
  YB_RETURN_IF_ERROR(migrate_sqlite(db, path));

  SqlTable sql;
  core_sql(sql);
  people_sql(sql);
  records_sql(sql);
  ops_sql(sql);
  for (int i = 0; i < kStatementCount; ++i) {
    YB_CHECK(!sql[i].empty(), "ledger statement without SQL");
    YB_RETURN_IF_ERROR(ledger->stmts_[i].prepare(db, sql[i]));
  }

  YB_ASSIGN_OR_RETURN(ledger->checkpointer_, WalCheckpointer::start(path, WalCheckpointer::Options{}));
  ledger->checkpointer_->attach(db);
  return std::unique_ptr<Ledger>(std::move(ledger));
}

LedgerSqlite::~LedgerSqlite() {
  if (checkpointer_) {
    WalCheckpointer::detach(db_);
    checkpointer_.reset();  // joins its thread before the writer's connection goes
  }
  if (db_ && !sqlite3_get_autocommit(db_)) abort_batch();
  for (auto& s : stmts_) s.finalize();
  sqlite3_close_v2(db_);
}

std::string LedgerSqlite::describe() const { return fmt::format("sqlite:{} (WAL, synchronous=FULL)", path_); }

Status LedgerSqlite::write(sqlite::Query& q, std::string_view what) {
  if (!poisoned_.ok()) return poisoned_;
  return q.run(what);
}

bool LedgerSqlite::fetch_row(sqlite::Query& q, std::string_view what) {
  const int rc = q.step();
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) {
    Status s = q.fail(what);
    spdlog::error("{}", s.ToString());
    poison(std::move(s));
  }
  return false;
}

// ---- Transactions ----

Status LedgerSqlite::begin_batch() {
  if (in_batch_ || savepoints_ > 0) return misuse("begin_batch inside a transaction");
  poisoned_ = Status::Ok();
  auto q = query(kBegin);
  YB_RETURN_IF_ERROR(q.run("begin batch"));
  in_batch_ = true;
  return Status::Ok();
}

Status LedgerSqlite::commit_batch() {
  if (!in_batch_) return misuse("commit_batch without begin_batch");
  if (!poisoned_.ok()) return poisoned_;  // the writer aborts: nothing decided on a failed read
  auto q = query(kCommit);
  YB_RETURN_IF_ERROR(q.run("commit batch"));
  in_batch_ = false;
  savepoints_ = 0;  // COMMIT released them
  return Status::Ok();
}

void LedgerSqlite::abort_batch() {
  // An I/O or full-disk error may already have rolled the transaction back.
  if (!sqlite3_get_autocommit(db_)) {
    auto q = query(kRollback);
    if (Status s = q.run("abort batch"); !s.ok()) spdlog::error("{}", s.ToString());
  }
  in_batch_ = false;
  savepoints_ = 0;
  poisoned_ = Status::Ok();
}

Status LedgerSqlite::savepoint() {
  auto q = query(kSavepoint);
  YB_RETURN_IF_ERROR(q.run("savepoint"));
  ++savepoints_;
  return Status::Ok();
}

Status LedgerSqlite::release_savepoint() {
  if (savepoints_ == 0) return misuse("release_savepoint without a savepoint");
  auto q = query(kRelease);
  YB_RETURN_IF_ERROR(q.run("release savepoint"));
  --savepoints_;
  return Status::Ok();
}

Status LedgerSqlite::rollback_savepoint() {
  if (savepoints_ == 0) return misuse("rollback_savepoint without a savepoint");
  {
    auto q = query(kRollbackTo);
    YB_RETURN_IF_ERROR(q.run("rollback to savepoint"));
  }
  // ROLLBACK TO keeps the savepoint open; the request is over, so release it too.
  auto q = query(kRelease);
  YB_RETURN_IF_ERROR(q.run("release rolled-back savepoint"));
  --savepoints_;
  return Status::Ok();
}

// ---- Meta and sequences ----

std::optional<std::string> LedgerSqlite::get_meta(std::string_view key) {
  auto q = query(kGetMeta);
  q.text(key);
  if (!fetch_row(q, "get_meta")) return std::nullopt;
  return q.col_text();
}

Status LedgerSqlite::put_meta(std::string_view key, std::string_view value) {
  auto q = query(kPutMeta);
  q.text(key).text(value);
  return write(q, "put_meta");
}

Result<int64_t> LedgerSqlite::next_sequence(std::string_view name) {
  if (!poisoned_.ok()) return poisoned_;
  auto q = query(kNextSequence);
  q.text(name);
  if (q.step() != SQLITE_ROW) return q.fail("next_sequence");
  return q.col_i64();
}

}  // namespace ledger_detail

Result<std::unique_ptr<Ledger>> open_sqlite_ledger(const std::string& path) {
  return ledger_detail::LedgerSqlite::open(path);
}

}  // namespace yibao::core