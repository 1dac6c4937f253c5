// models/workload_fees and workload_persons: line counts of DOMAIN.md §8.4, plan invariants, and
// every drawn plan passing the real-time rules (models/rules) for persons of any sex and age;
// PersonPicker never repeats a person or a mutual-aid pair.
#include "models/workload_fees.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "models/policy.h"
#include "models/rules.h"
#include "models/workload_persons.h"
#include "tests/models/population_fixture.h"

namespace yibao::models {
namespace {

const FeePlanner& planner(uint32_t generated) {
  static std::map<uint32_t, FeePlanner>* cache = new std::map<uint32_t, FeePlanner>();
  auto it = cache->find(generated);
  if (it == cache->end()) {
    Result<FeePlanner> r = FeePlanner::create(generated);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    it = cache->emplace(generated, std::move(r).value()).first;
  }
  return it->second;
}

enum class Kind { kOutpatient, kRefill, kPharmacy, kInpatient, kInpatientLast };

FeePlanModel draw(const FeePlanner& p, Kind k, Rng& rng) {
  switch (k) {
    case Kind::kOutpatient: return p.outpatient(rng);
    case Kind::kRefill: return p.chronic_refill(rng);
    case Kind::kPharmacy: return p.pharmacy(rng);
    case Kind::kInpatient: return p.inpatient_day(rng, false);
    case Kind::kInpatientLast: return p.inpatient_day(rng, true);
  }
  return {};
}

// Runs the rules on a plan as the core would: lines at fee upload (or inline at a pharmacy),
// then the visit rules at settle. Returns "" or what went wrong.
std::string check_rules(const FeePlanModel& plan, Kind k, uint8_t sex, int32_t age) {
  static const RuleParams params = default_rule_params();
  const CivilTime care = make_time(2024, 3, 4, 10, 0);
  RuleContext ctx;
  ctx.med_type = k == Kind::kOutpatient ? "11" : k == Kind::kRefill ? "14" : k == Kind::kPharmacy ? "41" : "21";
  ctx.pharmacy = k == Kind::kPharmacy;
  ctx.sex = sex;
  ctx.age_years = age;
  ctx.care_time = care;
  if (k == Kind::kInpatient || k == Kind::kInpatientLast) ctx.discharge_time = care.plus_seconds(86400);
  std::vector<std::string> sns;
  sns.reserve(plan.lines.size());
  std::vector<RuleLine> lines;
  for (const PlannedLine& l : plan.lines) {
    sns.push_back(std::to_string(sns.size() + 1));
    RuleLine r;
    r.item = l.item;
    r.code = l.item->code;
    r.feedetl_sn = sns.back();
    r.rxno = l.rx ? std::string_view("RX1") : std::string_view();
    r.pric = l.price.v * 10000;
    r.cnt = l.units * kCntPerUnit;
    r.amount = line_amount(r.pric, r.cnt);
    if (r.amount != l.amount()) return "amount differs";
    r.prd_days = l.days;
    r.dscg_drug = l.discharge;
    r.fee_time = care;
    lines.push_back(r);
  }
  if (ctx.pharmacy && plan.prescription) ctx.rxno = "RX1";
  if (!check_line_count(params, lines.size()).ok()) return "too many lines";
  RuleOutcome out;
  const RuleHistory none;
  if (ctx.pharmacy) {
    run_pharmacy_rules(params, ctx, lines, none, out);
  } else {
    run_line_rules(params, ctx, lines, out);
    if (!out.refused && out.rejected.empty()) run_visit_rules(params, ctx, lines, none, out);
  }
  if (out.refused) return out.refusal_status().ToString();
  if (!out.rejected.empty()) return "a line was rejected: " + std::string(rule_code(out.rejected.front().rule));
  return {};
}

class FeesPassRules : public ::testing::TestWithParam<uint32_t> {};

TEST_P(FeesPassRules, EveryPlanOfEveryKind) {
  const FeePlanner& p = planner(GetParam());
  for (Kind k : {Kind::kOutpatient, Kind::kRefill, Kind::kPharmacy, Kind::kInpatient, Kind::kInpatientLast}) {
    for (uint64_t i = 0; i < 1500; ++i) {
      Rng rng(4, stream_id("test.fees"), i * 8 + static_cast<uint64_t>(k));
      const FeePlanModel plan = draw(p, k, rng);
      // Invariants.
      ASSERT_FALSE(plan.lines.empty());
      Fen total;
      bool rx = false;
      int drugs = 0;
      for (const PlannedLine& l : plan.lines) {
        ASSERT_NE(l.item, nullptr);
        EXPECT_GT(l.price.v, 0);
        EXPECT_GE(l.units, 1);
        if (l.item->price_cap > 0) {
          EXPECT_LE(l.price.v * 10000, l.item->price_cap);
        }
        total += l.amount();
        rx = rx || l.rx;
        if (l.rx) {
          EXPECT_GT(l.days, 0);
        }
        if (l.rx && (l.item->kind == ItemKind::kDrugWestern || l.item->kind == ItemKind::kDrugPatent)) ++drugs;
        if (plan.prescription && !l.rx) {
          EXPECT_EQ(l.days, 0);  // days > 0 ⇔ on the prescription
        }
      }
      EXPECT_EQ(plan.total, total);
      EXPECT_EQ(plan.prescription, rx);
      EXPECT_LE(drugs, 5);
      // Any sex and age.
      for (auto [sex, age] : {std::pair<uint8_t, int32_t>{1, 34}, {2, 3}, {2, 88}}) {
        const std::string err = check_rules(plan, k, sex, age);
        ASSERT_TRUE(err.empty()) << "kind " << static_cast<int>(k) << " draw " << i << ": " << err;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogues, FeesPassRules, ::testing::Values(0u, 2000u));

// The check above can fail: a shape allowing 8 drugs on one prescription breaks RX5.
TEST(FeePlanner, TheRulesCheckCatchesTooManyDrugs) {
  FeeShape wide;
  wide.max_drugs = 8;
  wide.outpatient = LineCountDist{30, 0.1, 20, 40};
  const Result<FeePlanner> p = FeePlanner::create(2000, wide);
  ASSERT_TRUE(p.ok());
  int refused = 0;
  for (uint64_t i = 0; i < 200; ++i) {
    Rng rng(4, 9, i);
    const std::string err = check_rules(p->outpatient(rng), Kind::kOutpatient, 1, 40);
    if (err.find("E_RULE_RX5") != std::string::npos) ++refused;
  }
  EXPECT_GT(refused, 150);
}

std::vector<int32_t> counts(const FeePlanner& p, Kind k, int n) {
  std::vector<int32_t> out;
  for (int i = 0; i < n; ++i) {
    Rng rng(8, stream_id("test.counts"), static_cast<uint64_t>(i));
    const FeePlanModel plan = draw(p, k, rng);
    int32_t c = 0;
    for (const PlannedLine& l : plan.lines) c += l.discharge ? 0 : 1;
    out.push_back(c);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FeePlanner, LineCountsFollowDomain84) {
  const FeePlanner& p = planner(2000);
  const std::vector<int32_t> out = counts(p, Kind::kOutpatient, 6000);
  EXPECT_EQ(out[out.size() / 2], 6);
  EXPECT_GE(out.front(), 1);
  EXPECT_LE(out.back(), 40);
  EXPECT_GT(out.back(), 20);
  const std::vector<int32_t> pha = counts(p, Kind::kPharmacy, 6000);
  EXPECT_EQ(pha[pha.size() / 2], 3);
  EXPECT_GE(pha.front(), 1);
  EXPECT_LE(pha.back(), 10);
  EXPECT_GT(pha.back(), 6);
  const std::vector<int32_t> ipt = counts(p, Kind::kInpatient, 4000);
  EXPECT_EQ(ipt[ipt.size() / 2], 15);
  // A line count is the clamped, rounded lognormal.
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const int32_t n = FeePlanner::line_count(LineCountDist{3, 2.0, 2, 5}, rng);
    EXPECT_TRUE(n >= 2 && n <= 5);
  }
}

TEST(FeePlanner, KindsLookRight) {
  const FeePlanner& p = planner(0);
  int otc = 0, rx = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    Rng rng(2, 0, i);
    const FeePlanModel sale = p.pharmacy(rng);
    if (sale.prescription) {
      ++rx;
    } else {
      ++otc;
      EXPECT_LE(sale.total, Fen::yuan(50));
      for (const PlannedLine& l : sale.lines) EXPECT_TRUE(l.item->otc);
    }
    const FeePlanModel visit = p.outpatient(rng);
    EXPECT_EQ(visit.lines.front().item->code, "001102000010000");  // the consultation first
    const FeePlanModel refill = p.chronic_refill(rng);
    EXPECT_TRUE(refill.prescription);
    for (const PlannedLine& l : refill.lines)
      if (l.rx) {
        EXPECT_EQ(l.days, 14);
      }
    const FeePlanModel day = p.inpatient_day(rng, true);
    EXPECT_EQ(day.lines.front().item->code, "001103000010000");  // the bed day first
    EXPECT_TRUE(day.prescription);
    for (const PlannedLine& l : day.lines) EXPECT_EQ(l.rx, l.discharge);
  }
  EXPECT_GT(otc, 150);
  EXPECT_GT(rx, 100);
}

TEST(FeePlanner, DeterministicByRngAndRefusesABareCatalogue) {
  const FeePlanner& p = planner(2000);
  for (uint64_t i = 0; i < 50; ++i) {
    Rng a(6, 1, i), b(6, 1, i);
    const FeePlanModel x = p.outpatient(a), y = p.outpatient(b);
    ASSERT_EQ(x.lines.size(), y.lines.size());
    for (size_t l = 0; l < x.lines.size(); ++l) {
      EXPECT_EQ(x.lines[l].item, y.lines[l].item);
      EXPECT_EQ(x.lines[l].price, y.lines[l].price);
      EXPECT_EQ(x.lines[l].units, y.lines[l].units);
    }
  }
  auto bare = std::make_shared<Catalog>();
  Item consult;
  consult.code = "001102000010000";
  bare->add(consult);
  const Result<FeePlanner> r = FeePlanner::from_catalog(bare, bare->size());
  EXPECT_FALSE(r.ok());
}

TEST(PersonPicker, NeverRepeatsAPersonOrAMutualAidPair) {
  const Population& pop = testing_population::shared("county");
  PersonPicker picker(pop, 5, make_date(2024, 3, 4));
  std::set<std::string> seen;
  std::set<std::string> relatives;
  const uint32_t j = pop.counties()[0].facility_begin;
  for (int i = 0; i < 500; ++i) {
    const std::optional<Person> p = picker.draw(j);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->enrolment, Enrolment::kEnrolled);
    EXPECT_TRUE(seen.insert(p->psn_no).second);
    EXPECT_EQ(relatives.count(p->psn_no), 0u);
    if (!p->mulaid_psn_no.empty()) {
      EXPECT_EQ(seen.count(p->mulaid_psn_no), 0u);
      relatives.insert(p->mulaid_psn_no);
    }
  }
  EXPECT_GE(picker.drawn(), 500u);
}

}  // namespace
}  // namespace yibao::models
