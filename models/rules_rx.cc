// Visit rules of models/rules.h, run at pre-settle and settle: RX5, SAMECLASS, DAYS, OTC60 (the
// refusals, in catalogue order), then CAUSE, RX500, REFILL, REPEAT.
//
// Prescription grouping gives each rxno and ATC-4 class a dense id (a small hash table, one string
// comparison per line), then sorts (rx id, class id, item, line) keys in the outcome's reusable
// scratch: one rxno is a run, one class a sub-run, one item's lines adjacent inside it.
// Herbs (TCM decoction pieces) are not counted by RX5 or SAMECLASS: a decoction is one
// prescription of many pieces. Inpatient lines are prescriptions only as discharge drugs.
#include <algorithm>

#include "models/rules.h"
#include "models/rules_internal.h"

namespace yibao::models::rules_detail {
namespace {

bool live(const RuleOutcome& out, const RuleLine& l, size_t i) {
  return l.item != nullptr && out.lines[i].verdict != RuleVerdict::kReject;
}

// A line that belongs to a prescription: it has an rxno and, in a stay, is a discharge drug.
bool on_rx(const RuleContext& ctx, const RuleLine& l, bool inpatient) {
  return !effective_rxno(ctx, l).empty() && (!inpatient || l.dscg_drug);
}

// Counted by RX5 and SAMECLASS: western and patent drugs.
bool counted_drug(const Item* it) {
  return it->kind == ItemKind::kDrugWestern || it->kind == ItemKind::kDrugPatent;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// Dense ids 1, 2, ... for distinct strings, in order of first appearance: an open-addressing table
// of at least twice as many slots as strings (a power of two), so a lookup is one hash and, on a
// hit, one string comparison. `get(line)` returns the string a slot's line holds.
class DenseIds {
 public:
  DenseIds(std::vector<RuleScratch::Slot>& slots, size_t n) : slots_(slots) {
    size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    slots_.assign(cap, RuleScratch::Slot{});
    mask_ = cap - 1;
  }
  template <typename Get>
  uint32_t id(std::string_view s, uint32_t line, Get get) {
    const uint64_t h = fnv1a(s);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      RuleScratch::Slot& slot = slots_[i];
      if (slot.id == 0) {
        slot = RuleScratch::Slot{h, ++next_, line};
        return slot.id;
      }
      if (slot.hash == h && get(slot.line) == s) return slot.id;
    }
  }

 private:
  std::vector<RuleScratch::Slot>& slots_;
  size_t mask_ = 0;
  uint32_t next_ = 0;
};

// Fills out.scratch.keys with the prescription lines, sorted into runs.
void sort_rx_lines(const RuleContext& ctx, std::span<const RuleLine> lines, bool inpatient, RuleOutcome& out) {
  std::vector<RuleScratch::Key>& keys = out.scratch.keys;
  keys.clear();
  {
    DenseIds rx_ids(out.scratch.slots, lines.size());
    const auto rx_of = [&](uint32_t j) { return effective_rxno(ctx, lines[j]); };
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!live(out, lines[i], i) || !on_rx(ctx, lines[i], inpatient)) continue;
      const auto line = static_cast<uint32_t>(i);
      keys.push_back(RuleScratch::Key{rx_ids.id(rx_of(line), line, rx_of), 0, lines[i].item, line});
    }
  }
  if (keys.size() < 2) return;
  DenseIds cls_ids(out.scratch.slots, keys.size());
  const auto cls_of = [&](uint32_t j) { return std::string_view(lines[j].item->atc4); };
  for (RuleScratch::Key& k : keys) {
    if (!k.item->atc4.empty()) k.cls = cls_ids.id(cls_of(k.line), k.line, cls_of);
  }
  std::sort(keys.begin(), keys.end(), [](const RuleScratch::Key& a, const RuleScratch::Key& b) {
    if (a.rx != b.rx) return a.rx < b.rx;
    if (a.cls != b.cls) return a.cls < b.cls;
    if (a.item != b.item) return a.item < b.item;
    return a.line < b.line;
  });
}

// RX5 and SAMECLASS over the sorted runs; the refusal is the breach whose first line comes first.
void check_rx_counts(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                     RuleOutcome& out) {
  const std::vector<RuleScratch::Key>& keys = out.scratch.keys;
  RuleHit rx5;
  RuleHit same;
  bool have_rx5 = false;
  bool have_same = false;
  size_t g = 0;
  while (g < keys.size()) {
    const uint32_t rx = keys[g].rx;
    size_t end = g;
    int64_t drugs = 0;
    uint32_t rx_first = keys[g].line;
    while (end < keys.size() && keys[end].rx == rx) {
      // A sub-run of one class (cls 0: no class).
      const uint32_t cls = keys[end].cls;
      size_t c = end;
      int64_t in_class = 0;
      uint32_t class_first = keys[end].line;
      const Item* prev = nullptr;
      for (; c < keys.size() && keys[c].rx == rx && keys[c].cls == cls; ++c) {
        const Item* it = keys[c].item;
        if (counted_drug(it) && it != prev) {  // one item's lines are adjacent: count it once
          ++in_class;
          prev = it;
        }
        class_first = std::min(class_first, keys[c].line);
      }
      drugs += in_class;
      rx_first = std::min(rx_first, class_first);
      if (cls != 0 && in_class > params.max_same_class_per_rx &&
          (!have_same || static_cast<int32_t>(class_first) < same.line)) {
        same = line_hit(RuleId::kSameClass, RuleAction::kReject, lines, class_first, ctx, in_class,
                        params.max_same_class_per_rx);
        same.code = lines[class_first].item->atc4;
        have_same = true;
      }
      end = c;
    }
    if (drugs > params.max_drugs_per_rx && (!have_rx5 || static_cast<int32_t>(rx_first) < rx5.line)) {
      rx5 = line_hit(RuleId::kRx5, RuleAction::kReject, lines, rx_first, ctx, drugs, params.max_drugs_per_rx);
      rx5.code = {};
      have_rx5 = true;
    }
    g = end;
  }
  if (have_rx5) {
    refuse(out, rx5);
  } else if (have_same) {
    refuse(out, same);
  }
}

// RX500 over the sorted runs.
void check_rx_totals(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                     RuleOutcome& out) {
  if (ctx.visit_approved) return;
  const std::vector<RuleScratch::Key>& keys = out.scratch.keys;
  size_t g = 0;
  while (g < keys.size()) {
    const uint32_t rx = keys[g].rx;
    Fen total;
    bool approved = false;
    uint32_t first = keys[g].line;
    size_t end = g;
    for (; end < keys.size() && keys[end].rx == rx; ++end) {
      const RuleLine& l = lines[keys[end].line];
      total += l.amount;
      approved = approved || l.hosp_appr;  // an approval on any line covers the prescription
      first = std::min(first, keys[end].line);
    }
    if (!approved && total > params.approval_rx_total) {
      RuleHit h = line_hit(RuleId::kRx500, RuleAction::kWarn, lines, first, ctx, total.v, params.approval_rx_total.v);
      h.code = {};
      out.notices.push_back(h);
    }
    g = end;
  }
}

// DAYS. Returns false when it refused the call.
bool check_days(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                RuleOutcome& out) {
  bool listed = false;
  bool listed_known = false;  // the filing scan runs only if some line states a supply
  for (size_t i = 0; i < lines.size(); ++i) {
    const RuleLine& l = lines[i];
    if (!live(out, l, i) || l.prd_days <= 0 || !l.item->is_drug()) continue;
    if (!listed_known) {
      listed = has_listed_chronic_filing(params, ctx.filings, ctx.care_time.date());
      listed_known = true;
    }
    const int32_t limit = supply_limit_days(params, ctx, listed, l.dscg_drug, !effective_rxno(ctx, l).empty());
    if (limit <= 0 || l.prd_days <= limit) continue;
    if (params.supply_action == SupplyAction::kReject) {
      refuse(out, line_hit(RuleId::kDays, RuleAction::kReject, lines, i, ctx, l.prd_days, limit));
      return false;
    }
    // SELF_PAY: cnt × excess days ÷ days, rounded once; the amount follows the price.
    const int64_t excess = l.prd_days - limit;
    const int64_t x = div_round(static_cast<Int128>(l.cnt) * excess, l.prd_days);
    if (x <= 0) continue;  // a quantity too small to split
    if (x >= l.cnt) {
      decide(out, lines, i, RuleVerdict::kSelfPay, RuleId::kDays);
    } else {
      Fen part = line_amount(l.pric, x);
      part = std::clamp(part, Fen(), max(l.amount, Fen()));
      decide(out, lines, i, RuleVerdict::kSplit, RuleId::kDays, x, part);
    }
    out.notices.push_back(line_hit(RuleId::kDays, RuleAction::kSelfPay, lines, i, ctx, l.prd_days, limit));
  }
  return true;
}

// OTC60: the OTC lines of a pharmacy sale that are not on a prescription. False when refused.
bool check_otc(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
               RuleOutcome& out) {
  if (!is_pharmacy(ctx)) return true;
  Fen total;
  int64_t first = -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    const RuleLine& l = lines[i];
    if (!live(out, l, i) || !l.item->otc || !effective_rxno(ctx, l).empty()) continue;
    total += l.amount;
    if (first < 0) first = static_cast<int64_t>(i);
  }
  if (first < 0 || total <= params.otc_max_purchase) return true;
  RuleHit h = line_hit(RuleId::kOtc60, RuleAction::kReject, lines, static_cast<size_t>(first), ctx, total.v,
                       params.otc_max_purchase.v);
  h.line = -1;  // the purchase as a whole
  h.feedetl_sn = {};
  h.code = {};
  refuse(out, h);
  return false;
}

// CAUSE: confirmed → every line self-pay; suspected → a review flag.
void check_cause(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                 RuleOutcome& out) {
  const bool confirmed = ctx.trum_flag == 2 || ctx.rel_ttp_flag == 2;
  const bool suspected = ctx.trum_flag == 1 || ctx.rel_ttp_flag == 1;
  if (!confirmed && !suspected) return;
  Fen total;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!live(out, lines[i], i)) continue;
    total += lines[i].amount;
    if (confirmed) decide(out, lines, i, RuleVerdict::kSelfPay, RuleId::kCause);
  }
  RuleHit h;
  h.rule = RuleId::kCause;
  h.action = confirmed ? RuleAction::kSelfPay : RuleAction::kFlag;
  h.value = total.v;
  h.limit = params.manual_review_amount.v;
  out.notices.push_back(h);
  if (!confirmed && total >= params.manual_review_amount) out.batch_review = true;
}

bool same_drug(const RuleSupply& s, const Item& it) {
  return s.code == it.code || (!s.atc4.empty() && s.atc4 == it.atc4);
}

// REFILL and REPEAT, one FLAG per line at most for each.
void check_history(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                   const RuleHistory& history, bool inpatient, RuleOutcome& out) {
  if (history.supplies.empty() && history.same_day.empty()) return;
  const CivilDate today = ctx.care_time.date();
  const int64_t num = std::max<int32_t>(params.early_refill_num, 0);
  const int64_t den = std::max<int32_t>(params.early_refill_den, 1);
  for (size_t i = 0; i < lines.size(); ++i) {
    const RuleLine& l = lines[i];
    if (!live(out, l, i)) continue;
    const Item& it = *l.item;
    const bool rx_drug = it.is_drug() && on_rx(ctx, l, inpatient);
    if (rx_drug) {
      for (const RuleSupply& s : history.supplies) {
        const int64_t elapsed = today.days - s.date.days;
        // Early when less than num/den of the previous supply has elapsed.
        if (s.days <= 0 || elapsed < 0 || elapsed * den >= s.days * num || !same_drug(s, it)) continue;
        const int64_t from_day = (s.days * num + den - 1) / den;
        out.notices.push_back(line_hit(RuleId::kRefill, RuleAction::kFlag, lines, i, ctx, elapsed, from_day));
        break;
      }
    }
    if (rx_drug || it.kind == ItemKind::kExam) {
      for (std::string_view code : history.same_day) {
        if (code == it.code) {
          out.notices.push_back(line_hit(RuleId::kRepeat, RuleAction::kFlag, lines, i, ctx));
          break;
        }
      }
    }
  }
}

}  // namespace

void visit_pass(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                const RuleHistory& history, RuleOutcome& out) {
  const bool inpatient = is_inpatient(ctx);
  sort_rx_lines(ctx, lines, inpatient, out);
  check_rx_counts(params, ctx, lines, out);
  if (out.refused) return;
  if (!check_days(params, ctx, lines, out)) return;
  if (!check_otc(params, ctx, lines, out)) return;
  check_cause(params, ctx, lines, out);
  check_rx_totals(params, ctx, lines, out);
  check_history(params, ctx, lines, history, inpatient, out);
}

}  // namespace yibao::models::rules_detail
