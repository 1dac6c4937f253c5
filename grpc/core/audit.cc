#include "grpc/core/audit.h"

#include <sstream>

namespace yibao::core {
namespace {

std::string opening_key(const std::string& psn_no, models::Insutype t, int32_t year) {
  return "opening_acc/" + psn_no + "/" + std::to_string(static_cast<int>(t)) + "/" + std::to_string(year);
}

// The accumulator fields in a fixed order (Fen as int64, admissions last).
std::vector<int64_t> fields(const models::Accumulators& a) {
  return {a.otp_dedc_used.v, a.otp_pool_paid.v, a.chronic_pool_paid.v, a.pool_paid_total.v, a.large_paid.v,
          a.si_base.v,       a.si_paid.v,       a.cvlserv_paid.v,      a.hifes_paid.v,      a.maf_paid.v,
          a.ipt_dedc_paid.v, a.admissions};
}

models::Accumulators from_fields(const std::vector<int64_t>& f) {
  models::Accumulators a;
  Fen* fen[] = {&a.otp_dedc_used, &a.otp_pool_paid, &a.chronic_pool_paid, &a.pool_paid_total,
                &a.large_paid,    &a.si_base,       &a.si_paid,           &a.cvlserv_paid,
                &a.hifes_paid,    &a.maf_paid,      &a.ipt_dedc_paid};
  for (size_t i = 0; i < 11 && i < f.size(); ++i) *fen[i] = Fen(f[i]);
  if (f.size() > 11) a.admissions = static_cast<int32_t>(f[11]);
  return a;
}

std::string describe(const models::Accumulators& a) {
  std::string s;
  for (int64_t v : fields(a)) s += (s.empty() ? "" : ",") + std::to_string(v);
  return s;
}

}  // namespace

Status put_opening_accumulators(Ledger& l, const std::string& psn_no, models::Insutype t, int32_t year,
                                const models::Accumulators& a) {
  return l.put_meta(opening_key(psn_no, t, year), describe(a));
}

std::vector<std::string> accumulator_mismatches(Ledger& l, const CoreState& state) {
  std::vector<std::string> out;
  for (const Ledger::AccKey& k : l.all_accumulators()) {
    models::Accumulators expect;
    if (auto stored = l.get_meta(opening_key(k.psn_no, k.insutype, k.year))) {
      std::vector<int64_t> f;
      std::stringstream ss(*stored);
      std::string item;
      while (std::getline(ss, item, ',')) f.push_back(std::stoll(item));
      expect = from_fields(f);
    } else if (const auto& pop = state.population(); pop && k.year == pop->year()) {
      if (auto i = pop->find_psn_no(k.psn_no)) expect = pop->opening_accumulators(*i, k.year);
    }
    for (const SettlementRecord& s : l.settlements_of(k.psn_no, k.insutype, k.year)) expect += s.acc_delta;
    if (!(expect == k.acc))
      out.push_back(k.psn_no + " " + std::to_string(static_cast<int>(k.insutype)) + " " + std::to_string(k.year) +
                    ": stored " + describe(k.acc) + " recomputed " + describe(expect));
  }
  return out;
}

}  // namespace yibao::core
