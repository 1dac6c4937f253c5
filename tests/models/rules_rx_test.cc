// Visit rules of models/rules.h (pre-settle / settle): RX5, SAMECLASS, DAYS, OTC60, CAUSE, RX500,
// REFILL, REPEAT, each both ways, plus parameter overrides.
#include <string>

#include <gtest/gtest.h>

#include "models/rules.h"
#include "tests/models/rules_builders.h"

namespace yibao::models {
namespace {

using testing::make_item;
using testing::notices_of;
using testing::outpatient;
using testing::Visit;

RuleOutcome visit_rules(const Visit& v, const RuleContext& ctx, const RuleParams& p = RuleParams{},
                        const RuleHistory& h = RuleHistory{}) {
  RuleOutcome out;
  run_visit_rules(p, ctx, v.span(), h, out);
  return out;
}

// n distinct drugs on one prescription, each of its own class unless `atc4` is given.
std::string numbered(std::string_view prefix, int i) {
  std::string s(prefix);
  s += std::to_string(i);  // (not "X" + to_string: GCC 12 warns falsely on it, -Wrestrict)
  return s;
}

void add_drugs(Visit& v, int n, std::string_view rxno, std::string_view prefix, std::string atc4 = {}) {
  for (int i = 0; i < n; ++i) {
    const std::string code = numbered(prefix, i);
    v.line(v.drug(code, atc4.empty() ? numbered("A", i) + std::string(prefix) : atc4), rxno);
  }
}

// ---- RX5 ----

TEST(Rx5, SixDistinctDrugsRefuseFiveDoNot) {
  Visit six;
  add_drugs(six, 6, "R1", "D");
  const RuleOutcome o = visit_rules(six, outpatient());
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rule, RuleId::kRx5);
  EXPECT_EQ(o.refusal.value, 6);
  EXPECT_EQ(o.refusal.limit, 5);
  EXPECT_EQ(o.refusal.rxno, "R1");
  EXPECT_EQ(o.refusal_status().reason(), "E_RULE_RX5");
  EXPECT_EQ(o.refusal_status().field(), "rxno");

  Visit five;
  add_drugs(five, 5, "R1", "D");
  EXPECT_FALSE(visit_rules(five, outpatient()).refused);
}

TEST(Rx5, CountsDistinctWesternAndPatentDrugsPerPrescription) {
  Visit dup;  // 6 lines, 5 distinct drugs
  add_drugs(dup, 5, "R1", "D");
  dup.line(dup.lines()[0].item, "R1");
  EXPECT_FALSE(visit_rules(dup, outpatient()).refused);

  Visit split;  // 6 drugs on two prescriptions
  add_drugs(split, 3, "R1", "D");
  add_drugs(split, 3, "R2", "E");
  EXPECT_FALSE(visit_rules(split, outpatient()).refused);

  Visit herbs;  // 5 drugs + 8 decoction pieces
  add_drugs(herbs, 5, "R1", "D");
  for (int i = 0; i < 8; ++i) herbs.line(herbs.item(make_item(numbered("H", i), ItemKind::kHerb)), "R1");
  EXPECT_FALSE(visit_rules(herbs, outpatient()).refused);

  Visit patent;  // 5 western + 1 patent
  add_drugs(patent, 5, "R1", "D");
  patent.line(patent.item(make_item("P1", ItemKind::kDrugPatent)), "R1");
  EXPECT_TRUE(visit_rules(patent, outpatient()).refused);

  Visit no_rx;  // drug lines without a prescription number are no prescription
  add_drugs(no_rx, 8, "", "D");
  EXPECT_FALSE(visit_rules(no_rx, outpatient()).refused);
}

TEST(Rx5, MaxDrugsOverride) {
  RuleParams p;
  p.max_drugs_per_rx = 3;
  Visit four;
  add_drugs(four, 4, "R1", "D");
  EXPECT_TRUE(visit_rules(four, outpatient(), p).refused);
  Visit three;
  add_drugs(three, 3, "R1", "D");
  EXPECT_FALSE(visit_rules(three, outpatient(), p).refused);
}

TEST(Rx5, InpatientOnlyDischargeDrugsArePrescriptions) {
  Visit ward;
  add_drugs(ward, 7, "O1", "D");
  const RuleContext ipt = outpatient("21");
  EXPECT_FALSE(visit_rules(ward, ipt).refused);
  for (RuleLine& l : ward.lines()) l.dscg_drug = true;
  EXPECT_TRUE(visit_rules(ward, ipt).refused);
}

TEST(Rx5, PharmacyRequestRxnoAppliesToLinesWithout) {
  Visit v;
  add_drugs(v, 6, "", "D");
  RuleContext ctx = outpatient("41");
  ctx.pharmacy = true;
  EXPECT_FALSE(visit_rules(v, ctx).refused);
  ctx.rxno = "OUT-1";
  const RuleOutcome o = visit_rules(v, ctx);
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rxno, "OUT-1");
}

TEST(Rx5, FirstBreachInLineOrderIsTheRefusal) {
  Visit v;
  add_drugs(v, 6, "R9", "D");
  add_drugs(v, 6, "R1", "E");
  const RuleOutcome o = visit_rules(v, outpatient());
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rxno, "R9") << "R9's lines come first, though R1 sorts first";
  EXPECT_EQ(o.refusal.line, 0);
}

TEST(Rx5, ManyInterleavedPrescriptions) {
  // 60 prescriptions with lines interleaved (R0, R1, ..., R59, R0, ...): 5 drugs each pass; a
  // sixth drug on R37 alone is refused, named by rxno.
  Visit v;
  std::vector<std::string> rx;
  for (int r = 0; r < 60; ++r) rx.push_back(numbered("R", r));
  for (int k = 0; k < 5; ++k)
    for (int r = 0; r < 60; ++r) v.line(v.drug(numbered("D", r * 10 + k), numbered("K", r * 10 + k)), rx[r]);
  EXPECT_FALSE(visit_rules(v, outpatient()).refused);
  v.line(v.drug("EXTRA", "KX"), "R37");
  const RuleOutcome o = visit_rules(v, outpatient());
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rule, RuleId::kRx5);
  EXPECT_EQ(o.refusal.rxno, "R37");
  EXPECT_EQ(o.refusal.line, 37);
}

// ---- SAMECLASS ----

TEST(SameClass, ThreeOfOneAtc4RefuseTwoDoNot) {
  Visit three;
  add_drugs(three, 3, "R1", "D", "C09AA");
  const RuleOutcome o = visit_rules(three, outpatient());
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rule, RuleId::kSameClass);
  EXPECT_EQ(o.refusal.code, "C09AA");
  EXPECT_EQ(o.refusal.value, 3);

  Visit two;
  add_drugs(two, 2, "R1", "D", "C09AA");
  add_drugs(two, 2, "R1", "E", "C07AB");
  EXPECT_FALSE(visit_rules(two, outpatient()).refused);

  Visit unclassed;  // no ATC-4: no class to count
  for (int i = 0; i < 3; ++i) unclassed.line(unclassed.item(make_item(numbered("U", i))), "R1");
  EXPECT_FALSE(visit_rules(unclassed, outpatient()).refused);

  Visit across;  // same class on two prescriptions
  add_drugs(across, 2, "R1", "D", "C09AA");
  add_drugs(across, 2, "R2", "E", "C09AA");
  EXPECT_FALSE(visit_rules(across, outpatient()).refused);
}

TEST(SameClass, OverrideAndRx5ComesFirst) {
  RuleParams p;
  p.max_same_class_per_rx = 1;
  Visit two;
  add_drugs(two, 2, "R1", "D", "C09AA");
  EXPECT_EQ(visit_rules(two, outpatient(), p).refusal.rule, RuleId::kSameClass);

  Visit both;  // 6 drugs, 3 of one class: RX5 is first in the catalogue
  add_drugs(both, 3, "R1", "D", "C09AA");
  add_drugs(both, 3, "R1", "E");
  EXPECT_EQ(visit_rules(both, outpatient()).refusal.rule, RuleId::kRx5);
}

// ---- DAYS ----

struct DaysCase {
  const char* name;
  const char* med_type;
  bool pharmacy, emergency_rx, listed, dscg, on_rx;
  int32_t limit;
};

TEST(Days, LimitByVisitType) {
  const RuleParams p;
  const DaysCase cases[] = {
      {"general", "11", false, false, false, false, true, 7},
      {"general_listed_still_7", "11", false, false, true, false, true, 7},
      {"emergency", "12", false, false, false, false, true, 3},
      {"acute", "13", false, false, false, false, true, 3},
      {"chronic", "14", false, false, false, false, true, 15},
      {"chronic_listed", "14", false, false, true, false, true, 30},
      {"other_outpatient", "15", false, false, false, false, true, 7},
      {"pharmacy_rx", "41", true, false, false, false, true, 7},
      {"pharmacy_rx_by_med_type", "41", false, false, false, false, true, 7},
      {"pharmacy_emergency_rx", "41", true, true, false, false, true, 3},
      {"pharmacy_listed", "41", true, false, true, false, true, 30},
      {"pharmacy_otc_none", "41", true, false, false, false, false, 0},
      {"ward_none", "21", false, false, false, false, true, 0},
      {"discharge", "21", false, false, false, true, true, 7},
      {"discharge_listed", "21", false, false, true, true, true, 30},
  };
  for (const DaysCase& c : cases) {
    RuleContext ctx = outpatient(c.med_type);
    ctx.pharmacy = c.pharmacy;
    ctx.outside_rx_emergency = c.emergency_rx;
    EXPECT_EQ(supply_limit_days(p, ctx, c.listed, c.dscg, c.on_rx), c.limit) << c.name;
  }
}

// One drug line with `days` of supply in a visit of `med_type`; returns the outcome.
RuleOutcome one_supply(const char* med_type, int32_t days, std::vector<Filing> filings = {},
                       const RuleParams& p = testing::params_with_list(), bool dscg = false) {
  Visit v;
  RuleLine& l = v.line(v.drug("D1"), "R1", 2, 10);
  l.prd_days = days;
  l.dscg_drug = dscg;
  RuleContext ctx = outpatient(med_type);
  ctx.filings = filings;
  return visit_rules(v, ctx, p);
}

TEST(Days, RejectOverTheLimitBothWays) {
  EXPECT_FALSE(one_supply("11", 7).refused);
  const RuleOutcome o = one_supply("11", 8);
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rule, RuleId::kDays);
  EXPECT_EQ(o.refusal.value, 8);
  EXPECT_EQ(o.refusal.limit, 7);
  EXPECT_EQ(o.refusal_status().reason(), "E_RULE_DAYS");
  EXPECT_EQ(o.refusal_status().field(), "prd_days");
  EXPECT_FALSE(one_supply("12", 3).refused);
  EXPECT_TRUE(one_supply("12", 4).refused);
  EXPECT_TRUE(one_supply("13", 4).refused);
  EXPECT_FALSE(one_supply("14", 15).refused);
  EXPECT_TRUE(one_supply("14", 16).refused);
  EXPECT_FALSE(one_supply("11", 0).refused) << "days not stated";
  EXPECT_FALSE(one_supply("21", 60).refused) << "ward drugs";
  EXPECT_FALSE(one_supply("21", 7, {}, testing::params_with_list(), true).refused);
  EXPECT_TRUE(one_supply("21", 8, {}, testing::params_with_list(), true).refused);
}

TEST(Days, ThirtyDaysOnlyWithAnEffectiveListedFiling) {
  const std::vector<Filing> listed = {testing::chronic_filing("E11.2")};
  EXPECT_FALSE(one_supply("14", 30, listed).refused);
  EXPECT_TRUE(one_supply("14", 31, listed).refused);
  EXPECT_TRUE(one_supply("14", 30, {testing::chronic_filing("I10")}).refused) << "unlisted disease";
  EXPECT_TRUE(one_supply("14", 30, {testing::chronic_filing("E11.2", make_date(2019, 1, 1), make_date(2020, 4, 30))})
                  .refused)
      << "expired filing";
  EXPECT_TRUE(one_supply("14", 30, listed, RuleParams{}).refused) << "empty chronic list";
  EXPECT_FALSE(one_supply("21", 30, listed, testing::params_with_list(), true).refused) << "listed discharge";
  EXPECT_TRUE(one_supply("11", 8, listed).refused) << "30 d is for chronic visits";
}

TEST(Days, NonDrugLinesHaveNoSupply) {
  Visit v;
  v.line(v.item(make_item("S1", ItemKind::kService)), "R1").prd_days = 30;
  EXPECT_FALSE(visit_rules(v, outpatient()).refused);
}

TEST(Days, SelfPaySplitsCntInProportionRoundedOnce) {
  RuleParams p;
  p.supply_action = SupplyAction::kSelfPay;
  Visit v;
  RuleLine& a = v.line(v.drug("D1"), "R1", 2, 10);  // 10 units at ¥2, 10 days of 7: 3 units self-pay
  a.prd_days = 10;
  RuleLine& b = v.line(v.drug("D2"), "R1");
  Visit::set_qty(b, 3 * kPricPerYuan, 10002);  // 1.0002 units, 9 days of 7: 1.0002 × 2/9 = 0.22226 → 2223
  b.prd_days = 9;
  RuleLine& c = v.line(v.drug("D3"), "R1");
  Visit::set_qty(c, kPricPerYuan, 1);  // 0.0001 unit, 14 of 7: round(0.5) = 1 → the whole line
  c.prd_days = 14;
  RuleLine& d = v.line(v.drug("D4"), "R1", 2, 10);  // within the limit
  d.prd_days = 7;
  const RuleOutcome o = visit_rules(v, outpatient(), p);
  ASSERT_FALSE(o.refused);
  EXPECT_EQ(o.lines[0].verdict, RuleVerdict::kSplit);
  EXPECT_EQ(o.lines[0].rule, RuleId::kDays);
  EXPECT_EQ(o.lines[0].selfpay_cnt, 30000);
  EXPECT_EQ(o.lines[0].selfpay_amount, Fen(600));
  EXPECT_EQ(o.lines[1].verdict, RuleVerdict::kSplit);
  EXPECT_EQ(o.lines[1].selfpay_cnt, 2223);
  EXPECT_EQ(o.lines[1].selfpay_amount, line_amount(3 * kPricPerYuan, 2223));
  EXPECT_EQ(o.lines[2].verdict, RuleVerdict::kSelfPay);
  EXPECT_EQ(o.lines[2].selfpay_cnt, 1);
  EXPECT_EQ(o.lines[3].verdict, RuleVerdict::kAccept);
  const auto hits = notices_of(o, RuleId::kDays);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].action, RuleAction::kSelfPay);
  EXPECT_EQ(hits[0].limit, 7);
}

TEST(Days, SelfPaySplitHalfRoundsAwayFromZero) {
  RuleParams p;
  p.supply_action = SupplyAction::kSelfPay;
  Visit v;
  RuleLine& l = v.line(v.drug("D1"), "R1");
  Visit::set_qty(l, kPricPerYuan, 10002);  // 4 days of 3: 10002 / 4 = 2500.5 → 2501
  l.prd_days = 4;
  const RuleOutcome o = visit_rules(v, outpatient("12"), p);
  EXPECT_EQ(o.lines[0].selfpay_cnt, 2501);
}

// ---- OTC60 ----

RuleContext pharmacy_ctx() {
  RuleContext c = outpatient("41");
  c.pharmacy = true;
  return c;
}

TEST(Otc60, PharmacyOtcPurchaseAboveSixtyRefused) {
  Item otc = make_item("O1");
  otc.otc = true;
  Visit over;
  const Item* oi = over.item(otc);
  Visit::set_qty(over.line(oi), 30 * kPricPerYuan, kCntPerUnit);
  Visit::set_qty(over.line(oi), 30 * kPricPerYuan + 10000, kCntPerUnit);  // ¥60.01 in all
  const RuleOutcome o = visit_rules(over, pharmacy_ctx());
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rule, RuleId::kOtc60);
  EXPECT_EQ(o.refusal.value, 6001);
  EXPECT_EQ(o.refusal_status().reason(), "E_RULE_OTC60");

  Visit at;
  const Item* ai = at.item(otc);
  at.line(ai, {}, 30, 2);  // ¥60.00
  EXPECT_FALSE(visit_rules(at, pharmacy_ctx()).refused);
  EXPECT_FALSE(visit_rules(over, outpatient()).refused) << "not a pharmacy sale";
  RuleContext on_rx = pharmacy_ctx();
  on_rx.rxno = "OUT-1";
  EXPECT_FALSE(visit_rules(over, on_rx).refused) << "on an outside prescription it is no OTC purchase";

  Visit rx_only;  // a prescription drug bought without prescription is not OTC
  rx_only.line(rx_only.drug("D1"), {}, 80);
  EXPECT_FALSE(visit_rules(rx_only, pharmacy_ctx()).refused);

  RuleParams p;
  p.otc_max_purchase = Fen::yuan(100);
  EXPECT_FALSE(visit_rules(over, pharmacy_ctx(), p).refused);
}

// ---- CAUSE ----

TEST(Cause, ConfirmedMakesEveryLineSelfPay) {
  for (int which = 0; which < 2; ++which) {
    Visit v;
    v.line(v.drug("D1"), "R1");
    v.line(v.item(make_item("S1", ItemKind::kService)));
    RuleContext ctx = outpatient();
    (which == 0 ? ctx.trum_flag : ctx.rel_ttp_flag) = 2;
    const RuleOutcome o = visit_rules(v, ctx);
    EXPECT_FALSE(o.refused);
    EXPECT_EQ(o.count(RuleVerdict::kSelfPay), 2u);
    EXPECT_EQ(o.lines[1].rule, RuleId::kCause);
    EXPECT_EQ(o.lines[1].selfpay_amount, v.lines()[1].amount);
    const auto hits = notices_of(o, RuleId::kCause);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].action, RuleAction::kSelfPay);
    EXPECT_EQ(hits[0].line, -1);
    EXPECT_FALSE(o.has_flag());
  }
  Visit none;
  none.line(none.drug("D1"));
  const RuleOutcome o = visit_rules(none, outpatient());
  EXPECT_TRUE(o.notices.empty());
  EXPECT_EQ(o.count(RuleVerdict::kAccept), 1u);
}

TEST(Cause, SuspectedFlagsAndMarksBatchReviewFromTwentyThousand) {
  Visit v;
  v.line(v.item(make_item("S1", ItemKind::kService)), {}, 10000, 2);  // ¥20,000.00
  RuleContext ctx = outpatient();
  ctx.trum_flag = 1;
  RuleOutcome o = visit_rules(v, ctx);
  EXPECT_EQ(o.count(RuleVerdict::kAccept), 1u) << "a suspected cause settles normally";
  ASSERT_EQ(notices_of(o, RuleId::kCause).size(), 1u);
  EXPECT_EQ(notices_of(o, RuleId::kCause)[0].action, RuleAction::kFlag);
  EXPECT_TRUE(o.has_flag());
  EXPECT_TRUE(o.batch_review);
  EXPECT_NE(rule_message(notices_of(o, RuleId::kCause)[0]).find("batch"), std::string::npos);

  Visit::set_qty(v.lines()[0], 10000 * kPricPerYuan - 5000, 2 * kCntPerUnit);  // ¥19,999.99
  ctx.trum_flag = 0;
  ctx.rel_ttp_flag = 1;
  o = visit_rules(v, ctx);
  EXPECT_TRUE(o.has_flag());
  EXPECT_FALSE(o.batch_review);
}

TEST(Cause, ConfirmedOverridesADaysSplit) {
  RuleParams p;
  p.supply_action = SupplyAction::kSelfPay;
  Visit v;
  v.line(v.drug("D1"), "R1", 2, 10).prd_days = 10;
  RuleContext ctx = outpatient();
  ctx.trum_flag = 2;
  const RuleOutcome o = visit_rules(v, ctx, p);
  EXPECT_EQ(o.lines[0].verdict, RuleVerdict::kSelfPay);
  EXPECT_EQ(o.lines[0].rule, RuleId::kCause);
  EXPECT_EQ(o.lines[0].selfpay_cnt, v.lines()[0].cnt);
}

// ---- RX500 ----

TEST(Rx500, PrescriptionTotalAboveFiveHundredWarns) {
  Visit v;
  v.line(v.drug("D1"), "R1", 300);
  Visit::set_qty(v.line(v.drug("D2"), "R1"), 200 * kPricPerYuan + 10000, kCntPerUnit);  // ¥500.01
  v.line(v.drug("D3"), "R2", 250, 2);  // ¥500.00 exactly
  const RuleOutcome o = visit_rules(v, outpatient());
  EXPECT_FALSE(o.refused);
  auto hits = notices_of(o, RuleId::kRx500);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rxno, "R1");
  EXPECT_EQ(hits[0].line, 0);
  EXPECT_EQ(hits[0].value, 50001);
  EXPECT_EQ(hits[0].action, RuleAction::kWarn);
  EXPECT_FALSE(o.has_flag());

  for (size_t i : {0u, 1u}) {  // an approval on any line of the prescription covers it
    v.lines()[i].hosp_appr = true;
    EXPECT_TRUE(notices_of(visit_rules(v, outpatient()), RuleId::kRx500).empty()) << "approved line " << i;
    v.lines()[i].hosp_appr = false;
  }
  RuleContext approved = outpatient();
  approved.visit_approved = true;
  EXPECT_TRUE(notices_of(visit_rules(v, approved), RuleId::kRx500).empty());
  RuleParams p;
  p.approval_rx_total = Fen::yuan(1000);
  EXPECT_TRUE(notices_of(visit_rules(v, outpatient(), p), RuleId::kRx500).empty());
}

// ---- REFILL ----

TEST(Refill, PreviousSupplyNotTwoThirdsUsedFlags) {
  Visit v;
  v.line(v.drug("D1", "C09AA"), "R1");
  const CivilDate today = make_date(2020, 5, 8);
  auto run = [&](RuleSupply s, const RuleParams& p = RuleParams{}) {
    RuleHistory h;
    h.supplies = std::span<const RuleSupply>(&s, 1);
    return notices_of(visit_rules(v, outpatient(), p, h), RuleId::kRefill);
  };
  const auto early = run({"D1", "C09AA", CivilDate{today.days - 19}, 30});
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].action, RuleAction::kFlag);
  EXPECT_EQ(early[0].value, 19);
  EXPECT_EQ(early[0].limit, 20);
  EXPECT_TRUE(run({"D1", "C09AA", CivilDate{today.days - 20}, 30}).empty()) << "exactly 2/3 used";
  EXPECT_EQ(run({"D9", "C09AA", CivilDate{today.days - 5}, 30}).size(), 1u) << "same ATC-4 class";
  EXPECT_TRUE(run({"D9", "C07AB", CivilDate{today.days - 5}, 30}).empty()) << "another class";
  EXPECT_TRUE(run({"D1", "C09AA", CivilDate{today.days + 3}, 30}).empty()) << "a later supply";
  RuleParams half;
  half.early_refill_num = 1;
  half.early_refill_den = 2;
  EXPECT_TRUE(run({"D1", "C09AA", CivilDate{today.days - 15}, 30}, half).empty());
  EXPECT_EQ(run({"D1", "C09AA", CivilDate{today.days - 14}, 30}, half).size(), 1u);

  Visit no_rx;  // not a prescription line
  no_rx.line(no_rx.drug("D1", "C09AA"));
  RuleSupply s{"D1", "C09AA", CivilDate{today.days - 1}, 30};
  RuleHistory h;
  h.supplies = std::span<const RuleSupply>(&s, 1);
  EXPECT_TRUE(notices_of(visit_rules(no_rx, outpatient(), RuleParams{}, h), RuleId::kRefill).empty());
}

// ---- REPEAT ----

TEST(Repeat, SameDayPrescriptionOrTestFlags) {
  Visit v;
  v.line(v.drug("D1"), "R1");
  v.line(v.item(make_item("X1", ItemKind::kExam)));
  v.line(v.item(make_item("S1", ItemKind::kService)));
  const std::string_view same_day[] = {"X1", "S1", "D1"};
  RuleHistory h;
  h.same_day = same_day;
  const auto hits = notices_of(visit_rules(v, outpatient(), RuleParams{}, h), RuleId::kRepeat);
  ASSERT_EQ(hits.size(), 2u) << "drug and test, not the service";
  EXPECT_EQ(hits[0].line, 0);
  EXPECT_EQ(hits[1].line, 1);
  EXPECT_EQ(hits[1].action, RuleAction::kFlag);

  const std::string_view other[] = {"X2", "D2"};
  h.same_day = other;
  EXPECT_TRUE(notices_of(visit_rules(v, outpatient(), RuleParams{}, h), RuleId::kRepeat).empty());
}

// ---- pharmacy: both passes ----

TEST(Pharmacy, LinePassThenVisitPass) {
  Item otc = make_item("O1");
  otc.otc = true;
  Item restricted = make_item("R1");
  restricted.restricted = true;
  Visit v;
  v.line(v.item(otc), {}, 70);
  v.line(v.item(restricted), {}, 5);
  RuleOutcome o;
  run_pharmacy_rules(RuleParams{}, pharmacy_ctx(), v.span(), {}, o);
  ASSERT_TRUE(o.refused);
  EXPECT_EQ(o.refusal.rule, RuleId::kOtc60);
  EXPECT_EQ(o.lines[1].verdict, RuleVerdict::kSelfPay) << "the line pass ran first";

  Visit ok;
  ok.line(ok.item(otc), {}, 20);
  run_pharmacy_rules(RuleParams{}, pharmacy_ctx(), ok.span(), {}, o);
  EXPECT_FALSE(o.refused);
}

TEST(VisitRules, SkipsLinesWithoutAnItem) {
  Visit v;
  v.line(nullptr, "R1").prd_days = 90;
  add_drugs(v, 5, "R1", "D");
  const RuleOutcome o = visit_rules(v, outpatient());
  EXPECT_FALSE(o.refused);
  EXPECT_EQ(o.lines[0].verdict, RuleVerdict::kAccept);
}

}  // namespace
}  // namespace yibao::models
