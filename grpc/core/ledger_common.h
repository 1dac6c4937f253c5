// What the two Ledger backends (ledger_memory.cc, ledger_sqlite*.cc) must decide the same way,
// written once so the test twin cannot drift from the durable store: the schema version, the
// business key of a visit, which stay is "open", the fund columns, the 3201 insutype filter,
// the order funds are listed in, and the 3202 page cursor.
// Internal to the ledger backends; pure functions, thread-safe.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grpc/core/records.h"

namespace yibao::core::ledger_detail {

// The schema this program writes; meta row "schema_version" holds the ledger's (both backends
// answer get_meta("schema_version") with it). Bumped by every migration (ledger_sqlite_schema.cc).
inline constexpr int32_t kSchemaVersion = 3;
inline constexpr std::string_view kSchemaVersionKey = "schema_version";

// The business key find_visit_by_key matches: the prescription number for a pharmacy sale,
// ipt_otp_no (= ipt_no for a stay) otherwise. An empty key is no key (OTC sales have none), so
// it never matches.
inline std::string_view visit_business_key(const Visit& v) {
  return v.kind == VisitKind::kPharmacy ? std::string_view(v.rxno) : std::string_view(v.ipt_otp_no);
}

// A stay that is neither VOID nor SETTLED (find_open_stay).
inline bool is_open_stay(const Visit& v) {
  return v.kind == VisitKind::kInpatient && v.state != VisitState::kVoid && v.state != VisitState::kSettled;
}

// The four columns of a fund (add_fund): 0 opening, 1 premiums, 2 payouts, 3 reversals.
inline std::optional<int> fund_column(std::string_view column) {
  if (column == "opening") return 0;
  if (column == "premiums") return 1;
  if (column == "payouts") return 2;
  if (column == "reversals") return 3;
  return std::nullopt;
}

inline Fen& fund_cell(FundTotals& f, int column) {
  switch (column) {
    case 0: return f.opening;
    case 1: return f.premiums;
    case 2: return f.payouts;
    default: return f.reversals;
  }
}

// 3201's insutype filter: empty = any scheme; a number = that scheme; anything else matches
// nothing (a malformed filter must not silently widen to "any").
struct InsutypeFilter {
  bool any = true;
  bool none = false;
  int32_t value = 0;
};
inline InsutypeFilter insutype_filter(std::string_view text) {
  InsutypeFilter f;
  if (text.empty()) return f;
  f.any = false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), f.value);
  if (ec != std::errc() || end != text.data() + text.size()) f.none = true;
  return f;
}

// 3202 cursor: (0, "") means "from the start"; otherwise rows strictly after (time, setl_id).
inline bool cursor_at_start(CivilTime after_time, std::string_view after_setl_id) {
  return after_time.s == 0 && after_setl_id.empty();
}

// funds() lists the seven funds of kFunds in that order (zeros for one never written), then any
// other fund name that was written, in name order. `stored` must be sorted by name.
inline std::vector<FundTotals> order_funds(const std::vector<FundTotals>& stored) {
  std::vector<FundTotals> out;
  for (const char* code : kFunds) {
    FundTotals t;
    t.fund = code;
    for (const auto& s : stored)
      if (s.fund == code) t = s;
    out.push_back(std::move(t));
  }
  for (const auto& s : stored) {
    bool known = false;
    for (const char* code : kFunds) known = known || s.fund == code;
    if (!known) out.push_back(s);
  }
  return out;
}

}  // namespace yibao::core::ledger_detail
