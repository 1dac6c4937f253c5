// FeePlanner (models/workload_fees.h): fee lines that pass the real-time rules, with the line
// counts of DOMAIN.md §8.4. Prices are our choice, in whole fen, never above an item's cap.
#include "models/workload_fees.h"

#include <algorithm>
#include <cmath>

#include "models/catalog_yaml.h"

namespace yibao::models {
namespace {

constexpr const char* kConsult = "001102000010000";  // general outpatient consultation
constexpr const char* kBed = "001103000010000";      // ward bed day (cap ¥60)
constexpr const char* kNursing = "001104000020000";  // grade II nursing (per day)

// Passes every line rule whatever the person: no sex, age, lump-sum or non-medical item.
bool plain(const Item& i) {
  return i.kind != ItemKind::kNonMedical && !i.lump_sum && i.sex_only == 0 && i.min_age <= 0 && i.max_age >= 120;
}

// Western and patent drugs: the ones RX5 and SAMECLASS count.
bool counted_drug(const Item& i) { return i.kind == ItemKind::kDrugWestern || i.kind == ItemKind::kDrugPatent; }

int64_t drug_price(Rng& rng) { return rng.between(5, 80) * 100 + rng.between(0, 99); }

// Price and units of a test, material or service line.
std::pair<int64_t, int64_t> extra_price(const Item& i, Rng& rng) {
  switch (i.kind) {
    case ItemKind::kExam: return {rng.between(30, 200) * 100, 1};
    case ItemKind::kMaterial: return {rng.between(2, 100) * 100, rng.between(1, 3)};
    default: return {rng.between(10, 100) * 100, 1};
  }
}

}  // namespace

Result<FeePlanner> FeePlanner::create(uint32_t generated_items, FeeShape shape) {
  auto c = load_catalog(std::string(YB_MODELS_DATA_DIR) + "/catalog_fixture.yaml");
  if (!c.ok()) return std::move(c).take_status();
  const size_t fixture_items = c->size();
  c->add_generated(generated_items, kGeneratedItemsSeed);
  return from_catalog(std::make_shared<const Catalog>(std::move(c).value()), fixture_items, shape);
}

Result<FeePlanner> FeePlanner::from_catalog(std::shared_ptr<const Catalog> catalog, size_t fixture_items,
                                            FeeShape shape) {
  FeePlanner p;
  p.catalog_ = std::move(catalog);
  p.shape_ = shape;
  const Catalog& cat = *p.catalog_;
  for (const char* code : {kConsult, kBed, kNursing}) {
    if (cat.find(code) == nullptr)
      return Status(Code::kNotFound, reason::kBadRequest, std::string("fee planner: the catalogue lacks item ") + code);
  }
  p.consult_ = cat.find(kConsult);
  p.bed_ = cat.find(kBed);
  p.nursing_ = cat.find(kNursing);
  for (size_t k = 0; k < cat.size(); ++k) {
    const Item& i = cat.at(static_cast<uint32_t>(k));
    if (!plain(i)) continue;
    const bool fixture = k < fixture_items;
    if (counted_drug(i)) p.hospital_drugs_.push_back(&i);
    if (i.kind == ItemKind::kHerb) p.herbs_.push_back(&i);
    // Fixture services are bed days and operations: outpatient extras take tests, materials and
    // the generated services only.
    if (i.kind == ItemKind::kExam || i.kind == ItemKind::kMaterial || (i.kind == ItemKind::kService && !fixture))
      p.extras_.push_back(&i);
    // Pharmacy lines are inline: one unknown item refuses the sale, so fixture items only.
    if (fixture && counted_drug(i) && i.otc) p.otc_drugs_.push_back(&i);
    if (fixture && counted_drug(i) && !i.otc && !i.restricted && i.cls != ChargeClass::kC) p.rx_drugs_.push_back(&i);
  }
  if (p.otc_drugs_.empty() || p.rx_drugs_.size() < 3 || p.hospital_drugs_.size() < 3 || p.extras_.empty())
    return Status(Code::kInvalidArgument, reason::kBadRequest,
                  "fee planner: the catalogue has too few drugs, OTC drugs or tests");
  if (shape.max_drugs < 1) return Status(Code::kInvalidArgument, reason::kBadRequest, "fee planner: max_drugs < 1");
  return p;
}

int32_t FeePlanner::line_count(const LineCountDist& d, Rng& rng) {
  const double v = rng.lognormal_median(d.median, d.sigma);
  const double r = std::floor(v + 0.5);
  if (r <= d.min) return d.min;
  if (r >= d.max) return d.max;
  return static_cast<int32_t>(r);
}

void FeePlanner::add(FeePlanModel& plan, const Item* item, int64_t price_fen, int64_t units, int32_t days, bool rx,
                     bool discharge) {
  // Never above the catalogue's cap (pric_uplmt_amt, millionths of a yuan).
  if (item->price_cap > 0) price_fen = std::max<int64_t>(1, std::min(price_fen, item->price_cap / 10000));
  PlannedLine l;
  l.item = item;
  l.price = Fen(price_fen);
  l.units = units;
  l.days = days;
  l.rx = rx;
  l.discharge = discharge;
  plan.total += l.amount();
  plan.prescription = plan.prescription || rx;
  plan.lines.push_back(l);
}

int FeePlanner::add_drugs(Rng& rng, const std::vector<const Item*>& from, int n, int32_t days, bool rx,
                          bool discharge, FeePlanModel& plan) const {
  int added = 0;
  for (int tries = 0; added < n && tries < 50 + 10 * n; ++tries) {
    const Item* d = from[rng.below(from.size())];
    bool clash = false;
    for (const PlannedLine& l : plan.lines) {
      // One line per drug; on a prescription, one drug per ATC-4 class (SAMECLASS allows two,
      // distinct classes leave room).
      clash = clash || l.item == d || (rx && l.rx && !d->atc4.empty() && l.item->atc4 == d->atc4);
    }
    if (clash) continue;
    add(plan, d, drug_price(rng), rng.between(1, 3), days, rx, discharge);
    ++added;
  }
  return added;
}

void FeePlanner::add_extra(Rng& rng, FeePlanModel& plan) const {
  const Item* e = extras_[rng.below(extras_.size())];
  const auto [price, units] = extra_price(*e, rng);
  add(plan, e, price, units, 0, false);
}

FeePlanModel FeePlanner::outpatient(Rng& rng) const {
  FeePlanModel plan;
  const int32_t n = line_count(shape_.outpatient, rng);
  plan.lines.reserve(static_cast<size_t>(n));
  add(plan, consult_, rng.between(10, 50) * 100, 1, 0, false);
  const int rest = n - 1;
  int drugs = 0;
  if (rest > 0) {
    const int want = std::min(shape_.max_drugs, std::max(1, (rest + 1) / 2));
    drugs = add_drugs(rng, hospital_drugs_, want, shape_.outpatient_days, true, false, plan);
  }
  for (int k = drugs; k < rest; ++k) {
    if (!herbs_.empty() && rng.bernoulli(0.2)) {
      // TCM decoction pieces: on the prescription, not counted by RX5.
      add(plan, herbs_[rng.below(herbs_.size())], rng.between(1, 30) * 100, rng.between(1, 10),
          shape_.outpatient_days, true);
      continue;
    }
    add_extra(rng, plan);
  }
  return plan;
}

FeePlanModel FeePlanner::chronic_refill(Rng& rng) const {
  FeePlanModel plan;
  const int32_t n = std::max(2, line_count(shape_.chronic_refill, rng));
  add(plan, consult_, rng.between(10, 30) * 100, 1, 0, false);
  const int drugs =
      add_drugs(rng, hospital_drugs_, std::min(shape_.max_drugs, n - 1), shape_.refill_days, true, false, plan);
  for (int k = 1 + drugs; k < n; ++k) add_extra(rng, plan);
  return plan;
}

FeePlanModel FeePlanner::pharmacy(Rng& rng) const {
  FeePlanModel plan;
  const int32_t n = line_count(shape_.pharmacy, rng);
  const bool otc = rng.bernoulli(shape_.pharmacy_otc_share);
  if (otc || n > shape_.max_drugs) {
    // OTC purchase off prescription: ≤ ¥50 in all (OTC60), each line within its share.
    const int64_t budget = 5000 / n;
    for (int k = 0; k < n; ++k) {
      // Distinct drugs while there are any left, then repeats (another pack, another price).
      const Item* d = static_cast<size_t>(k) < otc_drugs_.size() ? otc_drugs_[static_cast<size_t>(k)]
                                                                  : otc_drugs_[rng.below(otc_drugs_.size())];
      const int64_t units = budget >= 400 ? rng.between(1, 2) : 1;
      const int64_t price = rng.between(100, std::max<int64_t>(100, budget / units));
      add(plan, d, price, units, 3, false);
    }
    return plan;
  }
  // An outside prescription brought to the pharmacy.
  add_drugs(rng, rx_drugs_, n, shape_.outpatient_days, true, false, plan);
  return plan;
}

FeePlanModel FeePlanner::inpatient_day(Rng& rng, bool discharge_drugs) const {
  FeePlanModel plan;
  const int32_t n = line_count(shape_.inpatient_day, rng);
  add(plan, bed_, rng.between(30, 60) * 100, 1, 0, false);
  if (n >= 2) add(plan, nursing_, rng.between(20, 50) * 100, 1, 0, false);
  for (int k = static_cast<int>(plan.lines.size()); k < n; ++k) {
    if (rng.bernoulli(0.5)) {
      // A ward drug: no prescription, no supply limit (repeats of one drug are other doses).
      add(plan, hospital_drugs_[rng.below(hospital_drugs_.size())], drug_price(rng), rng.between(1, 3), 0, false);
      continue;
    }
    add_extra(rng, plan);
  }
  if (discharge_drugs) {
    // Discharge drugs: a prescription of their own (only they count in a stay).
    FeePlanModel rx;
    add_drugs(rng, hospital_drugs_, static_cast<int>(rng.between(1, shape_.max_drugs)), shape_.discharge_days, true,
              true, rx);
    for (const PlannedLine& l : rx.lines) {
      plan.lines.push_back(l);
      plan.total += l.amount();
    }
    plan.prescription = plan.prescription || rx.prescription;
  }
  return plan;
}

}  // namespace yibao::models
