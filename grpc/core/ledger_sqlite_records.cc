// LedgerSqlite, part 2: visits, fee lines, settlements (with their detail rows and acc_delta as
// compact blobs), funds, reconciliation (3201 as one aggregate over a covering index, 3202 paged
// by (setl_time, setl_id)), documents. See ledger_sqlite_impl.h.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "grpc/core/ledger_common.h"
#include "grpc/core/ledger_sqlite_impl.h"

namespace yibao::core::ledger_detail {
namespace {

using sqlite::select_sql;
using sqlite::upsert_sql;

// bkey last: written (visit_business_key), never read back.
constexpr const char* kVisitCols[] = {
    "mdtrt_id",  "fixmedins_code", "psn_no",         "insutype",     "kind",         "state",
    "ipt_otp_no", "med_type",      "dept_code",      "dscg_dept_code", "begntime",   "endtime",
    "diagnoses", "dscg_diagnoses", "trum_flag",      "rel_ttp_flag", "backfill_flag", "live_setl_id",
    "created_msgid", "version",    "rxno",           "bkey"};
constexpr std::span<const char* const> kVisitRead = std::span(kVisitCols).first(std::size(kVisitCols) - 1);

constexpr const char* kLineCols[] = {
    "mdtrt_id",     "feedetl_sn",     "chrg_bchno",           "med_list_codg", "medins_list_codg", "amount",
    "cnt",          "pric",           "rxno",                 "rx_circ_flag",  "hosp_appr_flag",
    "selfpay_consent_flag", "prd_days", "dscg_drug_flag",     "bilg_dept_codg", "fee_ocur_time", "setl_id",
    "payload_hash"};

constexpr const char* kSettlementCols[] = {
    "setl_id",       "mdtrt_id",        "fixmedins_code", "psn_no",        "insutype",       "psn_type",
    "med_type",      "clr_type",        "msgid",          "infno",         "setl_time",      "business_day",
    "care_time",     "care_year",       "backfill_flag",  "refd_setl_flag", "orig_setl_id",  "state",
    "undone_by",     "medfee_sumamt",   "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt",
    "inscp_scp_amt", "act_pay_dedc",    "hifp_pay",       "hifob_pay",     "hifmi_pay",      "cvlserv_pay",
    "hifes_pay",     "maf_pay",         "oth_pay",        "fund_pay_sumamt", "psn_part_amt", "acct_pay",
    "acct_mulaid_pay", "psn_cash_pay",  "hosp_part_amt",  "pool_prop",     "balc_after",     "mulaid_psn_no",
    "acc_delta",     "policy_version",  "details",        "reply"};

constexpr const char* kFundCols[] = {"fund", "opening", "premiums", "payouts", "reversals"};
constexpr const char* kDocumentCols[] = {"kind", "name", "text", "seq"};

constexpr uint8_t kAccDeltaFormat = 1;
constexpr uint8_t kDetailsFormat = 1;

// The settlement's amounts in column order (medfee_sumamt .. hosp_part_amt).
template <typename S>
auto amounts(S& s) {
  return std::array{&s.medfee_sumamt, &s.fulamt_ownpay_amt, &s.overlmt_selfpay, &s.preselfpay_amt,
                    &s.inscp_scp_amt, &s.act_pay_dedc,      &s.hifp_pay,        &s.hifob_pay,
                    &s.hifmi_pay,     &s.cvlserv_pay,       &s.hifes_pay,       &s.maf_pay,
                    &s.oth_pay,       &s.fund_pay_sumamt,   &s.psn_part_amt,    &s.acct_pay,
                    &s.acct_mulaid_pay, &s.psn_cash_pay,    &s.hosp_part_amt};
}

template <typename A>
auto acc_fields(A& a) {
  return std::array{&a.otp_dedc_used, &a.otp_pool_paid, &a.chronic_pool_paid, &a.pool_paid_total,
                    &a.large_paid,    &a.si_base,       &a.si_paid,           &a.cvlserv_paid,
                    &a.hifes_paid,    &a.maf_paid,      &a.ipt_dedc_paid};
}

Visit read_visit(sqlite::Query& q) {
  Visit v;
  v.mdtrt_id = q.col_text();
  v.fixmedins_code = q.col_text();
  v.psn_no = q.col_text();
  v.insutype = static_cast<models::Insutype>(q.col_i64());
  v.kind = static_cast<VisitKind>(q.col_i64());
  v.state = static_cast<VisitState>(q.col_i64());
  v.ipt_otp_no = q.col_text();
  v.med_type = q.col_text();
  v.dept_code = q.col_text();
  v.dscg_dept_code = q.col_text();
  v.begntime.s = q.col_i64();
  if (const auto end = q.col_opt_i64()) v.endtime = CivilTime{*end};
  v.diagnoses = q.col_text();
  v.dscg_diagnoses = q.col_text();
  v.trum_flag = static_cast<int32_t>(q.col_i64());
  v.rel_ttp_flag = static_cast<int32_t>(q.col_i64());
  v.backfill_flag = static_cast<int32_t>(q.col_i64());
  v.live_setl_id = q.col_text();
  v.created_msgid = q.col_text();
  v.version = q.col_i64();
  v.rxno = q.col_text();
  return v;
}

FeeLineRecord read_line(sqlite::Query& q) {
  FeeLineRecord l;
  l.mdtrt_id = q.col_text();
  l.feedetl_sn = q.col_text();
  l.chrg_bchno = q.col_text();
  l.med_list_codg = q.col_text();
  l.medins_list_codg = q.col_text();
  l.amount.v = q.col_i64();
  l.cnt = q.col_i64();
  l.pric = q.col_i64();
  l.rxno = q.col_text();
  l.rx_circ_flag = static_cast<int32_t>(q.col_i64());
  l.hosp_appr_flag = static_cast<int32_t>(q.col_i64());
  l.selfpay_consent_flag = static_cast<int32_t>(q.col_i64());
  l.prd_days = static_cast<int32_t>(q.col_i64());
  l.dscg_drug_flag = static_cast<int32_t>(q.col_i64());
  l.bilg_dept_codg = q.col_text();
  if (const auto t = q.col_opt_i64()) l.fee_ocur_time = CivilTime{*t};
  l.setl_id = q.col_text();
  l.payload_hash = q.col_blob();
  return l;
}

std::string encode_acc(const models::Accumulators& a) {
  sqlite::BlobWriter w(kAccDeltaFormat);
  for (const Fen* f : acc_fields(a)) w.i64(f->v);
  w.i64(a.admissions);
  return w.data();
}

bool decode_acc(std::string_view blob, models::Accumulators& a) {
  sqlite::BlobReader r(blob, kAccDeltaFormat);
  for (Fen* f : acc_fields(a)) r.i64(f->v);
  int64_t admissions = 0;
  r.i64(admissions);
  a.admissions = static_cast<int32_t>(admissions);
  return r.finished();
}

std::string encode_details(const std::vector<SettlementRecord::Detail>& details) {
  sqlite::BlobWriter w(kDetailsFormat);
  w.i64(static_cast<int64_t>(details.size()));
  for (const auto& d : details) w.str(d.fund).i64(d.inscp.v).i64(d.room_before.v).i64(d.paid.v).str(d.proc_info);
  return w.data();
}

bool decode_details(std::string_view blob, std::vector<SettlementRecord::Detail>& details) {
  sqlite::BlobReader r(blob, kDetailsFormat);
  int64_t n = 0;
  r.i64(n);
  for (int64_t i = 0; r.ok() && i < n; ++i) {
    SettlementRecord::Detail d;
    r.str(d.fund).i64(d.inscp.v).i64(d.room_before.v).i64(d.paid.v).str(d.proc_info);
    if (r.ok()) details.push_back(std::move(d));
  }
  return r.finished();
}

// Reads a settlement row; false when one of its blobs is malformed.
bool read_settlement(sqlite::Query& q, SettlementRecord& s) {
  s.setl_id = q.col_text();
  s.mdtrt_id = q.col_text();
  s.fixmedins_code = q.col_text();
  s.psn_no = q.col_text();
  s.insutype = static_cast<models::Insutype>(q.col_i64());
  s.psn_type = q.col_text();
  s.med_type = q.col_text();
  s.clr_type = q.col_text();
  s.msgid = q.col_text();
  s.infno = q.col_text();
  s.setl_time.s = q.col_i64();
  s.business_day.days = static_cast<int32_t>(q.col_i64());
  s.care_time.s = q.col_i64();
  s.care_year = static_cast<int32_t>(q.col_i64());
  s.backfill_flag = static_cast<int32_t>(q.col_i64());
  s.refd_setl_flag = static_cast<int32_t>(q.col_i64());
  s.orig_setl_id = q.col_text();
  s.state = static_cast<int32_t>(q.col_i64());
  s.undone_by = q.col_text();
  for (Fen* f : amounts(s)) f->v = q.col_i64();
  s.pool_prop = static_cast<int32_t>(q.col_i64());
  s.balc_after.v = q.col_i64();
  s.mulaid_psn_no = q.col_text();
  const bool acc_ok = decode_acc(q.col_blob(), s.acc_delta);
  s.policy_version = q.col_text();
  const bool details_ok = decode_details(q.col_blob(), s.details);
  s.reply = q.col_blob();
  return acc_ok && details_ok;
}

}  // namespace

void LedgerSqlite::records_sql(SqlTable& sql) {
  sql[kGetVisit] = select_sql("visit", kVisitRead, "WHERE mdtrt_id = ?1");
  sql[kPutVisit] = upsert_sql("visit", kVisitCols, 1);
  // The WHERE repeats each partial index's condition word for word, so the planner may use it.
  sql[kVisitByKey] = select_sql(
      "visit", kVisitRead,
      "WHERE fixmedins_code = ?1 AND kind = ?2 AND bkey = ?3 AND state <> 5 ORDER BY mdtrt_id LIMIT 1");
  sql[kOpenStay] = select_sql(
      "visit", kVisitRead,
      "WHERE fixmedins_code = ?1 AND psn_no = ?2 AND kind = 2 AND state NOT IN (4, 5) ORDER BY mdtrt_id LIMIT 1");
  sql[kLinesOf] = select_sql("fee_line", kLineCols, "WHERE mdtrt_id = ?1 ORDER BY feedetl_sn");
  sql[kPutLine] = upsert_sql("fee_line", kLineCols, 2);
  sql[kMoveLines] = "UPDATE fee_line SET setl_id = ?3 WHERE mdtrt_id = ?1 AND setl_id = ?2";
  sql[kDeleteLine] = "DELETE FROM fee_line WHERE mdtrt_id = ?1 AND feedetl_sn = ?2";
  sql[kGetSettlement] = select_sql("settlement", kSettlementCols, "WHERE setl_id = ?1");
  sql[kPutSettlement] = upsert_sql("settlement", kSettlementCols, 1);
  sql[kSettlementsOf] = select_sql("settlement", kSettlementCols,
                                   "WHERE psn_no = ?1 AND insutype = ?2 AND care_year = ?3 ORDER BY setl_time, setl_id");
  sql[kFunds] = select_sql("fund", kFundCols, "ORDER BY fund");
  sql[kAddFund] =
      "INSERT INTO fund(fund, opening, premiums, payouts, reversals) VALUES(?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(fund) DO UPDATE SET opening = opening + excluded.opening, premiums = premiums + "
      "excluded.premiums, payouts = payouts + excluded.payouts, reversals = reversals + excluded.reversals";
  // I9: a cancellation (refd_setl_flag = 1) carries negated amounts and counts -1. Every column
  // read is in settlement_recon, so this never touches the table.
  sql[kReconTotals] =
      "SELECT coalesce(sum(medfee_sumamt), 0), coalesce(sum(fund_pay_sumamt), 0), coalesce(sum(acct_pay), 0), "
      "coalesce(sum(CASE WHEN refd_setl_flag = 1 THEN -1 ELSE 1 END), 0) FROM settlement "
      "WHERE fixmedins_code = ?1 AND business_day BETWEEN ?2 AND ?3 AND (?4 IS NULL OR insutype = ?4) "
      "AND (?5 = '' OR clr_type = ?5) AND clr_type <> '99'";
  sql[kReconRows] = select_sql("settlement", kSettlementCols,
                               "WHERE fixmedins_code = ?1 AND business_day BETWEEN ?2 AND ?3 AND clr_type <> '99' "
                               "AND (?4 OR (setl_time, setl_id) > (?5, ?6)) ORDER BY setl_time, setl_id LIMIT ?7");
  sql[kPutDocument] = upsert_sql("document", kDocumentCols, 2);
  sql[kDocuments] = select_sql("document", kDocumentCols, "ORDER BY seq, kind, name");
}

// ---- Visits ----

std::optional<Visit> LedgerSqlite::get_visit(std::string_view mdtrt_id) {
  auto q = query(kGetVisit);
  q.text(mdtrt_id);
  if (!fetch_row(q, "get_visit")) return std::nullopt;
  return read_visit(q);
}

Status LedgerSqlite::put_visit(const Visit& v) {
  auto q = query(kPutVisit);
  q.text(v.mdtrt_id).text(v.fixmedins_code).text(v.psn_no).i64(static_cast<int64_t>(v.insutype));
  q.i64(static_cast<int64_t>(v.kind)).i64(static_cast<int64_t>(v.state)).text(v.ipt_otp_no).text(v.med_type);
  q.text(v.dept_code).text(v.dscg_dept_code).i64(v.begntime.s);
  q.opt_i64(v.endtime ? std::optional<int64_t>(v.endtime->s) : std::nullopt);
  q.text(v.diagnoses).text(v.dscg_diagnoses).i64(v.trum_flag).i64(v.rel_ttp_flag).i64(v.backfill_flag);
  q.text(v.live_setl_id).text(v.created_msgid).i64(v.version).text(v.rxno).text(visit_business_key(v));
  return write(q, "put_visit");
}

std::optional<Visit> LedgerSqlite::find_visit_by_key(std::string_view code, VisitKind kind, std::string_view key) {
  if (key.empty()) return std::nullopt;  // no key is no match (ledger_common.h)
  auto q = query(kVisitByKey);
  q.text(code).i64(static_cast<int64_t>(kind)).text(key);
  if (!fetch_row(q, "find_visit_by_key")) return std::nullopt;
  return read_visit(q);
}

std::optional<Visit> LedgerSqlite::find_open_stay(std::string_view code, std::string_view psn_no) {
  auto q = query(kOpenStay);
  q.text(code).text(psn_no);
  if (!fetch_row(q, "find_open_stay")) return std::nullopt;
  return read_visit(q);
}

// ---- Fee lines ----

std::vector<FeeLineRecord> LedgerSqlite::lines_of(std::string_view mdtrt_id) {
  std::vector<FeeLineRecord> out;
  auto q = query(kLinesOf);
  q.text(mdtrt_id);
  while (next_row(q, "lines_of")) out.push_back(read_line(q));
  return out;
}

Status LedgerSqlite::put_line(const FeeLineRecord& l) {
  auto q = query(kPutLine);
  q.text(l.mdtrt_id).text(l.feedetl_sn).text(l.chrg_bchno).text(l.med_list_codg).text(l.medins_list_codg);
  q.i64(l.amount.v).i64(l.cnt).i64(l.pric).text(l.rxno).i64(l.rx_circ_flag).i64(l.hosp_appr_flag);
  q.i64(l.selfpay_consent_flag).i64(l.prd_days).i64(l.dscg_drug_flag).text(l.bilg_dept_codg);
  q.opt_i64(l.fee_ocur_time ? std::optional<int64_t>(l.fee_ocur_time->s) : std::nullopt);
  q.text(l.setl_id).blob(l.payload_hash);
  return write(q, "put_line");
}

Status LedgerSqlite::move_lines(std::string_view mdtrt_id, std::string_view from, std::string_view to) {
  auto q = query(kMoveLines);
  q.text(mdtrt_id).text(from).text(to);
  return write(q, "move_lines");
}

Status LedgerSqlite::delete_line(std::string_view mdtrt_id, std::string_view feedetl_sn) {
  auto q = query(kDeleteLine);
  q.text(mdtrt_id).text(feedetl_sn);
  return write(q, "delete_line");
}

// ---- Settlements ----

std::optional<SettlementRecord> LedgerSqlite::get_settlement(std::string_view setl_id) {
  auto q = query(kGetSettlement);
  q.text(setl_id);
  if (!fetch_row(q, "get_settlement")) return std::nullopt;
  SettlementRecord s;
  if (!read_settlement(q, s)) poison(misuse_blob(s.setl_id));
  return s;
}

Status LedgerSqlite::put_settlement(const SettlementRecord& s) {
  // Declared before the Query: bound SQLITE_STATIC, they must outlive it.
  const std::string acc = encode_acc(s.acc_delta);
  const std::string details = encode_details(s.details);
  auto q = query(kPutSettlement);
  q.text(s.setl_id).text(s.mdtrt_id).text(s.fixmedins_code).text(s.psn_no).i64(static_cast<int64_t>(s.insutype));
  q.text(s.psn_type).text(s.med_type).text(s.clr_type).text(s.msgid).text(s.infno).i64(s.setl_time.s);
  q.i64(s.business_day.days).i64(s.care_time.s).i64(s.care_year).i64(s.backfill_flag).i64(s.refd_setl_flag);
  q.text(s.orig_setl_id).i64(s.state).text(s.undone_by);
  for (const Fen* f : amounts(s)) q.i64(f->v);
  q.i64(s.pool_prop).i64(s.balc_after.v).text(s.mulaid_psn_no).blob(acc).text(s.policy_version).blob(details);
  q.blob(s.reply);
  return write(q, "put_settlement");
}

std::vector<SettlementRecord> LedgerSqlite::settlements_of(std::string_view psn_no, models::Insutype t,
                                                           int32_t care_year) {
  std::vector<SettlementRecord> out;
  auto q = query(kSettlementsOf);
  q.text(psn_no).i64(static_cast<int64_t>(t)).i64(care_year);
  while (next_row(q, "settlements_of")) {
    SettlementRecord& s = out.emplace_back();
    if (!read_settlement(q, s)) poison(misuse_blob(s.setl_id));
  }
  return out;
}

Status LedgerSqlite::misuse_blob(std::string_view setl_id) {
  return Status(Code::kInternal, reason::kInternal,
                fmt::format("ledger {}: settlement {}: malformed acc_delta or details", path_, setl_id));
}

// ---- Funds ----

std::vector<FundTotals> LedgerSqlite::funds() {
  std::vector<FundTotals> stored;
  auto q = query(kFunds);
  while (next_row(q, "funds")) {
    FundTotals& t = stored.emplace_back();
    t.fund = q.col_text();
    for (int c = 0; c < 4; ++c) fund_cell(t, c).v = q.col_i64();
  }
  // What the batch has folded in memory so far (flush_folded writes it at the commit).
  for (const FundDeltas& layer : fund_layers_)
    for (const auto& [fund, cells] : layer) {
      auto it = std::find_if(stored.begin(), stored.end(), [&](const FundTotals& t) { return t.fund == fund; });
      if (it == stored.end()) {
        it = stored.insert(stored.end(), FundTotals{});
        it->fund = fund;
      }
      for (int c = 0; c < 4; ++c) fund_cell(*it, c).v += cells[c];
    }
  return order_funds(stored);
}

Status LedgerSqlite::add_fund(std::string_view fund, std::string_view column, Fen amount) {
  const auto col = fund_column(column);
  if (!col) return Status(Code::kInternal, reason::kInternal, fmt::format("add_fund: unknown column '{}'", column));
  if (!poisoned_.ok()) return poisoned_;
  if (!fund_layers_.empty()) {
    fund_layers_.back()[std::string(fund)][static_cast<size_t>(*col)] += amount.v;
    return Status::Ok();
  }
  auto q = query(kAddFund);  // outside a batch: at once
  q.text(fund);
  for (int c = 0; c < 4; ++c) q.i64(c == *col ? amount.v : 0);
  return write(q, "add_fund");
}

// ---- Reconciliation ----

ReconTotals LedgerSqlite::recon_totals(std::string_view code, CivilDate from, CivilDate to, std::string_view insutype,
                                       std::string_view clr_type) {
  ReconTotals out;
  const InsutypeFilter filter = insutype_filter(insutype);
  if (filter.none) return out;
  auto q = query(kReconTotals);
  q.text(code).i64(from.days).i64(to.days);
  if (filter.any) q.null();
  else q.i64(filter.value);
  q.text(clr_type);
  if (!fetch_row(q, "recon_totals")) return out;
  out.medfee_sumamt.v = q.col_i64();
  out.fund_pay_sumamt.v = q.col_i64();
  out.acct_pay.v = q.col_i64();
  out.count = q.col_i64();
  return out;
}

std::vector<SettlementRecord> LedgerSqlite::recon_rows(std::string_view code, CivilDate from, CivilDate to,
                                                       CivilTime after_time, std::string_view after_setl_id,
                                                       int32_t limit) {
  std::vector<SettlementRecord> out;
  if (limit <= 0) return out;
  auto q = query(kReconRows);
  q.text(code).i64(from.days).i64(to.days).i64(cursor_at_start(after_time, after_setl_id) ? 1 : 0);
  q.i64(after_time.s).text(after_setl_id).i64(limit);
  while (next_row(q, "recon_rows")) {
    SettlementRecord& s = out.emplace_back();
    if (!read_settlement(q, s)) poison(misuse_blob(s.setl_id));
  }
  return out;
}

// ---- Documents ----

Status LedgerSqlite::put_document(const Document& d) {
  auto q = query(kPutDocument);
  q.text(d.kind).text(d.name).text(d.text).i64(d.seq);
  return write(q, "put_document");
}

std::vector<Ledger::Document> LedgerSqlite::documents() {
  std::vector<Document> out;
  auto q = query(kDocuments);
  while (next_row(q, "documents")) {
    Document& d = out.emplace_back();
    d.kind = q.col_text();
    d.name = q.col_text();
    d.text = q.col_text();
    d.seq = q.col_i64();
  }
  return out;
}

}  // namespace yibao::core::ledger_detail
