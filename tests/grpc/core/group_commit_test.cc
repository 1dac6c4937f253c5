// GroupCommitter: the writer's batches, the sync that makes them durable before anyone is
// answered, the writer running the next batch meanwhile, and the reader's snapshot gate.
#include "grpc/core/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/grpc/core/forwarding_ledger.h"

namespace yibao::core {
namespace {

using namespace std::chrono_literals;

// A ledger whose sync waits until the test opens it, and which counts commits and syncs.
class GatedSyncLedger : public testing::ForwardingLedger {
 public:
  using ForwardingLedger::ForwardingLedger;
  Status commit_unsynced() override {
    ++commits;
    return inner_.commit_unsynced();
  }
  Status sync_committed() override {
    std::unique_lock lock(mu_);
    ++syncs_started;
    cv_.wait(lock, [&] { return open_; });
    return inner_.sync_committed();
  }
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  std::atomic<int> commits{0};
  std::atomic<int> syncs_started{0};

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Polls `pred` for up to 5 s (the threads under test run on their own).
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

// Records the order of `run` and `done` callbacks.
struct Log {
  std::mutex mu;
  std::vector<std::string> events;
  void add(std::string e) {
    std::lock_guard lock(mu);
    events.push_back(std::move(e));
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return events;
  }
};

GroupCommitter::Item item(Log& log, std::string name, Status run_status = Status::Ok()) {
  return GroupCommitter::Item{[&log, name, run_status](Ledger& l) -> Status {
                                log.add("run " + name);
                                EXPECT_TRUE(l.put_meta(name, "1").ok());
                                return run_status;
                              },
                              [&log, name](const Status& commit) {
                                log.add("done " + name + (commit.ok() ? "" : " failed"));
                              }};
}

TEST(GroupCommitTest, NothingIsAnsweredBeforeItsSyncAndTheNextBatchRunsMeanwhile) {
  auto memory = make_memory_ledger();
  GatedSyncLedger ledger(*memory);
  Log log;
  GroupCommitter writer(ledger, GroupCommitter::Options{});
  writer.submit(item(log, "a"));
  ASSERT_TRUE(eventually([&] { return ledger.syncs_started.load() == 1; }));
  // Batch a is committed and its sync is under way: nobody is answered yet.
  EXPECT_EQ(ledger.commits.load(), 1);
  writer.submit(item(log, "b"));
  // The writer runs b while a syncs, but does not commit it before a is durable.
  ASSERT_TRUE(eventually([&] { return log.get().size() == 2; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(log.get(), (std::vector<std::string>{"run a", "run b"}));
  EXPECT_EQ(ledger.commits.load(), 1);
  ledger.open();
  ASSERT_TRUE(eventually([&] { return log.get().size() == 4; }));
  EXPECT_EQ(log.get(), (std::vector<std::string>{"run a", "run b", "done a", "done b"}));
  EXPECT_EQ(ledger.commits.load(), 2);
  writer.stop();
  EXPECT_EQ(memory->get_meta("a"), "1");
  EXPECT_EQ(memory->get_meta("b"), "1");
  const GroupCommitter::Stats stats = writer.stats();
  EXPECT_EQ(stats.batches, 2u);
  EXPECT_EQ(stats.commit_us.count(), 2u);
  EXPECT_GE(stats.syncs, 1u);
}

TEST(GroupCommitTest, AStorageFailureAbortsTheBatchAndAnswersEveryoneInIt) {
  auto memory = make_memory_ledger();
  Log log;
  GroupCommitter writer(*memory, GroupCommitter::Options{});
  writer.submit(item(log, "a"));
  writer.submit(item(log, "b", Status(Code::kInternal, reason::kInternal, "disk full")));
  writer.submit(item(log, "c"));
  ASSERT_TRUE(eventually([&] { return log.get().size() >= 5; }));  // c may have run in b's batch or not
  const auto answered = [&] {
    int n = 0;
    for (const auto& e : log.get()) n += e.rfind("done ", 0) == 0;
    return n;
  };
  ASSERT_TRUE(eventually([&] { return answered() == 3; }));
  EXPECT_TRUE(writer.run_sync([](Ledger& l) { return l.put_meta("after", "1"); }).ok());
  writer.stop();
  const auto events = log.get();
  // Whatever batches they fell into, b's batch was answered failed and nothing of it stays;
  // the ledger goes on (the run_sync after it committed).
  EXPECT_NE(std::find(events.begin(), events.end(), "done b failed"), events.end());
  EXPECT_FALSE(memory->get_meta("b").has_value());
  for (const char* name : {"a", "c"}) {
    const std::string failed_done = std::string("done ") + name + " failed";
    const bool failed = std::find(events.begin(), events.end(), failed_done) != events.end();
    EXPECT_EQ(memory->get_meta(name).has_value(), !failed) << name;
  }
  EXPECT_EQ(memory->get_meta("after"), "1");
}

TEST(GroupCommitTest, AReaderTakesNoSnapshotBeforeTheWritersCommitsAreSynced) {
  auto memory = make_memory_ledger();
  auto reader_memory = make_memory_ledger();
  GatedSyncLedger ledger(*memory);
  Log log;
  GroupCommitter writer(ledger, GroupCommitter::Options{});
  GroupCommitter::Options reads;
  reads.snapshot_after = &writer;
  GroupCommitter reader(*reader_memory, reads);
  // Nothing committed yet: a read runs at once.
  reader.submit(item(log, "r1"));
  ASSERT_TRUE(eventually([&] { return log.get().size() == 2; }));
  writer.submit(item(log, "w"));
  ASSERT_TRUE(eventually([&] { return ledger.syncs_started.load() == 1; }));
  // w is committed, not synced: a read waits.
  reader.submit(item(log, "r2"));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(log.get(), (std::vector<std::string>{"run r1", "done r1", "run w"}));
  log.add("synced");
  ledger.open();
  ASSERT_TRUE(eventually([&] { return log.get().size() == 7; }));
  const auto events = log.get();
  const auto at = [&](const char* e) { return std::find(events.begin(), events.end(), e) - events.begin(); };
  EXPECT_LT(at("synced"), at("run r2"));  // r2's snapshot came after w was durable
  reader.stop();
  writer.stop();
}

}  // namespace
}  // namespace yibao::core
