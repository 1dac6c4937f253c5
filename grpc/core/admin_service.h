// The Admin service (admin.proto): the agency's and operator's side. Every call needs the
// bearer token (`authorization: Bearer TOKEN`); a wrong or missing one is UNAUTHENTICATED with
// nothing done. Writes go through the writer (group commit) like settlements do, so they are
// durable before they are answered. Thread-safe.
#pragma once

#include <string>

#include "grpc/core/core_state.h"
#include "grpc/core/group_commit.h"
#include "grpc/core/rpc_stats.h"
#include "yibao/settlement/v1/admin.grpc.pb.h"

namespace yibao::core {

namespace v1 = ::yibao::settlement::v1;

struct AdminInfo {
  std::string token;              // the bearer token
  std::string population_preset;  // "" when the core holds no generated population
  uint64_t population_seed = 0;
  int32_t population_year = 0;
  std::string ledger;             // Ledger::describe()
  std::string started_at;         // ISO 8601 civil time
  std::string version;
};

class AdminService final : public v1::Admin::CallbackService {
 public:
  AdminService(CoreState& state, GroupCommitter& committer, RpcStats& stats, AdminInfo info)
      : state_(state), committer_(committer), stats_(stats), info_(std::move(info)) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext*, const v1::EchoRequest*, v1::EchoReply*) override;
  grpc::ServerUnaryReactor* UpsertFacilities(grpc::CallbackServerContext*, const v1::UpsertFacilitiesRequest*,
                                             v1::UpsertReply*) override;
  grpc::ServerUnaryReactor* UpsertPersons(grpc::CallbackServerContext*, const v1::UpsertPersonsRequest*,
                                          v1::UpsertReply*) override;
  grpc::ServerUnaryReactor* UpsertFilings(grpc::CallbackServerContext*, const v1::UpsertFilingsRequest*,
                                          v1::UpsertReply*) override;
  grpc::ServerUnaryReactor* LoadPolicy(grpc::CallbackServerContext*, const v1::LoadPolicyRequest*,
                                       v1::LoadPolicyReply*) override;
  grpc::ServerUnaryReactor* LoadCatalog(grpc::CallbackServerContext*, const v1::LoadCatalogRequest*,
                                        v1::LoadCatalogReply*) override;
  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext*, const v1::GetStatsRequest*,
                                     v1::GetStatsReply*) override;
  grpc::ServerUnaryReactor* GetFundBalances(grpc::CallbackServerContext*, const v1::GetFundBalancesRequest*,
                                            v1::GetFundBalancesReply*) override;

  // Core operations (admin_operations.cc): clock, switchover windows, premiums, faults.
  grpc::ServerUnaryReactor* SetClock(grpc::CallbackServerContext*, const v1::SetClockRequest*,
                                     v1::ClockReply*) override;
  grpc::ServerUnaryReactor* GetClock(grpc::CallbackServerContext*, const v1::GetClockRequest*,
                                     v1::ClockReply*) override;
  grpc::ServerUnaryReactor* OpenWindow(grpc::CallbackServerContext*, const v1::OpenWindowRequest*,
                                       v1::WindowReply*) override;
  grpc::ServerUnaryReactor* CloseWindow(grpc::CallbackServerContext*, const v1::CloseWindowRequest*,
                                        v1::WindowReply*) override;
  grpc::ServerUnaryReactor* ListWindows(grpc::CallbackServerContext*, const v1::ListWindowsRequest*,
                                        v1::ListWindowsReply*) override;
  grpc::ServerUnaryReactor* CollectPremium(grpc::CallbackServerContext*, const v1::CollectPremiumRequest*,
                                           v1::CollectPremiumReply*) override;
  grpc::ServerUnaryReactor* InjectFault(grpc::CallbackServerContext*, const v1::InjectFaultRequest*,
                                        v1::FaultsReply*) override;
  grpc::ServerUnaryReactor* ClearFaults(grpc::CallbackServerContext*, const v1::ClearFaultsRequest*,
                                        v1::FaultsReply*) override;

  // Suspensions, held amounts, decisions (admin_suspensions.cc).
  grpc::ServerUnaryReactor* Suspend(grpc::CallbackServerContext*, const v1::SuspendRequest*,
                                    v1::SuspensionReply*) override;
  grpc::ServerUnaryReactor* LiftSuspension(grpc::CallbackServerContext*, const v1::LiftSuspensionRequest*,
                                           v1::SuspensionReply*) override;
  grpc::ServerUnaryReactor* ListSuspensions(grpc::CallbackServerContext*, const v1::ListSuspensionsRequest*,
                                            v1::ListSuspensionsReply*) override;
  grpc::ServerUnaryReactor* ListHeldAmounts(grpc::CallbackServerContext*, const v1::ListHeldAmountsRequest*,
                                            v1::ListHeldAmountsReply*) override;
  grpc::ServerUnaryReactor* Decide(grpc::CallbackServerContext*, const v1::DecideRequest*,
                                   v1::DecisionReply*) override;

  // Manual reimbursement, top-up and claw-back (manual_reimburse.cc).
  grpc::ServerUnaryReactor* ManualReimburse(grpc::CallbackServerContext*, const v1::ManualReimburseRequest*,
                                            v1::ManualReimburseReply*) override;

 private:
  // Checks the token and the bounds; then runs `fn` on the writer in its own savepoint and
  // answers after the commit; `after` (if any) runs once the commit is durable, before the
  // answer (in-memory effects: the clock, the window registry). An Admin call that a switchover
  // scope names (windows.h: UpsertPersons, UpsertFilings, CollectPremium) is refused with
  // E_SWITCHOVER on the writer, at its turn, while a window of that scope is in force.
  grpc::ServerUnaryReactor* on_writer(grpc::CallbackServerContext* ctx, const google::protobuf::Message& req,
                                      const char* name, std::function<Status(Ledger&)> fn,
                                      std::function<void()> after = {});
  Status authorize(grpc::CallbackServerContext* ctx) const;
  grpc::ServerUnaryReactor* finish_now(grpc::CallbackServerContext* ctx, const Status& s, const char* name,
                                       std::chrono::steady_clock::time_point t0);

  CoreState& state_;
  GroupCommitter& committer_;
  RpcStats& stats_;
  AdminInfo info_;
};

}  // namespace yibao::core
