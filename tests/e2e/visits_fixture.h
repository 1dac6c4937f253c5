// The fixture of the process-level visit suites (visits_test.cc, ledger_ops_test.cc): a real
// yibao-core on loopback over one ledger backend per parameter ("memory", "sqlite"), a client
// pool, the same generated population as the core's, and — for SQLite — the D7 audit of what the
// core left on disk after each test. Not thread-safe; one per test.
#pragma once

#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "grpc/core/audit.h"
#include "grpc/core/ledger.h"
#include "models/population.h"
#include "tests/e2e/session.h"
#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {

using models::Level;

inline constexpr uint64_t kSeed = 11;

// One suite, both ledger backends (memory and SQLite): the same visits, the same answers.
class VisitsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string ledger = GetParam() == "sqlite" ? dir_.file("ledger.db") : "memory";
    write_file(dir_.file("admin.token"), "e2e-admin-token-0123456789\n");
    std::vector<std::string> args{"--ledger",      ledger, "--population", "county", "--seed", std::to_string(kSeed),
                                  "--admin-token", dir_.file("admin.token")};
    for (auto& f : extra_flags()) args.push_back(std::move(f));
    core_ = std::make_unique<CoreProcess>(std::move(args));
    ASSERT_TRUE(core_->start()) << core_->error();
    connect();
    auto pop = population_like_core(*pool_, "county", kSeed);
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

  // Flags added to the core's command line (fixtures of other suites override it).
  virtual std::vector<std::string> extra_flags() const { return {}; }
  // A new client pool to the core (after a restart: a new port).
  void connect() {
    pool_.reset();
    client::ClientOptions o;
    o.target = core_->address();
    o.channels = 2;
    o.admin_token = "e2e-admin-token-0123456789";
    ASSERT_TRUE(client::ClientPool::create(o, &pool_).ok());
    ASSERT_TRUE(pool_->wait_connected(std::chrono::seconds(10)));
  }

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

// I4/I5 on the wire.
inline void expect_identities(const v1::SetlInfo& s) {
  EXPECT_EQ(s.medfee_sumamt(), s.fulamt_ownpay_amt() + s.overlmt_selfpay() + s.preselfpay_amt() + s.inscp_scp_amt());
  EXPECT_EQ(s.fund_pay_sumamt(), s.hifp_pay() + s.hifob_pay() + s.hifmi_pay() + s.cvlserv_pay() + s.hifes_pay() +
                                     s.maf_pay() + s.oth_pay());
  EXPECT_EQ(s.psn_part_amt(), s.medfee_sumamt() - s.fund_pay_sumamt() - s.hosp_part_amt());
  EXPECT_EQ(s.psn_part_amt(), s.acct_pay() + s.acct_mulaid_pay() + s.psn_cash_pay());
}

// Registers, uploads one consultation and pre-settles; returns the Settle request to send.
// With `backfill_care` ("yyyy-MM-dd HH:mm:ss"), a back-fill of care at that time (backfill_flag 1).
inline v1::SettleRequest ready_to_settle(Session& s, const models::Person& p, const std::string& tag,
                                         const std::string& backfill_care = "") {
  v1::RegisterRequest reg;
  *reg.mutable_header() = s.header("2201");
  reg.set_psn_no(p.psn_no);
  reg.set_begntime(backfill_care.empty() ? s.header("x").inf_time() : backfill_care);
  if (!backfill_care.empty()) reg.set_backfill_flag(1);
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

}  // namespace yibao::testing
