// The pieces of the core-operations work below the wire: which scope refuses which call
// (DOMAIN.md §11.14), window states and the time a scope reopens, the premium deadline a
// premium_channels window moves (§11.15), the admin clock (never backwards), fault countdown,
// and the windows' storage on both ledger backends (insert, update in place, order, rollback).
#include "grpc/core/windows.h"

#include <gtest/gtest.h>

#include "grpc/core/clock.h"
#include "grpc/core/faults.h"
#include "grpc/core/ledger.h"
#include "tests/testing/temp_dir.h"

namespace yibao::core {
namespace {

CivilTime t(int month, int day, int hour) { return make_time(2020, month, day, hour); }

SwitchoverWindow window(const std::string& id, WindowScope scope, CivilTime start, CivilTime end) {
  SwitchoverWindow w;
  w.id = id;
  w.scope = scope;
  w.start = start;
  w.end = end;
  w.note = "notice " + id;
  w.opened_at = t(4, 1, 9);
  return w;
}

TEST(WindowsTest, ScopesNameTheirCalls) {
  struct Row {
    const char* kind;
    std::optional<WindowScope> scope;
  };
  const Row rows[] = {
      {"2201", WindowScope::kCardSettlement}, {"2206", WindowScope::kCardSettlement},
      {"2207A", WindowScope::kCardSettlement}, {"2208", WindowScope::kCardSettlement},
      {"2301", WindowScope::kCardSettlement}, {"2305", WindowScope::kCardSettlement},
      {"2401", WindowScope::kCardSettlement}, {"2405", WindowScope::kCardSettlement},
      {"2101", WindowScope::kCardSettlement}, {"2103", WindowScope::kCardSettlement},
      {"2601", WindowScope::kCardSettlement}, {"2501", WindowScope::kInsuranceBusiness},
      {"2507", WindowScope::kInsuranceBusiness}, {"UpsertPersons", WindowScope::kInsuranceBusiness},
      {"UpsertFilings", WindowScope::kInsuranceBusiness}, {"CollectPremium", WindowScope::kPremiumChannels},
      {"9001", std::nullopt}, {"9002", std::nullopt}, {"1101", std::nullopt}, {"3201", std::nullopt},
      {"3202", std::nullopt}, {"5206", std::nullopt}, {"2209", std::nullopt}, {"UpsertFacilities", std::nullopt},
      {"SetClock", std::nullopt}, {"", std::nullopt}};
  for (const Row& r : rows) EXPECT_EQ(scope_of_call(r.kind), r.scope) << r.kind;
  for (WindowScope s : {WindowScope::kCardSettlement, WindowScope::kInsuranceBusiness, WindowScope::kPremiumChannels})
    EXPECT_EQ(parse_window_scope(window_scope_name(s)), s);
  EXPECT_FALSE(parse_window_scope("card"));
}

TEST(WindowsTest, InForceFromStartUntilEndAndChainedWindowsReopenAtTheLastEnd) {
  Windows ws;
  EXPECT_TRUE(ws.check("2207", t(5, 8, 18)).ok());
  const SwitchoverWindow card = window("W1", WindowScope::kCardSettlement, t(5, 8, 18), t(5, 11, 8));
  ws.put(card);
  EXPECT_EQ(window_state(card, t(5, 8, 17)), WindowState::kScheduled);
  EXPECT_EQ(window_state(card, t(5, 8, 18)), WindowState::kInForce);
  EXPECT_EQ(window_state(card, t(5, 11, 8)), WindowState::kEnded);
  EXPECT_TRUE(ws.check("2207", t(5, 8, 17)).ok());
  const Status in = ws.check("2207", t(5, 8, 18));
  EXPECT_EQ(in.code(), Code::kUnavailable);
  EXPECT_EQ(in.reason(), reason::kSwitchover);
  EXPECT_EQ(in.retry_after(), "2020-05-11T08:00:00");
  EXPECT_TRUE(ws.check("1101", t(5, 9, 0)).ok());
  EXPECT_TRUE(ws.check("2501", t(5, 9, 0)).ok());
  EXPECT_TRUE(ws.check("2207", t(5, 11, 8)).ok());
  // A second window starting inside the first extends the reopening.
  ws.put(window("W2", WindowScope::kCardSettlement, t(5, 10, 0), t(5, 12, 8)));
  EXPECT_EQ(ws.check("2201", t(5, 8, 20)).retry_after(), "2020-05-12T08:00:00");
  EXPECT_EQ(ws.reopens(WindowScope::kCardSettlement, t(5, 11, 9)), t(5, 12, 8));
  EXPECT_FALSE(ws.reopens(WindowScope::kInsuranceBusiness, t(5, 11, 9)));
  // Replacing by id (a close) takes effect.
  SwitchoverWindow closed = card;
  closed.end = t(5, 9, 0);
  ws.put(closed);
  ws.put(window("W2", WindowScope::kCardSettlement, t(5, 10, 0), t(5, 10, 0)));
  EXPECT_TRUE(ws.check("2207", t(5, 9, 0)).ok());
  EXPECT_EQ(ws.all().size(), 2u);
}

TEST(WindowsTest, APremiumDeadlineInsideACollectionOutageMovesToItsEndPlus30Days) {
  Windows ws;
  EXPECT_EQ(ws.premium_covered_through(make_date(2020, 4, 30)), make_date(2020, 4, 30));
  ws.put(window("W1", WindowScope::kPremiumChannels, t(4, 30, 18), t(5, 14, 8)));
  // Deadline May 1 00:00 is inside: moved to Jun 13 08:00, so covered through Jun 13.
  EXPECT_EQ(ws.premium_covered_through(make_date(2020, 4, 30)), make_date(2020, 6, 13));
  // Deadline Apr 30 00:00 is before the window: unchanged.
  EXPECT_EQ(ws.premium_covered_through(make_date(2020, 4, 29)), make_date(2020, 4, 29));
  // A card_settlement window moves nothing.
  ws.put(window("W2", WindowScope::kCardSettlement, t(7, 1, 0), t(7, 5, 0)));
  EXPECT_EQ(ws.premium_covered_through(make_date(2020, 6, 30)), make_date(2020, 6, 30));
  // A moved deadline that falls into another collection outage moves again.
  ws.put(window("W3", WindowScope::kPremiumChannels, t(6, 10, 0), t(6, 20, 0)));
  EXPECT_EQ(ws.premium_covered_through(make_date(2020, 4, 30)), make_date(2020, 7, 19));
}

TEST(ClockTest, AdminClockIsUnsetUntilSetAndNeverGoesBack) {
  Clock wall;
  EXPECT_TRUE(wall.now().ok());
  EXPECT_EQ(wall.check_set(t(5, 8, 0)).code(), Code::kFailedPrecondition);
  Clock admin(Clock::Mode::kAdmin);
  EXPECT_FALSE(admin.is_set());
  EXPECT_EQ(admin.now().status().reason(), reason::kClockUnset);
  EXPECT_EQ(admin.now().status().code(), Code::kUnavailable);
  EXPECT_TRUE(admin.check_set(t(5, 8, 0)).ok());
  admin.set(t(5, 8, 18));
  EXPECT_EQ(*admin.now(), t(5, 8, 18));
  EXPECT_EQ(admin.check_set(t(5, 8, 17)).code(), Code::kFailedPrecondition);
  EXPECT_TRUE(admin.check_set(t(5, 8, 18)).ok());
  admin.set(t(5, 8, 17));  // ignored
  EXPECT_EQ(*admin.now(), t(5, 8, 18));
  const Clock restarted(Clock::Mode::kAdmin, t(5, 9, 0));
  EXPECT_EQ(*restarted.now(), t(5, 9, 0));
}

TEST(FaultsTest, DisabledRefusesCountsDownAndMatchesInfnoOrRpc) {
  Faults off;
  EXPECT_EQ(off.inject(Fault{"2207", 0, Fault::Action::kLoseReply, {}, 1, 0}).code(), Code::kFailedPrecondition);
  EXPECT_FALSE(off.take("2207", "Settle").any());
  Faults f;
  f.enable();
  ASSERT_TRUE(f.inject(Fault{"2207", 5, Fault::Action::kLoseReply, {}, 2, 0}).ok());
  ASSERT_TRUE(f.inject(Fault{"GetPerson", 0, Fault::Action::kRefuse, Status(Code::kUnavailable, "", "x"), 0, 0}).ok());
  EXPECT_EQ(f.take("2207A", "Settle").action, Fault::Action::kLoseReply);
  EXPECT_EQ(f.take("2207", "Settle").latency_ms, 5);
  EXPECT_FALSE(f.take("2207", "Settle").any());  // counted down
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.take("1101", "GetPerson").action, Fault::Action::kRefuse);
  EXPECT_EQ(f.list().size(), 1u);
  EXPECT_EQ(f.clear(""), 1);
  EXPECT_FALSE(f.take("1101", "GetPerson").any());
}

class WindowLedgerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      ledger_ = make_memory_ledger();
    } else {
      auto l = open_sqlite_ledger(dir_.file("l.db"));
      ASSERT_TRUE(l.ok()) << l.status().ToString();
      ledger_ = std::move(l).value();
    }
  }
  yibao::testing::TempDir dir_;
  std::unique_ptr<Ledger> ledger_;
};
INSTANTIATE_TEST_SUITE_P(Ledgers, WindowLedgerTest, ::testing::Values("memory", "sqlite"));

TEST_P(WindowLedgerTest, StoredInOrderUpdatedInPlaceAndRolledBack) {
  Ledger& l = *ledger_;
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.put_window(window("W2", WindowScope::kPremiumChannels, t(4, 30, 18), t(5, 14, 8))).ok());
  ASSERT_TRUE(l.put_window(window("W10", WindowScope::kCardSettlement, t(5, 8, 18), t(5, 11, 8))).ok());
  SwitchoverWindow closed = window("W2", WindowScope::kPremiumChannels, t(4, 30, 18), t(5, 2, 0));
  closed.closed_at = t(5, 2, 0);
  ASSERT_TRUE(l.put_window(closed).ok());
  ASSERT_TRUE(l.commit_batch().ok());
  ASSERT_TRUE(l.begin_batch().ok());
  ASSERT_TRUE(l.savepoint().ok());
  ASSERT_TRUE(l.put_window(window("W11", WindowScope::kInsuranceBusiness, t(5, 8, 18), t(5, 14, 8))).ok());
  ASSERT_TRUE(l.rollback_savepoint().ok());
  ASSERT_TRUE(l.commit_batch().ok());
  const std::vector<SwitchoverWindow> ws = l.windows();
  ASSERT_EQ(ws.size(), 2u);
  EXPECT_EQ(ws[0].id, "W2");
  EXPECT_EQ(ws[0].scope, WindowScope::kPremiumChannels);
  EXPECT_EQ(ws[0].start, t(4, 30, 18));
  EXPECT_EQ(ws[0].end, t(5, 2, 0));
  EXPECT_EQ(ws[0].note, "notice W2");
  EXPECT_EQ(ws[0].opened_at, t(4, 1, 9));
  EXPECT_EQ(ws[0].closed_at, t(5, 2, 0));
  EXPECT_EQ(ws[1].id, "W10");
  EXPECT_EQ(ws[1].scope, WindowScope::kCardSettlement);
  EXPECT_FALSE(ws[1].closed_at);
}

}  // namespace
}  // namespace yibao::core
