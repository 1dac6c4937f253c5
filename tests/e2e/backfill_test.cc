// Back-fill at process level (DOMAIN.md §7.3, §11.13, §11.17–19), driven by the admin clock:
// refund and re-settle across a year boundary (the care year's accumulators and deductible) and
// across a policy change (the set in force at the care time), the refusals (care time in the
// future or older than 6 months at entry or at settlement, a duplicate back-fill, a visit already
// settled in real time), suspensions at the care time with and without a cleared decision, a
// back-dated admission after a stay converted to self-pay before a switchover window, pharmacy
// back-fills, 3201 on the day committed, cancels taking the contribution out of the care year,
// fund balances (I10) and, on SQLite, D7 at teardown. Both ledger backends.
#include <gtest/gtest.h>

#include "tests/e2e/backfill_fixture.h"

namespace yibao::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Ledgers, BackfillTest, ::testing::Values("memory", "sqlite"));

// Refund and re-settle: care 2019-12-30, entered 2020-01-03 → 2019's accumulators and deductible.
TEST_P(BackfillTest, RefundAndResettleAcrossAYearBoundaryUsesTheCareYear) {
  ASSERT_TRUE(set_clock(iso(2019, 12, 20, 9)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const models::Person p = plain_employee(region_of(*s), 0);
  int64_t paid = 0;

  // 2019: 250 yuan in real time uses the 200-yuan deductible, the pool pays 60 % of 50.
  const v1::SetlInfo y2019 = visit(*s, p.psn_no, civil(2019, 12, 20, 9), "RT-2019", 0, fee("1", kBiochem, 250));
  EXPECT_EQ(y2019.act_pay_dedc(), 20000);
  EXPECT_EQ(y2019.fund_pay_sumamt(), 3000);
  paid += y2019.fund_pay_sumamt() + y2019.acct_pay();
  // 2020: 25 yuan goes to the new year's deductible.
  go(iso(2020, 1, 2, 9), {s.get()});
  const v1::SetlInfo y2020 = visit(*s, p.psn_no, civil(2020, 1, 2, 9), "RT-2020", 0, fee("1", kConsult, 25));
  EXPECT_EQ(y2020.act_pay_dedc(), 2500);
  EXPECT_EQ(y2020.fund_pay_sumamt(), 0);

  // 2020-01-03: the offline visit of 2019-12-30 is back-filled: 2019's deductible is used up, so
  // the pool pays 60 % of all of it (with 2020's accumulators it would pay nothing).
  go(iso(2020, 1, 3, 10), {s.get()});
  const v1::RegisterRequest reg = registration(*s, p.psn_no, civil(2019, 12, 30, 10), "BF-1", 1);
  v1::RegisterReply visit_rep;
  client::CallResult r = s->call(&S::Register, reg, &visit_rep);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  v1::RegisterReply again;
  r = s->call(&S::Register, reg, &again);  // idempotent by msgid
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.replay);
  EXPECT_EQ(again.mdtrt_id(), visit_rep.mdtrt_id());
  ASSERT_TRUE(upload(*s, visit_rep.mdtrt_id(), {fee("1", kBiochem, 100)}).ok());
  v1::SettleReply bf;
  r = settle(*s, visit_rep.mdtrt_id(), 10000, &bf);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  expect_identities(bf.setlinfo());
  EXPECT_EQ(bf.setlinfo().act_pay_dedc(), 0);
  EXPECT_EQ(bf.setlinfo().fund_pay_sumamt(), 6000);
  EXPECT_EQ(bf.setlinfo().backfill_flag(), 1);
  EXPECT_EQ(bf.setlinfo().care_time(), civil(2019, 12, 30, 10));
  EXPECT_EQ(bf.setlinfo().setl_time(), civil(2020, 1, 3, 10));
  EXPECT_EQ(bf.setlinfo().clr_type(), "11");
  paid += bf.setlinfo().fund_pay_sumamt();

  auto a2019 = accumulators(*s, p.psn_no, "201912");
  EXPECT_EQ(a2019.otp_dedc_used(), 20000);
  EXPECT_EQ(a2019.otp_pool_paid(), 9000);
  auto a2020 = accumulators(*s, p.psn_no, "202001");
  EXPECT_EQ(a2020.otp_dedc_used(), 2500);
  EXPECT_EQ(a2020.otp_pool_paid(), 0);

  // 3201 counts it on the day it was committed, not on its care day; 3202 shows both times.
  auto day = totals(*s, "2020-01-03");
  EXPECT_EQ(day.fixmedins_setl_cnt(), 1);
  EXPECT_EQ(day.medfee_sumamt(), 10000);
  EXPECT_EQ(day.fund_pay_sumamt(), 6000);
  EXPECT_EQ(totals(*s, "2019-12-30").fixmedins_setl_cnt(), 0);
  bool seen = false;
  for (const auto& row : rows(*s, "2020-01-03", "2020-01-03"))
    if (row.setl_id() == bf.setlinfo().setl_id()) {
      seen = true;
      EXPECT_EQ(row.backfill_flag(), 1);
      EXPECT_EQ(row.care_time(), civil(2019, 12, 30, 10));
    }
  EXPECT_TRUE(seen);

  // A cancel takes the contribution out of 2019 again; the visit re-settles the same way.
  v1::CancelSettlementReply undone;
  r = cancel(*s, bf.setlinfo(), &undone);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(undone.setlinfo().backfill_flag(), 1);
  paid -= 6000;
  EXPECT_EQ(accumulators(*s, p.psn_no, "201912").otp_pool_paid(), 3000);
  EXPECT_EQ(accumulators(*s, p.psn_no, "202001").otp_pool_paid(), 0);
  v1::SettleReply resettled;
  r = settle(*s, visit_rep.mdtrt_id(), 10000, &resettled);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_EQ(resettled.setlinfo().fund_pay_sumamt(), 6000);
  paid += 6000;
  EXPECT_EQ(accumulators(*s, p.psn_no, "201912").otp_pool_paid(), 9000);
  day = totals(*s, "2020-01-03");
  EXPECT_EQ(day.fixmedins_setl_cnt(), 1);  // settled, cancelled, settled
  EXPECT_EQ(day.fund_pay_sumamt(), 6000);
  expect_funds(paid);
}

// A second policy set from 2024-03-01 pays 80 %; a back-fill with a care time before it is priced
// with the first (60 %).
TEST_P(BackfillTest, BackfillAcrossAPolicyChangeUsesTheSetInForceAtTheCareTime) {
  ASSERT_TRUE(set_clock(iso(2024, 3, 5, 9)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const models::Person p = plain_employee(region_of(*s), 1);
  v1::LoadPolicyRequest load;
  load.set_yaml(
      "id: fixture\nversion: 2\neffective_from: 2024-03-01\n"
      "employee:\n  outpatient:\n    ratios:\n      level2: {in_service: 80, retired: 85}\n");
  load.set_source_name("e2e-policy-v2");
  v1::LoadPolicyReply loaded;
  client::CallResult r = pool_->call_sync(&A::LoadPolicy, load, &loaded);
  ASSERT_TRUE(r.ok()) << r.status.error_message();

  const v1::SetlInfo now = visit(*s, p.psn_no, civil(2024, 3, 5, 9), "RT-1", 0, fee("1", kBiochem, 250));
  EXPECT_EQ(now.policy_version(), "fixture@2");
  EXPECT_EQ(now.act_pay_dedc(), 20000);
  EXPECT_EQ(now.fund_pay_sumamt(), 4000);  // 80 % of 50

  const v1::SetlInfo old = visit(*s, p.psn_no, civil(2024, 2, 20, 10), "BF-1", 1, fee("1", kBiochem, 100));
  EXPECT_EQ(old.policy_version(), "fixture@1");
  EXPECT_EQ(old.act_pay_dedc(), 0);         // the year's deductible, as it stands at entry
  EXPECT_EQ(old.fund_pay_sumamt(), 6000);   // 60 % (the new set would pay 8000)
  EXPECT_EQ(old.backfill_flag(), 1);
  auto a = accumulators(*s, p.psn_no, "202403");
  EXPECT_EQ(a.otp_pool_paid(), 10000);
  expect_funds(10000);
}

TEST_P(BackfillTest, RefusalsFutureTooOldDuplicateAndAlreadySettledInRealTime) {
  ASSERT_TRUE(set_clock(iso(2024, 6, 10, 10)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const models::Person p = plain_employee(region_of(*s), 2);
  v1::RegisterReply rep;

  expect_refused(s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 6, 10, 11), "F", 1), &rep),
                 grpc::StatusCode::INVALID_ARGUMENT, "E_BAD_REQUEST", "care time in the future");
  // 183 days before 2024-06-10 10:00 is 2023-12-10 10:00.
  expect_refused(s->call(&S::Register, registration(*s, p.psn_no, civil(2023, 12, 10, 9), "OLD", 1), &rep),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "older than 6 months");
  expect_refused(s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 6, 1, 9), "X", 2), &rep),
                 grpc::StatusCode::INVALID_ARGUMENT, "E_BAD_REQUEST", "backfill_flag 2");
  expect_refused(s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 6, 10, 9), "X", 0, "D1"), &rep),
                 grpc::StatusCode::INVALID_ARGUMENT, "E_BAD_REQUEST", "decision without back-fill");
  expect_refused(s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 6, 1, 9), "X", 1, "D99"), &rep),
                 grpc::StatusCode::NOT_FOUND, "E_UNKNOWN_REF", "unknown decision");

  // Just inside the limit: registers; settled three days later its care time is too old.
  v1::RegisterReply edge;
  ASSERT_TRUE(s->call(&S::Register, registration(*s, p.psn_no, civil(2023, 12, 10, 11), "EDGE", 1), &edge).ok());
  ASSERT_TRUE(upload(*s, edge.mdtrt_id(), {fee("1", kConsult, 25)}).ok());
  go(iso(2024, 6, 13, 10), {s.get()});
  v1::SettleReply st;
  expect_refused(settle(*s, edge.mdtrt_id(), 2500, &st), grpc::StatusCode::FAILED_PRECONDITION, "E_STATE",
                 "settled past the limit");

  // Settled in real time → no back-fill of it.
  const v1::SetlInfo rt = visit(*s, p.psn_no, civil(2024, 6, 13, 10), "RT-9", 0, fee("1", kConsult, 25));
  client::CallResult r = s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 6, 13, 9), "RT-9", 1), &rep);
  expect_refused(r, grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "already settled in real time");
  EXPECT_NE(r.status.error_message().find("settled in real time"), std::string::npos) << r.status.error_message();

  // A duplicate back-fill (new msgid, same business key) is refused; the same msgid replays.
  const v1::RegisterRequest first = registration(*s, p.psn_no, civil(2024, 6, 12, 9), "BF-DUP", 1);
  v1::RegisterReply one;
  ASSERT_TRUE(s->call(&S::Register, first, &one).ok());
  r = s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 6, 12, 9), "BF-DUP", 1), &rep);
  expect_refused(r, grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "duplicate back-fill");
  EXPECT_NE(r.status.error_message().find("duplicate back-fill"), std::string::npos) << r.status.error_message();
  r = s->call(&S::Register, first, &rep);
  EXPECT_TRUE(r.ok() && r.replay);
  EXPECT_EQ(rep.mdtrt_id(), one.mdtrt_id());
  expect_funds(rt.fund_pay_sumamt() + rt.acct_pay());
}

// §11.13: a back-fill is also checked at its care time; a cleared decision on that suspension
// lets it through, and only that suspension.
TEST_P(BackfillTest, SuspensionAtTheCareTimeRefusesUnlessAClearedDecisionIsNamed) {
  ASSERT_TRUE(set_clock(iso(2024, 5, 8, 9)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const std::string region = region_of(*s);
  const models::Person p = plain_employee(region, 3);
  const models::Person q = plain_employee(region, 4);
  const std::string person_susp = suspend("person", p.psn_no, iso(2024, 5, 8, 10), iso(2024, 5, 9, 10));
  const std::string fac_susp = suspend("facility", s->code(), iso(2024, 5, 8, 12), iso(2024, 5, 8, 14));
  go(iso(2024, 5, 10, 9), {s.get()});
  v1::RegisterReply rep;
  expect_refused(s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 5, 8, 11), "P-11", 1), &rep),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_PSN_SUSPENDED", "person suspended at the care time");
  expect_refused(s->call(&S::Register, registration(*s, q.psn_no, civil(2024, 5, 8, 13), "Q-13", 1), &rep),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_FAC_SUSPENDED", "facility suspended at the care time");
  // Outside the periods: fine (the facility's suspension has ended by entry).
  const v1::SetlInfo q15 = visit(*s, q.psn_no, civil(2024, 5, 8, 15), "Q-15", 1, fee("1", kConsult, 25));
  EXPECT_EQ(q15.backfill_flag(), 1);

  const std::string withheld = decide(s->code(), fac_susp, "withheld");
  expect_refused(s->call(&S::Register, registration(*s, q.psn_no, civil(2024, 5, 8, 13), "Q-13", 1, withheld), &rep),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "a withheld decision named");
  const std::string cleared = decide("", person_susp, "cleared");
  ASSERT_FALSE(cleared.empty());
  // The cleared decision on the person's suspension: registration and settlement pass.
  const v1::SetlInfo p11 = visit(*s, p.psn_no, civil(2024, 5, 8, 11), "P-11", 1, fee("1", kBiochem, 250), cleared);
  EXPECT_EQ(p11.fund_pay_sumamt(), 3000);
  EXPECT_EQ(p11.care_time(), civil(2024, 5, 8, 11));
  // It does not cover the facility's suspension.
  expect_refused(s->call(&S::Register, registration(*s, p.psn_no, civil(2024, 5, 8, 13), "P-13", 1, cleared), &rep),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_FAC_SUSPENDED", "other suspension");

  // A suspension in force at arrival refuses whatever the care time.
  suspend("person", q.psn_no, iso(2024, 5, 10, 10), "");
  go(iso(2024, 5, 10, 11), {s.get()});
  expect_refused(s->call(&S::Register, registration(*s, q.psn_no, civil(2024, 5, 7, 9), "Q-7", 1), &rep),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_PSN_SUSPENDED", "suspended at arrival");
  expect_funds(q15.fund_pay_sumamt() + q15.acct_pay() + p11.fund_pay_sumamt() + p11.acct_pay());
}

// Convert to self-pay: the stay is cancelled (2404) before a card_settlement window and
// re-admitted back-dated after it under the same ipt_no; its care year is its discharge's.
TEST_P(BackfillTest, BackdatedAdmissionAfterConvertingToSelfPayAcrossASwitchover) {
  ASSERT_TRUE(set_clock(iso(2024, 5, 8, 10)).ok());
  auto s = session_at(Level::kLevel2, 1);
  ASSERT_TRUE(s);
  const models::Person p = plain_employee(region_of(*s), 5);
  auto admit = [&](int backfill) {
    v1::AdmitRequest adm;
    *adm.mutable_header() = s->header("2401");
    adm.set_psn_no(p.psn_no);
    adm.set_med_type("21");
    adm.set_ipt_no("IPT-K");
    adm.set_begntime(civil(2024, 5, 8, 10));
    adm.set_backfill_flag(backfill);
    return adm;
  };
  auto fees = [&](const std::string& mdtrt_id, int day) {
    v1::UploadInpatientFeesRequest up;
    *up.mutable_header() = s->header("2301");
    up.set_mdtrt_id(mdtrt_id);
    *up.add_feedetail() = fee("BED" + std::to_string(day), "001103000010000", 50);
    *up.add_feedetail() = fee("NUR" + std::to_string(day), "001104000020000", 30);
    v1::UploadInpatientFeesReply rep;
    return s->call(&S::UploadInpatientFees, up, &rep);
  };
  v1::AdmitReply stay;
  ASSERT_TRUE(s->call(&S::Admit, admit(0), &stay).ok());
  ASSERT_TRUE(fees(stay.mdtrt_id(), 0).ok());
  open_window("card_settlement", iso(2024, 5, 8, 18), iso(2024, 5, 11, 8));

  // Before the window: the insured stay is closed (no settled money) — converted to self-pay.
  go(iso(2024, 5, 8, 17), {s.get()});
  v1::CancelAdmissionRequest cancel_adm;
  *cancel_adm.mutable_header() = s->header("2404");
  cancel_adm.set_mdtrt_id(stay.mdtrt_id());
  v1::CancelAdmissionReply cancelled;
  client::CallResult r = s->call(&S::CancelAdmission, cancel_adm, &cancelled);
  ASSERT_TRUE(r.ok()) << r.status.error_message();

  // Inside the window nothing is admitted; after it the stay is back-filled under the same ipt_no.
  go(iso(2024, 5, 9, 9), {s.get()});
  v1::AdmitReply bf;
  expect_switchover(s->call(&S::Admit, admit(1), &bf), iso(2024, 5, 11, 8), "2401 inside the window");
  go(iso(2024, 5, 11, 9), {s.get()});
  r = s->call(&S::Admit, admit(1), &bf);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_NE(bf.mdtrt_id(), stay.mdtrt_id());
  v1::AdmitReply dup;
  r = s->call(&S::Admit, admit(1), &dup);
  expect_refused(r, grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "duplicate back-filled admission");
  for (int day = 0; day < 3; ++day) ASSERT_TRUE(fees(bf.mdtrt_id(), day).ok());

  v1::DischargeRequest dis;
  *dis.mutable_header() = s->header("2402");
  dis.set_mdtrt_id(bf.mdtrt_id());
  dis.set_endtime(civil(2024, 5, 11, 10));  // after the core's clock
  auto* d = dis.add_diseinfo();
  d->set_diag_code("K80.1");
  d->set_maindiag_flag(1);
  v1::DischargeReply dr;
  expect_refused(s->call(&S::Discharge, dis, &dr), grpc::StatusCode::INVALID_ARGUMENT, "E_BAD_REQUEST",
                 "back-filled discharge in the future");
  *dis.mutable_header() = s->header("2402");
  dis.set_endtime(civil(2024, 5, 10, 12));  // discharged during the outage
  r = s->call(&S::Discharge, dis, &dr);
  ASSERT_TRUE(r.ok()) << r.status.error_message();

  const int64_t total = 3 * 8000;
  v1::InpatientPreSettleRequest pre;
  *pre.mutable_header() = s->header("2303");
  pre.set_mdtrt_id(bf.mdtrt_id());
  pre.set_medfee_sumamt(total);
  v1::InpatientPreSettleReply priced;
  r = s->call(&S::InpatientPreSettle, pre, &priced);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  v1::InpatientSettleRequest st;
  *st.mutable_header() = s->header("2304");
  st.set_mdtrt_id(bf.mdtrt_id());
  st.set_medfee_sumamt(total);
  st.set_fund_pay_sumamt(priced.setlinfo().fund_pay_sumamt());
  st.set_acct_pay(priced.setlinfo().acct_pay());
  st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
  v1::InpatientSettleReply settled;
  r = s->call(&S::InpatientSettle, st, &settled);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  expect_identities(settled.setlinfo());
  EXPECT_EQ(settled.setlinfo().backfill_flag(), 1);
  EXPECT_EQ(settled.setlinfo().care_time(), civil(2024, 5, 10, 12));
  EXPECT_EQ(settled.setlinfo().clr_type(), "21");
  // Level-2 employee stay: 600-yuan deductible (more than the 240 yuan of fees): all self-pay.
  EXPECT_EQ(settled.setlinfo().act_pay_dedc(), total);
  EXPECT_EQ(accumulators(*s, p.psn_no, "202405").admissions(), 1);
  EXPECT_EQ(totals(*s, "2024-05-11").fixmedins_setl_cnt(), 1);

  // 2305 takes it out of the care year again.
  v1::InpatientCancelSettlementRequest c;
  *c.mutable_header() = s->header("2305");
  c.set_setl_id(settled.setlinfo().setl_id());
  v1::InpatientCancelSettlementReply undone;
  ASSERT_TRUE(s->call(&S::InpatientCancelSettlement, c, &undone).ok());
  EXPECT_EQ(accumulators(*s, p.psn_no, "202405").admissions(), 0);
  EXPECT_EQ(accumulators(*s, p.psn_no, "202405").ipt_dedc_paid(), 0);
  expect_funds(0);
}

TEST_P(BackfillTest, PharmacyBackfillsByPrescriptionAreUniqueAndNotRealTimeSales) {
  ASSERT_TRUE(set_clock(iso(2024, 5, 11, 9)).ok());
  auto s = session_at(Level::kPharmacy);
  ASSERT_TRUE(s);
  const models::Person p = plain_employee(region_of(*s), 6);
  auto sale = [&](const std::string& rxno, int backfill, const std::string& begntime) {
    v1::PharmacyPreSettleRequest pre;
    *pre.mutable_header() = s->header("2101");
    pre.set_psn_no(p.psn_no);
    pre.set_med_type("41");
    *pre.add_feedetail() = fee("1", "XN02BEA015A001010100006", 12);  // OTC paracetamol
    pre.set_medfee_sumamt(1200);
    pre.set_rxno(rxno);
    pre.set_begntime(begntime);
    pre.set_backfill_flag(backfill);
    return pre;
  };
  auto settle_sale = [&](const v1::PharmacyPreSettleRequest& pre, v1::PharmacySettleReply* out) {
    v1::PharmacyPreSettleReply priced;
    const client::CallResult r = s->call(&S::PharmacyPreSettle, pre, &priced);
    if (!r.ok()) return r;
    v1::PharmacySettleRequest st;
    *st.mutable_header() = s->header("2102");
    st.set_psn_no(pre.psn_no());
    st.set_med_type("41");
    *st.mutable_feedetail() = pre.feedetail();
    st.set_medfee_sumamt(pre.medfee_sumamt());
    st.set_rxno(pre.rxno());
    st.set_begntime(pre.begntime());
    st.set_backfill_flag(pre.backfill_flag());
    st.set_fund_pay_sumamt(priced.setlinfo().fund_pay_sumamt());
    st.set_acct_pay(priced.setlinfo().acct_pay());
    st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
    return s->call(&S::PharmacySettle, st, out);
  };
  v1::PharmacySettleReply rt, bf, dup;
  client::CallResult r = settle_sale(sale("RX-RT", 0, ""), &rt);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_EQ(rt.setlinfo().backfill_flag(), 0);

  r = settle_sale(sale("RX-BF", 1, civil(2024, 5, 9, 15)), &bf);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  expect_identities(bf.setlinfo());
  EXPECT_EQ(bf.setlinfo().backfill_flag(), 1);
  EXPECT_EQ(bf.setlinfo().care_time(), civil(2024, 5, 9, 15));
  EXPECT_EQ(bf.setlinfo().clr_type(), "41");

  r = settle_sale(sale("RX-BF", 1, civil(2024, 5, 9, 15)), &dup);
  expect_refused(r, grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "duplicate pharmacy back-fill");
  EXPECT_NE(r.status.error_message().find("duplicate back-fill"), std::string::npos) << r.status.error_message();
  r = settle_sale(sale("RX-RT", 1, civil(2024, 5, 10, 15)), &dup);
  expect_refused(r, grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "sold in real time");
  EXPECT_NE(r.status.error_message().find("real time"), std::string::npos) << r.status.error_message();
  r = settle_sale(sale("RX-NT", 1, ""), &dup);
  expect_refused(r, grpc::StatusCode::INVALID_ARGUMENT, "E_BAD_REQUEST", "back-fill without begntime");
  r = settle_sale(sale("RX-FUT", 1, civil(2024, 5, 11, 10)), &dup);
  expect_refused(r, grpc::StatusCode::INVALID_ARGUMENT, "E_BAD_REQUEST", "sale in the future");

  EXPECT_EQ(totals(*s, "2024-05-11").fixmedins_setl_cnt(), 2);
  v1::PharmacyCancelRequest c;
  *c.mutable_header() = s->header("2103");
  c.set_setl_id(bf.setlinfo().setl_id());
  v1::PharmacyCancelReply undone;
  ASSERT_TRUE(s->call(&S::PharmacyCancel, c, &undone).ok());
  EXPECT_EQ(totals(*s, "2024-05-11").fixmedins_setl_cnt(), 1);
  expect_funds(rt.setlinfo().fund_pay_sumamt() + rt.setlinfo().acct_pay());
}

}  // namespace
}  // namespace yibao::testing
