#include "tests/e2e/session.h"

#include <chrono>
#include <cstdio>

#include "models/population_yaml.h"
#include "models/time.h"

namespace yibao::testing {

Session::Session(client::ClientPool& pool, std::string fixmedins_code, std::string secret, std::string opter)
    : pool_(pool), code_(std::move(fixmedins_code)), secret_(std::move(secret)), opter_(std::move(opter)) {}

v1::RequestHeader Session::header(const std::string& infno) {
  using namespace std::chrono;
  const int64_t now_s = duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 8 * 3600;
  char seq[8];
  std::snprintf(seq, sizeof seq, "%04d", seq_++ % 10000);
  v1::RequestHeader h;
  h.set_infno(infno);
  h.set_msgid(code_ + format_compact(CivilTime{now_s}) + seq);
  h.set_fixmedins_code(code_);
  h.set_opter(opter_);
  h.set_opter_type(1);
  h.set_sign_no(sign_no_);
  h.set_inf_time(format_envelope(CivilTime{now_s}));
  h.set_infver("V1.0");
  return h;
}

bool Session::sign_in() {
  v1::SignInRequest req;
  *req.mutable_header() = header("9001");
  req.set_opter_no(opter_);
  req.set_sign_secret(secret_);
  v1::SignInReply rep;
  if (!call(&S::SignIn, req, &rep).ok()) return false;
  sign_no_ = rep.sign_no();
  return true;
}

Result<models::Population> population_like_core(client::ClientPool& pool, const std::string& preset, uint64_t seed) {
  v1::GetStatsReply stats;
  const client::CallResult r = pool.call_sync(&client::AdminAsync::GetStats, v1::GetStatsRequest(), &stats);
  if (!r.ok()) return Status(Code::kUnavailable, "", "Admin.GetStats: " + r.status.error_message());
  YB_ASSIGN_OR_RETURN(models::PresetCatalog presets, models::load_presets_file(models::default_presets_path()));
  const models::PresetDef* def = presets.find(preset);
  if (def == nullptr) return Status(Code::kNotFound, "", "no preset " + preset);
  models::PresetDef d = *def;
  d.year = stats.population_year();
  return models::Population::create(std::move(d), seed);
}

}  // namespace yibao::testing
