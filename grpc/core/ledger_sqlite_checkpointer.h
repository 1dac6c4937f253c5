// WalCheckpointer: moves the SQLite ledger's WAL frames into the database file on its own thread
// and its own connection, so no commit of the writer ever runs a checkpoint (DESIGN.md §4
// "Durability": a checkpoint on the commit path stalls the writer and shows as a 30–60 ms p99
// spike).
//
// How: the writer's connection has auto-checkpointing off; its WAL hook (installed by attach())
// reports the WAL's size after each commit. The checkpointer runs `wal_checkpoint(PASSIVE)` —
// which never waits for and never blocks the writer — every `interval` in which something was
// committed, or at once when the frames not yet checkpointed pass `wake_frames`. A PASSIVE
// checkpoint cannot rewind the WAL while the writer keeps appending, so should the WAL ever pass
// `restart_frames` it runs one RESTART checkpoint (which does wait for the writer: a single,
// logged stall, the price of a bounded file).
//
// Thread safety: start/attach/destructor on the owner's thread; the hook runs on the writer's
// thread; everything they share is atomic or under mu_.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "models/status.h"

namespace yibao::core::ledger_detail {

class WalCheckpointer {
 public:
  // Small and often, not large and rare: PASSIVE never takes the writer's lock, but on ext4 the
  // writer's WAL fsync still waits for the checkpoint's dirty database pages (a growing file's
  // allocating writes are flushed with the next journal commit). Measured with ledger_bench,
  // group commit of 64 for 10 s: every 1 s / 16 MiB gave commit stalls of 100-230 ms (26-30 ms
  // with no checkpoint at all); every 100 ms / 2 MiB gave 25-33 ms, at the same throughput.
  struct Options {
    std::chrono::milliseconds interval{100};
    int wake_frames = 512;         // 2 MiB of 4 KiB pages not yet in the database file
    int restart_frames = 262144;   // 1 GiB: bound the WAL file under sustained load
  };

  // Opens its own connection to the ledger at `path` (already in WAL mode) and starts the thread.
  static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path, Options options);
  // Stops the thread (finishing a checkpoint in progress) and closes its connection.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Installs the WAL hook on the writer's connection; the writer must call detach() (or close)
  // before this object is destroyed.
  void attach(sqlite3* writer);
  static void detach(sqlite3* writer);

  int64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  WalCheckpointer(sqlite3* db, Options options) : db_(db), options_(options) {}
  static int on_commit(void* self, sqlite3* writer, const char* db_name, int wal_frames);
  void run();
  void checkpoint_once();

  sqlite3* db_;
  Options options_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // under mu_
  std::atomic<bool> wake_{false};
  std::atomic<int64_t> commits_{0};      // commits since the last checkpoint
  std::atomic<int> checkpointed_to_{0};  // WAL frames already in the database file
  std::atomic<int64_t> checkpoints_{0};
};

}  // namespace yibao::core::ledger_detail
