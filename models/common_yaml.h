// Shared reading of the YAML loaders (policy, catalog, presets): strict keys, exact decimals,
// and errors "source:line: what is wrong" (1-based lines from yaml-cpp's Mark).
//
// YamlReader records the first error and ignores later calls' failures, so a loader reads field
// after field and checks ok() once. A key that is absent leaves the target unchanged (the
// loaders' defaults); a key present with a bad value is an error. Amounts never go through
// floating point: the scalar's text is parsed (models/decimal.h).
// Only *_yaml.* files include yaml-cpp (DESIGN.md §3). Not thread-safe; one reader per load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "models/money.h"
#include "models/status.h"
#include "models/time.h"

namespace yibao::models {

// Parses YAML text; a syntax error gives INVALID_ARGUMENT "source:line: message".
Result<YAML::Node> parse_yaml_text(std::string_view text, std::string_view source);
// Reads a whole file; INVALID_ARGUMENT "path: cannot read" if it cannot.
Result<std::string> read_text_file(const std::string& path);

class YamlReader {
 public:
  explicit YamlReader(std::string_view source) : source_(source) {}

  bool ok() const { return status_.ok(); }
  Status status() const { return status_; }
  const std::string& source() const { return source_; }

  // Records "source:line: what" at node `at` (the first error wins).
  void fail(const YAML::Node& at, std::string_view what);
  // `n` must be a mapping whose keys are all in `keys` and unique ("unknown key 'x' in <what>").
  bool map(const YAML::Node& n, std::string_view what, std::initializer_list<std::string_view> keys);
  // `n` must be a sequence.
  bool seq(const YAML::Node& n, std::string_view what);
  // Fails unless map `m` has `key`.
  bool require(const YAML::Node& m, std::string_view key);

  // Readers of m[key]; absent key → no change. Each checks the value and records an error.
  void yuan(const YAML::Node& m, std::string_view key, Fen& out);           // ≥ 0, ≤ 2 decimals
  void price(const YAML::Node& m, std::string_view key, int64_t& out);      // yuan ≤ 6 decimals → millionths
  void percent(const YAML::Node& m, std::string_view key, Ratio& out);      // 0-100, ≤ 2 decimals
  void multiplier(const YAML::Node& m, std::string_view key, Ratio& out);   // > 0, ≤ 4 decimals
  void integer(const YAML::Node& m, std::string_view key, int32_t& out, int64_t min, int64_t max);
  void boolean(const YAML::Node& m, std::string_view key, bool& out);
  void text(const YAML::Node& m, std::string_view key, std::string& out);  // non-empty scalar
  void date(const YAML::Node& m, std::string_view key, CivilDate& out);   // yyyy-MM-dd

  // The same checks on a node itself (sequence elements); `what` names it in messages.
  bool percent_of(const YAML::Node& n, std::string_view what, Ratio& out);
  bool yuan_of(const YAML::Node& n, std::string_view what, Fen& out);
  bool text_of(const YAML::Node& n, std::string_view what, std::string& out);

 private:
  bool scalar(const YAML::Node& n, std::string_view what);
  std::string source_;
  Status status_;
};

}  // namespace yibao::models
