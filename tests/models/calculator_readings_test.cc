// The settlement waterfall against the readings of DOMAIN.md §4.6 (each reading, both ways
// where it has two sides). The worked examples of §4.5: calculator_test.cc.
#include <gtest/gtest.h>

#include "tests/models/calculator_fixture.h"

namespace yibao::models {
namespace {

// ---- readings of §4.6 ----

TEST_F(CalculatorTest, ReadmissionShareOfTheDeductible) {
  PersonState p = employee();
  const auto lines = a_line(100000);  // 1,000 yuan at level 2 (deductible 600)
  const Fen expected[] = {Fen(60000), Fen(30000), Fen(0), Fen(0)};
  for (int before = 0; before < 4; ++before) {
    p.acc.admissions = before;
    const Settlement s = run(p, care(CareKind::kInpatient, Level::kLevel2), lines);
    EXPECT_EQ(s.admission_no, before + 1);
    EXPECT_EQ(s.act_pay_dedc, expected[before]) << "admission " << before + 1;
    EXPECT_EQ(s.hifp_pay, apply(Fen(100000) - expected[before], Ratio::percent(88)));
    EXPECT_EQ(s.delta.admissions, 1);
    EXPECT_EQ(s.delta.ipt_dedc_paid, expected[before]);
  }
}

TEST_F(CalculatorTest, ZeroFeeStayStillCountsAsAnAdmission) {
  const Settlement s = run(resident(), care(CareKind::kInpatient, Level::kLevel1), {});
  EXPECT_EQ(s.medfee_sumamt, Fen(0));
  EXPECT_EQ(s.act_pay_dedc, Fen(0));
  EXPECT_EQ(s.dedc_due, Fen::yuan(300));
  EXPECT_EQ(s.delta.admissions, 1);
  EXPECT_EQ(s.detail_count, 0);
}

TEST_F(CalculatorTest, OutOfAreaCutsRatioAndMultipliesDeductible) {
  const auto lines = a_line(1000000);  // 10,000 yuan, employee inpatient level 2: 600 / 88 %
  struct Case {
    Geography g;
    FilingCase f;
    Fen dedc;
    Ratio ratio;
  } cases[] = {
      {Geography::kLocal, FilingCase::kNone, Fen(60000), Ratio::percent(88)},
      {Geography::kInProvince, FilingCase::kNone, Fen(90000), Ratio::percent(68)},       // self-referral −20, ×1.5
      {Geography::kCrossProvince, FilingCase::kReferral, Fen(120000), Ratio::percent(78)},  // −10, ×2
      {Geography::kCrossProvince, FilingCase::kEmergency, Fen(120000), Ratio::percent(78)},
      {Geography::kCrossProvince, FilingCase::kWorker, Fen(60000), Ratio::percent(88)},     // filed: nothing
      {Geography::kInProvince, FilingCase::kResident, Fen(60000), Ratio::percent(88)},
  };
  for (const Case& c : cases) {
    CareContext cc = care(CareKind::kInpatient, Level::kLevel2);
    cc.geography = c.g;
    cc.filing_case = c.f;
    const Settlement s = run(employee(), cc, lines);
    EXPECT_EQ(s.act_pay_dedc, c.dedc) << int(c.g) << "/" << int(c.f);
    EXPECT_EQ(s.pool_ratio, c.ratio) << int(c.g) << "/" << int(c.f);
    EXPECT_EQ(s.hifp_pay, apply(Fen(1000000) - c.dedc, c.ratio));
  }
  // The employee's annual outpatient deductible is scaled too: 200 × 1.5 = 300.
  CareContext cc = care(CareKind::kGeneralOutpatient, Level::kLevel2);
  cc.geography = Geography::kInProvince;
  PersonState p = employee();
  p.acc.otp_dedc_used = Fen::yuan(200);
  const Settlement s = run(p, cc, a_line(50000));
  EXPECT_EQ(s.act_pay_dedc, Fen::yuan(100));
  EXPECT_EQ(s.pool_ratio, Ratio::percent(40));
  // The cut floors at 0 %: a resident's level-2 outpatient ratio 50 % − 20 is 30 %, a 10 % row is 0.
  PolicySet low = *policy_;
  low.resident.outpatient[level_index(Level::kLevel2)] = Ratio::percent(10);
  cc.geography = Geography::kCrossProvince;
  const Settlement r = run(resident(), cc, a_line(10000), &low);
  EXPECT_EQ(r.pool_ratio, Ratio(0));
  EXPECT_EQ(r.hifp_pay, Fen(0));
}

TEST_F(CalculatorTest, DeductibleProductIsRoundedOnce) {
  PolicySet p = *policy_;
  p.resident.inpatient[1].deductible = Fen(33333);  // 333.33 × 50 % × 1.5 = 249.9975 → 250.00
  PersonState r = resident();
  r.acc.admissions = 1;
  CareContext cc = care(CareKind::kInpatient, Level::kLevel1);
  cc.geography = Geography::kInProvince;
  cc.filing_case = FilingCase::kReferral;
  const Settlement s = run(r, cc, a_line(100000), &p);
  EXPECT_EQ(s.act_pay_dedc, Fen(25000));  // rounding twice would give 250.01
}

TEST_F(CalculatorTest, VillageIsAnOutpatientRowOnly) {
  const auto lines = a_line(10000);
  // Resident general outpatient at a village clinic: 60 %, no deductible.
  EXPECT_EQ(run(resident(), care(CareKind::kGeneralOutpatient, Level::kVillage), lines).hifp_pay, Fen(6000));
  // Employee: 70 % after the annual deductible (used up here).
  PersonState e = employee();
  e.acc.otp_dedc_used = Fen::yuan(200);
  EXPECT_EQ(run(e, care(CareKind::kGeneralOutpatient, Level::kVillage), lines).hifp_pay, Fen(7000));
  // An inpatient stay at a village site uses the primary row: 200 deductible, 92 %.
  const Settlement s = run(employee(), care(CareKind::kInpatient, Level::kVillage), a_line(100000));
  EXPECT_EQ(s.act_pay_dedc, Fen::yuan(200));
  EXPECT_EQ(s.pool_ratio, Ratio::percent(92));
}

TEST_F(CalculatorTest, OtcGetsNoFundNoDeductibleNoAccumulator) {
  PersonState p = employee();
  p.balc = Fen::yuan(20);
  p.maf_group = MafGroup::kTekun;
  const std::vector<PricedLine> lines = {line("XM01AEB017E001010100005", 1850, 1), line("XN02BEA015A001010100006", 650, 2)};
  const Settlement s = run(p, care(CareKind::kPharmacyOtc, Level::kPharmacy, true), lines);
  EXPECT_EQ(s.benefit, Benefit::kNone);
  EXPECT_EQ(s.medfee_sumamt, Fen(3150));
  EXPECT_EQ(s.inscp_scp_amt, Fen(3150));
  EXPECT_EQ(s.fund_pay_sumamt, Fen(0));
  EXPECT_EQ(s.act_pay_dedc, Fen(0));
  EXPECT_EQ(s.acct_pay, Fen(2000));
  EXPECT_EQ(s.psn_cash_pay, Fen(1150));
  EXPECT_EQ(s.delta, Accumulators{});
  EXPECT_EQ(s.detail_count, 0);
  // A resident's OTC purchase does not grow the serious-illness base either.
  EXPECT_EQ(run(resident(MafGroup::kDibao), care(CareKind::kPharmacyOtc, Level::kPharmacy), lines).delta,
            Accumulators{});
}

TEST_F(CalculatorTest, PharmacyOutsidePrescription) {
  PersonState e = employee(/*retired=*/true);
  e.acc.otp_dedc_used = Fen::yuan(200);
  const std::vector<PricedLine> lines = {line("XA10BAE056A001010100012", 2000, 3)};
  // Pharmacy row whatever level the caller passed: retired 55 %.
  const Settlement s = run(e, care(CareKind::kPharmacyRx, Level::kLevel2), lines);
  EXPECT_EQ(s.pool_ratio, Ratio::percent(55));
  EXPECT_EQ(s.hifp_pay, Fen(3300));
  EXPECT_EQ(s.delta.otp_pool_paid, Fen(3300));
  // Residents: not covered at a pharmacy; serious illness still sees the self-burden, assistance pays.
  const Settlement r = run(resident(MafGroup::kTekun), care(CareKind::kPharmacyRx, Level::kPharmacy), lines);
  EXPECT_EQ(r.hifp_pay, Fen(0));
  EXPECT_EQ(r.delta.si_base, Fen(6000));
  EXPECT_EQ(r.maf_pay, Fen(5400));
}

TEST_F(CalculatorTest, ResidentLevel3OutpatientIsNotCoveredButAssisted) {
  const Settlement s = run(resident(MafGroup::kLowIncome), care(CareKind::kGeneralOutpatient, Level::kLevel3), a_line(20000));
  EXPECT_EQ(s.pool_ratio, Ratio(0));
  EXPECT_EQ(s.hifp_pay, Fen(0));
  EXPECT_EQ(s.maf_pay, Fen(12000));
  EXPECT_EQ(s.delta.si_base, Fen(20000));
  ASSERT_EQ(s.detail_count, 1);
  EXPECT_EQ(s.details[0].layer, FundLayer::kAssistance);
}

TEST_F(CalculatorTest, ChronicBenefitForEmployeesWithAFiling) {
  PersonState e = employee();
  e.acc.pool_paid_total = Fen::yuan(1000);
  e.acc.chronic_pool_paid = Fen::yuan(4900);
  e.acc.otp_pool_paid = Fen::yuan(2000);  // outpatient cap used up: the chronic cap is separate
  CareContext cc = care(CareKind::kChronic, Level::kLevel2);
  cc.chronic_filing = true;
  const auto lines = a_line(10000);
  Settlement s = run(e, cc, lines);
  EXPECT_EQ(s.benefit, Benefit::kChronic);
  EXPECT_EQ(s.act_pay_dedc, Fen(0));
  EXPECT_EQ(s.pool_ratio, Ratio::percent(88));  // inpatient ratio of level 2
  EXPECT_EQ(s.hifp_pay, Fen(8800));
  EXPECT_EQ(s.delta.chronic_pool_paid, Fen(8800));
  EXPECT_EQ(s.delta.pool_paid_total, Fen(8800));
  EXPECT_EQ(s.delta.otp_pool_paid, Fen(0));
  // Near its own cap: 100 yuan of room left, and nothing for the large-amount layer (§4.6.8).
  s = run(e, cc, a_line(50000));
  EXPECT_EQ(s.hifp_pay, Fen::yuan(100));
  EXPECT_TRUE(s.pool_capped);
  EXPECT_EQ(s.hifob_pay, Fen(0));
  // Without a filing, or for a resident: general outpatient.
  cc.chronic_filing = false;
  EXPECT_EQ(run(e, cc, lines).benefit, Benefit::kOutpatient);
  EXPECT_EQ(run(e, cc, lines).hifp_pay, Fen(0));  // outpatient cap used up
  cc.chronic_filing = true;
  const Settlement r = run(resident(), cc, lines);
  EXPECT_EQ(r.benefit, Benefit::kOutpatient);
  EXPECT_EQ(r.pool_ratio, Ratio::percent(50));
}

TEST_F(CalculatorTest, MutualAidPaysAfterTheOwnAccount) {
  PersonState e = employee();
  e.balc = Fen::yuan(100);
  e.mulaid_balc = Fen::yuan(500);
  const std::vector<PricedLine> lines = {line("XA11JBV001A001010100003", 30000, 1)};  // class C 300
  Settlement s = run(e, care(CareKind::kGeneralOutpatient, Level::kLevel2, true), lines);
  EXPECT_EQ(s.acct_pay, Fen::yuan(100));
  EXPECT_EQ(s.acct_mulaid_pay, Fen::yuan(200));
  EXPECT_EQ(s.psn_cash_pay, Fen(0));
  EXPECT_EQ(s.mulaid_balc_after, Fen::yuan(300));
  // Only with acct_used_flag.
  s = run(e, care(CareKind::kGeneralOutpatient, Level::kLevel2, false), lines);
  EXPECT_EQ(s.acct_pay + s.acct_mulaid_pay, Fen(0));
  EXPECT_EQ(s.psn_cash_pay, Fen::yuan(300));
  // A resident has no account of their own (balc ignored) but a relative's balance pays.
  PersonState r = resident();
  r.balc = Fen::yuan(999);
  r.mulaid_balc = Fen::yuan(50);
  s = run(r, care(CareKind::kGeneralOutpatient, Level::kLevel2, true), lines);
  EXPECT_EQ(s.acct_pay, Fen(0));
  EXPECT_EQ(s.acct_mulaid_pay, Fen::yuan(50));
  EXPECT_EQ(s.psn_cash_pay, Fen::yuan(250));
}

TEST_F(CalculatorTest, CapsLimitEachLayer) {
  // Employee outpatient cap: 10 yuan of room, and the excess stays with the patient.
  PersonState e = employee();
  e.acc.otp_dedc_used = Fen::yuan(200);
  e.acc.otp_pool_paid = Fen::yuan(1990);
  e.acc.pool_paid_total = Fen::yuan(1990);
  Settlement s = run(e, care(CareKind::kGeneralOutpatient, Level::kLevel1), a_line(100000));
  EXPECT_EQ(s.hifp_pay, Fen::yuan(10));
  EXPECT_EQ(s.hifob_pay, Fen(0));
  EXPECT_EQ(s.details[0].room_before, Fen::yuan(10));
  // The shared pooled cap binds the outpatient room too.
  e.acc.otp_pool_paid = Fen(0);
  e.acc.pool_paid_total = Fen::yuan(99995);
  EXPECT_EQ(run(e, care(CareKind::kGeneralOutpatient, Level::kLevel1), a_line(100000)).hifp_pay, Fen::yuan(5));
  // Resident outpatient cap 300.
  PersonState r = resident();
  r.acc.otp_pool_paid = Fen::yuan(290);
  EXPECT_EQ(run(r, care(CareKind::kGeneralOutpatient, Level::kPrimary), a_line(10000)).hifp_pay, Fen::yuan(10));
  // Exactly at the room: the uncapped branch (§4.6.7 takes the capped one only when it exceeds).
  r.acc.otp_pool_paid = Fen::yuan(240);  // room 60 = 100 × 60 %
  s = run(r, care(CareKind::kGeneralOutpatient, Level::kPrimary), a_line(10000));
  EXPECT_EQ(s.hifp_pay, Fen::yuan(60));
  EXPECT_FALSE(s.pool_capped);
  // Large-amount cap.
  e = employee();
  e.acc.pool_paid_total = Fen::yuan(100000);
  e.acc.large_paid = Fen::yuan(399990);
  s = run(e, care(CareKind::kInpatient, Level::kLevel3), a_line(1000000));
  EXPECT_EQ(s.hifp_pay, Fen(0));
  EXPECT_EQ(s.above_cap_base, Fen(1000000 - 80000));
  EXPECT_EQ(s.hifob_pay, Fen::yuan(10));
  // Serious-illness cap and assistance cap.
  r = resident(MafGroup::kTekun);
  r.acc.pool_paid_total = Fen::yuan(150000);
  r.acc.si_base = Fen::yuan(500000);
  r.acc.si_paid = Fen::yuan(399000);
  r.acc.maf_paid = Fen::yuan(49900);
  s = run(r, care(CareKind::kInpatient, Level::kLevel3), a_line(1000000));
  EXPECT_EQ(s.hifmi_pay, Fen::yuan(1000));
  EXPECT_EQ(s.maf_pay, Fen::yuan(100));
  EXPECT_EQ(s.delta.si_base, Fen(1000000));  // the base grows even past the cap
  EXPECT_EQ(setl_proc_info(s, s.details[0], *policy_),
            "base 50000000->51000000 above 1500000: (1000000*8500)/10000=850000; capped at room 100000");
}

TEST_F(CalculatorTest, SeriousIllnessBandsAreTheOverlapOfTheBase) {
  PersonState r = resident();
  r.acc.pool_paid_total = Fen::yuan(150000);  // pooled cap used up: all in scope goes to the base
  r.acc.si_base = Fen::yuan(10000);
  Settlement s = run(r, care(CareKind::kInpatient, Level::kLevel3), a_line(1000000));
  // [10,000, 20,000): 5,000 above the deductible at 60 %.
  EXPECT_EQ(s.hifmi_pay, Fen::yuan(3000));
  // [60,000, 70,000): 5,000 at 60 % + 5,000 at 70 %; a TK person gets +5 points.
  r.acc.si_base = Fen::yuan(60000);
  r.maf_group = MafGroup::kTekun;
  s = run(r, care(CareKind::kInpatient, Level::kLevel3), a_line(1000000));
  EXPECT_EQ(s.hifmi_pay, Fen::yuan(3250 + 3750));
  // DS (other low income) gets no bonus.
  r.maf_group = MafGroup::kLowIncome;
  s = run(r, care(CareKind::kInpatient, Level::kLevel3), a_line(1000000));
  EXPECT_EQ(s.hifmi_pay, Fen::yuan(3000 + 3500));
}

TEST_F(CalculatorTest, EnterpriseShareTakesWhatTheSubsidyLeft) {
  PolicySet p = *policy_;
  p.employee.hifes_share = Ratio::percent(50);
  PersonState e = employee();
  e.cvlserv = true;
  e.hifes = true;
  const Settlement s = run(e, care(CareKind::kInpatient, Level::kLevel3), a_line(100000), &p);
  // base = 1,000 − round(200 × 85 %) = 830; CVL 498; ENT min(415, 332) = 332.
  EXPECT_EQ(s.subsidy_base, Fen(83000));
  EXPECT_EQ(s.cvlserv_pay, Fen(49800));
  EXPECT_EQ(s.hifes_pay, Fen(33200));
  EXPECT_EQ(s.psn_part_amt, Fen(0));
  // Outpatients get neither subsidy.
  EXPECT_EQ(run(e, care(CareKind::kGeneralOutpatient, Level::kLevel3), a_line(100000), &p).cvlserv_pay, Fen(0));
}

TEST_F(CalculatorTest, RestrictedDrugNeedsApprovalAndForcedLinesAreSelfPay) {
  const std::vector<PricedLine> lines = {line("XJ01DHM053B001010100008", 10000, 3, /*approved=*/false),
                                         line("XJ01DHM053B001010100008", 10000, 3, /*approved=*/true)};
  run(resident(), care(CareKind::kInpatient, Level::kLevel2), lines);
  EXPECT_EQ(splits_[0].cls, ChargeClass::kC);
  EXPECT_EQ(splits_[0].fulamt_ownpay, Fen(30000));
  EXPECT_EQ(splits_[0].selfpay_prop, Ratio::one());
  EXPECT_TRUE(splits_[0].restricted);
  EXPECT_EQ(splits_[1].cls, ChargeClass::kB);
  EXPECT_EQ(splits_[1].preselfpay, Fen(3000));
  PricedLine forced = line("001102000010000", 2000, 1);
  forced.force_selfpay = true;
  EXPECT_EQ(classify_line(*policy_, forced).fulamt_ownpay, Fen(2000));
  // The catalogue's own class-B share wins over the default (insulin glargine 5 %).
  EXPECT_EQ(classify_line(*policy_, line("XA10AEG023B001010100013", 10000, 1)).preselfpay, Fen(500));
  // Over the cap by more than the line can only take the line (§4.6.1): a cap of 1,500 on a
  // line whose declared amount is small.
  PricedLine lens = line("C0201010010400109012", 200000, 1);
  lens.amount = Fen(10000);
  const LineSplit ls = classify_line(*policy_, lens);
  EXPECT_EQ(ls.overlmt, Fen(10000));
  EXPECT_EQ(ls.inscp, Fen(0));
}

TEST_F(CalculatorTest, OverCapIsRoundedOnPricTimesCnt) {
  // clopidogrel cap 120.00; pric 120.005 × 3.3333 units → round(0.005 × 3.3333 yuan) = 0.02 yuan.
  PricedLine l = line("XB01ACL158A001010100004", 0, 0);
  l.pric = 120005000;
  l.cnt = 33333;
  l.amount = line_amount(l.pric, l.cnt);
  const LineSplit s = classify_line(*policy_, l);
  EXPECT_EQ(s.overlmt, Fen(2));
  EXPECT_EQ(s.amount, s.fulamt_ownpay + s.overlmt + s.preselfpay + s.inscp);
}

TEST_F(CalculatorTest, LineAmountWithinOneFen) {
  EXPECT_TRUE(check_line_amount(35500000, 20000, Fen(7100)).ok());
  EXPECT_TRUE(check_line_amount(35500000, 20000, Fen(7101)).ok());
  EXPECT_TRUE(check_line_amount(35500000, 20000, Fen(7099)).ok());
  const Status st = check_line_amount(35500000, 20000, Fen(7102));
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.reason(), reason::kSumMismatch);
  EXPECT_EQ(check_line_amount(-1, 1, Fen(0)).reason(), reason::kBadRequest);
  const std::vector<PricedLine> lines = {line("001102000010000", 2000, 1), line("002503010010000", 8500, 1)};
  EXPECT_TRUE(check_medfee_sumamt(Fen(10500), lines).ok());
  EXPECT_EQ(check_medfee_sumamt(Fen(10501), lines).reason(), reason::kSumMismatch);
}

TEST_F(CalculatorTest, BadInputIsAStatus) {
  std::vector<LineSplit> out(1);
  Settlement s;
  PricedLine null_item;
  EXPECT_EQ(settle(*policy_, resident(), care(CareKind::kInpatient, Level::kLevel2),
                   std::vector<PricedLine>{null_item}, out, s).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(settle(*policy_, resident(), care(CareKind::kInpatient, Level::kPharmacy), {}, out, s).code(),
            Code::kInvalidArgument);
  const auto two = a_line(100);
  std::vector<LineSplit> none;
  EXPECT_FALSE(settle(*policy_, resident(), care(CareKind::kInpatient, Level::kLevel2), two, none, s).ok());
  PersonState neg = resident();
  neg.acc.si_base = Fen(-1);
  EXPECT_FALSE(settle(*policy_, neg, care(CareKind::kInpatient, Level::kLevel2), {}, out, s).ok());
  // The Result form.
  auto r = settle(*policy_, resident(), care(CareKind::kInpatient, Level::kLevel2), a_line(100), out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->medfee_sumamt, Fen(100));
}

TEST_F(CalculatorTest, CancellationSubtractsExactlyTheDelta) {
  PersonState e = employee();
  e.cvlserv = true;
  e.maf_group = MafGroup::kDibao;
  e.balc = Fen::yuan(500);
  e.acc.pool_paid_total = Fen::yuan(99000);
  const Accumulators opening = e.acc;
  const Settlement first = run(e, care(CareKind::kInpatient, Level::kLevel2, true), a_line(2000000));
  e.acc += first.delta;
  e.balc = first.balc_after;
  const Settlement second = run(e, care(CareKind::kGeneralOutpatient, Level::kLevel2, true), a_line(30000));
  e.acc += second.delta;
  e.balc = second.balc_after;

  const Settlement cancel = cancellation_of(first, e.balc, Fen(0));
  EXPECT_TRUE(cancel.cancellation);
  EXPECT_EQ(cancel.medfee_sumamt, -first.medfee_sumamt);
  EXPECT_EQ(cancel.fund_pay_sumamt, -first.fund_pay_sumamt);
  EXPECT_EQ(cancel.acct_pay, -first.acct_pay);
  EXPECT_EQ(cancel.balc_after, e.balc + first.acct_pay);
  EXPECT_EQ(cancel.detail_count, first.detail_count);
  EXPECT_EQ(cancel.details[0].paid, -first.details[0].paid);
  e.acc += cancel.delta;
  Accumulators expected = opening;
  expected += second.delta;
  EXPECT_EQ(e.acc, expected);
  EXPECT_EQ(e.acc.admissions, 0);
  EXPECT_EQ(setl_proc_info(cancel, cancel.details[0], *policy_).rfind("cancellation of: ", 0), 0u);
  // Cancelling the cancellation restores the original's amounts.
  const Settlement again = cancellation_of(cancel, cancel.balc_after, Fen(0));
  EXPECT_FALSE(again.cancellation);
  EXPECT_EQ(again.delta, first.delta);
  EXPECT_EQ(again.psn_cash_pay, first.psn_cash_pay);
}

TEST_F(CalculatorTest, GeographyFromDivisionCodes) {
  EXPECT_EQ(geography_of("450100", "450100"), Geography::kLocal);
  EXPECT_EQ(geography_of("450100", ""), Geography::kLocal);
  EXPECT_EQ(geography_of("450100", "450300"), Geography::kInProvince);
  EXPECT_EQ(geography_of("450100", "610200"), Geography::kCrossProvince);
}

TEST_F(CalculatorTest, PersonStateFromPerson) {
  Person p;
  p.insutype = Insutype::kEmployee;
  p.psn_type = PsnType::kEmployeeRetired;
  p.cvlserv = true;
  p.maf_group = MafGroup::kAtRisk;
  Accumulators a;
  a.admissions = 2;
  const PersonState s = person_state(p, a, Fen(5), Fen(7));
  EXPECT_EQ(s.psn_type, PsnType::kEmployeeRetired);
  EXPECT_TRUE(s.cvlserv);
  EXPECT_EQ(s.maf_group, MafGroup::kAtRisk);
  EXPECT_EQ(s.balc, Fen(5));
  EXPECT_EQ(s.mulaid_balc, Fen(7));
  EXPECT_EQ(s.acc.admissions, 2);
}

}  // namespace
}  // namespace yibao::models
