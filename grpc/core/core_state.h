// CoreState: what the settlement core knows besides the ledger — the clock, the open sign-ins,
// the switchover windows, the armed faults,
// the generated population, the policy sets and the catalog — and the lookups that merge the
// generated population with what the ledger stores over it.
//
// Persons and facilities of a generated population are pure functions of (preset, seed, index)
// (models/population.h), so the core never copies them into the ledger: the ledger holds only
// what changed (balances, accumulators, Admin upserts, filings), and a lookup is "ledger first,
// then the generator". That is how the city's 4 M persons are "loaded" in no time and a
// province or the nation is served without holding it.
//
// Thread-safety: clock(), signins(), windows(), faults() and next_refmsgid() are thread-safe. The
// lookups are pure functions of the ledger they are given and the immutable population: the
// writer calls them with the writer's ledger, the reader with its own read-only connection. The
// policy book and the catalog: see lock_reference_for_read().
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "grpc/core/clock.h"
#include "grpc/core/faults.h"
#include "grpc/core/ledger.h"
#include "grpc/core/signins.h"
#include "grpc/core/windows.h"
#include "models/catalog.h"
#include "models/policy.h"
#include "models/population.h"

namespace yibao::core {

class CoreState {
 public:
  CoreState(Clock clock, std::optional<models::Population> population, models::PolicyBook policies,
            models::Catalog catalog);

  const Clock& clock() const { return clock_; }
  Clock& clock() { return clock_; }
  // Switchover windows (the ledger's, in memory for the per-call check) and armed faults.
  Windows& windows() { return windows_; }
  const Windows& windows() const { return windows_; }
  Faults& faults() { return faults_; }
  SignIns& signins() { return signins_; }
  const SignIns& signins() const { return signins_; }
  const std::optional<models::Population>& population() const { return population_; }
  models::PolicyBook& policies() { return policies_; }
  models::Catalog& catalog() { return catalog_; }
  // The policy book and the catalog are changed on the writer only (start-up, Admin loads), under
  // lock_reference_for_change(); the reader (dispatch.h) holds lock_reference_for_read() while it
  // runs a request, so it never sees a set or an item half added. The writer reads them unlocked.
  std::unique_lock<std::shared_mutex> lock_reference_for_change() { return std::unique_lock(reference_mu_); }
  std::shared_lock<std::shared_mutex> lock_reference_for_read() { return std::shared_lock(reference_mu_); }
  // The core's region code (6 digits): the first region of the population, or "000000".
  const std::string& region() const { return region_; }
  // A fresh inf_refmsgid: region(6) + yyyyMMddHHmmss(14) + sequence(10).
  std::string next_refmsgid(CivilTime now);
  // The oldest care time a back-fill may carry, in days before its entry (DOMAIN.md §11.18:
  // 6 months; `--backfill-max-age-days`). Set once at start-up, before the services run.
  int32_t backfill_max_age_days() const { return backfill_max_age_days_; }
  void set_backfill_max_age_days(int32_t days) { backfill_max_age_days_ = days; }

  // ---- Lookups (writer thread) ----
  std::optional<models::Person> person(Ledger& l, std::string_view psn_no) const;
  // A person by credential: 01 e-voucher (the token is the psn_no), 02 ID card (certno),
  // 03 social-security card (certno + card_sn). nullopt if not found or not matching.
  std::optional<models::Person> person_by_credential(Ledger& l, std::string_view cert_type, std::string_view cert_no,
                                                     std::string_view card_sn) const;
  std::optional<models::Facility> facility(Ledger& l, std::string_view code) const;
  // Current personal-account balance.
  Fen balance(Ledger& l, const models::Person& p) const;
  // The care year's accumulators as they stand (stored, else the opening values).
  models::Accumulators accumulators(Ledger& l, const models::Person& p, int32_t year) const;
  // Filings of a person: the generated ones overridden by those the ledger holds (same id).
  std::vector<models::Filing> filings(Ledger& l, std::string_view psn_no) const;

 private:
  Clock clock_;
  SignIns signins_;
  Windows windows_;
  Faults faults_;
  std::optional<models::Population> population_;
  models::PolicyBook policies_;
  models::Catalog catalog_;
  std::shared_mutex reference_mu_;
  std::string region_;
  std::atomic<uint64_t> refmsg_seq_{0};
  int32_t backfill_max_age_days_ = 183;
};

}  // namespace yibao::core
