#include "models/catalog.h"

#include <cstdio>

#include "models/rng.h"

namespace yibao::models {

uint32_t Catalog::add(Item item) {
  if (auto it = by_code_.find(item.code); it != by_code_.end()) {
    item.index = it->second;
    items_[it->second] = std::move(item);
    return it->second;
  }
  const auto index = static_cast<uint32_t>(items_.size());
  item.index = index;
  by_code_.emplace(item.code, index);
  items_.push_back(std::move(item));
  return index;
}

void Catalog::add_generated(uint32_t n, uint64_t seed) {
  static constexpr const char* kAtc4[] = {"C09AA", "C08CA", "A10BA", "J01CA", "N02BE", "R05CB", "M01AE", "B01AC"};
  items_.reserve(items_.size() + n);
  by_code_.reserve(by_code_.size() + n);
  for (uint32_t i = 0; i < n; ++i) {
    // One stream per item, so item i does not depend on how many were drawn before it.
    Rng rng(seed, stream_id("catalog.generated"), i);
    Item it;
    char code[16];
    std::snprintf(code, sizeof code, "G%011u", i + 1);
    it.code = code;
    const uint64_t k = rng.below(100);
    it.kind = k < 45 ? ItemKind::kDrugWestern
              : k < 60 ? ItemKind::kDrugPatent
              : k < 65 ? ItemKind::kHerb
              : k < 80 ? ItemKind::kService
              : k < 92 ? ItemKind::kExam
                       : ItemKind::kMaterial;
    it.name = std::string("generated item ") + (code + 1);
    const uint64_t c = rng.below(100);
    it.cls = c < 55 ? ChargeClass::kA : c < 85 ? ChargeClass::kB : ChargeClass::kC;
    if (it.cls == ChargeClass::kB && rng.bernoulli(0.3)) {
      it.has_selfpay_prop = true;
      it.selfpay_prop = Ratio::percent(static_cast<int32_t>(rng.between(5, 30)));
    }
    // Price caps on a tenth of the items, between 5 and 2,000 yuan (whole fen, in millionths).
    if (rng.bernoulli(0.1)) it.price_cap = rng.between(500, 200000) * 10000;
    if (it.is_drug()) {
      it.restricted = rng.bernoulli(0.05);
      if (it.restricted) it.restriction = "generated indication";
      it.otc = it.kind != ItemKind::kHerb && rng.bernoulli(0.15);
      if (rng.bernoulli(0.5)) it.atc4 = kAtc4[rng.below(std::size(kAtc4))];
    }
    add(std::move(it));
  }
}

const Item* Catalog::find(std::string_view code) const {
  const auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &items_[it->second];
}

std::string_view charge_class_code(ChargeClass c) {
  switch (c) {
    case ChargeClass::kA: return "01";
    case ChargeClass::kB: return "02";
    case ChargeClass::kC: return "03";
  }
  return "03";
}

ChargeClass parse_charge_class(std::string_view code) {
  if (code == "01") return ChargeClass::kA;
  if (code == "02") return ChargeClass::kB;
  return ChargeClass::kC;  // "03" and every unknown code (§4.6.3)
}

}  // namespace yibao::models
