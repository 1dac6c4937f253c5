// Presets file (models/data/presets.yaml) -> PresetDef values, with "file:line: what is wrong"
// errors (Status INVALID_ARGUMENT, reason E_BAD_REQUEST). The file's format is documented at its
// top. Every preset is checked with validate_preset(); an error found there is reported at the
// line of the offending key (or of the preset).
// Only *_yaml.* files include yaml-cpp. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/population_preset.h"
#include "models/status.h"

namespace yibao::models {

struct PresetCatalog {
  std::vector<PresetDef> presets;  // in file order
  // The preset named `name`, or nullptr.
  const PresetDef* find(std::string_view name) const;
};

// Parses presets text; `file_name` prefixes error messages.
Result<PresetCatalog> parse_presets(std::string_view text, const std::string& file_name);
// Reads and parses a presets file; NOT_FOUND if it cannot be read.
Result<PresetCatalog> load_presets_file(const std::string& path);
// models/data/presets.yaml of the source tree this library was built from.
std::string default_presets_path();

}  // namespace yibao::models
