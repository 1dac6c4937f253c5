#include "models/decimal.h"

#include <limits>

namespace yibao::models {

std::optional<int64_t> parse_scaled(std::string_view text, int decimals, bool allow_negative) {
  if (decimals < 0 || decimals > 9 || text.empty()) return std::nullopt;
  bool neg = false;
  if (text.front() == '-' || text.front() == '+') {
    neg = text.front() == '-';
    if (neg && !allow_negative) return std::nullopt;
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
  if (frac.size() > static_cast<size_t>(decimals)) return std::nullopt;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t v = 0;
  auto push = [&v](char c) {
    if (c < '0' || c > '9') return false;
    if (v > (kMax - (c - '0')) / 10) return false;  // would overflow
    v = v * 10 + (c - '0');
    return true;
  };
  for (char c : whole)
    if (!push(c)) return std::nullopt;
  for (char c : frac)
    if (!push(c)) return std::nullopt;
  for (size_t i = frac.size(); i < static_cast<size_t>(decimals); ++i)
    if (!push('0')) return std::nullopt;
  return neg ? -v : v;
}

}  // namespace yibao::models
