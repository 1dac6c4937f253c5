// The source tree the tests were built from (the repository root: scenarios/, models/data/).
#pragma once

#include <filesystem>

namespace yibao::testing {

// The repository root, found from the shipped presets file models::default_presets_path().
std::filesystem::path repo_root();

}  // namespace yibao::testing
