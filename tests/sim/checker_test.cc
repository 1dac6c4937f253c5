// Tests of the live checker (sim/checker.h) against a real yibao-core on an SQLite ledger: a
// few settlements and a cancel driven through the client pool and journaled as the simulator
// does; the checker passes on the honest ledger, and fails — naming the id — once a committed
// settlement is deleted from the ledger file behind the core's back (D1), or duplicated (D2).
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "sim/checker.h"
#include "sim/result.h"
#include "tests/e2e/visits_fixture.h"

namespace yibao::testing {
namespace {

using sim::InvariantResult;
using sim::JournalEntry;

class CheckerLive : public VisitsTest {
 protected:
  // The ledger is tampered with on purpose: the fixture's D7 audit of the file would fail.
  void TearDown() override {
    pool_.reset();
    if (core_ && core_->running()) EXPECT_EQ(core_->stop(), 0) << core_->output();
  }

  // Three outpatient settlements at one hospital, the third one cancelled, all journaled.
  void settle_some() {
    auto s = session_at(Level::kLevel2);
    ASSERT_NE(s, nullptr);
    for (int i = 0; i < 3; ++i) {
      const models::Person p = person(models::Insutype::kEmployee, i);
      v1::SettleRequest st = ready_to_settle(*s, p, "chk" + std::to_string(i));
      v1::SettleReply rep;
      ASSERT_TRUE(s->call(&S::Settle, st, &rep).ok());
      journal(2207, st.header().msgid(), *s, p.psn_no, st.mdtrt_id(), rep.setlinfo());
    }
    const JournalEntry third = journal_.back();  // a copy: journal() appends
    v1::CancelSettlementRequest c;
    *c.mutable_header() = s->header("2208");
    c.set_setl_id(third.setl_id);
    c.set_mdtrt_id(third.mdtrt_id);
    c.set_psn_no(third.psn_no);
    v1::CancelSettlementReply rep;
    ASSERT_TRUE(s->call(&S::CancelSettlement, c, &rep).ok());
    journal(2208, c.header().msgid(), *s, third.psn_no, third.mdtrt_id, rep.setlinfo()).omsgid = third.setl_id;
  }

  // Journals an acknowledged call as the simulator's sites do.
  JournalEntry& journal(int txn, const std::string& msgid, const Session& s, const std::string& psn_no,
                        const std::string& mdtrt_id, const v1::SetlInfo& info) {
    JournalEntry& e = journal_.emplace_back();
    e.txn = txn;
    e.msgid = msgid;
    e.fixmedins_code = s.code();
    e.psn_no = psn_no;
    e.mdtrt_id = mdtrt_id;
    sim::fill_journal_split(info, &e);
    return e;
  }

  // Stops the core, runs `sql` on its ledger file, starts it again on the same ledger.
  void tamper(const std::string& sql) {
    pool_.reset();
    ASSERT_EQ(core_->stop(), 0) << core_->output();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir_.file("ledger.db").c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string why = err ? err : "";
    sqlite3_free(err);
    const int changes = sqlite3_changes(db);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << why;
    ASSERT_GT(changes, 0) << sql;
    ASSERT_TRUE(core_->start()) << core_->error();
    client::ClientOptions o;
    o.target = core_->address();
    o.channels = 2;
    o.admin_token = "e2e-admin-token-0123456789";
    ASSERT_TRUE(client::ClientPool::create(o, &pool_).ok());
    ASSERT_TRUE(pool_->wait_connected(std::chrono::seconds(10)));
  }

  std::vector<InvariantResult> check() {
    sim::LiveCheckOptions o;
    o.ledger_fresh = true;
    auto r = sim::check_live(journal_, *pool_, *pop_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : std::vector<InvariantResult>{};
  }

  static const InvariantResult& find(const std::vector<InvariantResult>& all, const std::string& id) {
    for (const auto& r : all)
      if (r.id == id) return r;
    static const InvariantResult kNone;
    ADD_FAILURE() << "no invariant " << id;
    return kNone;
  }

  static bool names(const InvariantResult& r, const std::string& id) {
    for (const auto& x : r.ids)
      if (x.find(id) != std::string::npos) return true;
    return false;
  }

  std::vector<JournalEntry> journal_;
};

TEST_P(CheckerLive, PassesOnAnHonestLedger) {
  settle_some();
  const auto all = check();
  ASSERT_EQ(all.size(), 5u);
  for (const char* id : {"D1", "D2", "D3", "D5", "D7"}) {
    const InvariantResult& r = find(all, id);
    EXPECT_TRUE(r.pass) << id << ": " << r.detail << (r.ids.empty() ? "" : " first: " + r.ids[0]);
    EXPECT_TRUE(r.checked) << id;
  }
  // What was checked: the 3 settlements and the cancel, 3 persons' accumulators, the fund totals.
  EXPECT_NE(find(all, "D1").detail.find("4 acknowledged"), std::string::npos) << find(all, "D1").detail;
  EXPECT_NE(find(all, "D5").detail.find("3202 with 4 journal rows"), std::string::npos) << find(all, "D5").detail;
  EXPECT_NE(find(all, "D7").detail.find("5206 of 3 persons and care years"), std::string::npos) << find(all, "D7").detail;
  EXPECT_NE(find(all, "D3").detail.find("fund payouts = the rows"), std::string::npos) << find(all, "D3").detail;
  // The modelled checker agrees on the same journal.
  for (const InvariantResult& r : sim::check_modelled(journal_)) EXPECT_TRUE(r.pass) << r.id << ": " << r.detail;
  // And the verdict of a result carrying them passes.
  sim::RunInfo run;
  run.invariants = all;
  EXPECT_TRUE(sim::passed(sim::make_result(sim::Scenario{}, sim::Metrics{}, run)));
}

TEST_P(CheckerLive, ADeletedSettlementFailsD1NamingIt) {
  settle_some();
  const std::string lost = journal_[0].setl_id;
  tamper("DELETE FROM settlement WHERE setl_id = '" + lost + "'");
  const auto all = check();
  const InvariantResult& d1 = find(all, "D1");
  EXPECT_FALSE(d1.pass);
  EXPECT_TRUE(names(d1, lost)) << d1.detail;
  EXPECT_TRUE(names(d1, journal_[0].msgid));
  EXPECT_FALSE(find(all, "D5").pass);  // 3201 and 3202 no longer balance either
  sim::RunInfo run;
  run.invariants = all;
  const auto result = sim::make_result(sim::Scenario{}, sim::Metrics{}, run);
  EXPECT_EQ(result["verdict"], "fail");
  EXPECT_NE(result.dump().find(lost), std::string::npos);
}

// D4 (with back-fills): a back-filled settlement's ledger row keeps its flag and care time.
TEST_P(CheckerLive, ABackfillTheLedgerDoesNotFlagFailsD4NamingIt) {
  settle_some();
  auto s = session_at(Level::kLevel2, 1);  // another hospital (a new session numbers msgids from 1)
  ASSERT_NE(s, nullptr);
  const models::Person p = person(models::Insutype::kEmployee, 5);
  const std::string care = s->header("x").inf_time().substr(0, 10) + " 00:00:01";  // earlier today
  v1::SettleRequest st = ready_to_settle(*s, p, "bf", care);
  v1::SettleReply rep;
  const client::CallResult r = s->call(&S::Settle, st, &rep);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  ASSERT_EQ(rep.setlinfo().backfill_flag(), 1);
  JournalEntry& e = journal(2207, st.header().msgid(), *s, p.psn_no, st.mdtrt_id(), rep.setlinfo());
  e.backfill_flag = 1;
  e.backfill_care = care;
  const std::string setl_id = e.setl_id;

  auto all = check();
  ASSERT_EQ(all.size(), 6u);
  const InvariantResult& d4 = find(all, "D4");
  EXPECT_TRUE(d4.pass) << d4.detail << (d4.ids.empty() ? "" : " first: " + d4.ids[0]);
  EXPECT_NE(d4.detail.find("1 back-filled settlements"), std::string::npos) << d4.detail;

  // The journal claims another care time: D4 names it.
  journal_.back().backfill_care = s->header("x").inf_time().substr(0, 10) + " 00:00:02";
  all = check();
  EXPECT_FALSE(find(all, "D4").pass);
  EXPECT_TRUE(names(find(all, "D4"), setl_id));
  journal_.back().backfill_care = care;

  // The ledger loses the flag: D4 names the settlement.
  tamper("UPDATE settlement SET backfill_flag = 0 WHERE setl_id = '" + setl_id + "'");
  all = check();
  const InvariantResult& after = find(all, "D4");
  EXPECT_FALSE(after.pass);
  EXPECT_TRUE(names(after, setl_id)) << after.detail;
}

// D6 (with card_settlement windows): a settlement committed inside a window is named.
TEST_P(CheckerLive, ASettlementCommittedInsideACardSettlementWindowFailsD6NamingIt) {
  settle_some();
  const std::string today = journal_[0].setl_time.substr(0, 10);
  ASSERT_EQ(today.size(), 10u) << journal_[0].setl_time;
  sim::LiveCheckOptions o;
  o.ledger_fresh = true;
  o.card_windows = {{today + "T00:00:00", today + "T00:00:10"}};
  auto r = sim::check_live(journal_, *pool_, *pop_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 6u);
  EXPECT_TRUE(find(*r, "D6").pass) << find(*r, "D6").detail;

  const std::string inside = journal_[1].setl_id;
  tamper("UPDATE settlement SET setl_time = setl_time - (setl_time % 86400) + 5 WHERE setl_id = '" + inside + "'");
  r = sim::check_live(journal_, *pool_, *pop_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const InvariantResult& d6 = find(*r, "D6");
  EXPECT_FALSE(d6.pass);
  EXPECT_TRUE(names(d6, inside)) << d6.detail;
  EXPECT_EQ(d6.count, 1u);
}

// D6 (with refusing suspensions): a settlement of a suspended subject committed inside its
// suspension is named; a cancel inside a facility's suspension is allowed; a department
// suspension covers only the visits of that department (the journal's dept_code).
TEST_P(CheckerLive, ASettlementInsideASuspensionOfItsSubjectFailsD6NamingIt) {
  settle_some();
  for (JournalEntry& e : journal_) e.dept_code = "A01";
  const std::string today = journal_[0].setl_time.substr(0, 10);
  ASSERT_EQ(today.size(), 10u) << journal_[0].setl_time;
  const std::string code = journal_[0].fixmedins_code;
  sim::LiveCheckOptions o;
  o.ledger_fresh = true;
  o.suspensions = {{"S1", "facility", code, "", "", today + "T00:00:20", today + "T00:00:30"},
                   {"S2", "department", code, "ZZ", "", today + "T00:00:00", ""},
                   {"S3", "person", "", "", journal_[1].psn_no, today + "T00:00:00", today + "T00:00:10"}};
  auto r = sim::check_live(journal_, *pool_, *pop_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(find(*r, "D6").pass) << find(*r, "D6").detail;

  const std::string inside = journal_[1].setl_id, cancel = journal_[3].setl_id;
  ASSERT_EQ(journal_[3].txn, 2208);
  tamper("UPDATE settlement SET setl_time = setl_time - (setl_time % 86400) + 25 WHERE setl_id = '" + cancel +
         "'; UPDATE settlement SET setl_time = setl_time - (setl_time % 86400) + 5 WHERE setl_id = '" + inside + "'");
  r = sim::check_live(journal_, *pool_, *pop_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const InvariantResult& d6 = find(*r, "D6");
  EXPECT_FALSE(d6.pass);
  EXPECT_TRUE(names(d6, inside)) << d6.detail;
  EXPECT_TRUE(names(d6, "S3")) << d6.detail;
  EXPECT_FALSE(names(d6, cancel)) << "a cancel stays allowed during a suspension";
  EXPECT_EQ(d6.count, 1u);
}

TEST_P(CheckerLive, ADuplicatedSettlementFailsD2NamingIt) {
  settle_some();
  const JournalEntry& twice = journal_[1];
  tamper("CREATE TEMP TABLE dup AS SELECT * FROM settlement WHERE setl_id = '" + twice.setl_id +
         "'; UPDATE dup SET setl_id = setl_id || 'D'; INSERT INTO settlement SELECT * FROM dup;");
  const auto all = check();
  const InvariantResult& d2 = find(all, "D2");
  EXPECT_FALSE(d2.pass);
  EXPECT_TRUE(names(d2, twice.mdtrt_id)) << d2.detail;
  EXPECT_TRUE(names(d2, twice.msgid)) << d2.detail;
  EXPECT_TRUE(find(all, "D1").pass) << find(all, "D1").detail;
}

TEST_P(CheckerLive, AccumulatorsTheRepliesDoNotExplainFailD7NamingThePerson) {
  settle_some();
  journal_[1].hifp_pay += 100;  // the journal now implies 1 yuan more pooled payment than the core holds
  const auto all = check();
  const InvariantResult& d7 = find(all, "D7");
  EXPECT_FALSE(d7.pass);
  EXPECT_TRUE(names(d7, journal_[1].psn_no)) << d7.detail;
  EXPECT_TRUE(find(all, "D1").pass);
}

TEST_P(CheckerLive, OnASharedLedgerD7IsNotChecked) {
  settle_some();
  auto r = sim::check_live(journal_, *pool_, *pop_, sim::LiveCheckOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const InvariantResult& d7 = find(*r, "D7");
  EXPECT_FALSE(d7.checked);
  EXPECT_TRUE(d7.pass);
  for (const char* id : {"D1", "D2", "D3", "D5"}) EXPECT_TRUE(find(*r, id).pass) << id << ": " << find(*r, id).detail;
}

TEST_P(CheckerLive, AnUnreachableCoreIsAnError) {
  settle_some();
  pool_.reset();
  ASSERT_EQ(core_->stop(), 0);
  client::ClientOptions o;
  o.target = core_->address();
  o.default_deadline = std::chrono::milliseconds(300);
  ASSERT_TRUE(client::ClientPool::create(o, &pool_).ok());
  sim::LiveCheckOptions opts;
  opts.deadline = std::chrono::milliseconds(300);
  const auto r = sim::check_live(journal_, *pool_, *pop_, opts);
  EXPECT_FALSE(r.ok());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CheckerLive, ::testing::Values("sqlite"));

}  // namespace
}  // namespace yibao::testing
