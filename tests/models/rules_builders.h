// Builders for the rules tests (rules_test.cc, rules_rx_test.cc): items made in the test, not
// read from the catalogue fixture. A Visit owns every item and string its RuleLines point to.
// Not thread-safe; one per test.
#pragma once

#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/money.h"
#include "models/rules.h"

namespace yibao::models::testing {

inline constexpr int64_t kYuanPric = kPricPerYuan;  // pric of ¥1 (millionths)
inline constexpr int64_t kOneUnit = kCntPerUnit;    // cnt of 1 unit (ten-thousandths)

inline Item make_item(std::string code, ItemKind kind = ItemKind::kDrugWestern, std::string atc4 = {}) {
  Item it;
  it.code = std::move(code);
  it.name = it.code;
  it.kind = kind;
  it.atc4 = std::move(atc4);
  return it;
}

class Visit {
 public:
  // Adds an item; the pointer stays valid for the Visit's life.
  Item* item(Item it) {
    items_.push_back(std::move(it));
    return &items_.back();
  }
  Item* drug(std::string code, std::string atc4 = {}) { return item(make_item(std::move(code), ItemKind::kDrugWestern, std::move(atc4))); }

  // Adds a line of `units` whole units at `yuan_price` (¥) each, amount round(pric × cnt).
  RuleLine& line(const Item* it, std::string_view rxno = {}, int64_t yuan_price = 10, int64_t units = 1) {
    RuleLine l;
    l.item = it;
    l.code = it != nullptr ? std::string_view(it->code) : keep("UNMAPPED");
    l.feedetl_sn = keep(std::to_string(lines_.size() + 1));
    l.rxno = rxno.empty() ? std::string_view() : keep(std::string(rxno));
    l.pric = yuan_price * kYuanPric;
    l.cnt = units * kOneUnit;
    l.amount = line_amount(l.pric, l.cnt);
    l.fee_time = make_time(2020, 5, 8, 9, 30);
    lines_.push_back(l);
    return lines_.back();
  }
  // Sets pric and cnt in raw wire units and recomputes the amount.
  static void set_qty(RuleLine& l, int64_t pric, int64_t cnt) {
    l.pric = pric;
    l.cnt = cnt;
    l.amount = line_amount(pric, cnt);
  }

  std::string_view keep(std::string s) {
    strings_.push_back(std::move(s));
    return strings_.back();
  }
  std::vector<RuleLine>& lines() { return lines_; }
  std::span<const RuleLine> span() const { return lines_; }

 private:
  std::deque<Item> items_;
  std::deque<std::string> strings_;
  std::vector<RuleLine> lines_;
};

// An outpatient context on 2020-05-08 for a 40-year-old man.
inline RuleContext outpatient(std::string_view med_type = "11") {
  RuleContext c;
  c.med_type = med_type;
  c.sex = 1;
  c.age_years = 40;
  c.care_time = make_time(2020, 5, 8, 9, 0);
  return c;
}

inline RuleParams params_with_list() {
  RuleParams p;
  p.chronic_list = {"C", "E11.2", "I25", "D68.0"};
  return p;
}

inline Filing chronic_filing(std::string icd10, CivilDate begin = make_date(2020, 1, 1),
                             CivilDate end = CivilDate{INT32_MAX}) {
  Filing f;
  f.id = "F1";
  f.psn_no = "P1";
  f.type = FilingType::kChronic;
  f.dise_codg = std::move(icd10);
  f.begin = begin;
  f.end = end;
  return f;
}

// Hits of one rule among the notices.
inline std::vector<RuleHit> notices_of(const RuleOutcome& o, RuleId rule) {
  std::vector<RuleHit> v;
  for (const RuleHit& h : o.notices)
    if (h.rule == rule) v.push_back(h);
  return v;
}

}  // namespace yibao::models::testing
