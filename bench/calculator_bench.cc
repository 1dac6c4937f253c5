// Settlements per second of the calculator (models/calculator.h) on lines already resolved
// against the catalogue, at 1, 10 and 100 fee lines, single thread. The loop builds no strings
// and allocates nothing (the counter allocs_per_settlement proves it: it must read 0).
//
//   ninja -C build bench/calculator_bench && build/bench/calculator_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "models/calculator.h"
#include "models/catalog_yaml.h"
#include "models/policy.h"
#include "models/rules.h"
#include "models/rng.h"

// Counts every heap allocation (the hot loop must make none).
static std::atomic<long> g_allocations{0};
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

using namespace yibao;
using namespace yibao::models;

// A varied mix of visits, so branch prediction does not see one visit over and over.
struct Visit {
  PersonState person;
  CareContext care;
  std::vector<PricedLine> lines;
};

const Catalog& catalog() {
  static const Catalog c = [] {
    auto r = load_catalog(std::string(YB_MODELS_DATA_DIR) + "/catalog_fixture.yaml");
    if (!r.ok()) std::abort();
    Catalog cat = std::move(*r);
    cat.add_generated(2000, 1);
    return cat;
  }();
  return c;
}

std::vector<Visit> make_visits(int lines_per_visit) {
  const Catalog& cat = catalog();
  Rng rng(2020, stream_id("calculator.bench"), static_cast<uint64_t>(lines_per_visit));
  std::vector<Visit> visits(256);
  for (Visit& v : visits) {
    const bool employee = rng.bernoulli(0.5);
    v.person.insutype = employee ? Insutype::kEmployee : Insutype::kResident;
    v.person.psn_type = employee ? (rng.bernoulli(0.3) ? PsnType::kEmployeeRetired : PsnType::kEmployeeActive)
                                 : PsnType::kResident;
    v.person.cvlserv = employee && rng.bernoulli(0.1);
    v.person.maf_group = rng.bernoulli(0.1) ? static_cast<MafGroup>(1 + rng.below(4)) : MafGroup::kNone;
    v.person.balc = Fen(rng.between(0, 300000));
    v.person.acc.pool_paid_total = Fen(rng.between(0, 8000000));
    v.person.acc.otp_pool_paid = Fen(rng.between(0, 150000));
    v.person.acc.otp_dedc_used = Fen(rng.between(0, 20000));
    v.person.acc.si_base = employee ? Fen(0) : Fen(rng.between(0, 3000000));
    v.person.acc.admissions = static_cast<int32_t>(rng.below(3));
    const uint64_t k = rng.below(10);
    v.care.kind = k < 6 ? CareKind::kGeneralOutpatient : k < 7 ? CareKind::kChronic : k < 9 ? CareKind::kInpatient
                                                                                     : CareKind::kPharmacyRx;
    v.care.level = static_cast<Level>(rng.below(5));
    v.care.chronic_filing = true;
    v.care.acct_used = rng.bernoulli(0.7);
    v.care.geography = rng.bernoulli(0.9) ? Geography::kLocal : Geography::kInProvince;
    for (int i = 0; i < lines_per_visit; ++i) {
      PricedLine l;
      l.item = &cat.at(static_cast<uint32_t>(rng.below(cat.size())));
      l.pric = rng.between(100, 50000) * 10000;
      l.cnt = rng.between(1, 10) * 10000;
      l.amount = line_amount(l.pric, l.cnt);
      l.approved = rng.bernoulli(0.8);
      v.lines.push_back(l);
    }
  }
  return visits;
}

void BM_Settle(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const PolicySet policy = default_policy();
  const std::vector<Visit> visits = make_visits(n);
  std::vector<LineSplit> out(static_cast<size_t>(n));
  Settlement s;
  size_t i = 0;
  const long allocs_before = g_allocations.load();
  for (auto _ : state) {
    const Visit& v = visits[i++ & 255];
    const Status st = settle(policy, v.person, v.care, v.lines, out, s);
    benchmark::DoNotOptimize(st.ok());
    benchmark::DoNotOptimize(s.psn_cash_pay);
  }
  const long allocs = g_allocations.load() - allocs_before;
  state.SetItemsProcessed(state.iterations());  // items_per_second = settlements per CPU second
  state.counters["allocs_per_settlement"] =
      static_cast<double>(allocs) / static_cast<double>(state.iterations() ? state.iterations() : 1);
}
BENCHMARK(BM_Settle)->Arg(1)->Arg(10)->Arg(100);

// The same settlements with the real-time rules on, as the core runs them at settle: the visit
// rules over the lines first (a reused RuleOutcome), then the calculator. Refused visits count
// too (the rules' work was done).
void BM_SettleWithRules(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const PolicySet policy = default_policy();
  const std::vector<Visit> visits = make_visits(n);
  // One prescription per 5 lines, so RX5 passes and the rules do their whole work.
  std::vector<std::string> rxnos;
  for (int j = 0; j < n; j += 5) rxnos.push_back("R" + std::to_string(j / 5));
  std::vector<std::vector<RuleLine>> rule_lines(visits.size());
  for (size_t k = 0; k < visits.size(); ++k)
    for (int j = 0; j < n; ++j) {
      const PricedLine& p = visits[k].lines[static_cast<size_t>(j)];
      RuleLine r;
      r.item = p.item;
      r.code = p.item->code;
      r.rxno = rxnos[static_cast<size_t>(j / 5)];
      r.pric = p.pric;
      r.cnt = p.cnt;
      r.amount = p.amount;
      r.prd_days = 3;
      r.hosp_appr = p.approved;
      rule_lines[k].push_back(r);
    }
  RuleContext ctx;
  ctx.med_type = "11";
  ctx.sex = 1;
  ctx.age_years = 45;
  std::vector<LineSplit> out(static_cast<size_t>(n));
  RuleOutcome rules;
  Settlement s;
  size_t i = 0;
  int64_t refused = 0;
  for (auto _ : state) {
    const size_t k = i++ & 255;
    run_visit_rules(policy.rules, ctx, rule_lines[k], {}, rules);
    if (rules.refused) {
      ++refused;
      continue;
    }
    const Status st = settle(policy, visits[k].person, visits[k].care, visits[k].lines, out, s);
    benchmark::DoNotOptimize(st.ok());
    benchmark::DoNotOptimize(s.psn_cash_pay);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["refused_share"] =
      static_cast<double>(refused) / static_cast<double>(state.iterations() ? state.iterations() : 1);
}
BENCHMARK(BM_SettleWithRules)->Arg(1)->Arg(10)->Arg(100);

// Rendering the setl_proc_info text of every row, off the hot path, for comparison.
void BM_RenderProcInfo(benchmark::State& state) {
  const PolicySet policy = default_policy();
  const std::vector<Visit> visits = make_visits(10);
  std::vector<LineSplit> out(10);
  std::vector<Settlement> settled(visits.size());
  for (size_t k = 0; k < visits.size(); ++k)
    if (!settle(policy, visits[k].person, visits[k].care, visits[k].lines, out, settled[k]).ok()) std::abort();
  size_t i = 0;
  for (auto _ : state) {
    const Settlement& s = settled[i++ & 255];
    for (const FundDetail& d : s.fund_details()) benchmark::DoNotOptimize(setl_proc_info(s, d, policy));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderProcInfo);

}  // namespace

BENCHMARK_MAIN();
