#include "bench/load/roster.h"

#include <algorithm>
#include <array>

#include "models/catalog_yaml.h"

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

PersonPicker::PersonPicker(const models::Population& pop, uint64_t seed, CivilDate today)
    : pop_(pop), rng_(seed, models::stream_id("load.persons")), today_(today) {}

std::optional<models::Person> PersonPicker::draw(uint32_t j) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    const uint64_t i = pop_.person_for(j, rng_);
    if (used_.count(i) != 0) continue;
    // Family mutual aid: a person's settlement may draw on the relative's account, so neither
    // may be a visitor of this run already (their accounts would move between 2206 and 2207).
    const std::optional<uint64_t> relative = pop_.mulaid_relative(i);
    if (relative && used_.count(*relative) != 0) continue;
    pop_.person_into(i, scratch_);
    if (scratch_.enrolment != models::Enrolment::kEnrolled) continue;
    if (scratch_.insutype == models::Insutype::kResident && scratch_.paid_through < today_) continue;
    used_.insert(i);
    if (relative) used_.insert(*relative);
    return scratch_;
  }
  return std::nullopt;
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

namespace {

// Passes every line rule whatever the person: no sex, age, lump-sum or non-medical item.
bool plain(const models::Item& i) {
  return i.kind != models::ItemKind::kNonMedical && !i.lump_sum && i.sex_only == 0 && i.min_age <= 0 &&
         i.max_age >= 120;
}

}  // namespace

std::optional<FeePlanner> FeePlanner::create(uint32_t generated_items, std::string* error) {
  auto c = models::load_catalog(std::string(YB_MODELS_DATA_DIR) + "/catalog_fixture.yaml");
  if (!c.ok()) {
    *error = std::string(c.status().message());
    return std::nullopt;
  }
  const size_t fixture_items = c->size();
  c->add_generated(generated_items, models::kGeneratedItemsSeed);
  FeePlanner p;
  p.catalog_ = std::make_shared<models::Catalog>(std::move(c).value());
  for (size_t k = 0; k < p.catalog_->size(); ++k) {
    const models::Item& i = p.catalog_->at(static_cast<uint32_t>(k));
    if (!i.is_drug() || !plain(i)) continue;
    p.hospital_drugs_.push_back(&i);
    // Pharmacy lines are inline: one unknown item refuses the sale, so fixture items only.
    if (k < fixture_items && i.otc) p.otc_drugs_.push_back(&i);
    if (k < fixture_items && !i.otc && !i.restricted && i.cls != models::ChargeClass::kC) p.rx_drugs_.push_back(&i);
  }
  for (const char* code : {"001102000010000", "002503010010000"}) {
    if (p.catalog_->find(code) == nullptr) {
      *error = std::string("the fixture catalogue lacks item ") + code;
      return std::nullopt;
    }
  }
  if (p.otc_drugs_.empty() || p.rx_drugs_.size() < 3) {
    *error = "the fixture catalogue has too few OTC or prescription drugs";
    return std::nullopt;
  }
  return p;
}

void FeePlanner::add_drugs(models::Rng& rng, const std::vector<const models::Item*>& from, int n, FeePlan& plan) const {
  std::vector<std::string> classes;
  for (int tries = 0; n > 0 && tries < 50; ++tries) {
    const models::Item* d = from[rng.below(from.size())];
    bool clash = false;
    for (const auto& l : plan.lines) clash = clash || l.med_list_codg() == d->code;
    if (!d->atc4.empty()) clash = clash || std::find(classes.begin(), classes.end(), d->atc4) != classes.end();
    if (clash) continue;
    if (!d->atc4.empty()) classes.push_back(d->atc4);
    const int64_t price = rng.between(5, 80) * 100 + rng.between(0, 99);
    const int64_t units = rng.between(1, 3);
    plan.lines.push_back(fee_line(static_cast<int>(plan.lines.size()) + 1, *d, price, units, 3));
    plan.total += price * units;
    --n;
  }
  plan.prescription = true;
}

FeePlan FeePlanner::outpatient(models::Rng& rng) const {
  FeePlan plan;
  const int64_t consult = rng.between(10, 50) * 100;
  plan.lines.push_back(fee_line(1, *catalog_->find("001102000010000"), consult, 1, 0));
  plan.total += consult;
  add_drugs(rng, hospital_drugs_, static_cast<int>(rng.between(1, 3)), plan);
  if (rng.bernoulli(0.3)) {
    const int64_t test = rng.between(30, 200) * 100;
    plan.lines.push_back(
        fee_line(static_cast<int>(plan.lines.size()) + 1, *catalog_->find("002503010010000"), test, 1, 0));
    plan.total += test;
  }
  return plan;
}

FeePlan FeePlanner::pharmacy(models::Rng& rng) const {
  FeePlan plan;
  if (rng.bernoulli(0.5)) {
    // OTC purchase: one item, ≤ ¥50 in all (OTC60).
    const models::Item* d = otc_drugs_[rng.below(otc_drugs_.size())];
    const int64_t price = rng.between(5, 25) * 100;
    const int64_t units = rng.between(1, 2);
    plan.lines.push_back(fee_line(1, *d, price, units, 3));
    plan.total = price * units;
    return plan;
  }
  add_drugs(rng, rx_drugs_, static_cast<int>(rng.between(1, 3)), plan);
  for (auto& l : plan.lines) l.set_rx_circ_flag(1);  // an outside prescription brought to the pharmacy
  return plan;
}

}  // namespace yibao::load
