#include "models/policy.h"

#include <algorithm>

namespace yibao::models {

// The §5.2 list as ICD-10 prefixes. A diagnosis matches when its code starts with a prefix, so
// "C" covers C00-C97 and "E11.2" covers E11.2xx. Mapping (the source list ends "etc."):
//   malignant tumour                         C (C00-C97)
//   systemic lupus erythematosus             M32
//   haemophilia                              D66 (VIII), D67 (IX), D68.0 (von Willebrand), D68.1 (XI),
//                                            D68.2 (other factors)
//   aplastic anaemia                         D61
//   schizophrenia                            F20
//   dialysis for chronic renal failure       N18, Z49 (dialysis care), Z99.2 (dependence on dialysis)
//   anti-rejection after organ transplant    Z94 (transplant status), T86 (rejection)
//   hypertension with organ complications    I11 (heart), I12 (kidney), I13 (heart and kidney),
//                                            I67.4 (encephalopathy), H35.0 (retinopathy)
//   diabetes with complications              E10/E11/E14 .2 kidney .3 eye .4 nerve .5 circulation
//                                            .6 other incl. infection .7 multiple
//   stroke recovery (filing limits 1 year)   I61, I63, I69
//   coronary heart disease                   I20, I21, I22, I24, I25
//   pulmonary tuberculosis                   A15, A16
//   chronic hepatitis                        B18, K73
std::vector<std::string> default_chronic_list() {
  std::vector<std::string> v = {"C",     "M32", "D66", "D67", "D68.0", "D68.1", "D68.2", "D61", "F20",
                                "N18",   "Z49", "Z99.2", "Z94", "T86", "I11",  "I12",   "I13", "I67.4",
                                "H35.0", "I61", "I63", "I69", "I20", "I21",  "I22",   "I24", "I25",
                                "A15",   "A16", "B18", "K73"};
  for (const char* e : {"E10", "E11", "E14"})
    for (char sub = '2'; sub <= '7'; ++sub) v.push_back(std::string(e) + "." + sub);
  return v;
}

RuleParams default_rule_params() {
  RuleParams r;
  r.chronic_list = default_chronic_list();
  return r;
}

namespace {

Status bad(std::string what) { return Status(Code::kInvalidArgument, reason::kBadRequest, std::move(what)); }

bool share_ok(Ratio r) { return r.bp >= 0 && r.bp <= 10000; }

}  // namespace

Status validate(const PolicySet& p) {
  if (p.id.empty()) return bad("policy id is empty");
  if (p.version < 0) return bad("policy version is negative");
  if (p.effective_to && *p.effective_to < p.effective_from) return bad("effective_to is before effective_from");
  if (!share_ok(p.class_b_share)) return bad("class_b_share is outside 0-100 %");
  for (Ratio r : p.readmission_share)
    if (!share_ok(r)) return bad("readmission_share is outside 0-100 %");

  const EmployeePolicy& e = p.employee;
  for (const auto& row : e.inpatient) {
    if (row.deductible.v < 0) return bad("employee inpatient deductible is negative");
    if (!share_ok(row.ratio.in_service) || !share_ok(row.ratio.retired))
      return bad("employee inpatient ratio is outside 0-100 %");
  }
  for (const auto& row : e.outpatient)
    if (!share_ok(row.in_service) || !share_ok(row.retired)) return bad("employee outpatient ratio is outside 0-100 %");
  for (Fen f : {e.pooled_cap, e.large_cap, e.otp_deductible_in_service, e.otp_deductible_retired, e.otp_cap_in_service,
                e.otp_cap_retired, e.chronic_cap})
    if (f.v < 0) return bad("an employee amount is negative");
  if (!share_ok(e.large_ratio) || !share_ok(e.cvlserv_share) || !share_ok(e.hifes_share))
    return bad("an employee share is outside 0-100 %");

  const ResidentPolicy& r = p.resident;
  for (const auto& row : r.inpatient) {
    if (row.deductible.v < 0) return bad("resident inpatient deductible is negative");
    if (!share_ok(row.ratio)) return bad("resident inpatient ratio is outside 0-100 %");
  }
  for (Ratio x : r.outpatient)
    if (!share_ok(x)) return bad("resident outpatient ratio is outside 0-100 %");
  if (r.otp_cap.v < 0 || r.pooled_cap.v < 0) return bad("a resident cap is negative");

  const SeriousIllnessPolicy& si = p.serious_illness;
  if (si.deductible.v < 0 || si.cap.v < 0) return bad("a serious-illness amount is negative");
  if (si.bands.empty()) return bad("serious illness has no band");
  if (!share_ok(si.group_bonus)) return bad("serious-illness group bonus is outside 0-100 %");
  for (size_t i = 0; i < si.bands.size(); ++i) {
    const auto& b = si.bands[i];
    if (b.width.v < 0) return bad("serious-illness band width is negative");
    if (b.width.v == 0 && i + 1 != si.bands.size()) return bad("only the last serious-illness band may be open");
    if (!share_ok(b.ratio) || !share_ok(Ratio(b.ratio.bp + si.group_bonus.bp)))
      return bad("serious-illness band share (with the group bonus) is outside 0-100 %");
  }
  if (si.bonus_group[maf_index(MafGroup::kNone)]) return bad("the serious-illness bonus cannot apply to no group");

  for (Ratio x : p.assistance.share)
    if (!share_ok(x)) return bad("assistance share is outside 0-100 %");
  if (!p.assistance.share[maf_index(MafGroup::kNone)].is_zero()) return bad("assistance share of no group must be 0");
  if (p.assistance.cap.v < 0) return bad("assistance cap is negative");

  const OutOfAreaPolicy& o = p.out_of_area;
  if (!share_ok(o.cut_referral) || !share_ok(o.cut_emergency) || !share_ok(o.cut_self_referral))
    return bad("out-of-area ratio cut is outside 0-100 %");
  if (o.mult_in_province.bp <= 0 || o.mult_cross_province.bp <= 0) return bad("deductible multiplier must be > 0");
  return Status::Ok();
}

Status PolicyBook::add(PolicySet set) {
  YB_RETURN_IF_ERROR(validate(set));
  if (const PolicySet* old = find(set.id, set.version)) {
    if (*old == set) return Status::Ok();
    return Status(Code::kAlreadyExists, reason::kBadRequest,
                  "policy " + set.tag() + " is already loaded with other content; issue a new version");
  }
  sets_.push_back(std::make_unique<const PolicySet>(std::move(set)));
  return Status::Ok();
}

const PolicySet* PolicyBook::in_force(CivilDate d) const {
  const PolicySet* best = nullptr;
  for (const auto& s : sets_) {
    if (!s->in_force_on(d)) continue;
    if (best == nullptr || s->effective_from > best->effective_from ||
        (s->effective_from == best->effective_from && s->version >= best->version))
      best = s.get();
  }
  return best;
}

const PolicySet* PolicyBook::find(std::string_view id, int32_t version) const {
  for (const auto& s : sets_)
    if (s->id == id && s->version == version) return s.get();
  return nullptr;
}

const PolicySet* PolicyBook::find(std::string_view tag) const {
  const size_t at = tag.rfind('@');
  if (at == std::string_view::npos) return nullptr;
  int32_t version = 0;
  const std::string_view digits = tag.substr(at + 1);
  if (digits.empty() || digits.size() > 9) return nullptr;
  for (char c : digits) {
    if (c < '0' || c > '9') return nullptr;
    version = version * 10 + (c - '0');
  }
  return find(tag.substr(0, at), version);
}

}  // namespace yibao::models
