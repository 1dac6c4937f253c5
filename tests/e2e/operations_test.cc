// Core operations at process level (DOMAIN.md §11.1, §11.3, §11.14, §11.15; DESIGN.md §4
// "Clock"): the admin clock (unset → E_CLOCK_UNSET, set, never backwards, kept across a restart,
// sign-ins expiring at the end of its civil day), each switchover-window scope (what it refuses,
// with which code and yb-retry-after, what it still answers, replays of pre-window msgids inside
// and after it, windows kept across a restart), and premium collection with the deadline a
// premium_channels window moves. Both ledger backends; restarts on SQLite only.
#include <gtest/gtest.h>

#include "tests/e2e/operations_fixture.h"

namespace yibao::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Ledgers, AdminClockTest, ::testing::Values("memory", "sqlite"));

v1::GetPersonRequest get_person(Session& s, const std::string& psn_no) {
  v1::GetPersonRequest req;
  *req.mutable_header() = s.header("1101");
  req.set_mdtrt_cert_type("01");
  req.set_mdtrt_cert_no(psn_no);
  return req;
}

v1::RegisterRequest register_at(Session& s, const std::string& psn_no, const std::string& begntime) {
  v1::RegisterRequest req;
  *req.mutable_header() = s.header("2201");
  req.set_psn_no(psn_no);
  req.set_begntime(begntime);
  req.set_ipt_otp_no("OTP" + req.header().msgid());
  return req;
}

TEST_P(AdminClockTest, UnsetUntilSetNeverBackwardsAndSignInsExpireAtItsDayEnd) {
  const v1::ClockReply unset = get_clock();
  EXPECT_EQ(unset.mode(), "admin");
  EXPECT_FALSE(unset.set());
  // Every Settlement call needs the time: the sign-in too.
  const uint32_t j = 0;
  Session s(*pool_, pop_->facility_code(j), pop_->facility_secret(j));
  v1::SignInRequest in;
  *in.mutable_header() = s.header("9001");
  in.set_opter_no("op01");
  in.set_sign_secret(pop_->facility_secret(j));
  v1::SignInReply signed_in;
  client::CallResult r = s.call(&S::SignIn, in, &signed_in);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAVAILABLE) << r.status.error_message();
  EXPECT_EQ(r.reason, "E_CLOCK_UNSET");

  // The first SetClock may set any time; then it stands still.
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  EXPECT_EQ(get_clock().now(), at(5, 8, 9));
  ASSERT_TRUE(s.sign_in());
  v1::GetPersonReply who;
  const models::Person p = person(models::Insutype::kEmployee);
  EXPECT_TRUE(s.call(&S::GetPerson, get_person(s, p.psn_no), &who).ok());
  EXPECT_EQ(get_clock().now(), at(5, 8, 9));

  // Never backwards; the same time again is a harmless retry; forwards is fine.
  r = set_clock(at(5, 8, 8, 59, 59));
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(r.reason, "E_STATE");
  EXPECT_EQ(r.field, "time");
  EXPECT_TRUE(set_clock(at(5, 8, 9)).ok());
  EXPECT_TRUE(set_clock(at(5, 8, 23, 59, 59)).ok());
  EXPECT_TRUE(s.call(&S::GetPerson, get_person(s, p.psn_no), &who).ok());
  // A sign-in expires at the end of its civil day on this clock.
  ASSERT_TRUE(set_clock(at(5, 9, 0, 0, 1)).ok());
  r = s.call(&S::GetPerson, get_person(s, p.psn_no), &who);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(r.reason, "E_SIGNIN");
  // Unreadable time.
  r = set_clock("yesterday");
  EXPECT_EQ(r.code(), grpc::StatusCode::INVALID_ARGUMENT);

  if (GetParam() != "sqlite") return;
  // Across a restart: the clock starts where the ledger left off, and still never goes back.
  restart();
  EXPECT_TRUE(get_clock().set());
  EXPECT_EQ(get_clock().now(), at(5, 9, 0, 0, 1));
  EXPECT_EQ(set_clock(at(5, 9, 0, 0, 0)).code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(set_clock(at(5, 9, 8)).ok());
}

TEST_P(AdminClockTest, CardSettlementWindowRefusesMoneyAndVisitsAnswersTheRestAndReplaysAfter) {
  ASSERT_TRUE(set_clock(at(5, 8, 17)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const models::Person p = person(models::Insutype::kEmployee);
  const models::Person q = person(models::Insutype::kEmployee, 1);
  // Before the window: one visit settled (msgid M1), another ready to settle.
  v1::SettleRequest settled = ready_to_settle(*s, p, "a");
  v1::SettleReply first;
  ASSERT_TRUE(s->call(&S::Settle, settled, &first).ok());
  v1::SettleRequest pending = ready_to_settle(*s, q, "b");

  const std::string start = at(5, 8, 18), end = at(5, 11, 8);
  const v1::SwitchoverWindow w = open_window("card_settlement", start, end);
  EXPECT_EQ(w.state(), "SCHEDULED");
  EXPECT_EQ(w.scope(), "card_settlement");
  ASSERT_TRUE(set_clock(start).ok());
  ASSERT_EQ(list_windows().windows_size(), 1);
  EXPECT_EQ(list_windows().windows(0).state(), "IN_FORCE");

  // Refused: settle, register, a replay of the pre-window settlement; nothing stored.
  v1::SettleReply rep;
  expect_switchover(s->call(&S::Settle, pending, &rep), end, "2207");
  v1::RegisterReply reg;
  expect_switchover(s->call(&S::Register, register_at(*s, p.psn_no, at(5, 8, 18)), &reg), end, "2201");
  expect_switchover(s->call(&S::Settle, settled, &rep), end, "replay of a pre-window 2207");
  // Answered: sign-in, 1101, 5206, 3201.
  EXPECT_TRUE(s->sign_in());
  v1::GetPersonReply who;
  EXPECT_TRUE(s->call(&S::GetPerson, get_person(*s, p.psn_no), &who).ok());
  v1::GetAccumulatorsRequest acc;
  *acc.mutable_header() = s->header("5206");
  acc.set_psn_no(p.psn_no);
  acc.set_cum_ym(std::to_string(stats_year()) + "05");
  v1::GetAccumulatorsReply acc_rep;
  const client::CallResult acc_r = s->call(&S::GetAccumulators, acc, &acc_rep);
  EXPECT_TRUE(acc_r.ok()) << acc_r.status.error_message();
  v1::ReconcileTotalsRequest tot;
  *tot.mutable_header() = s->header("3201");
  tot.set_setl_optins(s->code());
  tot.set_stmt_begndate(date(5, 8));
  tot.set_stmt_enddate(date(5, 8));
  v1::ReconcileTotalsReply tot_rep;
  const client::CallResult tot_r = s->call(&S::ReconcileTotals, tot, &tot_rep);
  EXPECT_TRUE(tot_r.ok()) << tot_r.status.error_message();

  // After the window: the refused msgid settles (nothing had been stored), the pre-window one
  // replays its stored reply.
  ASSERT_TRUE(set_clock(end).ok());
  EXPECT_EQ(list_windows().windows(0).state(), "ENDED");
  ASSERT_TRUE(s->sign_in());  // a new civil day; the sign_no is a transport field (same payload)
  pending.mutable_header()->set_sign_no(s->sign_no());
  settled.mutable_header()->set_sign_no(s->sign_no());
  client::CallResult r = s->call(&S::Settle, pending, &rep);
  EXPECT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_FALSE(r.replay);
  v1::SettleReply again;
  r = s->call(&S::Settle, settled, &again);
  EXPECT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_TRUE(r.replay);
  EXPECT_EQ(again.setlinfo().setl_id(), first.setlinfo().setl_id());
}

TEST_P(AdminClockTest, InsuranceBusinessWindowFreezesEnrolmentAndFilingsNotSettlement) {
  ASSERT_TRUE(set_clock(at(5, 8, 17)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const models::Person p = person(models::Insutype::kEmployee);
  const std::string end = at(5, 14, 8);
  open_window("insurance_business", at(5, 8, 18), end);
  ASSERT_TRUE(set_clock(at(5, 9, 10)).ok());
  ASSERT_TRUE(s->sign_in());  // a new civil day
  // Enrolment changes (Admin) and filings are refused.
  v1::UpsertPersonsRequest up;
  v1::Person* np = up.add_persons();
  np->set_psn_no("P-FROZEN-0001");
  v1::UpsertReply up_rep;
  expect_switchover(pool_->call_sync(&A::UpsertPersons, up, &up_rep), end, "UpsertPersons");
  v1::FilingRequest filing;
  *filing.mutable_header() = s->header("2503");
  filing.set_psn_no(p.psn_no);
  filing.set_dise_codg("I10");
  filing.set_begndate(date(5, 9));
  v1::FilingReply filing_rep;
  expect_switchover(s->call(&S::File, filing, &filing_rep), end, "2503");
  // Settlement runs on the enrolment as it stood.
  v1::SettleReply settled;
  const client::CallResult r = s->call(&S::Settle, ready_to_settle(*s, p, "c"), &settled);
  EXPECT_TRUE(r.ok()) << r.status.error_message();
}

TEST_P(AdminClockTest, PremiumWindowRefusesCollectionAndMovesTheDeadline) {
  ASSERT_TRUE(set_clock(at(4, 30, 12)).ok());
  const models::Person moved = new_resident("P-PREMIUM-0001", date(4, 30));   // deadline inside the window
  const models::Person lapsed = new_resident("P-PREMIUM-0002", date(4, 29));  // deadline before it
  const std::string start = at(4, 30, 18), end = at(5, 14, 8);
  open_window("premium_channels", start, end);
  auto collect = [&](const std::string& psn_no, const std::string& through, v1::CollectPremiumReply* rep) {
    v1::CollectPremiumRequest req;
    req.set_psn_no(psn_no);
    req.set_amount(38000);
    req.set_paid_through(through);
    req.set_channel("wechat");
    return pool_->call_sync(&A::CollectPremium, req, rep);
  };
  v1::CollectPremiumReply paid;
  ASSERT_TRUE(set_clock(at(5, 1, 9)).ok());
  expect_switchover(collect(moved.psn_no, date(12, 31), &paid), end, "CollectPremium");

  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  v1::RegisterReply reg;
  // Paid through Apr 29: its deadline (Apr 30 00:00) is before the window, so it has lapsed.
  client::CallResult r = s->call(&S::Register, register_at(*s, lapsed.psn_no, at(5, 1, 9)), &reg);
  EXPECT_EQ(r.reason, "E_PSN_LAPSED") << r.status.error_message();
  // Covered through the window's end + 30 days (June 13).
  ASSERT_TRUE(set_clock(at(6, 13, 9)).ok());
  ASSERT_TRUE(s->sign_in());
  r = s->call(&S::Register, register_at(*s, moved.psn_no, at(6, 13, 9)), &reg);
  EXPECT_TRUE(r.ok()) << r.status.error_message();
  v1::GetPersonReply who;
  ASSERT_TRUE(s->call(&S::GetPerson, get_person(*s, moved.psn_no), &who).ok());
  EXPECT_EQ(who.insuinfo(0).psn_insu_stas(), "1");
  ASSERT_TRUE(set_clock(at(6, 14, 9)).ok());
  ASSERT_TRUE(s->sign_in());
  r = s->call(&S::Register, register_at(*s, moved.psn_no, at(6, 14, 9)), &reg);
  EXPECT_EQ(r.reason, "E_PSN_LAPSED") << r.status.error_message();
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Paying restores cover; the premium enters the POOL fund (I10); a resend is not counted twice.
  v1::GetFundBalancesReply before;
  ASSERT_TRUE(pool_->call_sync(&A::GetFundBalances, v1::GetFundBalancesRequest(), &before).ok());
  r = collect(moved.psn_no, date(12, 31), &paid);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(paid.paid_through(), date(12, 31));
  v1::CollectPremiumReply twice;
  r = collect(moved.psn_no, date(12, 31), &twice);
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::GetFundBalancesReply after;
  ASSERT_TRUE(pool_->call_sync(&A::GetFundBalances, v1::GetFundBalancesRequest(), &after).ok());
  for (const auto& f : after.funds()) {
    if (f.fund() != "POOL") continue;
    EXPECT_EQ(f.premiums(), paid.pool_premiums());
    for (const auto& b : before.funds()) {
      if (b.fund() == "POOL") EXPECT_EQ(f.premiums() - b.premiums(), 38000);
    }
    EXPECT_EQ(f.closing(), f.opening() + f.premiums() - f.payouts() + f.reversals());
  }
  r = s->call(&S::Register, register_at(*s, moved.psn_no, at(6, 14, 10)), &reg);
  EXPECT_TRUE(r.ok()) << r.status.error_message();
}

TEST_P(AdminClockTest, WindowsAreListedClosedAndKeptAcrossARestart) {
  ASSERT_TRUE(set_clock(at(5, 8, 12)).ok());
  const v1::SwitchoverWindow later = open_window("card_settlement", at(5, 8, 18), at(5, 11, 8));
  const v1::SwitchoverWindow now = open_window("premium_channels", at(5, 8, 12), at(5, 20, 8));
  // Bad requests.
  v1::OpenWindowRequest bad;
  bad.set_scope("everything");
  bad.set_start(at(5, 9, 0));
  bad.set_end(at(5, 10, 0));
  v1::WindowReply rep;
  EXPECT_EQ(pool_->call_sync(&A::OpenWindow, bad, &rep).code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_scope("card_settlement");
  bad.set_end(at(5, 8, 23));
  EXPECT_EQ(pool_->call_sync(&A::OpenWindow, bad, &rep).code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Closing one in force ends it now; an unknown id is NOT_FOUND.
  v1::CloseWindowRequest close;
  close.set_window_id(now.window_id());
  ASSERT_TRUE(set_clock(at(5, 8, 13)).ok());
  ASSERT_TRUE(pool_->call_sync(&A::CloseWindow, close, &rep).ok());
  EXPECT_EQ(rep.window().end(), at(5, 8, 13));
  EXPECT_EQ(rep.window().state(), "ENDED");
  close.set_window_id("W999");
  EXPECT_EQ(pool_->call_sync(&A::CloseWindow, close, &rep).code(), grpc::StatusCode::NOT_FOUND);

  if (GetParam() == "sqlite") restart();
  const v1::ListWindowsReply listed = list_windows();
  ASSERT_EQ(listed.windows_size(), 2);
  EXPECT_EQ(listed.windows(0).window_id(), later.window_id());
  EXPECT_EQ(listed.windows(0).state(), "SCHEDULED");
  EXPECT_EQ(listed.windows(1).end(), at(5, 8, 13));
  ASSERT_TRUE(set_clock(at(5, 9, 9)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  v1::RegisterReply reg;
  const models::Person p = person(models::Insutype::kEmployee);
  expect_switchover(s->call(&S::Register, register_at(*s, p.psn_no, at(5, 9, 9)), &reg), at(5, 11, 8), "2201");
}

}  // namespace
}  // namespace yibao::testing
