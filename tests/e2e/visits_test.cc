// Process level: a full visit of each kind against a real yibao-core on loopback, and the
// refusals a hostile or confused client meets (DOMAIN.md §3, §11; DESIGN.md §4).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "models/population.h"
#include "models/population_yaml.h"
#include "grpc/core/audit.h"
#include "grpc/core/ledger.h"
#include "tests/e2e/session.h"
#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

using models::Level;

constexpr uint64_t kSeed = 11;

// One suite, both ledger backends (memory and SQLite): the same visits, the same answers.
class VisitsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string ledger = GetParam() == "sqlite" ? dir_.file("ledger.db") : "memory";
    write_file(dir_.file("admin.token"), "e2e-admin-token-0123456789\n");
    core_ = std::make_unique<CoreProcess>(std::vector<std::string>{
        "--ledger", ledger, "--population", "county", "--seed", std::to_string(kSeed), "--admin-token",
        dir_.file("admin.token")});
    ASSERT_TRUE(core_->start()) << core_->error();
    client::ClientOptions o;
    o.target = core_->address();
    o.channels = 2;
    o.admin_token = "e2e-admin-token-0123456789";
    ASSERT_TRUE(client::ClientPool::create(o, &pool_).ok());
    ASSERT_TRUE(pool_->wait_connected(std::chrono::seconds(10)));
    // The same population as the core's: (preset, seed) and the policy year it reports.
    v1::GetStatsReply stats;
    ASSERT_TRUE(pool_->call_sync(&client::AdminAsync::GetStats, v1::GetStatsRequest(), &stats).ok());
    auto presets = models::load_presets_file(models::default_presets_path());
    ASSERT_TRUE(presets.ok());
    models::PresetDef def = *presets->find("county");
    def.year = stats.population_year();
    auto pop = models::Population::create(def, kSeed);
    ASSERT_TRUE(pop.ok()) << pop.status().ToString();
    pop_ = std::make_unique<models::Population>(std::move(pop).value());
  }
  void TearDown() override {
    pool_.reset();
    if (!core_) return;
    EXPECT_EQ(core_->stop(), 0) << core_->output();
    if (GetParam() != "sqlite" || !pop_) return;
    // D7 on what the core left on disk: accumulators recomputed from the settlements equal the
    // stored ones.
    auto ledger = core::open_sqlite_ledger(dir_.file("ledger.db"));
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    core::CoreState state(core::Clock(), std::move(*pop_), models::PolicyBook(), models::Catalog());
    for (const std::string& m : core::accumulator_mismatches(**ledger, state)) ADD_FAILURE() << "D7: " << m;
  }

  int32_t stats_year() const { return pop_->year(); }

  // A facility of the given kind and a session signed in there.
  std::unique_ptr<Session> session_at(Level kind, int nth = 0) {
    for (uint32_t j = 0; j < pop_->facility_count(); ++j) {
      if (pop_->facility_kind(j) != kind || nth-- > 0) continue;
      auto s = std::make_unique<Session>(*pool_, pop_->facility_code(j), pop_->facility_secret(j));
      EXPECT_TRUE(s->sign_in());
      return s;
    }
    ADD_FAILURE() << "no facility of that kind";
    return nullptr;
  }
  // An enrolled person of the given scheme.
  models::Person person(models::Insutype scheme, int nth = 0) {
    const CivilDate today{static_cast<int32_t>((std::time(nullptr) + 8 * 3600) / 86400)};
    for (uint64_t i = 0; i < pop_->person_count(); ++i) {
      models::Person p = pop_->person(i);
      if (p.insutype != scheme || p.enrolment != models::Enrolment::kEnrolled) continue;
      if (scheme == models::Insutype::kResident && p.paid_through < today) continue;
      if (nth-- > 0) continue;
      return p;
    }
    ADD_FAILURE() << "no such person";
    return {};
  }
  static v1::FeeLine line(const std::string& sn, const std::string& code, int64_t yuan_price, int64_t units) {
    v1::FeeLine l;
    l.set_feedetl_sn(sn);
    l.set_med_list_codg(code);
    l.set_pric(yuan_price * 1000000);
    l.set_cnt(units * 10000);
    l.set_det_item_fee_sumamt(yuan_price * units * 100);
    l.set_rxno("RX" + sn);
    l.set_prd_days(3);
    return l;
  }

  TempDir dir_;
  std::unique_ptr<CoreProcess> core_;
  std::unique_ptr<client::ClientPool> pool_;
  std::unique_ptr<models::Population> pop_;
};

INSTANTIATE_TEST_SUITE_P(Ledgers, VisitsTest, ::testing::Values("memory", "sqlite"));

// I4/I5 on the wire.
void expect_identities(const v1::SetlInfo& s) {
  EXPECT_EQ(s.medfee_sumamt(), s.fulamt_ownpay_amt() + s.overlmt_selfpay() + s.preselfpay_amt() + s.inscp_scp_amt());
  EXPECT_EQ(s.fund_pay_sumamt(), s.hifp_pay() + s.hifob_pay() + s.hifmi_pay() + s.cvlserv_pay() + s.hifes_pay() +
                                     s.maf_pay() + s.oth_pay());
  EXPECT_EQ(s.psn_part_amt(), s.medfee_sumamt() - s.fund_pay_sumamt() - s.hosp_part_amt());
  EXPECT_EQ(s.psn_part_amt(), s.acct_pay() + s.acct_mulaid_pay() + s.psn_cash_pay());
}

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

// Registers, uploads one consultation and pre-settles; returns the Settle request to send.
v1::SettleRequest ready_to_settle(Session& s, const models::Person& p, const std::string& tag) {
  v1::RegisterRequest reg;
  *reg.mutable_header() = s.header("2201");
  reg.set_psn_no(p.psn_no);
  reg.set_begntime(s.header("x").inf_time());
  reg.set_ipt_otp_no("OTP-" + tag + reg.header().msgid());
  v1::RegisterReply visit;
  EXPECT_TRUE(s.call(&S::Register, reg, &visit).ok());
  v1::UploadFeesRequest up;
  *up.mutable_header() = s.header("2204");
  up.set_mdtrt_id(visit.mdtrt_id());
  auto* l = up.add_feedetail();
  l->set_feedetl_sn("1");
  l->set_med_list_codg("001102000010000");
  l->set_pric(25000000);
  l->set_cnt(10000);
  l->set_det_item_fee_sumamt(2500);
  v1::UploadFeesReply fees;
  EXPECT_TRUE(s.call(&S::UploadFees, up, &fees).ok());
  v1::PreSettleRequest pre;
  *pre.mutable_header() = s.header("2206");
  pre.set_mdtrt_id(visit.mdtrt_id());
  pre.set_medfee_sumamt(2500);
  v1::PreSettleReply priced;
  EXPECT_TRUE(s.call(&S::PreSettle, pre, &priced).ok());
  v1::SettleRequest st;
  *st.mutable_header() = s.header("2207");
  st.set_mdtrt_id(visit.mdtrt_id());
  st.set_medfee_sumamt(2500);
  st.set_fund_pay_sumamt(priced.setlinfo().fund_pay_sumamt());
  st.set_acct_pay(priced.setlinfo().acct_pay());
  st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
  return st;
}

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
