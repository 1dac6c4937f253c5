// Internals of the checker shared by its files (sim/checker.cc, sim/checker_d7.cc): the
// checker's own sessions at the facilities and small helpers. Not part of the interface.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "grpc/client/client_pool.h"
#include "models/population.h"
#include "models/time.h"
#include "sim/checker.h"

namespace yibao::sim::checker_detail {

inline CivilTime china_now() {
  using namespace std::chrono;
  return CivilTime{duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 8 * 3600};
}

inline std::string failure(const client::CallResult& r) {
  return r.reason.empty() ? fmt::format("grpc {} {}", static_cast<int>(r.code()), r.status.error_message())
                          : r.reason + " " + r.status.error_message();
}

inline std::string day_of(const std::string& civil) { return civil.size() >= 10 ? civil.substr(0, 10) : std::string(); }

// The sign of a row's amounts in 3201 terms (rows carry magnitudes, refd_setl_flag the sign).
inline int64_t row_sign(const settlement::v1::ReconcileRow& r) { return r.refd_setl_flag() == 1 ? -1 : 1; }

struct Totals {
  int64_t medfee = 0, fund = 0, acct = 0, count = 0;
};

// Synchronous calls to the core as one operator of each facility.
class Wire {
 public:
  Wire(client::ClientPool& pool, const models::Population& pop, const LiveCheckOptions& o)
      : pool_(pool), pop_(pop), o_(o) {}

  client::CallOptions options() const {
    client::CallOptions c;
    c.deadline = o_.deadline;
    c.retry.max_retries = 3;
    c.retry.on_deadline_exceeded = true;  // reads only: safe to repeat
    c.wait_for_ready = true;
    return c;
  }

  // A header of `code`'s session. The sequence counts down from 9999 so that the checker's
  // msgids stay clear of a simulator's, which count up within a second.
  settlement::v1::RequestHeader header(const std::string& code, const char* infno) {
    const CivilTime now = china_now();
    settlement::v1::RequestHeader h;
    h.set_infno(infno);
    h.set_msgid(code + format_compact(now) + fmt::format("{:04d}", seq_));
    seq_ = seq_ == 0 ? 9999 : seq_ - 1;
    h.set_fixmedins_code(code);
    h.set_opter(o_.opter);
    h.set_opter_type(1);
    h.set_inf_time(format_envelope(now));
    h.set_infver("V1.0");
    auto it = sign_no_.find(code);
    if (it != sign_no_.end()) h.set_sign_no(it->second);
    return h;
  }

  // Signs in at `code` (once). "" on success, else why not. `transport` is set when the core
  // did not answer at all.
  std::string sign_in(const std::string& code, bool* transport) {
    if (sign_no_.count(code)) return "";
    const auto j = pop_.find_facility(code);
    if (!j) return "facility " + code + " is not in the population";
    settlement::v1::SignInRequest q;
    *q.mutable_header() = header(code, "9001");
    q.set_opter_no(o_.opter);
    q.set_sign_secret(pop_.facility_secret(*j));
    settlement::v1::SignInReply rep;
    const client::CallResult r = pool_.call_sync(&client::SettlementAsync::SignIn, std::move(q), &rep, options());
    if (!r.ok()) {
      *transport = r.reason.empty();
      return "sign-in at " + code + " refused: " + failure(r);
    }
    sign_no_[code] = rep.sign_no();
    return "";
  }

  client::ClientPool& pool() { return pool_; }

 private:
  client::ClientPool& pool_;
  const models::Population& pop_;
  const LiveCheckOptions& o_;
  std::map<std::string, std::string> sign_no_;
  int seq_ = 9999;
};

// D7 over the wire (see sim/checker.h).
InvariantResult check_d7(const std::vector<JournalEntry>& journal, Wire& wire, const models::Population& population,
                         const LiveCheckOptions& options);

}  // namespace yibao::sim::checker_detail
