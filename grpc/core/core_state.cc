#include "grpc/core/core_state.h"

#include <cstdio>

namespace yibao::core {

CoreState::CoreState(Clock clock, std::optional<models::Population> population, models::PolicyBook policies,
                     models::Catalog catalog)
    : clock_(clock), population_(std::move(population)), policies_(std::move(policies)), catalog_(std::move(catalog)) {
  region_ = population_ && !population_->regions().empty() ? population_->regions().front().admdvs : "000000";
}

std::string CoreState::next_refmsgid(CivilTime now) {
  const uint64_t seq = refmsg_seq_.fetch_add(1, std::memory_order_relaxed) % 10000000000ULL;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010llu", static_cast<unsigned long long>(seq));
  return region_ + format_compact(now) + buf;
}

std::optional<models::Person> CoreState::person(Ledger& l, std::string_view psn_no) const {
  if (auto p = l.get_person(psn_no)) return p;
  if (population_) {
    if (auto i = population_->find_psn_no(psn_no)) return population_->person(*i);
  }
  return std::nullopt;
}

std::optional<models::Person> CoreState::person_by_credential(Ledger& l, std::string_view cert_type,
                                                              std::string_view cert_no,
                                                              std::string_view card_sn) const {
  if (cert_type == "01") return person(l, cert_no);
  if (cert_type != "02" && cert_type != "03") return std::nullopt;
  std::optional<models::Person> found;
  if (population_) {
    if (auto i = population_->find_certno(cert_no)) found = person(l, population_->psn_no(*i));
  }
  if (!found) return std::nullopt;
  if (cert_type == "03" && found->card_sn != card_sn) return std::nullopt;
  return found;
}

std::optional<models::Facility> CoreState::facility(Ledger& l, std::string_view code) const {
  if (auto f = l.get_facility(code)) return f;
  if (population_) {
    if (auto j = population_->find_facility(code)) return population_->facility(*j);
  }
  return std::nullopt;
}

Fen CoreState::balance(Ledger& l, const models::Person& p) const {
  if (auto b = l.get_balance(p.psn_no)) return *b;
  return p.balc;
}

models::Accumulators CoreState::accumulators(Ledger& l, const models::Person& p, int32_t year) const {
  if (auto a = l.get_accumulators(p.psn_no, p.insutype, year)) return *a;
  if (population_ && year == population_->year()) {
    if (auto i = population_->find_psn_no(p.psn_no)) return population_->opening_accumulators(*i, year);
  }
  return models::Accumulators{};
}

std::vector<models::Filing> CoreState::filings(Ledger& l, std::string_view psn_no) const {
  std::vector<models::Filing> stored = l.filings_of(psn_no);
  std::vector<models::Filing> out;
  if (population_) {
    if (auto i = population_->find_psn_no(psn_no)) out = population_->filings(*i);
  }
  for (auto& f : stored) {
    bool replaced = false;
    for (auto& g : out) {
      if (g.id == f.id) {
        g = f;
        replaced = true;
      }
    }
    if (!replaced) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace yibao::core
