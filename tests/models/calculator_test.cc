// The settlement waterfall against the worked examples of DOMAIN.md §4.5 (to the fen), and the
// hot path allocating nothing. The readings of §4.6: calculator_readings_test.cc.
#include "models/calculator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "tests/models/calculator_fixture.h"

// Counts heap allocations while `g_counting` is set (the hot path must make none).
static std::atomic<bool> g_counting{false};
static std::atomic<long> g_allocations{0};
// GCC pairs the inlined replacement new with free() below and warns; the pair is correct.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace yibao::models {
namespace {

// ---- §4.5 worked examples ----

std::vector<PricedLine> example1_lines(const std::function<PricedLine(std::string_view, int64_t, int64_t)>& l) {
  return {l("001102000010000", 2000, 1),   l("XJ01CAA040E001010100001", 3550, 2), l("XR05CBA086A001010100002", 4830, 1),
          l("002503010010000", 8500, 1),   l("XA11JBV001A001010100003", 3000, 1), l("XB01ACL158A001010100004", 12600, 1)};
}

TEST_F(CalculatorTest, WorkedExample1EmployeeOutpatientLevel2) {
  PersonState p = employee();
  p.balc = Fen(15000);
  p.acc.otp_dedc_used = Fen(15000);
  p.acc.otp_pool_paid = Fen(30000);
  p.acc.pool_paid_total = Fen(30000);  // §4.6.18
  const auto lines = example1_lines([](std::string_view c, int64_t f, int64_t n) { return line(c, f, n); });
  const Settlement s = run(p, care(CareKind::kGeneralOutpatient, Level::kLevel2, true), lines);

  EXPECT_EQ(s.medfee_sumamt, Fen(38030));
  EXPECT_EQ(s.overlmt_selfpay, Fen(600));
  EXPECT_EQ(s.preselfpay_amt, Fen(1683));
  EXPECT_EQ(s.fulamt_ownpay_amt, Fen(3000));
  EXPECT_EQ(s.inscp_scp_amt, Fen(32747));
  EXPECT_EQ(s.act_pay_dedc, Fen(5000));
  EXPECT_EQ(s.hifp_pay, Fen(16648));
  EXPECT_EQ(s.pool_ratio, Ratio::percent(60));
  EXPECT_EQ(s.fund_pay_sumamt, Fen(16648));
  EXPECT_EQ(s.psn_part_amt, Fen(21382));
  EXPECT_EQ(s.acct_pay, Fen(15000));
  EXPECT_EQ(s.balc_after, Fen(0));
  EXPECT_EQ(s.psn_cash_pay, Fen(6382));
  // Drug 2 and drug 4 line by line.
  EXPECT_EQ(splits_[2].preselfpay, Fen(483));
  EXPECT_EQ(splits_[2].inscp, Fen(4347));
  EXPECT_EQ(splits_[5].overlmt, Fen(600));
  EXPECT_EQ(splits_[5].preselfpay, Fen(1200));
  EXPECT_EQ(splits_[5].inscp, Fen(10800));
  EXPECT_EQ(splits_[5].price_cap, 120 * kYuanPric);
  EXPECT_EQ(splits_[4].cls, ChargeClass::kC);
  EXPECT_EQ(splits_[4].fulamt_ownpay, Fen(3000));

  Accumulators after = p.acc;
  after += s.delta;
  EXPECT_EQ(after.otp_dedc_used, Fen(20000));
  EXPECT_EQ(after.otp_pool_paid, Fen(46648));
  EXPECT_EQ(after.pool_paid_total, Fen(46648));
  EXPECT_EQ(after.admissions, 0);
  ASSERT_EQ(s.detail_count, 1);
  EXPECT_EQ(s.details[0].layer, FundLayer::kPool);
  EXPECT_EQ(s.details[0].room_before, Fen(170000));
  EXPECT_EQ(setl_proc_info(s, s.details[0], *policy_), "(32747-5000)*6000/10000=16648");
}

TEST_F(CalculatorTest, WorkedExample2ResidentDibaoLevel3Inpatient) {
  const PersonState p = resident(MafGroup::kDibao);
  const std::vector<PricedLine> lines = {
      line("C1403010030300105678", 1200000, 1),  // class C 12,000
      line("C1403010020200101234", 2200000, 1),  // cap 20,000: 2,000 over
      line("XB05AAR010B001010100018", 40000, 150),  // class B 60,000
      line("003306000020000", 3000000, 1),  line("001103000020000", 300000, 20), line("001104000020000", 5000, 40),
      line("002701000010000", 40000, 10),   line("001103000010000", 6000, 20),   line("003306000030000", 6880000, 1)};
  const Settlement s = run(p, care(CareKind::kInpatient, Level::kLevel3), lines);
  EXPECT_EQ(s.medfee_sumamt, Fen::yuan(260000));
  EXPECT_EQ(s.fulamt_ownpay_amt, Fen::yuan(12000));
  EXPECT_EQ(s.overlmt_selfpay, Fen::yuan(2000));
  EXPECT_EQ(s.preselfpay_amt, Fen::yuan(6000));
  EXPECT_EQ(s.inscp_scp_amt, Fen::yuan(240000));
  EXPECT_EQ(s.act_pay_dedc, Fen::yuan(1000));
  EXPECT_EQ(s.hifp_pay, Fen::yuan(150000));
  EXPECT_TRUE(s.pool_capped);
  EXPECT_EQ(s.hifmi_pay, Fen::yuan(51250));
  EXPECT_EQ(s.maf_pay, Fen::yuan(27125));
  EXPECT_EQ(s.hifob_pay, Fen(0));
  EXPECT_EQ(s.fund_pay_sumamt, Fen::yuan(228375));
  EXPECT_EQ(s.psn_cash_pay, Fen::yuan(31625));
  EXPECT_EQ(s.psn_part_amt, Fen::yuan(31625));
  ASSERT_EQ(s.detail_count, 3);
  EXPECT_EQ(s.details[0].layer, FundLayer::kPool);
  EXPECT_EQ(s.details[1].layer, FundLayer::kSeriousIllness);
  EXPECT_EQ(s.details[1].inscp_seen, Fen::yuan(90000));
  EXPECT_EQ(s.details[1].room_before, Fen::yuan(400000));
  EXPECT_EQ(s.details[2].layer, FundLayer::kAssistance);
  EXPECT_EQ(s.details[2].inscp_seen, Fen::yuan(38750));
  EXPECT_EQ(setl_proc_info(s, s.details[1], *policy_), "base 0->9000000 above 1500000: (5000000*6500+2500000*7500)/10000=5125000");
  EXPECT_EQ(s.delta.si_base, Fen::yuan(90000));
  EXPECT_EQ(s.delta.admissions, 1);
  EXPECT_EQ(s.delta.pool_paid_total, Fen::yuan(150000));
}

TEST_F(CalculatorTest, WorkedExample3EmployeeCivilServantSecondAdmission) {
  PersonState p = employee();
  p.cvlserv = true;
  p.balc = Fen::yuan(3000);
  p.acc.admissions = 1;
  p.acc.pool_paid_total = Fen::yuan(92000);
  const std::vector<PricedLine> lines = {
      line("XL01XXT007B001010100020", 12345, 10),   // class C 1,234.50
      line("XJ01DDC153B001010100019", 123456, 10),  // class B 12,345.60
      line("003310000010000", 2500000, 1),  line("001103000010000", 6000, 12), line("001104000020000", 5000, 12),
      line("002701000010000", 40000, 3),    line("C0301010010100102178", 22894, 20)};
  const Settlement s = run(p, care(CareKind::kInpatient, Level::kLevel3, true), lines);
  EXPECT_EQ(s.medfee_sumamt, Fen(4567890));
  EXPECT_EQ(s.fulamt_ownpay_amt, Fen(123450));
  EXPECT_EQ(s.preselfpay_amt, Fen(123456));
  EXPECT_EQ(s.inscp_scp_amt, Fen(4320984));
  EXPECT_EQ(s.act_pay_dedc, Fen(40000));
  EXPECT_EQ(s.pool_eligible, Fen(4280984));
  EXPECT_EQ(s.eligible_under_cap, Fen(941176));
  EXPECT_EQ(s.hifp_pay, Fen(800000));
  EXPECT_EQ(s.above_cap_base, Fen(3339808));
  EXPECT_EQ(s.hifob_pay, Fen(3005827));
  EXPECT_EQ(s.subsidy_base, Fen(515157));
  EXPECT_EQ(s.cvlserv_pay, Fen(309094));
  EXPECT_EQ(s.fund_pay_sumamt, Fen(4114921));
  EXPECT_EQ(s.psn_part_amt, Fen(452969));
  EXPECT_EQ(s.acct_pay, Fen(300000));
  EXPECT_EQ(s.psn_cash_pay, Fen(152969));
  ASSERT_EQ(s.detail_count, 3);
  EXPECT_EQ(fund_layer_code(s.details[0].layer), "POOL");
  EXPECT_EQ(s.details[0].paid, Fen(800000));
  EXPECT_EQ(fund_layer_code(s.details[1].layer), "LARGE");
  EXPECT_EQ(s.details[1].paid, Fen(3005827));
  EXPECT_EQ(fund_layer_code(s.details[2].layer), "CVL");
  EXPECT_EQ(s.details[2].paid, Fen(309094));
  EXPECT_EQ(s.details[2].room_before, kNoCap);
  EXPECT_EQ(setl_proc_info(s, s.details[0], *policy_),
            "(4320984-40000)*8500/10000=3638836; capped at room 800000, under cap 800000*10000/8500=941176, "
            "above-cap base 4280984-941176=3339808");
  EXPECT_EQ(setl_proc_info(s, s.details[2], *policy_), "515157*6000/10000=309094");
}

TEST_F(CalculatorTest, HotPathAllocatesNothing) {
  PersonState p = resident(MafGroup::kDibao);
  std::vector<PricedLine> lines;
  for (int i = 0; i < 10; ++i) lines.push_back(line(i % 2 ? "XB05AAR010B001010100018" : "C1403010020200101234", 2200000, 1));
  std::vector<LineSplit> out(lines.size());
  Settlement s;
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 100; ++i) {
    p.acc.admissions = i % 4;
    const Status st = settle(*policy_, p, care(CareKind::kInpatient, Level::kLevel3, true), lines, out, s);
    if (!st.ok()) break;
  }
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0);
  EXPECT_GT(s.fund_pay_sumamt, Fen(0));
}

}  // namespace
}  // namespace yibao::models
