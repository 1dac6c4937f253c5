#include "grpc/core/ledger_sqlite_schema.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "grpc/core/ledger_common.h"
#include "grpc/core/ledger_sqlite_db.h"

namespace yibao::core::ledger_detail {
namespace {

// Migration 1: every table of records.h and ledger.h. STRICT, so a value bound in the wrong
// column order fails loudly instead of being stored with the wrong type. Small-row tables keyed by
// text are WITHOUT ROWID: one b-tree instead of table + key index, and fee_line clustered by
// (mdtrt_id, feedetl_sn) so lines_of reads one contiguous range. Tables with reply blobs
// (journal, settlement) and visit (whose partial indexes would carry the text key) keep rowids.
// Times are civil seconds, days civil day numbers, amounts fen, enums their integer values; NULL
// only for optional times.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE sequence(name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT, WITHOUT ROWID;

CREATE TABLE journal(
  msgid TEXT PRIMARY KEY, fixmedins_code TEXT NOT NULL, infno TEXT NOT NULL, payload_hash BLOB NOT NULL,
  code INTEGER NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL, field TEXT NOT NULL, reply BLOB NOT NULL,
  at INTEGER NOT NULL, effect_setl_id TEXT NOT NULL, effect_mdtrt_id TEXT NOT NULL, state INTEGER NOT NULL,
  undone_by TEXT NOT NULL) STRICT;

CREATE TABLE facility(
  code TEXT PRIMARY KEY, name TEXT NOT NULL, type INTEGER NOT NULL, level INTEGER NOT NULL, admdvs TEXT NOT NULL,
  county INTEGER NOT NULL, chain_code TEXT NOT NULL, departments BLOB NOT NULL, secret TEXT NOT NULL) STRICT;

CREATE TABLE person(
  psn_no TEXT PRIMARY KEY, certno TEXT NOT NULL, card_sn TEXT NOT NULL, name TEXT NOT NULL, sex INTEGER NOT NULL,
  birth INTEGER NOT NULL, insutype INTEGER NOT NULL, psn_type INTEGER NOT NULL, cvlserv INTEGER NOT NULL,
  hifes INTEGER NOT NULL, maf_group INTEGER NOT NULL, insuplc_admdvs TEXT NOT NULL, enrolment INTEGER NOT NULL,
  paid_through INTEGER NOT NULL, balc INTEGER NOT NULL, mulaid_psn_no TEXT NOT NULL) STRICT;

CREATE TABLE balance(psn_no TEXT PRIMARY KEY, balc INTEGER NOT NULL) STRICT, WITHOUT ROWID;

CREATE TABLE accumulators(
  psn_no TEXT NOT NULL, insutype INTEGER NOT NULL, year INTEGER NOT NULL,
  otp_dedc_used INTEGER NOT NULL, otp_pool_paid INTEGER NOT NULL, chronic_pool_paid INTEGER NOT NULL,
  pool_paid_total INTEGER NOT NULL, large_paid INTEGER NOT NULL, si_base INTEGER NOT NULL, si_paid INTEGER NOT NULL,
  cvlserv_paid INTEGER NOT NULL, hifes_paid INTEGER NOT NULL, maf_paid INTEGER NOT NULL,
  ipt_dedc_paid INTEGER NOT NULL, admissions INTEGER NOT NULL,
  PRIMARY KEY(psn_no, insutype, year)) STRICT, WITHOUT ROWID;

CREATE TABLE filing(
  id TEXT PRIMARY KEY, psn_no TEXT NOT NULL, type INTEGER NOT NULL, dise_codg TEXT NOT NULL,
  begin_day INTEGER NOT NULL, end_day INTEGER NOT NULL, filing_case INTEGER NOT NULL,
  mdtrtarea_admvs TEXT NOT NULL) STRICT;
CREATE INDEX filing_by_psn ON filing(psn_no, id);

CREATE TABLE signin(
  fixmedins_code TEXT NOT NULL, opter TEXT NOT NULL, sign_no TEXT NOT NULL, at INTEGER NOT NULL,
  signed_out INTEGER NOT NULL, PRIMARY KEY(fixmedins_code, opter)) STRICT, WITHOUT ROWID;

-- bkey: the business key find_visit_by_key matches (rxno for a pharmacy sale, else ipt_otp_no).
CREATE TABLE visit(
  mdtrt_id TEXT PRIMARY KEY, fixmedins_code TEXT NOT NULL, psn_no TEXT NOT NULL, insutype INTEGER NOT NULL,
  kind INTEGER NOT NULL, state INTEGER NOT NULL, ipt_otp_no TEXT NOT NULL, med_type TEXT NOT NULL,
  dept_code TEXT NOT NULL, dscg_dept_code TEXT NOT NULL, begntime INTEGER NOT NULL, endtime INTEGER,
  diagnoses TEXT NOT NULL, dscg_diagnoses TEXT NOT NULL, trum_flag INTEGER NOT NULL, rel_ttp_flag INTEGER NOT NULL,
  backfill_flag INTEGER NOT NULL, live_setl_id TEXT NOT NULL, created_msgid TEXT NOT NULL, version INTEGER NOT NULL,
  rxno TEXT NOT NULL, bkey TEXT NOT NULL) STRICT;
-- Partial indexes: VOID visits (state 5) free their key; settled stays (4) are not open.
CREATE INDEX visit_by_key ON visit(fixmedins_code, kind, bkey, mdtrt_id) WHERE state <> 5;
CREATE INDEX visit_open_stay ON visit(fixmedins_code, psn_no, mdtrt_id) WHERE kind = 2 AND state NOT IN (4, 5);

CREATE TABLE fee_line(
  mdtrt_id TEXT NOT NULL, feedetl_sn TEXT NOT NULL, chrg_bchno TEXT NOT NULL, med_list_codg TEXT NOT NULL,
  medins_list_codg TEXT NOT NULL, amount INTEGER NOT NULL, cnt INTEGER NOT NULL, pric INTEGER NOT NULL,
  rxno TEXT NOT NULL, rx_circ_flag INTEGER NOT NULL, hosp_appr_flag INTEGER NOT NULL,
  selfpay_consent_flag INTEGER NOT NULL, prd_days INTEGER NOT NULL, dscg_drug_flag INTEGER NOT NULL,
  bilg_dept_codg TEXT NOT NULL, fee_ocur_time INTEGER, setl_id TEXT NOT NULL, payload_hash BLOB NOT NULL,
  PRIMARY KEY(mdtrt_id, feedetl_sn)) STRICT, WITHOUT ROWID;

-- Amounts negated for a cancellation (refd_setl_flag = 1). acc_delta and details are blobs
-- (ledger_sqlite_records.cc): read back whole, never queried by SQL.
CREATE TABLE settlement(
  setl_id TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL, fixmedins_code TEXT NOT NULL, psn_no TEXT NOT NULL,
  insutype INTEGER NOT NULL, psn_type TEXT NOT NULL, med_type TEXT NOT NULL, clr_type TEXT NOT NULL,
  msgid TEXT NOT NULL, infno TEXT NOT NULL, setl_time INTEGER NOT NULL, business_day INTEGER NOT NULL,
  care_time INTEGER NOT NULL, care_year INTEGER NOT NULL, backfill_flag INTEGER NOT NULL,
  refd_setl_flag INTEGER NOT NULL, orig_setl_id TEXT NOT NULL, state INTEGER NOT NULL, undone_by TEXT NOT NULL,
  medfee_sumamt INTEGER NOT NULL, fulamt_ownpay_amt INTEGER NOT NULL, overlmt_selfpay INTEGER NOT NULL,
  preselfpay_amt INTEGER NOT NULL, inscp_scp_amt INTEGER NOT NULL, act_pay_dedc INTEGER NOT NULL,
  hifp_pay INTEGER NOT NULL, hifob_pay INTEGER NOT NULL, hifmi_pay INTEGER NOT NULL, cvlserv_pay INTEGER NOT NULL,
  hifes_pay INTEGER NOT NULL, maf_pay INTEGER NOT NULL, oth_pay INTEGER NOT NULL, fund_pay_sumamt INTEGER NOT NULL,
  psn_part_amt INTEGER NOT NULL, acct_pay INTEGER NOT NULL, acct_mulaid_pay INTEGER NOT NULL,
  psn_cash_pay INTEGER NOT NULL, hosp_part_amt INTEGER NOT NULL, pool_prop INTEGER NOT NULL,
  balc_after INTEGER NOT NULL, mulaid_psn_no TEXT NOT NULL, acc_delta BLOB NOT NULL, policy_version TEXT NOT NULL,
  details BLOB NOT NULL, reply BLOB NOT NULL) STRICT;
-- 3201 is one aggregate over this covering index (no table access); 3202 pages its range.
CREATE INDEX settlement_recon ON settlement(fixmedins_code, business_day, insutype, clr_type, refd_setl_flag,
  medfee_sumamt, fund_pay_sumamt, acct_pay);
-- D7 and cancels: a person's records of one scheme and care year, in commit order.
CREATE INDEX settlement_by_person ON settlement(psn_no, insutype, care_year, setl_time, setl_id);

CREATE TABLE fund(
  fund TEXT PRIMARY KEY, opening INTEGER NOT NULL, premiums INTEGER NOT NULL, payouts INTEGER NOT NULL,
  reversals INTEGER NOT NULL) STRICT, WITHOUT ROWID;

CREATE TABLE document(
  kind TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY(kind, name)) STRICT;
)sql";

// Migration 2: switchover windows (DOMAIN.md §11.14). Times civil seconds; closed_at NULL while
// open; scope the WindowScope value; listed in rowid order (the order of creation: upserts update
// in place).
constexpr const char* kMigration2 = R"sql(
CREATE TABLE switchover_window(
  id TEXT PRIMARY KEY, scope INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
  note TEXT NOT NULL, opened_at INTEGER NOT NULL, closed_at INTEGER) STRICT;
)sql";

// Migration 3: suspensions, held amounts and decision records (DOMAIN.md §6, §11.10–12). Times
// civil seconds (end / lifted_at NULL while open / not lifted), amounts fen, scope / mode / state /
// outcome their enum values; listed in rowid order (the order of creation).
constexpr const char* kMigration3 = R"sql(
CREATE TABLE suspension(
  id TEXT PRIMARY KEY, scope INTEGER NOT NULL, mode INTEGER NOT NULL, fixmedins_code TEXT NOT NULL,
  dept_code TEXT NOT NULL, chain_code TEXT NOT NULL, psn_no TEXT NOT NULL, reason TEXT NOT NULL,
  source TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER, created_at INTEGER NOT NULL,
  lifted_at INTEGER) STRICT;
CREATE TABLE held_amount(
  setl_id TEXT PRIMARY KEY, fixmedins_code TEXT NOT NULL, suspension_id TEXT NOT NULL, amount INTEGER NOT NULL,
  state INTEGER NOT NULL, decision_id TEXT NOT NULL, held_at INTEGER NOT NULL) STRICT;
CREATE TABLE decision(
  id TEXT PRIMARY KEY, fixmedins_code TEXT NOT NULL, suspension_id TEXT NOT NULL, outcome INTEGER NOT NULL,
  note TEXT NOT NULL, amount INTEGER NOT NULL, settlements INTEGER NOT NULL, decided_at INTEGER NOT NULL) STRICT;
)sql";

constexpr std::array<const char*, 3> kMigrations = {kMigration1, kMigration2, kMigration3};
static_assert(kMigrations.size() == kSchemaVersion, "one migration per schema version");

Status fail(const std::string& path, std::string_view what) {
  return Status(Code::kInternal, reason::kInternal, fmt::format("ledger {}: {}", path, what));
}

Status fail_db(sqlite3* db, const std::string& path, std::string_view what) {
  return sqlite::error(db, fmt::format("{}: {}", path, what));
}

// The version recorded in meta; 0 for a new, empty database.
Result<int64_t> stored_version(sqlite3* db, const std::string& path) {
  sqlite::Statement tables_stmt;
  YB_RETURN_IF_ERROR(tables_stmt.prepare(
      db, "SELECT count(*), coalesce(sum(name = 'meta'), 0) FROM sqlite_master WHERE type = 'table'"));
  sqlite::Query tables(tables_stmt);
  if (tables.step() != SQLITE_ROW) return fail_db(db, path, "read the schema");
  const int64_t n_tables = tables.col_i64();
  const bool has_meta = tables.col_i64() > 0;
  if (!has_meta) {
    if (n_tables > 0) return fail(path, fmt::format("holds {} tables but no schema version: not a yibao ledger", n_tables));
    return int64_t{0};
  }
  sqlite::Statement meta_stmt;
  YB_RETURN_IF_ERROR(meta_stmt.prepare(db, "SELECT value FROM meta WHERE key = ?1"));
  sqlite::Query meta(meta_stmt);
  meta.text(kSchemaVersionKey);
  const int rc = meta.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail_db(db, path, "read schema_version");
  const std::string text = rc == SQLITE_ROW ? meta.col_text() : std::string();
  int64_t version = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || version < 1)
    return fail(path, fmt::format("meta holds no valid schema_version ('{}'): not a yibao ledger", text));
  return version;
}

// Applies migration `version` and records it, in one transaction.
Status apply(sqlite3* db, const std::string& path, int64_t version) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail_db(db, path, "begin migration");
  Status s;
  if (sqlite3_exec(db, kMigrations[static_cast<size_t>(version - 1)], nullptr, nullptr, nullptr) != SQLITE_OK) {
    s = fail_db(db, path, fmt::format("migration {}", version));
  } else {
    sqlite::Statement put;
    static constexpr const char* kMetaCols[] = {"key", "value"};
    s = put.prepare(db, sqlite::upsert_sql("meta", kMetaCols, 1));
    if (s.ok()) {
      const std::string value = std::to_string(version);
      sqlite::Query q(put);
      q.text(kSchemaVersionKey).text(value);
      s = q.run(fmt::format("{}: record schema_version {}", path, version));
    }
  }
  if (s.ok() && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    s = fail_db(db, path, fmt::format("commit migration {}", version));
  if (!s.ok() && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

}  // namespace

Status migrate_sqlite(sqlite3* db, const std::string& path) {
  YB_ASSIGN_OR_RETURN(const int64_t version, stored_version(db, path));
  if (version > kSchemaVersion)
    return fail(path, fmt::format("schema version {} is newer than this program's ({}): open it with a newer yibao-core",
                                  version, kSchemaVersion));
  for (int64_t v = version + 1; v <= kSchemaVersion; ++v) YB_RETURN_IF_ERROR(apply(db, path, v));
  return Status::Ok();
}

}  // namespace yibao::core::ledger_detail
