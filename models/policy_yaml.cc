#include "models/policy_yaml.h"

#include <array>

#include "models/common_yaml.h"

namespace yibao::models {

namespace {

constexpr std::array<std::string_view, kInpatientRows> kInpatientRowNames{"primary", "level1", "level2", "level3"};
constexpr std::array<std::string_view, kLevelCount> kOutpatientRowNames{"village", "primary", "level1",
                                                                        "level2",  "level3",  "pharmacy"};
// Assistance and bonus groups by MafGroup value (kNone has no name).
constexpr std::array<std::string_view, kMafGroups> kGroupNames{"", "TK", "DB", "DS", "FP"};

void read_in_service_retired(YamlReader& r, const YAML::Node& n, std::string_view what, InServiceRetired& out) {
  if (!r.map(n, what, {"in_service", "retired"})) return;
  r.percent(n, "in_service", out.in_service);
  r.percent(n, "retired", out.retired);
}

void read_employee(YamlReader& r, const YAML::Node& n, EmployeePolicy& e) {
  if (!r.map(n, "employee", {"inpatient", "pooled_cap", "large_amount", "civil_servant_share", "enterprise_share",
                             "outpatient", "chronic"}))
    return;
  if (const YAML::Node ip = n["inpatient"]; ip && r.map(ip, "employee.inpatient", {"primary", "level1", "level2", "level3"})) {
    for (size_t i = 0; i < kInpatientRows; ++i) {
      const YAML::Node row = ip[std::string(kInpatientRowNames[i])];
      if (!row || !r.map(row, kInpatientRowNames[i], {"deductible", "in_service", "retired"})) continue;
      r.yuan(row, "deductible", e.inpatient[i].deductible);
      r.percent(row, "in_service", e.inpatient[i].ratio.in_service);
      r.percent(row, "retired", e.inpatient[i].ratio.retired);
    }
  }
  r.yuan(n, "pooled_cap", e.pooled_cap);
  if (const YAML::Node la = n["large_amount"]; la && r.map(la, "employee.large_amount", {"ratio", "cap"})) {
    r.percent(la, "ratio", e.large_ratio);
    r.yuan(la, "cap", e.large_cap);
  }
  r.percent(n, "civil_servant_share", e.cvlserv_share);
  r.percent(n, "enterprise_share", e.hifes_share);
  if (const YAML::Node op = n["outpatient"]; op && r.map(op, "employee.outpatient", {"deductible", "ratios", "cap"})) {
    if (const YAML::Node d = op["deductible"]; d && r.map(d, "employee.outpatient.deductible", {"in_service", "retired"})) {
      r.yuan(d, "in_service", e.otp_deductible_in_service);
      r.yuan(d, "retired", e.otp_deductible_retired);
    }
    if (const YAML::Node ratios = op["ratios"];
        ratios && r.map(ratios, "employee.outpatient.ratios",
                        {"village", "primary", "level1", "level2", "level3", "pharmacy"})) {
      for (size_t i = 0; i < kLevelCount; ++i)
        if (const YAML::Node row = ratios[std::string(kOutpatientRowNames[i])])
          read_in_service_retired(r, row, kOutpatientRowNames[i], e.outpatient[i]);
    }
    if (const YAML::Node c = op["cap"]; c && r.map(c, "employee.outpatient.cap", {"in_service", "retired"})) {
      r.yuan(c, "in_service", e.otp_cap_in_service);
      r.yuan(c, "retired", e.otp_cap_retired);
    }
  }
  if (const YAML::Node ch = n["chronic"]; ch && r.map(ch, "employee.chronic", {"cap"})) r.yuan(ch, "cap", e.chronic_cap);
}

void read_resident(YamlReader& r, const YAML::Node& n, ResidentPolicy& p) {
  if (!r.map(n, "resident", {"inpatient", "outpatient", "pooled_cap"})) return;
  if (const YAML::Node ip = n["inpatient"]; ip && r.map(ip, "resident.inpatient", {"primary", "level1", "level2", "level3"})) {
    for (size_t i = 0; i < kInpatientRows; ++i) {
      const YAML::Node row = ip[std::string(kInpatientRowNames[i])];
      if (!row || !r.map(row, kInpatientRowNames[i], {"deductible", "ratio"})) continue;
      r.yuan(row, "deductible", p.inpatient[i].deductible);
      r.percent(row, "ratio", p.inpatient[i].ratio);
    }
  }
  if (const YAML::Node op = n["outpatient"]; op && r.map(op, "resident.outpatient", {"ratios", "cap"})) {
    if (const YAML::Node ratios = op["ratios"];
        ratios && r.map(ratios, "resident.outpatient.ratios",
                        {"village", "primary", "level1", "level2", "level3", "pharmacy"})) {
      for (size_t i = 0; i < kLevelCount; ++i) {
        const YAML::Node v = ratios[std::string(kOutpatientRowNames[i])];
        if (!v) continue;
        // "not_covered" is 0 %: serious illness and assistance still see the self-burden (§4.6.10).
        if (v.IsScalar() && v.Scalar() == "not_covered") p.outpatient[i] = Ratio(0);
        else r.percent_of(v, kOutpatientRowNames[i], p.outpatient[i]);
      }
    }
    r.yuan(op, "cap", p.otp_cap);
  }
  r.yuan(n, "pooled_cap", p.pooled_cap);
}

bool group_of(std::string_view name, size_t& out) {
  for (size_t g = 1; g < kMafGroups; ++g)
    if (kGroupNames[g] == name) return out = g, true;
  return false;
}

void read_serious_illness(YamlReader& r, const YAML::Node& n, SeriousIllnessPolicy& si) {
  if (!r.map(n, "serious_illness", {"deductible", "bands", "group_bonus", "bonus_groups", "cap"})) return;
  r.yuan(n, "deductible", si.deductible);
  r.percent(n, "group_bonus", si.group_bonus);
  r.yuan(n, "cap", si.cap);
  if (const YAML::Node groups = n["bonus_groups"]; groups && r.seq(groups, "serious_illness.bonus_groups")) {
    si.bonus_group.fill(false);
    for (const auto& g : groups) {
      size_t idx = 0;
      if (!g.IsScalar() || !group_of(g.Scalar(), idx)) return r.fail(g, "bonus group must be one of TK, DB, DS, FP");
      si.bonus_group[idx] = true;
    }
  }
  if (const YAML::Node bands = n["bands"]; bands && r.seq(bands, "serious_illness.bands")) {
    if (bands.size() == 0) return r.fail(bands, "serious_illness.bands is empty");
    si.bands.clear();
    for (size_t i = 0; i < bands.size() && r.ok(); ++i) {
      const YAML::Node b = bands[i];
      if (!r.map(b, "a serious-illness band", {"width", "ratio"}) || !r.require(b, "ratio")) return;
      SeriousIllnessBand band;
      r.yuan(b, "width", band.width);
      r.percent(b, "ratio", band.ratio);
      const bool last = i + 1 == bands.size();
      if (!last && band.width.v == 0) return r.fail(b, "only the last band may leave out its width (open-ended)");
      si.bands.push_back(band);
    }
  }
  // Checked here, with a line, after both keys are known.
  for (size_t i = 0; i < si.bands.size() && r.ok(); ++i)
    if (si.bands[i].ratio.bp + si.group_bonus.bp > 10000)
      r.fail(n["bands"] ? n["bands"][i] : n, "band share plus group bonus exceeds 100 %");
}

void read_assistance(YamlReader& r, const YAML::Node& n, AssistancePolicy& a) {
  if (!r.map(n, "assistance", {"shares", "cap"})) return;
  if (const YAML::Node s = n["shares"]; s && r.map(s, "assistance.shares", {"TK", "DB", "DS", "FP"}))
    for (size_t g = 1; g < kMafGroups; ++g) r.percent(s, kGroupNames[g], a.share[g]);
  r.yuan(n, "cap", a.cap);
}

void read_out_of_area(YamlReader& r, const YAML::Node& n, OutOfAreaPolicy& o) {
  if (!r.map(n, "out_of_area", {"ratio_cut", "deductible_multiplier"})) return;
  if (const YAML::Node c = n["ratio_cut"]; c && r.map(c, "out_of_area.ratio_cut", {"referral", "emergency", "self_referral"})) {
    r.percent(c, "referral", o.cut_referral);
    r.percent(c, "emergency", o.cut_emergency);
    r.percent(c, "self_referral", o.cut_self_referral);
  }
  if (const YAML::Node m = n["deductible_multiplier"];
      m && r.map(m, "out_of_area.deductible_multiplier", {"in_province", "cross_province"})) {
    r.multiplier(m, "in_province", o.mult_in_province);
    r.multiplier(m, "cross_province", o.mult_cross_province);
  }
}

void read_chronic_list(YamlReader& r, const YAML::Node& n, std::vector<std::string>& out) {
  if (!r.seq(n, "rules.chronic_list")) return;
  out.clear();
  for (const auto& e : n) {
    std::string prefix;
    if (e.IsScalar()) {  // a bare ICD-10 prefix
      if (r.text_of(e, "chronic_list entry", prefix)) out.push_back(prefix);
      continue;
    }
    // {disease: name, icd10: [prefixes]}
    if (!r.map(e, "a chronic_list entry", {"disease", "icd10"}) || !r.require(e, "icd10")) return;
    const YAML::Node codes = e["icd10"];
    if (!r.seq(codes, "icd10")) return;
    for (const auto& c : codes)
      if (r.text_of(c, "icd10 prefix", prefix)) out.push_back(prefix);
  }
}

void read_rules(YamlReader& r, const YAML::Node& n, RuleParams& p) {
  if (!r.map(n, "rules",
             {"max_drugs_per_rx", "max_same_class_per_rx", "days_emergency", "days_acute", "days_general",
              "days_chronic", "days_listed_chronic", "days_outside_rx", "days_outside_rx_emergency", "days_discharge",
              "days_discharge_listed", "supply_action", "otc_max_purchase", "approval_unit_price",
              "approval_rx_total", "manual_review_amount", "early_refill_num", "early_refill_den",
              "max_lines_per_call", "review_deadline_working_days", "chronic_list"}))
    return;
  constexpr int64_t kBig = 100000;
  r.integer(n, "max_drugs_per_rx", p.max_drugs_per_rx, 1, kBig);
  r.integer(n, "max_same_class_per_rx", p.max_same_class_per_rx, 1, kBig);
  r.integer(n, "days_emergency", p.days_emergency, 1, kBig);
  r.integer(n, "days_acute", p.days_acute, 1, kBig);
  r.integer(n, "days_general", p.days_general, 1, kBig);
  r.integer(n, "days_chronic", p.days_chronic, 1, kBig);
  r.integer(n, "days_listed_chronic", p.days_listed_chronic, 1, kBig);
  r.integer(n, "days_outside_rx", p.days_outside_rx, 1, kBig);
  r.integer(n, "days_outside_rx_emergency", p.days_outside_rx_emergency, 1, kBig);
  r.integer(n, "days_discharge", p.days_discharge, 1, kBig);
  r.integer(n, "days_discharge_listed", p.days_discharge_listed, 1, kBig);
  if (const YAML::Node a = n["supply_action"]) {
    if (a.IsScalar() && a.Scalar() == "reject") p.supply_action = SupplyAction::kReject;
    else if (a.IsScalar() && a.Scalar() == "self_pay") p.supply_action = SupplyAction::kSelfPay;
    else r.fail(a, "supply_action must be reject or self_pay");
  }
  r.yuan(n, "otc_max_purchase", p.otc_max_purchase);
  r.price(n, "approval_unit_price", p.approval_unit_price);
  r.yuan(n, "approval_rx_total", p.approval_rx_total);
  r.yuan(n, "manual_review_amount", p.manual_review_amount);
  r.integer(n, "early_refill_num", p.early_refill_num, 0, kBig);
  r.integer(n, "early_refill_den", p.early_refill_den, 1, kBig);
  r.integer(n, "max_lines_per_call", p.max_lines_per_call, 1, kBig);
  r.integer(n, "review_deadline_working_days", p.review_deadline_working_days, 1, kBig);
  if (const YAML::Node c = n["chronic_list"]) read_chronic_list(r, c, p.chronic_list);
}

void read_set(YamlReader& r, const YAML::Node& n, PolicySet& p) {
  if (!r.map(n, "a policy set",
             {"id", "version", "effective_from", "effective_to", "class_b_share", "readmission_share", "employee",
              "resident", "serious_illness", "assistance", "out_of_area", "rules"}))
    return;
  if (!r.require(n, "id") || !r.require(n, "version") || !r.require(n, "effective_from")) return;
  r.text(n, "id", p.id);
  if (r.ok() && p.id.find('@') != std::string::npos) r.fail(n["id"], "id must not contain '@'");
  r.integer(n, "version", p.version, 0, INT32_MAX);
  r.date(n, "effective_from", p.effective_from);
  if (n["effective_to"]) {
    CivilDate to;
    r.date(n, "effective_to", to);
    if (r.ok() && to < p.effective_from) r.fail(n["effective_to"], "effective_to is before effective_from");
    p.effective_to = to;
  }
  r.percent(n, "class_b_share", p.class_b_share);
  if (const YAML::Node rs = n["readmission_share"]; rs && r.seq(rs, "readmission_share")) {
    if (rs.size() != 3) return r.fail(rs, "readmission_share needs 3 values: 1st, 2nd, 3rd-and-later admission");
    for (size_t i = 0; i < 3; ++i) r.percent_of(rs[i], "readmission_share", p.readmission_share[i]);
  }
  if (const YAML::Node e = n["employee"]) read_employee(r, e, p.employee);
  if (const YAML::Node e = n["resident"]) read_resident(r, e, p.resident);
  if (const YAML::Node e = n["serious_illness"]) read_serious_illness(r, e, p.serious_illness);
  if (const YAML::Node e = n["assistance"]) read_assistance(r, e, p.assistance);
  if (const YAML::Node e = n["out_of_area"]) read_out_of_area(r, e, p.out_of_area);
  if (const YAML::Node e = n["rules"]) read_rules(r, e, p.rules);
}

Result<PolicySet> set_from_node(const YAML::Node& n, std::string_view source) {
  YamlReader r(source);
  PolicySet p;
  read_set(r, n, p);
  YB_RETURN_IF_ERROR(r.status());
  // A last net: what the readers above cannot see field by field.
  if (Status s = validate(p); !s.ok())
    return Status(Code::kInvalidArgument, reason::kBadRequest,
                  std::string(source) + ":" + std::to_string(n.Mark().line + 1) + ": " + std::string(s.message()));
  return p;
}

}  // namespace

Result<PolicySet> parse_policy_set(std::string_view yaml_text, std::string_view source_name) {
  YB_ASSIGN_OR_RETURN(const YAML::Node root, parse_yaml_text(yaml_text, source_name));
  return set_from_node(root, source_name);
}

Result<PolicySet> load_policy_set(const std::string& path) {
  YB_ASSIGN_OR_RETURN(const std::string text, read_text_file(path));
  return parse_policy_set(text, path);
}

Result<PolicyBook> parse_policy_book(std::string_view yaml_text, std::string_view source_name) {
  YB_ASSIGN_OR_RETURN(const YAML::Node root, parse_yaml_text(yaml_text, source_name));
  PolicyBook book;
  auto add = [&](const YAML::Node& n) -> Status {
    YB_ASSIGN_OR_RETURN(PolicySet set, set_from_node(n, source_name));
    Status s = book.add(std::move(set));
    if (s.ok()) return s;
    return Status(s.code(), s.reason(), std::string(source_name) + ":" + std::to_string(n.Mark().line + 1) + ": " +
                                            std::string(s.message()));
  };
  if (root.IsMap() && root["policy_sets"]) {
    YamlReader r(source_name);
    if (!r.map(root, "a policy book", {"policy_sets"}) || !r.seq(root["policy_sets"], "policy_sets")) return r.status();
    for (const auto& n : root["policy_sets"]) YB_RETURN_IF_ERROR(add(n));
  } else {
    YB_RETURN_IF_ERROR(add(root));
  }
  return book;
}

Result<PolicyBook> load_policy_book(const std::string& path) {
  YB_ASSIGN_OR_RETURN(const std::string text, read_text_file(path));
  return parse_policy_book(text, path);
}

}  // namespace yibao::models
