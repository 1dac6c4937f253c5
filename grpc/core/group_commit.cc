#include "grpc/core/group_commit.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>

namespace yibao::core {

GroupCommitter::GroupCommitter(Ledger& ledger, Options options)
    : ledger_(ledger),
      options_(options),
      writer_([this] { writer_loop(); }),
      completer_([this] { completer_loop(); }) {}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::submit(Item item) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      item.done(Status(Code::kUnavailable, reason::kInternal, "the core is shutting down"));
      return;
    }
    queue_.push_back(std::move(item));
  }
  cv_.notify_one();
}

Status GroupCommitter::run_sync(std::function<Status(Ledger&)> fn) {
  std::promise<Status> result;
  auto fut = result.get_future();
  auto outcome = std::make_shared<Status>();
  submit(Item{[fn = std::move(fn), outcome](Ledger& l) -> Status {
                // fn runs in its own savepoint: its refusal undoes only its own writes and is
                // reported to the caller, never aborting the other items of the batch.
                YB_RETURN_IF_ERROR(l.savepoint());
                *outcome = fn(l);
                return outcome->ok() ? l.release_savepoint() : l.rollback_savepoint();
              },
              [&result, outcome](const Status& commit) { result.set_value(commit.ok() ? *outcome : commit); }});
  return fut.get();
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(done_mu_);
    writer_finished_ = true;
  }
  done_cv_.notify_one();
  if (completer_.joinable()) completer_.join();
}

std::unique_lock<std::mutex> GroupCommitter::hold_commits_until_synced() {
  std::unique_lock gate(commit_mu_);
  const uint64_t target = committed_;
  std::unique_lock lock(sync_mu_);
  sync_cv_.wait(lock, [&] { return synced_ >= target; });
  return gate;
}

void GroupCommitter::completer_loop() {
  for (;;) {
    std::deque<Committed> taken;
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [&] { return writer_finished_ || !done_queue_.empty(); });
      if (done_queue_.empty()) return;  // writer finished and everything answered
      taken.swap(done_queue_);
    }
    // One sync makes every batch taken durable (and any committed since).
    uint64_t newest = 0;
    for (const Committed& c : taken) newest = std::max(newest, c.seq);
    double sync_us = 0;
    if (newest > 0) {
      const auto t0 = std::chrono::steady_clock::now();
      if (Status s = ledger_.sync_committed(); !s.ok()) {
        // The disk refused to make committed batches durable. Answering their callers with an
        // error would be wrong (the data may yet be on disk; a retry by msgid finds it), and going
        // on would be worse (a later fsync may succeed although these pages were dropped). Stop:
        // a restart recovers from what is on disk, and every unanswered caller retries by msgid.
        spdlog::critical("{}; stopping so that nothing is answered on data that may be lost", s.message());
        std::abort();
      }
      sync_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      {
        std::lock_guard lock(sync_mu_);
        synced_ = std::max(synced_, newest);
      }
      sync_cv_.notify_all();
      std::lock_guard lock(mu_);
      ++stats_.syncs;
      for (const Committed& c : taken)
        if (c.seq > 0) stats_.commit_us.add(c.commit_us + sync_us);
    }
    for (Committed& c : taken)
      for (auto& item : c.items) item.done(c.outcome);
  }
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitter::writer_loop() {
  for (;;) {
    std::vector<Item> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      const size_t n = std::min(queue_.size(), options_.max_batch);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Status st;
    {
      // A reader's snapshot: only of synced batches, and no commit while it is taken.
      std::unique_lock<std::mutex> gate;
      if (options_.snapshot_after) gate = options_.snapshot_after->hold_commits_until_synced();
      st = ledger_.begin_batch();
    }
    size_t ran = 0;
    if (st.ok()) {
      for (; ran < batch.size(); ++ran) {
        st = batch[ran].run(ledger_);
        if (!st.ok()) break;
      }
      if (st.ok() && options_.before_commit) st = options_.before_commit(ledger_);
    }
    double commit_us = 0;
    uint64_t seq = 0;
    if (st.ok()) {
      const auto t0 = std::chrono::steady_clock::now();
      {
        // At most one batch waits for its sync: commit when the previous one is durable, so a
        // batch gathers what arrives while the disk syncs (as it would without the overlap)
        // instead of committing a trickle of small batches that rewrite the same pages.
        std::unique_lock<std::mutex> lock = hold_commits_until_synced();
        st = ledger_.commit_unsynced();  // durable once the completer's sync covers it
        if (st.ok()) seq = ++committed_;
      }
      commit_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    } else {
      ledger_.abort_batch();
    }
    const Status outcome =
        st.ok() ? Status::Ok()
                : Status(Code::kUnavailable, reason::kInternal, "ledger batch not committed: " + std::string(st.message()));
    {
      std::lock_guard lock(mu_);
      ++stats_.batches;
      stats_.items += batch.size();
      if (!st.ok()) ++stats_.failed_batches;
      stats_.batch_size.add(static_cast<double>(batch.size()));
    }
    {
      std::lock_guard lock(done_mu_);
      done_queue_.push_back(Committed{std::move(batch), outcome, commit_us, seq});
    }
    done_cv_.notify_one();
  }
}

}  // namespace yibao::core
