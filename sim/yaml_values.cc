#include "sim/yaml_values.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>

namespace yibao::sim {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits "15min" into ("15", "min"): the unit is the trailing run of letters.
std::pair<std::string_view, std::string_view> split_unit(std::string_view s) {
  size_t i = s.size();
  while (i > 0 && ((s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= 'A' && s[i - 1] <= 'Z'))) --i;
  // "1e3" ends in a digit, so its 'e' stays in the number.
  return {trim(s.substr(0, i)), s.substr(i)};
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

namespace {

struct Unit {
  std::string_view name;
  double scale;
};

// A number followed by one of `units` ("" = no unit), scaled.
std::optional<double> parse_with_unit(std::string_view text, std::initializer_list<Unit> units) {
  const auto [num, unit] = split_unit(trim(text));
  const auto v = parse_number(num);
  if (!v) return std::nullopt;
  for (const Unit& u : units) {
    if (u.name == unit) return *v * u.scale;
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> parse_duration(std::string_view text) {
  return parse_with_unit(text, {{"", 1}, {"s", 1}, {"ms", 0.001}, {"min", 60}, {"h", 3600}, {"d", 86400}});
}

std::optional<double> parse_bandwidth(std::string_view text) {
  return parse_with_unit(text, {{"", 1}, {"bps", 1}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}});
}

Result<std::string> read_input_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  if (in) buf << in.rdbuf();
  if (!in || in.bad()) return Status(Code::kNotFound, reason::kBadRequest, path + ": cannot read");
  return buf.str();
}

std::string show(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

bool ValueReader::scalar(const YAML::Node& n, std::string_view what) {
  if (!r_.ok()) return false;
  if (!n.IsScalar()) {
    r_.fail(n, std::string(what) + " must be a single value");
    return false;
  }
  return true;
}

bool ValueReader::in_range(const YAML::Node& n, std::string_view what, double v, const Range& range) {
  const bool low_ok = range.min_open ? v > range.min : v >= range.min;
  if (low_ok && v <= range.max) return true;
  r_.fail(n, std::string(what) + ": " + n.Scalar() + " is out of range (must be " + range.text + ")");
  return false;
}

bool ValueReader::number_of(const YAML::Node& n, std::string_view what, double& out, const Range& range) {
  if (!scalar(n, what)) return false;
  const auto v = parse_number(n.Scalar());
  if (!v) {
    r_.fail(n, std::string(what) + ": '" + n.Scalar() + "' is not a number");
    return false;
  }
  if (!in_range(n, what, *v, range)) return false;
  out = *v;
  return true;
}

bool ValueReader::duration_of(const YAML::Node& n, std::string_view what, double& out, const Range& range) {
  if (!scalar(n, what)) return false;
  const auto v = parse_duration(n.Scalar());
  if (!v) {
    r_.fail(n, std::string(what) + ": '" + n.Scalar() +
                   "' is not a duration (seconds, or a number with ms, s, min, h or d: \"90s\", \"15min\")");
    return false;
  }
  if (!in_range(n, what, *v, range)) return false;
  out = *v;
  return true;
}

bool ValueReader::count_of(const YAML::Node& n, std::string_view what, uint64_t& out, uint64_t min, uint64_t max) {
  if (!scalar(n, what)) return false;
  std::string digits;
  for (char c : n.Scalar()) {
    if (c != '_') digits.push_back(c);  // 4_000 reads as in models/data/presets.yaml
  }
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || v < min || v > max) {
    r_.fail(n, std::string(what) + ": '" + n.Scalar() + "' is not a whole number in [" + std::to_string(min) +
                   ", " + std::to_string(max) + "]");
    return false;
  }
  out = v;
  return true;
}

bool ValueReader::date_of(const YAML::Node& n, std::string_view what, CivilDate& out) {
  if (!scalar(n, what)) return false;
  const auto d = n.Scalar().size() == 10 ? parse_date(n.Scalar()) : std::nullopt;
  if (!d) {
    r_.fail(n, std::string(what) + ": '" + n.Scalar() + "' is not a date yyyy-MM-dd");
    return false;
  }
  out = *d;
  return true;
}

bool ValueReader::civil_of(const YAML::Node& n, std::string_view what, CivilTime& out) {
  if (!scalar(n, what)) return false;
  const auto t = parse_civil(n.Scalar());
  if (!t) {
    r_.fail(n, std::string(what) + ": '" + n.Scalar() +
                   "' is not a civil time (\"2024-03-04 08:00:00\", \"2024-03-04T08:00:00\" or \"2024-03-04\")");
    return false;
  }
  out = *t;
  return true;
}

void ValueReader::number(const YAML::Node& m, std::string_view key, double& out, const Range& range) {
  if (const YAML::Node n = m[std::string(key)]) number_of(n, key, out, range);
}

void ValueReader::duration(const YAML::Node& m, std::string_view key, double& out, const Range& range) {
  if (const YAML::Node n = m[std::string(key)]) duration_of(n, key, out, range);
}

void ValueReader::bandwidth(const YAML::Node& m, std::string_view key, double& out) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !scalar(n, key)) return;
  const auto v = parse_bandwidth(n.Scalar());
  if (!v) {
    return r_.fail(n, std::string(key) + ": '" + n.Scalar() +
                          "' is not a bandwidth (bits per second, or a number with kbps, Mbps or Gbps)");
  }
  if (in_range(n, key, *v, positive())) out = *v;
}

void ValueReader::count(const YAML::Node& m, std::string_view key, uint64_t& out, uint64_t min, uint64_t max) {
  if (const YAML::Node n = m[std::string(key)]) count_of(n, key, out, min, max);
}

void ValueReader::civil(const YAML::Node& m, std::string_view key, CivilTime& out) {
  if (const YAML::Node n = m[std::string(key)]) civil_of(n, key, out);
}

void ValueReader::one_of(const YAML::Node& m, std::string_view key, std::string& out,
                         std::initializer_list<std::string_view> allowed) {
  const YAML::Node n = m[std::string(key)];
  if (!n || !scalar(n, key)) return;
  std::string list;
  for (std::string_view a : allowed) {
    if (a == n.Scalar()) {
      out = n.Scalar();
      return;
    }
    list += list.empty() ? "" : ", ";
    list += a;
  }
  r_.fail(n, std::string(key) + ": '" + n.Scalar() + "' is not one of " + list);
}

}  // namespace yibao::sim
