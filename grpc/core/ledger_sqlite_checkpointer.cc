#include "grpc/core/ledger_sqlite_checkpointer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "grpc/core/ledger_sqlite_db.h"

namespace yibao::core::ledger_detail {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& path, Options options) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = sqlite::error(db, fmt::format("{}: open the checkpointer's connection", path));
    sqlite3_close_v2(db);
    return s;
  }
  // Only the rare RESTART checkpoint waits (for the writer to finish its batch).
  sqlite3_busy_timeout(db, 10000);
  // A connection that has never read the file has not opened its WAL, and a checkpoint on it
  // quietly does nothing: read the header now (and make sure the ledger is in WAL mode).
  {
    sqlite::Statement mode;
    Status s = mode.prepare(db, "PRAGMA journal_mode");
    if (s.ok()) {
      sqlite::Query q(mode);
      if (q.step() != SQLITE_ROW) s = q.fail(fmt::format("{}: checkpointer: read journal_mode", path));
      else if (const std::string m = q.col_text(); m != "wal")
        s = Status(Code::kInternal, reason::kInternal,
                   fmt::format("ledger {}: checkpointer sees journal_mode '{}', not wal", path, m));
    }
    if (!s.ok()) {
      mode.finalize();
      sqlite3_close_v2(db);
      return s;
    }
  }
  std::unique_ptr<WalCheckpointer> cp(new WalCheckpointer(db, options));
  cp->thread_ = std::thread([p = cp.get()] { p->run(); });
  return cp;
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(db_);
}

void WalCheckpointer::attach(sqlite3* writer) { sqlite3_wal_hook(writer, &WalCheckpointer::on_commit, this); }

void WalCheckpointer::detach(sqlite3* writer) { sqlite3_wal_hook(writer, nullptr, nullptr); }

int WalCheckpointer::on_commit(void* self, sqlite3* /*writer*/, const char* /*db_name*/, int wal_frames) {
  auto* cp = static_cast<WalCheckpointer*>(self);
  cp->commits_.fetch_add(1, std::memory_order_relaxed);
  int done = cp->checkpointed_to_.load(std::memory_order_relaxed);
  if (wal_frames < done) done = 0;  // the WAL was rewound since: every frame is new
  // One notify per crossing, not per commit: the writer's path stays a few atomic operations.
  if (wal_frames - done >= cp->options_.wake_frames && !cp->wake_.exchange(true)) {
    std::lock_guard lock(cp->mu_);
    cp->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, options_.interval, [this] { return stop_ || wake_.load(); });
    if (stop_) break;
    wake_.store(false);
    if (commits_.exchange(0) == 0) continue;  // nothing written since the last run
    lock.unlock();
    checkpoint_once();
    lock.lock();
  }
}

void WalCheckpointer::checkpoint_once() {
  int log_frames = 0, done_frames = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &done_frames);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    spdlog::warn("ledger checkpoint (PASSIVE) failed: {} ({})", sqlite3_errmsg(db_), rc);
    return;
  }
  checkpointed_to_.store(done_frames, std::memory_order_relaxed);
  checkpoints_.fetch_add(1, std::memory_order_relaxed);
  if (log_frames >= options_.restart_frames) {
    spdlog::warn("ledger WAL at {} frames ({} checkpointed): RESTART checkpoint, the writer waits for it",
                 log_frames, done_frames);
    rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_RESTART, &log_frames, &done_frames);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      spdlog::warn("ledger checkpoint (RESTART) failed: {} ({})", sqlite3_errmsg(db_), rc);
    checkpointed_to_.store(0, std::memory_order_relaxed);
  }
}

}  // namespace yibao::core::ledger_detail
