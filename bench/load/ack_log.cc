#include "bench/load/ack_log.h"

namespace yibao::load {

bool AckLog::open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "a");
  if (file_ == nullptr) return false;
  writer_ = std::thread([this] { writer_loop(); });
  return true;
}

std::string AckLog::format(const std::string& msgid, const std::string& fixmedins_code,
                           const settlement::v1::SetlInfo& s) {
  std::string line;
  line.reserve(160);
  line += msgid;
  line += ',';
  line += s.setl_id();
  line += ',';
  line += s.mdtrt_id();
  line += ',';
  line += fixmedins_code;
  for (int64_t v : {s.medfee_sumamt(), s.fund_pay_sumamt(), s.acct_pay(), s.psn_cash_pay()}) {
    line += ',';
    line += std::to_string(v);
  }
  return line;
}

void AckLog::add(const std::string& msgid, const std::string& fixmedins_code, const settlement::v1::SetlInfo& s) {
  if (file_ == nullptr) return;
  std::string line = format(msgid, fixmedins_code, s);
  {
    std::lock_guard lock(mu_);
    pending_.push_back(std::move(line));
    ++lines_;
  }
  cv_.notify_one();
}

uint64_t AckLog::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

void AckLog::writer_loop() {
  std::vector<std::string> batch;
  for (;;) {
    bool stop = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      batch.swap(pending_);
      stop = stopping_;
    }
    for (const auto& l : batch) {
      std::fputs(l.c_str(), file_);
      std::fputc('\n', file_);
    }
    // Flushed to the kernel at once: a reader sees every acknowledged line even if this process
    // is killed next (the file's own durability is not at stake here).
    if (!batch.empty()) std::fflush(file_);
    batch.clear();
    if (stop) {
      std::lock_guard lock(mu_);
      if (pending_.empty()) return;
    }
  }
}

void AckLog::close() {
  if (file_ == nullptr) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();
  std::fclose(file_);
  file_ = nullptr;
}

}  // namespace yibao::load
