// LedgerSqlite, part 2: journal, facilities, persons, balances, accumulators, filings, sign-ins.
// See ledger_sqlite_impl.h.
#include <fmt/format.h>

#include "grpc/core/ledger_sqlite_impl.h"

namespace yibao::core::ledger_detail {
namespace {

using sqlite::select_sql;
using sqlite::upsert_sql;

constexpr const char* kJournalCols[] = {"msgid",  "fixmedins_code", "infno", "payload_hash",   "code",
                                        "reason", "message",        "field", "reply",          "at",
                                        "effect_setl_id", "effect_mdtrt_id", "state", "undone_by"};
constexpr const char* kFacilityCols[] = {"code",   "name",       "type",        "level", "admdvs",
                                         "county", "chain_code", "departments", "secret"};
constexpr const char* kPersonCols[] = {"psn_no",   "certno",  "card_sn",   "name",           "sex",       "birth",
                                       "insutype", "psn_type", "cvlserv",  "hifes",          "maf_group",
                                       "insuplc_admdvs", "enrolment", "paid_through", "balc", "mulaid_psn_no"};
constexpr const char* kBalanceCols[] = {"psn_no", "balc"};
constexpr const char* kAccCols[] = {"psn_no",        "insutype",      "year",         "otp_dedc_used",
                                    "otp_pool_paid", "chronic_pool_paid", "pool_paid_total", "large_paid",
                                    "si_base",       "si_paid",       "cvlserv_paid", "hifes_paid",
                                    "maf_paid",      "ipt_dedc_paid", "admissions"};
constexpr const char* kFilingCols[] = {"id",      "psn_no",  "type",        "dise_codg",
                                       "begin_day", "end_day", "filing_case", "mdtrtarea_admvs"};
constexpr const char* kSigninCols[] = {"fixmedins_code", "opter", "sign_no", "at", "signed_out"};

constexpr uint8_t kDepartmentsFormat = 1;

void bind_accumulators(sqlite::Query& q, const models::Accumulators& a) {
  q.i64(a.otp_dedc_used.v).i64(a.otp_pool_paid.v).i64(a.chronic_pool_paid.v).i64(a.pool_paid_total.v);
  q.i64(a.large_paid.v).i64(a.si_base.v).i64(a.si_paid.v).i64(a.cvlserv_paid.v).i64(a.hifes_paid.v);
  q.i64(a.maf_paid.v).i64(a.ipt_dedc_paid.v).i64(a.admissions);
}

models::Accumulators read_accumulators(sqlite::Query& q) {
  models::Accumulators a;
  for (Fen* f : {&a.otp_dedc_used, &a.otp_pool_paid, &a.chronic_pool_paid, &a.pool_paid_total, &a.large_paid,
                 &a.si_base, &a.si_paid, &a.cvlserv_paid, &a.hifes_paid, &a.maf_paid, &a.ipt_dedc_paid})
    f->v = q.col_i64();
  a.admissions = static_cast<int32_t>(q.col_i64());
  return a;
}

}  // namespace

void LedgerSqlite::people_sql(SqlTable& sql) {
  sql[kFindJournal] = select_sql("journal", kJournalCols, "WHERE msgid = ?1");
  sql[kPutJournal] = upsert_sql("journal", kJournalCols, 1);
  sql[kGetFacility] = select_sql("facility", kFacilityCols, "WHERE code = ?1");
  sql[kPutFacility] = upsert_sql("facility", kFacilityCols, 1);
  sql[kGetPerson] = select_sql("person", kPersonCols, "WHERE psn_no = ?1");
  sql[kPutPerson] = upsert_sql("person", kPersonCols, 1);
  sql[kCountPersons] = "SELECT count(*) FROM person";
  sql[kCountFacilities] = "SELECT count(*) FROM facility";
  sql[kGetBalance] = "SELECT balc FROM balance WHERE psn_no = ?1";
  sql[kPutBalance] = upsert_sql("balance", kBalanceCols, 1);
  sql[kGetAccumulators] = select_sql("accumulators", std::span(kAccCols).subspan(3),
                                     "WHERE psn_no = ?1 AND insutype = ?2 AND year = ?3");
  sql[kPutAccumulators] = upsert_sql("accumulators", kAccCols, 3);
  sql[kAllAccumulators] = select_sql("accumulators", kAccCols, "ORDER BY psn_no, insutype, year");
  sql[kPutFiling] = upsert_sql("filing", kFilingCols, 1);
  sql[kGetFiling] = select_sql("filing", kFilingCols, "WHERE id = ?1");
  sql[kFilingsOf] = select_sql("filing", kFilingCols, "WHERE psn_no = ?1 ORDER BY id");
  sql[kPutSignin] = upsert_sql("signin", kSigninCols, 2);
  sql[kAllSignins] = select_sql("signin", kSigninCols, "ORDER BY fixmedins_code, opter");
}

// ---- Journal ----

std::optional<JournalEntry> LedgerSqlite::find_journal(std::string_view msgid) {
  auto q = query(kFindJournal);
  q.text(msgid);
  if (!fetch_row(q, "find_journal")) return std::nullopt;
  JournalEntry e;
  e.msgid = q.col_text();
  e.fixmedins_code = q.col_text();
  e.infno = q.col_text();
  e.payload_hash = q.col_blob();
  e.code = static_cast<int32_t>(q.col_i64());
  e.reason = q.col_text();
  e.message = q.col_text();
  e.field = q.col_text();
  e.reply = q.col_blob();
  e.at.s = q.col_i64();
  e.effect_setl_id = q.col_text();
  e.effect_mdtrt_id = q.col_text();
  e.state = static_cast<int32_t>(q.col_i64());
  e.undone_by = q.col_text();
  return e;
}

Status LedgerSqlite::put_journal(const JournalEntry& e) {
  auto q = query(kPutJournal);
  q.text(e.msgid).text(e.fixmedins_code).text(e.infno).blob(e.payload_hash).i64(e.code).text(e.reason);
  q.text(e.message).text(e.field).blob(e.reply).i64(e.at.s).text(e.effect_setl_id).text(e.effect_mdtrt_id);
  q.i64(e.state).text(e.undone_by);
  return write(q, "put_journal");
}

// ---- Facilities and persons ----

std::optional<models::Facility> LedgerSqlite::get_facility(std::string_view code) {
  auto q = query(kGetFacility);
  q.text(code);
  if (!fetch_row(q, "get_facility")) return std::nullopt;
  models::Facility f;
  f.code = q.col_text();
  f.name = q.col_text();
  f.type = static_cast<models::FacilityType>(q.col_i64());
  f.level = static_cast<models::Level>(q.col_i64());
  f.admdvs = q.col_text();
  f.county = static_cast<int32_t>(q.col_i64());
  f.chain_code = q.col_text();
  const std::string departments = q.col_blob();
  sqlite::BlobReader r(departments, kDepartmentsFormat);
  int64_t n = 0;
  r.i64(n);
  for (int64_t i = 0; r.ok() && i < n; ++i) {
    models::Department d;
    r.str(d.code).str(d.name);
    if (r.ok()) f.departments.push_back(std::move(d));
  }
  if (!r.finished())
    poison(Status(Code::kInternal, reason::kInternal,
                  fmt::format("ledger {}: facility {}: malformed departments", path_, f.code)));
  f.secret = q.col_text();
  return f;
}

Status LedgerSqlite::put_facility(const models::Facility& f) {
  sqlite::BlobWriter departments(kDepartmentsFormat);
  departments.i64(static_cast<int64_t>(f.departments.size()));
  for (const auto& d : f.departments) departments.str(d.code).str(d.name);
  auto q = query(kPutFacility);
  q.text(f.code).text(f.name).i64(static_cast<int64_t>(f.type)).i64(static_cast<int64_t>(f.level)).text(f.admdvs);
  q.i64(f.county).text(f.chain_code).blob(departments.data()).text(f.secret);
  return write(q, "put_facility");
}

std::optional<models::Person> LedgerSqlite::get_person(std::string_view psn_no) {
  auto q = query(kGetPerson);
  q.text(psn_no);
  if (!fetch_row(q, "get_person")) return std::nullopt;
  models::Person p;
  p.psn_no = q.col_text();
  p.certno = q.col_text();
  p.card_sn = q.col_text();
  p.name = q.col_text();
  p.sex = static_cast<uint8_t>(q.col_i64());
  p.birth.days = static_cast<int32_t>(q.col_i64());
  p.insutype = static_cast<models::Insutype>(q.col_i64());
  p.psn_type = static_cast<models::PsnType>(q.col_i64());
  p.cvlserv = q.col_i64() != 0;
  p.hifes = q.col_i64() != 0;
  p.maf_group = static_cast<models::MafGroup>(q.col_i64());
  p.insuplc_admdvs = q.col_text();
  p.enrolment = static_cast<models::Enrolment>(q.col_i64());
  p.paid_through.days = static_cast<int32_t>(q.col_i64());
  p.balc.v = q.col_i64();
  p.mulaid_psn_no = q.col_text();
  return p;
}

Status LedgerSqlite::put_person(const models::Person& p) {
  auto q = query(kPutPerson);
  q.text(p.psn_no).text(p.certno).text(p.card_sn).text(p.name).i64(p.sex).i64(p.birth.days);
  q.i64(static_cast<int64_t>(p.insutype)).i64(static_cast<int64_t>(p.psn_type)).i64(p.cvlserv ? 1 : 0);
  q.i64(p.hifes ? 1 : 0).i64(static_cast<int64_t>(p.maf_group)).text(p.insuplc_admdvs);
  q.i64(static_cast<int64_t>(p.enrolment)).i64(p.paid_through.days).i64(p.balc.v).text(p.mulaid_psn_no);
  return write(q, "put_person");
}

int64_t LedgerSqlite::count_persons() {
  auto q = query(kCountPersons);
  return fetch_row(q, "count_persons") ? q.col_i64() : 0;
}

int64_t LedgerSqlite::count_facilities() {
  auto q = query(kCountFacilities);
  return fetch_row(q, "count_facilities") ? q.col_i64() : 0;
}

// ---- Balances and accumulators ----

std::optional<Fen> LedgerSqlite::get_balance(std::string_view psn_no) {
  auto q = query(kGetBalance);
  q.text(psn_no);
  if (!fetch_row(q, "get_balance")) return std::nullopt;
  return Fen(q.col_i64());
}

Status LedgerSqlite::put_balance(std::string_view psn_no, Fen balc) {
  auto q = query(kPutBalance);
  q.text(psn_no).i64(balc.v);
  return write(q, "put_balance");
}

std::optional<models::Accumulators> LedgerSqlite::get_accumulators(std::string_view psn_no, models::Insutype t,
                                                                   int32_t year) {
  auto q = query(kGetAccumulators);
  q.text(psn_no).i64(static_cast<int64_t>(t)).i64(year);
  if (!fetch_row(q, "get_accumulators")) return std::nullopt;
  return read_accumulators(q);
}

Status LedgerSqlite::put_accumulators(std::string_view psn_no, models::Insutype t, int32_t year,
                                      const models::Accumulators& a) {
  auto q = query(kPutAccumulators);
  q.text(psn_no).i64(static_cast<int64_t>(t)).i64(year);
  bind_accumulators(q, a);
  return write(q, "put_accumulators");
}

std::vector<Ledger::AccKey> LedgerSqlite::all_accumulators() {
  std::vector<AccKey> out;
  auto q = query(kAllAccumulators);
  while (next_row(q, "all_accumulators")) {
    AccKey k;
    k.psn_no = q.col_text();
    k.insutype = static_cast<models::Insutype>(q.col_i64());
    k.year = static_cast<int32_t>(q.col_i64());
    k.acc = read_accumulators(q);
    out.push_back(std::move(k));
  }
  return out;
}

// ---- Filings and sign-ins ----

namespace {
models::Filing read_filing(sqlite::Query& q) {
  models::Filing f;
  f.id = q.col_text();
  f.psn_no = q.col_text();
  f.type = static_cast<models::FilingType>(q.col_i64());
  f.dise_codg = q.col_text();
  f.begin.days = static_cast<int32_t>(q.col_i64());
  f.end.days = static_cast<int32_t>(q.col_i64());
  f.filing_case = static_cast<models::FilingCase>(q.col_i64());
  f.mdtrtarea_admvs = q.col_text();
  return f;
}
}  // namespace

Status LedgerSqlite::put_filing(const models::Filing& f) {
  auto q = query(kPutFiling);
  q.text(f.id).text(f.psn_no).i64(static_cast<int64_t>(f.type)).text(f.dise_codg).i64(f.begin.days);
  q.i64(f.end.days).i64(static_cast<int64_t>(f.filing_case)).text(f.mdtrtarea_admvs);
  return write(q, "put_filing");
}

std::optional<models::Filing> LedgerSqlite::get_filing(std::string_view id) {
  auto q = query(kGetFiling);
  q.text(id);
  if (!fetch_row(q, "get_filing")) return std::nullopt;
  return read_filing(q);
}

std::vector<models::Filing> LedgerSqlite::filings_of(std::string_view psn_no) {
  std::vector<models::Filing> out;
  auto q = query(kFilingsOf);
  q.text(psn_no);
  while (next_row(q, "filings_of")) out.push_back(read_filing(q));
  return out;
}

Status LedgerSqlite::put_signin(const SignIn& s) {
  auto q = query(kPutSignin);
  q.text(s.fixmedins_code).text(s.opter).text(s.sign_no).i64(s.at.s).i64(s.signed_out ? 1 : 0);
  return write(q, "put_signin");
}

std::vector<SignIn> LedgerSqlite::all_signins() {
  std::vector<SignIn> out;
  auto q = query(kAllSignins);
  while (next_row(q, "all_signins")) {
    SignIn s;
    s.fixmedins_code = q.col_text();
    s.opter = q.col_text();
    s.sign_no = q.col_text();
    s.at.s = q.col_i64();
    s.signed_out = q.col_i64() != 0;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace yibao::core::ledger_detail
