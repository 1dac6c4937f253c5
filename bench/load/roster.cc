#include "bench/load/roster.h"

#include <algorithm>
#include <array>


namespace yibao::load {

namespace v1 = settlement::v1;
using models::Level;

std::vector<uint32_t> pick_facilities(const models::Population& pop, int n, bool with_pharmacies) {
  std::array<std::vector<uint32_t>, models::kFacilityKinds> by_kind;
  for (uint32_t j = 0; j < pop.facility_count(); ++j) {
    const Level k = pop.facility_kind(j);
    if (k == Level::kPharmacy && !with_pharmacies) continue;
    by_kind[static_cast<size_t>(models::kind_index(k))].push_back(j);
  }
  // How many of each kind: deal n out round robin over the kinds that still have facilities.
  std::array<size_t, models::kFacilityKinds> want{};
  size_t dealt = 0;
  for (bool progress = true; progress && dealt < static_cast<size_t>(std::max(n, 0));) {
    progress = false;
    for (size_t k = 0; k < by_kind.size() && dealt < static_cast<size_t>(n); ++k) {
      if (want[k] < by_kind[k].size()) {
        ++want[k];
        ++dealt;
        progress = true;
      }
    }
  }
  std::vector<uint32_t> out;
  for (size_t k = 0; k < by_kind.size(); ++k) {
    const auto& all = by_kind[k];
    for (size_t i = 0; i < want[k]; ++i) out.push_back(all[i * all.size() / want[k]]);  // evenly spaced
  }
  return out;
}

std::vector<LoadFacility> make_facilities(const models::Population& pop, const std::vector<uint32_t>& picked) {
  std::vector<LoadFacility> out;
  out.reserve(picked.size());
  for (uint32_t j : picked) {
    const models::Facility f = pop.facility(j);
    LoadFacility l;
    l.index = j;
    l.code = f.code;
    l.secret = f.secret;
    l.admdvs = f.admdvs;
    l.kind = f.level;
    if (!f.departments.empty()) l.dept_code = f.departments.front().code;
    l.msgids = std::make_unique<MsgidSource>(f.code);
    out.push_back(std::move(l));
  }
  return out;
}

void FeePlan::set_rxno(const std::string& rxno) {
  if (!prescription) return;
  for (auto& l : lines)
    if (l.prd_days() > 0) l.set_rxno(rxno);
}

v1::FeeLine fee_line(int sn, const models::Item& item, int64_t fen_price, int64_t units, int32_t days) {
  v1::FeeLine l;
  l.set_feedetl_sn(std::to_string(sn));
  l.set_med_list_codg(item.code);
  l.set_pric(fen_price * 10000);
  l.set_cnt(units * 10000);
  l.set_det_item_fee_sumamt(fen_price * units);
  l.set_prd_days(days);
  return l;
}

FeePlan to_wire(const models::FeePlanModel& plan, bool pharmacy) {
  FeePlan out;
  out.lines.reserve(plan.lines.size());
  int sn = 0;
  for (const models::PlannedLine& l : plan.lines) {
    v1::FeeLine f = fee_line(++sn, *l.item, l.price.v, l.units, l.days);
    if (l.discharge) f.set_dscg_drug_flag(1);
    if (pharmacy && l.rx) f.set_rx_circ_flag(1);  // an outside prescription brought to the pharmacy
    out.lines.push_back(std::move(f));
  }
  out.total = plan.total.v;
  out.prescription = plan.prescription;
  return out;
}

}  // namespace yibao::load
