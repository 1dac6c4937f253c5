#include "grpc/core/ledger_sqlite_db.h"

#include <fmt/format.h>

namespace yibao::core::sqlite {

Status error(sqlite3* db, std::string_view what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return Status(Code::kInternal, reason::kInternal, fmt::format("ledger: {}: {} ({})", what, msg, code));
}

namespace {
// "a, b, c" (GCC 12 warns falsely on `"" + std::string`, so append).
void append_list(std::string& out, std::string_view item) {
  if (!out.empty()) out += ", ";
  out += item;
}
}  // namespace

std::string upsert_sql(std::string_view table, Columns cols, int key_cols) {
  std::string names, params, keys, sets;
  int i = 0;
  for (const char* c : cols) {
    ++i;
    append_list(names, c);
    append_list(params, fmt::format("?{}", i));
    if (i <= key_cols) append_list(keys, c);
    else append_list(sets, fmt::format("{} = excluded.{}", c, c));
  }
  if (sets.empty())  // a table that is all key: nothing to update
    return fmt::format("INSERT INTO {}({}) VALUES({}) ON CONFLICT({}) DO NOTHING", table, names, params, keys);
  return fmt::format("INSERT INTO {}({}) VALUES({}) ON CONFLICT({}) DO UPDATE SET {}", table, names, params, keys,
                     sets);
}

std::string select_sql(std::string_view table, Columns cols, std::string_view tail) {
  std::string names;
  for (const char* c : cols) append_list(names, c);
  return fmt::format("SELECT {} FROM {} {}", names, table, tail);
}

Status Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK)
    return error(db, fmt::format("prepare \"{}\"", sql.substr(0, 80)));
  return Status::Ok();
}

Query& Query::text(std::string_view v) {
  const int rc = sqlite3_bind_text64(stmt_, param_++, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::blob(std::string_view v) {
  // A zero-length blob from a null pointer would bind NULL; the columns are NOT NULL BLOB.
  const int rc = sqlite3_bind_blob64(stmt_, param_++, v.empty() ? "" : v.data(), v.size(), SQLITE_STATIC);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::i64(int64_t v) {
  const int rc = sqlite3_bind_int64(stmt_, param_++, v);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::null() {
  const int rc = sqlite3_bind_null(stmt_, param_++);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

int Query::step() {
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  col_ = 0;
  return sqlite3_step(stmt_);
}

Status Query::run(std::string_view what) {
  const int rc = step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  return fail(what);
}

std::string Query::col_text() {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col_));
  const int n = sqlite3_column_bytes(stmt_, col_++);
  return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

std::string Query::col_blob() {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col_));
  const int n = sqlite3_column_bytes(stmt_, col_++);
  return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

std::optional<int64_t> Query::col_opt_i64() {
  if (sqlite3_column_type(stmt_, col_) == SQLITE_NULL) {
    ++col_;
    return std::nullopt;
  }
  return col_i64();
}

BlobWriter& BlobWriter::i64(int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out_.push_back(static_cast<char>(z | 0x80));
    z >>= 7;
  }
  out_.push_back(static_cast<char>(z));
  return *this;
}

BlobWriter& BlobWriter::str(std::string_view s) {
  i64(static_cast<int64_t>(s.size()));
  out_.append(s);
  return *this;
}

BlobReader::BlobReader(std::string_view in, uint8_t format) : in_(in) {
  ok_ = !in_.empty() && static_cast<uint8_t>(in_[0]) == format;
  if (ok_) in_.remove_prefix(1);
}

BlobReader& BlobReader::i64(int64_t& v) {
  uint64_t z = 0;
  for (int shift = 0; ok_; shift += 7) {
    if (in_.empty() || shift > 63) {
      ok_ = false;
      break;
    }
    const auto byte = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    z |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  v = ok_ ? static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)) : 0;
  return *this;
}

BlobReader& BlobReader::str(std::string& s) {
  int64_t n = 0;
  i64(n);
  if (!ok_ || n < 0 || static_cast<uint64_t>(n) > in_.size()) {
    ok_ = false;
    return *this;
  }
  s.assign(in_.substr(0, static_cast<size_t>(n)));
  in_.remove_prefix(static_cast<size_t>(n));
  return *this;
}

}  // namespace yibao::core::sqlite
