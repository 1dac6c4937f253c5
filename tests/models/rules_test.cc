// Line rules, the catalogue and the helpers of models/rules.h. Visit rules: rules_rx_test.cc.
#include "models/rules.h"

#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/models/rules_builders.h"

namespace yibao::models {
namespace {

using testing::make_item;
using testing::notices_of;
using testing::outpatient;
using testing::Visit;

// ---- line rules, both ways, table-driven ----

struct LineCase {
  const char* name;
  std::function<void(Item&)> item_edit;          // applied to a plain class-A western drug
  std::function<void(RuleContext&)> ctx_edit;    // applied to outpatient("11"), 40-year-old man
  std::function<void(RuleLine&)> line_edit;      // applied to one ¥10 × 1 line
  bool null_item = false;
  RuleVerdict verdict = RuleVerdict::kAccept;
  RuleId rule = RuleId::kNone;  // the deciding rule (kNone: accepted)
};

void none_item(Item&) {}
void none_ctx(RuleContext&) {}
void none_line(RuleLine&) {}

const CivilTime kDischarge = make_time(2020, 5, 8, 10, 0);

std::vector<LineCase> line_cases() {
  using V = RuleVerdict;
  return {
      {"nomap_triggers", none_item, none_ctx, none_line, true, V::kReject, RuleId::kNoMap},
      {"nomap_mapped_ok", none_item, none_ctx, none_line, false, V::kAccept, RuleId::kNone},
      {"nonmed_triggers", [](Item& i) { i.kind = ItemKind::kNonMedical; }, none_ctx, none_line, false, V::kReject,
       RuleId::kNonMed},
      {"nonmed_material_ok", [](Item& i) { i.kind = ItemKind::kMaterial; }, none_ctx, none_line, false, V::kAccept,
       RuleId::kNone},
      {"lumpsum_triggers", [](Item& i) { i.lump_sum = true; }, none_ctx, none_line, false, V::kReject,
       RuleId::kLumpSum},
      {"sex_triggers", [](Item& i) { i.sex_only = 2; }, none_ctx, none_line, false, V::kReject, RuleId::kSex},
      {"sex_matching_ok", [](Item& i) { i.sex_only = 1; }, none_ctx, none_line, false, V::kAccept, RuleId::kNone},
      {"sex_unknown_ok", [](Item& i) { i.sex_only = 2; }, [](RuleContext& c) { c.sex = 0; }, none_line, false,
       V::kAccept, RuleId::kNone},
      {"age_below_min_triggers", [](Item& i) { i.min_age = 18; }, [](RuleContext& c) { c.age_years = 17; },
       none_line, false, V::kReject, RuleId::kAge},
      {"age_at_min_ok", [](Item& i) { i.min_age = 18; }, [](RuleContext& c) { c.age_years = 18; }, none_line, false,
       V::kAccept, RuleId::kNone},
      {"age_above_max_triggers", [](Item& i) { i.max_age = 14; }, [](RuleContext& c) { c.age_years = 15; },
       none_line, false, V::kReject, RuleId::kAge},
      {"age_at_max_ok", [](Item& i) { i.max_age = 14; }, [](RuleContext& c) { c.age_years = 14; }, none_line, false,
       V::kAccept, RuleId::kNone},
      {"age_unknown_ok", [](Item& i) { i.max_age = 14; }, [](RuleContext& c) { c.age_years = -1; }, none_line,
       false, V::kAccept, RuleId::kNone},
      {"afterdscg_next_day_triggers", none_item, [](RuleContext& c) { c.discharge_time = kDischarge; },
       [](RuleLine& l) { l.fee_time = make_time(2020, 5, 9, 8, 0); }, false, V::kReject, RuleId::kAfterDscg},
      {"afterdscg_same_day_later_hour_ok", none_item, [](RuleContext& c) { c.discharge_time = kDischarge; },
       [](RuleLine& l) { l.fee_time = make_time(2020, 5, 8, 15, 0); }, false, V::kAccept, RuleId::kNone},
      {"afterdscg_not_discharged_ok", none_item, none_ctx,
       [](RuleLine& l) { l.fee_time = make_time(2020, 6, 1, 8, 0); }, false, V::kAccept, RuleId::kNone},
      {"restrict_triggers", [](Item& i) { i.restricted = true; }, none_ctx, none_line, false, V::kSelfPay,
       RuleId::kRestrict},
      {"restrict_approved_ok", [](Item& i) { i.restricted = true; }, none_ctx,
       [](RuleLine& l) { l.hosp_appr = true; }, false, V::kAccept, RuleId::kNone},
      // Precedence: the first rejecting rule in catalogue order decides.
      {"nonmed_before_sex", [](Item& i) { i.kind = ItemKind::kNonMedical; i.sex_only = 2; }, none_ctx, none_line,
       false, V::kReject, RuleId::kNonMed},
      {"reject_beats_restrict", [](Item& i) { i.restricted = true; i.lump_sum = true; }, none_ctx, none_line, false,
       V::kReject, RuleId::kLumpSum},
  };
}

class LineRuleTest : public ::testing::TestWithParam<LineCase> {};

TEST_P(LineRuleTest, Verdict) {
  const LineCase& c = GetParam();
  Visit v;
  Item base = make_item("D1");
  c.item_edit(base);
  const Item* it = c.null_item ? nullptr : v.item(base);
  RuleLine& l = v.line(it);
  c.line_edit(l);
  RuleContext ctx = outpatient();
  c.ctx_edit(ctx);
  RuleOutcome out;
  run_line_rules(RuleParams{}, ctx, v.span(), out);
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0].verdict, c.verdict);
  EXPECT_EQ(out.lines[0].rule, c.rule);
  EXPECT_FALSE(out.refused) << "fee upload never refuses the call";
  if (c.verdict == RuleVerdict::kReject) {
    ASSERT_EQ(out.rejected.size(), 1u);
    EXPECT_EQ(out.rejected[0].rule, c.rule);
    EXPECT_EQ(out.rejected[0].feedetl_sn, "1");
    EXPECT_TRUE(out.notices.empty()) << "a rejected line gets no other notice";
  } else {
    EXPECT_TRUE(out.rejected.empty());
  }
  if (c.verdict == RuleVerdict::kSelfPay) {
    EXPECT_EQ(out.lines[0].selfpay_cnt, l.cnt);
    EXPECT_EQ(out.lines[0].selfpay_amount, l.amount);
    ASSERT_EQ(notices_of(out, c.rule).size(), 1u);
    EXPECT_EQ(notices_of(out, c.rule)[0].action, RuleAction::kSelfPay);
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, LineRuleTest, ::testing::ValuesIn(line_cases()),
                         [](const ::testing::TestParamInfo<LineCase>& i) { return std::string(i.param.name); });

TEST(LineRules, NoConsentFlagsClassCOnly) {
  Visit v;
  Item c = make_item("C1");
  c.cls = ChargeClass::kC;
  Item b = make_item("B1");
  b.cls = ChargeClass::kB;
  const Item* ci = v.item(c);
  const Item* bi = v.item(b);
  v.line(ci);                             // class C, no consent: FLAG
  v.line(ci).selfpay_consent = true;      // class C with consent: nothing
  v.line(bi);                             // class B: nothing
  RuleOutcome out;
  run_line_rules(RuleParams{}, outpatient(), v.span(), out);
  const auto hits = notices_of(out, RuleId::kNoConsent);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 0);
  EXPECT_EQ(hits[0].action, RuleAction::kFlag);
  EXPECT_TRUE(out.has_flag());
  EXPECT_EQ(out.count(RuleVerdict::kAccept), 3u) << "class C settles as class C: no verdict change";
}

TEST(LineRules, Price100WarnsAboveThresholdWithoutApproval) {
  Visit v;
  const Item* it = v.drug("D1");
  Visit::set_qty(v.line(it), 100 * kPricPerYuan + 1, kCntPerUnit);  // ¥100.000001: warn
  Visit::set_qty(v.line(it), 100 * kPricPerYuan, kCntPerUnit);      // exactly ¥100: fine
  RuleLine& approved = v.line(it, {}, 150);
  approved.hosp_appr = true;                                        // approved: fine
  RuleOutcome out;
  run_line_rules(RuleParams{}, outpatient(), v.span(), out);
  auto hits = notices_of(out, RuleId::kPrice100);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 0);
  EXPECT_EQ(hits[0].action, RuleAction::kWarn);
  EXPECT_FALSE(out.has_flag());

  RuleContext ctx = outpatient();
  ctx.visit_approved = true;
  run_line_rules(RuleParams{}, ctx, v.span(), out);
  EXPECT_TRUE(notices_of(out, RuleId::kPrice100).empty());

  RuleParams p;
  p.approval_unit_price = 200 * kPricPerYuan;  // override: ¥200
  run_line_rules(p, outpatient(), v.span(), out);
  EXPECT_TRUE(notices_of(out, RuleId::kPrice100).empty());
}

TEST(LineRules, FeeUploadListsRejectedLinesAndKeepsTheRest) {
  Visit v;
  Item nm = make_item("N1", ItemKind::kNonMedical);
  v.line(v.drug("D1"));
  v.line(nullptr);
  v.line(v.item(nm));
  RuleOutcome out;
  run_line_rules(RuleParams{}, outpatient(), v.span(), out);
  EXPECT_FALSE(out.refused);
  EXPECT_TRUE(out.refusal_status().ok());
  ASSERT_EQ(out.rejected.size(), 2u);
  EXPECT_EQ(out.rejected[0].rule, RuleId::kNoMap);
  EXPECT_EQ(out.rejected[0].code, "UNMAPPED");
  EXPECT_EQ(out.rejected[1].rule, RuleId::kNonMed);
  EXPECT_EQ(out.count(RuleVerdict::kAccept), 1u);
  EXPECT_EQ(out.count(RuleVerdict::kReject), 2u);
}

TEST(LineRules, PharmacyInlineRejectedLineRefusesTheCall) {
  Visit v;
  v.line(v.drug("D1"), "RX1");
  v.line(nullptr, "RX1");
  RuleContext ctx = outpatient("41");
  ctx.pharmacy = true;
  RuleOutcome out;
  run_pharmacy_rules(RuleParams{}, ctx, v.span(), {}, out);
  ASSERT_TRUE(out.refused);
  EXPECT_EQ(out.refusal.rule, RuleId::kNoMap);
  EXPECT_EQ(out.refusal.line, 1);
  const Status s = out.refusal_status();
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_EQ(s.reason(), "E_RULE_NOMAP");
  EXPECT_EQ(s.field(), "med_list_codg");
  EXPECT_NE(s.message().find("no catalogue mapping"), std::string_view::npos);

  // The same lines at an outpatient fee upload: the call succeeds.
  run_line_rules(RuleParams{}, outpatient(), v.span(), out);
  EXPECT_FALSE(out.refused);
}

TEST(LineRules, MaxLinesPerCall) {
  RuleParams p;
  EXPECT_TRUE(check_line_count(p, 300).ok());
  const Status s = check_line_count(p, 301);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.reason(), "E_BAD_REQUEST");
  EXPECT_EQ(s.field(), "feedetail");
  p.max_lines_per_call = 10;
  EXPECT_TRUE(check_line_count(p, 10).ok());
  EXPECT_FALSE(check_line_count(p, 11).ok());
}

// ---- catalogue ----

TEST(Catalogue, OneRowPerRuleWithUniqueStableIds) {
  std::set<std::string_view> codes;
  for (const RuleInfo& r : rule_catalogue()) {
    EXPECT_FALSE(r.code.empty());
    EXPECT_TRUE(codes.insert(r.code).second) << r.code;
    EXPECT_EQ(&rule_info(r.id), &r);
    EXPECT_EQ(find_rule(r.code), &r);
    EXPECT_FALSE(r.name.empty());
    EXPECT_FALSE(r.where.empty());
    EXPECT_FALSE(r.source.empty());
    if (r.mode == RuleMode::kBatch) {
      EXPECT_FALSE(r.built) << r.code;
    }
    // A rule that can refuse has a reason: E_RULE_<id>, except the call-size check.
    if ((r.actions & kActReject) && r.id != RuleId::kMaxLines) {
      EXPECT_EQ(r.reason, "E_RULE_" + std::string(r.code));
    }
  }
  EXPECT_EQ(codes.size(), static_cast<size_t>(RuleId::kCount_) - 1);
  for (const char* id : {"NOMAP", "NONMED", "SEX", "AGE", "AFTERDSCG", "LUMPSUM", "RESTRICT", "NOCONSENT",
                         "PRICE100", "RX5", "SAMECLASS", "DAYS", "OTC60", "RX500", "REFILL", "REPEAT", "CAUSE"}) {
    const RuleInfo* r = find_rule(id);
    ASSERT_NE(r, nullptr) << id;
    EXPECT_TRUE(r->built) << id;
    EXPECT_EQ(r->mode, RuleMode::kRealTime) << id;
  }
  EXPECT_EQ(find_rule("READMIT15")->mode, RuleMode::kBatch);
  EXPECT_EQ(find_rule("NOPE"), nullptr);
  EXPECT_EQ(find_rule(""), nullptr);
  EXPECT_EQ(rule_reason(RuleId::kRx5), "E_RULE_RX5");
  EXPECT_EQ(rule_reason(RuleId::kMaxLines), "E_BAD_REQUEST");
}

TEST(Catalogue, ActionsText) {
  EXPECT_EQ(rule_actions_text(rule_info(RuleId::kDays).actions), "REJECT|SELF_PAY");
  EXPECT_EQ(rule_actions_text(rule_info(RuleId::kRefill).actions), "WARN+FLAG");
  EXPECT_EQ(rule_actions_text(rule_info(RuleId::kCause).actions), "SELF_PAY|FLAG");
  EXPECT_EQ(rule_actions_text(rule_info(RuleId::kRx5).actions), "REJECT");
  EXPECT_EQ(rule_action_name(RuleAction::kSelfPay), "SELF_PAY");
  EXPECT_EQ(rule_action_name(RuleAction::kFlag), "FLAG");
}

TEST(Catalogue, EveryBuiltRuleHasASentence) {
  for (const RuleInfo& r : rule_catalogue()) {
    RuleHit h;
    h.rule = r.id;
    h.feedetl_sn = "7";
    h.rxno = "RX1";
    h.code = "X1";
    h.value = 9;
    h.limit = 5;
    const std::string m = rule_message(h);
    EXPECT_FALSE(m.empty()) << r.code;
    if (r.built && r.id != RuleId::kMaxLines && r.id != RuleId::kCause && r.id != RuleId::kOtc60) {
      EXPECT_TRUE(m.find("7") != std::string::npos || m.find("RX1") != std::string::npos) << r.code << ": " << m;
    }
  }
}

// ---- helpers ----

TEST(ChronicList, PrefixMatchIgnoresCaseAndDots) {
  const RuleParams p = testing::params_with_list();  // C, E11.2, I25, D68.0
  EXPECT_TRUE(on_chronic_list(p, "C50.9"));
  EXPECT_TRUE(on_chronic_list(p, "E11.2"));
  EXPECT_TRUE(on_chronic_list(p, "E11.21"));
  EXPECT_TRUE(on_chronic_list(p, "e112"));
  EXPECT_TRUE(on_chronic_list(p, "I25.103"));
  EXPECT_TRUE(on_chronic_list(p, "D680"));
  EXPECT_FALSE(on_chronic_list(p, "E11.9"));  // diabetes without a listed complication
  EXPECT_FALSE(on_chronic_list(p, "E11"));    // shorter than the prefix
  EXPECT_FALSE(on_chronic_list(p, "I10"));    // plain hypertension
  EXPECT_FALSE(on_chronic_list(p, "D68.1"));
  EXPECT_FALSE(on_chronic_list(p, ""));
  RuleParams empty_prefix;
  empty_prefix.chronic_list = {"", "."};
  EXPECT_FALSE(on_chronic_list(empty_prefix, "I10")) << "an empty prefix matches nothing";
  EXPECT_FALSE(on_chronic_list(RuleParams{}, "C50"));
}

TEST(ChronicList, FilingMustBeChronicEffectiveAndListed) {
  const RuleParams p = testing::params_with_list();
  const CivilDate d = make_date(2020, 5, 8);
  std::vector<Filing> f = {testing::chronic_filing("I25.1")};
  EXPECT_TRUE(has_listed_chronic_filing(p, f, d));
  f[0].dise_codg = "I10";
  EXPECT_FALSE(has_listed_chronic_filing(p, f, d)) << "unlisted disease";
  f[0] = testing::chronic_filing("I25.1", make_date(2019, 1, 1), make_date(2020, 5, 7));
  EXPECT_FALSE(has_listed_chronic_filing(p, f, d)) << "expired the day before";
  f[0] = testing::chronic_filing("I25.1", make_date(2020, 5, 9));
  EXPECT_FALSE(has_listed_chronic_filing(p, f, d)) << "not yet effective";
  f[0] = testing::chronic_filing("I25.1");
  f[0].type = FilingType::kReferral;
  EXPECT_FALSE(has_listed_chronic_filing(p, f, d)) << "a referral is not a chronic filing";
  f.push_back(testing::chronic_filing("C34"));
  EXPECT_TRUE(has_listed_chronic_filing(p, f, d)) << "any one filing suffices";
}

TEST(Helpers, AgeAtCare) {
  const CivilDate birth = make_date(1980, 5, 8);
  EXPECT_EQ(age_at_care(birth, make_date(2020, 5, 7)), 39);
  EXPECT_EQ(age_at_care(birth, make_date(2020, 5, 8)), 40);
  EXPECT_EQ(age_at_care(birth, make_date(1980, 5, 8)), 0);
  EXPECT_EQ(age_at_care(birth, make_date(1970, 1, 1)), 0);
  EXPECT_EQ(age_at_care(make_date(2000, 2, 29), make_date(2001, 2, 28)), 0);
  EXPECT_EQ(age_at_care(make_date(2000, 2, 29), make_date(2001, 3, 1)), 1);
}

TEST(Outcome, ReuseKeepsCapacity) {
  Visit v;
  Item c = make_item("C1");
  c.cls = ChargeClass::kC;
  const Item* ci = v.item(c);
  for (int i = 0; i < 20; ++i) v.line(ci);
  RuleOutcome out;
  run_line_rules(RuleParams{}, outpatient(), v.span(), out);
  ASSERT_EQ(out.notices.size(), 20u);
  const RuleHit* notices = out.notices.data();
  const RuleLineDecision* decisions = out.lines.data();
  run_line_rules(RuleParams{}, outpatient(), v.span(), out);
  EXPECT_EQ(out.notices.size(), 20u) << "reset empties the previous run";
  EXPECT_EQ(out.notices.data(), notices) << "no reallocation on the second run";
  EXPECT_EQ(out.lines.data(), decisions);
}

}  // namespace
}  // namespace yibao::models
