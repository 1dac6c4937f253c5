#include "models/money.h"

#include <cstdio>

namespace yibao {

std::string format_yuan(Fen f) {
  const bool neg = f.v < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-(f.v + 1)) + 1 : static_cast<uint64_t>(f.v);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", neg ? "-" : "", static_cast<unsigned long long>(a / 100),
                static_cast<unsigned long long>(a % 100));
  return buf;
}

}  // namespace yibao
