// LedgerSqlite: the embedded, durable Ledger (ledger.h; DESIGN.md §4 "Ledger", "Durability").
//
// One connection, used by the core's writer thread only: WAL mode, auto-checkpoint off; a
// WalCheckpointer on its own thread and connection checkpoints off the commit path.
// Durability: the connection runs synchronous=NORMAL, so COMMIT writes the batch's WAL frames
// without waiting for the disk (commit_unsynced), and sync_committed() fsyncs the WAL file on a
// descriptor of its own, which the writer's group commit does on its completer thread while the
// next batch runs. No caller is answered before that fsync: as durable as synchronous=FULL, with
// the disk's wait overlapped. (NORMAL keeps SQLite's own ordering: the WAL is synced before a
// checkpoint copies it, the database after.) commit_batch() does both steps. The schema is migrated at open
// (ledger_sqlite_schema.cc). Every statement is prepared once at open and reused (stmts_, indexed
// by Q); values reach SQL only as bound parameters.
//
// Split by concern, each file adding its statements' SQL: ledger_sqlite.cc (open, transactions,
// meta, sequences), ledger_sqlite_people.cc (journal, facilities, persons, balances, accumulators,
// filings, sign-ins), ledger_sqlite_records.cc (visits, fee lines, settlements, funds,
// reconciliation, documents) and ledger_sqlite_ops.cc (core operations: switchover windows, suspensions,
// held amounts, decisions).
//
// A failed read cannot travel through the optional or vector a lookup returns, so it poisons the
// batch: every later write and commit_batch return that error, the writer aborts the batch, and a
// decision taken on a read that failed is never committed.
// Not thread-safe (the Ledger contract: one writer thread).
#pragma once

#include <sqlite3.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grpc/core/ledger.h"
#include "grpc/core/ledger_sqlite_checkpointer.h"
#include "grpc/core/ledger_sqlite_db.h"

namespace yibao::core::ledger_detail {

class LedgerSqlite final : public Ledger {
 public:
  // kWriter: the one writer (creates and migrates the file, runs the checkpointer). kReader: a
  // read-only connection to a ledger a writer has opened (open_sqlite_reader), for the reads the
  // core answers beside the writer; its batches are read transactions (BEGIN DEFERRED), and any
  // write is refused (query_only).
  enum class Role { kWriter, kReader };
  static Result<std::unique_ptr<Ledger>> open(const std::string& path, Role role = Role::kWriter);
  ~LedgerSqlite() override;

  std::string describe() const override;

  Status begin_batch() override;
  Status commit_batch() override;
  Status commit_unsynced() override;
  Status sync_committed() override;  // fsync of the -wal file on a descriptor of its own
  void abort_batch() override;
  Status savepoint() override;
  Status release_savepoint() override;
  Status rollback_savepoint() override;

  std::optional<std::string> get_meta(std::string_view key) override;
  Status put_meta(std::string_view key, std::string_view value) override;
  Result<int64_t> next_sequence(std::string_view name) override;

  std::optional<JournalEntry> find_journal(std::string_view msgid) override;
  Status put_journal(const JournalEntry& e) override;

  std::optional<models::Facility> get_facility(std::string_view code) override;
  Status put_facility(const models::Facility& f) override;
  std::optional<models::Person> get_person(std::string_view psn_no) override;
  Status put_person(const models::Person& p) override;
  int64_t count_persons() override;
  int64_t count_facilities() override;

  std::optional<Fen> get_balance(std::string_view psn_no) override;
  Status put_balance(std::string_view psn_no, Fen balc) override;

  std::optional<models::Accumulators> get_accumulators(std::string_view psn_no, models::Insutype t,
                                                       int32_t year) override;
  Status put_accumulators(std::string_view psn_no, models::Insutype t, int32_t year,
                          const models::Accumulators& a) override;
  std::vector<AccKey> all_accumulators() override;

  Status put_filing(const models::Filing& f) override;
  std::optional<models::Filing> get_filing(std::string_view id) override;
  std::vector<models::Filing> filings_of(std::string_view psn_no) override;

  Status put_signin(const SignIn& s) override;
  std::vector<SignIn> all_signins() override;

  std::optional<Visit> get_visit(std::string_view mdtrt_id) override;
  Status put_visit(const Visit& v) override;
  std::optional<Visit> find_visit_by_key(std::string_view fixmedins_code, VisitKind kind,
                                         std::string_view key) override;
  std::optional<Visit> find_open_stay(std::string_view fixmedins_code, std::string_view psn_no) override;

  std::vector<FeeLineRecord> lines_of(std::string_view mdtrt_id) override;
  Status put_line(const FeeLineRecord& l) override;
  Status move_lines(std::string_view mdtrt_id, std::string_view from, std::string_view to) override;
  Status delete_line(std::string_view mdtrt_id, std::string_view feedetl_sn) override;

  std::optional<SettlementRecord> get_settlement(std::string_view setl_id) override;
  Status put_settlement(const SettlementRecord& s) override;
  std::vector<SettlementRecord> settlements_of(std::string_view psn_no, models::Insutype t,
                                               int32_t care_year) override;

  std::vector<FundTotals> funds() override;
  Status add_fund(std::string_view fund, std::string_view column, Fen amount) override;

  ReconTotals recon_totals(std::string_view fixmedins_code, CivilDate from, CivilDate to, std::string_view insutype,
                           std::string_view clr_type) override;
  std::vector<SettlementRecord> recon_rows(std::string_view fixmedins_code, CivilDate from, CivilDate to,
                                           CivilTime after_time, std::string_view after_setl_id,
                                           int32_t limit) override;

  Status put_document(const Document& d) override;
  std::vector<Document> documents() override;

  Status put_window(const SwitchoverWindow& w) override;
  std::vector<SwitchoverWindow> windows() override;
  Status put_suspension(const Suspension& s) override;
  std::vector<Suspension> suspensions() override;
  Status put_held(const HeldAmount& h) override;
  std::optional<HeldAmount> get_held(std::string_view setl_id) override;
  std::vector<HeldAmount> held_amounts() override;
  Status put_decision(const Decision& d) override;
  std::vector<Decision> decisions() override;

 private:
  // Every statement, prepared once at open.
  enum Q : int {
    kBegin, kCommit, kRollback, kSavepoint, kRelease, kRollbackTo, kGetMeta, kPutMeta, kGetSequence, kPutSequence,
    // ledger_sqlite_people.cc
    kFindJournal, kPutJournal,
    kGetFacility, kPutFacility, kGetPerson, kPutPerson, kCountPersons, kCountFacilities,
    kGetBalance, kPutBalance, kGetAccumulators, kPutAccumulators, kAllAccumulators,
    kPutFiling, kGetFiling, kFilingsOf, kPutSignin, kAllSignins,
    // ledger_sqlite_records.cc
    kGetVisit, kPutVisit, kVisitByKey, kOpenStay, kLinesOf, kPutLine, kMoveLines, kDeleteLine,
    kGetSettlement, kPutSettlement, kSettlementsOf, kFunds, kAddFund, kReconTotals, kReconRows,
    kPutDocument, kDocuments,
    // ledger_sqlite_ops.cc
    kPutWindow, kWindows, kPutSuspension, kSuspensions, kPutHeld, kGetHeld, kHeldAmounts, kPutDecision, kDecisions,
    kStatementCount
  };
  using SqlTable = std::array<std::string, kStatementCount>;
  static void core_sql(SqlTable& sql);     // ledger_sqlite.cc
  static void people_sql(SqlTable& sql);   // ledger_sqlite_people.cc
  static void records_sql(SqlTable& sql);  // ledger_sqlite_records.cc
  static void ops_sql(SqlTable& sql);      // ledger_sqlite_ops.cc

  LedgerSqlite(sqlite3* db, std::string path, Role role) : db_(db), path_(std::move(path)), role_(role) {}

  Status prepare_statements();  // every statement of stmts_, once, at open
  sqlite::Query query(Q q) { return sqlite::Query(stmts_[q]); }
  // Runs a write; refused while the batch is poisoned.
  Status write(sqlite::Query& q, std::string_view what);
  // Steps a lookup to its one row: true on a row, false on none or on an error (which poisons).
  bool fetch_row(sqlite::Query& q, std::string_view what);
  // Steps a listing: true on each row, false at the end or on an error (which poisons).
  bool next_row(sqlite::Query& q, std::string_view what) { return fetch_row(q, what); }
  Status misuse_blob(std::string_view setl_id);  // a settlement whose blobs do not decode
  void poison(Status s) {
    if (poisoned_.ok()) poisoned_ = std::move(s);
  }
  // Writes what the batch folded in memory (fund additions, sequence values): at commit_batch,
  // inside the transaction, before COMMIT; or at once when called outside a batch.
  Status flush_folded();

  // Fund additions folded per batch: one layer for the batch and one per open savepoint; a
  // release merges the top layer into the one below, a rollback drops it, the commit writes
  // layer 0 (one UPSERT per fund touched instead of one per settlement and fund).
  using FundDeltas = std::map<std::string, std::array<int64_t, 4>, std::less<>>;
  std::vector<FundDeltas> fund_layers_;
  // Sequences held in memory: the last value handed out (read from the table at first use) and
  // whether the table is behind it; the table catches up at the commit, in the same transaction
  // as the records that carry the values. Each increment inside a batch leaves its previous value
  // in an undo log (marked per savepoint), so a rollback restores the sequence exactly, as SQL would.
  struct SequenceValue {
    int64_t last = 0;
    bool dirty = false;
  };
  std::map<std::string, SequenceValue, std::less<>> sequences_;
  std::vector<std::pair<std::string, SequenceValue>> sequence_undo_;
  std::vector<size_t> sequence_marks_;  // sequence_undo_'s size at each open savepoint
  void undo_sequences_to(size_t mark);

  sqlite3* db_;
  std::string path_;
  Role role_;
  std::array<sqlite::Statement, kStatementCount> stmts_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
  bool in_batch_ = false;
  int savepoints_ = 0;  // open savepoints (all named "sp"; RELEASE/ROLLBACK TO hit the newest)
  Status poisoned_;
};

}  // namespace yibao::core::ledger_detail
