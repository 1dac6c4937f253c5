// D7 over the wire (sim/checker.h): 5206 of every person with acknowledged money against the
// population's opening accumulators plus what the replies imply.
#include <condition_variable>
#include <optional>
#include <mutex>
#include <set>

#include "sim/checker_internal.h"

namespace yibao::sim::checker_detail {
namespace {

namespace v1 = settlement::v1;
using Outcome = JournalEntry::Outcome;

// The accumulator fields a reply determines (see sim/checker.h).
struct Implied {
  int64_t pool = 0, large = 0, si = 0, cvl = 0, maf = 0, admissions = 0;
  std::string code;   // a facility the person settled at (where 5206 is asked)
  bool skip = false;  // an unresolved outcome or an entry without the split
};

void add(Implied& p, const JournalEntry& e, int64_t sign) {
  p.pool += sign * e.hifp_pay;
  p.large += sign * e.hifob_pay;
  p.si += sign * e.hifmi_pay;
  p.cvl += sign * e.cvlserv_pay;
  p.maf += sign * e.maf_pay;
  if (e.txn == 2304) p.admissions += sign;
  if (e.txn == 2305) p.admissions -= sign;
  if (!e.has_split) p.skip = true;
}

}  // namespace

InvariantResult check_d7(const std::vector<JournalEntry>& journal, Wire& wire, const models::Population& pop,
                         const LiveCheckOptions& o) {
  InvariantResult r;
  r.id = "D7";
  if (!o.ledger_fresh) {
    r.checked = false;
    r.detail = "not checked over the wire: the ledger holds earlier runs' settlements, so the accumulators' "
               "opening values are unknown here (the core's own audit, grpc/core/audit.h, covers D7)";
    return r;
  }
  const int32_t year = o.care_year != 0 ? o.care_year : pop.year();

  std::set<std::string> reversed_ok;  // omsgids of acknowledged 2601s
  for (const JournalEntry& e : journal)
    if (e.txn == kReversalTxn && e.outcome == Outcome::kAcked) reversed_ok.insert(e.omsgid);
  // Per (person, care year): the year of the reply's care_time, else `year`. An unresolved
  // outcome (no care time known) spoils every year of its person.
  auto care_year = [year](const JournalEntry& e) {
    const auto t = e.care_time.empty() ? std::nullopt : parse_civil(e.care_time);
    return t ? year_of(*t) : year;
  };
  std::map<std::pair<std::string, int32_t>, Implied> people;
  std::set<std::string> spoiled;
  std::map<std::string, const JournalEntry*> applied;
  std::set<std::string> reversed;
  for (const JournalEntry& e : journal) {
    const bool money = is_settlement_txn(e.txn) || is_cancel_txn(e.txn) || is_manual_txn(e.txn);
    if (e.outcome == Outcome::kUnknown && money && !reversed_ok.count(e.msgid)) spoiled.insert(e.psn_no);
    if (e.outcome != Outcome::kAcked) continue;
    if (money && applied.emplace(e.msgid, &e).second) {
      Implied& p = people[{e.psn_no, care_year(e)}];
      if (p.code.empty()) p.code = e.fixmedins_code;
      add(p, e, 1);
    } else if (e.txn == kReversalTxn && applied.count(e.omsgid) && reversed.insert(e.omsgid).second) {
      const JournalEntry& orig = *applied[e.omsgid];
      add(people[{orig.psn_no, care_year(orig)}], orig, -1);
    }
  }
  for (auto& [key, p] : people)
    if (spoiled.count(key.first)) p.skip = true;

  struct Ask {
    std::string psn_no;
    int32_t year = 0;
    const Implied* implied;
    client::CallResult result;
    v1::GetAccumulatorsReply reply;
  };
  std::vector<Ask> asks;
  uint64_t skipped = 0;
  for (const auto& [key, p] : people) {
    const std::string& psn = key.first;
    if (p.skip || p.code.empty()) {
      ++skipped;
      continue;
    }
    bool transport = false;
    if (std::string why = wire.sign_in(p.code, &transport); !why.empty()) {
      add_offender(r, psn + ": " + why);
      continue;
    }
    asks.push_back(Ask{psn, key.second, &p, {}, {}});
  }

  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  const int window = std::max(1, o.window);
  for (size_t i = 0; i < asks.size(); ++i) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < window; });
      ++in_flight;
    }
    v1::GetAccumulatorsRequest q;
    *q.mutable_header() = wire.header(asks[i].implied->code, "5206");
    q.set_psn_no(asks[i].psn_no);
    q.set_cum_ym(fmt::format("{:04d}01", asks[i].year));
    wire.pool().call(&client::SettlementAsync::GetAccumulators, std::move(q), wire.options(),
                     [&, i](client::CallResult&& res, v1::GetAccumulatorsReply&& rep) {
                       std::lock_guard lock(mu);
                       asks[i].result = std::move(res);
                       asks[i].reply = std::move(rep);
                       --in_flight;
                       cv.notify_all();
                     });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }

  for (const Ask& a : asks) {
    if (!a.result.ok()) {
      add_offender(r, a.psn_no + ": 5206 " + failure(a.result));
      continue;
    }
    const auto i = pop.find_psn_no(a.psn_no);
    if (!i) {
      add_offender(r, a.psn_no + ": not in the population");
      continue;
    }
    const models::Accumulators open = pop.opening_accumulators(*i, a.year);
    const Implied& p = *a.implied;
    const v1::GetAccumulatorsReply& s = a.reply;
    std::string diff;
    auto cmp = [&](const char* name, int64_t stored, int64_t expected) {
      if (stored != expected) diff += fmt::format(" {} stored {} expected {}", name, stored, expected);
    };
    cmp("pool_paid_total", s.pool_paid_total(), open.pool_paid_total.v + p.pool);
    cmp("large_paid", s.large_paid(), open.large_paid.v + p.large);
    cmp("si_paid", s.si_paid(), open.si_paid.v + p.si);
    cmp("cvlserv_paid", s.cvlserv_paid(), open.cvlserv_paid.v + p.cvl);
    cmp("maf_paid", s.maf_paid(), open.maf_paid.v + p.maf);
    cmp("admissions", s.admissions(), open.admissions + p.admissions);
    if (!diff.empty()) add_offender(r, fmt::format("{} {}:{}", a.psn_no, a.year, diff));
  }
  r.detail = fmt::format("5206 of {} persons and care years {} the opening accumulators plus the acknowledged replies",
                         asks.size(), r.pass ? "equals" : "differs from") +
             (skipped ? fmt::format("; {} persons skipped (an unresolved outcome or no fund split)", skipped)
                      : std::string());
  return r;
}

}  // namespace yibao::sim::checker_detail
