// Rule evaluation per visit (models/rules.h) at 10 and 100 fee lines: the line pass (fee upload),
// the visit pass (pre-settle / settle) and both, on a reused RuleOutcome as the core would hold one
// per worker. The visit is clean but realistic: prescriptions of 4 drugs each with days' supply,
// tests, services, consented class C items, approved restricted drugs, a chronic filing, and a
// history of 8 earlier supplies and 4 same-day items, so every rule does its full scan.
//
// Run: build-rules/bench/rules_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "models/policy.h"
#include "models/rules.h"

namespace yibao::models {
namespace {

struct BenchVisit {
  std::vector<Item> items;
  std::vector<std::string> strings;
  std::vector<RuleLine> lines;
  std::vector<Filing> filings;
  std::vector<RuleSupply> supplies;
  std::vector<std::string_view> same_day;
  RuleParams params;
  RuleContext ctx;
  RuleHistory history;
};

std::string numbered(const char* prefix, int i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

BenchVisit make_visit(int n_lines) {
  BenchVisit v;
  v.items.reserve(static_cast<size_t>(n_lines));
  v.strings.reserve(static_cast<size_t>(2 * n_lines + 8));
  for (int i = 0; i < n_lines; ++i) {
    Item it;
    it.code = numbered("XM", 100000 + i);
    switch (i % 5) {
      case 0:
      case 1:
      case 2:
      case 3:  // drugs, 4 per prescription, each of its own ATC-4 class but two
        it.kind = (i % 2) ? ItemKind::kDrugWestern : ItemKind::kDrugPatent;
        it.atc4 = numbered("C0", (i % 4 == 3) ? 2 : i % 40);
        it.restricted = (i % 7 == 0);
        it.otc = (i % 3 == 0);
        break;
      case 4:
        it.kind = (i % 10 == 4) ? ItemKind::kExam : ItemKind::kService;
        it.cls = (i % 20 == 9) ? ChargeClass::kC : ChargeClass::kA;
        it.max_age = 120;
        break;
    }
    v.items.push_back(std::move(it));
  }
  for (int i = 0; i < n_lines; ++i) {
    const Item& it = v.items[static_cast<size_t>(i)];
    RuleLine l;
    l.item = &it;
    l.code = it.code;
    v.strings.push_back(std::to_string(i + 1));
    l.feedetl_sn = v.strings.back();
    if (it.is_drug()) {
      v.strings.push_back(numbered("RX", i / 5));
      l.rxno = v.strings.back();
      l.prd_days = 5 + i % 10;  // within the chronic visit's 15 days
    }
    l.pric = (12 + i % 40) * kPricPerYuan;
    l.cnt = (1 + i % 3) * kCntPerUnit;
    l.amount = line_amount(l.pric, l.cnt);
    l.hosp_appr = it.restricted;
    l.selfpay_consent = it.cls == ChargeClass::kC;
    l.fee_time = make_time(2020, 5, 8, 9, 30);
    v.lines.push_back(l);
  }
  v.params.chronic_list = default_chronic_list();  // the fixture §5.2 list (49 prefixes)
  Filing f;
  f.type = FilingType::kChronic;
  f.dise_codg = "I25.1";
  f.begin = make_date(2020, 1, 1);
  v.filings.push_back(f);
  for (int k = 0; k < 8; ++k) {
    // Old supplies (≥ 2/3 used) of drugs on this visit, and of other classes.
    v.supplies.push_back(RuleSupply{v.items[static_cast<size_t>(k % n_lines)].code, "N05BA",
                                    make_date(2020, 3, 1 + k), 30});
  }
  v.same_day = {"ZZ001", "ZZ002", "ZZ003", "ZZ004"};
  v.ctx.med_type = "14";
  v.ctx.sex = 2;
  v.ctx.age_years = 63;
  v.ctx.care_time = make_time(2020, 5, 8, 9, 0);
  v.ctx.filings = v.filings;
  v.history.supplies = v.supplies;
  v.history.same_day = v.same_day;
  return v;
}

void check_clean(const RuleOutcome& out, benchmark::State& state) {
  if (out.refused) state.SkipWithError(rule_message(out.refusal).c_str());
}

void BM_LineRules(benchmark::State& state) {
  const BenchVisit v = make_visit(static_cast<int>(state.range(0)));
  RuleOutcome out;
  for (auto _ : state) {
    run_line_rules(v.params, v.ctx, v.lines, out);
    benchmark::DoNotOptimize(out.notices.data());
  }
  check_clean(out, state);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_VisitRules(benchmark::State& state) {
  const BenchVisit v = make_visit(static_cast<int>(state.range(0)));
  RuleOutcome out;
  for (auto _ : state) {
    run_visit_rules(v.params, v.ctx, v.lines, v.history, out);
    benchmark::DoNotOptimize(out.notices.data());
  }
  check_clean(out, state);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Both passes: what a visit costs with the rules on (upload once, settle once).
void BM_AllRules(benchmark::State& state) {
  const BenchVisit v = make_visit(static_cast<int>(state.range(0)));
  RuleOutcome upload;
  RuleOutcome settle;
  for (auto _ : state) {
    run_line_rules(v.params, v.ctx, v.lines, upload);
    run_visit_rules(v.params, v.ctx, v.lines, v.history, settle);
    benchmark::DoNotOptimize(upload.notices.data());
    benchmark::DoNotOptimize(settle.notices.data());
  }
  check_clean(settle, state);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_LineRules)->Arg(10)->Arg(100);
BENCHMARK(BM_VisitRules)->Arg(10)->Arg(100);
BENCHMARK(BM_AllRules)->Arg(10)->Arg(100);

}  // namespace
}  // namespace yibao::models

BENCHMARK_MAIN();
