// Fixtures of the core-operations suites (operations_test.cc, faults_tls_test.cc): the visits
// fixture (a real yibao-core over one ledger backend per parameter) started with extra flags —
// the admin clock, fault injection — plus the Admin calls those suites make and a restart on the
// same ledger. Times are built in the population's policy year, so the generated residents are
// paid up. Not thread-safe; one per test.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/e2e/visits_fixture.h"
#include "yibao/settlement/v1/admin.grpc.pb.h"

namespace yibao::testing {

using A = client::AdminAsync;

// A core on the admin clock.
class AdminClockTest : public VisitsTest {
 protected:
  std::vector<std::string> extra_flags() const override { return {"--clock", "admin"}; }

  // "YYYY-MM-DDTHH:MM:SS" in the population's year.
  std::string at(int month, int day, int hour, int minute = 0, int second = 0) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", stats_year(), month, day, hour, minute, second);
    return buf;
  }
  std::string date(int month, int day) const { return at(month, day, 0).substr(0, 10); }

  client::CallResult set_clock(const std::string& iso, v1::ClockReply* rep = nullptr) {
    v1::SetClockRequest req;
    req.set_time(iso);
    v1::ClockReply ignored;
    return pool_->call_sync(&A::SetClock, req, rep ? rep : &ignored);
  }
  v1::ClockReply get_clock() {
    v1::ClockReply rep;
    EXPECT_TRUE(pool_->call_sync(&A::GetClock, v1::GetClockRequest(), &rep).ok());
    return rep;
  }
  v1::SwitchoverWindow open_window(const std::string& scope, const std::string& start, const std::string& end) {
    v1::OpenWindowRequest req;
    req.set_scope(scope);
    req.set_start(start);
    req.set_end(end);
    req.set_note("e2e");
    v1::WindowReply rep;
    const client::CallResult r = pool_->call_sync(&A::OpenWindow, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    return rep.window();
  }
  v1::ListWindowsReply list_windows() {
    v1::ListWindowsReply rep;
    EXPECT_TRUE(pool_->call_sync(&A::ListWindows, v1::ListWindowsRequest(), &rep).ok());
    return rep;
  }
  // SIGTERM (exit 0), start again on the same ledger, reconnect.
  void restart() {
    pool_.reset();
    ASSERT_EQ(core_->stop(), 0) << core_->output();
    ASSERT_TRUE(core_->start()) << core_->error();
    connect();
  }
  // A resident created through Admin, premium paid through `paid_through`.
  models::Person new_resident(const std::string& psn_no, const std::string& paid_through) {
    const models::Person like = person(models::Insutype::kResident);
    v1::UpsertPersonsRequest req;
    v1::Person* p = req.add_persons();
    p->set_psn_no(psn_no);
    p->set_certno("9" + psn_no.substr(psn_no.size() > 17 ? psn_no.size() - 17 : 0));
    p->set_card_sn("C" + psn_no);
    p->set_psn_name("Test Resident");
    p->set_gend("1");
    p->set_brdy("1980-01-01");
    p->set_insutype("390");
    p->set_psn_type("1500");
    p->set_insuplc_admdvs(like.insuplc_admdvs);
    p->set_psn_insu_stas("1");
    p->set_paid_through(paid_through);
    p->set_balc(0);
    v1::UpsertReply rep;
    const client::CallResult r = pool_->call_sync(&A::UpsertPersons, req, &rep);
    EXPECT_TRUE(r.ok()) << r.status.error_message();
    models::Person out = like;
    out.psn_no = psn_no;
    return out;
  }
};

// UNAVAILABLE / E_SWITCHOVER, retry after `until`.
inline void expect_switchover(const client::CallResult& r, const std::string& until, const char* what) {
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAVAILABLE) << what << ": " << r.status.error_message();
  EXPECT_EQ(r.reason, "E_SWITCHOVER") << what;
  EXPECT_EQ(r.retry_after, until) << what;
}

}  // namespace yibao::testing
