// Message ids of the national envelope (DOMAIN.md §3.1) for a load generator:
//   msgid = fixmedins_code (12) + yyyyMMddHHmmss (14, China time, UTC+8) + sequence (4).
//
// MsgidSource hands out the ids of one facility. Invariant: an id is never handed out twice,
// i.e. (second, sequence) strictly increases. The second is the wall clock's, except when a
// facility has used all 10,000 sequences of a second: then the next ids borrow the following
// second (the stamp runs ahead of the clock rather than repeat or block). A new source starts
// with its creation second marked as used up, so a loader started right after another one in
// the same second cannot repeat that one's ids (two loaders must not drive the same facility
// at the same time).
//
// Thread safety: next() is lock-free and may be called from any thread, including gRPC
// completion callbacks; the helpers are pure.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "models/time.h"

namespace yibao::load {

// China civil time now (seconds since 1970-01-01 00:00:00 civil).
CivilTime china_now();

class MsgidSource {
 public:
  explicit MsgidSource(std::string fixmedins_code);
  MsgidSource(const MsgidSource&) = delete;
  MsgidSource& operator=(const MsgidSource&) = delete;

  // A fresh msgid; `*stamp` (if non-null) gets the civil second it carries.
  std::string next(CivilTime* stamp = nullptr);
  const std::string& code() const { return code_; }

 private:
  static constexpr uint64_t kPerSecond = 10000;
  std::string code_;
  // second × kPerSecond + sequence of the last id handed out.
  std::atomic<uint64_t> last_;
};

}  // namespace yibao::load
