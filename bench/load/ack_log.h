// AckLog: the `--acked FILE` of yibao-load — one line per acknowledged settlement (2207, and
// 2102 in the visit mix), appended and flushed as they come, so a test can read what the core
// acknowledged after it was killed. Line format (comma-separated, no header, no spaces):
//   msgid,setl_id,mdtrt_id,fixmedins_code,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay
// amounts in fen. Completion callbacks only queue a line (under a mutex); a writer thread
// appends and flushes every batch within a few milliseconds.
// Thread safety: add() from any thread; open()/close() from the owning thread.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "yibao/settlement/v1/common.pb.h"

namespace yibao::load {

class AckLog {
 public:
  AckLog() = default;
  ~AckLog() { close(); }
  AckLog(const AckLog&) = delete;
  AckLog& operator=(const AckLog&) = delete;

  // Opens `path` for appending and starts the writer. False (errno kept) if it cannot be opened.
  bool open(const std::string& path);
  bool enabled() const { return file_ != nullptr; }
  // Queues the line of one acknowledged settlement (no-op when not enabled).
  void add(const std::string& msgid, const std::string& fixmedins_code, const settlement::v1::SetlInfo& s);
  // Writes what is queued, flushes, stops the writer, closes the file. Idempotent.
  void close();
  uint64_t lines() const;

  // The line of one settlement, without the newline.
  static std::string format(const std::string& msgid, const std::string& fixmedins_code,
                            const settlement::v1::SetlInfo& s);

 private:
  void writer_loop();

  std::FILE* file_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> pending_;
  bool stopping_ = false;
  uint64_t lines_ = 0;
  std::thread writer_;
};

}  // namespace yibao::load
