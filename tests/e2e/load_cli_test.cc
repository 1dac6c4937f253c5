// Process level: yibao-load's command line and exit codes (0 a completed run; 1 a bad flag, an
// unreachable core or a population mismatch, with one line), and short runs of each mix
// against a real yibao-core whose results are checked: no failures, one acked line per
// acknowledged settlement, msgids unique, the core's journal agreeing with the report.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

constexpr const char* kToken = "load-cli-test-token-0123456789";

std::string load_binary() { return CoreProcess::binary("bench/load/yibao-load"); }

// The value of `key` in the report's RESULT line, or "" if absent.
std::string result_field(const std::string& out, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("RESULT .*\\b" + key + "=([^ \\n]+)"))) return {};
  return m[1];
}

class LoadCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(load_binary())) << "yibao-load is not built (bench/load, YB_BUILD_BENCH=ON)";
    dir_ = new TempDir();
    write_file(dir_->file("token"), std::string(kToken) + "\n");
    core_ = new CoreProcess({"--ledger", dir_->file("l.db"), "--population", "county", "--seed", "31", "--admin-token",
                             dir_->file("token")});
    ASSERT_TRUE(core_->start()) << core_->error();
  }
  static void TearDownTestSuite() {
    if (core_ != nullptr && core_->running()) {
      EXPECT_EQ(core_->stop(), 0) << core_->output();
    }
    delete core_;
    delete dir_;
    core_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(core_ != nullptr && core_->running()) << "the suite's yibao-core did not start"; }
  // yibao-load against the suite's core with `extra` flags; returns the exit code.
  static int run_load(std::vector<std::string> extra, std::string* out, const std::string& seed = "31") {
    std::vector<std::string> argv{load_binary(),
                                  "--core",
                                  core_->address(),
                                  "--population",
                                  "county",
                                  "--seed",
                                  seed,
                                  "--admin-token",
                                  dir_->file("token"),
                                  "--facilities",
                                  "12",
                                  "--progress",
                                  "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_program(argv, out, std::chrono::seconds(60));
  }
  static TempDir* dir_;
  static CoreProcess* core_;
};
TempDir* LoadCliTest::dir_ = nullptr;
CoreProcess* LoadCliTest::core_ = nullptr;

TEST_F(LoadCliTest, HelpAndBadFlags) {
  std::string out;
  EXPECT_EQ(run_program({load_binary(), "--help"}, &out), 0);
  for (const char* flag : {"--core", "--population", "--seed", "--duration", "--rate", "--max", "--mix", "--facilities",
                           "--admin-token", "--acked", "--channels", "--in-flight", "--tls-ca"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
  EXPECT_EQ(run_program({load_binary()}, &out), 1) << out;
  EXPECT_EQ(run_load({"--duration", "1", "--rate", "10", "--max"}, &out), 1) << out;
  EXPECT_EQ(run_load({"--duration", "1", "--rate", "10", "--mix", "inpatient"}, &out), 1) << out;
  EXPECT_EQ(run_load({"--duration", "1"}, &out), 1) << out;  // neither --rate nor --max
  EXPECT_EQ(run_load({"--duration", "-2", "--max"}, &out), 1) << out;
  EXPECT_EQ(run_load({"--duration", "1", "--rate", "abc"}, &out), 1) << out;
}

TEST_F(LoadCliTest, UnreachableCoreAndWrongPopulationExitOneWithOneLine) {
  std::string out;
  EXPECT_EQ(run_program({load_binary(), "--core", "127.0.0.1:1", "--population", "county", "--seed", "31", "--duration",
                         "1", "--max", "--connect-timeout", "1"},
                        &out),
            1);
  EXPECT_NE(out.find("cannot reach the core at 127.0.0.1:1"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_EQ(run_load({"--duration", "1", "--max"}, &out, "32"), 1);
  EXPECT_NE(out.find("holds population 'county' seed 31"), std::string::npos) << out;
  // Without the token, Admin.GetStats is refused.
  EXPECT_EQ(run_program({load_binary(), "--core", core_->address(), "--population", "county", "--seed", "31",
                         "--duration", "1", "--max"},
                        &out),
            1);
  EXPECT_NE(out.find("--admin-token"), std::string::npos) << out;
}

TEST_F(LoadCliTest, EchoAtARate) {
  std::string out;
  ASSERT_EQ(run_load({"--mix", "echo", "--rate", "500", "--poisson", "--duration", "1"}, &out), 0) << out;
  EXPECT_EQ(result_field(out, "failed"), "0") << out;
  const int sent = std::stoi(result_field(out, "sent"));
  EXPECT_GT(sent, 350) << out;  // Poisson: 500 ± a few standard deviations
  EXPECT_LT(sent, 650) << out;
  EXPECT_EQ(result_field(out, "acked"), result_field(out, "sent")) << out;
}

TEST_F(LoadCliTest, SettleAndVisitMixesAckEverySettlementOnce) {
  const std::string acked = dir_->file("acked.csv");
  std::string out;
  ASSERT_EQ(run_load({"--mix", "settle", "--rate", "100", "--duration", "2", "--acked", acked}, &out), 0) << out;
  EXPECT_EQ(result_field(out, "failed"), "0") << out;
  EXPECT_EQ(result_field(out, "acked"), "200") << out;
  EXPECT_NE(out.find("server 2207"), std::string::npos) << out;  // the core's view of the phase
  // Every batch was made durable by an fsync; one may cover several batches, never none.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex("commit batches ([0-9]+) \\([0-9]+/s, ([0-9]+) fsyncs\\)"))) << out;
  EXPECT_GE(std::stoi(m[1]), std::stoi(m[2])) << out;
  EXPECT_GE(std::stoi(m[2]), 1) << out;
  ASSERT_EQ(
      run_load({"--mix", "visit", "--max", "--in-flight", "8", "--duration", "2", "--acked", acked, "--load-seed", "9"},
               &out),
      0)
      << out;
  EXPECT_EQ(result_field(out, "failed"), "0") << out;
  const int visits = std::stoi(result_field(out, "acked"));
  EXPECT_GT(visits, 0) << out;
  for (const char* code : {"1101", "2201", "2203", "2204", "2206", "2207", "2101", "2102", "visit", "sale"})
    EXPECT_TRUE(std::regex_search(out, std::regex(std::string("\\n  ") + code + " +[1-9]"))) << code << "\n" << out;

  std::ifstream in(acked);
  std::set<std::string> msgids;
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_TRUE(std::regex_match(line, std::regex("[0-9A-Z]{12}[0-9]{18},S[0-9]+,M[0-9]+,[0-9A-Z]{12}(,-?[0-9]+){4}")))
        << line;
    EXPECT_TRUE(msgids.insert(line.substr(0, 30)).second) << "acked twice: " << line;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    ASSERT_EQ(f.size(), 8u) << line;
    EXPECT_EQ(f[0].substr(0, 12), f[3]) << "the msgid's facility is the line's facility: " << line;
  }
  EXPECT_EQ(lines, 200 + visits);
}

}  // namespace
}  // namespace yibao::testing
