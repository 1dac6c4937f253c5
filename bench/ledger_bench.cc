// Ledger write throughput (DESIGN.md §4 "Durability"): the write set of one settlement through
// the real SQLite ledger and schema —
//   put_journal, put_visit, put_settlement (3 detail rows + acc_delta), put_accumulators,
//   put_balance, put_line ×10 (marked settled), add_fund ×3  = 17 row writes —
// (a) committed one settlement per transaction, (b) grouped 1 / 8 / 64 / 256 settlements per
// batch with a savepoint per settlement (what the core's writer does), and (c) plain SQLite
// inserting the same 17 rows per settlement into a minimal table with the same commit grouping:
// the ceiling the ledger's own code and schema cost is measured against.
//
// Everything is durable: WAL, synchronous=FULL, a fresh file per run in $YB_BENCH_DIR, else
// $TMPDIR, else /tmp (it must be a real disk: fsync on tmpfs costs nothing). Rates are
// settlements per second of wall time (items_per_second; UseRealTime, since fsync is not CPU).
// commit_p50_us / commit_p99_us / commit_max_us are the latencies of the commit call alone: a WAL
// checkpoint on the commit path would show there as a 30–60 ms maximum.
//
//   ledger_bench --benchmark_repetitions=3 --benchmark_min_time=0.3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "grpc/core/ledger.h"

namespace yibao::core {
namespace {

constexpr int kRowsPerSettlement = 17;
constexpr int kLinesPerSettlement = 10;
constexpr int kPersons = 5000;

class BenchDir {
 public:
  BenchDir() {
    const char* base = std::getenv("YB_BENCH_DIR");
    if (!base || !*base) base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/yibao-ledger-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Commit-call latencies of one run, reported as counters.
class Latencies {
 public:
  using Clock = std::chrono::steady_clock;
  void add(Clock::duration d) { us_.push_back(std::chrono::duration<double, std::micro>(d).count()); }
  void report(benchmark::State& state) {
    if (us_.empty()) return;
    std::sort(us_.begin(), us_.end());
    auto q = [&](double p) { return us_[std::min(us_.size() - 1, static_cast<size_t>(p * us_.size()))]; };
    state.counters["commit_p50_us"] = q(0.50);
    state.counters["commit_p99_us"] = q(0.99);
    state.counters["commit_max_us"] = us_.back();
  }

 private:
  std::vector<double> us_;
};

// Writes settlement i's write set; the records are built once and only their keys change.
class SettlementWriter {
 public:
  explicit SettlementWriter(Ledger& l) : l_(l) {
    journal_.fixmedins_code = "H45010000001";
    journal_.infno = "2207";
    journal_.payload_hash = std::string(32, '\x5a');
    journal_.reply = std::string(600, 'r');  // a serialized 2207 reply is a few hundred bytes
    journal_.at = CivilTime{1588932000};
    visit_.fixmedins_code = journal_.fixmedins_code;
    visit_.kind = VisitKind::kOutpatient;
    visit_.state = VisitState::kSettled;
    visit_.med_type = "11";
    visit_.dept_code = "D01";
    visit_.diagnoses = "J06.900";
    visit_.begntime = journal_.at;
    setl_.fixmedins_code = journal_.fixmedins_code;
    setl_.insutype = models::Insutype::kEmployee;
    setl_.psn_type = "1101";
    setl_.med_type = "11";
    setl_.clr_type = "11";
    setl_.infno = "2207";
    setl_.business_day = journal_.at.date();
    setl_.care_time = journal_.at;
    setl_.care_year = 2020;
    setl_.medfee_sumamt = Fen(35000);
    setl_.inscp_scp_amt = Fen(30000);
    setl_.hifp_pay = Fen(18000);
    setl_.fund_pay_sumamt = Fen(18000);
    setl_.acct_pay = Fen(10000);
    setl_.psn_cash_pay = Fen(7000);
    setl_.acc_delta.otp_pool_paid = Fen(18000);
    setl_.acc_delta.pool_paid_total = Fen(18000);
    setl_.policy_version = "fixture-2020";
    setl_.details = {{"POOL", Fen(30000), Fen(200000), Fen(18000), "门诊统筹 60%"},
                     {"CVL", Fen(12000), Fen(-1), Fen(0), ""},
                     {"ACCT", Fen(17000), Fen(-1), Fen(10000), "个人账户"}};
    setl_.reply = journal_.reply;
    line_.chrg_bchno = "B1";
    line_.med_list_codg = "XA01AAA0101010101234";
    line_.medins_list_codg = "H-XA01";
    line_.amount = Fen(3500);
    line_.cnt = 10000;
    line_.pric = 35000000;
    line_.bilg_dept_codg = "D01";
    line_.fee_ocur_time = journal_.at;
    line_.payload_hash = journal_.payload_hash;
  }

  Status write(int64_t i) {
    const std::string n = fmt::format("{:010}", i);
    const std::string psn = fmt::format("P{:08}", i % kPersons);
    journal_.msgid = journal_.fixmedins_code + n;
    journal_.effect_setl_id = "S" + n;
    YB_RETURN_IF_ERROR(l_.put_journal(journal_));
    visit_.mdtrt_id = "M" + n;
    visit_.psn_no = psn;
    visit_.ipt_otp_no = "O" + n;
    visit_.live_setl_id = journal_.effect_setl_id;
    YB_RETURN_IF_ERROR(l_.put_visit(visit_));
    setl_.setl_id = journal_.effect_setl_id;
    setl_.mdtrt_id = visit_.mdtrt_id;
    setl_.psn_no = psn;
    setl_.msgid = journal_.msgid;
    setl_.setl_time = CivilTime{journal_.at.s + i / 100};
    YB_RETURN_IF_ERROR(l_.put_settlement(setl_));
    acc_.pool_paid_total += setl_.hifp_pay;
    YB_RETURN_IF_ERROR(l_.put_accumulators(psn, models::Insutype::kEmployee, 2020, acc_));
    YB_RETURN_IF_ERROR(l_.put_balance(psn, Fen(500000 - i)));
    line_.mdtrt_id = visit_.mdtrt_id;
    line_.setl_id = setl_.setl_id;
    for (int k = 0; k < kLinesPerSettlement; ++k) {
      line_.feedetl_sn = fmt::format("{:04}", k);
      YB_RETURN_IF_ERROR(l_.put_line(line_));
    }
    YB_RETURN_IF_ERROR(l_.add_fund("POOL", "payouts", setl_.hifp_pay));
    YB_RETURN_IF_ERROR(l_.add_fund("ACCT", "payouts", setl_.acct_pay));
    return l_.add_fund("CVL", "payouts", setl_.cvlserv_pay);
  }

 private:
  Ledger& l_;
  JournalEntry journal_;
  Visit visit_;
  SettlementRecord setl_;
  models::Accumulators acc_;
  FeeLineRecord line_;
};

bool failed(benchmark::State& state, const Status& s) {
  if (s.ok()) return false;
  state.SkipWithError(s.ToString().c_str());
  return true;
}

std::unique_ptr<Ledger> open_or_skip(benchmark::State& state, const std::string& path) {
  auto r = open_sqlite_ledger(path);
  if (!r.ok()) {
    state.SkipWithError(r.status().ToString().c_str());
    return nullptr;
  }
  return std::move(r).value();
}

// (a) One transaction per settlement: BEGIN, the write set, COMMIT (fsync).
void BM_LedgerOneCommitPerSettlement(benchmark::State& state) {
  BenchDir dir;
  auto ledger = open_or_skip(state, dir.file("ledger.db"));
  if (!ledger) return;
  SettlementWriter writer(*ledger);
  Latencies commits;
  int64_t n = 0;
  for (auto _ : state) {
    if (failed(state, ledger->begin_batch()) || failed(state, writer.write(n++))) break;
    const auto t0 = Latencies::Clock::now();
    if (failed(state, ledger->commit_batch())) break;
    commits.add(Latencies::Clock::now() - t0);
  }
  state.SetItemsProcessed(n);
  commits.report(state);
}
BENCHMARK(BM_LedgerOneCommitPerSettlement)->UseRealTime()->Unit(benchmark::kMicrosecond);

// (b) Group commit: one batch of range(0) settlements, each in its own savepoint.
void BM_LedgerGroupCommit(benchmark::State& state) {
  const int per_batch = static_cast<int>(state.range(0));
  BenchDir dir;
  auto ledger = open_or_skip(state, dir.file("ledger.db"));
  if (!ledger) return;
  SettlementWriter writer(*ledger);
  Latencies commits;
  int64_t n = 0;
  for (auto _ : state) {
    if (failed(state, ledger->begin_batch())) break;
    bool ok = true;
    for (int k = 0; k < per_batch && ok; ++k)
      ok = !failed(state, ledger->savepoint()) && !failed(state, writer.write(n++)) &&
           !failed(state, ledger->release_savepoint());
    if (!ok) break;
    const auto t0 = Latencies::Clock::now();
    if (failed(state, ledger->commit_batch())) break;
    commits.add(Latencies::Clock::now() - t0);
  }
  state.SetItemsProcessed(n);
  commits.report(state);
}
BENCHMARK(BM_LedgerGroupCommit)->Arg(1)->Arg(8)->Arg(64)->Arg(256)->UseRealTime()->Unit(benchmark::kMicrosecond);

// (c) The ceiling: plain SQLite, same durability, 17 single-row inserts per "settlement" into a
// minimal table through one prepared statement, range(0) settlements per transaction.
void BM_SqliteMinimalRows(benchmark::State& state) {
  const int per_batch = static_cast<int>(state.range(0));
  BenchDir dir;
  const std::string path = dir.file("plain.db");
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
      sqlite3_exec(db,
                   "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0;"
                   "CREATE TABLE t(k INTEGER PRIMARY KEY, v INTEGER NOT NULL);",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    state.SkipWithError(sqlite3_errmsg(db));
    sqlite3_close(db);
    return;
  }
  sqlite3_stmt *begin = nullptr, *commit = nullptr, *insert = nullptr;
  sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
  sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO t(k, v) VALUES(?1, ?2)", -1, &insert, nullptr);
  auto run = [&](sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
  };
  Latencies commits;
  int64_t n = 0, key = 0;
  for (auto _ : state) {
    bool ok = run(begin);
    for (int k = 0; k < per_batch && ok; ++k, ++n)
      for (int r = 0; r < kRowsPerSettlement && ok; ++r) {
        sqlite3_bind_int64(insert, 1, ++key);
        sqlite3_bind_int64(insert, 2, n);
        ok = run(insert);
      }
    const auto t0 = Latencies::Clock::now();
    if (!ok || !run(commit)) {
      state.SkipWithError(sqlite3_errmsg(db));
      break;
    }
    commits.add(Latencies::Clock::now() - t0);
  }
  state.SetItemsProcessed(n);
  commits.report(state);
  for (sqlite3_stmt* s : {begin, commit, insert}) sqlite3_finalize(s);
  sqlite3_close(db);
}
BENCHMARK(BM_SqliteMinimalRows)->Arg(1)->Arg(8)->Arg(64)->Arg(256)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace yibao::core

BENCHMARK_MAIN();
