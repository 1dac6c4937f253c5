// The journal-only half of the checker (sim/checker.h): D2 and D3 from what the simulator saw.
#include <cstdlib>
#include <map>
#include <set>

#include "sim/checker.h"

namespace yibao::sim {
namespace {

using Outcome = JournalEntry::Outcome;

bool acked(const JournalEntry& e) { return e.outcome == Outcome::kAcked; }

}  // namespace

void fill_journal_split(const settlement::v1::SetlInfo& s, JournalEntry* e) {
  e->setl_id = s.setl_id();
  if (e->mdtrt_id.empty()) e->mdtrt_id = s.mdtrt_id();
  e->medfee_sumamt = s.medfee_sumamt();
  e->fund_pay_sumamt = s.fund_pay_sumamt();
  e->acct_pay = s.acct_pay();
  e->psn_cash_pay = s.psn_cash_pay();
  e->acct_mulaid_pay = s.acct_mulaid_pay();
  e->hosp_part_amt = s.hosp_part_amt();
  e->hifp_pay = s.hifp_pay();
  e->hifob_pay = s.hifob_pay();
  e->hifmi_pay = s.hifmi_pay();
  e->cvlserv_pay = s.cvlserv_pay();
  e->hifes_pay = s.hifes_pay();
  e->maf_pay = s.maf_pay();
  e->oth_pay = s.oth_pay();
  e->insutype = s.insutype();
  e->setl_time = s.setl_time();
  e->care_time = s.care_time();
  e->has_split = true;
}

InvariantResult check_journal_d2(const std::vector<JournalEntry>& journal) {
  InvariantResult r;
  r.id = "D2";
  std::map<std::string, const JournalEntry*> by_msgid;    // acknowledged settlements and cancels
  std::map<std::string, const JournalEntry*> by_setl_id;  // acknowledged settlements
  std::map<std::string, int> live;                       // mdtrt_id -> live settlements
  std::set<std::string> reversed;                        // msgids undone by an acknowledged 2601
  uint64_t checked = 0;
  for (const JournalEntry& e : journal) {
    if (!acked(e)) continue;
    if (is_settlement_txn(e.txn) || is_cancel_txn(e.txn)) {
      auto [it, fresh] = by_msgid.emplace(e.msgid, &e);
      if (!fresh) {
        // The same msgid acknowledged again must be the replay of the same effect.
        if (it->second->setl_id != e.setl_id) add_offender(r, e.msgid);
        continue;
      }
      ++checked;
      if (is_settlement_txn(e.txn)) {
        by_setl_id[e.setl_id] = &e;
        if (++live[e.mdtrt_id] > 1) add_offender(r, e.mdtrt_id);
      } else {
        // A cancel names the cancelled setl_id in omsgid; its visit is the original's.
        auto o = by_setl_id.find(e.omsgid);
        --live[o != by_setl_id.end() ? o->second->mdtrt_id : e.mdtrt_id];
      }
    } else if (e.txn == kReversalTxn) {
      auto o = by_msgid.find(e.omsgid);
      if (o == by_msgid.end() || !reversed.insert(e.omsgid).second) continue;  // unknown original
      const JournalEntry& orig = *o->second;
      if (is_settlement_txn(orig.txn)) {
        --live[orig.mdtrt_id];
      } else {
        auto s = by_setl_id.find(orig.omsgid);
        const std::string& m = s != by_setl_id.end() ? s->second->mdtrt_id : orig.mdtrt_id;
        if (++live[m] > 1) add_offender(r, m);  // the 2601 of a cancel re-applies the original
      }
    }
  }
  r.detail = r.pass ? "journal: " + std::to_string(checked) +
                          " acknowledged settlements and cancels, no visit settled twice, no msgid with two effects"
                    : "journal: a visit with two live settlements, or a msgid with two effects";
  return r;
}

InvariantResult check_journal_d3(const std::vector<JournalEntry>& journal) {
  InvariantResult r;
  r.id = "D3";
  uint64_t checked = 0, without_split = 0;
  std::set<std::string> seen;
  for (const JournalEntry& e : journal) {
    if (!acked(e) || !(is_settlement_txn(e.txn) || is_cancel_txn(e.txn) || is_manual_txn(e.txn))) continue;
    if (!seen.insert(e.msgid).second) continue;
    ++checked;
    const int64_t sign = is_cancel_txn(e.txn) ? -1 : 1;
    bool ok = true;
    for (int64_t v : {e.medfee_sumamt, e.fund_pay_sumamt, e.acct_pay, e.psn_cash_pay}) ok = ok && sign * v >= 0;
    ok = ok && sign * e.fund_pay_sumamt <= sign * e.medfee_sumamt;
    if (e.has_split) {
      for (int64_t v : {e.acct_mulaid_pay, e.hosp_part_amt, e.hifp_pay, e.hifob_pay, e.hifmi_pay, e.cvlserv_pay,
                        e.hifes_pay, e.maf_pay, e.oth_pay})
        ok = ok && sign * v >= 0;
      ok = ok && e.medfee_sumamt ==
                     e.fund_pay_sumamt + e.acct_pay + e.acct_mulaid_pay + e.psn_cash_pay + e.hosp_part_amt;
      ok = ok && e.fund_pay_sumamt == e.hifp_pay + e.hifob_pay + e.hifmi_pay + e.cvlserv_pay + e.hifes_pay +
                                          e.maf_pay + e.oth_pay;
    } else {
      // Without the split only the visible part: the rest (mutual aid, hospital part) is ≥ 0.
      ++without_split;
      ok = ok && sign * (e.medfee_sumamt - e.fund_pay_sumamt - e.acct_pay - e.psn_cash_pay) >= 0;
    }
    if (!ok) add_offender(r, e.setl_id.empty() ? e.msgid : e.setl_id);
  }
  r.detail = "journal: " + std::to_string(checked) + " acknowledged settlements and cancels" +
             (without_split ? " (" + std::to_string(without_split) + " without the fund split)" : std::string()) +
             (r.pass ? ", medfee = fund + account + mutual aid + cash + hospital part, fund = its layers"
                     : ": amounts that do not add up to the fen");
  return r;
}

std::vector<InvariantResult> check_modelled(const std::vector<JournalEntry>& journal) {
  return {check_journal_d2(journal), check_journal_d3(journal)};
}

}  // namespace yibao::sim
