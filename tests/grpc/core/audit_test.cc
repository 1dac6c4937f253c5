// The D7 audit must see a stored accumulator that the settlements do not explain.
#include "grpc/core/audit.h"

#include <gtest/gtest.h>

namespace yibao::core {
namespace {

SettlementRecord settlement(const std::string& id, Fen pooled) {
  SettlementRecord s;
  s.setl_id = id;
  s.mdtrt_id = "M" + id;
  s.fixmedins_code = "H45010100004";
  s.psn_no = "P1";
  s.insutype = models::Insutype::kEmployee;
  s.care_year = 2026;
  s.acc_delta.pool_paid_total = pooled;
  s.acc_delta.admissions = 1;
  return s;
}

TEST(AuditTest, AccumulatorsExplainedBySettlementsPassAndOthersAreListed) {
  auto ledger = make_memory_ledger();
  CoreState state(Clock(), std::nullopt, models::PolicyBook(), models::Catalog());
  ASSERT_TRUE(ledger->begin_batch().ok());
  ASSERT_TRUE(ledger->put_settlement(settlement("S1", Fen(5000))).ok());
  ASSERT_TRUE(ledger->put_settlement(settlement("S2", Fen(2500))).ok());
  models::Accumulators acc;
  acc.pool_paid_total = Fen(7500);
  acc.admissions = 2;
  ASSERT_TRUE(ledger->put_accumulators("P1", models::Insutype::kEmployee, 2026, acc).ok());
  EXPECT_TRUE(accumulator_mismatches(*ledger, state).empty());

  // One fen the journal does not explain.
  acc.pool_paid_total = Fen(7501);
  ASSERT_TRUE(ledger->put_accumulators("P1", models::Insutype::kEmployee, 2026, acc).ok());
  auto bad = accumulator_mismatches(*ledger, state);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0].find("P1 310 2026"), std::string::npos);

  // Opening values given by Admin are part of the explanation.
  ASSERT_TRUE(put_opening_accumulators(*ledger, "P1", models::Insutype::kEmployee, 2026,
                                       [] {
                                         models::Accumulators o;
                                         o.pool_paid_total = Fen(1);
                                         return o;
                                       }())
                  .ok());
  EXPECT_TRUE(accumulator_mismatches(*ledger, state).empty());
  ledger->abort_batch();
}

}  // namespace
}  // namespace yibao::core
