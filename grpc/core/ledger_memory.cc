// LedgerMemory: the test twin of the SQLite ledger (ledger.h), same observable behaviour, nothing
// on disk.
//
// Every record lives in an ordered map keyed like its SQLite table; the few secondary indexes the
// lookups need (visit business key, open stays, settlements by person and by facility-day, filings
// by person) are ordered sets maintained by the one writer of each map. Inside a transaction
// (a batch or a savepoint) every write first pushes an undo closure restoring the previous value
// of the key it touches; a savepoint is a mark in that log, rollback_savepoint replays it back to
// the mark, abort_batch replays all of it. Outside a transaction writes apply directly (SQLite's
// autocommit). Orders of every listing match ledger_sqlite*.cc (see ledger_common.h).
// Not thread-safe (one writer thread, like every Ledger).
#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "grpc/core/ledger.h"
#include "grpc/core/ledger_common.h"

namespace yibao::core {
namespace {

using namespace ledger_detail;  // NOLINT(google-build-using-namespace): internal helpers
using models::Insutype;

Status misuse(std::string message) { return Status(Code::kInternal, reason::kInternal, std::move(message)); }

class LedgerMemory final : public Ledger {
 public:
  LedgerMemory() { meta_[std::string(kSchemaVersionKey)] = std::to_string(kSchemaVersion); }

  std::string describe() const override { return "memory"; }

  // ---- Transactions ----
  Status begin_batch() override {
    if (in_txn()) return misuse("begin_batch inside a transaction");
    in_batch_ = true;
    return Status::Ok();
  }
  Status commit_batch() override {
    if (!in_batch_) return misuse("commit_batch without begin_batch");
    undo_.clear();
    marks_.clear();
    in_batch_ = false;
    return Status::Ok();
  }
  void abort_batch() override {
    undo_to(0);
    marks_.clear();
    in_batch_ = false;
  }
  Status savepoint() override {
    marks_.push_back(undo_.size());
    return Status::Ok();
  }
  Status release_savepoint() override {
    if (marks_.empty()) return misuse("release_savepoint without a savepoint");
    marks_.pop_back();
    if (!in_txn()) undo_.clear();  // the outermost savepoint outside a batch commits
    return Status::Ok();
  }
  Status rollback_savepoint() override {
    if (marks_.empty()) return misuse("rollback_savepoint without a savepoint");
    undo_to(marks_.back());
    marks_.pop_back();  // like ROLLBACK TO + RELEASE: the savepoint is gone
    return Status::Ok();
  }

  // ---- Meta and sequences ----
  std::optional<std::string> get_meta(std::string_view key) override { return find(meta_, key); }
  Status put_meta(std::string_view key, std::string_view value) override {
    set(meta_, std::string(key), std::string(value));
    return Status::Ok();
  }
  Result<int64_t> next_sequence(std::string_view name) override {
    const int64_t next = find(sequences_, name).value_or(0) + 1;
    set(sequences_, std::string(name), next);
    return next;
  }

  // ---- Journal, facilities, persons, balances ----
  std::optional<JournalEntry> find_journal(std::string_view msgid) override { return find(journal_, msgid); }
  Status put_journal(const JournalEntry& e) override {
    set(journal_, e.msgid, e);
    return Status::Ok();
  }
  std::optional<models::Facility> get_facility(std::string_view code) override { return find(facilities_, code); }
  Status put_facility(const models::Facility& f) override {
    set(facilities_, f.code, f);
    return Status::Ok();
  }
  std::optional<models::Person> get_person(std::string_view psn_no) override { return find(persons_, psn_no); }
  Status put_person(const models::Person& p) override {
    set(persons_, p.psn_no, p);
    return Status::Ok();
  }
  int64_t count_persons() override { return static_cast<int64_t>(persons_.size()); }
  int64_t count_facilities() override { return static_cast<int64_t>(facilities_.size()); }
  std::optional<Fen> get_balance(std::string_view psn_no) override { return find(balances_, psn_no); }
  Status put_balance(std::string_view psn_no, Fen balc) override {
    set(balances_, std::string(psn_no), balc);
    return Status::Ok();
  }

  // ---- Accumulators ----
  std::optional<models::Accumulators> get_accumulators(std::string_view psn_no, Insutype t, int32_t year) override {
    return find(accumulators_, AccMapKey{std::string(psn_no), static_cast<int32_t>(t), year});
  }
  Status put_accumulators(std::string_view psn_no, Insutype t, int32_t year, const models::Accumulators& a) override {
    set(accumulators_, AccMapKey{std::string(psn_no), static_cast<int32_t>(t), year}, a);
    return Status::Ok();
  }
  std::vector<AccKey> all_accumulators() override {
    std::vector<AccKey> out;
    for (const auto& [k, acc] : accumulators_)
      out.push_back(AccKey{std::get<0>(k), static_cast<Insutype>(std::get<1>(k)), std::get<2>(k), acc});
    return out;
  }

  // ---- Filings and sign-ins ----
  Status put_filing(const models::Filing& f) override {
    write_logged(&LedgerMemory::write_filing, f.id, std::optional<models::Filing>(f), filings_);
    return Status::Ok();
  }
  std::optional<models::Filing> get_filing(std::string_view id) override { return find(filings_, id); }
  std::vector<models::Filing> filings_of(std::string_view psn_no) override {
    std::vector<models::Filing> out;
    for (auto it = filings_by_psn_.lower_bound({std::string(psn_no), ""});
         it != filings_by_psn_.end() && it->first == psn_no; ++it)
      out.push_back(filings_.at(it->second));
    return out;
  }
  Status put_signin(const SignIn& s) override {
    set(signins_, std::pair(s.fixmedins_code, s.opter), s);
    return Status::Ok();
  }
  std::vector<SignIn> all_signins() override {
    std::vector<SignIn> out;
    for (const auto& [k, s] : signins_) out.push_back(s);
    return out;
  }

  // ---- Visits ----
  std::optional<Visit> get_visit(std::string_view mdtrt_id) override { return find(visits_, mdtrt_id); }
  Status put_visit(const Visit& v) override {
    write_logged(&LedgerMemory::write_visit, v.mdtrt_id, std::optional<Visit>(v), visits_);
    return Status::Ok();
  }
  std::optional<Visit> find_visit_by_key(std::string_view code, VisitKind kind, std::string_view key) override {
    if (key.empty()) return std::nullopt;
    const VisitKeyIx probe{std::string(code), static_cast<int>(kind), std::string(key), ""};
    const auto it = visits_by_key_.lower_bound(probe);
    if (it == visits_by_key_.end() || std::get<0>(*it) != code || std::get<1>(*it) != static_cast<int>(kind) ||
        std::get<2>(*it) != key)
      return std::nullopt;
    return visits_.at(std::get<3>(*it));
  }
  std::optional<Visit> find_open_stay(std::string_view code, std::string_view psn_no) override {
    const auto it = open_stays_.lower_bound({std::string(code), std::string(psn_no), ""});
    if (it == open_stays_.end() || std::get<0>(*it) != code || std::get<1>(*it) != psn_no) return std::nullopt;
    return visits_.at(std::get<2>(*it));
  }

  // ---- Fee lines ----
  std::vector<FeeLineRecord> lines_of(std::string_view mdtrt_id) override {
    std::vector<FeeLineRecord> out;
    for (auto it = lines_.lower_bound({std::string(mdtrt_id), ""}); it != lines_.end() && it->first.first == mdtrt_id;
         ++it)
      out.push_back(it->second);
    return out;
  }
  Status put_line(const FeeLineRecord& l) override {
    set(lines_, std::pair(l.mdtrt_id, l.feedetl_sn), l);
    return Status::Ok();
  }
  Status move_lines(std::string_view mdtrt_id, std::string_view from, std::string_view to) override {
    for (FeeLineRecord& l : lines_of(mdtrt_id)) {
      if (l.setl_id != from) continue;
      l.setl_id = std::string(to);
      set(lines_, std::pair(l.mdtrt_id, l.feedetl_sn), l);
    }
    return Status::Ok();
  }
  Status delete_line(std::string_view mdtrt_id, std::string_view feedetl_sn) override {
    erase(lines_, std::pair(std::string(mdtrt_id), std::string(feedetl_sn)));
    return Status::Ok();
  }

  // ---- Settlements ----
  std::optional<SettlementRecord> get_settlement(std::string_view setl_id) override {
    return find(settlements_, setl_id);
  }
  Status put_settlement(const SettlementRecord& s) override {
    write_logged(&LedgerMemory::write_settlement, s.setl_id, std::optional<SettlementRecord>(s), settlements_);
    return Status::Ok();
  }
  std::vector<SettlementRecord> settlements_of(std::string_view psn_no, Insutype t, int32_t care_year) override {
    std::vector<SettlementRecord> out;
    const PersonIx lo{std::string(psn_no), static_cast<int32_t>(t), care_year, std::numeric_limits<int64_t>::min(), ""};
    for (auto it = settlements_by_person_.lower_bound(lo); it != settlements_by_person_.end(); ++it) {
      if (std::get<0>(*it) != psn_no || std::get<1>(*it) != static_cast<int32_t>(t) || std::get<2>(*it) != care_year)
        break;
      out.push_back(settlements_.at(std::get<4>(*it)));
    }
    return out;
  }

  // ---- Funds ----
  std::vector<FundTotals> funds() override {
    std::vector<FundTotals> stored;
    for (const auto& [name, t] : funds_) stored.push_back(t);
    return order_funds(stored);
  }
  Status add_fund(std::string_view fund, std::string_view column, Fen amount) override {
    const auto col = fund_column(column);
    if (!col) return misuse("add_fund: unknown column '" + std::string(column) + "'");
    FundTotals t = find(funds_, fund).value_or(FundTotals{});
    t.fund = std::string(fund);
    fund_cell(t, *col) += amount;
    set(funds_, t.fund, t);
    return Status::Ok();
  }

  // ---- Reconciliation ----
  ReconTotals recon_totals(std::string_view code, CivilDate from, CivilDate to, std::string_view insutype,
                           std::string_view clr_type) override {
    ReconTotals out;
    const InsutypeFilter filter = insutype_filter(insutype);
    if (filter.none) return out;
    for_each_in_days(code, from, to, [&](const SettlementRecord& s) {
      if (!filter.any && static_cast<int32_t>(s.insutype) != filter.value) return;
      if (!clr_type.empty() && s.clr_type != clr_type) return;
      out.medfee_sumamt += s.medfee_sumamt;
      out.fund_pay_sumamt += s.fund_pay_sumamt;
      out.acct_pay += s.acct_pay;
      out.count += s.refd_setl_flag == 1 ? -1 : 1;
    });
    return out;
  }
  std::vector<SettlementRecord> recon_rows(std::string_view code, CivilDate from, CivilDate to, CivilTime after_time,
                                           std::string_view after_setl_id, int32_t limit) override {
    std::vector<SettlementRecord> rows;
    if (limit <= 0) return rows;
    const bool start = cursor_at_start(after_time, after_setl_id);
    for_each_in_days(code, from, to, [&](const SettlementRecord& s) {
      if (start || std::tie(s.setl_time, s.setl_id) > std::tie(after_time, after_setl_id)) rows.push_back(s);
    });
    std::sort(rows.begin(), rows.end(), [](const SettlementRecord& a, const SettlementRecord& b) {
      return std::tie(a.setl_time, a.setl_id) < std::tie(b.setl_time, b.setl_id);
    });
    if (rows.size() > static_cast<size_t>(limit)) rows.resize(static_cast<size_t>(limit));
    return rows;
  }

  // ---- Documents ----
  Status put_document(const Document& d) override {
    set(documents_, std::pair(d.kind, d.name), d);
    return Status::Ok();
  }
  std::vector<Document> documents() override {
    std::vector<Document> out;
    for (const auto& [k, d] : documents_) out.push_back(d);
    std::stable_sort(out.begin(), out.end(), [](const Document& a, const Document& b) { return a.seq < b.seq; });
    return out;
  }

  // ---- Core operations: windows, suspensions, held amounts, decisions (listed in order of
  //      creation, like SQLite's rowid) ----
  Status put_window(const SwitchoverWindow& w) override { return put_ordered(windows_, w.id, w); }
  std::vector<SwitchoverWindow> windows() override { return list_ordered(windows_); }
  Status put_suspension(const Suspension& x) override { return put_ordered(suspensions_, x.id, x); }
  std::vector<Suspension> suspensions() override { return list_ordered(suspensions_); }
  Status put_held(const HeldAmount& h) override { return put_ordered(held_, h.setl_id, h); }
  std::optional<HeldAmount> get_held(std::string_view setl_id) override {
    const auto row = find(held_, setl_id);
    return row ? std::optional<HeldAmount>(row->second) : std::nullopt;
  }
  std::vector<HeldAmount> held_amounts() override { return list_ordered(held_); }
  Status put_decision(const Decision& d) override { return put_ordered(decisions_, d.id, d); }
  std::vector<Decision> decisions() override { return list_ordered(decisions_); }

 private:
  using AccMapKey = std::tuple<std::string, int32_t, int32_t>;
  using VisitKeyIx = std::tuple<std::string, int, std::string, std::string>;  // code, kind, key, mdtrt_id
  using StayIx = std::tuple<std::string, std::string, std::string>;           // code, psn_no, mdtrt_id
  using PersonIx = std::tuple<std::string, int32_t, int32_t, int64_t, std::string>;  // psn, insutype, year, time, id
  using DayIx = std::tuple<std::string, int32_t, std::string>;                       // code, day, setl_id

  bool in_txn() const { return in_batch_ || !marks_.empty(); }

  void undo_to(size_t mark) {
    while (undo_.size() > mark) {
      undo_.back()();
      undo_.pop_back();
    }
  }

  template <typename Map, typename Key>
  static std::optional<typename Map::mapped_type> find(const Map& m, const Key& k) {
    const auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return it->second;
  }

  // Writes (or erases, for nullopt) one key of a plain map, logging the old value for undo.
  template <typename Map>
  void assign(Map& m, const typename Map::key_type& k, std::optional<typename Map::mapped_type> v) {
    if (in_txn()) {
      undo_.push_back([&m, k, old = find(m, k)]() mutable {
        if (old) m.insert_or_assign(k, std::move(*old));
        else m.erase(k);
      });
    }
    if (v) m.insert_or_assign(k, std::move(*v));
    else m.erase(k);
  }
  // Insert or replace keeping the order of first insertion (an ordered map of (order, record)).
  template <typename Map, typename T>
  Status put_ordered(Map& m, const std::string& key, const T& v) {
    const auto old = find(m, key);
    set(m, key, std::pair(old ? old->first : order_++, v));
    return Status::Ok();
  }
  template <typename Map, typename T = typename Map::mapped_type::second_type>
  static std::vector<T> list_ordered(const Map& m) {
    std::vector<std::pair<int64_t, T>> rows;
    for (const auto& [k, row] : m) rows.push_back(row);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<T> out;
    for (auto& r : rows) out.push_back(std::move(r.second));
    return out;
  }
  template <typename Map>
  void set(Map& m, const typename Map::key_type& k, typename Map::mapped_type v) {
    assign(m, k, std::optional<typename Map::mapped_type>(std::move(v)));
  }
  template <typename Map>
  void erase(Map& m, const typename Map::key_type& k) {
    assign(m, k, std::optional<typename Map::mapped_type>());
  }

  // The same for a map with secondary indexes: `writer` keeps the indexes in step, and the undo
  // closure goes through it too.
  template <typename T, typename Map>
  void write_logged(void (LedgerMemory::*writer)(const std::string&, std::optional<T>), const std::string& k,
                    std::optional<T> v, const Map& m) {
    if (in_txn()) undo_.push_back([this, writer, k, old = find(m, k)]() mutable { (this->*writer)(k, std::move(old)); });
    (this->*writer)(k, std::move(v));
  }

  void write_visit(const std::string& id, std::optional<Visit> v) {
    if (const auto old = find(visits_, id)) {
      visits_by_key_.erase({old->fixmedins_code, static_cast<int>(old->kind), std::string(visit_business_key(*old)), id});
      open_stays_.erase({old->fixmedins_code, old->psn_no, id});
    }
    if (!v) {
      visits_.erase(id);
      return;
    }
    if (v->state != VisitState::kVoid && !visit_business_key(*v).empty())
      visits_by_key_.insert({v->fixmedins_code, static_cast<int>(v->kind), std::string(visit_business_key(*v)), id});
    if (is_open_stay(*v)) open_stays_.insert({v->fixmedins_code, v->psn_no, id});
    visits_.insert_or_assign(id, std::move(*v));
  }

  void write_settlement(const std::string& id, std::optional<SettlementRecord> s) {
    if (const auto old = find(settlements_, id)) {
      settlements_by_person_.erase(
          {old->psn_no, static_cast<int32_t>(old->insutype), old->care_year, old->setl_time.s, id});
      settlements_by_day_.erase({old->fixmedins_code, old->business_day.days, id});
    }
    if (!s) {
      settlements_.erase(id);
      return;
    }
    settlements_by_person_.insert({s->psn_no, static_cast<int32_t>(s->insutype), s->care_year, s->setl_time.s, id});
    settlements_by_day_.insert({s->fixmedins_code, s->business_day.days, id});
    settlements_.insert_or_assign(id, std::move(*s));
  }

  void write_filing(const std::string& id, std::optional<models::Filing> f) {
    if (const auto old = find(filings_, id)) filings_by_psn_.erase({old->psn_no, id});
    if (!f) {
      filings_.erase(id);
      return;
    }
    filings_by_psn_.insert({f->psn_no, id});
    filings_.insert_or_assign(id, std::move(*f));
  }

  template <typename Fn>
  void for_each_in_days(std::string_view code, CivilDate from, CivilDate to, Fn&& fn) {
    for (auto it = settlements_by_day_.lower_bound({std::string(code), from.days, ""});
         it != settlements_by_day_.end() && std::get<0>(*it) == code && std::get<1>(*it) <= to.days; ++it) {
      const SettlementRecord& s = settlements_.at(std::get<2>(*it));
      if (s.clr_type != kClrManual) fn(s);  // the person's, not the facility's (records.h)
    }
  }

  template <typename V>
  using ByName = std::map<std::string, V, std::less<>>;

  ByName<std::string> meta_;
  ByName<int64_t> sequences_;
  ByName<JournalEntry> journal_;
  ByName<models::Facility> facilities_;
  ByName<models::Person> persons_;
  ByName<Fen> balances_;
  std::map<AccMapKey, models::Accumulators> accumulators_;
  ByName<models::Filing> filings_;
  std::set<std::pair<std::string, std::string>> filings_by_psn_;
  std::map<std::pair<std::string, std::string>, SignIn> signins_;
  ByName<Visit> visits_;
  std::set<VisitKeyIx> visits_by_key_;
  std::set<StayIx> open_stays_;
  std::map<std::pair<std::string, std::string>, FeeLineRecord> lines_;
  ByName<SettlementRecord> settlements_;
  std::set<PersonIx> settlements_by_person_;
  std::set<DayIx> settlements_by_day_;
  ByName<FundTotals> funds_;
  std::map<std::pair<std::string, std::string>, Document> documents_;
  // key -> (order of creation, record)
  ByName<std::pair<int64_t, SwitchoverWindow>> windows_;
  ByName<std::pair<int64_t, Suspension>> suspensions_;
  ByName<std::pair<int64_t, HeldAmount>> held_;
  ByName<std::pair<int64_t, Decision>> decisions_;
  int64_t order_ = 0;  // shared counter: only the order within one map matters

  bool in_batch_ = false;
  std::vector<std::function<void()>> undo_;  // newest last
  std::vector<size_t> marks_;                // undo_.size() at each open savepoint
};

}  // namespace

std::unique_ptr<Ledger> make_memory_ledger() { return std::make_unique<LedgerMemory>(); }

}  // namespace yibao::core
