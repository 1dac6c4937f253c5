#include "models/catalog_yaml.h"

#include "models/common_yaml.h"

namespace yibao::models {

namespace {

bool parse_kind(std::string_view s, ItemKind& out) {
  if (s == "western") out = ItemKind::kDrugWestern;
  else if (s == "patent") out = ItemKind::kDrugPatent;
  else if (s == "herb") out = ItemKind::kHerb;
  else if (s == "service") out = ItemKind::kService;
  else if (s == "exam") out = ItemKind::kExam;
  else if (s == "material") out = ItemKind::kMaterial;
  else if (s == "non_medical") out = ItemKind::kNonMedical;
  else return false;
  return true;
}

void read_item(YamlReader& r, const YAML::Node& n, Item& it) {
  if (!r.map(n, "an item",
             {"code", "name", "kind", "class", "selfpay_prop", "price_cap", "restricted", "restriction", "otc", "atc4",
              "sex", "min_age", "max_age", "lump_sum"}))
    return;
  for (const char* key : {"code", "name", "kind", "class"})
    if (!r.require(n, key)) return;
  r.text(n, "code", it.code);
  r.text(n, "name", it.name);
  std::string s;
  r.text(n, "kind", s);
  if (r.ok() && !parse_kind(s, it.kind))
    return r.fail(n["kind"], "kind must be western, patent, herb, service, exam, material or non_medical");
  r.text(n, "class", s);
  if (!r.ok()) return;
  it.cls = s == "A" ? ChargeClass::kA : s == "B" ? ChargeClass::kB : s == "C" ? ChargeClass::kC : parse_charge_class(s);
  if (n["selfpay_prop"]) {
    if (it.cls != ChargeClass::kB) return r.fail(n["selfpay_prop"], "selfpay_prop is for class B items only");
    it.has_selfpay_prop = true;
    r.percent(n, "selfpay_prop", it.selfpay_prop);
  }
  r.price(n, "price_cap", it.price_cap);
  r.boolean(n, "restricted", it.restricted);
  r.text(n, "restriction", it.restriction);
  r.boolean(n, "otc", it.otc);
  r.text(n, "atc4", it.atc4);
  if (const YAML::Node sex = n["sex"]) {
    const std::string v = sex.IsScalar() ? sex.Scalar() : "";
    if (v == "any") it.sex_only = 0;
    else if (v == "male") it.sex_only = 1;
    else if (v == "female") it.sex_only = 2;
    else return r.fail(sex, "sex must be any, male or female");
  }
  int32_t age = it.min_age;
  r.integer(n, "min_age", age, 0, 200);
  it.min_age = static_cast<int16_t>(age);
  age = it.max_age;
  r.integer(n, "max_age", age, 0, 200);
  it.max_age = static_cast<int16_t>(age);
  if (r.ok() && it.min_age > it.max_age) return r.fail(n, "min_age is above max_age");
  r.boolean(n, "lump_sum", it.lump_sum);
}

}  // namespace

Result<Catalog> parse_catalog(std::string_view yaml_text, std::string_view source_name) {
  YB_ASSIGN_OR_RETURN(const YAML::Node root, parse_yaml_text(yaml_text, source_name));
  YamlReader r(source_name);
  Catalog catalog;
  if (!r.map(root, "a catalog", {"version", "items"}) || !r.require(root, "items")) return r.status();
  std::string version;
  r.text(root, "version", version);
  catalog.set_version(version);
  const YAML::Node items = root["items"];
  if (!r.seq(items, "items")) return r.status();
  for (const auto& n : items) {
    Item it;
    read_item(r, n, it);
    if (!r.ok()) break;
    if (catalog.find(it.code) != nullptr) {
      r.fail(n, "item code " + it.code + " is listed twice");
      break;
    }
    catalog.add(std::move(it));
  }
  YB_RETURN_IF_ERROR(r.status());
  return catalog;
}

Result<Catalog> load_catalog(const std::string& path) {
  YB_ASSIGN_OR_RETURN(const std::string text, read_text_file(path));
  return parse_catalog(text, path);
}

}  // namespace yibao::models
