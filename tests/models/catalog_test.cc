// The catalogue and its YAML loader: the fixture has what the examples and rules need, add()
// replaces by code, add_generated() is deterministic, bad files name file and line.
#include "models/catalog.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "models/catalog_yaml.h"

namespace yibao::models {
namespace {

Catalog fixture() {
  auto c = load_catalog(std::string(YB_MODELS_DATA_DIR) + "/catalog_fixture.yaml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(*c);
}

TEST(Catalog, FixtureHasTheWorkedExampleItems) {
  const Catalog c = fixture();
  EXPECT_EQ(c.version(), "fixture@1");
  const Item* drug4 = c.find("XB01ACL158A001010100004");
  ASSERT_NE(drug4, nullptr);
  EXPECT_EQ(drug4->cls, ChargeClass::kB);
  EXPECT_FALSE(drug4->has_selfpay_prop);
  EXPECT_EQ(drug4->price_cap, 120 * 1000000);
  EXPECT_EQ(c.find("XA11JBV001A001010100003")->cls, ChargeClass::kC);
  EXPECT_EQ(c.find("001102000010000")->kind, ItemKind::kService);
  EXPECT_EQ(c.find("002503010010000")->kind, ItemKind::kExam);
  EXPECT_EQ(c.find("XA10AEG023B001010100013")->selfpay_prop, Ratio::percent(5));
  EXPECT_EQ(c.find("C0201010010400109012")->price_cap, 1500 * 1000000);
  EXPECT_EQ(c.find("nope"), nullptr);
  for (uint32_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.at(i).index, i);
}

TEST(Catalog, FixtureHasWhatTheRulesNeed) {
  const Catalog c = fixture();
  int otc = 0, restricted = 0, sex = 0, age = 0, lump = 0, non_medical = 0;
  std::map<std::string, int> atc4;
  for (const Item& it : c.items()) {
    otc += it.otc;
    restricted += it.restricted && !it.restriction.empty();
    sex += it.sex_only != 0;
    age += it.min_age > 0 || it.max_age < 200;
    lump += it.lump_sum;
    non_medical += it.kind == ItemKind::kNonMedical;
    if (!it.atc4.empty()) ++atc4[it.atc4];
  }
  EXPECT_GE(otc, 2);
  EXPECT_GE(restricted, 2);
  EXPECT_EQ(sex, 2);
  EXPECT_GE(age, 2);
  EXPECT_EQ(lump, 1);
  EXPECT_EQ(non_medical, 2);
  EXPECT_GE(atc4["C09AA"], 3);  // more than the 2 same-class drugs a prescription may hold
  EXPECT_EQ(c.find("002503040270000")->sex_only, 1);
  EXPECT_EQ(c.find("002201000050000")->sex_only, 2);
  EXPECT_EQ(c.find("003111000030000")->max_age, 0);
}

TEST(Catalog, AddReplacesByCodeAndKeepsTheIndex) {
  Catalog c;
  Item a;
  a.code = "A1";
  a.name = "first";
  EXPECT_EQ(c.add(a), 0u);
  Item b;
  b.code = "B1";
  EXPECT_EQ(c.add(b), 1u);
  a.name = "second";
  a.cls = ChargeClass::kC;
  EXPECT_EQ(c.add(a), 0u);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.find("A1")->name, "second");
  EXPECT_EQ(c.find("A1")->index, 0u);
  EXPECT_EQ(c.find("A1")->cls, ChargeClass::kC);
}

TEST(Catalog, GeneratedItemsAreDeterministic) {
  Catalog a, b, other;
  a.add_generated(500, 42);
  b.add_generated(500, 42);
  other.add_generated(500, 43);
  ASSERT_EQ(a.size(), 500u);
  int differ = 0, capped = 0, kinds[8] = {}, classes[4] = {};
  for (uint32_t i = 0; i < a.size(); ++i) {
    const Item& x = a.at(i);
    const Item& y = b.at(i);
    EXPECT_EQ(x.code, y.code);
    EXPECT_EQ(x.cls, y.cls);
    EXPECT_EQ(x.price_cap, y.price_cap);
    EXPECT_EQ(x.otc, y.otc);
    EXPECT_EQ(x.code.size(), 12u);
    EXPECT_EQ(x.code[0], 'G');
    differ += x.cls != other.at(i).cls || x.kind != other.at(i).kind;
    capped += x.price_cap > 0;
    ++kinds[static_cast<int>(x.kind)];
    ++classes[static_cast<int>(x.cls)];
  }
  EXPECT_EQ(a.find("G00000000001"), &a.at(0));
  EXPECT_GT(differ, 100);
  EXPECT_GT(capped, 10);
  EXPECT_GT(classes[1], 0);
  EXPECT_GT(classes[2], 0);
  EXPECT_GT(classes[3], 0);
  EXPECT_GT(kinds[static_cast<int>(ItemKind::kMaterial)], 0);
}

TEST(Catalog, ChargeClassCodes) {
  EXPECT_EQ(parse_charge_class("01"), ChargeClass::kA);
  EXPECT_EQ(parse_charge_class("02"), ChargeClass::kB);
  EXPECT_EQ(parse_charge_class("03"), ChargeClass::kC);
  EXPECT_EQ(parse_charge_class("04"), ChargeClass::kC);  // §4.6.3
  EXPECT_EQ(parse_charge_class(""), ChargeClass::kC);
  EXPECT_EQ(charge_class_code(ChargeClass::kB), "02");
}

TEST(CatalogYaml, ClassCodesAndDefaults) {
  auto c = parse_catalog(R"(items:
  - {code: X1, name: a, kind: western, class: "02", selfpay_prop: 12.5}
  - {code: X2, name: b, kind: service, class: "09"}
  - {code: X3, name: c, kind: material, class: A, price_cap: 0.000001}
)",
                         "cat.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->version(), "");
  EXPECT_EQ(c->find("X1")->selfpay_prop, Ratio(1250));
  EXPECT_EQ(c->find("X2")->cls, ChargeClass::kC);
  EXPECT_EQ(c->find("X3")->price_cap, 1);
  EXPECT_EQ(c->find("X3")->max_age, 200);
}

TEST(CatalogYaml, BadFilesNameFileAndLine) {
  struct Case {
    const char* text;
    const char* prefix;
    const char* says;
  } cases[] = {
      {"items:\n  - {code: X1, name: a, kind: western, class: A}\n  - {code: X1, name: b, kind: western, class: A}\n",
       "c.yaml:3:", "listed twice"},
      {"items:\n  - {code: X1, name: a, kind: pill, class: A}\n", "c.yaml:2:", "kind must be"},
      {"items:\n  - {code: X1, name: a, kind: western, class: A, colour: red}\n", "c.yaml:2:", "unknown key 'colour'"},
      {"items:\n  - {code: X1, name: a, kind: western, class: A, selfpay_prop: 10}\n", "c.yaml:2:",
       "class B items only"},
      {"items:\n  - {code: X1, name: a, kind: western, class: B,\n     price_cap: 1.0000001}\n", "c.yaml:3:",
       "not a price"},
      {"items:\n  - {code: X1, name: a, kind: western}\n", "c.yaml:2:", "missing key 'class'"},
      {"items:\n  - {code: X1, name: a, kind: western, class: A, sex: both}\n", "c.yaml:2:", "sex must be"},
      {"items:\n  - {code: X1, name: a, kind: western, class: A, otc: yes}\n", "c.yaml:2:", "not true or false"},
      {"items:\n  - {code: X1, name: a, kind: western, class: A, min_age: 50, max_age: 10}\n", "c.yaml:2:",
       "min_age is above"},
      {"version: v\n", "c.yaml:1:", "missing key 'items'"},
      {"items: {a: 1}\n", "c.yaml:1:", "must be a list"},
      {"items: [\n", "c.yaml:2:", ""},
  };
  for (const Case& k : cases) {
    auto c = parse_catalog(k.text, "c.yaml");
    ASSERT_FALSE(c.ok()) << k.text;
    EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
    const std::string msg(c.status().message());
    EXPECT_EQ(msg.rfind(k.prefix, 0), 0u) << msg;
    EXPECT_NE(msg.find(k.says), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace yibao::models
