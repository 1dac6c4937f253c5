// TLS from the two client programs (issue 5 "Clock, fault injection, TLS": yibao-load and
// yibao-sim take --tls-ca, --tls-client-cert, --tls-client-key): a core requiring client
// certificates is driven by yibao-load (a short settle run, no failure) and by a live yibao-sim
// run (pharmacy sales settled, invariants pass); without a client certificate, or without TLS,
// both exit 1. Certificates are made at test time with openssl (tests/testing/certs.h).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/testing/certs.h"
#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

using nlohmann::json;

constexpr const char* kToken = "tls-test-admin-token-0123456789";

std::string result_field(const std::string& out, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("RESULT .*\\b" + key + "=([^ \\n]+)"))) return {};
  return m[1];
}

class TlsRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(make_test_certs(dir_, &error)) << error;
    write_file(dir_.file("token"), std::string(kToken) + "\n");
    core_ = std::make_unique<CoreProcess>(std::vector<std::string>{
        "--ledger", dir_.file("l.db"), "--population", "county", "--seed", "31", "--admin-token", dir_.file("token"),
        "--tls-cert", dir_.file("server.pem"), "--tls-key", dir_.file("server.key"), "--tls-client-ca",
        dir_.file("ca.pem")});
    ASSERT_TRUE(core_->start()) << core_->error();
  }
  void TearDown() override {
    if (core_ && core_->running()) EXPECT_EQ(core_->stop(), 0) << core_->output();
  }
  std::vector<std::string> tls(bool client_cert) const {
    std::vector<std::string> a{"--tls-ca", dir_.file("ca.pem")};
    if (client_cert)
      a.insert(a.end(), {"--tls-client-cert", dir_.file("client.pem"), "--tls-client-key", dir_.file("client.key")});
    return a;
  }
  TempDir dir_;
  std::unique_ptr<CoreProcess> core_;
};

TEST_F(TlsRunTest, YibaoLoadSettlesOverMutualTls) {
  const std::vector<std::string> base{CoreProcess::binary("bench/load/yibao-load"),
                                      "--core", core_->address(), "--population", "county", "--seed", "31",
                                      "--admin-token", dir_.file("token"), "--facilities", "12", "--progress", "0",
                                      "--mix", "settle", "--rate", "40", "--duration", "2", "--connect-timeout", "5"};
  std::string out;
  std::vector<std::string> argv = base;
  const std::vector<std::string> t = tls(true);
  argv.insert(argv.end(), t.begin(), t.end());
  ASSERT_EQ(run_program(argv, &out, std::chrono::seconds(60)), 0) << out;
  EXPECT_EQ(result_field(out, "failed"), "0") << out;
  EXPECT_GT(std::stoi(result_field(out, "acked")), 20) << out;
  // The core requires a client certificate; and a plaintext client gets nowhere.
  argv = base;
  const std::vector<std::string> no_cert = tls(false);
  argv.insert(argv.end(), no_cert.begin(), no_cert.end());
  EXPECT_EQ(run_program(argv, &out, std::chrono::seconds(60)), 1) << out;
  EXPECT_EQ(run_program(base, &out, std::chrono::seconds(60)), 1) << out;
}

TEST_F(TlsRunTest, YibaoSimRunsLiveOverMutualTls) {
  const std::string path = dir_.file("tls.yaml");
  std::ofstream(path) << "name: tls\n"
                         "scale: {preset: county}\n"
                         "clock: {start: 2024-03-04 08:00:00, duration: 10min}\n"
                         "mode: live\nseed: 31\n"
                         "workload: {outpatient: false, inpatient: false}\n"
                         "pace:\n  - {kind: accelerated, speed: 60, lag_tolerance: 5s}\n"
                         "outputs: {report: false, timeseries: false}\n";
  const std::string sim = CoreProcess::binary("sim/yibao-sim");
  const std::vector<std::string> base{sim,      "run",           path, "--out", dir_.file("out"), "--quiet", "--core",
                                      core_->address(), "--admin-token", dir_.file("token")};
  std::vector<std::string> argv = base;
  const std::vector<std::string> t = tls(true);
  argv.insert(argv.end(), t.begin(), t.end());
  std::string out;
  ASSERT_EQ(run_program(argv, &out, std::chrono::seconds(120)), 0) << out;
  std::ifstream in(dir_.file("out/result.json"));
  const json r = json::parse(in);
  EXPECT_GT(r["counts"]["settlements"].get<int64_t>(), 5) << r["counts"].dump();
  EXPECT_EQ(r["counts"]["failed"].get<int64_t>(), 0) << r["counts"].dump();
  for (const json& inv : r["invariants"]) EXPECT_TRUE(inv["pass"].get<bool>()) << inv.dump();
  // Without TLS the run cannot reach the core: exit 1, one clear line.
  EXPECT_EQ(run_program(base, &out, std::chrono::seconds(120)), 1) << out;
}

}  // namespace
}  // namespace yibao::testing
