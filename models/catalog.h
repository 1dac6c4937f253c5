// The catalogue of items (DOMAIN.md §1 "Catalogue class", §4.1 step 1, §5): drugs, services,
// tests and materials with their class A/B/C (甲/乙/丙), class-B pay-first share, price cap,
// restricted use, OTC flag and same-class group.
//
// A Catalog is immutable once built (load it, then share it read-only between threads; lookups
// are thread-safe). Items are addressed by their national code (`med_list_codg`) or, on hot
// paths, by the dense index `find()` returns, so resolved fee lines carry a pointer, never a
// string. Prices are in millionths of a yuan, as on the wire.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/money.h"

namespace yibao::models {

// Charge class. Wire chrgitm_lv "01", "02", "03"; any other code is class C (§4.6.3).
enum class ChargeClass : uint8_t { kA = 1, kB = 2, kC = 3 };

enum class ItemKind : uint8_t {
  kDrugWestern = 1,  // western medicine
  kDrugPatent = 2,   // Chinese patent medicine (中成药)
  kHerb = 3,         // TCM decoction pieces
  kService = 4,      // consultation, nursing, bed, procedures
  kExam = 5,         // tests and imaging
  kMaterial = 6,     // medical consumables
  kNonMedical = 7,   // goods outside medical care (always rejected, §11.21)
};

struct Item {
  std::string code;              // med_list_codg (national code)
  std::string name;
  ItemKind kind = ItemKind::kService;
  ChargeClass cls = ChargeClass::kA;
  // Class-B pay-first share from the catalogue (1319); has_selfpay_prop = false → the policy's
  // default share. Ignored for classes A and C (§4.6.3).
  bool has_selfpay_prop = false;
  Ratio selfpay_prop;
  int64_t price_cap = 0;         // pric_uplmt_amt, millionths of a yuan; 0 = no cap
  bool restricted = false;       // lmt_used_flag: paid only with approval (hosp_appr_flag)
  std::string restriction;       // the indication, for messages
  bool otc = false;              // over-the-counter drug
  std::string atc4;              // same-class group (ATC level 4, §11.23); empty if none
  uint8_t sex_only = 0;          // 0 any, 1 male only, 2 female only
  int16_t min_age = 0;           // implausible below (years)
  int16_t max_age = 200;         // implausible above (years)
  bool lump_sum = false;         // category-level (lump-sum) line: rejected (§5.3)
  uint32_t index = 0;            // dense index in its catalog (set by Catalog::add)

  bool is_drug() const { return kind == ItemKind::kDrugWestern || kind == ItemKind::kDrugPatent || kind == ItemKind::kHerb; }
};

class Catalog {
 public:
  Catalog() = default;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;
  Catalog(Catalog&&) = default;
  Catalog& operator=(Catalog&&) = default;

  // Adds or replaces an item by code; returns its index. Not thread-safe (build phase only).
  uint32_t add(Item item);
  // Adds `n` generated items ("G" + 11 digits) with a seeded mix of kinds, classes, price caps,
  // restricted and OTC drugs, for load tests. Deterministic in (n, seed).
  void add_generated(uint32_t n, uint64_t seed);

  // nullptr if unknown. The pointer stays valid for the catalog's lifetime.
  const Item* find(std::string_view code) const;
  const Item& at(uint32_t index) const { return items_[index]; }
  size_t size() const { return items_.size(); }
  const std::vector<Item>& items() const { return items_; }
  // A version string of the content ("fixture@3" etc.), stored with each settlement.
  const std::string& version() const { return version_; }
  void set_version(std::string v) { version_ = std::move(v); }

 private:
  // Transparent hashing: find(string_view) builds no std::string.
  struct CodeHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<Item> items_;
  std::unordered_map<std::string, uint32_t, CodeHash, std::equal_to<>> by_code_;
  std::string version_;
};

// Seed of the generated items a core adds for load (yibao-core --generated-items N): a load
// generator calling add_generated(N, kGeneratedItemsSeed) knows the very same codes.
inline constexpr uint64_t kGeneratedItemsSeed = 20190101;

std::string_view charge_class_code(ChargeClass c);  // "01" / "02" / "03"
ChargeClass parse_charge_class(std::string_view code);  // anything unknown → kC

}  // namespace yibao::models
