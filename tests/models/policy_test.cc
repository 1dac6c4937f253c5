// Policy sets: the DEFAULT FIXTURE numbers, validation, and the book's effective-date switching
// (the care time picks the set, DESIGN.md §4 "Population").
#include "models/policy.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "models/calculator.h"

namespace yibao::models {
namespace {

TEST(PolicySet, DefaultIsTheFixture) {
  const PolicySet p = default_policy();
  EXPECT_EQ(p.tag(), "fixture@1");
  EXPECT_EQ(p.effective_from, make_date(2019, 1, 1));
  EXPECT_FALSE(p.effective_to.has_value());
  EXPECT_EQ(p.class_b_share, Ratio::percent(10));
  EXPECT_EQ(p.employee.inpatient[inpatient_row(Level::kLevel3)].deductible, Fen::yuan(800));
  EXPECT_EQ(p.employee.inpatient[inpatient_row(Level::kPrimary)].ratio.retired, Ratio::percent(95));
  EXPECT_EQ(p.employee.outpatient[level_index(Level::kPharmacy)].retired, Ratio::percent(55));
  EXPECT_EQ(p.employee.otp_cap_retired, Fen::yuan(2500));
  EXPECT_EQ(p.resident.inpatient[inpatient_row(Level::kVillage)].deductible, Fen::yuan(100));
  EXPECT_EQ(p.resident.outpatient[level_index(Level::kLevel3)], Ratio(0));
  EXPECT_EQ(p.serious_illness.bands.size(), 3u);
  EXPECT_TRUE(p.serious_illness.bonus_group[maf_index(MafGroup::kAtRisk)]);
  EXPECT_FALSE(p.serious_illness.bonus_group[maf_index(MafGroup::kLowIncome)]);
  EXPECT_EQ(p.assistance.share[maf_index(MafGroup::kTekun)], Ratio::percent(90));
  EXPECT_EQ(p.out_of_area.mult_in_province, Ratio(15000));
  EXPECT_EQ(p.rules.max_drugs_per_rx, 5);
  EXPECT_TRUE(validate(p).ok());
}

TEST(PolicySet, ChronicListCoversTheListedDiseases) {
  const auto list = default_chronic_list();
  for (const char* prefix : {"C", "M32", "D66", "D67", "D61", "F20", "N18", "Z94", "I11", "E11.2", "I69", "I25", "A15", "B18"})
    EXPECT_NE(std::find(list.begin(), list.end(), prefix), list.end()) << prefix;
  EXPECT_EQ(default_rule_params().chronic_list, list);
}

TEST(PolicySet, ValidateRefusesImpossibleNumbers) {
  auto refused = [](auto mutate) {
    PolicySet p;
    mutate(p);
    const Status s = validate(p);
    return s.code() == Code::kInvalidArgument;
  };
  EXPECT_TRUE(refused([](PolicySet& p) { p.class_b_share = Ratio(10001); }));
  EXPECT_TRUE(refused([](PolicySet& p) { p.employee.inpatient[2].deductible = Fen(-1); }));
  EXPECT_TRUE(refused([](PolicySet& p) { p.resident.outpatient[0] = Ratio(-5); }));
  EXPECT_TRUE(refused([](PolicySet& p) { p.serious_illness.bands.clear(); }));
  EXPECT_TRUE(refused([](PolicySet& p) { p.serious_illness.bands[0].width = Fen(0); }));  // open band not last
  EXPECT_TRUE(refused([](PolicySet& p) { p.serious_illness.bands[2].ratio = Ratio::percent(96); }));  // + 5 > 100
  EXPECT_TRUE(refused([](PolicySet& p) { p.assistance.share[0] = Ratio::percent(10); }));
  EXPECT_TRUE(refused([](PolicySet& p) { p.out_of_area.mult_cross_province = Ratio(0); }));
  EXPECT_TRUE(refused([](PolicySet& p) { p.effective_to = make_date(2018, 12, 31); }));
  EXPECT_TRUE(refused([](PolicySet& p) { p.id.clear(); }));
  EXPECT_FALSE(refused([](PolicySet& p) { p.serious_illness.bands[2].width = Fen::yuan(1); }));  // all finite: fine
}

PolicySet set(std::string id, int32_t version, CivilDate from, std::optional<CivilDate> to, Ratio level2_in_service) {
  PolicySet p;
  p.id = std::move(id);
  p.version = version;
  p.effective_from = from;
  p.effective_to = to;
  p.employee.inpatient[inpatient_row(Level::kLevel2)].ratio.in_service = level2_in_service;
  return p;
}

TEST(PolicyBook, CareTimePicksTheSetInForce) {
  PolicyBook book;
  ASSERT_TRUE(book.add(set("base", 1, make_date(2019, 1, 1), std::nullopt, Ratio::percent(88))).ok());
  ASSERT_TRUE(book.add(set("reform", 1, make_date(2020, 7, 1), std::nullopt, Ratio::percent(80))).ok());
  ASSERT_TRUE(book.add(set("pilot", 1, make_date(2021, 1, 1), make_date(2021, 6, 30), Ratio::percent(70))).ok());
  EXPECT_EQ(book.size(), 3u);

  EXPECT_EQ(book.in_force(make_time(2018, 12, 31, 23, 59, 59)), nullptr);
  EXPECT_EQ(book.in_force(make_time(2019, 1, 1))->id, "base");
  EXPECT_EQ(book.in_force(make_time(2020, 6, 30, 23, 59, 59))->id, "base");
  EXPECT_EQ(book.in_force(make_time(2020, 7, 1, 0, 0, 0))->id, "reform");
  EXPECT_EQ(book.in_force(make_time(2021, 3, 1, 12))->id, "pilot");
  EXPECT_EQ(book.in_force(make_time(2021, 6, 30, 23, 59, 59))->id, "pilot");
  EXPECT_EQ(book.in_force(make_time(2021, 7, 1))->id, "reform");  // the pilot ended: back to the open set

  // The same visit priced at two care times across the switch (a back-fill keeps the old set).
  PersonState person;
  person.insutype = Insutype::kEmployee;
  person.psn_type = PsnType::kEmployeeActive;
  CareContext care;
  care.kind = CareKind::kInpatient;
  care.level = Level::kLevel2;
  Item surgery;
  surgery.code = "003310000010000";
  const PricedLine line{&surgery, 1000000000, 10000, Fen(100000), false, false};  // 1,000 yuan
  LineSplit out[1];
  Settlement before, after;
  ASSERT_TRUE(settle(*book.in_force(make_time(2020, 6, 30, 22)), person, care, {&line, 1}, out, before).ok());
  ASSERT_TRUE(settle(*book.in_force(make_time(2020, 7, 1, 8)), person, care, {&line, 1}, out, after).ok());
  EXPECT_EQ(before.hifp_pay, Fen(35200));  // (1,000 − 600) × 88 %
  EXPECT_EQ(after.hifp_pay, Fen(32000));   // (1,000 − 600) × 80 %
}

TEST(PolicyBook, LaterVersionOfTheSameStartWins) {
  PolicyBook book;
  ASSERT_TRUE(book.add(set("fixture", 1, make_date(2019, 1, 1), std::nullopt, Ratio::percent(88))).ok());
  ASSERT_TRUE(book.add(set("fixture", 2, make_date(2019, 1, 1), std::nullopt, Ratio::percent(87))).ok());
  EXPECT_EQ(book.in_force(make_date(2019, 5, 1))->version, 2);
  EXPECT_EQ(book.find("fixture@1")->version, 1);
  EXPECT_EQ(book.find("fixture", 2)->version, 2);
  EXPECT_EQ(book.find("fixture@3"), nullptr);
  EXPECT_EQ(book.find("fixture"), nullptr);
  EXPECT_EQ(book.find("fixture@x"), nullptr);
}

TEST(PolicyBook, SameTagAgainIsIdempotentOnlyWithTheSameContent) {
  PolicyBook book;
  ASSERT_TRUE(book.add(set("fixture", 1, make_date(2019, 1, 1), std::nullopt, Ratio::percent(88))).ok());
  EXPECT_TRUE(book.add(set("fixture", 1, make_date(2019, 1, 1), std::nullopt, Ratio::percent(88))).ok());
  EXPECT_EQ(book.size(), 1u);
  const Status s = book.add(set("fixture", 1, make_date(2019, 1, 1), std::nullopt, Ratio::percent(87)));
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  PolicySet bad;
  bad.class_b_share = Ratio(20000);
  EXPECT_EQ(book.add(bad).code(), Code::kInvalidArgument);
  EXPECT_EQ(book.size(), 1u);
}

}  // namespace
}  // namespace yibao::models
