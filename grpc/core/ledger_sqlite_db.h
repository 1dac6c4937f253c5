// Thin helpers the SQLite ledger is written with (ledger_sqlite*.cc): a bound-and-stepped view of
// a cached prepared statement, SQL text for a table's upsert and select built from its constant
// column list, and the compact blob codec for the variable-length parts of a record (settlement
// detail rows, acc_delta, a facility's departments).
//
// Invariants: values only ever reach SQL as bound parameters, never as text of a statement; a
// Query resets and unbinds its statement when it goes out of scope, so a cached statement is
// always ready for the next use. Strings are bound SQLITE_STATIC: whatever is bound must outlive
// the Query (callers bind their arguments or locals declared before the Query).
// Not thread-safe: a Query and its statement belong to the connection's one thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/status.h"

namespace yibao::core::sqlite {

// INTERNAL / E_INTERNAL "ledger: <what>: <sqlite message> (<code>)".
Status error(sqlite3* db, std::string_view what);

// "INSERT INTO t(c1..cn) VALUES(?1..?n) ON CONFLICT(first key_cols) DO UPDATE SET c=excluded.c...":
// an update in place, so unchanged indexed columns cost no index write (INSERT OR REPLACE would
// delete and reinsert the row).
using Columns = std::span<const char* const>;
std::string upsert_sql(std::string_view table, Columns cols, int key_cols);
// "SELECT c1, ..., cn FROM t <tail>".
std::string select_sql(std::string_view table, Columns cols, std::string_view tail);

// Owns one prepared statement (finalized on destruction).
class Statement {
 public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  // Prepares `sql` once for many uses (SQLITE_PREPARE_PERSISTENT); INTERNAL naming it on failure.
  Status prepare(sqlite3* db, std::string_view sql);
  sqlite3_stmt* get() const { return stmt_; }
  void finalize() {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// One use of a prepared statement: bind, step, read; reset and unbound when it goes out of scope.
class Query {
 public:
  explicit Query(sqlite3_stmt* stmt) : stmt_(stmt) {}
  explicit Query(const Statement& s) : stmt_(s.get()) {}
  ~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Bind the next parameter (?1, ?2, ... in order).
  Query& text(std::string_view v);
  Query& blob(std::string_view v);
  Query& i64(int64_t v);
  Query& null();
  Query& opt_i64(std::optional<int64_t> v) { return v ? i64(*v) : null(); }

  // SQLITE_ROW, SQLITE_DONE, or the error code (also of a failed bind).
  int step();
  // Runs a statement that returns no row; the Status names `what`.
  Status run(std::string_view what);
  Status fail(std::string_view what) const { return error(sqlite3_db_handle(stmt_), what); }

  // Read the next column of the current row (0, 1, ... in order).
  int64_t col_i64() { return sqlite3_column_int64(stmt_, col_++); }
  std::string col_text();
  std::string col_blob();
  std::optional<int64_t> col_opt_i64();

 private:
  sqlite3_stmt* stmt_;
  int param_ = 1;
  int col_ = 0;
  int bind_rc_ = SQLITE_OK;
};

// Zigzag-varint encoding of integers and length-prefixed strings, led by a format byte so a later
// schema can change the layout and still read old rows.
class BlobWriter {
 public:
  explicit BlobWriter(uint8_t format) { out_.push_back(static_cast<char>(format)); }
  BlobWriter& i64(int64_t v);
  BlobWriter& str(std::string_view s);
  const std::string& data() const { return out_; }

 private:
  std::string out_;
};

class BlobReader {
 public:
  // ok() is false from the start when the format byte is not `format`.
  BlobReader(std::string_view in, uint8_t format);
  BlobReader& i64(int64_t& v);
  BlobReader& str(std::string& s);
  bool ok() const { return ok_; }
  // Every byte consumed, nothing malformed.
  bool finished() const { return ok_ && in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace yibao::core::sqlite
