// models/money.h: the one rounding rule (half away from zero, once per step) and its helpers.
#include "models/money.h"

#include <gtest/gtest.h>

namespace yibao {
namespace {

TEST(Money, DivRoundIsHalfAwayFromZero) {
  EXPECT_EQ(div_round(5, 10), 1);
  EXPECT_EQ(div_round(4, 10), 0);
  EXPECT_EQ(div_round(15, 10), 2);
  EXPECT_EQ(div_round(25, 10), 3);  // not banker's rounding
  EXPECT_EQ(div_round(-5, 10), -1);
  EXPECT_EQ(div_round(-15, 10), -2);
  EXPECT_EQ(div_round(-14, 10), -1);
  EXPECT_EQ(div_round(0, 7), 0);
  EXPECT_EQ(div_round(30, 10), 3);
  static_assert(div_round(1, 2) == 1 && div_round(-1, 2) == -1);
}

TEST(Money, ApplyRoundsTheProductOnce) {
  EXPECT_EQ(apply(Fen(27747), Ratio::percent(60)), Fen(16648));  // 166.482 → 166.48 (worked example 1)
  EXPECT_EQ(apply(Fen(3339808), Ratio::percent(90)), Fen(3005827));
  EXPECT_EQ(apply(Fen(5), Ratio::percent(50)), Fen(3));   // 2.5 → 3
  EXPECT_EQ(apply(Fen(-5), Ratio::percent(50)), Fen(-3));  // symmetric
  EXPECT_EQ(apply(Fen(12345), Ratio(0)), Fen(0));
  EXPECT_EQ(apply(Fen(12345), Ratio::one()), Fen(12345));
  // No overflow far beyond any real amount (128-bit intermediates).
  EXPECT_EQ(apply(Fen(INT64_MAX / 2), Ratio::one()), Fen(INT64_MAX / 2));
}

TEST(Money, DivideGivesTheEligibleAmountUnderARoom) {
  EXPECT_EQ(divide(Fen(800000), Ratio::percent(85)), Fen(941176));  // 9,411.7647 → 9,411.76 (example 3)
  EXPECT_EQ(divide(Fen(1), Ratio::percent(40)), Fen(3));            // 2.5 → 3
  EXPECT_EQ(divide(Fen(100), Ratio::one()), Fen(100));
}

TEST(Money, Apply2IsOneProduct) {
  // 333.33 × 50 % × 1.5 = 249.9975 → 250.00; two roundings would give 250.01.
  EXPECT_EQ(apply2(Fen(33333), Ratio::percent(50), Ratio(15000)), Fen(25000));
  EXPECT_EQ(apply(apply(Fen(33333), Ratio::percent(50)), Ratio(15000)), Fen(25001));
  EXPECT_EQ(apply2(Fen(80000), Ratio::percent(50), Ratio::one()), Fen(40000));
}

TEST(Money, LineAmountFromWireUnits) {
  EXPECT_EQ(line_amount(35500000, 20000), Fen(7100));   // 35.50 × 2
  EXPECT_EQ(line_amount(1234560000, 100000), Fen(1234560));
  EXPECT_EQ(line_amount(1, 10000), Fen(0));             // 0.000001 yuan
  EXPECT_EQ(line_amount(5000, 10000), Fen(1));          // half a fen rounds up
  EXPECT_EQ(line_amount(4999, 10000), Fen(0));
  EXPECT_EQ(line_amount(120005000, 33333), Fen(40001));  // 120.005 × 3.3333 = 400.0126…
  EXPECT_EQ(pric_to_fen(35505000), Fen(3551));
  EXPECT_EQ(pric_to_fen(35504999), Fen(3550));
}

TEST(Money, FenArithmeticAndFormatting) {
  Fen a = Fen::yuan(3);
  a += Fen(5);
  a -= Fen(1);
  EXPECT_EQ(a, Fen(304));
  EXPECT_EQ(-a, Fen(-304));
  EXPECT_EQ(min(Fen(1), Fen(2)), Fen(1));
  EXPECT_EQ(max(Fen(1), Fen(2)), Fen(2));
  EXPECT_EQ(clamp_non_negative(Fen(-3)), Fen(0));
  EXPECT_TRUE(Fen().is_zero());
  EXPECT_EQ(format_yuan(Fen(123456)), "1234.56");
  EXPECT_EQ(format_yuan(Fen(-7)), "-0.07");
  EXPECT_EQ(format_yuan(Fen(0)), "0.00");
  EXPECT_EQ(format_yuan(Fen(INT64_MIN)), "-92233720368547758.08");
  EXPECT_EQ(Ratio::percent(60), Ratio(6000));
  EXPECT_LT(Ratio::percent(59), Ratio::percent(60));
}

}  // namespace
}  // namespace yibao
