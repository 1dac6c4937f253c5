// Property test: ≥ 10,000 seeded random visits across schemes, levels, kinds, groups and
// accumulators near their caps. I1-I8 of DOMAIN.md §4.2 hold exactly, nothing is negative, no
// cap is exceeded, and cancelling every settlement in a random order restores the opening
// accumulators and balances.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "models/calculator.h"
#include "models/catalog_yaml.h"
#include "models/policy_yaml.h"
#include "models/rng.h"

namespace yibao::models {
namespace {

struct Fixture {
  Catalog catalog;
  std::vector<PolicySet> policies;
};

Fixture load() {
  Fixture f;
  auto c = load_catalog(std::string(YB_MODELS_DATA_DIR) + "/catalog_fixture.yaml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  f.catalog = std::move(*c);
  f.catalog.add_generated(300, 7);
  f.policies.push_back(default_policy());
  // A second set with other numbers: a finite last band, an enterprise share, odd ratios.
  auto p = parse_policy_set(R"(
id: variant
version: 3
effective_from: 2021-01-01
class_b_share: 15.5
readmission_share: [100, 33.33, 10]
employee:
  inpatient: {level3: {deductible: 777.77, in_service: 83.33, retired: 86.67}}
  pooled_cap: 30000
  large_amount: {ratio: 87.5, cap: 20000}
  enterprise_share: 45
  outpatient: {cap: {in_service: 333.33, retired: 444.44}, deductible: {in_service: 123.45}}
  chronic: {cap: 777}
resident:
  pooled_cap: 20000
  outpatient: {cap: 99.99, ratios: {level3: 12.34}}
serious_illness:
  deductible: 3333.33
  bands: [{width: 5000, ratio: 55.55}, {width: 7000, ratio: 66.66}]
  cap: 9999.99
assistance: {cap: 1234.56, shares: {DS: 61.11}}
out_of_area: {deductible_multiplier: {in_province: 1.3333, cross_province: 2.5}}
)",
                            "variant");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  f.policies.push_back(std::move(*p));
  return f;
}

Fen near(Rng& rng, Fen cap) {
  const uint64_t k = rng.below(10);
  if (k < 4) return Fen(0);
  if (k < 7) return Fen(rng.between(0, cap.v));
  if (k < 9) return clamp_non_negative(cap - Fen(rng.between(0, 50000)));  // just under the cap
  return cap;
}

PersonState random_person(Rng& rng, const PolicySet& p) {
  PersonState s;
  const bool employee = rng.bernoulli(0.5);
  s.insutype = employee ? Insutype::kEmployee : Insutype::kResident;
  s.psn_type = employee ? (rng.bernoulli(0.3) ? PsnType::kEmployeeRetired : PsnType::kEmployeeActive) : PsnType::kResident;
  s.cvlserv = employee && rng.bernoulli(0.3);
  s.hifes = employee && rng.bernoulli(0.3);
  s.maf_group = static_cast<MafGroup>(rng.below(5));
  s.balc = rng.bernoulli(0.2) ? Fen(0) : Fen(rng.between(0, 500000));
  s.mulaid_balc = rng.bernoulli(0.5) ? Fen(0) : Fen(rng.between(0, 300000));
  Accumulators& a = s.acc;
  const Fen pooled = employee ? p.employee.pooled_cap : p.resident.pooled_cap;
  a.pool_paid_total = near(rng, pooled);
  a.otp_pool_paid = min(a.pool_paid_total, near(rng, employee ? p.employee.otp_cap_retired : p.resident.otp_cap));
  a.chronic_pool_paid = employee ? min(a.pool_paid_total, near(rng, p.employee.chronic_cap)) : Fen(0);
  a.otp_dedc_used = employee ? near(rng, p.employee.otp_deductible_in_service) : Fen(0);
  a.large_paid = employee ? near(rng, p.employee.large_cap) : Fen(0);
  a.si_base = employee ? Fen(0) : near(rng, Fen::yuan(200000));
  a.si_paid = employee ? Fen(0) : near(rng, p.serious_illness.cap);
  a.maf_paid = near(rng, p.assistance.cap);
  a.admissions = static_cast<int32_t>(rng.below(5));
  return s;
}

CareContext random_care(Rng& rng) {
  CareContext c;
  c.kind = static_cast<CareKind>(1 + rng.below(6));
  c.level = static_cast<Level>(rng.below(5));  // village .. level 3
  if (c.kind == CareKind::kPharmacyRx || c.kind == CareKind::kPharmacyOtc) c.level = Level::kPharmacy;
  c.geography = rng.bernoulli(0.7) ? Geography::kLocal : static_cast<Geography>(1 + rng.below(2));
  c.filing_case = static_cast<FilingCase>(rng.below(5));
  c.chronic_filing = rng.bernoulli(0.5);
  c.acct_used = rng.bernoulli(0.7);
  return c;
}

std::vector<PricedLine> random_lines(Rng& rng, const Catalog& cat) {
  std::vector<PricedLine> lines(rng.below(13));
  for (PricedLine& l : lines) {
    l.item = &cat.at(static_cast<uint32_t>(rng.below(cat.size())));
    // Prices from 0.01 to 50,000 yuan, skewed small; near a cap now and then.
    const int64_t fen = rng.bernoulli(0.8) ? rng.between(1, 20000) : rng.between(1, 5000000);
    l.pric = fen * 10000 + (rng.bernoulli(0.2) ? rng.between(0, 9999) : 0);
    if (l.item->price_cap > 0 && rng.bernoulli(0.5)) l.pric = l.item->price_cap + rng.between(-100000, 1000000);
    l.pric = std::max<int64_t>(l.pric, 0);
    l.cnt = rng.bernoulli(0.7) ? rng.between(1, 30) * 10000 : rng.between(1, 400000);
    l.amount = line_amount(l.pric, l.cnt) + Fen(rng.between(-1, 1));  // declared within 1 fen
    l.amount = clamp_non_negative(l.amount);
    l.approved = rng.bernoulli(0.5);
    l.force_selfpay = rng.bernoulli(0.05);
  }
  return lines;
}

bool non_negative(const Accumulators& a) {
  return a.otp_dedc_used.v >= 0 && a.otp_pool_paid.v >= 0 && a.chronic_pool_paid.v >= 0 && a.pool_paid_total.v >= 0 &&
         a.large_paid.v >= 0 && a.si_base.v >= 0 && a.si_paid.v >= 0 && a.cvlserv_paid.v >= 0 &&
         a.hifes_paid.v >= 0 && a.maf_paid.v >= 0 && a.ipt_dedc_paid.v >= 0 && a.admissions >= 0;
}

// The identities, re-checked here independently of the calculator's own YB_CHECKs.
void expect_identities(const Settlement& s, const std::vector<PricedLine>& lines, const std::vector<LineSplit>& out) {
  Fen sum;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineSplit& l = out[i];
    sum += lines[i].amount;
    ASSERT_EQ(l.amount, lines[i].amount);
    ASSERT_EQ(l.amount, l.fulamt_ownpay + l.overlmt + l.preselfpay + l.inscp);
    ASSERT_TRUE(l.fulamt_ownpay.v >= 0 && l.overlmt.v >= 0 && l.preselfpay.v >= 0 && l.inscp.v >= 0);
  }
  ASSERT_EQ(s.medfee_sumamt, sum);                                                                            // I1
  ASSERT_EQ(s.medfee_sumamt, s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt);  // I2
  Fen rows;
  for (const FundDetail& d : s.fund_details()) {
    ASSERT_GT(d.paid, Fen(0));  // rows for non-zero payments only
    rows += d.paid;
  }
  ASSERT_EQ(s.fund_pay_sumamt,
            s.hifp_pay + s.hifob_pay + s.hifmi_pay + s.cvlserv_pay + s.hifes_pay + s.maf_pay + s.oth_pay);  // I3
  ASSERT_EQ(s.fund_pay_sumamt, rows);
  ASSERT_EQ(s.psn_part_amt, s.medfee_sumamt - s.fund_pay_sumamt - s.hosp_part_amt);  // I4
  ASSERT_EQ(s.psn_part_amt, s.acct_pay + s.acct_mulaid_pay + s.psn_cash_pay);       // I5
  ASSERT_LE(s.fund_pay_sumamt, s.inscp_scp_amt);                                      // I6
  ASSERT_EQ(s.balc_after, s.balc_before - s.acct_pay);                                // I7
  ASSERT_GE(s.balc_after, Fen(0));
  ASSERT_GE(s.mulaid_balc_after, Fen(0));
  for (Fen f : {s.fulamt_ownpay_amt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt, s.act_pay_dedc, s.hifp_pay,
                s.hifob_pay, s.hifmi_pay, s.cvlserv_pay, s.hifes_pay, s.maf_pay, s.psn_part_amt, s.acct_pay,
                s.acct_mulaid_pay, s.psn_cash_pay})
    ASSERT_GE(f, Fen(0));
  ASSERT_LE(s.act_pay_dedc, s.inscp_scp_amt);
}

void expect_caps(const PolicySet& p, const PersonState& before, const Accumulators& after, bool employee) {
  auto within = [](Fen before_v, Fen after_v, Fen cap) { return after_v <= max(before_v, cap); };
  const Accumulators& b = before.acc;
  EXPECT_TRUE(within(b.pool_paid_total, after.pool_paid_total, employee ? p.employee.pooled_cap : p.resident.pooled_cap));
  EXPECT_TRUE(within(b.otp_pool_paid, after.otp_pool_paid,
                     employee ? (before.psn_type == PsnType::kEmployeeRetired ? p.employee.otp_cap_retired
                                                                              : p.employee.otp_cap_in_service)
                              : p.resident.otp_cap));
  EXPECT_TRUE(within(b.chronic_pool_paid, after.chronic_pool_paid, p.employee.chronic_cap));
  EXPECT_TRUE(within(b.large_paid, after.large_paid, p.employee.large_cap));
  EXPECT_TRUE(within(b.si_paid, after.si_paid, p.serious_illness.cap));
  EXPECT_TRUE(within(b.maf_paid, after.maf_paid, p.assistance.cap));
}

TEST(CalculatorIdentities, RandomVisitsKeepEveryIdentity) {
  const Fixture f = load();
  ASSERT_EQ(f.policies.size(), 2u);
  Rng rng(20200508, stream_id("calculator.identities"));
  int visits = 0, persons = 0, capped = 0, layers_seen[kFundLayers] = {};
  std::vector<LineSplit> out;
  while (visits < 12000) {
    ++persons;
    const PolicySet& policy = f.policies[rng.below(f.policies.size())];
    PersonState person = random_person(rng, policy);
    const PersonState opening = person;
    const bool employee = person.insutype == Insutype::kEmployee;
    std::vector<Settlement> done;
    const int n = 1 + static_cast<int>(rng.below(6));
    for (int v = 0; v < n; ++v, ++visits) {
      const CareContext care = random_care(rng);
      const std::vector<PricedLine> lines = random_lines(rng, f.catalog);
      out.assign(lines.size(), LineSplit{});
      Settlement s;
      const Status st = settle(policy, person, care, lines, out, s);
      ASSERT_TRUE(st.ok()) << st.ToString();
      expect_identities(s, lines, out);
      if (HasFatalFailure()) return;
      if (care.kind == CareKind::kPharmacyOtc) {
        EXPECT_EQ(s.fund_pay_sumamt, Fen(0));
        EXPECT_EQ(s.delta, Accumulators{});
      }
      if (!employee) {
        EXPECT_EQ(s.acct_pay, Fen(0));
      }
      if (!care.acct_used) {
        EXPECT_EQ(s.acct_pay + s.acct_mulaid_pay, Fen(0));
      }
      Accumulators after = person.acc;
      after += s.delta;
      EXPECT_TRUE(non_negative(after));
      expect_caps(policy, person, after, employee);
      capped += s.pool_capped;
      for (const FundDetail& d : s.fund_details()) ++layers_seen[static_cast<int>(d.layer)];
      person.acc = after;
      person.balc = s.balc_after;
      person.mulaid_balc = s.mulaid_balc_after;
      done.push_back(s);
    }
    // I8: cancel everything in a random order; the opening state comes back exactly.
    for (size_t i = done.size(); i > 1; --i) std::swap(done[i - 1], done[rng.below(i)]);
    for (const Settlement& s : done) {
      const Settlement c = cancellation_of(s, person.balc, person.mulaid_balc);
      Accumulators back = person.acc;
      back += c.delta;
      person.acc -= s.delta;
      ASSERT_EQ(back, person.acc);
      ASSERT_TRUE(non_negative(person.acc));
      person.balc = c.balc_after;
      person.mulaid_balc = c.mulaid_balc_after;
    }
    ASSERT_EQ(person.acc, opening.acc);
    ASSERT_EQ(person.balc, employee ? opening.balc : person.balc);
    ASSERT_EQ(person.mulaid_balc, opening.mulaid_balc);
  }
  EXPECT_GE(visits, 10000);
  // The generator must reach every layer and the capped branch, or the test proves little.
  EXPECT_GT(capped, 100);
  for (int layer = 0; layer < static_cast<int>(kFundLayers); ++layer)
    EXPECT_GT(layers_seen[layer], 20) << fund_layer_code(static_cast<FundLayer>(layer));
  std::printf("%d visits, %d persons, %d capped, rows POOL %d LARGE %d SI %d CVL %d ENT %d MAF %d\n", visits, persons,
              capped, layers_seen[0], layers_seen[1], layers_seen[2], layers_seen[3], layers_seen[4], layers_seen[5]);
  RecordProperty("visits", visits);
  RecordProperty("persons", persons);
}

}  // namespace
}  // namespace yibao::models
