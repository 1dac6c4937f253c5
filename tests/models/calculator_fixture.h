// The fixture of the calculator tests (calculator_test.cc: the worked examples of DOMAIN.md
// §4.5 and the hot path; calculator_readings_test.cc: the readings of §4.6): the fixture policy
// and catalogue and builders of persons, care contexts and priced lines.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "models/calculator.h"
#include "models/catalog_yaml.h"
#include "models/policy_yaml.h"

namespace yibao::models {


inline constexpr int64_t kYuanPric = 1000000;  // pric units per yuan
inline constexpr int64_t kUnit = 10000;        // cnt units per unit

class CalculatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = load_catalog(std::string(YB_MODELS_DATA_DIR) + "/catalog_fixture.yaml");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = new Catalog(std::move(*c));
    auto p = load_policy_set(std::string(YB_MODELS_DATA_DIR) + "/policy_default.yaml");
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    policy_ = new PolicySet(std::move(*p));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    delete policy_;
  }

  // A line of `cnt_units` (may be fractional in ten-thousandths via cnt) at `pric_fen` fen a unit.
  static PricedLine line(std::string_view code, int64_t pric_fen, int64_t cnt_units, bool approved = false) {
    const Item* it = catalog_->find(code);
    EXPECT_NE(it, nullptr) << code;
    PricedLine l;
    l.item = it;
    l.pric = pric_fen * (kYuanPric / 100);
    l.cnt = cnt_units * kUnit;
    l.amount = line_amount(l.pric, l.cnt);
    l.approved = approved;
    return l;
  }

  Settlement run(const PersonState& person, const CareContext& care, const std::vector<PricedLine>& lines,
                 const PolicySet* policy = nullptr) {
    splits_.assign(lines.size(), LineSplit{});
    Settlement s;
    const Status st = settle(policy ? *policy : *policy_, person, care, lines, splits_, s);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }

  static PersonState employee(bool retired = false) {
    PersonState p;
    p.insutype = Insutype::kEmployee;
    p.psn_type = retired ? PsnType::kEmployeeRetired : PsnType::kEmployeeActive;
    return p;
  }
  static PersonState resident(MafGroup g = MafGroup::kNone) {
    PersonState p;
    p.maf_group = g;
    return p;
  }
  static CareContext care(CareKind kind, Level level, bool acct_used = false) {
    CareContext c;
    c.kind = kind;
    c.level = level;
    c.acct_used = acct_used;
    return c;
  }
  // One class-A line of `yuan` (a consultation or a surgery, per kind).
  static std::vector<PricedLine> a_line(int64_t fen) { return {line("003310000010000", fen, 1)}; }

  static Catalog* catalog_;
  static PolicySet* policy_;
  std::vector<LineSplit> splits_;
};
inline Catalog* CalculatorTest::catalog_ = nullptr;
inline PolicySet* CalculatorTest::policy_ = nullptr;


}  // namespace yibao::models
