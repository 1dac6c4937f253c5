// GroupCommitter: the single writer of the ledger (DESIGN.md §4 "Durability").
//
// Every business operation is an Item submitted from any thread. One writer thread takes
// everything queued whenever it is free (no fixed wait: measured faster than a 1.5 ms window),
// runs the items in order inside one ledger transaction (each item opens its own savepoint) and
// commits it (Ledger::commit_unsynced). A second thread, the completer, takes every committed
// batch waiting, makes them durable with one Ledger::sync_committed(), and only then calls each
// item's `done` — so no caller hears "success" before its effect is on disk, a batch that fails to
// commit answers every caller with the failure, and the writer runs the next batch while the disk
// syncs the last. A failed sync stops the process (see completer_loop).
//
// The same class over a read-only connection is the core's reader (dispatch.h): its batches are
// read transactions; with Options::snapshot_after set to the writer, each begins only once every
// batch the writer has committed is synced, and no commit happens while its snapshot is taken —
// so a read never shows what is not durable.
//
// Thread-safety: submit() and stats() are thread-safe; `run` callbacks execute on the writer
// thread only (the one thread that touches the Ledger); `done` callbacks run on the completer,
// after the batch is durable, in submission order — so finishing gRPC reactors does not take the
// writer's time from the next batch. `done` must not touch the Ledger.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "grpc/core/ledger.h"
#include "models/histogram.h"

namespace yibao::core {

class GroupCommitter {
 public:
  struct Item {
    // Runs the operation. OK = processed (its own success or refusal is recorded by the item);
    // non-OK = storage failure: the whole batch is aborted.
    std::function<Status(Ledger&)> run;
    // Called after the batch: OK if committed durably, else why not.
    std::function<void(const Status& commit)> done;
  };

  struct Options {
    size_t max_batch = 4096;
    // Runs on the writer after a batch's items, inside its transaction, before the commit (the
    // core records the last time the ledger saw: clock.h). Non-OK aborts the batch like a
    // storage failure. Empty: nothing.
    std::function<Status(Ledger&)> before_commit;
    // A reader's writer: each batch here begins (takes its snapshot) only when everything that
    // writer has committed is synced, and while it begins that writer commits nothing.
    GroupCommitter* snapshot_after = nullptr;
  };

  GroupCommitter(Ledger& ledger, Options options);
  ~GroupCommitter();  // stop(): finishes every item already submitted
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  void submit(Item item);
  // Runs `fn` on the writer thread inside its own batch and waits for it (start-up loading,
  // admin work, tests). Returns fn's status, or the commit failure.
  Status run_sync(std::function<Status(Ledger&)> fn);
  // Waits until every batch committed so far is synced and returns a lock that keeps the writer
  // from committing until it is released: a reader takes its snapshot meanwhile, and the writer
  // itself commits under it (so at most one batch awaits its sync).
  std::unique_lock<std::mutex> hold_commits_until_synced();
  // Stops accepting work, drains the queue, joins the writer. Idempotent.
  void stop();

  struct Stats {
    uint64_t batches = 0;
    uint64_t items = 0;
    uint64_t failed_batches = 0;
    models::Histogram batch_size;   // items per batch ("µs" axis used as a plain count)
    models::Histogram commit_us;    // commit and the sync that made the batch durable, µs
    uint64_t syncs = 0;             // sync_committed() calls (one may cover several batches)
  };
  Stats stats() const;

 private:
  void writer_loop();
  void completer_loop();

  Ledger& ledger_;
  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  Stats stats_;
  // Committed (or failed) batches waiting for their sync and `done` callbacks.
  struct Committed {
    std::vector<Item> items;
    Status outcome;
    double commit_us = 0;  // of the commit itself; the sync is added when it is done
    uint64_t seq = 0;      // its number among committed batches; 0 = not committed (failed)
  };
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::deque<Committed> done_queue_;
  // Commits against syncs (hold_commits_until_synced): the writer commits under commit_mu_; the
  // completer advances synced_ under sync_mu_.
  std::mutex commit_mu_;
  uint64_t committed_ = 0;  // batches committed (guarded by commit_mu_)
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  uint64_t synced_ = 0;     // of those, made durable (guarded by sync_mu_)
  bool writer_finished_ = false;
  std::thread writer_;
  std::thread completer_;
};

}  // namespace yibao::core
