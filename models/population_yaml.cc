#include "models/population_yaml.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <optional>
#include <sstream>

namespace yibao::models {
namespace {

constexpr std::array<std::string_view, kFacilityKinds> kKindKeys = {"level3", "level2", "level1",
                                                                   "primary", "village", "pharmacy"};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Status error_at(int line0, const std::string& path, const std::string& what) const {
    std::string msg = file_ + ":" + std::to_string(line0 + 1) + ": ";
    if (!path.empty()) msg += path + ": ";
    msg += what;
    return Status(Code::kInvalidArgument, reason::kBadRequest, std::move(msg), path);
  }
  Status error(const YAML::Node& n, const std::string& path, const std::string& what) const {
    return error_at(n.Mark().line, path, what);
  }

  Status map(const YAML::Node& n, const std::string& path) const {
    if (!n.IsMap()) return error(n, path, "expected a mapping");
    return Status::Ok();
  }
  Status seq(const YAML::Node& n, const std::string& path) const {
    if (!n.IsSequence()) return error(n, path, "expected a list");
    return Status::Ok();
  }
  // Every key of map `n` is one of `allowed`.
  Status keys(const YAML::Node& n, const std::string& path, std::initializer_list<std::string_view> allowed) const {
    YB_RETURN_IF_ERROR(map(n, path));
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
      bool ok = false;
      for (std::string_view a : allowed) ok = ok || key == a;
      if (!ok) return error(it->first, path, "unknown key '" + key + "'");
    }
    return Status::Ok();
  }
  Status require(const YAML::Node& parent, const std::string& path, std::initializer_list<std::string_view> required) const {
    for (std::string_view k : required)
      if (!parent[std::string(k)]) return error(parent, path, "missing key '" + std::string(k) + "'");
    return Status::Ok();
  }

  Status scalar(const YAML::Node& n, const std::string& path, std::string& out) const {
    if (!n.IsScalar()) return error(n, path, "expected a value");
    out = n.Scalar();
    return Status::Ok();
  }
  Status integer(const YAML::Node& n, const std::string& path, int64_t lo, int64_t hi, int64_t& out) const {
    std::string s;
    YB_RETURN_IF_ERROR(scalar(n, path, s));
    std::string digits;
    for (char c : s)
      if (c != '_') digits.push_back(c);
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
      return error(n, path, "expected a whole number, got '" + s + "'");
    if (v < lo || v > hi) return error(n, path, "must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + s);
    out = v;
    return Status::Ok();
  }
  template <typename T>
  Status number(const YAML::Node& n, const std::string& path, int64_t lo, int64_t hi, T& out) const {
    int64_t v = 0;
    YB_RETURN_IF_ERROR(integer(n, path, lo, hi, v));
    out = static_cast<T>(v);
    return Status::Ok();
  }
  Status real(const YAML::Node& n, const std::string& path, double& out) const {
    std::string s;
    YB_RETURN_IF_ERROR(scalar(n, path, s));
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
      return error(n, path, "expected a number, got '" + s + "'");
    out = v;
    return Status::Ok();
  }
  Status share(const YAML::Node& n, const std::string& path, double& out) const {
    YB_RETURN_IF_ERROR(real(n, path, out));
    if (out < 0 || out > 1) return error(n, path, "a share must be in [0, 1], got " + n.Scalar());
    return Status::Ok();
  }
  // Yuan with at most two decimals -> Fen, exactly.
  Status yuan(const YAML::Node& n, const std::string& path, Fen& out) const {
    std::string s;
    YB_RETURN_IF_ERROR(scalar(n, path, s));
    int64_t whole = 0, cents = 0;
    int decimals = -1;
    bool any = false;
    for (char c : s) {
      if (c == '_') continue;
      if (c == '.' && decimals < 0) {
        decimals = 0;
        continue;
      }
      if (c < '0' || c > '9' || decimals >= 2 || whole > 1'000'000'000'000LL)
        return error(n, path, "expected yuan with at most 2 decimals, got '" + s + "'");
      any = true;
      if (decimals < 0) {
        whole = whole * 10 + (c - '0');
      } else {
        cents = cents * 10 + (c - '0');
        ++decimals;
      }
    }
    if (!any) return error(n, path, "expected yuan with at most 2 decimals, got '" + s + "'");
    if (decimals == 1) cents *= 10;
    out = Fen(whole * 100 + cents);
    return Status::Ok();
  }

 private:
  std::string file_;
};

Status parse_assistance(const Reader& r, const YAML::Node& n, const std::string& path, AssistanceShares& a) {
  YB_RETURN_IF_ERROR(r.keys(n, path, {"TK", "DB", "DS", "FP"}));
  if (n["TK"]) YB_RETURN_IF_ERROR(r.share(n["TK"], path + ".TK", a.tekun));
  if (n["DB"]) YB_RETURN_IF_ERROR(r.share(n["DB"], path + ".DB", a.dibao));
  if (n["DS"]) YB_RETURN_IF_ERROR(r.share(n["DS"], path + ".DS", a.low_income));
  if (n["FP"]) YB_RETURN_IF_ERROR(r.share(n["FP"], path + ".FP", a.at_risk));
  return Status::Ok();
}

Status parse_balance(const Reader& r, const YAML::Node& n, const std::string& path, BalanceDist& b) {
  YB_RETURN_IF_ERROR(r.keys(n, path, {"median_yuan", "sigma", "max_yuan"}));
  if (n["median_yuan"]) YB_RETURN_IF_ERROR(r.yuan(n["median_yuan"], path + ".median_yuan", b.median));
  if (n["sigma"]) YB_RETURN_IF_ERROR(r.real(n["sigma"], path + ".sigma", b.sigma));
  if (n["max_yuan"]) YB_RETURN_IF_ERROR(r.yuan(n["max_yuan"], path + ".max_yuan", b.max));
  return Status::Ok();
}

Status parse_people(const Reader& r, const YAML::Node& n, const std::string& path, PeopleDef& p) {
  YB_RETURN_IF_ERROR(r.keys(n, path,
                            {"ages", "working_age", "retirement_age", "retired_share_of_employees",
                             "civil_servant_share_of_employees", "enterprise_supplement_share_of_employees",
                             "assistance", "chronic_filing_share", "chronic_filing_share_elderly", "mutual_aid_share",
                             "lapsed_share_of_residents", "balance", "cross_region_visit_share"}));
  if (const YAML::Node ages = n["ages"]) {
    YB_RETURN_IF_ERROR(r.seq(ages, path + ".ages"));
    p.ages.clear();
    for (size_t k = 0; k < ages.size(); ++k) {
      const std::string bp = path + ".ages[" + std::to_string(k) + "]";
      const YAML::Node b = ages[k];
      YB_RETURN_IF_ERROR(r.keys(b, bp, {"from", "to", "share"}));
      YB_RETURN_IF_ERROR(r.require(b, bp, {"from", "to", "share"}));
      AgeBand band;
      YB_RETURN_IF_ERROR(r.number(b["from"], bp + ".from", 0, 120, band.from));
      YB_RETURN_IF_ERROR(r.number(b["to"], bp + ".to", 1, 120, band.to));
      YB_RETURN_IF_ERROR(r.share(b["share"], bp + ".share", band.share));
      p.ages.push_back(band);
    }
  }
  if (n["working_age"]) YB_RETURN_IF_ERROR(r.number(n["working_age"], path + ".working_age", 0, 120, p.working_age));
  if (n["retirement_age"]) YB_RETURN_IF_ERROR(r.number(n["retirement_age"], path + ".retirement_age", 1, 120, p.retirement_age));
  const std::pair<const char*, double*> shares[] = {
      {"retired_share_of_employees", &p.retired_share_of_employees},
      {"civil_servant_share_of_employees", &p.civil_servant_share_of_employees},
      {"enterprise_supplement_share_of_employees", &p.enterprise_supplement_share_of_employees},
      {"chronic_filing_share", &p.chronic_filing_share},
      {"chronic_filing_share_elderly", &p.chronic_filing_share_elderly},
      {"mutual_aid_share", &p.mutual_aid_share},
      {"lapsed_share_of_residents", &p.lapsed_share_of_residents},
      {"cross_region_visit_share", &p.cross_region_visit_share},
  };
  for (const auto& [key, field] : shares)
    if (n[key]) YB_RETURN_IF_ERROR(r.share(n[key], path + "." + key, *field));
  if (const YAML::Node a = n["assistance"]) {
    YB_RETURN_IF_ERROR(r.keys(a, path + ".assistance", {"residents", "employees"}));
    if (a["residents"]) YB_RETURN_IF_ERROR(parse_assistance(r, a["residents"], path + ".assistance.residents", p.assistance_residents));
    if (a["employees"]) YB_RETURN_IF_ERROR(parse_assistance(r, a["employees"], path + ".assistance.employees", p.assistance_employees));
  }
  if (const YAML::Node b = n["balance"]) {
    YB_RETURN_IF_ERROR(r.keys(b, path + ".balance", {"active", "retired"}));
    if (b["active"]) YB_RETURN_IF_ERROR(parse_balance(r, b["active"], path + ".balance.active", p.balance_active));
    if (b["retired"]) YB_RETURN_IF_ERROR(parse_balance(r, b["retired"], path + ".balance.retired", p.balance_retired));
  }
  return Status::Ok();
}

Status parse_kinds(const Reader& r, const YAML::Node& n, const std::string& path, int64_t max,
                   const std::function<void(size_t, int64_t)>& set) {
  YB_RETURN_IF_ERROR(r.keys(n, path, {"level3", "level2", "level1", "primary", "village", "pharmacy"}));
  for (size_t k = 0; k < kKindKeys.size(); ++k) {
    const std::string key(kKindKeys[k]);
    if (!n[key]) continue;
    int64_t v = 0;
    YB_RETURN_IF_ERROR(r.integer(n[key], path + "." + key, 0, max, v));
    set(k, v);
  }
  return Status::Ok();
}

Status parse_setup(const Reader& r, const YAML::Node& n, const std::string& path, FacilitySetupDef& s) {
  YB_RETURN_IF_ERROR(r.keys(n, path, {"departments", "departments_per_kind", "pharmacy_chain_share", "pharmacy_chains_per_region"}));
  if (const YAML::Node d = n["departments"]) {
    YB_RETURN_IF_ERROR(r.seq(d, path + ".departments"));
    s.departments.clear();
    for (size_t k = 0; k < d.size(); ++k) {
      const std::string dp = path + ".departments[" + std::to_string(k) + "]";
      YB_RETURN_IF_ERROR(r.keys(d[k], dp, {"code", "name"}));
      YB_RETURN_IF_ERROR(r.require(d[k], dp, {"code", "name"}));
      DepartmentDef dept;
      YB_RETURN_IF_ERROR(r.scalar(d[k]["code"], dp + ".code", dept.code));
      YB_RETURN_IF_ERROR(r.scalar(d[k]["name"], dp + ".name", dept.name));
      s.departments.push_back(std::move(dept));
    }
  }
  if (const YAML::Node d = n["departments_per_kind"]) {
    YB_RETURN_IF_ERROR(parse_kinds(r, d, path + ".departments_per_kind", 1000,
                                   [&](size_t k, int64_t v) { s.departments_per_kind[k] = static_cast<int32_t>(v); }));
  }
  if (n["pharmacy_chain_share"]) YB_RETURN_IF_ERROR(r.share(n["pharmacy_chain_share"], path + ".pharmacy_chain_share", s.pharmacy_chain_share));
  if (n["pharmacy_chains_per_region"])
    YB_RETURN_IF_ERROR(r.number(n["pharmacy_chains_per_region"], path + ".pharmacy_chains_per_region", 0, 99, s.pharmacy_chains_per_region));
  return Status::Ok();
}

Status parse_diseases(const Reader& r, const YAML::Node& n, const std::string& path, std::vector<ChronicDiseaseDef>& out) {
  YB_RETURN_IF_ERROR(r.seq(n, path));
  out.clear();
  for (size_t k = 0; k < n.size(); ++k) {
    const std::string dp = path + "[" + std::to_string(k) + "]";
    YB_RETURN_IF_ERROR(r.keys(n[k], dp, {"code", "name", "weight"}));
    YB_RETURN_IF_ERROR(r.require(n[k], dp, {"code", "weight"}));
    ChronicDiseaseDef d;
    YB_RETURN_IF_ERROR(r.scalar(n[k]["code"], dp + ".code", d.code));
    if (n[k]["name"]) YB_RETURN_IF_ERROR(r.scalar(n[k]["name"], dp + ".name", d.name));
    YB_RETURN_IF_ERROR(r.real(n[k]["weight"], dp + ".weight", d.weight));
    if (d.weight <= 0) return r.error(n[k]["weight"], dp + ".weight", "must be > 0");
    out.push_back(std::move(d));
  }
  return Status::Ok();
}

// The shared part: defaults, or a preset's overrides of them.
Status parse_common(const Reader& r, const YAML::Node& n, const std::string& path, PresetDef& def) {
  if (n["year"]) YB_RETURN_IF_ERROR(r.number(n["year"], path + ".year", 1950, 2200, def.year));
  if (n["people"]) YB_RETURN_IF_ERROR(parse_people(r, n["people"], path + ".people", def.people));
  if (n["facility_setup"]) YB_RETURN_IF_ERROR(parse_setup(r, n["facility_setup"], path + ".facility_setup", def.facility_setup));
  if (n["chronic_diseases"]) YB_RETURN_IF_ERROR(parse_diseases(r, n["chronic_diseases"], path + ".chronic_diseases", def.chronic_diseases));
  return Status::Ok();
}

Status parse_preset(const Reader& r, const YAML::Node& n, const std::string& path, PresetDef& def) {
  YB_RETURN_IF_ERROR(r.keys(n, path,
                            {"persons", "employee_resident", "provinces", "regions_per_province", "county_nodes", "facilities",
                             "feps", "visits_per_day", "year", "people", "facility_setup", "chronic_diseases"}));
  YB_RETURN_IF_ERROR(r.require(n, path,
                               {"persons", "employee_resident", "provinces", "regions_per_province", "county_nodes",
                                "facilities", "feps", "visits_per_day"}));
  YB_RETURN_IF_ERROR(r.number(n["persons"], path + ".persons", 1, 999'999'999'999LL, def.persons));
  const YAML::Node split = n["employee_resident"];
  if (!split.IsSequence() || split.size() != 2)
    return r.error(split, path + ".employee_resident", "expected [employee parts, resident parts]");
  YB_RETURN_IF_ERROR(r.number(split[0], path + ".employee_resident[0]", 0, 1'000'000, def.employee_parts));
  YB_RETURN_IF_ERROR(r.number(split[1], path + ".employee_resident[1]", 0, 1'000'000, def.resident_parts));
  const YAML::Node provinces = n["provinces"];
  YB_RETURN_IF_ERROR(r.seq(provinces, path + ".provinces"));
  for (size_t k = 0; k < provinces.size(); ++k) {
    int32_t code = 0;
    YB_RETURN_IF_ERROR(r.number(provinces[k], path + ".provinces[" + std::to_string(k) + "]", 11, 99, code));
    def.provinces.push_back(code);
  }
  YB_RETURN_IF_ERROR(r.number(n["regions_per_province"], path + ".regions_per_province", 1, 99, def.regions_per_province));
  YB_RETURN_IF_ERROR(r.number(n["county_nodes"], path + ".county_nodes", 1, 9'999'999, def.county_nodes));
  YB_RETURN_IF_ERROR(parse_kinds(r, n["facilities"], path + ".facilities", 1'000'000'000,
                                 [&](size_t k, int64_t v) { def.facilities[k] = static_cast<uint32_t>(v); }));
  YB_RETURN_IF_ERROR(r.require(n["facilities"], path + ".facilities", {"level3", "level2", "level1", "primary", "village", "pharmacy"}));
  YB_RETURN_IF_ERROR(r.number(n["feps"], path + ".feps", 0, 4'000'000'000LL, def.feps));
  const YAML::Node visits = n["visits_per_day"];
  YB_RETURN_IF_ERROR(r.keys(visits, path + ".visits_per_day", {"outpatient", "pharmacy", "admissions"}));
  YB_RETURN_IF_ERROR(r.require(visits, path + ".visits_per_day", {"outpatient", "pharmacy", "admissions"}));
  const int64_t kMaxVisits = 1'000'000'000'000LL;
  YB_RETURN_IF_ERROR(r.integer(visits["outpatient"], path + ".visits_per_day.outpatient", 0, kMaxVisits, def.visits_per_day.outpatient));
  YB_RETURN_IF_ERROR(r.integer(visits["pharmacy"], path + ".visits_per_day.pharmacy", 0, kMaxVisits, def.visits_per_day.pharmacy));
  YB_RETURN_IF_ERROR(r.integer(visits["admissions"], path + ".visits_per_day.admissions", 0, kMaxVisits, def.visits_per_day.admissions));
  return parse_common(r, n, path, def);
}

// The line of the key a validation error names ("people.ages[2].to"), looked up in the preset
// node first, then in the defaults; nullopt if neither has it.
std::optional<int> line_of(const YAML::Node& node, std::string_view field) {
  if (field.empty()) return node.Mark().line;
  const size_t dot = field.find('.');
  std::string_view head = field.substr(0, dot);
  const std::string_view rest = dot == std::string_view::npos ? std::string_view() : field.substr(dot + 1);
  std::optional<size_t> index;
  if (const size_t br = head.find('['); br != std::string_view::npos) {
    size_t k = 0;
    for (size_t p = br + 1; p < head.size() && head[p] != ']'; ++p) k = k * 10 + static_cast<size_t>(head[p] - '0');
    index = k;
    head = head.substr(0, br);
  }
  if (!node.IsMap()) return std::nullopt;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar() != head) continue;
    const YAML::Node child = it->second;
    const int key_line = it->first.Mark().line;
    if (index) {
      if (!child.IsSequence() || *index >= child.size()) return key_line;
      const YAML::Node item = child[*index];
      return rest.empty() ? item.Mark().line : line_of(item, rest).value_or(item.Mark().line);
    }
    return rest.empty() ? key_line : line_of(child, rest).value_or(key_line);
  }
  return std::nullopt;
}

Result<PresetCatalog> parse_root(const Reader& r, const YAML::Node& root) {
  if (!root.IsMap()) return r.error(root, "", "expected a mapping with 'defaults' and 'presets'");
  YB_RETURN_IF_ERROR(r.keys(root, "", {"defaults", "presets"}));
  PresetDef base;
  const YAML::Node defaults = root["defaults"];
  if (defaults) {
    YB_RETURN_IF_ERROR(r.keys(defaults, "defaults", {"year", "people", "facility_setup", "chronic_diseases"}));
    YB_RETURN_IF_ERROR(parse_common(r, defaults, "defaults", base));
  }
  const YAML::Node presets = root["presets"];
  if (!presets) return r.error(root, "", "missing key 'presets'");
  YB_RETURN_IF_ERROR(r.map(presets, "presets"));
  PresetCatalog catalog;
  for (auto it = presets.begin(); it != presets.end(); ++it) {
    PresetDef def = base;
    if (!it->first.IsScalar() || it->first.Scalar().empty()) return r.error(it->first, "presets", "a preset needs a name");
    def.name = it->first.Scalar();
    if (catalog.find(def.name) != nullptr) return r.error(it->first, "presets", "preset '" + def.name + "' appears twice");
    const std::string path = "presets." + def.name;
    YB_RETURN_IF_ERROR(parse_preset(r, it->second, path, def));
    if (Status s = validate_preset(def); !s.ok()) {
      const std::string field(s.field());
      std::optional<int> line = line_of(it->second, field);
      if (!line && defaults) line = line_of(defaults, field);
      return r.error_at(line.value_or(it->second.Mark().line), "", std::string(s.message()));
    }
    catalog.presets.push_back(std::move(def));
  }
  if (catalog.presets.empty()) return r.error(presets, "presets", "no presets");
  return catalog;
}

}  // namespace

const PresetDef* PresetCatalog::find(std::string_view name) const {
  for (const PresetDef& p : presets)
    if (p.name == name) return &p;
  return nullptr;
}

Result<PresetCatalog> parse_presets(std::string_view text, const std::string& file_name) {
  const Reader r(file_name);
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return parse_root(r, root);
  } catch (const YAML::Exception& e) {
    return r.error_at(e.mark.line, "", e.msg);
  }
}

Result<PresetCatalog> load_presets_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, reason::kBadRequest, path + ": cannot read the presets file", "presets");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_presets(text.str(), path);
}

std::string default_presets_path() { return std::string(YB_MODELS_DATA_DIR) + "/presets.yaml"; }

}  // namespace yibao::models
