// Parameters of the prescription and audit rules (DOMAIN.md §5.1, §5.2, §11.20-23): the DEFAULT
// FIXTURE values, overridable by the `rules:` section of a policy file (models/policy_yaml.cc).
// Part of a PolicySet, so the rules in force follow the care time like the money does.
// A plain value; thread-safe to share read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/money.h"

namespace yibao::models {

// What a days'-supply excess does (§11.22).
enum class SupplyAction : uint8_t { kReject = 0, kSelfPay = 1 };

struct RuleParams {
  int32_t max_drugs_per_rx = 5;          // drugs per prescription
  int32_t max_same_class_per_rx = 2;     // same ATC-4 class per prescription
  // Days' supply limits by visit type (§5.1).
  int32_t days_emergency = 3;
  int32_t days_acute = 3;
  int32_t days_general = 7;
  int32_t days_chronic = 15;             // chronic without a listed-disease filing
  int32_t days_listed_chronic = 30;      // with an effective 2503 filing for a listed disease
  int32_t days_outside_rx = 7;           // pharmacy, outside prescription
  int32_t days_outside_rx_emergency = 3;
  int32_t days_discharge = 7;            // discharge drugs
  int32_t days_discharge_listed = 30;
  SupplyAction supply_action = SupplyAction::kReject;
  Fen otc_max_purchase = Fen::yuan(60);  // OTC single purchase at a pharmacy
  int64_t approval_unit_price = 100 * 1000000;  // pric (millionths of a yuan) above which approval is expected
  Fen approval_rx_total = Fen::yuan(500);       // prescription total above which approval is expected
  Fen manual_review_amount = Fen::yuan(20000);  // trauma / third party: batch review from here
  int32_t early_refill_num = 2;          // early refill allowed after num/den of the previous supply
  int32_t early_refill_den = 3;
  int32_t max_lines_per_call = 300;
  int32_t review_deadline_working_days = 15;
  // Listed chronic diseases allowing a 1-month supply, as ICD-10 code prefixes ("C" malignant
  // tumour, "M32" lupus, "D66"/"D67"/"D68.0" haemophilia, ...). A diagnosis matches a prefix when it
  // starts with it.
  std::vector<std::string> chronic_list;

  bool operator==(const RuleParams&) const = default;
};

}  // namespace yibao::models
