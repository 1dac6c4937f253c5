// Internal to the calculator (models/calculator.cc): steps 2-8 of the waterfall, the fund
// layers, split from the line classification and the accounts to keep files small.
// Not for other callers; use models/calculator.h.
#pragma once

#include "models/calculator.h"

namespace yibao::models::detail {

// Given s.benefit and the four-way totals of `s`, computes the out-of-area adjustment, the
// deductible, every fund layer, fund_pay_sumamt, the setldetail rows and the fund part of
// s.delta. Allocates nothing.
void settle_funds(const PolicySet& p, const PersonState& person, const CareContext& care, Settlement& s);

}  // namespace yibao::models::detail
