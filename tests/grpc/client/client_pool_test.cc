// Tests of grpc/client/client_pool.h against an in-process callback server on 127.0.0.1 whose
// fake Settlement.Settle follows a script named in the request's `invono`:
//   "ok"          OK, setl_id "S<attempt>"
//   "fail<K>"     UNAVAILABLE (no reason) for the first K attempts of a msgid, then OK
//   "switchover"  UNAVAILABLE + yb-reason E_SWITCHOVER + yb-retry-after
//   "state"       FAILED_PRECONDITION + yb-reason E_STATE + yb-field mdtrt_id
//   "slow<ms>"    OK after <ms> milliseconds
//   "replay-initial" / "replay-trailing"  OK with yb-replay: 1 in that metadata
// and whose Admin.Echo echoes the payload and records the authorization header. Every test is
// bounded to a few seconds.
#include "grpc/client/client_pool.h"

#include <gtest/gtest.h>
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "grpc/convert/status.h"  // only its metadata key constants: they must equal the client's
#include "tests/testing/temp_dir.h"

namespace yibao::client {
namespace {

namespace v1 = yibao::settlement::v1;
using namespace std::chrono_literals;

static_assert(std::string_view(kReasonKey) == convert::kReasonKey);
static_assert(std::string_view(kFieldKey) == convert::kFieldKey);
static_assert(std::string_view(kRetryAfterKey) == convert::kRetryAfterKey);
static_assert(std::string_view(kReplayKey) == convert::kReplayKey);

constexpr const char* kRetryAfter = "2020-05-16 06:00:00";

std::string metadata(const grpc::CallbackServerContext* ctx, const char* key) {
  auto it = ctx->client_metadata().find(key);
  return it == ctx->client_metadata().end() ? std::string() : std::string(it->second.data(), it->second.size());
}

class FakeSettlement final : public v1::Settlement::CallbackService {
 public:
  grpc::ServerUnaryReactor* Settle(grpc::CallbackServerContext* ctx, const v1::SettleRequest* req,
                                   v1::SettleReply* reply) override {
    const std::string& msgid = req->header().msgid();
    const std::string& script = req->invono();
    int attempt;
    {
      std::lock_guard lock(mu_);
      attempt = ++attempts_[msgid];
      received_.push_back(msgid);
      authorization_ = metadata(ctx, "authorization");
    }
    auto* reactor = ctx->DefaultReactor();
    reply->mutable_header()->set_inf_refmsgid(msgid);
    reply->mutable_setlinfo()->set_setl_id("S" + std::to_string(attempt));
    if (script.rfind("fail", 0) == 0) {
      if (attempt <= std::stoi(script.substr(4))) {
        reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "not yet"));
        return reactor;
      }
    } else if (script == "switchover") {
      ctx->AddTrailingMetadata(convert::kReasonKey, "E_SWITCHOVER");
      ctx->AddTrailingMetadata(convert::kRetryAfterKey, kRetryAfter);
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "switchover window until 2020-05-16 06:00:00"));
      return reactor;
    } else if (script == "state") {
      ctx->AddTrailingMetadata(convert::kReasonKey, "E_STATE");
      ctx->AddTrailingMetadata(convert::kFieldKey, "mdtrt_id");
      reactor->Finish(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "visit is settled"));
      return reactor;
    } else if (script.rfind("slow", 0) == 0) {
      auto alarm = std::make_unique<grpc::Alarm>();
      alarm->Set(std::chrono::system_clock::now() + std::chrono::milliseconds(std::stoi(script.substr(4))),
                 [reactor](bool) { reactor->Finish(grpc::Status::OK); });
      std::lock_guard lock(mu_);
      alarms_.push_back(std::move(alarm));
      return reactor;
    } else if (script == "replay-initial") {
      ctx->AddInitialMetadata(convert::kReplayKey, "1");
    } else if (script == "replay-trailing") {
      ctx->AddTrailingMetadata(convert::kReplayKey, "1");
    }
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  std::vector<std::string> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  std::string authorization() const {
    std::lock_guard lock(mu_);
    return authorization_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, int> attempts_;
  std::vector<std::string> received_;
  std::string authorization_;
  std::vector<std::unique_ptr<grpc::Alarm>> alarms_;
};

class FakeAdmin final : public v1::Admin::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const v1::EchoRequest* req,
                                 v1::EchoReply* reply) override {
    {
      std::lock_guard lock(mu_);
      authorization_ = metadata(ctx, "authorization");
      peers_.insert(ctx->peer());
    }
    reply->set_payload(req->payload());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  std::string authorization() const {
    std::lock_guard lock(mu_);
    return authorization_;
  }
  size_t distinct_peers() const {
    std::lock_guard lock(mu_);
    return peers_.size();
  }

 private:
  mutable std::mutex mu_;
  std::string authorization_;
  std::set<std::string> peers_;
};

// An in-process core stand-in on 127.0.0.1 (port chosen by the server unless given).
class TestServer {
 public:
  explicit TestServer(int port = 0,
                      std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials()) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), std::move(creds), &port_);
    builder.RegisterService(&settlement);
    builder.RegisterService(&admin);
    server_ = builder.BuildAndStart();
  }
  ~TestServer() { shutdown(); }
  bool running() const { return server_ != nullptr && port_ > 0; }
  int port() const { return port_; }
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  void shutdown() {
    if (server_) {
      server_->Shutdown(std::chrono::system_clock::now() + 1s);
      server_->Wait();
      server_.reset();
    }
  }

  FakeSettlement settlement;
  FakeAdmin admin;

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

std::unique_ptr<ClientPool> make_pool(const std::string& target, int channels = 2, std::string token = "sekret") {
  ClientOptions o;
  o.target = target;
  o.channels = channels;
  o.admin_token = std::move(token);
  o.default_deadline = 2s;
  o.initial_reconnect_backoff = 50ms;
  o.max_reconnect_backoff = 200ms;
  std::unique_ptr<ClientPool> pool;
  const grpc::Status s = ClientPool::create(o, &pool);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return pool;
}

v1::SettleRequest settle(const std::string& msgid, const std::string& script) {
  v1::SettleRequest r;
  r.mutable_header()->set_infno("2207");
  r.mutable_header()->set_msgid(msgid);
  r.mutable_header()->set_fixmedins_code("H45010200001");
  r.set_mdtrt_id("M1");
  r.set_invono(script);
  return r;
}

RetryPolicy fast_retries(int n) {
  RetryPolicy p;
  p.max_retries = n;
  p.initial_backoff = 5ms;
  p.max_backoff = 40ms;
  return p;
}

// Counts completions; wait() returns false after a timeout.
class Latch {
 public:
  explicit Latch(int n) : left_(n) {}
  void count_down() {
    std::lock_guard lock(mu_);
    if (--left_ == 0) cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return left_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int left_;
};

class ClientPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.running());
    pool_ = make_pool(server_.target());
    ASSERT_TRUE(pool_->wait_connected(5s));
  }
  TestServer server_;
  std::unique_ptr<ClientPool> pool_;
};

TEST_F(ClientPoolTest, ManyConcurrentCallsCompleteOverSeveralConnections) {
  pool_.reset();
  pool_ = make_pool(server_.target(), /*channels=*/4);
  ASSERT_TRUE(pool_->wait_connected(5s));
  EXPECT_EQ(pool_->ready_channels(), 4);
  constexpr int kCalls = 2000;
  Latch latch(kCalls);
  std::atomic<int> ok{0}, mismatched{0};
  for (int i = 0; i < kCalls; ++i) {
    v1::EchoRequest req;
    req.set_payload("p" + std::to_string(i));
    pool_->call(&AdminAsync::Echo, std::move(req), {}, [&, i](CallResult&& r, v1::EchoReply&& reply) {
      if (r.ok()) ++ok;
      if (reply.payload() != "p" + std::to_string(i)) ++mismatched;
      latch.count_down();
    });
  }
  ASSERT_TRUE(latch.wait(20s));
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(mismatched.load(), 0);
  EXPECT_EQ(server_.admin.distinct_peers(), 4u);  // one connection per channel
  // Callbacks return before in_flight drops; give the last one a moment.
  for (int i = 0; i < 100 && pool_->in_flight() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(pool_->in_flight(), 0);
}

TEST_F(ClientPoolTest, BearerTokenGoesOnAdminCallsOnly) {
  v1::EchoReply reply;
  CallResult r = pool_->call_sync(&AdminAsync::Echo, v1::EchoRequest(), &reply);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(server_.admin.authorization(), "Bearer sekret");
  r = pool_->call_sync(&SettlementAsync::Settle, settle("M0001", "ok"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(server_.settlement.authorization(), "");
}

TEST_F(ClientPoolTest, OkResultCarriesReplyAndTimes) {
  v1::SettleReply reply;
  const auto before = Clock::now();
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0002", "ok"), &reply);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(reply.header().inf_refmsgid(), "M0002");
  EXPECT_EQ(reply.setlinfo().setl_id(), "S1");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(r.reason.empty());
  EXPECT_FALSE(r.replay);
  EXPECT_GE(r.start, before);
  EXPECT_GE(r.sent, r.start);
  EXPECT_GT(r.elapsed.count(), 0);
  EXPECT_LE(r.elapsed, Clock::now() - before);
}

TEST_F(ClientPoolTest, LatencyCountsFromTheIntendedStart) {
  CallOptions o;
  o.intended_start = Clock::now() - 300ms;  // an open-loop sender 300 ms late
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0003", "ok"), nullptr, o);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r.elapsed, 300ms);
  EXPECT_GE(r.sent - r.start, 300ms);
}

TEST_F(ClientPoolTest, DeadlineExceededIsReported) {
  CallOptions o;
  o.deadline = 50ms;
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0004", "slow500"), nullptr, o);
  EXPECT_EQ(r.code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_GE(r.elapsed, 45ms);
  EXPECT_LT(r.elapsed, 450ms);
}

TEST_F(ClientPoolTest, DeadlineExceededIsRetriedWithTheSameMsgidWhenAsked) {
  CallOptions o;
  o.deadline = 30ms;
  o.retry = fast_retries(2);
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0005", "slow400"), nullptr, o);
  EXPECT_EQ(r.code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(r.attempts, 3);
  o.retry.on_deadline_exceeded = false;
  r = pool_->call_sync(&SettlementAsync::Settle, settle("M0006", "slow400"), nullptr, o);
  EXPECT_EQ(r.attempts, 1);
  const auto got = server_.settlement.received();
  EXPECT_EQ(std::count(got.begin(), got.end(), "M0005"), 3);
  EXPECT_EQ(std::count(got.begin(), got.end(), "M0006"), 1);
}

TEST_F(ClientPoolTest, UnavailableIsRetriedWithTheSameMsgidUntilItSucceeds) {
  CallOptions o;
  o.retry = fast_retries(5);
  v1::SettleReply reply;
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0007", "fail3"), &reply, o);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(reply.setlinfo().setl_id(), "S4");
  EXPECT_EQ(reply.header().inf_refmsgid(), "M0007");
  const auto got = server_.settlement.received();
  EXPECT_EQ(std::count(got.begin(), got.end(), "M0007"), 4);
  EXPECT_EQ(got.size(), 4u);  // nothing else was sent: every attempt carried the same msgid
}

TEST_F(ClientPoolTest, RetriesStopAtTheLimit) {
  CallOptions o;
  o.retry = fast_retries(2);
  v1::SettleReply reply;
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0008", "fail5"), &reply, o);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.status.error_message(), "not yet");
  EXPECT_EQ(reply.setlinfo().setl_id(), "");  // a failed call hands back an empty reply
  // No retry policy: one attempt only.
  r = pool_->call_sync(&SettlementAsync::Settle, settle("M0009", "fail1"));
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.attempts, 1);
}

TEST_F(ClientPoolTest, SwitchoverIsNeverRetriedAndSurfacesRetryAfter) {
  CallOptions o;
  o.retry = fast_retries(5);
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0010", "switchover"), nullptr, o);
  EXPECT_EQ(r.code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.reason, "E_SWITCHOVER");
  EXPECT_EQ(r.retry_after, kRetryAfter);
  EXPECT_EQ(server_.settlement.received().size(), 1u);
}

TEST_F(ClientPoolTest, BusinessRefusalIsNotRetriedAndDecoded) {
  CallOptions o;
  o.retry = fast_retries(5);
  CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle("M0011", "state"), nullptr, o);
  EXPECT_EQ(r.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.reason, "E_STATE");
  EXPECT_EQ(r.field, "mdtrt_id");
  EXPECT_EQ(r.retry_after, "");
  EXPECT_EQ(r.status.error_message(), "visit is settled");
  EXPECT_EQ(server_.settlement.received().size(), 1u);
}

TEST_F(ClientPoolTest, ReplayMarkIsReadFromEitherMetadata) {
  for (const char* script : {"replay-initial", "replay-trailing"}) {
    CallResult r = pool_->call_sync(&SettlementAsync::Settle, settle(std::string("M0012") + script, script));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.replay) << script;
  }
}

TEST_F(ClientPoolTest, DestructorWaitsForCallsInFlight) {
  constexpr int kCalls = 50;
  std::atomic<int> done{0};
  for (int i = 0; i < kCalls; ++i) {
    pool_->call(&SettlementAsync::Settle, settle("M1" + std::to_string(i), "slow200"), {},
                [&done](CallResult&& r, v1::SettleReply&&) {
                  if (r.ok()) ++done;
                });
  }
  EXPECT_GT(pool_->in_flight(), 0);
  pool_.reset();
  EXPECT_EQ(done.load(), kCalls);
}

TEST(ClientPool, ReachesARestartedServerAgain) {
  auto server = std::make_unique<TestServer>();
  ASSERT_TRUE(server->running());
  const int port = server->port();
  auto pool = make_pool(server->target(), 2);
  ASSERT_TRUE(pool->wait_connected(5s));
  ASSERT_TRUE(pool->call_sync(&AdminAsync::Echo, v1::EchoRequest()).ok());
  server.reset();
  // Down: fails fast with UNAVAILABLE, no retry.
  CallResult down = pool->call_sync(&AdminAsync::Echo, v1::EchoRequest());
  EXPECT_EQ(down.code(), grpc::StatusCode::UNAVAILABLE);
  std::this_thread::sleep_for(300ms);  // let the channels back off
  server = std::make_unique<TestServer>(port);
  ASSERT_TRUE(server->running()) << "port " << port << " was taken meanwhile";
  const auto t0 = Clock::now();
  CallOptions o;
  o.retry = fast_retries(40);
  o.retry.max_backoff = 50ms;
  CallResult up = pool->call_sync(&AdminAsync::Echo, v1::EchoRequest(), nullptr, o);
  EXPECT_TRUE(up.ok()) << up.status.error_message() << " after " << up.attempts << " attempts";
  EXPECT_LT(Clock::now() - t0, 2s);  // the short reconnect backoff, not gRPC's 120 s default
}

TEST(ClientPool, WaitConnectedFailsWithNothingListening) {
  // A server started and stopped: its port is free and nothing listens there.
  int port;
  {
    TestServer s;
    port = s.port();
  }
  auto pool = make_pool("127.0.0.1:" + std::to_string(port), 1);
  const auto t0 = Clock::now();
  EXPECT_FALSE(pool->wait_connected(200ms));
  EXPECT_LT(Clock::now() - t0, 2s);
  EXPECT_EQ(pool->ready_channels(), 0);
  CallOptions o;
  o.wait_for_ready = true;
  o.deadline = 100ms;
  CallResult r = pool->call_sync(&AdminAsync::Echo, v1::EchoRequest(), nullptr, o);
  EXPECT_EQ(r.code(), grpc::StatusCode::DEADLINE_EXCEEDED);  // waited for the channel, then timed out
}

TEST(ClientPool, CreateRefusesBadOptions) {
  struct Case {
    const char* name;
    void (*spoil)(ClientOptions&);
    grpc::StatusCode code;
  };
  const Case cases[] = {
      {"empty target", [](ClientOptions& o) { o.target.clear(); }, grpc::StatusCode::INVALID_ARGUMENT},
      {"no channels", [](ClientOptions& o) { o.channels = 0; }, grpc::StatusCode::INVALID_ARGUMENT},
      {"too many channels", [](ClientOptions& o) { o.channels = 257; }, grpc::StatusCode::INVALID_ARGUMENT},
      {"zero deadline", [](ClientOptions& o) { o.default_deadline = 0ms; }, grpc::StatusCode::INVALID_ARGUMENT},
      {"backoff order", [](ClientOptions& o) { o.max_reconnect_backoff = 1ms; }, grpc::StatusCode::INVALID_ARGUMENT},
      {"cert without key", [](ClientOptions& o) { o.tls.client_cert_file = "/nonexistent/c.pem"; },
       grpc::StatusCode::INVALID_ARGUMENT},
      {"unreadable ca", [](ClientOptions& o) { o.tls.ca_file = "/nonexistent/ca.pem"; }, grpc::StatusCode::NOT_FOUND},
  };
  for (const Case& c : cases) {
    ClientOptions o;
    o.target = "127.0.0.1:1";
    c.spoil(o);
    std::unique_ptr<ClientPool> pool;
    const grpc::Status s = ClientPool::create(o, &pool);
    EXPECT_EQ(s.error_code(), c.code) << c.name;
    EXPECT_EQ(pool, nullptr) << c.name;
  }
}

TEST(ClientPool, RetryDecisionTable) {
  const RetryPolicy p = fast_retries(2);
  const grpc::Status unavailable(grpc::StatusCode::UNAVAILABLE, "");
  const grpc::Status deadline(grpc::StatusCode::DEADLINE_EXCEEDED, "");
  EXPECT_TRUE(should_retry(unavailable, "", "", p, 1));
  EXPECT_TRUE(should_retry(unavailable, "E_CLOCK_UNSET", "", p, 2));
  EXPECT_FALSE(should_retry(unavailable, "", "", p, 3));  // limit reached
  EXPECT_FALSE(should_retry(unavailable, "E_SWITCHOVER", "", p, 1));
  EXPECT_FALSE(should_retry(unavailable, "", kRetryAfter, p, 1));
  EXPECT_TRUE(should_retry(deadline, "", "", p, 1));
  RetryPolicy no_deadline = p;
  no_deadline.on_deadline_exceeded = false;
  EXPECT_FALSE(should_retry(deadline, "", "", no_deadline, 1));
  for (auto code : {grpc::StatusCode::OK, grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::INVALID_ARGUMENT,
                    grpc::StatusCode::ALREADY_EXISTS, grpc::StatusCode::NOT_FOUND, grpc::StatusCode::UNAUTHENTICATED,
                    grpc::StatusCode::PERMISSION_DENIED, grpc::StatusCode::UNIMPLEMENTED, grpc::StatusCode::INTERNAL}) {
    EXPECT_FALSE(should_retry(grpc::Status(code, ""), "", "", p, 1)) << code;
  }
  EXPECT_FALSE(should_retry(unavailable, "", "", RetryPolicy{}, 1));  // the default: no retry
}

TEST(ClientPool, BackoffGrowsAndIsCapped) {
  RetryPolicy p;
  p.initial_backoff = 10ms;
  p.max_backoff = 50ms;
  p.multiplier = 2;
  p.jitter = 0;
  EXPECT_EQ(retry_backoff(p, 1, 0.7), Clock::duration(10ms));
  EXPECT_EQ(retry_backoff(p, 2, 0.7), Clock::duration(20ms));
  EXPECT_EQ(retry_backoff(p, 3, 0.7), Clock::duration(40ms));
  EXPECT_EQ(retry_backoff(p, 9, 0.7), Clock::duration(50ms));
  p.jitter = 0.2;
  EXPECT_EQ(retry_backoff(p, 1, 0.0), Clock::duration(8ms));
  EXPECT_EQ(retry_backoff(p, 1, 0.5), Clock::duration(10ms));
  EXPECT_GT(retry_backoff(p, 1, 0.999), Clock::duration(11ms));
}

TEST(ClientPool, ReadsTheAdminTokenFile) {
  testing::TempDir dir;
  testing::write_file(dir.file("t"), "  abc123\n");
  std::string token;
  ASSERT_TRUE(read_admin_token(dir.file("t"), &token).ok());
  EXPECT_EQ(token, "abc123");
  testing::write_file(dir.file("empty"), "\n");
  EXPECT_EQ(read_admin_token(dir.file("empty"), &token).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(read_admin_token(dir.file("missing"), &token).error_code(), grpc::StatusCode::NOT_FOUND);
}

// Server authentication over TLS with a throw-away certificate (needs the openssl tool).
TEST(ClientPool, TalksTls) {
  testing::TempDir dir;
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=yibao-test -addext "
                          "subjectAltName=DNS:yibao-test -keyout " + dir.file("key.pem") + " -out " +
                          dir.file("cert.pem") + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl not available";
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({testing::read_file(dir.file("key.pem")), testing::read_file(dir.file("cert.pem"))});
  TestServer server(0, grpc::SslServerCredentials(ssl));
  ASSERT_TRUE(server.running());

  ClientOptions o;
  o.target = server.target();
  o.channels = 1;
  o.tls.ca_file = dir.file("cert.pem");
  o.tls.server_name_override = "yibao-test";
  std::unique_ptr<ClientPool> pool;
  ASSERT_TRUE(ClientPool::create(o, &pool).ok());
  ASSERT_TRUE(pool->wait_connected(5s));
  v1::EchoRequest req;
  req.set_payload("over tls");
  v1::EchoReply reply;
  ASSERT_TRUE(pool->call_sync(&AdminAsync::Echo, req, &reply).ok());
  EXPECT_EQ(reply.payload(), "over tls");

  // A plaintext client does not get through.
  auto plain = make_pool(server.target(), 1);
  EXPECT_FALSE(plain->wait_connected(300ms));
}

}  // namespace
}  // namespace yibao::client
