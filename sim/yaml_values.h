// Value readers of the simulator's YAML files (scenarios, calibrations) on top of models'
// YamlReader (strict keys, first error wins, "source:line: what is wrong"): the numbers, counts,
// durations, civil times and bandwidths that models' exact-decimal readers do not cover, since
// the simulator's figures are physical quantities, not money.
//
// Syntax accepted:
//   number    a decimal or scientific literal ("2", "0.25", "1e-3"); inf and nan are refused
//   duration  a plain number of seconds, or a number with a unit: "500ms", "90s", "15min", "2h",
//             "1d" (no space, or one space, between number and unit)
//   bandwidth bits per second: a plain number, or with a unit "64kbps", "20Mbps", "1Gbps"
//   civil     models/time.h parse_civil: "2024-03-04 08:00:00", "2024-03-04T08:00:00",
//             "20240304080000", "2024-03-04" (midnight)
// Each reader of m[key] leaves the target unchanged when the key is absent and records an error
// (the key's line) when the value is malformed or out of its range.
// Not thread-safe (one YamlReader per load); the parse_* functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "models/common_yaml.h"
#include "models/status.h"
#include "models/time.h"

namespace yibao::sim {

std::optional<double> parse_number(std::string_view text);
// Seconds; negative values are returned as parsed (the caller checks the range).
std::optional<double> parse_duration(std::string_view text);
std::optional<double> parse_bandwidth(std::string_view text);

// An inclusive or exclusive bound of a range check.
struct Range {
  double min = -1e300;
  double max = 1e300;
  bool min_open = false;  // true: value must be > min
  std::string text;       // how the range reads in a message: "> 0", "in [0, 1]"
};
inline Range positive() { return Range{0, 1e300, true, "> 0"}; }
inline Range non_negative() { return Range{0, 1e300, false, "≥ 0"}; }
inline Range share() { return Range{0, 1, false, "in [0, 1]"}; }

class ValueReader {
 public:
  explicit ValueReader(models::YamlReader& r) : r_(r) {}

  void number(const YAML::Node& m, std::string_view key, double& out, const Range& range);
  void duration(const YAML::Node& m, std::string_view key, double& out, const Range& range);
  void bandwidth(const YAML::Node& m, std::string_view key, double& out);  // > 0
  // Whole numbers in [min, max].
  void count(const YAML::Node& m, std::string_view key, uint64_t& out, uint64_t min, uint64_t max);
  void civil(const YAML::Node& m, std::string_view key, CivilTime& out);
  void one_of(const YAML::Node& m, std::string_view key, std::string& out,
              std::initializer_list<std::string_view> allowed);

  // The same on a node itself; `what` names it in messages.
  bool number_of(const YAML::Node& n, std::string_view what, double& out, const Range& range);
  bool duration_of(const YAML::Node& n, std::string_view what, double& out, const Range& range);
  bool count_of(const YAML::Node& n, std::string_view what, uint64_t& out, uint64_t min, uint64_t max);
  bool date_of(const YAML::Node& n, std::string_view what, CivilDate& out);
  bool civil_of(const YAML::Node& n, std::string_view what, CivilTime& out);

 private:
  bool scalar(const YAML::Node& n, std::string_view what);
  bool in_range(const YAML::Node& n, std::string_view what, double v, const Range& range);
  models::YamlReader& r_;
};

// The whole file; NOT_FOUND "path: cannot read" if it cannot be read.
Result<std::string> read_input_file(const std::string& path);

// "%g"-like text of a value for messages ("0.25", "3600").
std::string show(double v);

}  // namespace yibao::sim
