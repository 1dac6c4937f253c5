// Internals shared by rules.cc (line rules, outcome) and rules_rx.cc (visit rules). Not part of the
// API: include models/rules.h instead. Same thread-safety as rules.h (pure functions).
#pragma once

#include <span>
#include <string_view>

#include "models/rules.h"

namespace yibao::models::rules_detail {

// The passes without the reset, so a pharmacy sale can run both on one outcome.
void line_pass(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
               RuleOutcome& out);
void visit_pass(const RuleParams& params, const RuleContext& ctx, std::span<const RuleLine> lines,
                const RuleHistory& history, RuleOutcome& out);

// 2101/2102 (set by the caller, or implied by med_type "41").
inline bool is_pharmacy(const RuleContext& ctx) { return ctx.pharmacy || ctx.med_type == "41"; }
// med_type 21..28.
inline bool is_inpatient(const RuleContext& ctx) { return !ctx.med_type.empty() && ctx.med_type[0] == '2'; }
// The line's prescription number, or the request's.
inline std::string_view effective_rxno(const RuleContext& ctx, const RuleLine& line) {
  return line.rxno.empty() ? ctx.rxno : line.rxno;
}

// A hit about line i.
inline RuleHit line_hit(RuleId rule, RuleAction action, std::span<const RuleLine> lines, size_t i,
                        const RuleContext& ctx, int64_t value = 0, int64_t limit = 0) {
  const RuleLine& l = lines[i];
  RuleHit h;
  h.rule = rule;
  h.action = action;
  h.line = static_cast<int32_t>(i);
  h.feedetl_sn = l.feedetl_sn;
  h.rxno = effective_rxno(ctx, l);
  h.code = l.item != nullptr ? std::string_view(l.item->code) : l.code;
  h.value = value;
  h.limit = limit;
  return h;
}

// Sets line i's verdict if it is stronger than the one it has. Whole-line self-pay takes the
// whole cnt and amount; a split takes `selfpay_cnt` of it.
inline void decide(RuleOutcome& out, std::span<const RuleLine> lines, size_t i, RuleVerdict verdict, RuleId rule,
                   int64_t selfpay_cnt = 0, Fen selfpay_amount = Fen()) {
  RuleLineDecision& d = out.lines[i];
  if (verdict <= d.verdict) return;
  d.verdict = verdict;
  d.rule = rule;
  if (verdict == RuleVerdict::kSelfPay) {
    d.selfpay_cnt = lines[i].cnt;
    d.selfpay_amount = lines[i].amount;
  } else if (verdict == RuleVerdict::kSplit) {
    d.selfpay_cnt = selfpay_cnt;
    d.selfpay_amount = selfpay_amount;
  } else {
    d.selfpay_cnt = 0;
    d.selfpay_amount = Fen();
  }
}

// Records the call's refusal (only the first one counts).
inline void refuse(RuleOutcome& out, const RuleHit& hit) {
  if (out.refused) return;
  out.refused = true;
  out.refusal = hit;
  out.refusal.action = RuleAction::kReject;
}

}  // namespace yibao::models::rules_detail
