// GroupCommitter: the single writer of the ledger (DESIGN.md §4 "Durability").
//
// Every business operation is an Item submitted from any thread. One writer thread takes
// everything queued whenever it is free (no fixed wait: measured faster than a 1.5 ms window),
// runs the items in order inside one ledger transaction (each item opens its own savepoint),
// commits durably, and only then calls each item's `done` — so no caller hears "success" before
// its effect is on disk, and a batch that fails to commit answers every caller with the failure.
//
// Thread-safety: submit() and stats() are thread-safe; `run` callbacks execute on the writer
// thread only (the one thread that touches the Ledger); `done` callbacks run on a second thread,
// the completer, after the batch's commit, in submission order — so finishing gRPC reactors
// does not take the writer's time from the next batch. `done` must not touch the Ledger.
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
  };

  GroupCommitter(Ledger& ledger, Options options);
  ~GroupCommitter();  // stop(): finishes every item already submitted
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  void submit(Item item);
  // Runs `fn` on the writer thread inside its own batch and waits for it (start-up loading,
  // admin work, tests). Returns fn's status, or the commit failure.
  Status run_sync(std::function<Status(Ledger&)> fn);
  // Stops accepting work, drains the queue, joins the writer. Idempotent.
  void stop();

  struct Stats {
    uint64_t batches = 0;
    uint64_t items = 0;
    uint64_t failed_batches = 0;
    models::Histogram batch_size;   // items per batch ("µs" axis used as a plain count)
    models::Histogram commit_us;    // commit_batch() duration, µs
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
  // Committed (or failed) batches waiting for their `done` callbacks.
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::deque<std::pair<std::vector<Item>, Status>> done_queue_;
  bool writer_finished_ = false;
  std::thread writer_;
  std::thread completer_;
};

}  // namespace yibao::core
