// Whole yibao-sim runs of drill scenarios for the live tests (one SimGrid engine per process):
// a run that returns its result.json, and the invariants all passing (repo_root: tests/testing/repo.h).
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/testing/core_process.h"
#include "tests/testing/repo.h"

namespace yibao::testing {

// `yibao-sim run scenario --out out_dir --quiet [extra...]`, expecting exit `expect_code`; the
// parsed result.json, or null (a test failure) when there is none.
inline nlohmann::json run_drill(const std::string& scenario, const std::string& out_dir, int expect_code = 0,
                                const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{CoreProcess::binary("sim/yibao-sim"), "run", scenario, "--out", out_dir, "--quiet"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::string out;
  const int code = run_program(argv, &out, std::chrono::seconds(300));
  EXPECT_EQ(code, expect_code) << out;
  std::ifstream in(out_dir + "/result.json");
  if (!in) {
    ADD_FAILURE() << "no result.json: " << out;
    return nlohmann::json();
  }
  return nlohmann::json::parse(in);
}

inline void expect_invariants(const nlohmann::json& r) {
  ASSERT_FALSE(r["invariants"].empty());
  for (const nlohmann::json& inv : r["invariants"]) EXPECT_TRUE(inv["pass"].get<bool>()) << inv.dump();
}

}  // namespace yibao::testing
