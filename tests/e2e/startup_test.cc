// yibao-core's start-up contract (DESIGN.md §4): a start-up error exits 1 with one line saying
// what is wrong; the same (preset, seed) on a ledger is a no-op, another one refuses to start.
#include <gtest/gtest.h>

#include "tests/testing/core_process.h"
#include "tests/testing/temp_dir.h"

namespace yibao::testing {
namespace {

std::string core() { return CoreProcess::binary("grpc/core/yibao-core"); }

TEST(StartupTest, BadFlagExitsOneWithOneLine) {
  std::string out;
  EXPECT_EQ(run_program({core(), "--no-such-flag"}, &out, std::chrono::seconds(30)), 1) << out;
  EXPECT_NE(out.find("yibao-core:"), std::string::npos) << out;
}

TEST(StartupTest, HelpExplainsTheFlags) {
  std::string out;
  EXPECT_EQ(run_program({core(), "--help"}, &out, std::chrono::seconds(30)), 0);
  for (const char* flag : {"--listen", "--ledger", "--policy", "--population", "--seed", "--admin-token"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
}

TEST(StartupTest, PlaintextBeyondLoopbackIsRefused) {
  TempDir dir;
  std::string out;
  EXPECT_EQ(run_program({core(), "--listen", "0.0.0.0:0", "--ledger", dir.file("l.db")}, &out,
                        std::chrono::seconds(30)),
            1)
      << out;
  EXPECT_NE(out.find("--allow-plaintext"), std::string::npos) << out;
}

TEST(StartupTest, SamePopulationRestartsAnotherIsRefusedAndABusyPortIsAnError) {
  TempDir dir;
  const std::string ledger = dir.file("l.db");
  {
    CoreProcess first({"--ledger", ledger, "--population", "county", "--seed", "5"});
    ASSERT_TRUE(first.start()) << first.error();
    // A second core on the same port cannot listen.
    std::string out;
    EXPECT_EQ(run_program({core(), "--listen", first.address(), "--ledger", dir.file("other.db")}, &out,
                          std::chrono::seconds(30)),
              1)
        << out;
    EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
    EXPECT_EQ(first.stop(), 0) << first.output();
  }
  {
    CoreProcess same({"--ledger", ledger, "--population", "county", "--seed", "5"});
    ASSERT_TRUE(same.start()) << same.error();
    EXPECT_EQ(same.stop(), 0);
  }
  std::string out;
  EXPECT_EQ(run_program({core(), "--listen", "127.0.0.1:0", "--ledger", ledger, "--population", "county", "--seed",
                         "6"},
                        &out, std::chrono::seconds(30)),
            1)
      << out;
  EXPECT_NE(out.find("ledger holds population"), std::string::npos) << out;
  // A file that is not a ledger.
  write_file(dir.file("junk.db"), "this is not a database, just text that is long enough to have a header");
  EXPECT_EQ(run_program({core(), "--listen", "127.0.0.1:0", "--ledger", dir.file("junk.db")}, &out,
                        std::chrono::seconds(30)),
            1)
      << out;
}

}  // namespace
}  // namespace yibao::testing
