// Manual reimbursement, top-up and claw-back at process level (Admin.ManualReimburse; DOMAIN.md
// §7.3, §11.18), driven by the admin clock: the same calculation as a real-time settlement,
// recorded with clr_type 99 and the person as payee — outside the facility's 3201/3202, inside
// the accumulators (5206, D7 at teardown on SQLite) and the fund ledger (I10) —, idempotent by
// claim_no, blocking a later back-fill of the same visit, not cancellable by the facility, refused
// inside an insurance_business window, past 6 months, and inside a suspension at the care time
// unless a cleared decision is named. Both ledger backends.
#include <gtest/gtest.h>

#include "tests/e2e/backfill_fixture.h"

namespace yibao::testing {
namespace {

class ManualReimburseTest : public BackfillTest {
 protected:
  v1::ManualReimburseRequest claim(const std::string& claim_no, const Session& s, const std::string& psn_no,
                                   const std::string& key, const std::string& begntime,
                                   const std::vector<v1::FeeLine>& lines, const std::string& setl_id = "") {
    v1::ManualReimburseRequest req;
    req.set_claim_no(claim_no);
    req.set_psn_no(psn_no);
    req.set_fixmedins_code(s.code());
    req.set_ipt_otp_no(key);
    req.set_med_type("11");
    req.set_begntime(begntime);
    int64_t total = 0;
    for (const auto& l : lines) {
      *req.add_feedetail() = l;
      total += l.det_item_fee_sumamt();
    }
    req.set_medfee_sumamt(total);
    req.set_setl_id(setl_id);
    req.set_note("e2e");
    return req;
  }
};

INSTANTIATE_TEST_SUITE_P(Ledgers, ManualReimburseTest, ::testing::Values("memory", "sqlite"));

TEST_P(ManualReimburseTest, ManualTopUpAndClawBackStayOutsideTheFacilitysReconciliation) {
  ASSERT_TRUE(set_clock(iso(2024, 5, 20, 10)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const std::string region = region_of(*s);
  const models::Person m = plain_employee(region, 7);
  const models::Person n = plain_employee(region, 8);
  const models::Person k = plain_employee(region, 9);
  int64_t paid = 0;

  // MR01: a paper claim for an offline visit of 2024-05-09.
  const v1::ManualReimburseRequest c1 =
      claim("C1", *s, m.psn_no, "PAPER-1", civil(2024, 5, 9, 10), {fee("1", kBiochem, 250)});
  v1::ManualReimburseReply mr;
  client::CallResult r = manual(c1, &mr);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_EQ(mr.kind(), "MANUAL");
  EXPECT_FALSE(mr.replay());
  expect_identities(mr.setlinfo());
  EXPECT_EQ(mr.setlinfo().clr_type(), "99");
  EXPECT_EQ(mr.setlinfo().act_pay_dedc(), 20000);
  EXPECT_EQ(mr.setlinfo().fund_pay_sumamt(), 3000);
  EXPECT_EQ(mr.setlinfo().acct_pay(), 0);
  EXPECT_EQ(mr.setlinfo().backfill_flag(), 1);
  EXPECT_EQ(mr.setlinfo().care_time(), civil(2024, 5, 9, 10));
  paid += 3000;
  // The same claim replays; the same claim_no with another request is a conflict.
  v1::ManualReimburseReply again;
  r = manual(c1, &again);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_TRUE(again.replay());
  EXPECT_EQ(again.setlinfo().setl_id(), mr.setlinfo().setl_id());
  v1::ManualReimburseRequest changed = c1;
  changed.set_note("another");
  expect_refused(manual(changed, &again), grpc::StatusCode::ALREADY_EXISTS, "E_MSGID_CONFLICT", "claim_no reused");
  // The visit is now reimbursed: no back-fill of it, and the facility cannot cancel the record.
  v1::RegisterReply reg;
  expect_refused(s->call(&S::Register, registration(*s, m.psn_no, civil(2024, 5, 9, 10), "PAPER-1", 1), &reg),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "back-fill of a reimbursed visit");
  v1::CancelSettlementReply undone;
  expect_refused(cancel(*s, mr.setlinfo(), &undone), grpc::StatusCode::FAILED_PRECONDITION, "E_STATE",
                 "facility cancels a manual record");

  // Top-up: a partial real-time settlement (one line of two), then the full invoice.
  const v1::SetlInfo partial = visit(*s, n.psn_no, civil(2024, 5, 20, 10), "RT-N", 0, fee("1", kBiochem, 250));
  EXPECT_EQ(partial.fund_pay_sumamt(), 3000);
  paid += 3000;
  v1::ManualReimburseReply up;
  r = manual(claim("C2", *s, n.psn_no, "", "", {fee("1", kBiochem, 250), fee("2", kConsult, 25)},
                   partial.setl_id()),
             &up);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_EQ(up.kind(), "TOP_UP");
  EXPECT_EQ(up.orig_setl_id(), partial.setl_id());
  expect_identities(up.setlinfo());
  EXPECT_EQ(up.setlinfo().medfee_sumamt(), 2500);
  EXPECT_EQ(up.setlinfo().act_pay_dedc(), 0);
  EXPECT_EQ(up.setlinfo().fund_pay_sumamt(), 1500);  // full 60 % of 75 = 45 yuan, minus 30 paid
  EXPECT_EQ(up.setlinfo().clr_type(), "99");
  paid += 1500;
  auto an = accumulators(*s, n.psn_no, "202405");
  EXPECT_EQ(an.otp_dedc_used(), 20000);
  EXPECT_EQ(an.otp_pool_paid(), 4500);
  v1::ManualReimburseReply twice;
  expect_refused(manual(claim("C3", *s, n.psn_no, "", "", {fee("1", kBiochem, 300)}, partial.setl_id()), &twice),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "second top-up of one settlement");

  // Claw-back: real time paid for two lines, the review accepts one.
  const v1::SetlInfo full = [&] {
    v1::RegisterReply visit_rep;
    EXPECT_TRUE(s->call(&S::Register, registration(*s, k.psn_no, civil(2024, 5, 20, 10), "RT-K", 0), &visit_rep).ok());
    EXPECT_TRUE(upload(*s, visit_rep.mdtrt_id(), {fee("1", kBiochem, 250), fee("2", kConsult, 25)}).ok());
    v1::SettleReply st;
    EXPECT_TRUE(settle(*s, visit_rep.mdtrt_id(), 27500, &st).ok());
    return st.setlinfo();
  }();
  EXPECT_EQ(full.fund_pay_sumamt(), 4500);
  paid += 4500;
  v1::ManualReimburseReply back;
  r = manual(claim("C4", *s, k.psn_no, "", "", {fee("1", kBiochem, 250)}, full.setl_id()), &back);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_EQ(back.kind(), "CLAW_BACK");
  expect_identities(back.setlinfo());
  EXPECT_EQ(back.setlinfo().medfee_sumamt(), -2500);
  EXPECT_EQ(back.setlinfo().fund_pay_sumamt(), -1500);
  paid -= 1500;
  EXPECT_EQ(accumulators(*s, k.psn_no, "202405").otp_pool_paid(), 3000);

  // The facility's 3201/3202 hold its two real-time settlements only.
  auto day = totals(*s, "2024-05-20");
  EXPECT_EQ(day.fixmedins_setl_cnt(), 2);
  EXPECT_EQ(day.fund_pay_sumamt(), 7500);
  EXPECT_EQ(day.medfee_sumamt(), 25000 + 27500);
  for (const auto& row : rows(*s, "2024-05-01", "2024-05-31")) EXPECT_NE(row.clr_type(), "99") << row.setl_id();

  // Refused inside an insurance_business window (nothing stored: the same claim passes after).
  open_window("insurance_business", iso(2024, 5, 20, 11), iso(2024, 5, 21, 8));
  go(iso(2024, 5, 20, 12), {s.get()});
  const v1::ManualReimburseRequest c5 =
      claim("C5", *s, m.psn_no, "PAPER-5", civil(2024, 5, 10, 10), {fee("1", kConsult, 25)});
  v1::ManualReimburseReply later;
  expect_switchover(manual(c5, &later), iso(2024, 5, 21, 8), "manual reimbursement in the window");
  go(iso(2024, 5, 21, 9), {s.get()});
  r = manual(c5, &later);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_FALSE(later.replay());
  EXPECT_EQ(later.setlinfo().fund_pay_sumamt(), 1500);  // m's deductible was used by C1
  paid += 1500;

  // Past 6 months, and inside a suspension of the person at the care time unless cleared.
  expect_refused(manual(claim("C6", *s, m.psn_no, "PAPER-6", civil(2023, 11, 1, 10), {fee("1", kConsult, 25)}), &later),
                 grpc::StatusCode::FAILED_PRECONDITION, "E_STATE", "claim older than 6 months");
  const std::string susp = suspend("person", k.psn_no, iso(2024, 5, 21, 10), iso(2024, 5, 22, 10));
  go(iso(2024, 5, 23, 9), {s.get()});
  v1::ManualReimburseRequest c7 =
      claim("C7", *s, k.psn_no, "PAPER-7", civil(2024, 5, 21, 15), {fee("1", kConsult, 25)});
  expect_refused(manual(c7, &later), grpc::StatusCode::FAILED_PRECONDITION, "E_PSN_SUSPENDED",
                 "claim inside a suspension");
  c7.set_claim_no("C8");  // the refused claim stored nothing; a new claim names the decision
  c7.set_cleared_decision_id(decide("", susp, "cleared"));
  r = manual(c7, &later);
  ASSERT_TRUE(r.ok()) << r.reason << " " << r.status.error_message();
  EXPECT_EQ(later.setlinfo().fund_pay_sumamt(), 1500);
  paid += 1500;
  expect_funds(paid);
}

}  // namespace
}  // namespace yibao::testing
