// Process level: a full visit of each kind against a real yibao-core on loopback, and the
// refusals a hostile or confused client meets (DOMAIN.md §3, §11; DESIGN.md §4), over both ledgers.
#include "tests/e2e/visits_fixture.h"

namespace yibao::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Ledgers, VisitsTest, ::testing::Values("memory", "sqlite"));

TEST_P(VisitsTest, OutpatientVisitSettlesReplaysAndCancels) {
  auto s = session_at(Level::kLevel2);
  const models::Person p = person(models::Insutype::kEmployee);

  v1::GetPersonRequest q;
  *q.mutable_header() = s->header("1101");
  q.set_mdtrt_cert_type("02");
  q.set_mdtrt_cert_no(p.certno);
  v1::GetPersonReply who;
  auto r = s->call(&S::GetPerson, q, &who);
  ASSERT_TRUE(r.ok()) << r.status.error_message() << " " << r.reason;
  EXPECT_EQ(who.baseinfo().psn_no(), p.psn_no);

  v1::RegisterRequest reg;
  *reg.mutable_header() = s->header("2201");
  reg.set_psn_no(p.psn_no);
  reg.set_insutype("310");
  reg.set_begntime(s->header("x").inf_time());
  reg.set_ipt_otp_no("OTP-" + reg.header().msgid());
  v1::RegisterReply visit;
  r = s->call(&S::Register, reg, &visit);
  ASSERT_TRUE(r.ok()) << r.status.error_message();

  v1::VisitInfoRequest vi;
  *vi.mutable_header() = s->header("2203");
  vi.set_mdtrt_id(visit.mdtrt_id());
  vi.set_med_type("11");
  v1::VisitInfoReply vir;
  ASSERT_TRUE(s->call(&S::VisitInfo, vi, &vir).ok());

  v1::UploadFeesRequest up;
  *up.mutable_header() = s->header("2204");
  up.set_mdtrt_id(visit.mdtrt_id());
  *up.add_feedetail() = line("1", "001102000010000", 20, 1);
  *up.add_feedetail() = line("2", "XJ01CAA040E001010100001", 35, 2);
  *up.add_feedetail() = line("3", "XA11JBV001A001010100003", 30, 1);  // class C
  *up.add_feedetail() = line("4", "NOT-IN-CATALOGUE", 10, 1);         // rejected: NOMAP
  v1::UploadFeesReply fees;
  r = s->call(&S::UploadFees, up, &fees);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  ASSERT_EQ(fees.result_size(), 3);
  ASSERT_EQ(fees.rejected_size(), 1);
  EXPECT_EQ(fees.rejected(0).rule_id(), "NOMAP");

  v1::PreSettleRequest pre;
  *pre.mutable_header() = s->header("2206");
  pre.set_mdtrt_id(visit.mdtrt_id());
  pre.set_psn_no(p.psn_no);
  pre.set_medfee_sumamt(2000 + 7000 + 3000);
  pre.set_acct_used_flag(1);
  v1::PreSettleReply priced;
  r = s->call(&S::PreSettle, pre, &priced);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  expect_identities(priced.setlinfo());
  EXPECT_EQ(priced.setlinfo().fulamt_ownpay_amt(), 3000);

  v1::SettleRequest st;
  *st.mutable_header() = s->header("2207");
  st.set_mdtrt_id(visit.mdtrt_id());
  st.set_psn_no(p.psn_no);
  st.set_medfee_sumamt(pre.medfee_sumamt());
  st.set_acct_used_flag(1);
  st.set_fund_pay_sumamt(priced.setlinfo().fund_pay_sumamt());
  st.set_acct_pay(priced.setlinfo().acct_pay());
  st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
  v1::SettleReply settled;
  r = s->call(&S::Settle, st, &settled);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  expect_identities(settled.setlinfo());
  EXPECT_FALSE(settled.setlinfo().setl_id().empty());
  EXPECT_EQ(settled.setlinfo().fund_pay_sumamt(), priced.setlinfo().fund_pay_sumamt());

  // Replay: same msgid and payload (a new sign_no/inf_time does not count) → the stored reply.
  v1::SettleRequest again = st;
  again.mutable_header()->set_inf_time("2030-01-01 00:00:00");
  v1::SettleReply replayed;
  r = s->call(&S::Settle, again, &replayed);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.replay);
  EXPECT_EQ(replayed.SerializeAsString(), settled.SerializeAsString());
  // Same msgid, other payload → E_MSGID_CONFLICT.
  again.set_invono("another");
  r = s->call(&S::Settle, again, &replayed);
  EXPECT_EQ(r.code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(r.reason, "E_MSGID_CONFLICT");
  // A new msgid on a settled visit → E_STATE (the double-submit guard).
  *st.mutable_header() = s->header("2207");
  r = s->call(&S::Settle, st, &replayed);
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(r.reason, "E_STATE");

  v1::CancelSettlementRequest cancel;
  *cancel.mutable_header() = s->header("2208");
  cancel.set_setl_id(settled.setlinfo().setl_id());
  cancel.set_mdtrt_id(visit.mdtrt_id());
  cancel.set_psn_no(p.psn_no);
  v1::CancelSettlementReply undone;
  r = s->call(&S::CancelSettlement, cancel, &undone);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(undone.setlinfo().refd_setl_flag(), 1);
  EXPECT_EQ(undone.setlinfo().medfee_sumamt(), -settled.setlinfo().medfee_sumamt());
  EXPECT_EQ(undone.setlinfo().fund_pay_sumamt(), -settled.setlinfo().fund_pay_sumamt());

  // 3201 of today: one settlement and its cancel net to zero.
  v1::ReconcileTotalsRequest tot;
  *tot.mutable_header() = s->header("3201");
  tot.set_setl_optins(s->code());
  const std::string today = s->header("x").inf_time().substr(0, 10);
  tot.set_stmt_begndate(today);
  tot.set_stmt_enddate(today);
  v1::ReconcileTotalsReply totals;
  ASSERT_TRUE(s->call(&S::ReconcileTotals, tot, &totals).ok());
  EXPECT_EQ(totals.stmt_rslt(), "0") << totals.stmt_rslt_dscr();
  EXPECT_EQ(totals.fixmedins_setl_cnt(), 0);
}

TEST_P(VisitsTest, PharmacySaleSettlesAndCancels) {
  auto s = session_at(Level::kPharmacy);
  const models::Person p = person(models::Insutype::kEmployee, 3);
  v1::PharmacyPreSettleRequest pre;
  *pre.mutable_header() = s->header("2101");
  pre.set_psn_no(p.psn_no);
  pre.set_med_type("41");
  pre.set_acct_used_flag(1);
  *pre.add_feedetail() = line("1", "XN02BEA015A001010100006", 12, 2);  // OTC paracetamol
  pre.mutable_feedetail(0)->clear_rxno();
  pre.set_medfee_sumamt(2400);
  v1::PharmacyPreSettleReply priced;
  auto r = s->call(&S::PharmacyPreSettle, pre, &priced);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  expect_identities(priced.setlinfo());
  EXPECT_EQ(priced.setlinfo().fund_pay_sumamt(), 0);  // OTC: no fund layer

  v1::PharmacySettleRequest st;
  *st.mutable_header() = s->header("2102");
  st.set_psn_no(p.psn_no);
  st.set_med_type("41");
  st.set_acct_used_flag(1);
  *st.mutable_feedetail() = pre.feedetail();
  st.set_medfee_sumamt(2400);
  st.set_fund_pay_sumamt(0);
  st.set_acct_pay(priced.setlinfo().acct_pay());
  st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
  v1::PharmacySettleReply sold;
  r = s->call(&S::PharmacySettle, st, &sold);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_FALSE(sold.setlinfo().mdtrt_id().empty());

  v1::PharmacyCancelRequest c;
  *c.mutable_header() = s->header("2103");
  c.set_setl_id(sold.setlinfo().setl_id());
  v1::PharmacyCancelReply undone;
  r = s->call(&S::PharmacyCancel, c, &undone);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(undone.setlinfo().medfee_sumamt(), -2400);
}

TEST_P(VisitsTest, InpatientStayAdmitsUploadsDischargesAndSettles) {
  auto s = session_at(Level::kLevel2, 1);
  const models::Person p = person(models::Insutype::kResident, 5);
  v1::AdmitRequest adm;
  *adm.mutable_header() = s->header("2401");
  adm.set_psn_no(p.psn_no);
  adm.set_insutype("390");
  adm.set_med_type("21");
  adm.set_ipt_no("IPT-" + adm.header().msgid());
  adm.set_begntime(s->header("x").inf_time());
  v1::AdmitReply stay;
  auto r = s->call(&S::Admit, adm, &stay);
  ASSERT_TRUE(r.ok()) << r.status.error_message();

  int64_t total = 0;
  for (int day = 0; day < 2; ++day) {
    v1::UploadInpatientFeesRequest up;
    *up.mutable_header() = s->header("2301");
    up.set_mdtrt_id(stay.mdtrt_id());
    *up.add_feedetail() = line("BED" + std::to_string(day), "001103000010000", 50, 1);
    *up.add_feedetail() = line("NUR" + std::to_string(day), "001104000020000", 30, 1);
    total += 8000;
    v1::UploadInpatientFeesReply fees;
    r = s->call(&S::UploadInpatientFees, up, &fees);
    ASSERT_TRUE(r.ok()) << r.status.error_message();
    EXPECT_EQ(fees.result_size(), 2);
  }
  // 2304 before 2402 → E_STATE.
  v1::InpatientSettleRequest st;
  *st.mutable_header() = s->header("2304");
  st.set_mdtrt_id(stay.mdtrt_id());
  st.set_medfee_sumamt(total);
  v1::InpatientSettleReply settled;
  r = s->call(&S::InpatientSettle, st, &settled);
  EXPECT_EQ(r.reason, "E_STATE");

  v1::DischargeRequest dis;
  *dis.mutable_header() = s->header("2402");
  dis.set_mdtrt_id(stay.mdtrt_id());
  dis.set_endtime(s->header("x").inf_time());
  v1::DischargeReply dr;
  r = s->call(&S::Discharge, dis, &dr);
  EXPECT_EQ(r.reason, "E_STATE");  // no discharge diagnosis (§11.7)
  auto* d = dis.add_diseinfo();
  d->set_diag_code("K80.1");
  d->set_maindiag_flag(1);
  *dis.mutable_header() = s->header("2402");
  r = s->call(&S::Discharge, dis, &dr);
  ASSERT_TRUE(r.ok()) << r.status.error_message();

  v1::InpatientPreSettleRequest pre;
  *pre.mutable_header() = s->header("2303");
  pre.set_mdtrt_id(stay.mdtrt_id());
  pre.set_medfee_sumamt(total);
  v1::InpatientPreSettleReply priced;
  r = s->call(&S::InpatientPreSettle, pre, &priced);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  expect_identities(priced.setlinfo());
  EXPECT_GT(priced.setlinfo().act_pay_dedc(), 0);  // first admission: the deductible

  *st.mutable_header() = s->header("2304");
  st.set_fund_pay_sumamt(priced.setlinfo().fund_pay_sumamt());
  st.set_acct_pay(priced.setlinfo().acct_pay());
  st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
  r = s->call(&S::InpatientSettle, st, &settled);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(settled.setlinfo().clr_type(), "21");

  v1::GetAccumulatorsRequest acc;
  *acc.mutable_header() = s->header("5206");
  acc.set_psn_no(p.psn_no);
  v1::GetAccumulatorsReply a;
  ASSERT_TRUE(s->call(&S::GetAccumulators, acc, &a).ok());
  EXPECT_EQ(a.admissions(), 1);
  EXPECT_EQ(a.pool_paid_total(), settled.setlinfo().hifp_pay());
}

TEST_P(VisitsTest, RefusalsCarryTheirCodesAndChangeNothing) {
  auto s = session_at(Level::kLevel1);
  auto other = session_at(Level::kLevel1, 1);
  const models::Person p = person(models::Insutype::kEmployee, 7);

  // No valid sign-in.
  v1::RegisterRequest reg;
  *reg.mutable_header() = s->header("2201");
  reg.mutable_header()->set_sign_no("N-forged");
  reg.set_psn_no(p.psn_no);
  reg.set_begntime(s->header("x").inf_time());
  reg.set_ipt_otp_no("'; DROP TABLE visits; --");
  v1::RegisterReply visit;
  auto r = s->call(&S::Register, reg, &visit);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(r.reason, "E_SIGNIN");

  // A SQL-looking business key is data, nothing more.
  *reg.mutable_header() = s->header("2201");
  r = s->call(&S::Register, reg, &visit);
  ASSERT_TRUE(r.ok()) << r.status.error_message();

  // Another facility cannot touch the visit.
  v1::VisitInfoRequest vi;
  *vi.mutable_header() = other->header("2203");
  vi.set_mdtrt_id(visit.mdtrt_id());
  vi.set_med_type("11");
  v1::VisitInfoReply vir;
  r = other->call(&S::VisitInfo, vi, &vir);
  EXPECT_EQ(r.code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(r.reason, "E_NOT_YOUR_VISIT");

  // Malformed: no header; wrong infno; oversized string; negative amount; too many lines.
  v1::UploadFeesRequest up;
  v1::UploadFeesReply fees;
  r = s->call(&S::UploadFees, up, &fees);
  EXPECT_EQ(r.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(r.reason, "E_BAD_REQUEST");
  *up.mutable_header() = s->header("2207");
  up.set_mdtrt_id(visit.mdtrt_id());
  *up.add_feedetail() = line("1", "001102000010000", 20, 1);
  r = s->call(&S::UploadFees, up, &fees);
  EXPECT_EQ(r.reason, "E_BAD_REQUEST");
  EXPECT_EQ(r.field, "header.infno");
  *up.mutable_header() = s->header("2204");
  up.set_chrg_bchno(std::string(5000, 'x'));
  r = s->call(&S::UploadFees, up, &fees);
  EXPECT_EQ(r.reason, "E_BAD_REQUEST");
  up.clear_chrg_bchno();
  up.mutable_feedetail(0)->set_det_item_fee_sumamt(-2000);
  r = s->call(&S::UploadFees, up, &fees);
  EXPECT_EQ(r.reason, "E_BAD_REQUEST");
  EXPECT_EQ(r.field, "feedetail[0].det_item_fee_sumamt");
  up.clear_feedetail();
  for (int i = 0; i < 301; ++i) *up.add_feedetail() = line(std::to_string(i), "001102000010000", 1, 1);
  r = s->call(&S::UploadFees, up, &fees);
  EXPECT_EQ(r.reason, "E_BAD_REQUEST");
  // A declared amount off by more than a fen → E_SUM_MISMATCH.
  up.clear_feedetail();
  *up.add_feedetail() = line("1", "001102000010000", 20, 1);
  up.mutable_feedetail(0)->set_det_item_fee_sumamt(2002);
  *up.mutable_header() = s->header("2204");
  r = s->call(&S::UploadFees, up, &fees);
  EXPECT_EQ(r.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(r.reason, "E_SUM_MISMATCH");

  // Nothing of the refused uploads was stored: pre-settle finds no fees.
  v1::PreSettleRequest pre;
  *pre.mutable_header() = s->header("2206");
  pre.set_mdtrt_id(visit.mdtrt_id());
  v1::PreSettleReply priced;
  r = s->call(&S::PreSettle, pre, &priced);
  EXPECT_EQ(r.reason, "E_STATE");

  // Unknown person, unknown visit.
  v1::RegisterRequest nobody = reg;
  *nobody.mutable_header() = s->header("2201");
  nobody.set_psn_no("99999999999999999999");
  nobody.set_ipt_otp_no("OTP-nobody");
  r = s->call(&S::Register, nobody, &visit);
  EXPECT_EQ(r.code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(r.reason, "E_PSN_NOT_FOUND");
}

}  // namespace
}  // namespace yibao::testing
