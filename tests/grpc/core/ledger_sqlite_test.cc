// What only the SQLite ledger has: durability across a reopen, schema versions, refusing files
// that are not ledgers, and the checkpointer that keeps checkpoints off the commit path.
// The contract shared with the memory twin is tested in ledger_test.cc.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "grpc/core/ledger.h"
#include "grpc/core/ledger_common.h"
#include "tests/grpc/core/ledger_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace yibao::core {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the fixtures
using models::Insutype;

std::unique_ptr<Ledger> open_ok(const std::string& path) {
  auto r = open_sqlite_ledger(path);
  if (!r.ok()) ADD_FAILURE() << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

// Runs one statement on a separate connection (what an operator's sqlite3 shell would do).
void poke(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(LedgerSqliteTest, DescribeNamesTheDurableSetting) {
  yibao::testing::TempDir dir;
  auto l = open_ok(dir.file("l.db"));
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->describe(), "sqlite:" + dir.file("l.db") + " (WAL, fsync before every answer)");
}

TEST(LedgerSqliteTest, ReopenAfterCommitKeepsEverything) {
  yibao::testing::TempDir dir;
  const std::string path = dir.file("l.db");
  std::string before;
  {
    auto l = open_ok(path);
    ASSERT_NE(l, nullptr);
    ASSERT_TRUE(l->begin_batch().ok());
    ASSERT_TRUE(l->put_meta("k", "v").ok());
    ASSERT_TRUE(l->put_journal(make_journal("J1", 1)).ok());
    ASSERT_TRUE(l->put_facility(make_facility("F1")).ok());
    ASSERT_TRUE(l->put_person(make_person("P1")).ok());
    ASSERT_TRUE(l->put_balance("P1", Fen(77)).ok());
    ASSERT_TRUE(l->put_accumulators("P1", Insutype::kEmployee, 2020, make_acc(1)).ok());
    ASSERT_TRUE(l->put_filing(make_filing("FL1", "P1")).ok());
    ASSERT_TRUE(l->put_signin(SignIn{"F1", "op", "SN", at(18000, 1), false}).ok());
    ASSERT_TRUE(
        l->put_visit(make_visit("V1", "F1", "P1", VisitKind::kInpatient, VisitState::kDischarged, "IPT1")).ok());
    ASSERT_TRUE(l->put_line(make_line("V1", "001", 5)).ok());
    ASSERT_TRUE(l->put_settlement(make_settlement("S1", "F1", "P1", 18001, 9)).ok());
    ASSERT_TRUE(l->add_fund("POOL", "opening", Fen(100)).ok());
    ASSERT_TRUE(l->put_document({"policy", "p", "text", 1}).ok());
    ASSERT_EQ(l->next_sequence("setl").value(), 1);
    ASSERT_TRUE(l->commit_batch().ok());
    ASSERT_TRUE(l->put_meta("autocommit", "yes").ok());  // outside a batch: its own transaction
    ASSERT_TRUE(l->add_fund("SI", "premiums", Fen(3)).ok());  // likewise, after a batch folded funds
    before = snapshot(*l);
  }
  auto l = open_ok(path);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(snapshot(*l), before);
  EXPECT_EQ(l->get_meta("autocommit"), "yes");
  EXPECT_EQ(l->next_sequence("setl").value(), 2);
  EXPECT_EQ(l->get_meta("schema_version"), std::to_string(ledger_detail::kSchemaVersion));
}

TEST(LedgerSqliteTest, AbortedBatchIsNotVisibleAfterReopen) {
  yibao::testing::TempDir dir;
  const std::string path = dir.file("l.db");
  {
    auto l = open_ok(path);
    ASSERT_NE(l, nullptr);
    ASSERT_TRUE(l->put_balance("P1", Fen(10)).ok());
    ASSERT_TRUE(l->begin_batch().ok());
    ASSERT_TRUE(l->put_balance("P1", Fen(20)).ok());
    ASSERT_TRUE(l->put_settlement(make_settlement("S1", "F1", "P1", 18001, 9)).ok());
    l->abort_batch();
    // An open, uncommitted batch when the ledger goes away is not committed either.
    ASSERT_TRUE(l->begin_batch().ok());
    ASSERT_TRUE(l->put_balance("P1", Fen(30)).ok());
  }
  auto l = open_ok(path);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->get_balance("P1"), Fen(10));
  EXPECT_FALSE(l->get_settlement("S1").has_value());
}

TEST(LedgerSqliteTest, ABatchPoisonedByAFailedReadIsRolledBackWholeAndTheLedgerGoesOn) {
  yibao::testing::TempDir dir;
  const std::string path = dir.file("l.db");
  auto l = open_ok(path);
  ASSERT_NE(l, nullptr);
  ASSERT_TRUE(l->put_settlement(make_settlement("S1", "F1", "P1", 18001, 9)).ok());
  ASSERT_EQ(l->next_sequence("setl").value(), 1);
  poke(path, "UPDATE settlement SET acc_delta = x'00' WHERE setl_id = 'S1'");
  ASSERT_TRUE(l->begin_batch().ok());
  ASSERT_EQ(l->next_sequence("setl").value(), 2);        // held in memory until the commit
  ASSERT_TRUE(l->add_fund("POOL", "payouts", Fen(5)).ok());  // folded until the commit
  ASSERT_TRUE(l->put_balance("P1", Fen(20)).ok());
  (void)l->get_settlement("S1");  // the malformed blob: a failed read, which poisons the batch
  EXPECT_FALSE(l->put_balance("P2", Fen(1)).ok());       // no write after it
  EXPECT_FALSE(l->commit_batch().ok());
  // Nothing of the batch stays, on disk or in memory, and the next batch commits.
  EXPECT_FALSE(l->get_balance("P1").has_value());
  EXPECT_EQ(dump(l->funds()[0]), "POOL:0/0/0/0");
  ASSERT_TRUE(l->begin_batch().ok());
  EXPECT_EQ(l->next_sequence("setl").value(), 2);
  ASSERT_TRUE(l->add_fund("POOL", "payouts", Fen(7)).ok());
  ASSERT_TRUE(l->commit_batch().ok());
  l.reset();
  l = open_ok(path);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(dump(l->funds()[0]), "POOL:0/0/7/0");
  EXPECT_EQ(l->next_sequence("setl").value(), 3);
}

TEST(LedgerSqliteTest, AReaderSeesWhatIsCommittedAndWritesNothing) {
  yibao::testing::TempDir dir;
  const std::string path = dir.file("l.db");
  EXPECT_FALSE(open_sqlite_reader(path).ok());  // no ledger there yet: the writer opens first
  auto w = open_ok(path);
  ASSERT_NE(w, nullptr);
  ASSERT_TRUE(w->put_balance("P1", Fen(10)).ok());
  auto opened = open_sqlite_reader(path);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<Ledger> r = std::move(opened).value();
  EXPECT_EQ(r->describe(), "sqlite:" + path + " (read-only)");
  EXPECT_EQ(r->get_balance("P1"), Fen(10));
  // A batch of the writer in progress is invisible to the reader until it commits.
  ASSERT_TRUE(w->begin_batch().ok());
  ASSERT_TRUE(w->put_balance("P1", Fen(20)).ok());
  ASSERT_TRUE(w->add_fund("POOL", "payouts", Fen(5)).ok());
  EXPECT_EQ(r->get_balance("P1"), Fen(10));
  ASSERT_TRUE(w->commit_batch().ok());
  // A read batch is one snapshot: a commit during it is seen by the next batch.
  ASSERT_TRUE(r->begin_batch().ok());
  EXPECT_EQ(r->get_balance("P1"), Fen(20));
  EXPECT_EQ(dump(r->funds()[0]), "POOL:0/0/5/0");
  ASSERT_TRUE(w->put_balance("P1", Fen(30)).ok());
  EXPECT_EQ(r->get_balance("P1"), Fen(20));
  ASSERT_TRUE(r->commit_batch().ok());
  EXPECT_EQ(r->get_balance("P1"), Fen(30));
  // Writes are refused.
  EXPECT_FALSE(r->put_balance("P1", Fen(40)).ok());
  EXPECT_EQ(w->get_balance("P1"), Fen(30));
}

TEST(LedgerSqliteTest, NewerSchemaRefusesToOpen) {
  yibao::testing::TempDir dir;
  const std::string path = dir.file("l.db");
  {
    auto l = open_ok(path);
    ASSERT_NE(l, nullptr);
  }
  poke(path, "UPDATE meta SET value = '7' WHERE key = 'schema_version'");
  auto r = open_sqlite_ledger(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInternal);
  EXPECT_NE(r.status().message().find("schema version 7 is newer than this program's (" + std::to_string(ledger_detail::kSchemaVersion) + ")"), std::string_view::npos)
      << r.status().ToString();
  EXPECT_NE(r.status().message().find(path), std::string_view::npos);
}

TEST(LedgerSqliteTest, FileThatIsNotADatabaseGivesAClearError) {
  yibao::testing::TempDir dir;
  const std::string path = dir.file("notes.txt");
  yibao::testing::write_file(path, std::string(8192, 'x'));
  auto r = open_sqlite_ledger(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("file is not a database"), std::string_view::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find(path), std::string_view::npos);
}

TEST(LedgerSqliteTest, ForeignDatabaseAndMissingDirectoryAreRefused) {
  yibao::testing::TempDir dir;
  const std::string foreign = dir.file("other.db");
  poke(foreign, "CREATE TABLE t(x)");
  auto r = open_sqlite_ledger(foreign);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a yibao ledger"), std::string_view::npos) << r.status().ToString();

  auto missing = open_sqlite_ledger(dir.file("no/such/dir/l.db"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("unable to open"), std::string_view::npos)
      << missing.status().ToString();
}

TEST(LedgerSqliteTest, CheckpointerMovesTheWalIntoTheDatabaseWithoutClosing) {
  yibao::testing::TempDir dir;
  const std::string path = dir.file("l.db");
  auto l = open_ok(path);
  ASSERT_NE(l, nullptr);
  // Auto-checkpoint is off on the writer, so only the background checkpointer can grow the
  // database file while the ledger stays open.
  const auto initial = std::filesystem::file_size(path);
  for (int batch = 0; batch < 20; ++batch) {
    ASSERT_TRUE(l->begin_batch().ok());
    for (int i = 0; i < 50; ++i)
      ASSERT_TRUE(l->put_journal(make_journal(fmt::format("J{}-{}", batch, i), i)).ok());
    ASSERT_TRUE(l->commit_batch().ok());
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::filesystem::file_size(path) < initial + 100 * 1024 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GE(std::filesystem::file_size(path), initial + 100 * 1024) << "no checkpoint within 5 s";
  EXPECT_TRUE(l->find_journal("J19-49").has_value());
}

}  // namespace
}  // namespace yibao::core
