// Tests of models/population_yaml and validate_preset: a good file loads, a bad one reports
// file:line, and definitions the id formats cannot hold are refused.
#include "models/population.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <unordered_set>

#include "models/population_yaml.h"
#include "tests/testing/temp_dir.h"
#include "tests/models/population_fixture.h"

namespace yibao::models {
namespace {

using testing_population::sample;
using testing_population::shared;

// ---- Errors --------------------------------------------------------------------------------

struct BadCase {
  const char* what;
  const char* text;
  int line;  // expected line of the error
};

const char* kGoodPreset =
    "presets:\n"                                                           // 1
    "  tiny:\n"                                                            // 2
    "    persons: 1000\n"                                                  // 3
    "    employee_resident: [30, 70]\n"                                    // 4
    "    provinces: [45]\n"                                                // 5
    "    regions_per_province: 1\n"                                        // 6
    "    county_nodes: 1\n"                                                // 7
    "    facilities: {level3: 1, level2: 1, level1: 1, primary: 1, village: 2, pharmacy: 2}\n"  // 8
    "    feps: 5\n"                                                        // 9
    "    visits_per_day: {outpatient: 10, pharmacy: 5, admissions: 1}\n"  // 10
    "    people:\n"                                                        // 11
    "      ages:\n"                                                        // 12
    "        - {from: 0, to: 18, share: 0.2}\n"                            // 13
    "        - {from: 18, to: 60, share: 0.6}\n"                           // 14
    "        - {from: 60, to: 90, share: 0.2}\n";                          // 15

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(PopulationYaml, GoodMinimalFileLoads) {
  Result<PresetCatalog> cat = parse_presets(kGoodPreset, "tiny.yaml");
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  Result<Population> pop = Population::create(*cat->find("tiny"), 1);
  ASSERT_TRUE(pop.ok()) << pop.status().ToString();
  EXPECT_EQ(pop->person_count(), 1000u);
  EXPECT_EQ(pop->facility_count(), 8u);
}

TEST(PopulationYaml, BadFilesGiveFileAndLine) {
  const std::string good = kGoodPreset;
  const BadCase cases[] = {
      {"not a number", "persons: 1000\n", 3},
      {"unknown key", "county_nodes: 1\n", 8},
      {"share above 1", "share: 0.6}", 14},
      {"ages do not sum to 1", "share: 0.6}", 12},
      {"too few FEPs", "feps: 5\n", 9},
      {"syntax error", "provinces: [45]\n", 5},
  };
  const std::string replacements[] = {
      "persons: lots\n",
      "county_nodes: 1\n    countys: 2\n",
      "share: 1.6}",
      "share: 0.5}",
      "feps: 3\n",
      "provinces: [45\n",
  };
  testing::TempDir dir;
  for (size_t k = 0; k < std::size(cases); ++k) {
    SCOPED_TRACE(cases[k].what);
    const std::string path = dir.file("bad" + std::to_string(k) + ".yaml");
    testing::write_file(path, replace(good, cases[k].text, replacements[k]));
    Result<PresetCatalog> cat = load_presets_file(path);
    ASSERT_FALSE(cat.ok());
    EXPECT_EQ(cat.status().code(), Code::kInvalidArgument);
    const std::string msg(cat.status().message());
    const std::string prefix = path + ":";
    ASSERT_EQ(msg.substr(0, prefix.size()), prefix) << msg;
    if (k + 1 != std::size(cases)) {  // yaml-cpp places a syntax error where it notices it
      EXPECT_EQ(msg.substr(prefix.size(), std::to_string(cases[k].line).size() + 1), std::to_string(cases[k].line) + ":") << msg;
    }
  }
  Result<PresetCatalog> missing = load_presets_file(dir.file("absent.yaml"));
  EXPECT_FALSE(missing.ok());
}

TEST(PopulationYaml, ValidationCatchesWhatTheFormatsCannotHold) {
  Result<PresetCatalog> cat = parse_presets(kGoodPreset, "tiny.yaml");
  ASSERT_TRUE(cat.ok());
  PresetDef def = *cat->find("tiny");
  def.persons = 900'000'000;  // one county cannot hold that many certnos
  EXPECT_FALSE(Population::create(def, 1).ok());
  def = *cat->find("tiny");
  def.employee_parts = 95;  // more employees than adults
  def.resident_parts = 5;
  EXPECT_FALSE(Population::create(def, 1).ok());
  def = *cat->find("tiny");
  def.facilities[4] = 20'000;  // 4-digit facility numbers per county
  def.feps = def.hospitals_and_centres();
  EXPECT_FALSE(Population::create(def, 1).ok());
}

}  // namespace
}  // namespace yibao::models
