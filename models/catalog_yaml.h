// YAML -> Catalog (the format is models/data/catalog_fixture.yaml).
//
// Top level: `version` (string, stored as Catalog::version) and `items`, a list of items with
// code, name, kind and class required; the rest optional. Class "A"/"B"/"C" or the wire codes
// "01"/"02"/"03"; any other code is class C (DOMAIN.md §4.6.3). selfpay_prop in percent (class B
// only), price_cap in yuan with at most 6 decimals (held in millionths). A code listed twice is an
// error. Unknown keys are errors.
// Failure: INVALID_ARGUMENT (reason E_BAD_REQUEST), message "source:line: what is wrong".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "models/catalog.h"
#include "models/status.h"

namespace yibao::models {

Result<Catalog> parse_catalog(std::string_view yaml_text, std::string_view source_name);
Result<Catalog> load_catalog(const std::string& path);

}  // namespace yibao::models
