// The wall clock refusing SetClock, fault injection and TLS at process level (DESIGN.md §4 "Security"; issue 5 "Clock, fault
// injection, TLS"): InjectFault is refused without --fault-injection; with it, added latency, a
// refusal before commit (nothing stored: the same msgid succeeds later), a lost reply (committed,
// answered UNAVAILABLE: the msgid replays as committed), faults until cleared. TLS with a server
// certificate, with required client certificates (refused without one), and plaintext refused
// beyond loopback while TLS is allowed there. Certificates are made at test time with openssl.
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/operations_fixture.h"
#include "tests/testing/certs.h"

namespace yibao::testing {
namespace {

// A wall-clock core with fault injection on.
class FaultsTest : public VisitsTest {
 protected:
  std::vector<std::string> extra_flags() const override { return {"--fault-injection"}; }
  client::CallResult inject(const std::string& kind, v1::InjectFaultRequest::Action action, int64_t latency_ms,
                            int64_t count) {
    v1::InjectFaultRequest req;
    req.set_kind(kind);
    req.set_action(action);
    req.set_latency_ms(latency_ms);
    req.set_count(count);
    if (action == v1::InjectFaultRequest::REFUSE) {
      req.set_refuse_code(static_cast<int32_t>(grpc::StatusCode::RESOURCE_EXHAUSTED));
      req.set_refuse_reason("E_INJECTED");
    }
    v1::FaultsReply rep;
    return pool_->call_sync(&A::InjectFault, req, &rep);
  }
};

INSTANTIATE_TEST_SUITE_P(Ledgers, FaultsTest, ::testing::Values("memory", "sqlite"));
class PlainCoreTest : public VisitsTest {};
INSTANTIATE_TEST_SUITE_P(Ledgers, PlainCoreTest, ::testing::Values("memory"));

TEST_P(PlainCoreTest, FaultInjectionIsOffByDefault) {
  v1::InjectFaultRequest req;
  req.set_kind("2207");
  req.set_action(v1::InjectFaultRequest::LOSE_REPLY);
  v1::FaultsReply rep;
  const client::CallResult r = pool_->call_sync(&A::InjectFault, req, &rep);
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(r.status.error_message().find("--fault-injection"), std::string::npos) << r.status.error_message();
  // Nothing armed: a settlement goes through.
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  v1::SettleReply settled;
  EXPECT_TRUE(s->call(&S::Settle, ready_to_settle(*s, person(models::Insutype::kEmployee), "f"), &settled).ok());
}

TEST_P(PlainCoreTest, SetClockIsRefusedOnTheWallClock) {
  v1::SetClockRequest req;
  req.set_time("2020-05-08T18:00:00");
  v1::ClockReply rep;
  const client::CallResult r = pool_->call_sync(&A::SetClock, req, &rep);
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION) << r.status.error_message();
  EXPECT_TRUE(pool_->call_sync(&A::GetClock, v1::GetClockRequest(), &rep).ok());
  EXPECT_EQ(rep.mode(), "wall");
  EXPECT_TRUE(rep.set());
}

TEST_P(FaultsTest, RefusalStoresNothingLostReplyCommitsLatencyHoldsTheReply) {
  auto s = session_at(Level::kLevel2);
  ASSERT_TRUE(s);
  // Refusal before commit, once: the same msgid then settles (not a replay).
  ASSERT_TRUE(inject("2207", v1::InjectFaultRequest::REFUSE, 0, 1).ok());
  const v1::SettleRequest first = ready_to_settle(*s, person(models::Insutype::kEmployee), "r");
  v1::SettleReply rep;
  client::CallResult r = s->call(&S::Settle, first, &rep);
  EXPECT_EQ(r.code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(r.reason, "E_INJECTED");
  r = s->call(&S::Settle, first, &rep);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_FALSE(r.replay);

  // Lost reply, by RPC name: committed, answered UNAVAILABLE without a reason; the msgid replays.
  ASSERT_TRUE(inject("Settle", v1::InjectFaultRequest::LOSE_REPLY, 0, 1).ok());
  const v1::SettleRequest second = ready_to_settle(*s, person(models::Insutype::kEmployee, 1), "l");
  r = s->call(&S::Settle, second, &rep);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.reason, "");
  v1::SettleReply replayed;
  r = s->call(&S::Settle, second, &replayed);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_TRUE(r.replay);
  EXPECT_FALSE(replayed.setlinfo().setl_id().empty());

  // Latency, once: a deadline shorter than it expires; the next call is not held.
  ASSERT_TRUE(inject("1101", v1::InjectFaultRequest::NONE, 1500, 1).ok());
  v1::GetPersonRequest who;
  *who.mutable_header() = s->header("1101");
  who.set_mdtrt_cert_type("01");
  who.set_mdtrt_cert_no(person(models::Insutype::kEmployee).psn_no);
  v1::GetPersonReply person_rep;
  client::CallOptions quick;
  quick.deadline = std::chrono::milliseconds(300);
  r = pool_->call_sync(&S::GetPerson, who, &person_rep, quick);
  EXPECT_EQ(r.code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(s->call(&S::GetPerson, who, &person_rep).ok());

  // Until cleared.
  ASSERT_TRUE(inject("GetPerson", v1::InjectFaultRequest::REFUSE, 0, 0).ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s->call(&S::GetPerson, who, &person_rep).reason, "E_INJECTED");
  v1::ClearFaultsRequest clear;
  v1::FaultsReply cleared;
  ASSERT_TRUE(pool_->call_sync(&A::ClearFaults, clear, &cleared).ok());
  EXPECT_EQ(cleared.cleared(), 1);
  EXPECT_EQ(cleared.faults_size(), 0);
  EXPECT_TRUE(s->call(&S::GetPerson, who, &person_rep).ok());
  // A bad fault is refused.
  EXPECT_EQ(inject("", v1::InjectFaultRequest::NONE, 10, 0).code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// ---- TLS ----

std::string core_bin() { return CoreProcess::binary("grpc/core/yibao-core"); }

// A throw-away CA, a server certificate for localhost / 127.0.0.1 and a client certificate.
void make_certs(const TempDir& dir) {
  std::string error;
  ASSERT_TRUE(make_test_certs(dir, &error)) << error;
}

// Admin.GetClock through a pool with these TLS options: the status of the call.
grpc::StatusCode probe(const std::string& address, const client::TlsOptions& tls) {
  client::ClientOptions o;
  o.target = address;
  o.channels = 1;
  o.tls = tls;
  o.admin_token = "e2e-admin-token-0123456789";
  o.default_deadline = std::chrono::milliseconds(3000);
  std::unique_ptr<client::ClientPool> pool;
  if (!client::ClientPool::create(o, &pool).ok()) return grpc::StatusCode::INTERNAL;
  v1::ClockReply rep;
  return pool->call_sync(&A::GetClock, v1::GetClockRequest(), &rep).code();
}

TEST(TlsTest, ServerCertificateAndRequiredClientCertificates) {
  TempDir dir;
  make_certs(dir);
  write_file(dir.file("admin.token"), "e2e-admin-token-0123456789\n");
  client::TlsOptions server_only;
  server_only.ca_file = dir.file("ca.pem");
  server_only.server_name_override = "localhost";
  client::TlsOptions mutual = server_only;
  mutual.client_cert_file = dir.file("client.pem");
  mutual.client_key_file = dir.file("client.key");
  {
    CoreProcess core({"--ledger", "memory", "--admin-token", dir.file("admin.token"), "--tls-cert",
                      dir.file("server.pem"), "--tls-key", dir.file("server.key")});
    ASSERT_TRUE(core.start()) << core.error();
    EXPECT_NE(core.output().find("tls=on"), std::string::npos) << core.output();
    EXPECT_EQ(probe(core.address(), server_only), grpc::StatusCode::OK);
    EXPECT_EQ(probe(core.address(), mutual), grpc::StatusCode::OK);
    EXPECT_NE(probe(core.address(), client::TlsOptions{}), grpc::StatusCode::OK);  // plaintext client
    EXPECT_EQ(core.stop(), 0);
  }
  {
    CoreProcess core({"--ledger", "memory", "--admin-token", dir.file("admin.token"), "--tls-cert",
                      dir.file("server.pem"), "--tls-key", dir.file("server.key"), "--tls-client-ca",
                      dir.file("ca.pem")});
    ASSERT_TRUE(core.start()) << core.error();
    EXPECT_EQ(probe(core.address(), mutual), grpc::StatusCode::OK);
    EXPECT_NE(probe(core.address(), server_only), grpc::StatusCode::OK);  // no client certificate
    EXPECT_EQ(core.stop(), 0);
  }
}

TEST(TlsTest, PlaintextBeyondLoopbackIsRefusedTlsIsAllowedAndBadTlsFlagsAreStartUpErrors) {
  TempDir dir;
  make_certs(dir);
  std::string out;
  EXPECT_EQ(run_program({core_bin(), "--listen", "0.0.0.0:0", "--ledger", "memory"}, &out, std::chrono::seconds(30)), 1)
      << out;
  EXPECT_NE(out.find("--allow-plaintext"), std::string::npos) << out;
  EXPECT_EQ(run_program({core_bin(), "--listen", "127.0.0.1:0", "--ledger", "memory", "--tls-cert",
                         dir.file("server.pem")},
                        &out, std::chrono::seconds(30)),
            1)
      << out;
  EXPECT_EQ(run_program({core_bin(), "--listen", "127.0.0.1:0", "--ledger", "memory", "--tls-cert",
                         dir.file("server.pem"), "--tls-key", dir.file("missing.key")},
                        &out, std::chrono::seconds(30)),
            1)
      << out;
  // With TLS it listens beyond loopback.
  ChildProcess core({core_bin(), "--listen", "0.0.0.0:0", "--ledger", "memory", "--tls-cert", dir.file("server.pem"),
                     "--tls-key", dir.file("server.key")},
                    dir.file("core.log"));
  bool listening = false;
  for (int i = 0; i < 1500 && !listening && core.running(); ++i) {
    listening = core.output().find("listening on 0.0.0.0:") != std::string::npos;
    if (!listening) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(listening) << core.output();
}

}  // namespace
}  // namespace yibao::testing
