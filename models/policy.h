// Policy sets: every deductible, ratio and cap of the settlement waterfall as data
// (DOMAIN.md §4.4 DEFAULT FIXTURE, overridable by policy files: models/policy_yaml.h), plus the
// audit-rule parameters (models/rule_params.h), with an effective period and a version.
//
// A PolicySet default-constructs to the DEFAULT FIXTURE, in force from 2019-01-01 with no end.
// The readings of DOMAIN.md §4.6 are code (models/calculator.cc); only the numbers live here.
// A PolicyBook holds several sets and answers "which set prices a visit at this care time".
// Units: amounts Fen, shares Ratio (ten-thousandths), deductible multipliers Ratio (15000 = ×1.5).
// Invariant of a set that passed validate(): every share in [0 %, 100 %] (a serious-illness
// band's share plus the group bonus too), amounts ≥ 0, multipliers > 0, at least one band.
// Values; a PolicyBook is not thread-safe to modify, safe to read concurrently once built, and
// the pointers it returns stay valid for its lifetime.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/entities.h"
#include "models/money.h"
#include "models/rule_params.h"
#include "models/status.h"
#include "models/time.h"

namespace yibao::models {

// Outpatient tables have one row per Level (village, primary, level 1-3, pharmacy), indexed by
// the Level's value. Inpatient tables have four rows (primary, level 1-3); a village site uses
// the primary row (§4.6.17); there is no inpatient row for a pharmacy.
inline constexpr size_t kLevelCount = 6;
inline constexpr size_t kInpatientRows = 4;
constexpr size_t level_index(Level l) { return static_cast<size_t>(l); }
// Inpatient row of a level: village and primary → 0, level 1 → 1, level 2 → 2, level 3 → 3;
// -1 for a pharmacy.
constexpr int inpatient_row(Level l) {
  switch (l) {
    case Level::kVillage:
    case Level::kPrimary: return 0;
    case Level::kLevel1: return 1;
    case Level::kLevel2: return 2;
    case Level::kLevel3: return 3;
    case Level::kPharmacy: return -1;
  }
  return -1;
}
inline constexpr size_t kMafGroups = 5;  // indexed by MafGroup's value
constexpr size_t maf_index(MafGroup g) { return static_cast<size_t>(g); }

struct InServiceRetired {
  Ratio in_service;
  Ratio retired;
  bool operator==(const InServiceRetired&) const = default;
};

struct EmployeeInpatientRow {
  Fen deductible;  // first admission of the year
  InServiceRetired ratio;
  bool operator==(const EmployeeInpatientRow&) const = default;
};

struct EmployeePolicy {
  // §4.4.2 inpatient, rows primary / level 1 / level 2 / level 3.
  std::array<EmployeeInpatientRow, kInpatientRows> inpatient{{
      {Fen::yuan(200), {Ratio::percent(92), Ratio::percent(95)}},
      {Fen::yuan(400), {Ratio::percent(90), Ratio::percent(93)}},
      {Fen::yuan(600), {Ratio::percent(88), Ratio::percent(91)}},
      {Fen::yuan(800), {Ratio::percent(85), Ratio::percent(88)}},
  }};
  Fen pooled_cap = Fen::yuan(100000);  // a year, inpatient + outpatient pooling + chronic
  Ratio large_ratio = Ratio::percent(90);
  Fen large_cap = Fen::yuan(400000);
  Ratio cvlserv_share = Ratio::percent(60);  // civil-servant subsidy, inpatient only
  Ratio hifes_share = Ratio::percent(0);     // enterprise supplementary, inpatient only
  // §4.4.3 outpatient pooling (门诊共济).
  Fen otp_deductible_in_service = Fen::yuan(200);  // a year
  Fen otp_deductible_retired = Fen::yuan(200);
  // Rows village, primary, level 1, level 2, level 3, pharmacy (outside prescription).
  std::array<InServiceRetired, kLevelCount> outpatient{{
      {Ratio::percent(70), Ratio::percent(75)},
      {Ratio::percent(70), Ratio::percent(75)},
      {Ratio::percent(65), Ratio::percent(70)},
      {Ratio::percent(60), Ratio::percent(65)},
      {Ratio::percent(50), Ratio::percent(55)},
      {Ratio::percent(50), Ratio::percent(55)},
  }};
  Fen otp_cap_in_service = Fen::yuan(2000);  // a year; also counts toward pooled_cap
  Fen otp_cap_retired = Fen::yuan(2500);
  // Listed chronic diseases: inpatient ratio of the level, no deductible, own cap.
  Fen chronic_cap = Fen::yuan(5000);
  bool operator==(const EmployeePolicy&) const = default;
};

struct ResidentInpatientRow {
  Fen deductible;  // first admission of the year
  Ratio ratio;
  bool operator==(const ResidentInpatientRow&) const = default;
};

struct ResidentPolicy {
  // §4.4.4 rows primary (also village) / level 1 / level 2 / level 3.
  std::array<ResidentInpatientRow, kInpatientRows> inpatient{{
      {Fen::yuan(100), Ratio::percent(90)},
      {Fen::yuan(300), Ratio::percent(85)},
      {Fen::yuan(600), Ratio::percent(75)},
      {Fen::yuan(1000), Ratio::percent(65)},
  }};
  // General outpatient, no deductible; rows as EmployeePolicy::outpatient. 0 % = "not covered".
  std::array<Ratio, kLevelCount> outpatient{Ratio::percent(60), Ratio::percent(60), Ratio::percent(50),
                                            Ratio::percent(50), Ratio(0), Ratio(0)};
  Fen otp_cap = Fen::yuan(300);          // a year; also counts toward pooled_cap
  Fen pooled_cap = Fen::yuan(150000);    // a year
  bool operator==(const ResidentPolicy&) const = default;
};

struct SeriousIllnessBand {
  Fen width;    // 0 = open-ended (allowed on the last band only)
  Ratio ratio;
  bool operator==(const SeriousIllnessBand&) const = default;
};

struct SeriousIllnessPolicy {
  Fen deductible = Fen::yuan(15000);  // on the year's cumulative base
  // Consecutive bands above the deductible; above the last finite band nothing is paid.
  std::vector<SeriousIllnessBand> bands{{Fen::yuan(50000), Ratio::percent(60)},
                                        {Fen::yuan(50000), Ratio::percent(70)},
                                        {Fen(0), Ratio::percent(80)}};
  Ratio group_bonus = Ratio::percent(5);  // added to every band for the groups below
  std::array<bool, kMafGroups> bonus_group{false, true, true, false, true};  // TK, DB, FP
  Fen cap = Fen::yuan(400000);            // a year
  bool operator==(const SeriousIllnessPolicy&) const = default;
};

struct AssistancePolicy {
  // Share of the in-scope self-burden left after all insurance, by MafGroup (none, TK, DB, DS, FP).
  std::array<Ratio, kMafGroups> share{Ratio(0), Ratio::percent(90), Ratio::percent(70), Ratio::percent(60),
                                      Ratio::percent(60)};
  Fen cap = Fen::yuan(50000);  // a year
  bool operator==(const AssistancePolicy&) const = default;
};

struct OutOfAreaPolicy {
  // Points off the pooled ratio (floored at 0 %), by filing (§4.4.6, §4.6.5). A filed long-term
  // resident or worker gets no adjustment at all (a reading, not a number).
  Ratio cut_referral = Ratio::percent(10);
  Ratio cut_emergency = Ratio::percent(10);
  Ratio cut_self_referral = Ratio::percent(20);  // also: no filing
  // Deductible multipliers (ten-thousandths: 15000 = ×1.5), also on the employee outpatient one.
  Ratio mult_in_province = Ratio(15000);
  Ratio mult_cross_province = Ratio(20000);
  bool operator==(const OutOfAreaPolicy&) const = default;
};

// The DEFAULT FIXTURE list of §5.2 as ICD-10 prefixes (the mapping is documented in policy.cc
// and in models/data/policy_default.yaml).
std::vector<std::string> default_chronic_list();
RuleParams default_rule_params();

struct PolicySet {
  std::string id = "fixture";
  int32_t version = 1;
  CivilDate effective_from = make_date(2019, 1, 1);
  std::optional<CivilDate> effective_to;  // last day in force (inclusive); none = open

  Ratio class_b_share = Ratio::percent(10);  // default pay-first share of class B (§4.4.1)
  // Share of the table deductible due for the 1st, 2nd, 3rd-and-later admission of a year
  // (both schemes, §4.6.4).
  std::array<Ratio, 3> readmission_share{Ratio::percent(100), Ratio::percent(50), Ratio(0)};
  EmployeePolicy employee;
  ResidentPolicy resident;
  SeriousIllnessPolicy serious_illness;
  AssistancePolicy assistance;
  OutOfAreaPolicy out_of_area;
  RuleParams rules = default_rule_params();

  // "id@version", stored with every settlement it prices.
  std::string tag() const { return id + "@" + std::to_string(version); }
  bool in_force_on(CivilDate d) const { return effective_from <= d && (!effective_to || d <= *effective_to); }
  bool operator==(const PolicySet&) const = default;
};

// The DEFAULT FIXTURE (the same as PolicySet{}).
inline PolicySet default_policy() { return PolicySet{}; }

// OK, or INVALID_ARGUMENT (reason E_BAD_REQUEST) naming the first offending field.
Status validate(const PolicySet& p);

class PolicyBook {
 public:
  PolicyBook() = default;
  PolicyBook(PolicyBook&&) = default;
  PolicyBook& operator=(PolicyBook&&) = default;

  // Adds a set after validate(). The same id@version again: OK if identical, ALREADY_EXISTS if
  // different (a published set is never edited; issue a new version).
  Status add(PolicySet set);

  // The set in force on the care time's date: among the sets whose period contains it, the one
  // with the latest effective_from, then the highest version, then the last added. nullptr if none.
  const PolicySet* in_force(CivilDate d) const;
  const PolicySet* in_force(CivilTime care_time) const { return in_force(care_time.date()); }
  // By id and version, or by tag "id@version"; nullptr if unknown.
  const PolicySet* find(std::string_view id, int32_t version) const;
  const PolicySet* find(std::string_view tag) const;

  size_t size() const { return sets_.size(); }
  const PolicySet& at(size_t i) const { return *sets_[i]; }

 private:
  std::vector<std::unique_ptr<const PolicySet>> sets_;
};

}  // namespace yibao::models
