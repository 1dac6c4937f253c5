#include "grpc/core/group_commit.h"

#include <chrono>
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

void GroupCommitter::completer_loop() {
  for (;;) {
    std::pair<std::vector<Item>, Status> next;
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [&] { return writer_finished_ || !done_queue_.empty(); });
      if (done_queue_.empty()) return;  // writer finished and everything answered
      next = std::move(done_queue_.front());
      done_queue_.pop_front();
    }
    for (auto& item : next.first) item.done(next.second);
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
    Status st = ledger_.begin_batch();
    size_t ran = 0;
    if (st.ok()) {
      for (; ran < batch.size(); ++ran) {
        st = batch[ran].run(ledger_);
        if (!st.ok()) break;
      }
      if (st.ok() && options_.before_commit) st = options_.before_commit(ledger_);
    }
    double commit_us = 0;
    if (st.ok()) {
      const auto t0 = std::chrono::steady_clock::now();
      st = ledger_.commit_batch();
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
      if (st.ok()) stats_.commit_us.add(commit_us);
    }
    {
      std::lock_guard lock(done_mu_);
      done_queue_.emplace_back(std::move(batch), outcome);
    }
    done_cv_.notify_one();
  }
}

}  // namespace yibao::core
