// YAML -> PolicySet / PolicyBook: the shipped fixture loads and equals the built-in defaults;
// overrides keep what they do not name; every kind of bad file names its file and line.
#include "models/policy_yaml.h"

#include <gtest/gtest.h>

#include <string>

#include "models/decimal.h"
#include "tests/testing/temp_dir.h"

namespace yibao::models {
namespace {

const std::string kFixture = std::string(YB_MODELS_DATA_DIR) + "/policy_default.yaml";

TEST(PolicyYaml, ShippedFixtureIsTheDefault) {
  auto p = load_policy_set(kFixture);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, default_policy());  // every number, the rules and the chronic list
  EXPECT_EQ(p->effective_from, make_date(2019, 1, 1));
  EXPECT_TRUE(p->in_force_on(make_date(2020, 5, 1)));  // the 2020 drills price their visits
  auto book = load_policy_book(kFixture);
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ(book->in_force(make_time(2020, 5, 8, 18))->tag(), "fixture@1");
}

TEST(PolicyYaml, AnOverrideNamesOnlyWhatItChanges) {
  auto p = parse_policy_set(R"(
id: city-2021
version: 2
effective_from: 2021-01-01
effective_to: 2021-12-31
class_b_share: 12.5
employee:
  inpatient:
    level3: {deductible: 850.55}
  large_amount: {cap: 300000}
resident:
  outpatient:
    ratios: {level3: 20, village: not_covered}
serious_illness:
  bands: [{width: 10000, ratio: 61}, {ratio: 75}]
  bonus_groups: [TK]
assistance: {shares: {DS: 55}}
out_of_area: {deductible_multiplier: {in_province: 1.25}}
rules:
  max_drugs_per_rx: 4
  supply_action: self_pay
  otc_max_purchase: 80.5
  approval_unit_price: 99.999999
  chronic_list: [C, {disease: lupus, icd10: [M32]}]
)",
                            "override.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const PolicySet d = default_policy();
  EXPECT_EQ(p->tag(), "city-2021@2");
  EXPECT_EQ(p->effective_to, make_date(2021, 12, 31));
  EXPECT_EQ(p->class_b_share, Ratio(1250));
  EXPECT_EQ(p->employee.inpatient[3].deductible, Fen(85055));
  EXPECT_EQ(p->employee.inpatient[3].ratio, d.employee.inpatient[3].ratio);  // kept
  EXPECT_EQ(p->employee.inpatient[2], d.employee.inpatient[2]);
  EXPECT_EQ(p->employee.large_cap, Fen::yuan(300000));
  EXPECT_EQ(p->employee.large_ratio, Ratio::percent(90));
  EXPECT_EQ(p->resident.outpatient[level_index(Level::kLevel3)], Ratio::percent(20));
  EXPECT_EQ(p->resident.outpatient[level_index(Level::kVillage)], Ratio(0));
  ASSERT_EQ(p->serious_illness.bands.size(), 2u);
  EXPECT_EQ(p->serious_illness.bands[0].width, Fen::yuan(10000));
  EXPECT_EQ(p->serious_illness.bands[1].width, Fen(0));
  EXPECT_TRUE(p->serious_illness.bonus_group[maf_index(MafGroup::kTekun)]);
  EXPECT_FALSE(p->serious_illness.bonus_group[maf_index(MafGroup::kDibao)]);
  EXPECT_EQ(p->assistance.share[maf_index(MafGroup::kLowIncome)], Ratio::percent(55));
  EXPECT_EQ(p->assistance.share[maf_index(MafGroup::kTekun)], Ratio::percent(90));
  EXPECT_EQ(p->out_of_area.mult_in_province, Ratio(12500));
  EXPECT_EQ(p->out_of_area.mult_cross_province, Ratio(20000));
  EXPECT_EQ(p->rules.max_drugs_per_rx, 4);
  EXPECT_EQ(p->rules.supply_action, SupplyAction::kSelfPay);
  EXPECT_EQ(p->rules.otc_max_purchase, Fen(8050));
  EXPECT_EQ(p->rules.approval_unit_price, 99999999);
  EXPECT_EQ(p->rules.chronic_list, (std::vector<std::string>{"C", "M32"}));
  EXPECT_EQ(p->rules.days_general, 7);
}

TEST(PolicyYaml, BookOfSeveralSets) {
  auto book = parse_policy_book(R"(policy_sets:
  - {id: a, version: 1, effective_from: 2019-01-01}
  - {id: b, version: 1, effective_from: 2020-07-01, class_b_share: 20}
)",
                                "book.yaml");
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ(book->size(), 2u);
  EXPECT_EQ(book->in_force(make_date(2020, 6, 30))->id, "a");
  EXPECT_EQ(book->in_force(make_date(2020, 7, 1))->class_b_share, Ratio::percent(20));
}

struct BadCase {
  const char* name;
  const char* text;
  const char* prefix;  // "source:line:"
  const char* says;    // part of the message
};

TEST(PolicyYaml, EveryKindOfBadFileNamesFileAndLine) {
  const BadCase cases[] = {
      {"syntax", "id: x\nversion: [1\n", "bad.yaml:3:", ""},
      {"not a mapping", "- 1\n- 2\n", "bad.yaml:1:", "must be a mapping"},
      {"empty", "", "bad.yaml:1:", "must be a mapping"},
      {"missing id", "version: 1\neffective_from: 2019-01-01\n", "bad.yaml:1:", "missing key 'id'"},
      {"unknown top key", "id: x\nversion: 1\neffective_from: 2019-01-01\ncolour: red\n", "bad.yaml:4:",
       "unknown key 'colour'"},
      {"unknown nested key", "id: x\nversion: 1\neffective_from: 2019-01-01\nemployee:\n  inpatient:\n    level4: {}\n",
       "bad.yaml:6:", "unknown key 'level4' in employee.inpatient"},
      {"three decimals", "id: x\nversion: 1\neffective_from: 2019-01-01\nemployee:\n  pooled_cap: 12.345\n",
       "bad.yaml:5:", "pooled_cap: '12.345' is not an amount"},
      {"float notation", "id: x\nversion: 1\neffective_from: 2019-01-01\nresident: {pooled_cap: 1e5}\n",
       "bad.yaml:4:", "pooled_cap"},
      {"negative amount", "id: x\nversion: 1\neffective_from: 2019-01-01\nassistance:\n  cap: -5\n", "bad.yaml:5:",
       "not an amount"},
      {"percent over 100", "id: x\nversion: 1\neffective_from: 2019-01-01\n\nclass_b_share: 100.01\n", "bad.yaml:5:",
       "not a percent"},
      {"bad date", "id: x\nversion: 1\neffective_from: 2019-02-30\n", "bad.yaml:3:", "not a date"},
      {"end before start", "id: x\nversion: 1\neffective_from: 2019-02-01\neffective_to: 2019-01-31\n", "bad.yaml:4:",
       "before effective_from"},
      {"version text", "id: x\nversion: one\neffective_from: 2019-01-01\n", "bad.yaml:2:", "whole number"},
      {"duplicate key", "id: x\nversion: 1\neffective_from: 2019-01-01\nversion: 2\n", "bad.yaml:4:", ""},
      {"open band not last",
       "id: x\nversion: 1\neffective_from: 2019-01-01\nserious_illness:\n  bands:\n    - {ratio: 60}\n    - {width: 5, "
       "ratio: 70}\n",
       "bad.yaml:6:", "only the last band"},
      {"band plus bonus", "id: x\nversion: 1\neffective_from: 2019-01-01\nserious_illness:\n  bands:\n    - {ratio: 97}\n",
       "bad.yaml:6:", "exceeds 100"},
      {"bonus group", "id: x\nversion: 1\neffective_from: 2019-01-01\nserious_illness:\n  bonus_groups: [TK, XX]\n",
       "bad.yaml:5:", "bonus group"},
      {"readmission count", "id: x\nversion: 1\neffective_from: 2019-01-01\nreadmission_share: [100, 50]\n",
       "bad.yaml:4:", "3 values"},
      {"multiplier", "id: x\nversion: 1\neffective_from: 2019-01-01\nout_of_area:\n  deductible_multiplier: {in_province: 0}\n",
       "bad.yaml:5:", "multiplier"},
      {"supply action", "id: x\nversion: 1\neffective_from: 2019-01-01\nrules:\n  supply_action: maybe\n", "bad.yaml:5:",
       "supply_action"},
      {"list where a map is due", "id: x\nversion: 1\neffective_from: 2019-01-01\nemployee: [1, 2]\n", "bad.yaml:4:",
       "employee must be a mapping"},
      {"chronic entry", "id: x\nversion: 1\neffective_from: 2019-01-01\nrules:\n  chronic_list:\n    - {disease: x}\n",
       "bad.yaml:6:", "missing key 'icd10'"},
  };
  for (const BadCase& c : cases) {
    auto p = parse_policy_set(c.text, "bad.yaml");
    ASSERT_FALSE(p.ok()) << c.name;
    EXPECT_EQ(p.status().code(), Code::kInvalidArgument) << c.name;
    const std::string msg(p.status().message());
    EXPECT_EQ(msg.rfind(c.prefix, 0), 0u) << c.name << ": " << msg;
    EXPECT_NE(msg.find(c.says), std::string::npos) << c.name << ": " << msg;
  }
}

TEST(PolicyYaml, BookErrorsNameTheSetLine) {
  auto book = parse_policy_book(R"(policy_sets:
  - {id: a, version: 1, effective_from: 2019-01-01}
  - {id: a, version: 1, effective_from: 2019-01-01, class_b_share: 20}
)",
                                "book.yaml");
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(std::string(book.status().message()).rfind("book.yaml:3:", 0), 0u) << book.status().message();
  auto bad = parse_policy_book("policy_sets:\n  - {id: a, version: 1, effective_from: 2019-01-01, x: 1}\n", "b.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()).rfind("b.yaml:2:", 0), 0u) << bad.status().message();
}

TEST(PolicyYaml, FilesOnDisk) {
  testing::TempDir dir;
  const std::string path = dir.file("p.yaml");
  testing::write_file(path, "id: x\nversion: 1\neffective_from: 2019-01-01\nresident:\n  pooled_cap: abc\n");
  auto p = load_policy_set(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(std::string(p.status().message()).rfind(path + ":5:", 0), 0u) << p.status().message();
  auto missing = load_policy_set(dir.file("none.yaml"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
}

TEST(Decimal, ParsesExactlyOrNotAtAll) {
  EXPECT_EQ(parse_scaled("126", 2), 12600);
  EXPECT_EQ(parse_scaled("126.5", 2), 12650);
  EXPECT_EQ(parse_scaled("0.07", 2), 7);
  EXPECT_EQ(parse_scaled("+3", 2), 300);
  EXPECT_EQ(parse_scaled("1.5", 4), 15000);
  EXPECT_EQ(parse_scaled("-2.25", 2, true), -225);
  EXPECT_EQ(parse_scaled("-2.25", 2), std::nullopt);
  for (const char* bad : {"", ".", "5.", ".5", "1.234", "1e3", "1,000", " 5", "5 ", "0x10", "--1", "99999999999999999999"})
    EXPECT_EQ(parse_scaled(bad, 2), std::nullopt) << bad;
  EXPECT_EQ(parse_scaled("92233720368547758.07", 2), INT64_MAX);
  EXPECT_EQ(parse_scaled("92233720368547758.08", 2), std::nullopt);
}

}  // namespace
}  // namespace yibao::models
