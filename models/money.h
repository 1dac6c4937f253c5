// Money and ratios: integer fen, and the one rounding rule (DESIGN.md §8, DOMAIN.md §4.2, §4.6).
//
// Fen is a strong int64 type: one fen = 0.01 yuan. Nothing in settlement is floating point.
// Ratio is a share in ten-thousandths (basis points of a percent: 6000 = 60 %).
// The rounding rule: every product or quotient is rounded half away from zero, once, at the
// step that computes it (DOMAIN.md §4.6.6). Intermediate products use 128-bit integers, so no
// overflow for any amount below 9.2e18 fen.
// Wire units: `pric` is int64 millionths of a yuan, `cnt` int64 ten-thousandths.
// All functions are constexpr and thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace yibao {

struct Fen {
  int64_t v = 0;

  constexpr Fen() = default;
  constexpr explicit Fen(int64_t fen) : v(fen) {}
  static constexpr Fen yuan(int64_t y) { return Fen(y * 100); }

  constexpr auto operator<=>(const Fen&) const = default;
  constexpr Fen operator+(Fen o) const { return Fen(v + o.v); }
  constexpr Fen operator-(Fen o) const { return Fen(v - o.v); }
  constexpr Fen operator-() const { return Fen(-v); }
  constexpr Fen& operator+=(Fen o) { v += o.v; return *this; }
  constexpr Fen& operator-=(Fen o) { v -= o.v; return *this; }
  constexpr bool is_zero() const { return v == 0; }
};

constexpr Fen min(Fen a, Fen b) { return a < b ? a : b; }
constexpr Fen max(Fen a, Fen b) { return a < b ? b : a; }
constexpr Fen clamp_non_negative(Fen a) { return a.v < 0 ? Fen(0) : a; }

// A share in ten-thousandths: 10000 = 100 %.
struct Ratio {
  int32_t bp = 0;
  constexpr Ratio() = default;
  constexpr explicit Ratio(int32_t ten_thousandths) : bp(ten_thousandths) {}
  static constexpr Ratio percent(int32_t p) { return Ratio(p * 100); }
  static constexpr Ratio one() { return Ratio(10000); }
  constexpr auto operator<=>(const Ratio&) const = default;
  constexpr bool is_zero() const { return bp == 0; }
};

// 128-bit intermediate products (a GCC/Clang extension; -Wpedantic is told so once, here).
__extension__ typedef __int128 Int128;

// round(num / den), half away from zero. den > 0.
constexpr int64_t div_round(Int128 num, Int128 den) {
  const Int128 q = num / den;
  const Int128 r = num % den;
  if (r == 0) return static_cast<int64_t>(q);
  const Int128 twice = (r < 0 ? -r : r) * 2;
  if (twice >= den) return static_cast<int64_t>(num < 0 ? q - 1 : q + 1);
  return static_cast<int64_t>(q);
}

// round(amount × ratio): the one rounding of a share.
constexpr Fen apply(Fen amount, Ratio r) { return Fen(div_round(static_cast<Int128>(amount.v) * r.bp, 10000)); }

// round(amount ÷ ratio); ratio > 0. Used for "eligible amount under a remaining cap" (§4.2).
constexpr Fen divide(Fen amount, Ratio r) { return Fen(div_round(static_cast<Int128>(amount.v) * 10000, r.bp)); }

// round(amount × a × b) with both shares applied in one product (deductible × readmission
// share × out-of-area multiplier is one product, rounded once: §4.6.6).
constexpr Fen apply2(Fen amount, Ratio a, Ratio b) {
  return Fen(div_round(static_cast<Int128>(amount.v) * a.bp * b.bp, 100000000));
}

// Units of the wire (DESIGN.md §4): price in millionths of a yuan, count in ten-thousandths.
inline constexpr int64_t kPricPerYuan = 1000000;
inline constexpr int64_t kCntPerUnit = 10000;

// round(pric × cnt) in fen: pric [1e-6 yuan] × cnt [1e-4] = 1e-10 yuan = 1e-8 fen.
constexpr Fen line_amount(int64_t pric, int64_t cnt) {
  return Fen(div_round(static_cast<Int128>(pric) * cnt, 100000000));
}
// Price in fen from a price in millionths of a yuan (rounded).
constexpr Fen pric_to_fen(int64_t pric) { return Fen(div_round(pric, 10000)); }

// "1234.56" / "-0.07": yuan with two decimals, for logs and reports.
std::string format_yuan(Fen f);

}  // namespace yibao
