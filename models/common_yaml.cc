#include "models/common_yaml.h"

#include <fstream>
#include <set>
#include <sstream>

#include "models/decimal.h"

namespace yibao::models {

namespace {

Status invalid(std::string message) { return Status(Code::kInvalidArgument, reason::kBadRequest, std::move(message)); }

std::string where(std::string_view source, const YAML::Mark& mark) {
  std::string s(source);
  // An empty document has no mark: report its first line.
  const int line = (mark.is_null() || mark.line < 0) ? 1 : mark.line + 1;
  s.append(":").append(std::to_string(line));
  return s;
}

}  // namespace

Result<YAML::Node> parse_yaml_text(std::string_view text, std::string_view source) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return invalid(where(source, e.mark) + ": " + e.msg);
  }
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid(path + ": cannot read");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return invalid(path + ": cannot read");
  return buf.str();
}

void YamlReader::fail(const YAML::Node& at, std::string_view what) {
  if (!status_.ok()) return;
  status_ = invalid(where(source_, at.Mark()) + ": " + std::string(what));
}

bool YamlReader::map(const YAML::Node& n, std::string_view what, std::initializer_list<std::string_view> keys) {
  if (!ok()) return false;
  if (!n.IsMap()) {
    fail(n, std::string(what) + " must be a mapping");
    return false;
  }
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      fail(kv.first, "a key in " + std::string(what) + " is not a plain name");
      return false;
    }
    const std::string& k = kv.first.Scalar();
    bool known = false;
    for (std::string_view allowed : keys) known = known || allowed == k;
    if (!known) {
      fail(kv.first, "unknown key '" + k + "' in " + std::string(what));
      return false;
    }
    if (!seen.insert(k).second) {
      fail(kv.first, "duplicate key '" + k + "' in " + std::string(what));
      return false;
    }
  }
  return true;
}

bool YamlReader::seq(const YAML::Node& n, std::string_view what) {
  if (!ok()) return false;
  if (!n.IsSequence()) {
    fail(n, std::string(what) + " must be a list");
    return false;
  }
  return true;
}

bool YamlReader::require(const YAML::Node& m, std::string_view key) {
  if (!ok()) return false;
  if (!m[std::string(key)]) {
    fail(m, "missing key '" + std::string(key) + "'");
    return false;
  }
  return true;
}

bool YamlReader::scalar(const YAML::Node& n, std::string_view what) {
  if (!ok()) return false;
  if (!n.IsScalar()) {
    fail(n, std::string(what) + " must be a single value");
    return false;
  }
  return true;
}

bool YamlReader::yuan_of(const YAML::Node& n, std::string_view what, Fen& out) {
  if (!scalar(n, what)) return false;
  const auto v = parse_scaled(n.Scalar(), 2);
  if (!v) {
    fail(n, std::string(what) + ": '" + n.Scalar() + "' is not an amount in yuan (≥ 0, at most 2 decimals)");
    return false;
  }
  out = Fen(*v);
  return true;
}

bool YamlReader::percent_of(const YAML::Node& n, std::string_view what, Ratio& out) {
  if (!scalar(n, what)) return false;
  const auto v = parse_scaled(n.Scalar(), 2);
  if (!v || *v > 10000) {
    fail(n, std::string(what) + ": '" + n.Scalar() + "' is not a percent (0-100, at most 2 decimals)");
    return false;
  }
  out = Ratio(static_cast<int32_t>(*v));
  return true;
}

bool YamlReader::text_of(const YAML::Node& n, std::string_view what, std::string& out) {
  if (!scalar(n, what)) return false;
  if (n.Scalar().empty()) {
    fail(n, std::string(what) + " is empty");
    return false;
  }
  out = n.Scalar();
  return true;
}

void YamlReader::yuan(const YAML::Node& m, std::string_view key, Fen& out) {
  if (const YAML::Node n = m[std::string(key)]) yuan_of(n, key, out);
}

void YamlReader::price(const YAML::Node& m, std::string_view key, int64_t& out) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !scalar(n, key)) return;
  const auto v = parse_scaled(n.Scalar(), 6);
  if (!v) return fail(n, std::string(key) + ": '" + n.Scalar() + "' is not a price in yuan (≥ 0, at most 6 decimals)");
  out = *v;
}

void YamlReader::percent(const YAML::Node& m, std::string_view key, Ratio& out) {
  if (const YAML::Node n = m[std::string(key)]) percent_of(n, key, out);
}

void YamlReader::multiplier(const YAML::Node& m, std::string_view key, Ratio& out) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !scalar(n, key)) return;
  const auto v = parse_scaled(n.Scalar(), 4);
  if (!v || *v <= 0 || *v > 1000000)
    return fail(n, std::string(key) + ": '" + n.Scalar() + "' is not a multiplier (> 0, at most 4 decimals)");
  out = Ratio(static_cast<int32_t>(*v));
}

void YamlReader::integer(const YAML::Node& m, std::string_view key, int32_t& out, int64_t min, int64_t max) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !scalar(n, key)) return;
  const auto v = parse_scaled(n.Scalar(), 0, true);
  if (!v || *v < min || *v > max)
    return fail(n, std::string(key) + ": '" + n.Scalar() + "' is not a whole number in [" + std::to_string(min) +
                       ", " + std::to_string(max) + "]");
  out = static_cast<int32_t>(*v);
}

void YamlReader::boolean(const YAML::Node& m, std::string_view key, bool& out) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !scalar(n, key)) return;
  const std::string& s = n.Scalar();
  if (s == "true") out = true;
  else if (s == "false") out = false;
  else fail(n, std::string(key) + ": '" + s + "' is not true or false");
}

void YamlReader::text(const YAML::Node& m, std::string_view key, std::string& out) {
  if (const YAML::Node n = m[std::string(key)]) text_of(n, key, out);
}

void YamlReader::date(const YAML::Node& m, std::string_view key, CivilDate& out) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !scalar(n, key)) return;
  const auto d = n.Scalar().size() == 10 ? parse_date(n.Scalar()) : std::nullopt;
  if (!d) return fail(n, std::string(key) + ": '" + n.Scalar() + "' is not a date yyyy-MM-dd");
  out = *d;
}

}  // namespace yibao::models
