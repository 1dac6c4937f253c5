// Fee lines of one visit, sale or inpatient upload, drawn so that they pass the real-time rules
// (DOMAIN.md §5, models/rules.h) whatever the person: ≤ max_drugs western/patent drugs of
// distinct ATC-4 classes on the one prescription of a plan, 3 days' supply (14 for a chronic
// refill under med_type "14", 7 for discharge drugs), OTC purchases off prescription ≤ ¥50 in
// all, no sex-, age-, lump-sum or non-medical items; pharmacy lines only from the fixture
// catalogue (a pharmacy's lines are inline: one unknown item refuses the sale). Line counts
// follow DOMAIN.md §8.4: outpatient median 6 (1–40), pharmacy median 3 (1–10), inpatient daily
// upload median 15.
//
// Proto-free: a PlannedLine names its catalogue item; bench/load and sim/ turn it into a wire
// FeeLine (pric = price × 10^4 millionths of a yuan, cnt = units × 10^4,
// det_item_fee_sumamt = price × units fen, exactly).
// Invariants of a FeePlanModel: total = Σ price × units; a line has rx = true iff it is on the
// plan's one prescription, and then days > 0; prescription = any line has rx. Other lines carry
// days = 0, except OTC lines of a pharmacy purchase (days 3, rx false, prescription false).
// Thread safety: a FeePlanner is immutable after create(); its const methods are thread-safe
// (the Rng is the caller's and is mutated). Items point into the planner's catalogue, which
// lives as long as any copy of the planner.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/catalog.h"
#include "models/money.h"
#include "models/rng.h"
#include "models/status.h"

namespace yibao::models {

struct PlannedLine {
  const Item* item = nullptr;  // never null
  Fen price;                   // per unit, whole fen
  int64_t units = 1;           // whole units (wire cnt = units × 10^4)
  int32_t days = 0;            // days' supply (prd_days); > 0 for prescription drugs
  bool rx = false;             // on the plan's prescription (the visit's rxno)
  bool discharge = false;      // a discharge drug (dscg_drug_flag), inpatient only
  Fen amount() const { return Fen(price.v * units); }
};

struct FeePlanModel {
  std::vector<PlannedLine> lines;
  Fen total;                   // Σ amount(), fen
  bool prescription = false;   // some line is on the prescription (give the visit an rxno)
};

// Lognormal line count, rounded and clamped to [min, max].
struct LineCountDist {
  double median = 6;
  double sigma = 0.6;
  int32_t min = 1;
  int32_t max = 40;
};

// DOMAIN.md §8.4 (DEFAULT FIXTURE); sigmas are our choice.
struct FeeShape {
  LineCountDist outpatient{6, 0.6, 1, 40};
  LineCountDist chronic_refill{3, 0.4, 1, 8};
  LineCountDist pharmacy{3, 0.45, 1, 10};
  LineCountDist inpatient_day{15, 0.4, 1, 60};
  int32_t max_drugs = 5;               // per prescription (RX5's default)
  double pharmacy_otc_share = 0.5;     // sales that are OTC purchases (others: outside prescriptions)
  int32_t outpatient_days = 3;         // days' supply of outpatient drugs (≤ 7, the general limit)
  int32_t refill_days = 14;            // chronic refill (≤ 15, the chronic limit without a listed filing)
  int32_t discharge_days = 7;          // discharge drugs (≤ 7)
};

class FeePlanner {
 public:
  // The fixture catalogue (models/data/catalog_fixture.yaml) plus `generated_items` items of
  // Catalog::add_generated(n, kGeneratedItemsSeed), as a core started with
  // --generated-items n has them. INVALID_ARGUMENT / NOT_FOUND if the fixture does not load or
  // lacks the items the plans need.
  static Result<FeePlanner> create(uint32_t generated_items, FeeShape shape = {});
  // Over a catalogue the caller built; its first `fixture_items` items are the ones every core
  // knows (pharmacy lines come only from them).
  static Result<FeePlanner> from_catalog(std::shared_ptr<const Catalog> catalog, size_t fixture_items,
                                         FeeShape shape = {});

  const Catalog& catalog() const { return *catalog_; }
  const FeeShape& shape() const { return shape_; }

  // An outpatient visit: a consultation, up to max_drugs drugs on one prescription, tests,
  // materials and (generated catalogues) herbs, n lines in all.
  FeePlanModel outpatient(Rng& rng) const;
  // A chronic refill (med_type "14"): a consultation and the person's drugs for refill_days.
  FeePlanModel chronic_refill(Rng& rng) const;
  // A pharmacy sale: OTC purchase (no prescription, ≤ ¥50) or an outside prescription.
  FeePlanModel pharmacy(Rng& rng) const;
  // One inpatient fee upload: bed day, nursing, ward drugs (no prescription), tests, materials;
  // with `discharge_drugs`, up to max_drugs discharge drugs on a prescription as well.
  FeePlanModel inpatient_day(Rng& rng, bool discharge_drugs = false) const;

  // A line count from `d`.
  static int32_t line_count(const LineCountDist& d, Rng& rng);

 private:
  FeePlanner() = default;
  // Appends up to n distinct drugs of distinct ATC-4 classes from `from`; returns how many.
  int add_drugs(Rng& rng, const std::vector<const Item*>& from, int n, int32_t days, bool rx, bool discharge,
                FeePlanModel& plan) const;
  // Appends a test, material or (generated) service line.
  void add_extra(Rng& rng, FeePlanModel& plan) const;
  static void add(FeePlanModel& plan, const Item* item, int64_t price_fen, int64_t units, int32_t days, bool rx,
                  bool discharge = false);

  std::shared_ptr<const Catalog> catalog_;
  FeeShape shape_;
  const Item* consult_ = nullptr;
  const Item* bed_ = nullptr;
  const Item* nursing_ = nullptr;
  std::vector<const Item*> hospital_drugs_;  // western and patent drugs, any catalogue item
  std::vector<const Item*> herbs_;           // TCM pieces (not counted by RX5)
  std::vector<const Item*> extras_;          // tests and plain materials
  std::vector<const Item*> rx_drugs_;        // fixture drugs, not OTC, not restricted, not class C
  std::vector<const Item*> otc_drugs_;       // fixture OTC drugs
};

}  // namespace yibao::models
