// The modelled golden runs (DESIGN.md §5 "Determinism"): each tests/sim/golden/<name>.yaml is
// run by yibao-sim and the deterministic part of its result.json (every key but those naming the
// wall clock, and without the scenario's file path) must equal tests/sim/golden/<name>.json
// exactly. `YB_UPDATE_GOLDEN=1 ctest -R golden` rewrites the files instead (review the diff).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/testing/core_process.h"
#include "tests/testing/repo.h"
#include "tests/testing/temp_dir.h"

namespace yibao::sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path golden_dir() {
  return testing::repo_root() / "tests" / "sim" / "golden";
}

json deterministic(const json& j) {
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key().find("wall") != std::string::npos || it.key() == "file") continue;
      out[it.key()] = deterministic(it.value());
    }
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& v : j) out.push_back(deterministic(v));
    return out;
  }
  return j;
}

TEST(Golden, ModelledRunsAreBitIdentical) {
  const bool update = std::getenv("YB_UPDATE_GOLDEN") != nullptr;
  int runs = 0;
  for (const auto& e : fs::directory_iterator(golden_dir())) {
    if (e.path().extension() != ".yaml") continue;
    ++runs;
    testing::TempDir dir;
    std::string out;
    const std::string sim = (fs::path(std::getenv("YB_BUILD_DIR")) / "sim" / "yibao-sim").string();
    ASSERT_EQ(testing::run_program({sim, "run", e.path().string(), "--out", dir.file("run"), "--quiet"}, &out), 0)
        << e.path() << "\n" << out;
    std::ifstream in(dir.file("run/result.json"));
    const json got = deterministic(json::parse(in));
    fs::path want_path = e.path();
    want_path.replace_extension(".json");
    if (update) {
      std::ofstream(want_path) << got.dump(2) << "\n";
      continue;
    }
    ASSERT_TRUE(fs::exists(want_path)) << want_path << " missing: run YB_UPDATE_GOLDEN=1 ctest -R golden";
    std::ifstream want_in(want_path);
    const json want = json::parse(want_in);
    EXPECT_EQ(got.dump(2), want.dump(2)) << e.path().filename() << " changed; if intended, YB_UPDATE_GOLDEN=1 ctest -R golden";
  }
  EXPECT_GT(runs, 0);
}

}  // namespace
}  // namespace yibao::sim
