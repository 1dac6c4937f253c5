// The workload of the simulator (DOMAIN.md §2.3, §3.3, §8.2–§8.4; DESIGN.md §5): how many visits
// of each kind arrive at each facility, when, and what each one carries.
//
//   - Volumes. The preset's visits_per_day (outpatient, pharmacy sales, admissions) are split
//     over the facilities by fixed weights per facility kind (kKindOrder), so Σ over all
//     facilities of daily_volume() is exactly the preset's figure × volume_factor on a day of
//     factor 1.0. Outpatient visits at level-1 hospitals, township/community centres and village
//     clinics are partly chronic refills (VisitKind::kChronicRefill, a share of that volume).
//   - Shape. rate_per_s = daily_volume / 86,400 × diurnal[hour] × day_factor(date): the
//     DEFAULT FIXTURE hourly multipliers (mean 1.0 over 24 h), weekday factors (Monday 1.3,
//     Tuesday–Friday 1.1, Saturday 0.7, Sunday 0.5; a holiday counts as a Sunday, a make-up
//     working day (调休) as Tuesday–Friday), times calendar factors (last 3 days of a month ×1.1;
//     December ×1.2, its last week Dec 25–31 ×1.4 instead; the two multiply). The week of
//     factors averages 6.9 / 7 ≈ 0.986, as published ("≈ 1.0").
//   - Arrivals. A non-homogeneous Poisson process with a rate constant within each civil hour:
//     next_arrival draws one Exp(1) and walks hour segments until the integrated rate reaches
//     it (exact, no thinning). Deterministic given the Rng.
//   - Visits. plan_visit draws the person (by index, Population::person_for /
//     chronic_person_for), the fee plans (FeePlanner), and for a stay its length, upload times
//     and discharge time (clustered 09–12).
//   - Samplers (DOMAIN.md §8.4): card read, registration → fee upload, length of stay, line counts
//     (workload_fees.h); fixed operator times are WorkloadParams::times.
// Units: seconds (double) for durations and simulated time; CivilTime for civil instants;
// money in Fen. Randomness only through models/rng.h.
// Thread safety: a WorkloadModel is immutable after construction; const methods are
// thread-safe. Rng arguments are the caller's and are mutated.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "models/population.h"
#include "models/population_preset.h"
#include "models/rng.h"
#include "models/time.h"
#include "models/workload_fees.h"

namespace yibao::models {

// Kinds of visit (values index arrays; in-memory only, never on the wire).
enum class VisitKind : uint8_t {
  kOutpatient = 0,     // 1101 → 2201 → 2203 → 2204 → 2206 → 2207, med_type "11"
  kChronicRefill = 1,  // the same calls, med_type "14", a person with a chronic filing
  kPharmacy = 2,       // 1101 → 2101 → 2102, med_type "41"
  kInpatient = 3,      // 1101 → 2401 → 2301 × N → 2402 → 2303 → 2304, med_type "21"
};
inline constexpr int kVisitKinds = 4;
std::string_view visit_kind_name(VisitKind k);  // "outpatient", "chronic_refill", "pharmacy", "inpatient"

// Hourly multipliers of the daily mean rate, index = civil hour 0..23.
using HourShape = std::array<double, 24>;
// DOMAIN.md §8.2 DEFAULT FIXTURE: 00–07 0.1, 07–08 1.0, 08–10 3.0, 10–12 2.6, 12–14 0.9,
// 14–17 1.9, 17–20 0.8, 20–24 0.3 (mean exactly 1.0).
const HourShape& default_diurnal();
// Discharges (our shape, mean 1.0): 08–09 1.0, 09–12 5.0, 12–14 1.5, 14–17 1.5, 17–18 0.5, else 0.
const HourShape& default_discharge_shape();
// default_diurnal()[hour], hour in 0..23.
double hour_multiplier(int hour);

// Holidays and make-up working days (调休), as civil dates. A plain value.
class Calendar {
 public:
  void add_holiday(CivilDate d);
  void add_makeup_day(CivilDate d);  // a weekend day worked as a weekday
  bool is_holiday(CivilDate d) const;
  bool is_makeup_day(CivilDate d) const;
  // Monday 1.3, Tuesday–Friday 1.1, Saturday 0.7, Sunday 0.5; holiday 0.5; make-up day 1.1.
  double weekday_factor(CivilDate d) const;
  // Last 3 days of a month ×1.1; December ×1.2, Dec 25–31 ×1.4; multiplied; else 1.0.
  static double month_factor(CivilDate d);
  double day_factor(CivilDate d) const { return weekday_factor(d) * month_factor(d); }

 private:
  std::vector<int32_t> holidays_;  // CivilDate::days, sorted, unique
  std::vector<int32_t> makeup_;
};

// Card read at the counter (DOMAIN.md §8.4). `seconds` includes an ID-card fallback after a
// failed read.
enum class CardMethod : uint8_t { kCard = 0, kQr = 1, kIdCard = 2 };
struct CardRead {
  CardMethod method = CardMethod::kCard;  // how the person was finally identified
  bool failed_first = false;              // the card read failed (then ID card)
  double seconds = 0;
};

struct CardReadParams {
  double median_s = 2.0;      // social-security card, lognormal
  double sigma = 0.5;
  double qr_share = 0.2;      // persons showing the e-voucher QR code (our choice)
  double qr_s = 1.0;
  double id_card_s = 5.0;     // fallback after a failed read
  double failure = 0.01;      // share of card or QR reads that fail
};

// Fixed operator times (DOMAIN.md §8.4), seconds.
struct OperatorTimes {
  double registration_s = 30;
  double settlement_confirm_s = 15;
  double pharmacy_sale_s = 60;  // the whole sale
  double fee_upload_s = 5;      // from the HIS
};

struct WorkloadParams {
  double volume_factor = 1.0;  // × every volume
  // Relative daily volume per facility by kind (kKindOrder: level 3, 2, 1, primary, village,
  // pharmacy). Zero = that kind has none of the visits. Our DEFAULT FIXTURE numbers.
  std::array<double, kFacilityKinds> outpatient_weight{200, 25, 6, 5, 0.6, 0};
  std::array<double, kFacilityKinds> pharmacy_weight{0, 0, 0, 0, 0, 1};
  std::array<double, kFacilityKinds> admission_weight{40, 10, 2, 0.5, 0, 0};
  // Share of a facility's outpatient volume that is chronic refills, by kind.
  std::array<double, kFacilityKinds> chronic_refill_share{0, 0, 0.25, 0.25, 0.25, 0};
  // Counter windows per facility by kind (§8.4); a pharmacy has 1 or 2 (even index: 2).
  std::array<int32_t, kFacilityKinds> windows{30, 10, 3, 2, 1, 1};
  Calendar calendar;
  HourShape diurnal = default_diurnal();            // arrivals; normalised to mean 1.0
  HourShape discharge = default_discharge_shape();  // discharge hour; normalised to mean 1.0
  CardReadParams card;
  OperatorTimes times;
  // Registration → fee upload, lognormal (sigma our choice).
  double reg_to_fees_median_s = 15 * 60.0;
  double refill_reg_to_fees_median_s = 2 * 60.0;
  double reg_to_fees_sigma = 0.5;
  // Length of stay, lognormal: median 7 days, mean 9 → sigma = sqrt(2 ln(9/7)).
  double los_median_days = 7;
  double los_mean_days = 9;
  double los_max_days = 180;
  int32_t uploads_per_day_min = 1;  // inpatient fee uploads per day of stay
  int32_t uploads_per_day_max = 2;
  double discharge_drugs_share = 0.6;  // stays ending with discharge drugs
  // Draw persons who can settle: enrolled, residents paid through the visit date.
  bool enrolled_only = true;
};

// One visit as the simulator consumes it.
struct VisitPlan {
  VisitKind kind = VisitKind::kOutpatient;  // kChronicRefill falls back to kOutpatient when no
                                            // chronic person was found
  uint32_t facility = 0;                    // population index
  uint64_t person = 0;                      // population index
  CivilTime arrival;
  // Outpatient, refill, pharmacy: one plan. Inpatient: one per fee upload, in order.
  std::vector<FeePlanModel> fees;
  // Inpatient: seconds after arrival of each upload (ascending, one per fees entry, all before
  // the discharge).
  std::vector<double> upload_at_s;
  double length_of_stay_s = 0;  // inpatient: arrival → discharge (2402)
  CivilTime discharge;          // inpatient: arrival + length_of_stay_s
};

class WorkloadModel {
 public:
  // `pop` must outlive the model. Volumes come from pop.preset().visits_per_day.
  explicit WorkloadModel(const Population& pop, WorkloadParams params = {});

  const WorkloadParams& params() const { return params_; }
  const Population& population() const { return pop_; }

  // ---- Volumes and rates -----------------------------------------------------------------
  // Mean visits of kind k per day at facility j on a day of factor 1.0 (volume_factor applied).
  double daily_volume(uint32_t j, VisitKind k) const;
  // The same for any facility of `kind`.
  double daily_volume(Level kind, VisitKind k) const;
  double day_factor(CivilDate d) const { return params_.calendar.day_factor(d); }
  // Instantaneous arrival rate at civil time t, visits per second.
  double rate_per_s(uint32_t j, VisitKind k, CivilTime t) const;
  // ∫ rate over [from, to) (civil seconds as double), expected visits.
  double expected_arrivals(uint32_t j, VisitKind k, double from, double to) const;
  // Counter windows of facility j.
  int32_t counter_windows(uint32_t j) const;

  // ---- Arrivals --------------------------------------------------------------------------
  // The next arrival after civil second `from` (CivilTime::s as double), or +infinity if none
  // before `until`. One Exp(1) draw per call.
  double next_arrival(uint32_t j, VisitKind k, double from, double until, Rng& rng) const;
  // The same in simulated seconds since `start`: the next arrival after from_s, or +infinity
  // if none before end_s.
  double next_arrival_s(uint32_t j, VisitKind k, CivilTime start, double from_s, double end_s, Rng& rng) const;

  // ---- Visits ----------------------------------------------------------------------------
  VisitPlan plan_visit(uint32_t j, VisitKind k, CivilTime arrival, const FeePlanner& fees, Rng& rng) const;
  // The stays in progress at facility j at `start` (a warm ward: a run that begins on an empty
  // ward sees no discharge for days). The admissions of the los_max_days + 1 days before `start`
  // (the arrival process of next_arrival, stream "in-house-arrivals" of `seed`, index j), each
  // with its length of stay and plan drawn from stream "in-house" (index j << 32 | admission
  // number) as plan_visit draws a stay; kept when the discharge is after `start`, one stay per
  // person. Ascending admission time. Expected count: ∫ rate(t) · P(stay > start − t) dt, about
  // daily admissions × mean length of stay (Little's law).
  std::vector<VisitPlan> in_house_at(uint32_t j, CivilTime start, const FeePlanner& fees, uint64_t seed) const;

  // ---- Samplers (seconds) ----------------------------------------------------------------
  CardRead card_read(Rng& rng) const { return card_read(rng, params_.card.failure); }
  // The same with another share of failed reads (a card-reader storm); the same draws.
  CardRead card_read(Rng& rng, double failure) const;
  double card_read_s(Rng& rng) const { return card_read(rng).seconds; }
  // Registration → fee upload (the doctor): lognormal, 15 min median (refill 2 min).
  double registration_to_fees_s(VisitKind k, Rng& rng) const;
  // Length of stay in days (lognormal median 7, mean 9, capped at los_max_days).
  double length_of_stay_days(Rng& rng) const;
  // Fee uploads on one day of a stay (uploads_per_day_min..max).
  int32_t uploads_per_day(Rng& rng) const;
  // A civil second within `date` drawn from the discharge shape.
  CivilTime discharge_time_on(CivilDate date, Rng& rng) const;

 private:
  double rate_in_hour(size_t kind_idx, VisitKind k, int64_t hour_index) const;
  // plan_visit's parts: the person (p.kind, p.facility and p.arrival set), and a stay of
  // `los_days` (discharge, upload times, fee plans).
  void draw_person(VisitPlan& p, Rng& rng) const;
  void plan_stay(VisitPlan& p, double los_days, const FeePlanner& fees, Rng& rng) const;

  const Population& pop_;
  WorkloadParams params_;
  // daily_[kind_index][visit kind], volume_factor applied.
  std::array<std::array<double, kVisitKinds>, kFacilityKinds> daily_{};
  double los_sigma_ = 0;
};

}  // namespace yibao::models
