// Roster: the part of the core's generated population a load run drives, rebuilt on the client
// from (preset, seed, year) exactly as the core built it (models/population.h):
//   - the facilities picked (spread over kinds and counties), each with its sign-in and its
//     msgid source;
//   - persons (models::PersonPicker: enrolled, each at most once per run, never with their
//     mutual-aid relative) and fee lines that pass the real-time rules (models::FeePlanner, the
//     fixture catalogue plus the core's generated items, DOMAIN.md §8.4 line counts), turned
//     into wire FeeLines here.
// Thread safety: the facilities are immutable after construction except each one's sign_no
// (set before the load starts) and MsgidSource (thread-safe). FeePlanner is immutable;
// PersonPicker is not thread-safe (the sender thread owns it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/load/msgid.h"
#include "models/catalog.h"
#include "models/population.h"
#include "models/rng.h"
#include "models/workload_fees.h"
#include "models/workload_persons.h"
#include "yibao/settlement/v1/common.pb.h"

namespace yibao::load {

struct LoadFacility {
  uint32_t index = 0;       // facility index in the population
  std::string code;         // fixmedins_code
  std::string secret;       // sign-in secret
  std::string admdvs;       // region (mdtrtarea_admvs)
  models::Level kind = models::Level::kLevel2;
  std::string dept_code;    // a department to register in ("" if it lists none)
  std::string sign_no;      // after 9001
  std::unique_ptr<MsgidSource> msgids;

  bool pharmacy() const { return kind == models::Level::kPharmacy; }
};

// Indices of `n` facilities of `pop`: round robin over the kinds (level 3, 2, 1, primary,
// village, and pharmacies if `with_pharmacies`), evenly spaced within a kind (so over counties).
// Fewer than n if the population has fewer.
std::vector<uint32_t> pick_facilities(const models::Population& pop, int n, bool with_pharmacies);

std::vector<LoadFacility> make_facilities(const models::Population& pop, const std::vector<uint32_t>& picked);

// Persons and fee lines are drawn by models (models/workload_persons.h, models/workload_fees.h);
// the roster only turns a planned fee line into its wire form.
using PersonPicker = models::PersonPicker;
using FeePlanner = models::FeePlanner;

// Fee lines of one visit or sale. Amounts: pric = whole fen × 10^4 (millionths of a yuan),
// cnt = whole units × 10^4, det_item_fee_sumamt = fen × units, exactly.
struct FeePlan {
  std::vector<settlement::v1::FeeLine> lines;
  int64_t total = 0;  // fen
  bool prescription = false;  // drugs on a prescription (rxno filled in by set_rxno)
  // Sets `rxno` on the lines of the prescription (those with a days' supply).
  void set_rxno(const std::string& rxno);
};

// The wire form of a planned visit or sale; `pharmacy`: the prescription is an outside one
// (rx_circ_flag 1 on its lines).
FeePlan to_wire(const models::FeePlanModel& plan, bool pharmacy = false);

// One fee line.
settlement::v1::FeeLine fee_line(int sn, const models::Item& item, int64_t fen_price, int64_t units, int32_t days);

}  // namespace yibao::load
