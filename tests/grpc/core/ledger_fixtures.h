// Builders and dumps for the ledger tests (ledger_test.cc, ledger_sqlite_test.cc).
//
// Builders fill EVERY field with a distinct, non-default value derived from a seed, so a column
// bound or read in the wrong order, or a field not stored at all, changes the dump. A dump lists
// every field of a record; comparing dumps compares records and prints a readable difference.
// snapshot() dumps everything a ledger answers about a set of keys (the "observable state" that
// rollbacks must restore exactly).
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "grpc/core/ledger.h"

namespace yibao::core::testing {

inline CivilTime at(int day, int second) { return CivilTime{static_cast<int64_t>(day) * 86400 + second}; }

inline JournalEntry make_journal(const std::string& msgid, int seed) {
  JournalEntry e;
  e.msgid = msgid;
  e.fixmedins_code = fmt::format("H{:011}", seed);
  e.infno = "2207";
  e.payload_hash = std::string("\x00\x01\xff hash", 8) + std::to_string(seed);
  e.code = 9;
  e.reason = "E_STATE";
  e.message = "visit is settled / 已结算";
  e.field = "mdtrt_id";
  e.reply = std::string("\x0a\x00\x12reply", 8) + std::to_string(seed);
  e.at = CivilTime{1588932000 + seed};
  e.effect_setl_id = fmt::format("S{}", seed);
  e.effect_mdtrt_id = fmt::format("M{}", seed);
  e.state = kJournalUndone;
  e.undone_by = fmt::format("R{}", seed);
  return e;
}

inline std::string dump(const JournalEntry& e) {
  return fmt::format("{}|{}|{}|{:?}|{}|{}|{}|{}|{:?}|{}|{}|{}|{}|{}", e.msgid, e.fixmedins_code, e.infno,
                     e.payload_hash, e.code, e.reason, e.message, e.field, e.reply, e.at.s, e.effect_setl_id,
                     e.effect_mdtrt_id, e.state, e.undone_by);
}

inline models::Facility make_facility(const std::string& code) {
  models::Facility f;
  f.code = code;
  f.name = "县人民医院";
  f.type = models::FacilityType::kPrimary;
  f.level = models::Level::kLevel3;
  f.admdvs = "450100";
  f.county = 7;
  f.chain_code = "CH9";
  f.departments = {{"D01", "内科"}, {"D02", "外科"}, {"", ""}};
  f.secret = "s3cret";
  return f;
}

inline std::string dump(const models::Facility& f) {
  std::string deps;
  for (const auto& d : f.departments) deps += fmt::format("[{}:{}]", d.code, d.name);
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}", f.code, f.name, static_cast<int>(f.type),
                     static_cast<int>(f.level), f.admdvs, f.county, f.chain_code, deps, f.secret);
}

inline models::Person make_person(const std::string& psn_no) {
  models::Person p;
  p.psn_no = psn_no;
  p.certno = "450102199001011234";
  p.card_sn = "CARD77";
  p.name = "张三";
  p.sex = 2;
  p.birth = CivilDate{7305};
  p.insutype = models::Insutype::kEmployee;
  p.psn_type = models::PsnType::kEmployeeRetired;
  p.cvlserv = true;
  p.hifes = true;
  p.maf_group = models::MafGroup::kLowIncome;
  p.insuplc_admdvs = "450103";
  p.enrolment = models::Enrolment::kLapsed;
  p.paid_through = CivilDate{18600};
  p.balc = Fen(123456);
  p.mulaid_psn_no = "P-REL";
  return p;
}

inline std::string dump(const models::Person& p) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", p.psn_no, p.certno, p.card_sn, p.name, p.sex,
                     p.birth.days, static_cast<int>(p.insutype), static_cast<int>(p.psn_type), p.cvlserv, p.hifes,
                     static_cast<int>(p.maf_group), p.insuplc_admdvs, static_cast<int>(p.enrolment),
                     p.paid_through.days, p.balc.v, p.mulaid_psn_no);
}

inline models::Accumulators make_acc(int seed) {
  models::Accumulators a;
  int64_t v = seed * 100;
  for (Fen* f : {&a.otp_dedc_used, &a.otp_pool_paid, &a.chronic_pool_paid, &a.pool_paid_total, &a.large_paid,
                 &a.si_base, &a.si_paid, &a.cvlserv_paid, &a.hifes_paid, &a.maf_paid, &a.ipt_dedc_paid})
    f->v = ++v;
  a.admissions = seed + 1;
  return a;
}

inline std::string dump(const models::Accumulators& a) {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", a.otp_dedc_used.v, a.otp_pool_paid.v,
                     a.chronic_pool_paid.v, a.pool_paid_total.v, a.large_paid.v, a.si_base.v, a.si_paid.v,
                     a.cvlserv_paid.v, a.hifes_paid.v, a.maf_paid.v, a.ipt_dedc_paid.v, a.admissions);
}

inline models::Filing make_filing(const std::string& id, const std::string& psn_no) {
  models::Filing f;
  f.id = id;
  f.psn_no = psn_no;
  f.type = models::FilingType::kReferral;
  f.dise_codg = "I10.x00";
  f.begin = CivilDate{18000};
  f.filing_case = models::FilingCase::kEmergency;
  f.mdtrtarea_admvs = "440100";
  return f;  // end stays INT32_MAX: "open" must survive the round trip
}

inline std::string dump(const models::Filing& f) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", f.id, f.psn_no, static_cast<int>(f.type), f.dise_codg, f.begin.days,
                     f.end.days, static_cast<int>(f.filing_case), f.mdtrtarea_admvs);
}

inline std::string dump(const SignIn& s) {
  return fmt::format("{}|{}|{}|{}|{}", s.fixmedins_code, s.opter, s.sign_no, s.at.s, s.signed_out);
}

inline Visit make_visit(const std::string& id, const std::string& code, const std::string& psn, VisitKind kind,
                        VisitState state, const std::string& key) {
  Visit v;
  v.mdtrt_id = id;
  v.fixmedins_code = code;
  v.psn_no = psn;
  v.insutype = models::Insutype::kEmployee;
  v.kind = kind;
  v.state = state;
  if (kind == VisitKind::kPharmacy) v.rxno = key;
  else v.ipt_otp_no = key;
  v.med_type = "21";
  v.dept_code = "D01";
  v.dscg_dept_code = "D02";
  v.begntime = at(18000, 3600);
  v.endtime = at(18003, 7200);
  v.diagnoses = "I10;E11";
  v.dscg_diagnoses = "I10";
  v.trum_flag = 1;
  v.rel_ttp_flag = 2;
  v.backfill_flag = 3;
  v.live_setl_id = "S-live";
  v.created_msgid = "MSG-" + id;
  v.version = 42;
  return v;
}

inline std::string dump(const Visit& v) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", v.mdtrt_id, v.fixmedins_code,
                     v.psn_no, static_cast<int>(v.insutype), static_cast<int>(v.kind), static_cast<int>(v.state),
                     v.ipt_otp_no, v.med_type, v.dept_code, v.dscg_dept_code, v.begntime.s,
                     v.endtime ? std::to_string(v.endtime->s) : "none", v.diagnoses, v.dscg_diagnoses, v.trum_flag,
                     v.rel_ttp_flag, v.backfill_flag, v.live_setl_id, v.created_msgid, v.version, v.rxno);
}

inline FeeLineRecord make_line(const std::string& mdtrt_id, const std::string& sn, int64_t amount) {
  FeeLineRecord l;
  l.mdtrt_id = mdtrt_id;
  l.feedetl_sn = sn;
  l.chrg_bchno = "B1";
  l.med_list_codg = "XA01";
  l.medins_list_codg = "H-XA01";
  l.amount = Fen(amount);
  l.cnt = 20000;
  l.pric = 1230000;
  l.rxno = "RX9";
  l.rx_circ_flag = 1;
  l.hosp_appr_flag = 2;
  l.selfpay_consent_flag = 3;
  l.prd_days = 4;
  l.dscg_drug_flag = 5;
  l.bilg_dept_codg = "D03";
  l.fee_ocur_time = at(18001, 100);
  l.payload_hash = std::string("\x00hash", 5) + sn;
  return l;
}

inline std::string dump(const FeeLineRecord& l) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{:?}", l.mdtrt_id, l.feedetl_sn, l.chrg_bchno,
                     l.med_list_codg, l.medins_list_codg, l.amount.v, l.cnt, l.pric, l.rxno, l.rx_circ_flag,
                     l.hosp_appr_flag, l.selfpay_consent_flag, l.prd_days, l.dscg_drug_flag, l.bilg_dept_codg,
                     l.fee_ocur_time ? std::to_string(l.fee_ocur_time->s) : "none", l.setl_id, l.payload_hash);
}

// A settlement with every amount distinct; `sign` -1 makes it a cancellation (negated amounts).
inline SettlementRecord make_settlement(const std::string& id, const std::string& code, const std::string& psn,
                                        int day, int second, int sign = 1) {
  SettlementRecord s;
  s.setl_id = id;
  s.mdtrt_id = "M-" + id;
  s.fixmedins_code = code;
  s.psn_no = psn;
  s.insutype = models::Insutype::kEmployee;
  s.psn_type = "1101";
  s.med_type = "11";
  s.clr_type = "11";
  s.msgid = "MSG-" + id;
  s.infno = sign > 0 ? "2207" : "2208";
  s.setl_time = at(day, second);
  s.business_day = CivilDate{day};
  s.care_time = at(day - 1, 600);
  s.care_year = 2020;
  s.backfill_flag = 1;
  s.refd_setl_flag = sign > 0 ? 0 : 1;
  s.orig_setl_id = sign > 0 ? "" : "ORIG";
  s.state = kSetlCancelled;
  s.undone_by = "U1";
  int64_t v = 1000;
  for (Fen* f : {&s.medfee_sumamt, &s.fulamt_ownpay_amt, &s.overlmt_selfpay, &s.preselfpay_amt, &s.inscp_scp_amt,
                 &s.act_pay_dedc, &s.hifp_pay, &s.hifob_pay, &s.hifmi_pay, &s.cvlserv_pay, &s.hifes_pay, &s.maf_pay,
                 &s.oth_pay, &s.fund_pay_sumamt, &s.psn_part_amt, &s.acct_pay, &s.acct_mulaid_pay,
                 &s.psn_cash_pay, &s.hosp_part_amt})
    f->v = sign * (v += 7);
  s.pool_prop = 8500;
  s.balc_after = Fen(9999);
  s.mulaid_psn_no = "P-REL";
  s.acc_delta = make_acc(3);
  s.policy_version = "fixture-2020";
  s.details = {{"POOL", Fen(500), Fen(-1), Fen(425), "统筹 85%"}, {"SI", Fen(75), Fen(100000), Fen(-3), ""},
               {"MAF", Fen(0), Fen(0), Fen(0), "assist"}};
  s.reply = std::string("\x0a\x00reply-", 8) + id;
  return s;
}

inline std::string dump(const SettlementRecord& s) {
  std::string out = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", s.setl_id, s.mdtrt_id,
                                s.fixmedins_code, s.psn_no, static_cast<int>(s.insutype), s.psn_type, s.med_type,
                                s.clr_type, s.msgid, s.infno, s.setl_time.s, s.business_day.days, s.care_time.s,
                                s.care_year, s.backfill_flag, s.refd_setl_flag, s.orig_setl_id, s.state, s.undone_by);
  for (const Fen* f : {&s.medfee_sumamt, &s.fulamt_ownpay_amt, &s.overlmt_selfpay, &s.preselfpay_amt,
                       &s.inscp_scp_amt, &s.act_pay_dedc, &s.hifp_pay, &s.hifob_pay, &s.hifmi_pay, &s.cvlserv_pay,
                       &s.hifes_pay, &s.maf_pay, &s.oth_pay, &s.fund_pay_sumamt, &s.psn_part_amt, &s.acct_pay,
                       &s.acct_mulaid_pay, &s.psn_cash_pay, &s.hosp_part_amt})
    out += fmt::format("|{}", f->v);
  out += fmt::format("|{}|{}|{}|{}|{}", s.pool_prop, s.balc_after.v, s.mulaid_psn_no, dump(s.acc_delta),
                     s.policy_version);
  for (const auto& d : s.details)
    out += fmt::format("|[{}:{}:{}:{}:{}]", d.fund, d.inscp.v, d.room_before.v, d.paid.v, d.proc_info);
  return out + fmt::format("|{:?}", s.reply);
}

inline std::string dump(const FundTotals& f) {
  return fmt::format("{}:{}/{}/{}/{}", f.fund, f.opening.v, f.premiums.v, f.payouts.v, f.reversals.v);
}

inline std::string dump(const Ledger::Document& d) { return fmt::format("{}|{}|{}|{}", d.kind, d.name, d.text, d.seq); }

inline std::string dump(const Ledger::AccKey& k) {
  return fmt::format("{}/{}/{}:{}", k.psn_no, static_cast<int>(k.insutype), k.year, dump(k.acc));
}

inline std::string dump(const ReconTotals& t) {
  return fmt::format("{}/{}/{}#{}", t.medfee_sumamt.v, t.fund_pay_sumamt.v, t.acct_pay.v, t.count);
}

// Declared after every record's dump: they are found by ordinary lookup, not by ADL.
template <typename T>
std::string dump(const std::optional<T>& v) {
  return v ? dump(*v) : std::string("none");
}

template <typename T>
std::string dump(const std::vector<T>& v) {
  std::string out;
  for (const auto& x : v) out += dump(x) + "\n";
  return out;
}

// Everything the ledger answers about the keys the transaction tests use (F1, P1, V1, ...).
inline std::string snapshot(Ledger& l) {
  std::string out;
  out += "meta " + l.get_meta("k").value_or("none") + "\n";
  out += "journal " + dump(l.find_journal("J1")) + " " + dump(l.find_journal("J2")) + "\n";
  out += "facility " + dump(l.get_facility("F1")) + "\n";
  out += "person " + dump(l.get_person("P1")) + "\n";
  out += "balance " + (l.get_balance("P1") ? std::to_string(l.get_balance("P1")->v) : "none") + "\n";
  out += "acc " + dump(l.all_accumulators());
  out += "filings " + dump(l.filings_of("P1"));
  out += "signins " + dump(l.all_signins());
  out += "visit " + dump(l.get_visit("V1")) + "\n";
  out += "key " + dump(l.find_visit_by_key("F1", VisitKind::kInpatient, "IPT1")) + "\n";
  out += "stay " + dump(l.find_open_stay("F1", "P1")) + "\n";
  out += "lines " + dump(l.lines_of("V1"));
  out += "settlements " + dump(l.settlements_of("P1", models::Insutype::kEmployee, 2020));
  out += "funds " + dump(l.funds());
  out += "recon " + dump(l.recon_totals("F1", CivilDate{0}, CivilDate{100000}, "", "")) + "\n";
  out += "documents " + dump(l.documents());
  out += "persons " + std::to_string(l.count_persons()) + " facilities " + std::to_string(l.count_facilities());
  return out;
}

}  // namespace yibao::core::testing
