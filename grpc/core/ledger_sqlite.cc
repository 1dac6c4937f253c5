// LedgerSqlite, part 1: open and close, transactions, meta and sequences. See ledger_sqlite_impl.h.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

#include "grpc/core/ledger_common.h"
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
  sql[kGetSequence] = "SELECT value FROM sequence WHERE name = ?1";
  sql[kPutSequence] =
      "INSERT INTO sequence(name, value) VALUES(?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value";
}

Result<std::unique_ptr<Ledger>> LedgerSqlite::open(const std::string& path, Role role) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (role == Role::kWriter ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  std::unique_ptr<LedgerSqlite> ledger(new LedgerSqlite(db, path, role));  // closes db on every failure below
  if (rc != SQLITE_OK) return sqlite::error(db, fmt::format("{}: open", path));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  if (role == Role::kReader) {
    // The writer has made the file WAL and migrated it; a reader only checks it found that.
    YB_ASSIGN_OR_RETURN(const std::string mode, pragma(db, path, "PRAGMA journal_mode"));
    if (mode != "wal")
      return misuse(fmt::format("ledger {}: a reader needs a WAL ledger (journal_mode is '{}')", path, mode));
    YB_RETURN_IF_ERROR(pragma(db, path, "PRAGMA query_only = 1").status());
    YB_RETURN_IF_ERROR(pragma(db, path, "PRAGMA cache_size = -16384").status());  // 16 MiB
    YB_RETURN_IF_ERROR(ledger->prepare_statements());
    const std::string version = ledger->get_meta(kSchemaVersionKey).value_or("none");
    YB_RETURN_IF_ERROR(ledger->poisoned_);
    if (version != std::to_string(kSchemaVersion))
      return misuse(fmt::format("ledger {}: schema version '{}', this reader knows {}", path, version, kSchemaVersion));
    return std::unique_ptr<Ledger>(std::move(ledger));
  }

  // The first read of the file: where a file that is not a database is found out.
  YB_ASSIGN_OR_RETURN(const std::string mode, pragma(db, path, "PRAGMA journal_mode = WAL"));
  if (mode != "wal") return misuse(fmt::format("ledger {}: cannot use WAL mode (journal_mode is '{}')", path, mode));
  for (const char* p : {
           // COMMIT writes the WAL, sync_committed() makes it durable before anyone is answered
           // (DESIGN.md §4; see ledger_sqlite_impl.h).
           "PRAGMA synchronous = NORMAL",
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
  YB_RETURN_IF_ERROR(ledger->prepare_statements());

  YB_ASSIGN_OR_RETURN(ledger->checkpointer_, WalCheckpointer::start(path, WalCheckpointer::Options{}));
  ledger->checkpointer_->attach(db);
  return std::unique_ptr<Ledger>(std::move(ledger));
}

Status LedgerSqlite::prepare_statements() {
  SqlTable sql;
  core_sql(sql);
  people_sql(sql);
  records_sql(sql);
  ops_sql(sql);
  if (role_ == Role::kReader) sql[kBegin] = "BEGIN DEFERRED";  // a read transaction: one snapshot
  for (int i = 0; i < kStatementCount; ++i) {
    YB_CHECK(!sql[i].empty(), "ledger statement without SQL");
    YB_RETURN_IF_ERROR(stmts_[i].prepare(db_, sql[i]));
  }
  return Status::Ok();
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

std::string LedgerSqlite::describe() const {
  return role_ == Role::kWriter ? fmt::format("sqlite:{} (WAL, fsync before every answer)", path_)
                                : fmt::format("sqlite:{} (read-only)", path_);
}

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
  // A reader's batch is one snapshot, taken now (a deferred BEGIN takes it at the first read): the
  // reader's GroupCommitter holds the writer's commits while this runs.
  if (role_ == Role::kReader) (void)get_meta(kSchemaVersionKey);
  fund_layers_.assign(1, FundDeltas{});
  sequence_undo_.clear();
  sequence_marks_.clear();
  return Status::Ok();
}

void LedgerSqlite::undo_sequences_to(size_t mark) {
  while (sequence_undo_.size() > mark) {
    auto& [name, before] = sequence_undo_.back();
    sequences_[name] = before;
    sequence_undo_.pop_back();
  }
}

Status LedgerSqlite::flush_folded() {
  if (!fund_layers_.empty()) {
    for (const auto& [fund, cells] : fund_layers_.front()) {
      auto q = query(kAddFund);
      q.text(fund);
      for (int64_t v : cells) q.i64(v);
      YB_RETURN_IF_ERROR(write(q, "add_fund"));
    }
    fund_layers_.front().clear();
  }
  for (auto& [name, seq] : sequences_) {
    if (!seq.dirty) continue;
    auto q = query(kPutSequence);
    q.text(name).i64(seq.last);
    YB_RETURN_IF_ERROR(write(q, "put_sequence"));
    seq.dirty = false;
  }
  return Status::Ok();
}

Status LedgerSqlite::commit_batch() {
  YB_RETURN_IF_ERROR(commit_unsynced());
  return sync_committed();
}

Status LedgerSqlite::sync_committed() {
  if (role_ == Role::kReader) return Status::Ok();  // commits nothing
  // A descriptor per call: SQLite may truncate the -wal file (journal_size_limit) but the inode
  // stays; fsync of any descriptor flushes the file's every written page.
  const std::string wal = path_ + "-wal";
  const int fd = ::open(wal.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return misuse(fmt::format("ledger {}: open {} to sync: {}", path_, wal, std::strerror(errno)));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return misuse(fmt::format("ledger {}: fsync {}: {}", path_, wal, std::strerror(err)));
  return Status::Ok();
}

Status LedgerSqlite::commit_unsynced() {
  if (!in_batch_) return misuse("commit_batch without begin_batch");
  // Nothing decided on a failed read is committed.
  Status st = poisoned_.ok() ? flush_folded() : poisoned_;
  if (st.ok()) {
    auto q = query(kCommit);
    st = q.run("commit batch");
  }
  if (!st.ok()) {
    abort_batch();  // nothing of the batch stays, in the file or in memory
    return st;
  }
  sequence_undo_.clear();
  sequence_marks_.clear();
  fund_layers_.clear();  // outside a batch add_fund writes at once again
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
  fund_layers_.clear();  // the batch's additions and increments go with it
  undo_sequences_to(0);
  sequence_marks_.clear();
}

Status LedgerSqlite::savepoint() {
  auto q = query(kSavepoint);
  YB_RETURN_IF_ERROR(q.run("savepoint"));
  ++savepoints_;
  if (in_batch_) {
    fund_layers_.emplace_back();
    sequence_marks_.push_back(sequence_undo_.size());
  }
  return Status::Ok();
}

Status LedgerSqlite::release_savepoint() {
  if (savepoints_ == 0) return misuse("release_savepoint without a savepoint");
  auto q = query(kRelease);
  YB_RETURN_IF_ERROR(q.run("release savepoint"));
  --savepoints_;
  if (fund_layers_.size() > 1) {
    for (const auto& [fund, cells] : fund_layers_.back()) {
      auto& below = fund_layers_[fund_layers_.size() - 2][fund];
      for (size_t c = 0; c < cells.size(); ++c) below[c] += cells[c];
    }
    fund_layers_.pop_back();
  }
  if (!sequence_marks_.empty()) sequence_marks_.pop_back();  // its increments belong to the one below
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
  if (fund_layers_.size() > 1) fund_layers_.pop_back();
  if (!sequence_marks_.empty()) {
    undo_sequences_to(sequence_marks_.back());
    sequence_marks_.pop_back();
  }
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
  auto it = sequences_.find(name);
  if (it == sequences_.end()) {
    auto q = query(kGetSequence);
    q.text(name);
    SequenceValue loaded;
    if (fetch_row(q, "next_sequence")) loaded.last = q.col_i64();
    if (!poisoned_.ok()) return poisoned_;
    it = sequences_.emplace(std::string(name), loaded).first;
  }
  if (in_batch_) sequence_undo_.emplace_back(it->first, it->second);
  ++it->second.last;
  it->second.dirty = true;
  if (!in_batch_) YB_RETURN_IF_ERROR(flush_folded());
  return it->second.last;
}

}  // namespace ledger_detail

Result<std::unique_ptr<Ledger>> open_sqlite_ledger(const std::string& path) {
  return ledger_detail::LedgerSqlite::open(path, ledger_detail::LedgerSqlite::Role::kWriter);
}

Result<std::unique_ptr<Ledger>> open_sqlite_reader(const std::string& path) {
  return ledger_detail::LedgerSqlite::open(path, ledger_detail::LedgerSqlite::Role::kReader);
}

}  // namespace yibao::core