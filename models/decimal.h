// Exact decimal text -> scaled integer, for loaders that must not touch floating point
// (policy and catalog files: yuan to fen, percent to ten-thousandths, price to millionths).
//
// parse_scaled("126.5", 2) = 12650; "1e3", "1,000", " 5", "5." and a third decimal where two are
// allowed are refused (std::nullopt), as is anything that would overflow int64.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace yibao::models {

// Parses an optionally signed decimal with at most `decimals` fraction digits and returns it
// scaled by 10^decimals. decimals in [0, 9].
std::optional<int64_t> parse_scaled(std::string_view text, int decimals, bool allow_negative = false);

}  // namespace yibao::models
