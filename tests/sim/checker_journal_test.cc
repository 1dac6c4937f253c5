// Tests of the journal half of sim/checker.h (modelled runs): D2 — a visit settled twice, a
// msgid with two effects, cancels and 2601s in between; D3 — the identities of each
// acknowledged settlement and cancel, with and without the full split.
#include <gtest/gtest.h>

#include "sim/checker.h"
#include "sim/time_text.h"

namespace yibao::sim {
namespace {

using Outcome = JournalEntry::Outcome;

JournalEntry settle(const std::string& msgid, const std::string& setl_id, const std::string& mdtrt_id) {
  settlement::v1::SetlInfo s;
  s.set_setl_id(setl_id);
  s.set_mdtrt_id(mdtrt_id);
  s.set_medfee_sumamt(10000);
  s.set_hifp_pay(5000);
  s.set_maf_pay(500);
  s.set_fund_pay_sumamt(5500);
  s.set_acct_pay(1000);
  s.set_acct_mulaid_pay(200);
  s.set_psn_cash_pay(3300);
  s.set_setl_time("2026-12-02 10:00:00");
  JournalEntry e;
  e.txn = 2207;
  e.msgid = msgid;
  e.fixmedins_code = "H45010100001";
  e.psn_no = "P1";
  fill_journal_split(s, &e);
  return e;
}

JournalEntry cancel_of(const JournalEntry& o, const std::string& msgid, const std::string& setl_id) {
  JournalEntry c = o;
  c.txn = 2208;
  c.msgid = msgid;
  c.setl_id = setl_id;
  c.omsgid = o.setl_id;
  for (int64_t* v : {&c.medfee_sumamt, &c.fund_pay_sumamt, &c.acct_pay, &c.psn_cash_pay, &c.acct_mulaid_pay,
                     &c.hosp_part_amt, &c.hifp_pay, &c.hifob_pay, &c.hifmi_pay, &c.cvlserv_pay, &c.hifes_pay,
                     &c.maf_pay, &c.oth_pay})
    *v = -*v;
  return c;
}

JournalEntry reversal_of(const std::string& omsgid, const std::string& msgid) {
  JournalEntry r;
  r.txn = 2601;
  r.msgid = msgid;
  r.omsgid = omsgid;
  return r;
}

TEST(CheckerJournal, FillTakesTheWholeSplit) {
  const JournalEntry e = settle("A", "S1", "M1");
  EXPECT_TRUE(e.has_split);
  EXPECT_EQ(e.setl_id, "S1");
  EXPECT_EQ(e.mdtrt_id, "M1");
  EXPECT_EQ(e.acct_mulaid_pay, 200);
  EXPECT_EQ(e.maf_pay, 500);
  EXPECT_EQ(e.setl_time, "2026-12-02 10:00:00");
}

TEST(CheckerJournal, CleanJournalPasses) {
  const JournalEntry a = settle("A", "S1", "M1");
  const JournalEntry c = cancel_of(a, "C", "S2");
  const JournalEntry again = settle("A2", "S3", "M1");  // re-settled after the cancel
  JournalEntry u = settle("U", "", "M2");
  u.outcome = Outcome::kUnknown;
  const std::vector<JournalEntry> j = {a, c, again, u, reversal_of("U", "R"), settle("B", "S4", "M2")};
  const auto r = check_modelled(j);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, "D2");
  EXPECT_TRUE(r[0].pass) << r[0].detail;
  EXPECT_EQ(r[1].id, "D3");
  EXPECT_TRUE(r[1].pass) << r[1].detail;
}

TEST(CheckerJournal, D2NamesAVisitSettledTwice) {
  const std::vector<JournalEntry> j = {settle("A", "S1", "M1"), settle("B", "S2", "M1")};
  const InvariantResult r = check_journal_d2(j);
  EXPECT_FALSE(r.pass);
  ASSERT_EQ(r.ids.size(), 1u);
  EXPECT_EQ(r.ids[0], "M1");
}

TEST(CheckerJournal, D2NamesAMsgidWithTwoEffects) {
  const std::vector<JournalEntry> j = {settle("A", "S1", "M1"), settle("A", "S1", "M1"), settle("A", "S9", "M1")};
  const InvariantResult r = check_journal_d2(j);
  EXPECT_FALSE(r.pass);
  ASSERT_EQ(r.ids.size(), 1u);  // the replay with the same setl_id is fine
  EXPECT_EQ(r.ids[0], "A");
}

TEST(CheckerJournal, D2ReversalOfACancelReappliesTheOriginal) {
  const JournalEntry a = settle("A", "S1", "M1");
  const JournalEntry c = cancel_of(a, "C", "S2");
  // 2601 of the cancel: S1 is live again; settling M1 anew is then a second live settlement.
  const std::vector<JournalEntry> j = {a, c, reversal_of("C", "R"), settle("B", "S3", "M1")};
  const InvariantResult r = check_journal_d2(j);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.ids.at(0), "M1");
}

TEST(CheckerJournal, D3NamesASettlementThatDoesNotAddUp) {
  JournalEntry bad = settle("A", "S1", "M1");
  bad.psn_cash_pay += 1;  // one fen too many
  JournalEntry layers = settle("B", "S2", "M2");
  layers.hifp_pay -= 1;  // fund ≠ Σ layers
  JournalEntry wrong_sign = cancel_of(settle("C", "S3", "M3"), "D", "S4");
  wrong_sign.medfee_sumamt = -wrong_sign.medfee_sumamt;
  const InvariantResult r = check_journal_d3({bad, layers, settle("E", "S5", "M5"), wrong_sign});
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.ids, (std::vector<std::string>{"S1", "S2", "S4"}));
}

TEST(CheckerJournal, D3WithoutTheSplitChecksWhatItCan) {
  JournalEntry e;
  e.txn = 2102;
  e.msgid = "P";
  e.setl_id = "S1";
  e.medfee_sumamt = 1000;
  e.fund_pay_sumamt = 600;
  e.acct_pay = 100;
  e.psn_cash_pay = 250;  // 50 fen of mutual aid or hospital part, invisible here: fine
  EXPECT_TRUE(check_journal_d3({e}).pass);
  e.psn_cash_pay = 400;  // more than the total
  EXPECT_FALSE(check_journal_d3({e}).pass);
}

TEST(CheckerJournal, RefusedAndUnknownEntriesAreNotMoney) {
  JournalEntry refused = settle("A", "", "M1");
  refused.outcome = Outcome::kRefused;
  refused.medfee_sumamt = 5;  // nonsense, but nothing was stored
  const auto r = check_modelled({refused, settle("B", "S1", "M1")});
  EXPECT_TRUE(r[0].pass);
  EXPECT_TRUE(r[1].pass);
}

// D6's second half: each window refused what it had to refuse, with E_SWITCHOVER, and nothing else.
TEST(CheckerWindows, EachWindowRefusedWhatItMustAndNothingElse) {
  auto t = [](const char* text) { return *parse_civil(text); };
  const std::vector<std::pair<CivilTime, CivilTime>> windows = {{t("2024-03-04T08:20:00"), t("2024-03-04T08:50:00")}};
  uint64_t refusals = 0;
  // Refusals inside the window of kinds it refuses; 1101 answered inside (counted, not kept, in a
  // run, but harmless here); a 2207 answered after the window's end.
  std::vector<WindowCall> good = {{t("2024-03-04T08:20:00"), 2207, "m1", true},
                                  {t("2024-03-04T08:49:59"), 2201, "m2", true},
                                  {t("2024-03-04T08:30:00"), 1101, "m3", false},
                                  {t("2024-03-04T08:50:00"), 2207, "m4", false}};
  EXPECT_TRUE(window_call_offenders(good, windows, &refusals).empty());
  EXPECT_EQ(refusals, 2u);

  const std::vector<WindowCall> bad = {{t("2024-03-04T08:19:59"), 2207, "early", true},
                                       {t("2024-03-04T08:30:00"), 9001, "signin", true},
                                       {t("2024-03-04T08:30:00"), 2204, "through", false}};
  const std::vector<std::string> o = window_call_offenders(bad, windows, &refusals);
  ASSERT_EQ(o.size(), 3u);
  EXPECT_NE(o[0].find("2207 early refused E_SWITCHOVER at 2024-03-04T08:19:59, outside every window"), std::string::npos) << o[0];
  EXPECT_NE(o[1].find("9001 signin refused E_SWITCHOVER"), std::string::npos) << o[1];
  EXPECT_NE(o[1].find("a kind the window answers"), std::string::npos) << o[1];
  EXPECT_NE(o[2].find("2204 through answered at 2024-03-04T08:30:00 inside the window"), std::string::npos) << o[2];
  EXPECT_EQ(refusals, 2u);
}

}  // namespace
}  // namespace yibao::sim
