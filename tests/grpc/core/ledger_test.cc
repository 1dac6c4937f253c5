// The Ledger contract (grpc/core/ledger.h), run against both backends: the in-memory twin and
// SQLite on a temporary file. Anything one backend does differently from the other fails here.
// SQLite-only behaviour (reopen, schema versions, bad files, checkpoints) is in
// ledger_sqlite_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "grpc/core/ledger.h"
#include "grpc/core/ledger_common.h"
#include "tests/grpc/core/ledger_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace yibao::core {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): the fixtures
using models::Insutype;

struct MemoryBackend {
  static constexpr const char* kName = "Memory";
  std::unique_ptr<Ledger> open() { return make_memory_ledger(); }
};

struct SqliteBackend {
  static constexpr const char* kName = "Sqlite";
  yibao::testing::TempDir dir;
  std::unique_ptr<Ledger> open() {
    auto r = open_sqlite_ledger(dir.file("ledger.db"));
    if (!r.ok()) ADD_FAILURE() << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
};

struct BackendName {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

template <typename B>
class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ledger_ = backend_.open();
    ASSERT_NE(ledger_, nullptr);
  }
  Ledger& l() { return *ledger_; }

  // A committed starting state for the transaction tests.
  void seed() {
    ASSERT_TRUE(l().begin_batch().ok());
    ASSERT_TRUE(l().put_meta("k", "v0").ok());
    ASSERT_TRUE(l().put_journal(make_journal("J1", 1)).ok());
    ASSERT_TRUE(l().put_facility(make_facility("F1")).ok());
    ASSERT_TRUE(l().put_person(make_person("P1")).ok());
    ASSERT_TRUE(l().put_balance("P1", Fen(10000)).ok());
    ASSERT_TRUE(l().put_accumulators("P1", Insutype::kEmployee, 2020, make_acc(1)).ok());
    ASSERT_TRUE(l().put_filing(make_filing("FL1", "P1")).ok());
    ASSERT_TRUE(l().put_signin(SignIn{"F1", "op1", "SN1", at(18000, 1), false}).ok());
    ASSERT_TRUE(l().put_visit(make_visit("V1", "F1", "P1", VisitKind::kInpatient, VisitState::kFeesOpen, "IPT1")).ok());
    ASSERT_TRUE(l().put_line(make_line("V1", "001", 500)).ok());
    ASSERT_TRUE(l().put_line(make_line("V1", "002", 700)).ok());
    ASSERT_TRUE(l().put_settlement(make_settlement("S1", "F1", "P1", 18001, 100)).ok());
    ASSERT_TRUE(l().add_fund("POOL", "opening", Fen(1000000)).ok());
    ASSERT_TRUE(l().put_document({"policy", "p2020", "yaml: 1", 1}).ok());
    ASSERT_EQ(l().next_sequence("setl").value(), 1);
    ASSERT_TRUE(l().commit_batch().ok());
  }

  // Changes every kind of record seed() wrote (a deleted line and a changed balance included).
  void change_everything() {
    ASSERT_TRUE(l().put_meta("k", "v1").ok());
    ASSERT_TRUE(l().put_journal(make_journal("J2", 2)).ok());
    auto j1 = make_journal("J1", 1);
    j1.state = kJournalLive;
    ASSERT_TRUE(l().put_journal(j1).ok());
    auto f = make_facility("F1");
    f.departments.pop_back();
    ASSERT_TRUE(l().put_facility(f).ok());
    ASSERT_TRUE(l().put_facility(make_facility("F2")).ok());
    ASSERT_TRUE(l().put_person(make_person("P2")).ok());
    ASSERT_TRUE(l().put_balance("P1", Fen(2500)).ok());
    ASSERT_TRUE(l().put_accumulators("P1", Insutype::kEmployee, 2020, make_acc(2)).ok());
    ASSERT_TRUE(l().put_accumulators("P1", Insutype::kEmployee, 2021, make_acc(5)).ok());
    auto filing = make_filing("FL1", "P9");  // moves to another person: leaves filings_of("P1")
    ASSERT_TRUE(l().put_filing(filing).ok());
    ASSERT_TRUE(l().put_signin(SignIn{"F1", "op1", "SN2", at(18000, 2), true}).ok());
    auto v = make_visit("V1", "F1", "P1", VisitKind::kInpatient, VisitState::kSettled, "IPT1");
    ASSERT_TRUE(l().put_visit(v).ok());
    ASSERT_TRUE(l().delete_line("V1", "001").ok());
    auto line = make_line("V1", "002", 700);
    line.setl_id = "S2";
    ASSERT_TRUE(l().put_line(line).ok());
    ASSERT_TRUE(l().put_settlement(make_settlement("S2", "F1", "P1", 18001, 200)).ok());
    auto s1 = make_settlement("S1", "F1", "P1", 18001, 100);
    s1.state = kSetlLive;
    ASSERT_TRUE(l().put_settlement(s1).ok());
    ASSERT_TRUE(l().add_fund("POOL", "payouts", Fen(425)).ok());
    ASSERT_TRUE(l().add_fund("SI", "premiums", Fen(10)).ok());
    ASSERT_TRUE(l().put_document({"catalog", "c1", "x", 2}).ok());
    ASSERT_EQ(l().next_sequence("setl").value(), 2);
  }

  B backend_;
  std::unique_ptr<Ledger> ledger_;
};

using Backends = ::testing::Types<MemoryBackend, SqliteBackend>;
TYPED_TEST_SUITE(LedgerTest, Backends, BackendName);

TYPED_TEST(LedgerTest, JournalRoundTripAndReplace) {
  Ledger& l = this->l();
  EXPECT_FALSE(l.find_journal("J1").has_value());
  ASSERT_TRUE(l.put_journal(make_journal("J1", 1)).ok());
  EXPECT_EQ(dump(l.find_journal("J1")), dump(make_journal("J1", 1)));
  auto e = make_journal("J1", 2);  // same msgid: replaces
  ASSERT_TRUE(l.put_journal(e).ok());
  EXPECT_EQ(dump(l.find_journal("J1")), dump(e));
  EXPECT_FALSE(l.find_journal("J").has_value());
}

TYPED_TEST(LedgerTest, FacilityPersonAndCounts) {
  Ledger& l = this->l();
  EXPECT_EQ(l.count_persons(), 0);
  ASSERT_TRUE(l.put_facility(make_facility("F1")).ok());
  ASSERT_TRUE(l.put_person(make_person("P1")).ok());
  ASSERT_TRUE(l.put_person(make_person("P2")).ok());
  EXPECT_EQ(dump(l.get_facility("F1")), dump(make_facility("F1")));
  EXPECT_EQ(dump(l.get_person("P1")), dump(make_person("P1")));
  auto p = make_person("P1");
  p.enrolment = models::Enrolment::kStopped;
  p.mulaid_psn_no.clear();
  ASSERT_TRUE(l.put_person(p).ok());
  EXPECT_EQ(dump(l.get_person("P1")), dump(p));
  auto f = make_facility("F1");
  f.departments.clear();
  ASSERT_TRUE(l.put_facility(f).ok());
  EXPECT_EQ(dump(l.get_facility("F1")), dump(f));
  EXPECT_EQ(l.count_persons(), 2);
  EXPECT_EQ(l.count_facilities(), 1);
  EXPECT_FALSE(l.get_person("P3").has_value());
  EXPECT_FALSE(l.get_facility("F2").has_value());
}

TYPED_TEST(LedgerTest, BalancesAndAccumulators) {
  Ledger& l = this->l();
  EXPECT_FALSE(l.get_balance("P1").has_value());
  ASSERT_TRUE(l.put_balance("P1", Fen(0)).ok());
  EXPECT_EQ(l.get_balance("P1"), Fen(0));  // zero is a stored balance, not "absent"
  ASSERT_TRUE(l.put_balance("P1", Fen(-5)).ok());
  EXPECT_EQ(l.get_balance("P1"), Fen(-5));

  EXPECT_FALSE(l.get_accumulators("P1", Insutype::kEmployee, 2020).has_value());
  // Written out of order; all_accumulators lists by (psn_no, insutype, year).
  ASSERT_TRUE(l.put_accumulators("P2", Insutype::kResident, 2020, make_acc(4)).ok());
  ASSERT_TRUE(l.put_accumulators("P1", Insutype::kResident, 2020, make_acc(3)).ok());
  ASSERT_TRUE(l.put_accumulators("P1", Insutype::kEmployee, 2021, make_acc(2)).ok());
  ASSERT_TRUE(l.put_accumulators("P1", Insutype::kEmployee, 2020, make_acc(1)).ok());
  ASSERT_TRUE(l.put_accumulators("P1", Insutype::kEmployee, 2020, make_acc(7)).ok());  // replaces
  EXPECT_EQ(dump(l.get_accumulators("P1", Insutype::kEmployee, 2020)), dump(make_acc(7)));
  EXPECT_EQ(dump(l.get_accumulators("P1", Insutype::kResident, 2020)), dump(make_acc(3)));
  EXPECT_FALSE(l.get_accumulators("P1", Insutype::kResident, 2021).has_value());
  EXPECT_EQ(dump(l.all_accumulators()), "P1/310/2020:" + dump(make_acc(7)) + "\nP1/310/2021:" + dump(make_acc(2)) +
                                            "\nP1/390/2020:" + dump(make_acc(3)) + "\nP2/390/2020:" +
                                            dump(make_acc(4)) + "\n");
}

TYPED_TEST(LedgerTest, FilingsAndSignins) {
  Ledger& l = this->l();
  ASSERT_TRUE(l.put_filing(make_filing("FL2", "P1")).ok());
  ASSERT_TRUE(l.put_filing(make_filing("FL1", "P1")).ok());
  ASSERT_TRUE(l.put_filing(make_filing("FL3", "P2")).ok());
  auto closed = make_filing("FL0", "P1");
  closed.end = CivilDate{18100};
  ASSERT_TRUE(l.put_filing(closed).ok());
  EXPECT_EQ(dump(l.get_filing("FL1")), dump(make_filing("FL1", "P1")));
  EXPECT_EQ(l.get_filing("FL1")->end.days, INT32_MAX);
  EXPECT_EQ(dump(l.filings_of("P1")),
            dump(std::vector{closed, make_filing("FL1", "P1"), make_filing("FL2", "P1")}));
  ASSERT_TRUE(l.put_filing(make_filing("FL2", "P2")).ok());  // reassigned
  EXPECT_EQ(dump(l.filings_of("P2")), dump(std::vector{make_filing("FL2", "P2"), make_filing("FL3", "P2")}));
  EXPECT_TRUE(l.filings_of("P").empty());

  const SignIn a{"F2", "op1", "SN-A", at(18000, 5), false}, b{"F1", "op2", "SN-B", at(18000, 6), false};
  const SignIn c{"F1", "op2", "SN-C", at(18000, 7), true};  // supersedes b: same (facility, operator)
  for (const auto& s : {a, b, c}) ASSERT_TRUE(l.put_signin(s).ok());
  EXPECT_EQ(dump(l.all_signins()), dump(std::vector{c, a}));
}

TYPED_TEST(LedgerTest, VisitRoundTrip) {
  Ledger& l = this->l();
  auto v = make_visit("V1", "F1", "P1", VisitKind::kInpatient, VisitState::kDischarged, "IPT1");
  ASSERT_TRUE(l.put_visit(v).ok());
  EXPECT_EQ(dump(l.get_visit("V1")), dump(v));
  v.endtime.reset();
  v.version = 43;
  v.rxno = "RX1";
  ASSERT_TRUE(l.put_visit(v).ok());
  EXPECT_EQ(dump(l.get_visit("V1")), dump(v));
  EXPECT_FALSE(l.get_visit("V2").has_value());
}

TYPED_TEST(LedgerTest, FindVisitByKeyIgnoresVoid) {
  Ledger& l = this->l();
  auto v1 = make_visit("V1", "F1", "P1", VisitKind::kOutpatient, VisitState::kRegistered, "OTP1");
  ASSERT_TRUE(l.put_visit(v1).ok());
  EXPECT_EQ(dump(l.find_visit_by_key("F1", VisitKind::kOutpatient, "OTP1")), dump(v1));
  EXPECT_FALSE(l.find_visit_by_key("F2", VisitKind::kOutpatient, "OTP1").has_value());
  EXPECT_FALSE(l.find_visit_by_key("F1", VisitKind::kInpatient, "OTP1").has_value());
  EXPECT_FALSE(l.find_visit_by_key("F1", VisitKind::kOutpatient, "OTP").has_value());

  v1.state = VisitState::kVoid;  // a cancelled registration frees its number
  ASSERT_TRUE(l.put_visit(v1).ok());
  EXPECT_FALSE(l.find_visit_by_key("F1", VisitKind::kOutpatient, "OTP1").has_value());
  auto v2 = make_visit("V2", "F1", "P1", VisitKind::kOutpatient, VisitState::kSettled, "OTP1");
  ASSERT_TRUE(l.put_visit(v2).ok());
  EXPECT_EQ(l.find_visit_by_key("F1", VisitKind::kOutpatient, "OTP1")->mdtrt_id, "V2");

  // A pharmacy sale's key is its prescription number; no key matches nothing.
  auto sale = make_visit("V3", "F1", "P1", VisitKind::kPharmacy, VisitState::kSettled, "RX7");
  sale.ipt_otp_no = "OTP9";
  ASSERT_TRUE(l.put_visit(sale).ok());
  EXPECT_EQ(l.find_visit_by_key("F1", VisitKind::kPharmacy, "RX7")->mdtrt_id, "V3");
  EXPECT_FALSE(l.find_visit_by_key("F1", VisitKind::kPharmacy, "OTP9").has_value());
  auto otc = make_visit("V4", "F1", "P1", VisitKind::kPharmacy, VisitState::kSettled, "");
  ASSERT_TRUE(l.put_visit(otc).ok());
  EXPECT_FALSE(l.find_visit_by_key("F1", VisitKind::kPharmacy, "").has_value());
}

TYPED_TEST(LedgerTest, FindOpenStay) {
  Ledger& l = this->l();
  auto stay = make_visit("V1", "F1", "P1", VisitKind::kInpatient, VisitState::kRegistered, "IPT1");
  ASSERT_TRUE(l.put_visit(make_visit("V0", "F1", "P1", VisitKind::kOutpatient, VisitState::kFeesOpen, "O1")).ok());
  EXPECT_FALSE(l.find_open_stay("F1", "P1").has_value());  // an outpatient visit is no stay
  ASSERT_TRUE(l.put_visit(stay).ok());
  EXPECT_EQ(dump(l.find_open_stay("F1", "P1")), dump(stay));
  EXPECT_FALSE(l.find_open_stay("F2", "P1").has_value());
  EXPECT_FALSE(l.find_open_stay("F1", "P2").has_value());
  for (VisitState s : {VisitState::kFeesOpen, VisitState::kDischarged}) {
    stay.state = s;
    ASSERT_TRUE(l.put_visit(stay).ok());
    EXPECT_TRUE(l.find_open_stay("F1", "P1").has_value()) << static_cast<int>(s);
  }
  for (VisitState s : {VisitState::kSettled, VisitState::kVoid}) {
    stay.state = s;
    ASSERT_TRUE(l.put_visit(stay).ok());
    EXPECT_FALSE(l.find_open_stay("F1", "P1").has_value()) << static_cast<int>(s);
  }
}

TYPED_TEST(LedgerTest, LinesInOrderReplaceAndDelete) {
  Ledger& l = this->l();
  for (const char* sn : {"003", "001", "002"}) ASSERT_TRUE(l.put_line(make_line("V1", sn, 100)).ok());
  ASSERT_TRUE(l.put_line(make_line("V10", "001", 1)).ok());  // a prefix of another visit's id
  ASSERT_TRUE(l.put_line(make_line("V", "001", 1)).ok());
  auto settled = make_line("V1", "002", 100);
  settled.setl_id = "S1";
  settled.fee_ocur_time.reset();
  ASSERT_TRUE(l.put_line(settled).ok());
  ASSERT_TRUE(l.delete_line("V1", "003").ok());
  ASSERT_TRUE(l.delete_line("V1", "404").ok());  // deleting nothing is fine
  EXPECT_EQ(dump(l.lines_of("V1")), dump(std::vector{make_line("V1", "001", 100), settled}));
  EXPECT_EQ(l.lines_of("V10").size(), 1u);
  EXPECT_TRUE(l.lines_of("V2").empty());
}

TYPED_TEST(LedgerTest, MoveLinesMovesOnlyTheVisitsLinesOfOneSettlement) {
  Ledger& l = this->l();
  for (const char* sn : {"001", "002", "003"}) ASSERT_TRUE(l.put_line(make_line("V1", sn, 100)).ok());
  auto other = make_line("V1", "004", 100);
  other.setl_id = "S1";
  ASSERT_TRUE(l.put_line(other).ok());
  ASSERT_TRUE(l.put_line(make_line("V10", "001", 1)).ok());  // another visit's open line
  auto setl_ids = [&](std::string_view mdtrt_id) {
    std::string out;
    for (const auto& line : l.lines_of(mdtrt_id)) out += line.feedetl_sn + "=" + line.setl_id + " ";
    return out;
  };
  ASSERT_TRUE(l.move_lines("V1", "", "S2").ok());  // a settlement takes the open lines
  EXPECT_EQ(setl_ids("V1"), "001=S2 002=S2 003=S2 004=S1 ");
  EXPECT_EQ(setl_ids("V10"), "001= ");
  ASSERT_TRUE(l.move_lines("V1", "S2", "").ok());  // its cancellation gives them back
  EXPECT_EQ(setl_ids("V1"), "001= 002= 003= 004=S1 ");
  // Inside a rolled-back savepoint the move is undone with the rest.
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.move_lines("V1", "", "S3").ok());
  EXPECT_EQ(setl_ids("V1"), "001=S3 002=S3 003=S3 004=S1 ");
  ASSERT_TRUE(l.rollback_savepoint().ok());
  ASSERT_TRUE(l.commit_batch().ok());
  EXPECT_EQ(setl_ids("V1"), "001= 002= 003= 004=S1 ");
  ASSERT_TRUE(l.move_lines("V9", "", "S4").ok());  // a visit without lines: nothing to move
}

TYPED_TEST(LedgerTest, FundAdditionsOfABatchAreSeenAtOnceAndFollowItsSavepoints) {
  Ledger& l = this->l();
  ASSERT_TRUE(l.add_fund("POOL", "opening", Fen(1000)).ok());  // outside a batch
  auto pool = [&] { return dump(l.funds()[0]); };
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.add_fund("POOL", "payouts", Fen(5)).ok());
  ASSERT_TRUE(l.add_fund("SI", "payouts", Fen(1)).ok());
  ASSERT_TRUE(l.release_savepoint().ok());
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.add_fund("POOL", "payouts", Fen(7)).ok());
  ASSERT_TRUE(l.savepoint().ok());  // nested: released into the one below
  ASSERT_TRUE(l.add_fund("POOL", "reversals", Fen(2)).ok());
  ASSERT_TRUE(l.release_savepoint().ok());
  EXPECT_EQ(pool(), "POOL:1000/0/12/2");
  ASSERT_TRUE(l.rollback_savepoint().ok());
  EXPECT_EQ(pool(), "POOL:1000/0/5/0");
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.add_fund("POOL", "payouts", Fen(3)).ok());
  ASSERT_TRUE(l.release_savepoint().ok());
  ASSERT_TRUE(l.commit_batch().ok());
  EXPECT_EQ(pool(), "POOL:1000/0/8/0");
  EXPECT_EQ(dump(l.funds()[2]), "SI:0/0/1/0");
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.add_fund("POOL", "payouts", Fen(100)).ok());
  l.abort_batch();
  EXPECT_EQ(pool(), "POOL:1000/0/8/0");
}

TYPED_TEST(LedgerTest, SettlementRoundTripAndPersonYear) {
  Ledger& l = this->l();
  const auto s1 = make_settlement("S1", "F1", "P1", 18001, 500);
  auto s2 = make_settlement("S2", "F1", "P1", 18001, 100, -1);
  s2.details.clear();
  s2.acc_delta = models::Accumulators{};
  s2.reply.clear();
  auto s3 = make_settlement("S0", "F2", "P1", 18001, 500);  // same time as S1: ordered by setl_id
  auto other_year = make_settlement("S4", "F1", "P1", 18002, 1);
  other_year.care_year = 2021;
  auto other_scheme = make_settlement("S5", "F1", "P1", 18002, 2);
  other_scheme.insutype = Insutype::kResident;
  for (const auto& s : {s1, s2, s3, other_year, other_scheme}) ASSERT_TRUE(l.put_settlement(s).ok());
  EXPECT_EQ(dump(l.get_settlement("S1")), dump(s1));
  EXPECT_EQ(dump(l.get_settlement("S2")), dump(s2));
  EXPECT_FALSE(l.get_settlement("S9").has_value());
  EXPECT_EQ(dump(l.settlements_of("P1", Insutype::kEmployee, 2020)), dump(std::vector{s2, s3, s1}));
  EXPECT_EQ(dump(l.settlements_of("P1", Insutype::kEmployee, 2021)), dump(std::vector{other_year}));
  EXPECT_EQ(dump(l.settlements_of("P1", Insutype::kResident, 2020)), dump(std::vector{other_scheme}));

  auto cancelled = s1;  // replace: the original marked cancelled
  cancelled.state = kSetlCancelled;
  cancelled.undone_by = "S2";
  ASSERT_TRUE(l.put_settlement(cancelled).ok());
  EXPECT_EQ(dump(l.get_settlement("S1")), dump(cancelled));
}

TYPED_TEST(LedgerTest, MetaSequencesAndDocuments) {
  Ledger& l = this->l();
  EXPECT_EQ(l.get_meta("schema_version"), std::to_string(ledger_detail::kSchemaVersion));
  EXPECT_FALSE(l.get_meta("preset").has_value());
  ASSERT_TRUE(l.put_meta("preset", "city").ok());
  ASSERT_TRUE(l.put_meta("preset", "province").ok());
  EXPECT_EQ(l.get_meta("preset"), "province");
  EXPECT_EQ(l.next_sequence("setl").value(), 1);
  EXPECT_EQ(l.next_sequence("setl").value(), 2);
  EXPECT_EQ(l.next_sequence("mdtrt").value(), 1);
  EXPECT_EQ(l.next_sequence("setl").value(), 3);

  ASSERT_TRUE(l.put_document({"policy", "b", "v1", 3}).ok());
  ASSERT_TRUE(l.put_document({"catalog", "a", "c", 1}).ok());
  ASSERT_TRUE(l.put_document({"policy", "a", "p", 2}).ok());
  ASSERT_TRUE(l.put_document({"policy", "b", "v2", 4}).ok());  // same (kind, name): replaced
  EXPECT_EQ(dump(l.documents()), "catalog|a|c|1\npolicy|a|p|2\npolicy|b|v2|4\n");
}

TYPED_TEST(LedgerTest, FundsAddUp) {
  Ledger& l = this->l();
  std::string zeros;
  for (const char* f : kFunds) zeros += fmt::format("{}:0/0/0/0\n", f);
  EXPECT_EQ(dump(l.funds()), zeros);  // all seven, in kFunds order, before any write
  ASSERT_TRUE(l.add_fund("POOL", "opening", Fen(1000000)).ok());
  ASSERT_TRUE(l.add_fund("POOL", "premiums", Fen(5000)).ok());
  ASSERT_TRUE(l.add_fund("POOL", "payouts", Fen(1234)).ok());
  ASSERT_TRUE(l.add_fund("POOL", "payouts", Fen(66)).ok());
  ASSERT_TRUE(l.add_fund("POOL", "reversals", Fen(300)).ok());
  ASSERT_TRUE(l.add_fund("ACCT", "payouts", Fen(7)).ok());
  ASSERT_TRUE(l.add_fund("OTH", "payouts", Fen(1)).ok());  // not in kFunds: listed after them
  EXPECT_FALSE(l.add_fund("POOL", "closing", Fen(1)).ok());
  const auto funds = l.funds();
  ASSERT_EQ(funds.size(), std::size(kFunds) + 1);
  EXPECT_EQ(dump(funds[0]), "POOL:1000000/5000/1300/300");
  EXPECT_EQ(funds[0].closing(), Fen(1000000 + 5000 - 1300 + 300));
  EXPECT_EQ(dump(funds[6]), "ACCT:0/0/7/0");
  EXPECT_EQ(funds[6].closing(), Fen(-7));
  EXPECT_EQ(dump(funds[7]), "OTH:0/0/1/0");
}

TYPED_TEST(LedgerTest, SavepointRollbackRestoresExactly) {
  Ledger& l = this->l();
  this->seed();
  const std::string before = snapshot(l);
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.savepoint().ok());
  this->change_everything();
  ASSERT_NE(snapshot(l), before);
  ASSERT_TRUE(l.rollback_savepoint().ok());
  EXPECT_EQ(snapshot(l), before);
  EXPECT_EQ(l.next_sequence("setl").value(), 2);  // the rolled-back increment is gone too

  // A released savepoint's writes survive the commit; a rolled-back neighbour's do not.
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.put_balance("P1", Fen(1)).ok());
  ASSERT_TRUE(l.release_savepoint().ok());
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.put_balance("P1", Fen(2)).ok());
  ASSERT_TRUE(l.delete_line("V1", "002").ok());
  ASSERT_TRUE(l.rollback_savepoint().ok());
  ASSERT_TRUE(l.commit_batch().ok());
  EXPECT_EQ(l.get_balance("P1"), Fen(1));
  EXPECT_EQ(l.lines_of("V1").size(), 2u);
}

TYPED_TEST(LedgerTest, AbortBatchRestores) {
  Ledger& l = this->l();
  this->seed();
  const std::string before = snapshot(l);
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.put_balance("P1", Fen(3)).ok());
  ASSERT_TRUE(l.release_savepoint().ok());
  ASSERT_TRUE(l.savepoint().ok());
  this->change_everything();
  ASSERT_TRUE(l.release_savepoint().ok());
  l.abort_batch();
  EXPECT_EQ(snapshot(l), before);
  EXPECT_EQ(l.next_sequence("setl").value(), 2);  // autocommit, outside a batch
  // The ledger is usable again after an abort.
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.put_balance("P1", Fen(4)).ok());
  ASSERT_TRUE(l.commit_batch().ok());
  EXPECT_EQ(l.get_balance("P1"), Fen(4));
}

TYPED_TEST(LedgerTest, TransactionMisuseIsAnError) {
  Ledger& l = this->l();
  EXPECT_FALSE(l.commit_batch().ok());
  EXPECT_FALSE(l.release_savepoint().ok());
  EXPECT_FALSE(l.rollback_savepoint().ok());
  ASSERT_TRUE(l.begin_batch().ok());
  EXPECT_FALSE(l.begin_batch().ok());
  EXPECT_FALSE(l.release_savepoint().ok());
  ASSERT_TRUE(l.put_meta("k", "in").ok());
  ASSERT_TRUE(l.commit_batch().ok());
  EXPECT_EQ(l.get_meta("k"), "in");
  l.abort_batch();  // nothing open: harmless
  EXPECT_EQ(l.get_meta("k"), "in");
}

TYPED_TEST(LedgerTest, ReconTotalsCountCancellationsNegative) {
  Ledger& l = this->l();
  auto put = [&](const std::string& id, const std::string& code, int day, Insutype t, const char* clr, int sign) {
    auto s = make_settlement(id, code, "P1", day, 3600, sign);
    s.insutype = t;
    s.clr_type = clr;
    ASSERT_TRUE(l.put_settlement(s).ok());
  };
  const auto E = Insutype::kEmployee, R = Insutype::kResident;
  put("A", "F1", 18001, E, "11", 1);
  put("B", "F1", 18001, E, "11", 1);
  put("C", "F1", 18001, E, "11", -1);  // cancels A or B: same amounts, negated
  put("D", "F1", 18001, R, "11", 1);
  put("E", "F1", 18001, E, "21", 1);
  put("F", "F1", 18000, E, "11", 1);  // the day before
  put("G", "F1", 18002, E, "11", -1);  // a cancellation counted on a later day
  put("H", "F2", 18001, E, "11", 1);  // another facility
  const int64_t m = make_settlement("x", "", "", 0, 0).medfee_sumamt.v;
  const int64_t fp = make_settlement("x", "", "", 0, 0).fund_pay_sumamt.v;
  const int64_t ac = make_settlement("x", "", "", 0, 0).acct_pay.v;
  auto totals = [&](int from, int to, const char* t, const char* clr) {
    return dump(l.recon_totals("F1", CivilDate{from}, CivilDate{to}, t, clr));
  };
  auto expect = [&](int n) { return dump(ReconTotals{Fen(n * m), Fen(n * fp), Fen(n * ac), n}); };
  EXPECT_EQ(totals(18001, 18001, "310", "11"), expect(1));  // A + B - C
  EXPECT_EQ(totals(18001, 18001, "", "11"), expect(2));
  EXPECT_EQ(totals(18001, 18001, "390", ""), expect(1));
  EXPECT_EQ(totals(18001, 18001, "", ""), expect(3));
  EXPECT_EQ(totals(18000, 18002, "", ""), expect(3));  // + F - G
  EXPECT_EQ(totals(18002, 18002, "", ""), expect(-1));
  EXPECT_EQ(totals(18000, 18001, "310", "21"), expect(1));
  EXPECT_EQ(totals(18003, 18010, "", ""), expect(0));
  EXPECT_EQ(totals(18002, 18000, "", ""), expect(0));
  EXPECT_EQ(totals(18001, 18001, "abc", ""), expect(0));  // a malformed filter matches nothing
  EXPECT_EQ(dump(l.recon_totals("F3", CivilDate{0}, CivilDate{99999}, "", "")), expect(0));
}

TYPED_TEST(LedgerTest, ReconRowsPageInOrderWithoutLossOrRepeat) {
  Ledger& l = this->l();
  std::mt19937 rng(7);
  std::vector<std::pair<int64_t, std::string>> expected;
  ASSERT_TRUE(l.begin_batch().ok());
  for (int i = 0; i < 137; ++i) {
    const int day = 18000 + static_cast<int>(rng() % 5);          // 18000..18004
    const int second = static_cast<int>(rng() % 40) * 100;         // many equal setl_times
    const std::string id = fmt::format("S{:03}", (i * 71) % 137);  // ids not in time order
    auto s = make_settlement(id, i % 10 == 0 ? "F2" : "F1", "P1", day, second, i % 7 == 0 ? -1 : 1);
    s.business_day = CivilDate{day - (i % 3 == 0 ? 1 : 0)};  // business day need not be the commit day
    ASSERT_TRUE(l.put_settlement(s).ok());
    if (s.fixmedins_code == "F1" && s.business_day.days >= 18001 && s.business_day.days <= 18003)
      expected.emplace_back(s.setl_time.s, id);
  }
  ASSERT_TRUE(l.commit_batch().ok());
  std::sort(expected.begin(), expected.end());
  ASSERT_GT(expected.size(), 40u);

  for (int32_t page : {1, 10, 1000}) {
    std::vector<std::pair<int64_t, std::string>> got;
    CivilTime after{};
    std::string after_id;
    for (int guard = 0; guard < 1000; ++guard) {
      const auto rows = l.recon_rows("F1", CivilDate{18001}, CivilDate{18003}, after, after_id, page);
      ASSERT_LE(rows.size(), static_cast<size_t>(page));
      for (const auto& r : rows) {
        EXPECT_EQ(dump(r), dump(l.get_settlement(r.setl_id)));  // whole records
        got.emplace_back(r.setl_time.s, r.setl_id);
      }
      if (rows.size() < static_cast<size_t>(page)) break;
      after = rows.back().setl_time;
      after_id = rows.back().setl_id;
    }
    EXPECT_EQ(got, expected) << "page " << page;
  }
  EXPECT_TRUE(l.recon_rows("F1", CivilDate{18001}, CivilDate{18003}, {}, "", 0).empty());
}

}  // namespace
}  // namespace yibao::core
