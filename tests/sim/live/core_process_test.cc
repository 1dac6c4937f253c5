// sim/live/core_process: start a real yibao-core on a temporary ledger, talk to it, stop it.
#include "sim/live/core_process.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "grpc/client/client_pool.h"
#include "tests/testing/core_process.h"

namespace yibao::sim {
namespace {

namespace v1 = yibao::settlement::v1;

CoreProcessOptions county(uint64_t seed) {
  CoreProcessOptions o;
  o.binary = testing::CoreProcess::binary("grpc/core/yibao-core");
  o.population = "county";
  o.seed = seed;
  return o;
}

TEST(CoreProcessTest, StartsServesAndStops) {
  auto started = CoreProcess::start(county(7));
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<CoreProcess> core = std::move(started).value();
  ASSERT_TRUE(core->running());
  EXPECT_GT(core->port(), 0);
  EXPECT_FALSE(core->admin_token().empty());
  const std::string dir = core->ledger_dir();
  EXPECT_TRUE(std::filesystem::exists(core->ledger()));

  client::ClientOptions co;
  co.target = core->address();
  co.channels = 1;
  co.admin_token = core->admin_token();
  std::unique_ptr<client::ClientPool> pool;
  ASSERT_TRUE(client::ClientPool::create(co, &pool).ok());
  v1::GetStatsReply stats;
  const client::CallResult r = pool->call_sync(&client::AdminAsync::GetStats, v1::GetStatsRequest(), &stats);
  ASSERT_TRUE(r.ok()) << r.status.error_message();
  EXPECT_EQ(stats.population_preset(), "county");
  EXPECT_EQ(stats.population_seed(), 7u);
  pool.reset();

  const Status stopped = core->stop();
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  EXPECT_FALSE(core->running());
  EXPECT_TRUE(core->stop().ok());  // idempotent
  core.reset();
  EXPECT_FALSE(std::filesystem::exists(dir)) << "temporary directory left behind";
}

TEST(CoreProcessTest, KeepLeavesTheLedger) {
  CoreProcessOptions o = county(7);
  o.keep = true;
  auto started = CoreProcess::start(o);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  const std::string dir = started.value()->ledger_dir();
  const std::string ledger = started.value()->ledger();
  started.value().reset();
  EXPECT_TRUE(std::filesystem::exists(ledger));
  std::filesystem::remove_all(dir);
}

TEST(CoreProcessTest, MissingBinaryIsNotFound) {
  CoreProcessOptions o = county(7);
  o.binary = "/nonexistent/yibao-core";
  auto started = CoreProcess::start(o);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), Code::kNotFound);
  EXPECT_NE(started.status().message().find("yibao-core not found"), std::string::npos);
}

TEST(CoreProcessTest, ExitAtStartGivesItsLastLine) {
  CoreProcessOptions o = county(7);
  o.population = "no-such-preset";
  auto started = CoreProcess::start(o);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.status().code(), Code::kUnavailable);
  const std::string msg(started.status().message());
  EXPECT_NE(msg.find("exited at start (exit 1)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no-such-preset"), std::string::npos) << msg;
}

TEST(CoreProcessTest, FindsTheCoreThroughTheEnvironment) {
  const std::string path = testing::CoreProcess::binary("grpc/core/yibao-core");
  ::setenv("YB_CORE_BIN", path.c_str(), 1);
  auto found = find_core_binary("");
  ::unsetenv("YB_CORE_BIN");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found.value(), path);
  ::setenv("YB_CORE_BIN", "/nonexistent/core", 1);
  EXPECT_EQ(find_core_binary("").status().code(), Code::kNotFound);
  ::unsetenv("YB_CORE_BIN");
}

}  // namespace
}  // namespace yibao::sim
