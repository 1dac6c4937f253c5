// Process level, over both ledgers: reversal (2601), reconciliation (3201/3202) balanced and
// mismatched with paging, and the Admin service (token, LoadPolicy, UpsertPersons).
#include <map>
#include <set>

#include "tests/e2e/visits_fixture.h"

namespace yibao::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Ledgers, VisitsTest, ::testing::Values("memory", "sqlite"));

TEST_P(VisitsTest, ReversalUndoesTombstonesAndReplays) {
  auto s = session_at(Level::kLevel2, 2);  // the county preset has no level-3 hospital
  ASSERT_TRUE(s);
  const models::Person p = person(models::Insutype::kEmployee, 11);
  // Applied original: 2601 undoes it; the visit may settle again under a new msgid.
  v1::SettleRequest st = ready_to_settle(*s, p, "a");
  v1::SettleReply settled;
  ASSERT_TRUE(s->call(&S::Settle, st, &settled).ok());
  v1::ReverseRequest rv;
  *rv.mutable_header() = s->header("2601");
  rv.set_psn_no(p.psn_no);
  rv.set_omsgid(st.header().msgid());
  rv.set_oinfno("2207");
  v1::ReverseReply out;
  auto r = s->call(&S::Reverse, rv, &out);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(out.outcome(), "APPLIED_UNDONE");
  // A second 2601 of the same original: OK, already undone. The same 2601 msgid replays.
  *rv.mutable_header() = s->header("2601");
  ASSERT_TRUE(s->call(&S::Reverse, rv, &out).ok());
  EXPECT_EQ(out.outcome(), "ALREADY_UNDONE");
  r = s->call(&S::Reverse, rv, &out);
  EXPECT_TRUE(r.replay);
  *st.mutable_header() = s->header("2207");
  ASSERT_TRUE(s->call(&S::Settle, st, &settled).ok());

  // Never seen: tombstoned, and the late original is refused.
  v1::SettleRequest late = ready_to_settle(*s, p, "b");
  *rv.mutable_header() = s->header("2601");
  rv.set_omsgid(late.header().msgid());
  ASSERT_TRUE(s->call(&S::Reverse, rv, &out).ok());
  EXPECT_EQ(out.outcome(), "NEVER_SEEN_TOMBSTONED");
  r = s->call(&S::Settle, late, &settled);
  EXPECT_EQ(r.reason, "E_STATE");

  // Another facility cannot reverse this facility's message.
  auto other = session_at(Level::kLevel1, 3);
  ASSERT_TRUE(other);
  *rv.mutable_header() = other->header("2601");
  rv.set_omsgid(st.header().msgid());
  r = other->call(&S::Reverse, rv, &out);
  EXPECT_EQ(r.reason, "E_NOT_YOUR_VISIT");
}

TEST_P(VisitsTest, ReconciliationBalancesAndReportsMismatches) {
  auto s = session_at(Level::kLevel1, 2);
  const models::Person p = person(models::Insutype::kEmployee, 13);
  int64_t medfee = 0, fund = 0, acct = 0;
  std::vector<v1::SetlInfo> mine;
  for (int i = 0; i < 3; ++i) {
    v1::SettleRequest st = ready_to_settle(*s, p, std::to_string(i));
    v1::SettleReply settled;
    ASSERT_TRUE(s->call(&S::Settle, st, &settled).ok());
    mine.push_back(settled.setlinfo());
    medfee += settled.setlinfo().medfee_sumamt();
    fund += settled.setlinfo().fund_pay_sumamt();
    acct += settled.setlinfo().acct_pay();
  }
  const std::string today = s->header("x").inf_time().substr(0, 10);
  v1::ReconcileTotalsRequest tot;
  *tot.mutable_header() = s->header("3201");
  tot.set_setl_optins(s->code());
  tot.set_stmt_begndate(today);
  tot.set_stmt_enddate(today);
  tot.set_medfee_sumamt(medfee);
  tot.set_fund_pay_sumamt(fund);
  tot.set_acct_pay(acct);
  tot.set_fixmedins_setl_cnt(3);
  v1::ReconcileTotalsReply totals;
  ASSERT_TRUE(s->call(&S::ReconcileTotals, tot, &totals).ok());
  EXPECT_EQ(totals.stmt_rslt(), "0") << totals.stmt_rslt_dscr();
  // The ¥61.00 of DOMAIN.md §3.4: the facility's total is off, the core says by how much.
  tot.set_medfee_sumamt(medfee + 6100);
  *tot.mutable_header() = s->header("3201");
  ASSERT_TRUE(s->call(&S::ReconcileTotals, tot, &totals).ok());
  EXPECT_EQ(totals.stmt_rslt(), "1");
  EXPECT_NE(totals.stmt_rslt_dscr().find("medfee_sumamt"), std::string::npos);

  // 3202: the facility lost one record and mis-keyed another; the core lists both.
  v1::ReconcileDetailsRequest det;
  *det.mutable_header() = s->header("3202");
  det.set_setl_optins(s->code());
  det.set_stmt_begndate(today);
  det.set_stmt_enddate(today);
  det.set_compare_complete(1);
  for (size_t i = 0; i < 2; ++i) {
    auto* row = det.add_rows();
    row->set_setl_id(mine[i].setl_id());
    row->set_medfee_sumamt(mine[i].medfee_sumamt() + (i == 1 ? 100 : 0));
    row->set_fund_pay_sumamt(mine[i].fund_pay_sumamt());
    row->set_acct_pay(mine[i].acct_pay());
  }
  det.set_page_size(2);
  v1::ReconcileDetailsReply page;
  ASSERT_TRUE(s->call(&S::ReconcileDetails, det, &page).ok());
  std::map<std::string, std::string> found;
  for (const auto& m : page.mismatches()) found[m.setl_id()] = m.stmt_rslt();
  EXPECT_EQ(found.size(), 2u);
  EXPECT_EQ(found[mine[1].setl_id()], "1");
  EXPECT_EQ(found[mine[2].setl_id()], "3");
  // Paging over the core's rows: 2 + 1, nothing lost or repeated, each with its msgid.
  EXPECT_EQ(page.core_rows_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  std::set<std::string> ids;
  for (const auto& row : page.core_rows()) ids.insert(row.setl_id());
  det.clear_rows();
  det.set_compare_complete(0);
  det.set_page_token(page.next_page_token());
  *det.mutable_header() = s->header("3202");
  ASSERT_TRUE(s->call(&S::ReconcileDetails, det, &page).ok());
  EXPECT_TRUE(page.next_page_token().empty());
  for (const auto& row : page.core_rows()) {
    ids.insert(row.setl_id());
    EXPECT_FALSE(row.msgid().empty());
  }
  EXPECT_EQ(ids.size(), 3u);
}

TEST_P(VisitsTest, AdminLoadsPoliciesAndUpsertsPersons) {
  // The shipped policy file, sent as text: the identical set again is accepted.
  v1::LoadPolicyRequest lp;
  lp.set_yaml(read_file(std::string(YB_MODELS_DATA_DIR) + "/policy_default.yaml"));
  lp.set_source_name("policy_default.yaml");
  v1::LoadPolicyReply loaded;
  auto r = pool_->call_sync(&client::AdminAsync::LoadPolicy, lp, &loaded);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_FALSE(loaded.policy_id().empty());
  // A broken file is refused with file:line.
  lp.set_yaml("id: broken\nversion: 1\neffective_from: 2019-01-01\nno_such_key: 3\n");
  lp.set_source_name("broken.yaml");
  r = pool_->call_sync(&client::AdminAsync::LoadPolicy, lp, &loaded);
  EXPECT_EQ(r.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(r.status.error_message().find("broken.yaml:4"), std::string::npos) << r.status.error_message();

  // A person created through Admin, with an opening balance and accumulators (a core going live
  // mid-year), settles like a generated one.
  v1::UpsertPersonsRequest up;
  v1::Person* np = up.add_persons();
  np->set_psn_no("ADMIN000000000000001");
  np->set_psn_name("Admin Person");
  np->set_brdy("1980-05-01");
  np->set_insutype("310");
  np->set_psn_type("1101");
  np->set_balc(50000);
  np->set_opening_year(stats_year());
  np->set_opening_pool_paid_total(123400);
  v1::UpsertReply done;
  r = pool_->call_sync(&client::AdminAsync::UpsertPersons, up, &done);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(done.created(), 1);
  auto s = session_at(Level::kLevel1, 4);
  ASSERT_TRUE(s);
  v1::GetAccumulatorsRequest acc;
  *acc.mutable_header() = s->header("5206");
  acc.set_psn_no("ADMIN000000000000001");
  v1::GetAccumulatorsReply a;
  r = s->call(&S::GetAccumulators, acc, &a);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(a.pool_paid_total(), 123400);
  models::Person admin_person;
  admin_person.psn_no = "ADMIN000000000000001";
  v1::SettleRequest st = ready_to_settle(*s, admin_person, "adm");
  st.set_acct_used_flag(0);
  v1::SettleReply settled;
  r = s->call(&S::Settle, st, &settled);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  // An update changes enrolment and flags, never the balance.
  np->set_balc(999999);
  np->set_psn_insu_stas("4");
  r = pool_->call_sync(&client::AdminAsync::UpsertPersons, up, &done);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(done.updated(), 1);
  v1::GetPersonRequest q;
  *q.mutable_header() = s->header("1101");
  q.set_mdtrt_cert_type("01");
  q.set_mdtrt_cert_no("ADMIN000000000000001");
  v1::GetPersonReply who;
  ASSERT_TRUE(s->call(&S::GetPerson, q, &who).ok());
  EXPECT_EQ(who.insuinfo(0).balc(), 50000);
  EXPECT_EQ(who.insuinfo(0).psn_insu_stas(), "4");
}

TEST_P(VisitsTest, AdminNeedsItsToken) {
  client::ClientOptions o;
  o.target = core_->address();
  o.channels = 1;
  o.admin_token = "wrong-token-wrong-token";
  std::unique_ptr<client::ClientPool> bad;
  ASSERT_TRUE(client::ClientPool::create(o, &bad).ok());
  v1::EchoRequest e;
  e.set_payload("x");
  v1::EchoReply rep;
  auto r = bad->call_sync(&client::AdminAsync::Echo, e, &rep);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAUTHENTICATED);
  r = pool_->call_sync(&client::AdminAsync::Echo, e, &rep);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(rep.payload(), "x");
}

}  // namespace
}  // namespace yibao::testing
