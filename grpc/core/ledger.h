// Ledger: the durable store of the settlement core (DESIGN.md §4 "Ledger", "Durability").
//
// One interface, two backends: LedgerSqlite (the embedded default: WAL, fsync before every answer,
// versioned schema) and LedgerMemory (the test twin, same behaviour, nothing on disk).
// PostgreSQL will be a third.
//
// Threading: a Ledger is used by ONE thread, the core's writer (group_commit.h), which runs every
// business operation inside a batch transaction: begin_batch(); for each request a savepoint,
// the operation, release or rollback to the savepoint; commit_batch() — durable before it returns
// — and only then are the callers answered. Nothing here is thread-safe.
//
// Errors: a storage failure returns a non-OK Status (INTERNAL / E_INTERNAL); the writer then
// aborts the whole batch and answers every request in it UNAVAILABLE, so nothing is half-written.
// Lookups return std::nullopt for "not there", never an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grpc/core/records.h"
#include "models/status.h"

namespace yibao::core {

class Ledger {
 public:
  virtual ~Ledger() = default;

  // "sqlite:/path (WAL, fsync before every answer)" / "memory": printed in stats and reports.
  virtual std::string describe() const = 0;

  // ---- Transactions ----
  virtual Status begin_batch() = 0;
  // Durable on return (commit_unsynced() then sync_committed()). On failure the batch is rolled
  // back as by abort_batch().
  virtual Status commit_batch() = 0;
  // Group commit in two steps, so the writer may run the next batch while this one syncs
  // (group_commit.h): commit_unsynced() ends the transaction (the next batch may begin; readers
  // may see it), and what it committed is durable once a later sync_committed() returns OK.
  // sync_committed() may run on another thread, concurrently with the next batch; it makes
  // everything committed before it started durable. The memory ledger has nothing to sync.
  virtual Status commit_unsynced() { return commit_batch(); }
  virtual Status sync_committed() { return Status::Ok(); }
  virtual void abort_batch() = 0;
  // Nested savepoint per request inside a batch.
  virtual Status savepoint() = 0;
  virtual Status release_savepoint() = 0;
  virtual Status rollback_savepoint() = 0;

  // ---- Meta (population preset and seed, id sequences, schema version, clock) ----
  virtual std::optional<std::string> get_meta(std::string_view key) = 0;
  virtual Status put_meta(std::string_view key, std::string_view value) = 0;
  // Returns the next value of a named sequence (1, 2, ...), inside the current transaction.
  virtual Result<int64_t> next_sequence(std::string_view name) = 0;

  // ---- Journal (idempotency by msgid) ----
  virtual std::optional<JournalEntry> find_journal(std::string_view msgid) = 0;
  // Inserts or replaces by msgid.
  virtual Status put_journal(const JournalEntry& e) = 0;

  // ---- Facilities and persons stored in the ledger (Admin upserts; overrides of the
  //      generated population) ----
  virtual std::optional<models::Facility> get_facility(std::string_view code) = 0;
  virtual Status put_facility(const models::Facility& f) = 0;
  virtual std::optional<models::Person> get_person(std::string_view psn_no) = 0;
  virtual Status put_person(const models::Person& p) = 0;
  virtual int64_t count_persons() = 0;
  virtual int64_t count_facilities() = 0;

  // ---- Personal-account balances (current; absent = the person's opening balance) ----
  virtual std::optional<Fen> get_balance(std::string_view psn_no) = 0;
  virtual Status put_balance(std::string_view psn_no, Fen balc) = 0;

  // ---- Accumulators per (person, scheme, care year); absent = the opening values ----
  virtual std::optional<models::Accumulators> get_accumulators(std::string_view psn_no, models::Insutype t,
                                                               int32_t year) = 0;
  virtual Status put_accumulators(std::string_view psn_no, models::Insutype t, int32_t year,
                                  const models::Accumulators& a) = 0;
  // Every (person, scheme, year) with stored accumulators (for the D7 check).
  struct AccKey {
    std::string psn_no;
    models::Insutype insutype;
    int32_t year;
    models::Accumulators acc;
  };
  virtual std::vector<AccKey> all_accumulators() = 0;

  // ---- Filings ----
  virtual Status put_filing(const models::Filing& f) = 0;
  virtual std::optional<models::Filing> get_filing(std::string_view id) = 0;
  virtual std::vector<models::Filing> filings_of(std::string_view psn_no) = 0;

  // ---- Sign-ins ----
  virtual Status put_signin(const SignIn& s) = 0;
  virtual std::vector<SignIn> all_signins() = 0;

  // ---- Visits ----
  virtual std::optional<Visit> get_visit(std::string_view mdtrt_id) = 0;
  virtual Status put_visit(const Visit& v) = 0;  // insert or replace
  // A non-VOID visit of this facility with this business key (ipt_otp_no / ipt_no / rxno).
  virtual std::optional<Visit> find_visit_by_key(std::string_view fixmedins_code, VisitKind kind,
                                                 std::string_view key) = 0;
  // A non-VOID, unsettled stay of this person at this facility.
  virtual std::optional<Visit> find_open_stay(std::string_view fixmedins_code, std::string_view psn_no) = 0;

  // ---- Fee lines ----
  virtual std::vector<FeeLineRecord> lines_of(std::string_view mdtrt_id) = 0;
  virtual Status put_line(const FeeLineRecord& l) = 0;  // insert or replace by (mdtrt_id, feedetl_sn)
  // Moves every line of the visit whose setl_id is `from` to `to` ("" = unsettled): a settlement
  // takes the open lines, a cancellation gives them back, a reversal of the cancel takes them
  // again. One statement, not one write per line.
  virtual Status move_lines(std::string_view mdtrt_id, std::string_view from, std::string_view to) = 0;
  virtual Status delete_line(std::string_view mdtrt_id, std::string_view feedetl_sn) = 0;

  // ---- Settlements ----
  virtual std::optional<SettlementRecord> get_settlement(std::string_view setl_id) = 0;
  virtual Status put_settlement(const SettlementRecord& s) = 0;  // insert or replace
  // Every settlement record (originals and cancellations) of a person, scheme and care year.
  virtual std::vector<SettlementRecord> settlements_of(std::string_view psn_no, models::Insutype t,
                                                       int32_t care_year) = 0;

  // ---- Fund ledger (I10) ----
  virtual std::vector<FundTotals> funds() = 0;
  // Adds to one column ("opening", "premiums", "payouts", "reversals") of one fund. The SQLite
  // ledger folds the additions of a batch and writes each fund once at its commit; funds() sees
  // them at once either way.
  virtual Status add_fund(std::string_view fund, std::string_view column, Fen amount) = 0;

  // ---- Reconciliation (3201 / 3202) over business days [from, to] ----
  // insutype / clr_type empty = any. Records of clr_type kClrManual ("99", the person is the
  // payee) are never the facility's: both leave them out.
  virtual ReconTotals recon_totals(std::string_view fixmedins_code, CivilDate from, CivilDate to,
                                   std::string_view insutype, std::string_view clr_type) = 0;
  // Rows ordered by (setl_time, setl_id), starting after `after_setl_id` at `after_time`
  // (both empty/zero = from the start), at most `limit`.
  virtual std::vector<SettlementRecord> recon_rows(std::string_view fixmedins_code, CivilDate from, CivilDate to,
                                                   CivilTime after_time, std::string_view after_setl_id,
                                                   int32_t limit) = 0;

  // ---- Policy sets and catalogs loaded by Admin (YAML text, kept so they survive a restart) ----
  struct Document {
    std::string kind;  // "policy" or "catalog"
    std::string name;
    std::string text;
    int64_t seq = 0;
  };
  virtual Status put_document(const Document& d) = 0;
  virtual std::vector<Document> documents() = 0;  // in seq order

  // ---- Core operations (DOMAIN.md §6, §7, §11.10–15): switchover windows ----
  // Inserts or replaces by id.
  virtual Status put_window(const SwitchoverWindow& w) = 0;
  // Every window, in the order they were first stored.
  virtual std::vector<SwitchoverWindow> windows() = 0;

  // ---- Core operations: suspensions, held amounts, decisions (DOMAIN.md §6, §11.10–12) ----
  // Each inserts or replaces by its key (id / setl_id); listings are in the order first stored.
  virtual Status put_suspension(const Suspension& s) = 0;
  virtual std::vector<Suspension> suspensions() = 0;
  virtual Status put_held(const HeldAmount& h) = 0;
  virtual std::optional<HeldAmount> get_held(std::string_view setl_id) = 0;
  virtual std::vector<HeldAmount> held_amounts() = 0;
  virtual Status put_decision(const Decision& d) = 0;
  virtual std::vector<Decision> decisions() = 0;
};

// Opens the SQLite ledger at `path` (created and migrated if new). INTERNAL with the reason when
// the file cannot be opened or its schema is newer than this program.
Result<std::unique_ptr<Ledger>> open_sqlite_ledger(const std::string& path);
// A read-only connection to the SQLite ledger at `path`, which open_sqlite_ledger has opened
// (and migrated) first: the core answers reads and pre-settlements on it beside the writer. It
// sees what is committed (durable) and nothing of a batch in progress; batches on it are read
// transactions; every write is refused (INTERNAL).
Result<std::unique_ptr<Ledger>> open_sqlite_reader(const std::string& path);
// A fresh in-memory ledger (the test twin).
std::unique_ptr<Ledger> make_memory_ledger();

}  // namespace yibao::core
