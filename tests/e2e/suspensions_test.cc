// Suspensions, holds and decisions at process level (DOMAIN.md §6, §11.10–13), driven by the
// admin clock: each refusing kind at the effective second (a call one second before succeeds,
// one at the start is refused), what a suspended facility still answers, lift, a termination
// cascading to a chain, a person's suspension and the 1101 flag, the pre-settle look-ahead
// warning, settle-and-hold under investigation with release and withholding by decision, the
// first-version refusals, and suspensions and held amounts surviving a restart; a department
// suspension at the inpatient calls, a pharmacy's suspension turning into a termination after
// 180 days, and a reversed held settlement held again when settled again. Both ledger
// backends; restarts on SQLite only (whose teardown also runs the D7 audit).
#include <gtest/gtest.h>

#include "tests/e2e/operations_fixture.h"

namespace yibao::testing {
namespace {

class SuspensionsTest : public AdminClockTest {
 protected:
  client::CallResult suspend(const std::string& scope, const std::string& mode, const std::string& subject,
                             const std::string& start, const std::string& end = "", v1::Suspension* out = nullptr) {
    v1::SuspendRequest req;
    req.set_scope(scope);
    req.set_mode(mode);
    if (scope == "facility" || scope == "department") req.set_fixmedins_code(subject);
    if (scope == "chain") req.set_chain_code(subject);
    if (scope == "person") req.set_psn_no(subject);
    req.set_reason("e2e");
    req.set_source("city");
    req.set_start(start);
    req.set_end(end);
    return suspend(req, out);
  }
  client::CallResult suspend(const v1::SuspendRequest& req, v1::Suspension* out = nullptr) {
    v1::SuspensionReply rep;
    const client::CallResult r = pool_->call_sync(&A::Suspend, req, &rep);
    if (out) *out = rep.suspension();
    return r;
  }
  v1::Suspension lift(const std::string& id) {
    v1::LiftSuspensionRequest req;
    req.set_suspension_id(id);
    v1::SuspensionReply rep;
    const client::CallResult r = pool_->call_sync(&A::LiftSuspension, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep.suspension();
  }
  v1::ListSuspensionsReply list_suspensions() {
    v1::ListSuspensionsReply rep;
    const client::CallResult r = pool_->call_sync(&A::ListSuspensions, v1::ListSuspensionsRequest(), &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep;
  }
  v1::ListHeldAmountsReply held(const std::string& code) {
    v1::ListHeldAmountsRequest req;
    req.set_fixmedins_code(code);
    v1::ListHeldAmountsReply rep;
    const client::CallResult r = pool_->call_sync(&A::ListHeldAmounts, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep;
  }
  client::CallResult decide(const std::string& code, const std::string& suspension, const std::string& outcome,
                            v1::Decision* out = nullptr) {
    v1::DecideRequest req;
    req.set_fixmedins_code(code);
    req.set_suspension_id(suspension);
    req.set_outcome(outcome);
    req.set_note("e2e decision");
    v1::DecisionReply rep;
    const client::CallResult r = pool_->call_sync(&A::Decide, req, &rep);
    if (out) *out = rep.decision();
    return r;
  }
  // Two hospitals of chain "CHAINX" (departments D01, D02), created through Admin, and a session
  // signed in at each.
  std::vector<std::unique_ptr<Session>> chain_hospitals() {
    uint32_t j = 0;
    while (j < pop_->facility_count() && pop_->facility_kind(j) != Level::kLevel2) ++j;
    const models::Facility like = pop_->facility(j);
    v1::UpsertFacilitiesRequest req;
    std::vector<std::unique_ptr<Session>> out;
    for (const char* tail : {"9901", "9902"}) {
      v1::Facility* f = req.add_facilities();
      f->set_fixmedins_code(like.code.substr(0, 8) + tail);
      f->set_fixmedins_name(std::string("Chain hospital ") + tail);
      f->set_fixmedins_type("HOSPITAL");
      f->set_hosp_lv("2");
      f->set_admdvs(like.admdvs);
      f->set_chain_code("CHAINX");
      for (const char* d : {"D01", "D02"}) f->add_departments()->set_dept_code(d);
      f->set_sign_secret("chain-secret");
    }
    v1::UpsertReply rep;
    const client::CallResult r = pool_->call_sync(&A::UpsertFacilities, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    for (const auto& f : req.facilities()) {
      out.push_back(std::make_unique<Session>(*pool_, f.fixmedins_code(), "chain-secret"));
      EXPECT_TRUE(out.back()->sign_in());
    }
    return out;
  }
  // A stay of `p` at s admitted to `dept` now, with one day of fees (80 yuan).
  static std::string admit_with_fees(Session& s, const models::Person& p, const std::string& dept, client::CallResult* out) {
    v1::AdmitRequest adm;
    *adm.mutable_header() = s.header("2401");
    adm.set_psn_no(p.psn_no);
    adm.set_med_type("21");
    adm.set_ipt_no("IPT-" + adm.header().msgid());
    adm.set_begntime(s.header("x").inf_time());
    adm.set_adm_dept_codg(dept);
    v1::AdmitReply stay;
    *out = s.call(&S::Admit, adm, &stay);
    if (!out->ok()) return "";
    v1::UploadInpatientFeesRequest up;
    *up.mutable_header() = s.header("2301");
    up.set_mdtrt_id(stay.mdtrt_id());
    *up.add_feedetail() = line("BED", "001103000010000", 50, 1);
    *up.add_feedetail() = line("NUR", "001104000020000", 30, 1);
    v1::UploadInpatientFeesReply fees;
    *out = s.call(&S::UploadInpatientFees, up, &fees);
    return stay.mdtrt_id();
  }

  // 2402 from `dept` (a discharge moves no money: never refused by a suspension), then 2303 and
  // 2304 with the core's split; the result of the first refused or the last call.
  static client::CallResult discharge_and_settle(Session& s, const std::string& mdtrt_id, const std::string& dept) {
    v1::DischargeRequest dis;
    *dis.mutable_header() = s.header("2402");
    dis.set_mdtrt_id(mdtrt_id);
    dis.set_endtime(s.header("x").inf_time());
    dis.set_dscg_dept_codg(dept);
    auto* d = dis.add_diseinfo();
    d->set_diag_code("K80.1");
    d->set_maindiag_flag(1);
    v1::DischargeReply dr;
    client::CallResult r = s.call(&S::Discharge, dis, &dr);
    EXPECT_TRUE(r.ok()) << "2402 from " << dept << ": " << r.status.error_message();
    v1::InpatientPreSettleRequest pre;
    *pre.mutable_header() = s.header("2303");
    pre.set_mdtrt_id(mdtrt_id);
    pre.set_medfee_sumamt(8000);
    v1::InpatientPreSettleReply priced;
    r = s.call(&S::InpatientPreSettle, pre, &priced);
    if (!r.ok()) return r;
    v1::InpatientSettleRequest st;
    *st.mutable_header() = s.header("2304");
    st.set_mdtrt_id(mdtrt_id);
    st.set_medfee_sumamt(8000);
    st.set_fund_pay_sumamt(priced.setlinfo().fund_pay_sumamt());
    st.set_acct_pay(priced.setlinfo().acct_pay());
    st.set_psn_cash_pay(priced.setlinfo().psn_cash_pay());
    v1::InpatientSettleReply settled;
    return s.call(&S::InpatientSettle, st, &settled);
  }
};

INSTANTIATE_TEST_SUITE_P(Ledgers, SuspensionsTest, ::testing::Values("memory", "sqlite"));

// A session after a restart numbers its msgids from 1 again: skip past those already used.
void burn_msgids(Session& s) {
  for (int i = 0; i < 60; ++i) s.header("x");
}

void expect_refused(const client::CallResult& r, const char* reason, const char* what) {
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION) << what << ": " << r.status.error_message();
  EXPECT_EQ(r.reason, reason) << what << ": " << r.status.error_message();
}

v1::RegisterRequest register_req(Session& s, const std::string& psn_no, const std::string& dept = "") {
  v1::RegisterRequest req;
  *req.mutable_header() = s.header("2201");
  req.set_psn_no(psn_no);
  req.set_begntime(s.header("x").inf_time());
  req.set_dept_code(dept);
  req.set_ipt_otp_no("OTP" + req.header().msgid());
  return req;
}

v1::GetPersonRequest get_person_req(Session& s, const std::string& psn_no) {
  v1::GetPersonRequest req;
  *req.mutable_header() = s.header("1101");
  req.set_mdtrt_cert_type("01");
  req.set_mdtrt_cert_no(psn_no);
  return req;
}

// The same settle with a new msgid (a refused one is journaled: its msgid replays the refusal).
v1::SettleRequest resend(Session& s, v1::SettleRequest req) {
  *req.mutable_header() = s.header("2207");
  return req;
}

v1::PreSettleRequest pre_settle_of(Session& s, const v1::SettleRequest& st) {
  v1::PreSettleRequest pre;
  *pre.mutable_header() = s.header("2206");
  pre.set_mdtrt_id(st.mdtrt_id());
  pre.set_medfee_sumamt(st.medfee_sumamt());
  return pre;
}

TEST_P(SuspensionsTest, FacilityRefusedFromTheSecondItStartsReadsAndCancelsAnsweredLiftReopens) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  const models::Person p = person(models::Insutype::kEmployee);
  const models::Person q = person(models::Insutype::kEmployee, 1);
  v1::SettleRequest a = ready_to_settle(*s, p, "a");
  v1::SettleRequest b = ready_to_settle(*s, q, "b");

  // No back-dating; then a suspension from 10:00.
  EXPECT_EQ(suspend("facility", "refuse", s->code(), at(5, 8, 8, 59, 59)).reason, "E_STATE");
  v1::Suspension sus;
  ASSERT_TRUE(suspend("facility", "refuse", s->code(), at(5, 8, 10), "", &sus).ok());
  EXPECT_EQ(sus.state(), "SCHEDULED");
  EXPECT_EQ(sus.scope(), "facility");
  EXPECT_EQ(sus.mode(), "refuse");
  EXPECT_EQ(sus.source(), "city");
  EXPECT_EQ(sus.start(), at(5, 8, 10));
  EXPECT_EQ(sus.end(), "");
  EXPECT_EQ(sus.created_at(), at(5, 8, 9));

  // One second before: settles; a pre-settle warns of the start within 24 h.
  ASSERT_TRUE(set_clock(at(5, 8, 9, 59, 59)).ok());
  v1::PreSettleReply warned;
  ASSERT_TRUE(s->call(&S::PreSettle, pre_settle_of(*s, b), &warned).ok());
  bool warning = false;
  for (const auto& w : warned.header().warnings()) warning = warning || w.rule_id() == "E_FAC_SUSPENDED";
  EXPECT_TRUE(warning) << warned.header().DebugString();
  v1::SettleReply first;
  ASSERT_TRUE(s->call(&S::Settle, a, &first).ok());

  // At the start: settle, pre-settle and registration refused; 1101 and the cancel of the
  // settlement made before the start still answered.
  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  v1::SettleReply rep;
  expect_refused(s->call(&S::Settle, b, &rep), "E_FAC_SUSPENDED", "2207 at the start");
  v1::PreSettleReply pre_rep;
  expect_refused(s->call(&S::PreSettle, pre_settle_of(*s, b), &pre_rep), "E_FAC_SUSPENDED", "2206");
  v1::RegisterReply reg;
  expect_refused(s->call(&S::Register, register_req(*s, p.psn_no), &reg), "E_FAC_SUSPENDED", "2201");
  v1::GetPersonReply who;
  EXPECT_TRUE(s->call(&S::GetPerson, get_person_req(*s, p.psn_no), &who).ok());
  v1::CancelSettlementRequest cancel;
  *cancel.mutable_header() = s->header("2208");
  cancel.set_setl_id(first.setlinfo().setl_id());
  cancel.set_mdtrt_id(a.mdtrt_id());
  v1::CancelSettlementReply cancelled;
  const client::CallResult cr = s->call(&S::CancelSettlement, cancel, &cancelled);
  EXPECT_TRUE(cr.ok()) << cr.status.error_message();
  ASSERT_EQ(list_suspensions().suspensions_size(), 1);
  EXPECT_EQ(list_suspensions().suspensions(0).state(), "IN_FORCE");

  // Lifted: it ends now and the facility settles again.
  ASSERT_TRUE(set_clock(at(5, 8, 11)).ok());
  const v1::Suspension lifted = lift(sus.suspension_id());
  EXPECT_EQ(lifted.state(), "ENDED");
  EXPECT_EQ(lifted.end(), at(5, 8, 11));
  EXPECT_EQ(lifted.lifted_at(), at(5, 8, 11));
  const client::CallResult again = s->call(&S::Settle, resend(*s, b), &rep);
  EXPECT_TRUE(again.ok()) << again.status.error_message();

  if (GetParam() != "sqlite") return;
  // A scheduled suspension survives a restart and refuses from its start.
  ASSERT_TRUE(suspend("facility", "terminate", s->code(), at(5, 8, 12)).ok());
  restart();
  ASSERT_EQ(list_suspensions().suspensions_size(), 2);
  EXPECT_EQ(list_suspensions().suspensions(1).state(), "SCHEDULED");
  EXPECT_EQ(list_suspensions().suspensions(0).end(), at(5, 8, 11));
  ASSERT_TRUE(set_clock(at(5, 8, 12)).ok());
  auto s2 = session_at(Level::kLevel2);
  burn_msgids(*s2);
  expect_refused(s2->call(&S::Register, register_req(*s2, p.psn_no), &reg), "E_FAC_TERMINATED", "2201 after restart");
}

TEST_P(SuspensionsTest, DepartmentSuspensionRefusesOnlyThatDepartment) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto chain = chain_hospitals();
  ASSERT_EQ(chain.size(), 2u);
  Session& s = *chain[0];
  const models::Person p = person(models::Insutype::kEmployee);
  ASSERT_TRUE(suspend("department", "refuse", s.code(), at(5, 8, 10)).code() == grpc::StatusCode::INVALID_ARGUMENT);
  v1::SuspendRequest req;
  req.set_scope("department");
  req.set_fixmedins_code(s.code());
  req.set_dept_code("D01");
  req.set_start(at(5, 8, 10));
  req.set_end(at(5, 8, 12));
  ASSERT_TRUE(suspend(req).ok());
  ASSERT_TRUE(set_clock(at(5, 8, 9, 59, 59)).ok());
  v1::RegisterReply reg;
  const client::CallResult before = s.call(&S::Register, register_req(s, p.psn_no, "D01"), &reg);
  EXPECT_TRUE(before.ok()) << before.status.error_message();
  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  expect_refused(s.call(&S::Register, register_req(s, p.psn_no, "D01"), &reg), "E_DEPT_SUSPENDED", "2201 in D01");
  const client::CallResult other = s.call(&S::Register, register_req(s, p.psn_no, "D02"), &reg);
  EXPECT_TRUE(other.ok()) << other.status.error_message();
  // It ends at its end.
  ASSERT_TRUE(set_clock(at(5, 8, 12)).ok());
  const client::CallResult after = s.call(&S::Register, register_req(s, p.psn_no, "D01"), &reg);
  EXPECT_TRUE(after.ok()) << after.status.error_message();
}

TEST_P(SuspensionsTest, ChainTerminationCascadesToEveryFacilityOfTheChain) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto chain = chain_hospitals();
  ASSERT_EQ(chain.size(), 2u);
  auto other = session_at(Level::kLevel2);  // not of the chain
  const models::Person p = person(models::Insutype::kEmployee);
  ASSERT_TRUE(suspend("chain", "terminate", "CHAINX", at(5, 8, 10)).ok());
  ASSERT_TRUE(set_clock(at(5, 8, 9, 59, 59)).ok());
  v1::RegisterReply reg;
  for (auto& s : chain) EXPECT_TRUE(s->call(&S::Register, register_req(*s, p.psn_no), &reg).ok());
  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  for (auto& s : chain)
    expect_refused(s->call(&S::Register, register_req(*s, p.psn_no), &reg), "E_FAC_TERMINATED", "chain member");
  EXPECT_TRUE(other->call(&S::Register, register_req(*other, p.psn_no), &reg).ok());
}

TEST_P(SuspensionsTest, PersonSuspensionRefusesEverywhereAndShowsIn1101) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto s = session_at(Level::kLevel2);
  auto t = session_at(Level::kLevel2, 1);
  const models::Person p = person(models::Insutype::kEmployee);
  const models::Person q = person(models::Insutype::kEmployee, 1);
  EXPECT_EQ(suspend("person", "refuse", "NO-SUCH-PERSON", at(5, 8, 10)).reason, "E_PSN_NOT_FOUND");
  EXPECT_EQ(suspend("person", "hold", p.psn_no, at(5, 8, 10)).code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(suspend("person", "refuse", p.psn_no, at(5, 8, 10)).ok());
  v1::SettleRequest pending = ready_to_settle(*s, p, "p");
  ASSERT_TRUE(set_clock(at(5, 8, 9, 59, 59)).ok());
  v1::GetPersonReply who;
  ASSERT_TRUE(s->call(&S::GetPerson, get_person_req(*s, p.psn_no), &who).ok());
  EXPECT_EQ(who.psn_setl_suspended(), 0);
  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  ASSERT_TRUE(s->call(&S::GetPerson, get_person_req(*s, p.psn_no), &who).ok());
  EXPECT_EQ(who.psn_setl_suspended(), 1);
  v1::SettleReply rep;
  expect_refused(s->call(&S::Settle, pending, &rep), "E_PSN_SUSPENDED", "2207");
  v1::RegisterReply reg;
  expect_refused(t->call(&S::Register, register_req(*t, p.psn_no), &reg), "E_PSN_SUSPENDED", "2201 elsewhere");
  EXPECT_TRUE(t->call(&S::Register, register_req(*t, q.psn_no), &reg).ok());  // another person
}

TEST_P(SuspensionsTest, UnderInvestigationSettlesAndHoldsUntilDecisionsReleaseOrWithhold) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto s = session_at(Level::kLevel2);
  // Residents: the general-outpatient pool pays a consultation from the first yuan.
  const models::Person p = person(models::Insutype::kResident);
  const models::Person q = person(models::Insutype::kResident, 1);
  const models::Person r3 = person(models::Insutype::kResident, 2);
  v1::SettleRequest a = ready_to_settle(*s, p, "a");
  v1::SettleRequest b = ready_to_settle(*s, q, "b");
  v1::SettleRequest c = ready_to_settle(*s, r3, "c");
  v1::Suspension sus;
  ASSERT_TRUE(suspend("facility", "hold", s->code(), at(5, 8, 10), "", &sus).ok());
  EXPECT_EQ(suspend("chain", "hold", "CHAINX", at(5, 8, 10)).code(), grpc::StatusCode::INVALID_ARGUMENT);

  // One second before: settled, nothing held.
  ASSERT_TRUE(set_clock(at(5, 8, 9, 59, 59)).ok());
  v1::SettleReply ra, rb, rc;
  ASSERT_TRUE(s->call(&S::Settle, a, &ra).ok());
  EXPECT_EQ(held(s->code()).facilities_size(), 0);

  // At the start: settled normally for the patient, what is owed to the facility held.
  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  client::CallResult r = s->call(&S::Settle, b, &rb);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  const int64_t owed_b = rb.setlinfo().fund_pay_sumamt() + rb.setlinfo().acct_pay() + rb.setlinfo().acct_mulaid_pay();
  EXPECT_GT(owed_b, 0);
  bool flagged = false;
  for (const auto& w : rb.header().warnings()) flagged = flagged || w.rule_id() == "HOLD";
  EXPECT_TRUE(flagged);
  r = s->call(&S::Settle, c, &rc);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  const int64_t owed_c = rc.setlinfo().fund_pay_sumamt() + rc.setlinfo().acct_pay() + rc.setlinfo().acct_mulaid_pay();
  v1::ListHeldAmountsReply h = held(s->code());
  ASSERT_EQ(h.facilities_size(), 1);
  EXPECT_EQ(h.facilities(0).held(), owed_b + owed_c);
  EXPECT_EQ(h.facilities(0).held_settlements(), 2);

  // A held settlement cancelled is no longer owed.
  v1::CancelSettlementRequest cancel;
  *cancel.mutable_header() = s->header("2208");
  cancel.set_setl_id(rc.setlinfo().setl_id());
  cancel.set_mdtrt_id(c.mdtrt_id());
  v1::CancelSettlementReply cancelled;
  ASSERT_TRUE(s->call(&S::CancelSettlement, cancel, &cancelled).ok());
  EXPECT_EQ(held(s->code()).facilities(0).held(), owed_b);

  if (GetParam() == "sqlite") {
    restart();
    s = session_at(Level::kLevel2);
    burn_msgids(*s);
    EXPECT_EQ(held(s->code()).facilities(0).held(), owed_b);
  }

  // Lifting stops new holds but releases nothing; a cleared decision releases.
  ASSERT_TRUE(set_clock(at(5, 8, 11)).ok());
  lift(sus.suspension_id());
  EXPECT_EQ(held(s->code()).facilities(0).held(), owed_b);
  EXPECT_EQ(decide(s->code(), sus.suspension_id(), "maybe").code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::Decision d;
  r = decide(s->code(), sus.suspension_id(), "cleared", &d);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(d.outcome(), "cleared");
  EXPECT_EQ(d.amount(), owed_b);
  EXPECT_EQ(d.settlements(), 1);
  h = held(s->code());
  EXPECT_EQ(h.facilities(0).held(), 0);
  EXPECT_EQ(h.facilities(0).released(), owed_b);
  ASSERT_EQ(h.decisions_size(), 1);
  EXPECT_EQ(h.decisions(0).decision_id(), d.decision_id());

  // A second investigation ends in withholding.
  v1::Suspension sus2;
  ASSERT_TRUE(suspend("facility", "hold", s->code(), at(5, 8, 12), "", &sus2).ok());
  ASSERT_TRUE(set_clock(at(5, 8, 12)).ok());
  v1::SettleRequest e = ready_to_settle(*s, r3, "e");
  v1::SettleReply re;
  ASSERT_TRUE(s->call(&S::Settle, e, &re).ok());
  const int64_t owed_e = re.setlinfo().fund_pay_sumamt() + re.setlinfo().acct_pay() + re.setlinfo().acct_mulaid_pay();
  ASSERT_TRUE(decide(s->code(), sus2.suspension_id(), "withheld", &d).ok());
  EXPECT_EQ(d.amount(), owed_e);
  h = held(s->code());
  EXPECT_EQ(h.facilities(0).held(), 0);
  EXPECT_EQ(h.facilities(0).released(), owed_b);
  EXPECT_EQ(h.facilities(0).withheld(), owed_e);
  EXPECT_EQ(h.decisions_size(), 2);
  if (GetParam() == "sqlite") {
    restart();
    EXPECT_EQ(held(s->code()).decisions_size(), 2);
    EXPECT_EQ(held(s->code()).facilities(0).withheld(), owed_e);
  }
}

// §11.11 for stays: a suspended department refuses new admissions into it from its start, and
// the settlement of a stay discharged from it (2303, 2304: the department is the discharge
// department, else the admission one); a stay admitted there before the start and transferred
// out settles; other departments go on.
TEST_P(SuspensionsTest, DepartmentSuspensionRefusesItsAdmissionsAndTheStaysDischargedFromIt) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto chain = chain_hospitals();
  ASSERT_EQ(chain.size(), 2u);
  Session& s = *chain[0];
  const models::Person p = person(models::Insutype::kEmployee);
  const models::Person q = person(models::Insutype::kEmployee, 1);
  const models::Person r3 = person(models::Insutype::kEmployee, 2);
  client::CallResult r;
  const std::string stay_p = admit_with_fees(s, p, "D01", &r);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  const std::string stay_q = admit_with_fees(s, q, "D01", &r);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  v1::SuspendRequest req;
  req.set_scope("department");
  req.set_mode("refuse");
  req.set_fixmedins_code(s.code());
  req.set_dept_code("D01");
  req.set_start(at(5, 8, 10));
  ASSERT_TRUE(suspend(req).ok());

  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  admit_with_fees(s, r3, "D01", &r);
  expect_refused(r, "E_DEPT_SUSPENDED", "2401 into D01");
  admit_with_fees(s, r3, "D02", &r);
  EXPECT_TRUE(r.ok()) << "2401 into D02: " << r.status.error_message();
  expect_refused(discharge_and_settle(s, stay_p, "D01"), "E_DEPT_SUSPENDED", "2303 of a stay discharged from D01");
  r = discharge_and_settle(s, stay_q, "D02");
  EXPECT_TRUE(r.ok()) << "a stay transferred to D02: " << r.reason << " " << r.status.error_message();
}

// §11.10: a pharmacy's open-ended suspension is a termination from its start + 180 days (a
// hospital's stays a suspension); the warning and the refusal codes say which.
TEST_P(SuspensionsTest, PharmacySuspensionTerminatesAfter180Days) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto pharmacy = session_at(Level::kPharmacy);
  auto hospital = session_at(Level::kLevel2);
  ASSERT_TRUE(pharmacy && hospital);
  const models::Person p = person(models::Insutype::kEmployee);
  ASSERT_TRUE(suspend("facility", "refuse", pharmacy->code(), at(5, 8, 10)).ok());
  ASSERT_TRUE(suspend("facility", "refuse", hospital->code(), at(5, 8, 10)).ok());
  auto sale = [&]() {
    v1::PharmacyPreSettleRequest pre;
    *pre.mutable_header() = pharmacy->header("2101");
    pre.set_psn_no(p.psn_no);
    pre.set_med_type("41");
    *pre.add_feedetail() = line("1", "XN02BEA015A001010100006", 12, 1);  // OTC paracetamol
    pre.set_medfee_sumamt(1200);
    v1::PharmacyPreSettleReply priced;
    return pharmacy->call(&S::PharmacyPreSettle, pre, &priced);
  };
  v1::RegisterReply reg;
  ASSERT_TRUE(set_clock(at(5, 8, 9, 59, 59)).ok());
  EXPECT_TRUE(sale().ok());
  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  expect_refused(sale(), "E_FAC_SUSPENDED", "2101 at the start");
  // 2024-05-08 10:00 + 180 days = 2024-11-04 10:00 (the fixture's year may differ: one second
  // before and at the 180th day's second, computed the same way).
  ASSERT_TRUE(set_clock(at(11, 4, 9, 59, 59)).ok());
  ASSERT_TRUE(pharmacy->sign_in());
  ASSERT_TRUE(hospital->sign_in());
  expect_refused(sale(), "E_FAC_SUSPENDED", "2101 one second before 180 days");
  ASSERT_TRUE(set_clock(at(11, 4, 10)).ok());
  expect_refused(sale(), "E_FAC_TERMINATED", "2101 after 180 days");
  expect_refused(hospital->call(&S::Register, register_req(*hospital, p.psn_no), &reg), "E_FAC_SUSPENDED",
                 "a hospital's suspension after 180 days");
}

// §11.12 with 2601: a held settlement reversed is no longer owed, and the visit settled again
// under investigation is held again — once.
TEST_P(SuspensionsTest, AReversedHeldSettlementIsReleasedAndHeldAgainWhenSettledAgain) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto s = session_at(Level::kLevel2);
  const models::Person p = person(models::Insutype::kResident);
  v1::SettleRequest a = ready_to_settle(*s, p, "a");
  ASSERT_TRUE(suspend("facility", "hold", s->code(), at(5, 8, 10)).ok());
  ASSERT_TRUE(set_clock(at(5, 8, 10)).ok());
  v1::SettleReply ra;
  client::CallResult r = s->call(&S::Settle, a, &ra);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  const int64_t owed = ra.setlinfo().fund_pay_sumamt() + ra.setlinfo().acct_pay() + ra.setlinfo().acct_mulaid_pay();
  ASSERT_GT(owed, 0);
  ASSERT_EQ(held(s->code()).facilities_size(), 1);
  EXPECT_EQ(held(s->code()).facilities(0).held(), owed);

  v1::ReverseRequest rv;
  *rv.mutable_header() = s->header("2601");
  rv.set_psn_no(p.psn_no);
  rv.set_omsgid(a.header().msgid());
  rv.set_oinfno("2207");
  v1::ReverseReply undone;
  r = s->call(&S::Reverse, rv, &undone);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(undone.outcome(), "APPLIED_UNDONE");
  v1::ListHeldAmountsReply h = held(s->code());
  ASSERT_EQ(h.facilities_size(), 1);
  EXPECT_EQ(h.facilities(0).held(), 0);
  EXPECT_EQ(h.facilities(0).held_settlements(), 0);

  r = s->call(&S::Settle, resend(*s, a), &ra);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  h = held(s->code());
  EXPECT_EQ(h.facilities(0).held(), owed);
  EXPECT_EQ(h.facilities(0).held_settlements(), 1);
}

TEST_P(SuspensionsTest, WhatIsNotInTheFirstVersionIsRefusedClearly) {
  ASSERT_TRUE(set_clock(at(5, 8, 9)).ok());
  auto s = session_at(Level::kLevel2);
  client::CallResult r = suspend("scheme", "refuse", s->code(), at(5, 8, 10));
  EXPECT_EQ(r.code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(r.reason, "E_UNSUPPORTED");
  v1::SuspendRequest req;
  req.set_scope("facility");
  req.set_mode("terminate");
  req.set_fixmedins_code(s->code());
  req.set_start(at(5, 8, 10));
  req.set_other_regions(true);
  r = suspend(req);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(r.field, "other_regions");
  EXPECT_EQ(list_suspensions().suspensions_size(), 0);
}

}  // namespace
}  // namespace yibao::testing
