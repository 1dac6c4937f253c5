// SignIns: the open sign-ins of facility operators (9001), checked on every call (DOMAIN.md
// §11.3, DESIGN.md §4 "Security").
//
// A sign-in is per (facility, operator); a new one supersedes the old; it expires at the end of
// its civil day on the core's clock; 9002 closes it. The ledger keeps them durably (the writer
// stores each 9001/9002); this in-memory index answers the per-call check on gRPC threads
// without touching the ledger. Thread-safe (a shared mutex: many readers, rare writers).
#pragma once

#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "grpc/core/records.h"
#include "models/status.h"

namespace yibao::core {

class SignIns {
 public:
  // Records (or supersedes) a sign-in. Called by the writer after the 9001 is durable, and at
  // start-up for every sign-in the ledger holds.
  void put(const SignIn& s);
  // OK if `sign_no` is the current, open sign-in of (facility, opter) on `now`'s civil day;
  // else UNAUTHENTICATED / E_SIGNIN with what is wrong.
  Status check(std::string_view fixmedins_code, std::string_view opter, std::string_view sign_no,
               CivilTime now) const;
  // Number of sign-ins held (open or closed).
  size_t size() const;

 private:
  static std::string key(std::string_view f, std::string_view o);
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, SignIn> by_key_;
};

}  // namespace yibao::core
