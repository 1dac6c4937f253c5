// YAML -> PolicySet / PolicyBook (DESIGN.md §2; the format is models/data/policy_default.yaml).
//
// Every key except id, version and effective_from is optional: an absent key keeps the DEFAULT
// FIXTURE value, so an override file names only what it changes. A list (bands, bonus_groups,
// chronic_list) replaces the whole default list. Amounts are yuan with at most 2 decimals,
// shares percent with at most 2 decimals, multipliers decimals ("1.5"), parsed exactly (never
// through floating point). Unknown keys are errors.
// Failure: INVALID_ARGUMENT (reason E_BAD_REQUEST) with the message "source:line: what is wrong".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "models/policy.h"
#include "models/status.h"

namespace yibao::models {

// One set from YAML text (Admin.LoadPolicy sends the text with a source name for messages).
Result<PolicySet> parse_policy_set(std::string_view yaml_text, std::string_view source_name);
Result<PolicySet> load_policy_set(const std::string& path);

// A book: the text is either one set or a mapping `policy_sets:` with a list of sets.
Result<PolicyBook> parse_policy_book(std::string_view yaml_text, std::string_view source_name);
Result<PolicyBook> load_policy_book(const std::string& path);

}  // namespace yibao::models
