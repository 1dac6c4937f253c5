// WorkloadModel (models/workload.h): volumes per facility kind, rates, arrivals, visit plans and
// the samplers of DOMAIN.md §8.4. Calendar and hourly shapes are in workload_calendar.cc.
#include "models/workload.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "models/check.h"

namespace yibao::models {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

size_t vk(VisitKind k) { return static_cast<size_t>(k); }

// Floor division for (possibly negative) civil seconds.
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

void normalise(HourShape& s, const char* what) {
  double sum = 0;
  for (double x : s) {
    YB_CHECK(x >= 0, what);
    sum += x;
  }
  YB_CHECK(sum > 0, what);
  for (double& x : s) x *= 24.0 / sum;
}

// Σ_kind weight × facilities of that kind.
double weighted_count(const Population& pop, const std::array<double, kFacilityKinds>& w) {
  double d = 0;
  for (int k = 0; k < kFacilityKinds; ++k) d += w[static_cast<size_t>(k)] * pop.facility_count(kKindOrder[static_cast<size_t>(k)]);
  return d;
}

}  // namespace

WorkloadModel::WorkloadModel(const Population& pop, WorkloadParams params) : pop_(pop), params_(std::move(params)) {
  normalise(params_.diurnal, "workload: diurnal shape must be non-negative with a positive sum");
  normalise(params_.discharge, "workload: discharge shape must be non-negative with a positive sum");
  const VisitsPerDay& v = pop.preset().visits_per_day;
  const double f = params_.volume_factor;
  const double d_out = weighted_count(pop, params_.outpatient_weight);
  const double d_pha = weighted_count(pop, params_.pharmacy_weight);
  const double d_adm = weighted_count(pop, params_.admission_weight);
  for (size_t k = 0; k < kFacilityKinds; ++k) {
    const double out = d_out > 0 ? f * static_cast<double>(v.outpatient) * params_.outpatient_weight[k] / d_out : 0;
    const double refill = std::clamp(params_.chronic_refill_share[k], 0.0, 1.0);
    daily_[k][vk(VisitKind::kOutpatient)] = out * (1 - refill);
    daily_[k][vk(VisitKind::kChronicRefill)] = out * refill;
    daily_[k][vk(VisitKind::kPharmacy)] =
        d_pha > 0 ? f * static_cast<double>(v.pharmacy) * params_.pharmacy_weight[k] / d_pha : 0;
    daily_[k][vk(VisitKind::kInpatient)] =
        d_adm > 0 ? f * static_cast<double>(v.admissions) * params_.admission_weight[k] / d_adm : 0;
  }
  const double ratio = params_.los_mean_days / params_.los_median_days;
  los_sigma_ = ratio > 1 ? std::sqrt(2.0 * std::log(ratio)) : 0.0;
}

double WorkloadModel::daily_volume(Level kind, VisitKind k) const {
  return daily_[static_cast<size_t>(kind_index(kind))][vk(k)];
}

double WorkloadModel::daily_volume(uint32_t j, VisitKind k) const { return daily_volume(pop_.facility_kind(j), k); }

double WorkloadModel::rate_in_hour(size_t kind_idx, VisitKind k, int64_t hour_index) const {
  const double daily = daily_[kind_idx][vk(k)];
  if (daily <= 0) return 0;
  const int64_t day = floor_div(hour_index, 24);
  const auto hour = static_cast<size_t>(hour_index - day * 24);
  return daily / 86400.0 * params_.diurnal[hour] * day_factor(CivilDate{static_cast<int32_t>(day)});
}

double WorkloadModel::rate_per_s(uint32_t j, VisitKind k, CivilTime t) const {
  return rate_in_hour(static_cast<size_t>(kind_index(pop_.facility_kind(j))), k, floor_div(t.s, 3600));
}

double WorkloadModel::expected_arrivals(uint32_t j, VisitKind k, double from, double to) const {
  const auto ki = static_cast<size_t>(kind_index(pop_.facility_kind(j)));
  double sum = 0;
  for (double t = from; t < to;) {
    const auto h = static_cast<int64_t>(std::floor(t / 3600.0));
    const double end = std::min(to, static_cast<double>(h + 1) * 3600.0);
    sum += rate_in_hour(ki, k, h) * (end - t);
    t = end;
  }
  return sum;
}

int32_t WorkloadModel::counter_windows(uint32_t j) const {
  const Level kind = pop_.facility_kind(j);
  const int32_t w = params_.windows[static_cast<size_t>(kind_index(kind))];
  // Pharmacies have 1–2 windows (§8.4): every other one has the second.
  if (kind == Level::kPharmacy && j % 2 == 0) return w + 1;
  return w;
}

double WorkloadModel::next_arrival(uint32_t j, VisitKind k, double from, double until, Rng& rng) const {
  const auto ki = static_cast<size_t>(kind_index(pop_.facility_kind(j)));
  if (daily_[ki][vk(k)] <= 0 || !(from < until)) return kInf;
  // The integrated rate from `from` to the next arrival is Exp(1): walk the hours, whose rates
  // are constant, until it is used up.
  double e = rng.exponential(1.0);
  for (double t = from; t < until;) {
    const auto h = static_cast<int64_t>(std::floor(t / 3600.0));
    const double end = static_cast<double>(h + 1) * 3600.0;
    const double r = rate_in_hour(ki, k, h);
    const double mass = r * (end - t);
    if (mass >= e) {
      const double a = t + e / r;
      return a < until ? a : kInf;
    }
    e -= mass;
    t = end;
  }
  return kInf;
}

double WorkloadModel::next_arrival_s(uint32_t j, VisitKind k, CivilTime start, double from_s, double end_s,
                                     Rng& rng) const {
  const auto s0 = static_cast<double>(start.s);
  const double a = next_arrival(j, k, s0 + from_s, s0 + end_s, rng);
  return a == kInf ? kInf : a - s0;
}

// ---- Visits --------------------------------------------------------------------------------

namespace {

// A person who can settle on `day`: enrolled, and a resident's premium paid through that day.
bool can_settle(const Population& pop, uint64_t i, CivilDate day) {
  const Person p = pop.person(i);
  return p.enrolment == Enrolment::kEnrolled && (p.insutype != Insutype::kResident || day <= p.paid_through);
}

}  // namespace

void WorkloadModel::draw_person(VisitPlan& p, Rng& rng) const {
  const CivilDate today = p.arrival.date();
  bool found = false;
  if (p.kind == VisitKind::kChronicRefill) {
    for (int tries = 0; tries < 8 && !found; ++tries) {
      const std::optional<uint64_t> i = pop_.chronic_person_for(p.facility, rng);
      if (!i) break;
      p.person = *i;
      found = !params_.enrolled_only || can_settle(pop_, *i, today);
    }
    if (!found) p.kind = VisitKind::kOutpatient;  // nobody with a chronic filing nearby
  }
  for (int tries = 0; tries < 16 && !found; ++tries) {
    p.person = pop_.person_for(p.facility, rng);
    found = !params_.enrolled_only || can_settle(pop_, p.person, today);
  }
}

void WorkloadModel::plan_stay(VisitPlan& p, double los, const FeePlanner& fees, Rng& rng) const {
  const CivilTime arrival = p.arrival;
  const CivilDate last = arrival.plus_seconds(static_cast<int64_t>(los * 86400.0)).date();
  CivilTime out = discharge_time_on(last, rng);
  // Discharged at least an hour after admission (a same-day discharge hour may precede it).
  if (out.s < arrival.s + 3600) out = discharge_time_on(CivilDate{last.days + 1}, rng);
  p.discharge = out;
  p.length_of_stay_s = static_cast<double>(out.s - arrival.s);
  const bool discharge_drugs = rng.bernoulli(params_.discharge_drugs_share);
  for (int32_t d = arrival.date().days; d <= out.date().days; ++d) {
    const int32_t n = uploads_per_day(rng);
    for (int32_t u = 0; u < n; ++u) {
      // One upload at 15:00, or two at 10:00 and 16:00, each within the hour.
      const int hour = n == 1 ? 15 : 10 + 6 * u;
      const int64_t at = start_of(CivilDate{d}).s + hour * 3600 + static_cast<int64_t>(rng.below(3600));
      if (at > arrival.s && at < out.s) p.upload_at_s.push_back(static_cast<double>(at - arrival.s));
    }
  }
  if (p.upload_at_s.empty()) p.upload_at_s.push_back(p.length_of_stay_s / 2);
  for (size_t u = 0; u < p.upload_at_s.size(); ++u)
    p.fees.push_back(fees.inpatient_day(rng, discharge_drugs && u + 1 == p.upload_at_s.size()));
}

VisitPlan WorkloadModel::plan_visit(uint32_t j, VisitKind k, CivilTime arrival, const FeePlanner& fees,
                                    Rng& rng) const {
  VisitPlan p;
  p.kind = k;
  p.facility = j;
  p.arrival = arrival;
  draw_person(p, rng);
  switch (p.kind) {
    case VisitKind::kOutpatient: p.fees.push_back(fees.outpatient(rng)); break;
    case VisitKind::kChronicRefill: p.fees.push_back(fees.chronic_refill(rng)); break;
    case VisitKind::kPharmacy: p.fees.push_back(fees.pharmacy(rng)); break;
    case VisitKind::kInpatient: plan_stay(p, length_of_stay_days(rng), fees, rng); break;
  }
  return p;
}

std::vector<VisitPlan> WorkloadModel::in_house_at(uint32_t j, CivilTime start, const FeePlanner& fees,
                                                  uint64_t seed) const {
  std::vector<VisitPlan> out;
  const auto s0 = static_cast<double>(start.s);
  double from = s0 - (params_.los_max_days + 1) * 86400.0;
  Rng arrivals(seed, stream_id("in-house-arrivals"), j);
  std::unordered_set<uint64_t> persons;
  for (uint64_t n = 0;; ++n) {
    from = next_arrival(j, VisitKind::kInpatient, from, s0, arrivals);
    if (from == kInf) break;
    Rng rng(seed, stream_id("in-house"), (uint64_t{j} << 32) | n);
    const double los = length_of_stay_days(rng);
    VisitPlan p;
    p.kind = VisitKind::kInpatient;
    p.facility = j;
    p.arrival = CivilTime{static_cast<int64_t>(from)};
    // Discharged on the day the stay ends or the next: over before `start` whatever the hour.
    const CivilDate last = p.arrival.plus_seconds(static_cast<int64_t>(los * 86400.0)).date();
    if (start_of(CivilDate{last.days + 2}).s <= start.s) continue;
    draw_person(p, rng);
    plan_stay(p, los, fees, rng);
    if (p.discharge.s <= start.s || !persons.insert(p.person).second) continue;
    out.push_back(std::move(p));
  }
  return out;
}

// ---- Samplers ------------------------------------------------------------------------------

CardRead WorkloadModel::card_read(Rng& rng, double failure) const {
  const CardReadParams& c = params_.card;
  CardRead r;
  if (rng.bernoulli(c.qr_share)) {
    r.method = CardMethod::kQr;
    r.seconds = c.qr_s;
  } else {
    r.seconds = rng.lognormal_median(c.median_s, c.sigma);
  }
  if (rng.bernoulli(failure)) {
    r.failed_first = true;
    r.method = CardMethod::kIdCard;
    r.seconds += c.id_card_s;
  }
  return r;
}

double WorkloadModel::registration_to_fees_s(VisitKind k, Rng& rng) const {
  const double median =
      k == VisitKind::kChronicRefill ? params_.refill_reg_to_fees_median_s : params_.reg_to_fees_median_s;
  return rng.lognormal_median(median, params_.reg_to_fees_sigma);
}

double WorkloadModel::length_of_stay_days(Rng& rng) const {
  return std::min(params_.los_max_days, rng.lognormal_median(params_.los_median_days, los_sigma_));
}

int32_t WorkloadModel::uploads_per_day(Rng& rng) const {
  return static_cast<int32_t>(rng.between(params_.uploads_per_day_min, params_.uploads_per_day_max));
}

CivilTime WorkloadModel::discharge_time_on(CivilDate date, Rng& rng) const {
  // The shape sums to 24 (normalised): pick the hour by its cumulative share.
  double u = rng.uniform() * 24.0;
  size_t h = 0;
  for (; h < 23; ++h) {
    if (u < params_.discharge[h]) break;
    u -= params_.discharge[h];
  }
  while (params_.discharge[h] <= 0 && h > 0) --h;  // rounding past the last non-empty hour
  return start_of(date).plus_seconds(static_cast<int64_t>(h) * 3600 + static_cast<int64_t>(rng.below(3600)));
}

}  // namespace yibao::models
