// The end-of-run checker (DESIGN.md §5, DOMAIN.md §7.4): compares what the simulator journaled
// (Metrics::journal_entries) with the ledger, into the `invariants` of result.json.
//
// Live mode — check_live() reads the ledger back over the wire, signed in (9001) at every
// facility the journal names with the population's secret:
//   D1 every acknowledged settlement or cancel (2207/2304/2102, 2208/2305/2103) is a row of the
//      core's 3202 detail for its facility, or was undone by a later acknowledged cancel or 2601;
//      ids: "setl_id msgid".
//   D2 no mdtrt_id has more live settlements than cancellations + 1 among the core's rows (a
//      cancel and a 2601 each write one negative row; a 2601 of a cancel writes one positive),
//      no msgid is on two rows, no refused msgid is on a row, and the journal's own D2
//      (check_journal_d2); ids: mdtrt_id or msgid.
//   D3 the journal's identities (check_journal_d3); each acknowledged amount equals the core's
//      row; every fund of Admin.GetFundBalances closes (I10: opening + premiums − payouts +
//      reversals = closing); on a fresh ledger, Σ (payouts − reversals) of the fund layers equals
//      Σ fund_pay_sumamt of the core's rows (the ACCT fund is not compared: rows do not carry the
//      mutual-aid part).
//   D5 3202 with the journal's rows reports no mismatch; 3201 is balanced for every facility and
//      business day this run touched, sent with the journal's own totals (amounts the journal
//      cannot know — outcomes that stayed unknown and 2601s — taken from the core's rows of those
//      msgids; on a shared ledger other runs' rows of the day too); on a fresh ledger, no core
//      row is missing from the journal. ids: "facility day" or setl_id.
//   D7 on a fresh ledger, 5206 of every person with acknowledged money, per care year (the year
//      of the reply's care_time), equals the population's opening accumulators plus what the
//      replies imply: pool_paid_total + hifp_pay, large_paid
//      + hifob_pay, si_paid + hifmi_pay, cvlserv_paid + cvlserv_pay, maf_paid + maf_pay,
//      admissions ± 1 per 2304/2305 (the deductible fields depend on the benefit, which the
//      reply does not state: the core's own audit, grpc/core/audit.h, checks them). Persons with
//      an outcome that stayed unresolved, or entries without the split, are skipped (counted in
//      the detail). On a shared ledger D7 is reported `checked: false`.
// Modelled mode — check_modelled(): D2 and D3 from the journal alone.
//
// The journal's cancels carry the negative amounts their replies state. Fill an acknowledged
// entry's amounts with fill_journal_split() so D3 and D7 have the whole split.
//
// Thread safety: check_live blocks the calling thread (synchronous calls through the pool);
// do not call it from a gRPC callback. The rest is pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "grpc/client/client_pool.h"
#include "models/population.h"
#include "models/status.h"
#include "sim/faults.h"
#include "sim/metrics.h"
#include "sim/result.h"
#include "yibao/settlement/v1/common.pb.h"

namespace yibao::sim {

// Copies the amounts, setl_id, mdtrt_id (if the entry has none), insutype and setl_time of a
// reply's SetlInfo into `e` and sets has_split.
void fill_journal_split(const settlement::v1::SetlInfo& s, JournalEntry* e);

struct LiveCheckOptions {
  // The operator the checker signs in as at each facility.
  std::string opter = "ybcheck";
  // Business-day period of 3201/3202, "yyyy-MM-dd" each; empty: from the earliest setl_time day
  // of the journal to the later of its latest day and today (China time), at most 366 days.
  std::string from_date, to_date;
  // True when the core's ledger held nothing before this run (yibao-sim started the core on a
  // new ledger): enables the whole-ledger comparisons of D3 and D5, and D7.
  bool ledger_fresh = false;
  // D7's care year for entries whose reply gave no care_time; 0 = the population's year. (An
  // entry filled by fill_journal_split is asked for in the year of its care_time.)
  int32_t care_year = 0;
  // Deadline of each call; UNAVAILABLE is retried a few times.
  std::chrono::milliseconds deadline{10000};
  // Calls in flight at once for 5206.
  int window = 32;
  // card_settlement windows [start, end) as the core lists them ("yyyy-MM-ddTHH:mm:ss"): D6
  // checks that no settlement or cancel read back committed inside one. Empty: no D6.
  std::vector<std::pair<std::string, std::string>> card_windows;
  // Refusing suspensions as the core lists them (sim/faults.h): D6 checks that no settlement read
  // back committed inside one of its subject (facility; department, by the journal's department
  // of the visit; person). Cancels and 2601 stay allowed (DOMAIN.md §6).
  std::vector<RefusingSuspension> suspensions;
  // The answers the windows had to judge (Metrics::window_calls): D6 also checks that each window
  // refused what it had to refuse, with E_SWITCHOVER, and nothing else (window_call_offenders).
  std::vector<WindowCall> window_calls;
};

// D6's second half (DOMAIN.md §7.4, §11.14): of `calls`, the refusals E_SWITCHOVER at a second no
// window covers or of a kind a window answers (9001, 1101, 5206, 3201, 3202), and the calls of a
// kind it refuses answered OK inside one; "txn msgid ..." each. `refusals` gets the number of
// refusals seen.
std::vector<std::string> window_call_offenders(const std::vector<WindowCall>& calls,
                                               const std::vector<std::pair<CivilTime, CivilTime>>& windows,
                                               uint64_t* refusals);

// D1, D2, D3, D5, D7 in that order, with D4 before D5 when the journal holds back-fills
// (JournalEntry::backfill_flag): each back-filled settlement's ledger row has backfill_flag 1
// and the care time it was entered with, and no real-time one is flagged; and D6 last when
// card_windows are given: no row of the facilities read committed (setl_time) inside a window. Fails (UNAVAILABLE / INVALID_ARGUMENT) only when the check
// cannot run at all: the core does not answer, or the period is invalid. A refused sign-in or
// read makes the invariants that needed it fail, naming the facility.
Result<std::vector<InvariantResult>> check_live(const std::vector<JournalEntry>& journal, client::ClientPool& pool,
                                                const models::Population& population,
                                                const LiveCheckOptions& options = {});

// D2 and D3 of the journal alone (modelled runs; also part of check_live).
std::vector<InvariantResult> check_modelled(const std::vector<JournalEntry>& journal);
// D2 over the journal: an mdtrt_id with two acknowledged live settlements (cancels and 2601s in
// between taken into account), a msgid acknowledged with two different setl_ids.
InvariantResult check_journal_d2(const std::vector<JournalEntry>& journal);
// D3 over the journal: per acknowledged settlement or cancel, I4+I5 medfee = fund + acct +
// acct_mulaid + cash + hosp_part, I3 fund = Σ layers (entries with the split), signs (a
// settlement's amounts ≥ 0, a cancel's ≤ 0) and fund ≤ medfee.
InvariantResult check_journal_d3(const std::vector<JournalEntry>& journal);

}  // namespace yibao::sim
