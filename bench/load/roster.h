// Roster: the part of the core's generated population a load run drives, rebuilt on the client
// from (preset, seed, year) exactly as the core built it (models/population.h):
//   - the facilities picked (spread over kinds and counties), each with its sign-in and its
//     msgid source;
//   - PersonPicker: enrolled persons (lapsed ones skipped) who would visit a facility, each
//     drawn at most once per run and never together with their family mutual-aid relative, so
//     no two visits of one run share a person or an account (a pre-settlement stays valid until
//     its settle: nobody else moves that person's accumulators or the balances it draws on);
//   - FeePlanner: fee lines that pass the real-time rules (DOMAIN.md §5: ≤ 5 drugs of distinct
//     ATC-4 classes per prescription, 3 days' supply, OTC purchases ≤ ¥60, no sex-, age- or
//     lump-sum items), from the fixture catalogue plus the core's generated items.
// Thread safety: Roster and FeePlanner are immutable after construction except each facility's
// sign_no (set before the load starts) and MsgidSource (thread-safe). PersonPicker is not
// thread-safe (the sender thread owns it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench/load/msgid.h"
#include "models/catalog.h"
#include "models/population.h"
#include "models/rng.h"
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

class PersonPicker {
 public:
  PersonPicker(const models::Population& pop, uint64_t seed, CivilDate today);
  // An enrolled person (residents: premium paid through today or later) of facility j's
  // catchment, neither they nor their mutual-aid relative drawn before by this picker (the
  // relative counts as drawn afterwards); nullopt after many misses.
  std::optional<models::Person> draw(uint32_t j);
  size_t drawn() const { return used_.size(); }

 private:
  const models::Population& pop_;
  models::Rng rng_;
  CivilDate today_;
  std::unordered_set<uint64_t> used_;
  models::Person scratch_;
};

// Fee lines of one visit or sale. Amounts: pric = whole fen × 10^4 (millionths of a yuan),
// cnt = whole units × 10^4, det_item_fee_sumamt = fen × units, exactly.
struct FeePlan {
  std::vector<settlement::v1::FeeLine> lines;
  int64_t total = 0;  // fen
  bool prescription = false;  // drugs on a prescription (rxno filled in by set_rxno)
  void set_rxno(const std::string& rxno);
};

class FeePlanner {
 public:
  // The fixture catalogue (models/data/catalog_fixture.yaml) plus `generated_items` generated
  // items (models::kGeneratedItemsSeed), filtered to what passes the rules.
  static std::optional<FeePlanner> create(uint32_t generated_items, std::string* error);

  // An outpatient visit: a consultation, 1-3 drugs of distinct ATC-4 classes on one
  // prescription (3 days), sometimes a test.
  FeePlan outpatient(models::Rng& rng) const;
  // A pharmacy sale: half OTC purchases (≤ ¥60, no prescription), half outside prescriptions.
  FeePlan pharmacy(models::Rng& rng) const;

 private:
  FeePlanner() = default;
  void add_drugs(models::Rng& rng, const std::vector<const models::Item*>& from, int n, FeePlan& plan) const;

  std::shared_ptr<models::Catalog> catalog_;
  std::vector<const models::Item*> hospital_drugs_;
  std::vector<const models::Item*> rx_drugs_;   // fixture drugs, not OTC (pharmacy prescriptions)
  std::vector<const models::Item*> otc_drugs_;  // fixture OTC drugs
};

// One fee line.
settlement::v1::FeeLine fee_line(int sn, const models::Item& item, int64_t fen_price, int64_t units, int32_t days);

}  // namespace yibao::load
