#include "grpc/core/admin_service.h"

#include <openssl/crypto.h>

#include "grpc/convert/entities.h"
#include "grpc/convert/histogram.h"
#include "grpc/convert/status.h"
#include "grpc/core/audit.h"
#include "grpc/core/validate.h"
#include "models/catalog_yaml.h"
#include "models/policy_yaml.h"

namespace yibao::core {
namespace {

using Steady = std::chrono::steady_clock;

double us_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::micro>(Steady::now() - t0).count();
}

}  // namespace

Status AdminService::authorize(grpc::CallbackServerContext* ctx) const {
  const auto& md = ctx->client_metadata();
  auto it = md.find("authorization");
  const std::string want = "Bearer " + info_.token;
  if (it == md.end() || it->second.size() != want.size() ||
      CRYPTO_memcmp(it->second.data(), want.data(), want.size()) != 0)
    return Status(Code::kUnauthenticated, reason::kSignin, "Admin calls need the bearer token (authorization metadata)");
  return Status::Ok();
}

grpc::ServerUnaryReactor* AdminService::finish_now(grpc::CallbackServerContext* ctx, const Status& s, const char* name,
                                                   Steady::time_point t0) {
  auto* reactor = ctx->DefaultReactor();
  convert::add_refusal_metadata(ctx, s);
  stats_.record(name, s.ok() ? RpcStats::Outcome::kOk : RpcStats::Outcome::kRefused, us_since(t0));
  reactor->Finish(convert::to_grpc(s));
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::on_writer(grpc::CallbackServerContext* ctx, const google::protobuf::Message& req,
                                                  const char* name, std::function<Status(Ledger&)> fn,
                                                  std::function<void()> after) {
  const auto t0 = Steady::now();
  Status st = authorize(ctx);
  if (st.ok()) st = validate_request(req, nullptr, "", kAdminBounds);
  if (!st.ok()) return finish_now(ctx, st, name, t0);
  auto* reactor = ctx->DefaultReactor();
  auto outcome = std::make_shared<Status>();
  committer_.submit(GroupCommitter::Item{
      [this, fn = std::move(fn), outcome, name](Ledger& l) -> Status {
        // Switchover (DOMAIN.md §11.14) for the Admin calls a scope names; an unset admin clock
        // has no window in force.
        if (const Result<CivilTime> now = state_.clock().now(); now.ok()) {
          *outcome = state_.windows().check(name, *now);
          if (!outcome->ok()) return Status::Ok();
        }
        YB_RETURN_IF_ERROR(l.savepoint());
        *outcome = fn(l);
        if (outcome->code() == Code::kInternal) return *outcome;
        return outcome->ok() ? l.release_savepoint() : l.rollback_savepoint();
      },
      [this, ctx, reactor, outcome, name, t0, after = std::move(after)](const Status& commit) {
        if (commit.ok() && outcome->ok() && after) after();
        const Status& s = commit.ok() ? *outcome : commit;
        convert::add_refusal_metadata(ctx, s);
        stats_.record(name, s.ok() ? RpcStats::Outcome::kOk : RpcStats::Outcome::kRefused, us_since(t0));
        reactor->Finish(convert::to_grpc(s));
      }});
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::Echo(grpc::CallbackServerContext* ctx, const v1::EchoRequest* req,
                                             v1::EchoReply* rep) {
  const auto t0 = Steady::now();
  Status st = authorize(ctx);
  if (st.ok()) rep->set_payload(req->payload());
  return finish_now(ctx, st, "Echo", t0);
}

grpc::ServerUnaryReactor* AdminService::UpsertFacilities(grpc::CallbackServerContext* ctx,
                                                         const v1::UpsertFacilitiesRequest* req, v1::UpsertReply* rep) {
  return on_writer(ctx, *req, "UpsertFacilities", [this, req, rep](Ledger& l) -> Status {
    for (int i = 0; i < req->facilities_size(); ++i) {
      YB_ASSIGN_OR_RETURN(models::Facility f, convert::from_proto(req->facilities(i)));
      auto old = state_.facility(l, f.code);
      if (old && f.secret.empty()) f.secret = old->secret;
      if (f.secret.empty())
        return Status::Refuse(reason::kBadRequest, "a new facility needs its sign_secret",
                              "facilities[" + std::to_string(i) + "].sign_secret");
      YB_RETURN_IF_ERROR(l.put_facility(f));
      rep->set_created(rep->created() + (old ? 0 : 1));
      rep->set_updated(rep->updated() + (old ? 1 : 0));
    }
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* AdminService::UpsertPersons(grpc::CallbackServerContext* ctx,
                                                      const v1::UpsertPersonsRequest* req, v1::UpsertReply* rep) {
  return on_writer(ctx, *req, "UpsertPersons", [this, req, rep](Ledger& l) -> Status {
    for (int i = 0; i < req->persons_size(); ++i) {
      const v1::Person& pb = req->persons(i);
      YB_ASSIGN_OR_RETURN(models::Person p, convert::from_proto(pb));
      auto old = state_.person(l, p.psn_no);
      if (!old) {
        // Creation: opening balance and accumulators.
        YB_RETURN_IF_ERROR(l.put_person(p));
        YB_RETURN_IF_ERROR(l.put_balance(p.psn_no, p.balc));
        int32_t year = 0;
        const models::Accumulators acc = convert::opening_accumulators(pb, &year);
        if (year != 0) {
          YB_RETURN_IF_ERROR(l.put_accumulators(p.psn_no, p.insutype, year, acc));
          YB_RETURN_IF_ERROR(put_opening_accumulators(l, p.psn_no, p.insutype, year, acc));
        }
        rep->set_created(rep->created() + 1);
        continue;
      }
      // Update: enrolment, scheme and flags only; balances and accumulators move only through
      // settlements and the money calls (DESIGN.md §4).
      models::Person u = *old;
      u.insutype = p.insutype;
      u.psn_type = p.psn_type;
      u.cvlserv = p.cvlserv;
      u.hifes = p.hifes;
      u.maf_group = p.maf_group;
      u.enrolment = p.enrolment;
      u.paid_through = p.paid_through;
      u.insuplc_admdvs = p.insuplc_admdvs.empty() ? u.insuplc_admdvs : p.insuplc_admdvs;
      u.mulaid_psn_no = p.mulaid_psn_no;
      YB_RETURN_IF_ERROR(l.put_person(u));
      rep->set_updated(rep->updated() + 1);
    }
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* AdminService::UpsertFilings(grpc::CallbackServerContext* ctx,
                                                      const v1::UpsertFilingsRequest* req, v1::UpsertReply* rep) {
  return on_writer(ctx, *req, "UpsertFilings", [this, req, rep](Ledger& l) -> Status {
    for (int i = 0; i < req->filings_size(); ++i) {
      YB_ASSIGN_OR_RETURN(models::Filing f, convert::from_proto(req->filings(i)));
      if (!state_.person(l, f.psn_no))
        return Status::Refuse(reason::kPsnNotFound, "person " + f.psn_no + " is not known",
                              "filings[" + std::to_string(i) + "].psn_no");
      YB_ASSIGN_OR_RETURN(const int64_t seq, l.next_sequence("filing"));
      f.id = "FA" + std::to_string(seq);
      YB_RETURN_IF_ERROR(l.put_filing(f));
      rep->set_created(rep->created() + 1);
    }
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* AdminService::LoadPolicy(grpc::CallbackServerContext* ctx, const v1::LoadPolicyRequest* req,
                                                   v1::LoadPolicyReply* rep) {
  return on_writer(ctx, *req, "LoadPolicy", [this, req, rep](Ledger& l) -> Status {
    const std::string name = req->source_name().empty() ? "policy" : req->source_name();
    YB_ASSIGN_OR_RETURN(models::PolicySet set, models::parse_policy_set(req->yaml(), name));
    rep->set_policy_id(set.id);
    rep->set_version(set.version);
    rep->set_effective_from(format_date(set.effective_from));
    YB_RETURN_IF_ERROR(l.put_document(Ledger::Document{"policy", name, req->yaml(), 0}));
    // If the batch fails to commit the set stays loaded in memory only: the caller got an error
    // and may resend (adding the identical set again is OK).
    auto changing = state_.lock_reference_for_change();  // the reader's requests wait (core_state.h)
    return state_.policies().add(std::move(set));
  });
}

grpc::ServerUnaryReactor* AdminService::LoadCatalog(grpc::CallbackServerContext* ctx,
                                                    const v1::LoadCatalogRequest* req, v1::LoadCatalogReply* rep) {
  return on_writer(ctx, *req, "LoadCatalog", [this, req, rep](Ledger& l) -> Status {
    const std::string name = req->source_name().empty() ? "catalog" : req->source_name();
    YB_ASSIGN_OR_RETURN(models::Catalog loaded, models::parse_catalog(req->yaml(), name));
    YB_RETURN_IF_ERROR(l.put_document(Ledger::Document{"catalog", name, req->yaml(), 0}));
    // Items are added to (or replace by code in) the catalog in force.
    auto changing = state_.lock_reference_for_change();
    for (const auto& item : loaded.items()) state_.catalog().add(item);
    rep->set_items(static_cast<int64_t>(loaded.size()));
    return Status::Ok();
  });
}

grpc::ServerUnaryReactor* AdminService::GetStats(grpc::CallbackServerContext* ctx, const v1::GetStatsRequest*,
                                                 v1::GetStatsReply* rep) {
  const auto t0 = Steady::now();
  Status st = authorize(ctx);
  if (st.ok()) {
    rep->set_population_preset(info_.population_preset);
    rep->set_population_seed(info_.population_seed);
    rep->set_population_year(info_.population_year);
    if (const auto& pop = state_.population()) {
      rep->set_persons(static_cast<int64_t>(pop->person_count()));
      rep->set_facilities(pop->facility_count());
    }
    for (const auto& e : stats_.snapshot()) {
      auto* r = rep->add_rpcs();
      r->set_infno(e.key);
      r->set_ok(e.ok);
      r->set_refused(e.refused);
      r->set_replayed(e.replayed);
      convert::to_proto(e.latency, r->mutable_latency());
    }
    const GroupCommitter::Stats cs = committer_.stats();
    rep->set_commit_batches(cs.batches);
    rep->set_commit_syncs(cs.syncs);
    convert::to_proto(cs.batch_size, rep->mutable_commit_batch_size());
    convert::to_proto(cs.commit_us, rep->mutable_commit_time());
    rep->set_ledger(info_.ledger);
    rep->set_started_at(info_.started_at);
    rep->set_version(info_.version);
  }
  return finish_now(ctx, st, "GetStats", t0);
}

grpc::ServerUnaryReactor* AdminService::GetFundBalances(grpc::CallbackServerContext* ctx,
                                                        const v1::GetFundBalancesRequest* req,
                                                        v1::GetFundBalancesReply* rep) {
  return on_writer(ctx, *req, "GetFundBalances", [rep](Ledger& l) -> Status {
    for (const FundTotals& f : l.funds()) {
      auto* b = rep->add_funds();
      b->set_fund(f.fund);
      b->set_opening(f.opening.v);
      b->set_premiums(f.premiums.v);
      b->set_payouts(f.payouts.v);
      b->set_reversals(f.reversals.v);
      b->set_closing(f.closing().v);
    }
    return Status::Ok();
  });
}

}  // namespace yibao::core
