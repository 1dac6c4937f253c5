// Fixture of the back-fill suites (backfill_test.cc, manual_reimburse_test.cc): a real yibao-core
// on the admin clock (operations_fixture.h) plus the calls a back-fill makes — registration with
// backfill_flag and the true care time, fee upload, pre-settle + settle with the core's split,
// stays, pharmacy sales, 5206, 3201, suspensions, decisions and manual reimbursement — and a
// "plain" in-service employee (local, no civil-servant, enterprise or assistance layer) so that
// amounts follow from the fixture policy alone: employee outpatient pooling at a level-2 hospital
// pays 60 % after a 200-yuan yearly deductible. Not thread-safe; one per test.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/e2e/operations_fixture.h"

namespace yibao::testing {

inline constexpr const char* kBiochem = "002503010010000";  // blood biochemistry panel, class A exam
inline constexpr const char* kConsult = "001102000010000";  // outpatient consultation, class A

class BackfillTest : public AdminClockTest {
 protected:
  // "YYYY-MM-DDTHH:MM:SS" (Admin) and "YYYY-MM-DD HH:MM:SS" (envelope / begntime).
  static std::string iso(int y, int mo, int d, int h, int mi = 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:00", y, mo, d, h, mi);
    return buf;
  }
  static std::string civil(int y, int mo, int d, int h, int mi = 0) {
    std::string s = iso(y, mo, d, h, mi);
    s[10] = ' ';
    return s;
  }
  // Moves the admin clock and signs the sessions in again (a sign-in ends with its civil day).
  void go(const std::string& when, const std::vector<Session*>& sessions) {
    const client::CallResult r = set_clock(when);
    ASSERT_TRUE(r.ok()) << when << ": " << r.status.error_message();
    for (Session* s : sessions) ASSERT_TRUE(s->sign_in()) << s->code();
  }
  // The region of a session's facility.
  std::string region_of(const Session& s) const {
    for (uint32_t j = 0; j < pop_->facility_count(); ++j)
      if (pop_->facility_code(j) == s.code()) return pop_->facility(j).admdvs;
    return "";
  }
  // The nth enrolled in-service employee of region `admdvs` with no extra layer.
  models::Person plain_employee(const std::string& admdvs, int nth) {
    for (uint64_t i = 0; i < pop_->person_count(); ++i) {
      models::Person p = pop_->person(i);
      if (p.insutype != models::Insutype::kEmployee || p.enrolment != models::Enrolment::kEnrolled ||
          p.psn_type != models::PsnType::kEmployeeActive || p.cvlserv || p.hifes ||
          p.maf_group != models::MafGroup::kNone || p.insuplc_admdvs != admdvs || !p.mulaid_psn_no.empty())
        continue;
      if (nth-- > 0) continue;
      return p;
    }
    ADD_FAILURE() << "no plain employee in " << admdvs;
    return {};
  }
  static v1::FeeLine fee(const std::string& sn, const char* code, int64_t yuan) {
    v1::FeeLine l;
    l.set_feedetl_sn(sn);
    l.set_med_list_codg(code);
    l.set_pric(yuan * 1000000);
    l.set_cnt(10000);
    l.set_det_item_fee_sumamt(yuan * 100);
    return l;
  }

  // ---- outpatient ----
  v1::RegisterRequest registration(Session& s, const std::string& psn_no, const std::string& begntime,
                                   const std::string& key, int backfill, const std::string& decision = "") {
    v1::RegisterRequest req;
    *req.mutable_header() = s.header("2201");
    req.set_psn_no(psn_no);
    req.set_begntime(begntime);
    req.set_ipt_otp_no(key);
    req.set_backfill_flag(backfill);
    req.set_cleared_decision_id(decision);
    return req;
  }
  client::CallResult upload(Session& s, const std::string& mdtrt_id, const std::vector<v1::FeeLine>& lines) {
    v1::UploadFeesRequest up;
    *up.mutable_header() = s.header("2204");
    up.set_mdtrt_id(mdtrt_id);
    for (const auto& l : lines) *up.add_feedetail() = l;
    v1::UploadFeesReply rep;
    return s.call(&S::UploadFees, up, &rep);
  }
  // 2206 then 2207 with the core's split; the settle's result.
  client::CallResult settle(Session& s, const std::string& mdtrt_id, int64_t total, v1::SettleReply* out) {
    v1::PreSettleRequest pre;
    *pre.mutable_header() = s.header("2206");
    pre.set_mdtrt_id(mdtrt_id);
    pre.set_medfee_sumamt(total);
    v1::PreSettleReply priced;
    const client::CallResult r = s.call(&S::PreSettle, pre, &priced);
    if (!r.ok()) return r;
    v1::SettleRequest st;
    *st.mutable_header() = s.header("2207");
    st.set_mdtrt_id(mdtrt_id);
    st.set_medfee_sumamt(total);
    st.set_fund_pay_sumamt(priced.setlinfo().fund_pay_sumamt());
    st.set_acct_pay(priced.setlinfo().acct_pay());
    st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
    return s.call(&S::Settle, st, out);
  }
  // 2201 (back-filled or not) → 2204 → 2206 → 2207 of one line; the settlement.
  v1::SetlInfo visit(Session& s, const std::string& psn_no, const std::string& begntime, const std::string& key,
                     int backfill, const v1::FeeLine& l, const std::string& decision = "") {
    v1::RegisterReply reg;
    client::CallResult r = s.call(&S::Register, registration(s, psn_no, begntime, key, backfill, decision), &reg);
    EXPECT_TRUE(r.ok()) << key << ": " << r.reason << " " << r.status.error_message();
    r = upload(s, reg.mdtrt_id(), {l});
    EXPECT_TRUE(r.ok()) << key << ": " << r.status.error_message();
    v1::SettleReply st;
    r = settle(s, reg.mdtrt_id(), l.det_item_fee_sumamt(), &st);
    EXPECT_TRUE(r.ok()) << key << ": " << r.reason << " " << r.status.error_message();
    expect_identities(st.setlinfo());
    return st.setlinfo();
  }
  client::CallResult cancel(Session& s, const v1::SetlInfo& setl, v1::CancelSettlementReply* out) {
    v1::CancelSettlementRequest c;
    *c.mutable_header() = s.header("2208");
    c.set_setl_id(setl.setl_id());
    c.set_mdtrt_id(setl.mdtrt_id());
    return s.call(&S::CancelSettlement, c, out);
  }

  // ---- reads ----
  v1::GetAccumulatorsReply accumulators(Session& s, const std::string& psn_no, const std::string& cum_ym) {
    v1::GetAccumulatorsRequest req;
    *req.mutable_header() = s.header("5206");
    req.set_psn_no(psn_no);
    req.set_cum_ym(cum_ym);
    v1::GetAccumulatorsReply rep;
    const client::CallResult r = s.call(&S::GetAccumulators, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep;
  }
  v1::ReconcileTotalsReply totals(Session& s, const std::string& day) {
    v1::ReconcileTotalsRequest req;
    *req.mutable_header() = s.header("3201");
    req.set_setl_optins(s.code());
    req.set_stmt_begndate(day);
    req.set_stmt_enddate(day);
    v1::ReconcileTotalsReply rep;
    const client::CallResult r = s.call(&S::ReconcileTotals, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep;
  }
  std::vector<v1::ReconcileRow> rows(Session& s, const std::string& from, const std::string& to) {
    v1::ReconcileDetailsRequest req;
    *req.mutable_header() = s.header("3202");
    req.set_setl_optins(s.code());
    req.set_stmt_begndate(from);
    req.set_stmt_enddate(to);
    v1::ReconcileDetailsReply rep;
    const client::CallResult r = s.call(&S::ReconcileDetails, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return {rep.core_rows().begin(), rep.core_rows().end()};
  }
  // I10 on the wire: closing = opening + premiums − payouts + reversals, per fund; and the sum of
  // payouts − reversals equals what the given settlements paid (fund layers + accounts).
  void expect_funds(int64_t paid_by_settlements) {
    v1::GetFundBalancesReply rep;
    ASSERT_TRUE(pool_->call_sync(&A::GetFundBalances, v1::GetFundBalancesRequest(), &rep).ok());
    int64_t net = 0;
    for (const auto& f : rep.funds()) {
      EXPECT_EQ(f.closing(), f.opening() + f.premiums() - f.payouts() + f.reversals()) << f.fund();
      net += f.payouts() - f.reversals();
    }
    EXPECT_EQ(net, paid_by_settlements);
  }

  // ---- suspensions and decisions ----
  std::string suspend(const std::string& scope, const std::string& subject, const std::string& start,
                      const std::string& end, const std::string& mode = "refuse") {
    v1::SuspendRequest req;
    req.set_scope(scope);
    req.set_mode(mode);
    if (scope == "facility") req.set_fixmedins_code(subject);
    if (scope == "person") req.set_psn_no(subject);
    req.set_reason("e2e back-fill");
    req.set_start(start);
    req.set_end(end);
    v1::SuspensionReply rep;
    const client::CallResult r = pool_->call_sync(&A::Suspend, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep.suspension().suspension_id();
  }
  std::string decide(const std::string& code, const std::string& suspension, const std::string& outcome) {
    v1::DecideRequest req;
    req.set_fixmedins_code(code);
    req.set_suspension_id(suspension);
    req.set_outcome(outcome);
    v1::DecisionReply rep;
    const client::CallResult r = pool_->call_sync(&A::Decide, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep.decision().decision_id();
  }

  // ---- manual reimbursement ----
  client::CallResult manual(const v1::ManualReimburseRequest& req, v1::ManualReimburseReply* rep) {
    return pool_->call_sync(&A::ManualReimburse, req, rep);
  }
};

inline void expect_refused(const client::CallResult& r, grpc::StatusCode code, const char* reason, const char* what) {
  EXPECT_EQ(r.code(), code) << what << ": " << r.status.error_message();
  EXPECT_EQ(r.reason, reason) << what << ": " << r.status.error_message();
}

}  // namespace yibao::testing
