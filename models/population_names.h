// Deterministic synthetic names for the generated population: Chinese personal names (surname +
// one or two given characters, chosen by sex) and place names for regions, counties and towns.
// UTF-8; a personal name is at most 9 bytes, so it fits std::string's small-string buffer.
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "models/rng.h"

namespace yibao::models {

// Replaces `out` with a name drawn from `rng` (sex: 1 male, 2 female). Draws exactly 1 number.
void draw_person_name(Rng& rng, uint8_t sex, std::string& out);

// Two characters of a place name chosen by `key` (e.g. a division code mixed with the seed).
std::string place_name(uint64_t key);

}  // namespace yibao::models
