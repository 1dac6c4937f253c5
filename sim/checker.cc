// The live half of the checker (sim/checker.h): the ledger read back over the wire.
#include "sim/checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "models/time.h"
#include "sim/checker_internal.h"

namespace yibao::sim {
namespace {

namespace v1 = settlement::v1;
using checker_detail::china_now;
using checker_detail::failure;
using checker_detail::day_of;
using checker_detail::row_sign;
using checker_detail::Totals;
using checker_detail::Wire;
using client::AdminAsync;
using client::CallResult;
using client::SettlementAsync;
using Outcome = JournalEntry::Outcome;

// What the journal says, indexed.
struct JournalView {
  std::vector<const JournalEntry*> money;                 // acknowledged settlements and cancels, one per msgid
  std::map<std::string, size_t> money_index;               // msgid -> index in the journal
  std::map<std::string, size_t> undone_by_cancel;          // cancelled setl_id -> journal index of the cancel
  std::map<std::string, size_t> undone_by_reversal;        // omsgid -> journal index of the acked 2601
  std::set<std::string> refused;                           // msgids refused (nothing stored)
  std::set<std::string> uncertain;                         // unknown outcomes and 2601s: amounts from the core
  std::set<std::string> all_msgids;
  std::set<std::string> facilities;
};

JournalView index_journal(const std::vector<JournalEntry>& journal) {
  JournalView v;
  for (size_t i = 0; i < journal.size(); ++i) {
    const JournalEntry& e = journal[i];
    v.all_msgids.insert(e.msgid);
    if (!e.fixmedins_code.empty()) v.facilities.insert(e.fixmedins_code);
    const bool money = is_settlement_txn(e.txn) || is_cancel_txn(e.txn);
    if (e.outcome == Outcome::kRefused) v.refused.insert(e.msgid);
    if (e.outcome == Outcome::kUnknown || e.txn == kReversalTxn) v.uncertain.insert(e.msgid);
    if (e.outcome != Outcome::kAcked) continue;
    if (money && v.money_index.emplace(e.msgid, i).second) {
      v.money.push_back(&e);
      if (is_cancel_txn(e.txn)) v.undone_by_cancel.emplace(e.omsgid, i);
    } else if (e.txn == kReversalTxn) {
      v.undone_by_reversal.emplace(e.omsgid, i);
    }
  }
  // A msgid both refused and later acknowledged (a replay after E_SWITCHOVER) is not refused.
  for (const auto& [m, i] : v.money_index) v.refused.erase(m);
  return v;
}

struct Period {
  std::string from, to;
};

Result<Period> period_of(const std::vector<JournalEntry>& journal, const LiveCheckOptions& o) {
  Period p{o.from_date, o.to_date};
  const std::string today = format_date(china_now().date());
  if (p.from.empty() || p.to.empty()) {
    std::string lo = today, hi = today;
    for (const JournalEntry& e : journal) {
      const std::string d = day_of(e.setl_time);
      if (d.empty() || !parse_date(d)) continue;
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    if (p.from.empty()) p.from = lo;
    if (p.to.empty()) p.to = hi;
  }
  const auto a = parse_date(p.from), b = parse_date(p.to);
  if (!a || !b || b->days < a->days || b->days - a->days > 366)
    return Status(Code::kInvalidArgument, reason::kBadRequest,
                  "checker period " + p.from + " .. " + p.to + " is not a valid period of at most 366 days");
  return p;
}

}  // namespace

Result<std::vector<InvariantResult>> check_live(const std::vector<JournalEntry>& journal, client::ClientPool& pool,
                                                const models::Population& population,
                                                const LiveCheckOptions& options) {
  YB_ASSIGN_OR_RETURN(const Period period, period_of(journal, options));
  const JournalView jv = index_journal(journal);
  Wire wire(pool, population, options);

  InvariantResult d1, d2 = check_journal_d2(journal), d3 = check_journal_d3(journal), d5, d7;
  d1.id = "D1";
  d5.id = "D5";
  std::vector<std::string> problems;  // facilities that could not be read

  // ---- The core's rows of every facility the journal names ----
  std::map<std::string, v1::ReconcileRow> rows;  // setl_id -> row
  std::map<std::string, std::string> row_code;   // setl_id -> facility
  for (const std::string& code : jv.facilities) {
    bool transport = false;
    if (std::string why = wire.sign_in(code, &transport); !why.empty()) {
      if (transport) return Status(Code::kUnavailable, "E_UNAVAILABLE", "the core does not answer: " + why);
      problems.push_back(why);
      continue;
    }
    std::string token;
    do {
      v1::ReconcileDetailsRequest q;
      *q.mutable_header() = wire.header(code, "3202");
      q.set_setl_optins(code);
      q.set_stmt_begndate(period.from);
      q.set_stmt_enddate(period.to);
      q.set_page_token(token);
      q.set_page_size(1000);
      v1::ReconcileDetailsReply rep;
      const CallResult r = pool.call_sync(&SettlementAsync::ReconcileDetails, std::move(q), &rep, wire.options());
      if (!r.ok()) {
        problems.push_back("3202 at " + code + ": " + failure(r));
        break;
      }
      for (const v1::ReconcileRow& row : rep.core_rows()) {
        row_code[row.setl_id()] = code;
        rows[row.setl_id()] = row;
      }
      token = rep.next_page_token();
    } while (!token.empty());
  }
  for (const std::string& p : problems) {
    add_offender(d1, p);
    add_offender(d5, p);
  }

  // ---- D1: every acknowledged settlement or cancel is on the ledger, or undone later ----
  uint64_t undone = 0;
  for (const JournalEntry* e : jv.money) {
    if (e->setl_id.empty()) {
      add_offender(d1, e->msgid + " acknowledged without a setl_id");
      continue;
    }
    if (rows.count(e->setl_id)) continue;
    const size_t at = jv.money_index.at(e->msgid);
    auto later = [at](const std::map<std::string, size_t>& m, const std::string& key) {
      auto it = m.find(key);
      return it != m.end() && it->second > at;
    };
    if ((is_settlement_txn(e->txn) && later(jv.undone_by_cancel, e->setl_id)) ||
        later(jv.undone_by_reversal, e->msgid)) {
      ++undone;  // a cancel or reversal record would still be there; their absence is D5's
      continue;
    }
    add_offender(d1, e->setl_id + " " + e->msgid);
  }
  d1.detail = d1.pass ? fmt::format("{} acknowledged settlements and cancels all on the ledger ({} rows read, period "
                                    "{} .. {}{})",
                                    jv.money.size(), rows.size(), period.from, period.to,
                                    undone ? fmt::format(", {} absent but undone later", undone) : std::string())
                      : "acknowledged settlements or cancels missing from the ledger (setl_id msgid)";

  // ---- D2: the ledger's rows ----
  std::map<std::string, int> net;                 // mdtrt_id -> positive rows - negative rows
  std::map<std::string, int> per_msgid;
  for (const auto& [id, row] : rows) {
    net[row.mdtrt_id()] += row.refd_setl_flag() == 1 ? -1 : 1;
    ++per_msgid[row.msgid()];
  }
  const bool journal_d2 = d2.pass;
  for (const auto& [m, n] : net)
    if (n > 1) add_offender(d2, m);
  for (const auto& [m, n] : per_msgid) {
    if (n > 1) add_offender(d2, m);
    if (jv.refused.count(m)) add_offender(d2, m + " refused yet on the ledger");
  }
  d2.detail = d2.pass ? fmt::format("{} ledger rows: no visit with two live settlements, no msgid applied twice; {}",
                                    rows.size(), d2.detail)
                      : (journal_d2 ? "the ledger holds a visit with two live settlements or a msgid applied twice "
                                      "(mdtrt_id or msgid)"
                                    : d2.detail);

  // ---- D3: acknowledged amounts equal the ledger's; funds close ----
  uint64_t compared = 0;
  for (const JournalEntry* e : jv.money) {
    auto it = rows.find(e->setl_id);
    if (it == rows.end()) continue;
    const v1::ReconcileRow& row = it->second;
    const int64_t s = is_cancel_txn(e->txn) ? -1 : 1;
    ++compared;
    if (row.medfee_sumamt() != s * e->medfee_sumamt || row.fund_pay_sumamt() != s * e->fund_pay_sumamt ||
        row.acct_pay() != s * e->acct_pay || row.psn_cash_pay() != s * e->psn_cash_pay ||
        row.refd_setl_flag() != (s < 0 ? 1 : 0) || row.msgid() != e->msgid)
      add_offender(d3, e->setl_id + " differs from the ledger");
  }
  std::string funds_note;
  {
    v1::GetFundBalancesReply fb;
    const CallResult r = pool.call_sync(&AdminAsync::GetFundBalances, v1::GetFundBalancesRequest(), &fb, wire.options());
    if (!r.ok()) {
      funds_note = "; fund balances not read (" + failure(r) + ")";
    } else {
      int64_t layer_net = 0;
      for (const v1::FundBalance& f : fb.funds()) {
        if (f.opening() + f.premiums() - f.payouts() + f.reversals() != f.closing())
          add_offender(d3, "fund " + f.fund() + " does not close (I10)");
        if (f.fund() != "ACCT") layer_net += f.payouts() - f.reversals();
      }
      funds_note = fmt::format("; {} funds close (I10)", fb.funds_size());
      if (options.ledger_fresh) {
        int64_t rows_fund = 0;
        for (const auto& [id, row] : rows) rows_fund += row_sign(row) * row.fund_pay_sumamt();
        // Manual reimbursements pay from the funds outside the facilities' 3202.
        int64_t manual_fund = 0;
        std::set<std::string> claims;
        for (const JournalEntry& e : journal)
          if (is_manual_txn(e.txn) && e.outcome == JournalEntry::Outcome::kAcked && claims.insert(e.msgid).second)
            manual_fund += e.fund_pay_sumamt;
        if (rows_fund + manual_fund != layer_net)
          add_offender(d3, fmt::format("fund payouts net {} fen but the ledger's rows pay {} fen and the manual "
                                       "reimbursements {} fen", layer_net, rows_fund, manual_fund));
        else
          funds_note += claims.empty() ? ", fund payouts = the rows' fund_pay_sumamt"
                                       : ", fund payouts = the rows' fund_pay_sumamt + the manual reimbursements'";
      }
    }
  }
  d3.detail = d3.pass ? d3.detail + fmt::format("; {} equal to the ledger's rows", compared) + funds_note
                      : d3.detail + fmt::format("; compared with the ledger: {} rows", compared) + funds_note;

  // ---- D5: 3202 with the journal's rows, 3201 per facility and day ----
  const auto reconcile_started = std::chrono::steady_clock::now();
  std::map<std::string, std::vector<const JournalEntry*>> by_code;
  for (const JournalEntry* e : jv.money)
    if (!e->setl_id.empty()) by_code[e->fixmedins_code].push_back(e);
  uint64_t sent_rows = 0;
  for (const auto& [code, entries] : by_code) {
    bool transport = false;
    if (!wire.sign_in(code, &transport).empty()) continue;  // already counted above
    for (size_t at = 0; at < entries.size(); at += 1000) {
      v1::ReconcileDetailsRequest q;
      *q.mutable_header() = wire.header(code, "3202");
      q.set_setl_optins(code);
      q.set_stmt_begndate(period.from);
      q.set_stmt_enddate(period.to);
      q.set_page_size(1);
      for (size_t k = at; k < std::min(entries.size(), at + 1000); ++k) {
        const JournalEntry& e = *entries[k];
        const int64_t s = is_cancel_txn(e.txn) ? -1 : 1;
        v1::ReconcileRow* row = q.add_rows();
        row->set_setl_id(e.setl_id);
        row->set_mdtrt_id(e.mdtrt_id);
        row->set_psn_no(e.psn_no);
        row->set_medfee_sumamt(s * e.medfee_sumamt);
        row->set_fund_pay_sumamt(s * e.fund_pay_sumamt);
        row->set_acct_pay(s * e.acct_pay);
        row->set_refd_setl_flag(s < 0 ? 1 : 0);
        row->set_msgid(e.msgid);
        ++sent_rows;
      }
      v1::ReconcileDetailsReply rep;
      const CallResult r = pool.call_sync(&SettlementAsync::ReconcileDetails, std::move(q), &rep, wire.options());
      if (!r.ok()) {
        add_offender(d5, "3202 at " + code + ": " + failure(r));
        continue;
      }
      for (const v1::ReconcileMismatch& m : rep.mismatches())
        add_offender(d5, fmt::format("{} 3202 result {} ({})", m.setl_id(), m.stmt_rslt(), m.memo()));
    }
  }
  // The journal's own totals per (facility, business day).
  std::map<std::pair<std::string, std::string>, Totals> journal_totals;
  for (const JournalEntry* e : jv.money) {
    auto it = rows.find(e->setl_id);
    const std::string day = it != rows.end() ? day_of(it->second.setl_time()) : day_of(e->setl_time);
    if (day.empty()) continue;  // missing and dateless: D1 names it
    Totals& t = journal_totals[{e->fixmedins_code, day}];
    t.medfee += e->medfee_sumamt;
    t.fund += e->fund_pay_sumamt;
    t.acct += e->acct_pay;
    t.count += is_cancel_txn(e->txn) ? -1 : 1;
  }
  std::set<std::pair<std::string, std::string>> touched;
  for (const auto& [key, t] : journal_totals) touched.insert(key);
  for (const auto& [id, row] : rows)
    if (jv.all_msgids.count(row.msgid())) touched.insert({row_code[id], day_of(row.setl_time())});
  for (const auto& [id, row] : rows) {
    const std::pair<std::string, std::string> key{row_code[id], day_of(row.setl_time())};
    const bool uncertain = jv.uncertain.count(row.msgid()) > 0;
    const bool foreign = !jv.all_msgids.count(row.msgid());
    if (foreign && options.ledger_fresh) add_offender(d5, id + " on the ledger, not in the journal");
    if (!(uncertain || (foreign && !options.ledger_fresh)) || !touched.count(key)) continue;
    Totals& t = journal_totals[key];
    t.medfee += row_sign(row) * row.medfee_sumamt();
    t.fund += row_sign(row) * row.fund_pay_sumamt();
    t.acct += row_sign(row) * row.acct_pay();
    t.count += row_sign(row);
  }
  for (const auto& key : touched) {
    const auto& [code, day] = key;
    bool transport = false;
    if (!wire.sign_in(code, &transport).empty()) continue;
    const Totals& t = journal_totals[key];
    v1::ReconcileTotalsRequest q;
    *q.mutable_header() = wire.header(code, "3201");
    q.set_setl_optins(code);
    q.set_stmt_begndate(day);
    q.set_stmt_enddate(day);
    q.set_medfee_sumamt(t.medfee);
    q.set_fund_pay_sumamt(t.fund);
    q.set_acct_pay(t.acct);
    q.set_fixmedins_setl_cnt(t.count);
    v1::ReconcileTotalsReply rep;
    const CallResult r = pool.call_sync(&SettlementAsync::ReconcileTotals, std::move(q), &rep, wire.options());
    if (!r.ok())
      add_offender(d5, code + " " + day + " 3201: " + failure(r));
    else if (rep.stmt_rslt() != "0")
      add_offender(d5, code + " " + day + ": " + rep.stmt_rslt_dscr());
  }
  d5.detail = d5.pass ? fmt::format("3202 with {} journal rows: no mismatch; 3201 balanced for {} facility-days{}",
                                    sent_rows, touched.size(), options.ledger_fresh ? "; no row outside the journal" : "")
                      : "reconciliation does not balance (facility day, or setl_id with the 3202 result)";
  d5.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - reconcile_started).count();

  // ---- D7 ----
  d7 = checker_detail::check_d7(journal, wire, population, options);
  std::vector<InvariantResult> out{d1, d2, d3, d5, d7};

  // ---- D4 (runs with back-fills): each back-filled settlement is on the ledger as one ----
  // The ledger row of every acknowledged settlement says whether it was back-filled and, if so,
  // the care time it was entered with; a real-time one must not be flagged. (The count of
  // offline visits in each end state is the simulator's, result.json outage.backlog.)
  uint64_t backfilled = 0, realtime = 0;
  for (const JournalEntry* e : jv.money) backfilled += e->backfill_flag == 1 ? 1 : 0;
  if (backfilled > 0) {
    InvariantResult d4;
    d4.id = "D4";
    for (const JournalEntry* e : jv.money) {
      if (!is_settlement_txn(e->txn)) continue;
      auto it = rows.find(e->setl_id);
      if (it == rows.end()) continue;  // absent: D1's
      const v1::ReconcileRow& row = it->second;
      if (e->backfill_flag != 1) {
        ++realtime;
        if (row.backfill_flag() != 0) add_offender(d4, e->setl_id + " " + e->msgid + " real-time but flagged back-filled");
        continue;
      }
      if (row.backfill_flag() != 1)
        add_offender(d4, e->setl_id + " " + e->msgid + " back-filled but its ledger row has backfill_flag " +
                             std::to_string(row.backfill_flag()));
      else if (row.care_time() != e->backfill_care)
        add_offender(d4, e->setl_id + " " + e->msgid + " entered with care time " + e->backfill_care +
                             ", the ledger says " + row.care_time());
    }
    d4.detail = d4.pass ? fmt::format("{} back-filled settlements on the ledger with backfill_flag 1 and their care "
                                      "time; {} real-time ones unflagged",
                                      backfilled, realtime)
                        : "settlements whose back-fill flag or care time differs from the ledger (setl_id msgid)";
    out.insert(out.begin() + 3, d4);
  }

  // ---- D6 (runs with card_settlement windows or refusing suspensions) ----
  // Nothing committed inside a window; no settlement of a suspended subject inside its suspension.
  if (!options.card_windows.empty() || !options.suspensions.empty()) {
    InvariantResult d6;
    d6.id = "D6";
    std::vector<std::pair<CivilTime, CivilTime>> windows;
    for (const auto& [from, to] : options.card_windows) {
      const std::optional<CivilTime> a = parse_civil(from), b = parse_civil(to);
      if (!a || !b) return Status(Code::kInvalidArgument, "", "checker window " + from + " .. " + to + " is not civil time");
      windows.emplace_back(*a, *b);
    }
    struct Span {
      const RefusingSuspension* s;
      CivilTime from;
      std::optional<CivilTime> to;
    };
    std::vector<Span> suspended;
    for (const RefusingSuspension& p : options.suspensions) {
      const std::optional<CivilTime> a = parse_civil(p.start), b = parse_civil(p.end);
      if (!a || (!p.end.empty() && !b))
        return Status(Code::kInvalidArgument, "", "checker suspension " + p.id + " " + p.start + " .. " + p.end +
                                                      " is not civil time");
      suspended.push_back(Span{&p, *a, b});
    }
    // The department of each visit, from the journal (the ledger's rows do not carry it).
    std::map<std::string, std::string> dept_of;
    for (const JournalEntry& e : journal)
      if (!e.mdtrt_id.empty() && !e.dept_code.empty()) dept_of[e.mdtrt_id] = e.dept_code;
    auto covers = [&](const Span& sp, const std::string& id, const v1::ReconcileRow& row) {
      const RefusingSuspension& p = *sp.s;
      if (p.scope == "person") return row.psn_no() == p.psn_no;
      const auto code = row_code.find(id);
      if (code == row_code.end() || code->second != p.fixmedins_code) return false;
      if (p.scope != "department") return true;
      const auto d = dept_of.find(row.mdtrt_id());
      return d == dept_of.end() || d->second == p.dept_code;  // a visit of unknown department counts
    };
    uint64_t settlements = 0;
    for (const auto& [id, row] : rows) {
      const std::optional<CivilTime> at = parse_civil(row.setl_time());
      if (!at) {
        add_offender(d6, id + " " + row.msgid() + " has no commit time (" + row.setl_time() + ")");
        continue;
      }
      for (const auto& [from, to] : windows)
        if (!(*at < from) && *at < to)
          add_offender(d6, id + " " + row.msgid() + " committed at " + row.setl_time() + " inside the window " +
                               format_iso(from) + " .. " + format_iso(to));
      if (row_sign(row) < 0) continue;  // a cancel stays allowed during a suspension
      ++settlements;
      for (const Span& sp : suspended)
        if (!(*at < sp.from) && (!sp.to || *at < *sp.to) && covers(sp, id, row))
          add_offender(d6, id + " " + row.msgid() + " settled at " + row.setl_time() + " inside suspension " +
                               sp.s->id + " (" + sp.s->scope + " " +
                               (sp.s->scope == "person" ? sp.s->psn_no : sp.s->fixmedins_code) +
                               (sp.s->scope == "department" ? " " + sp.s->dept_code : std::string()) + " from " +
                               sp.s->start + ")");
    }
    uint64_t refusals = 0;
    if (!windows.empty())
      for (std::string& o : window_call_offenders(options.window_calls, windows, &refusals)) add_offender(d6, std::move(o));
    if (d6.pass) {
      std::vector<std::string> parts;
      if (!windows.empty())
        parts.push_back(fmt::format("none committed inside the {} card_settlement window(s), which refused {} "
                                    "calls E_SWITCHOVER, each inside a window and of a kind it refuses, and "
                                    "answered no such call",
                                    windows.size(), refusals));
      if (!suspended.empty())
        parts.push_back(fmt::format("none of {} settlements of a subject inside its refusing suspension ({})",
                                    settlements, suspended.size()));
      d6.detail = fmt::format("{} ledger rows: {}", rows.size(), fmt::join(parts, "; "));
    } else {
      d6.detail = "rows committed inside a card_settlement window or a refusing suspension (setl_id msgid time), "
                  "or calls a window refused wrongly or let through (txn msgid time)";
    }
    out.push_back(d6);
  }
  return out;
}

std::vector<std::string> window_call_offenders(const std::vector<WindowCall>& calls,
                                               const std::vector<std::pair<CivilTime, CivilTime>>& windows,
                                               uint64_t* refusals) {
  static const std::set<int> kAnswered = {9001, 1101, 5206, 3201, 3202};
  std::vector<std::string> out;
  uint64_t refused = 0;
  for (const WindowCall& c : calls) {
    const std::pair<CivilTime, CivilTime>* in = nullptr;
    for (const auto& w : windows)
      if (!(c.at < w.first) && c.at < w.second) in = &w;
    const bool answered_kind = kAnswered.count(c.txn) != 0;
    if (c.refused) {
      ++refused;
      if (in == nullptr)
        out.push_back(fmt::format("{} {} refused E_SWITCHOVER at {}, outside every window", c.txn, c.msgid,
                                  format_iso(c.at)));
      else if (answered_kind)
        out.push_back(fmt::format("{} {} refused E_SWITCHOVER at {}, a kind the window answers", c.txn, c.msgid,
                                  format_iso(c.at)));
    } else if (in != nullptr && !answered_kind) {
      out.push_back(fmt::format("{} {} answered at {} inside the window {} .. {}", c.txn, c.msgid, format_iso(c.at),
                                format_iso(in->first), format_iso(in->second)));
    }
  }
  if (refusals != nullptr) *refusals = refused;
  return out;
}

}  // namespace yibao::sim
