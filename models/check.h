// YB_CHECK: log and abort on a broken invariant (DESIGN.md §8, kind 3).
// Never for bad input: bad input is a Status. Thread-safe (writes one line to stderr).
#pragma once

namespace yibao::detail {
[[noreturn]] void check_failed(const char* file, int line, const char* expr, const char* what);
}  // namespace yibao::detail

#define YB_CHECK(cond, what)                                                     \
  do {                                                                           \
    if (!(cond)) [[unlikely]] ::yibao::detail::check_failed(__FILE__, __LINE__, #cond, what); \
  } while (0)
