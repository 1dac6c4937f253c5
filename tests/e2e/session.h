// Session: one signed-in operator of one facility, for process-level tests. Builds envelopes
// (msgid = facility code + yyyyMMddHHmmss + 4-digit sequence, unique per facility), calls the
// core synchronously through the client pool, and hands back the reply with its CallResult.
// Not thread-safe; one per test thread.
#pragma once

#include <memory>
#include <string>

#include "grpc/client/client_pool.h"
#include "models/population.h"
#include "models/status.h"
#include "yibao/settlement/v1/settlement.grpc.pb.h"

namespace yibao::testing {

namespace v1 = ::yibao::settlement::v1;

class Session {
 public:
  Session(client::ClientPool& pool, std::string fixmedins_code, std::string secret, std::string opter = "op01");

  // 9001; false if refused.
  bool sign_in();
  // A fresh header for `infno`.
  v1::RequestHeader header(const std::string& infno);
  const std::string& code() const { return code_; }
  const std::string& sign_no() const { return sign_no_; }
  void set_sign_no(std::string s) { sign_no_ = std::move(s); }

  // Calls Settlement.<method>; `req` must already carry its header.
  template <typename Req, typename Rep>
  client::CallResult call(client::AsyncMethod<client::SettlementAsync, Req, Rep> method, const Req& req, Rep* rep) {
    client::CallOptions o;
    o.deadline = std::chrono::seconds(10);
    return pool_.call_sync(method, req, rep, o);
  }

 private:
  client::ClientPool& pool_;
  std::string code_;
  std::string secret_;
  std::string opter_;
  std::string sign_no_;
  int seq_ = 0;
};

using S = client::SettlementAsync;

// The population a running core holds, regenerated here: (preset, seed) and the policy year
// the core reports in Admin.GetStats (the pool must carry the Admin token).
Result<models::Population> population_like_core(client::ClientPool& pool, const std::string& preset, uint64_t seed);

}  // namespace yibao::testing
