#include "tests/testing/repo.h"

#include "models/population_yaml.h"

namespace yibao::testing {

std::filesystem::path repo_root() {
  return std::filesystem::path(models::default_presets_path()).parent_path().parent_path().parent_path();
}

}  // namespace yibao::testing
