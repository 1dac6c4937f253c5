#include "sim/actors/requests.h"

#include "yibao/settlement/v1/settlement.pb.h"
#include "sim/checker.h"
#include "sim/time_text.h"

namespace yibao::sim {
namespace {

namespace v1 = settlement::v1;
using google::protobuf::Message;

void add_diagnosis(google::protobuf::RepeatedPtrField<v1::Diagnosis>* out, const char* code, const char* name) {
  auto* d = out->Add();
  d->set_diag_type(1);
  d->set_diag_code(code);
  d->set_diag_name(name);
  d->set_maindiag_flag(1);
}

const char* med_type_of(const VisitState& v) {
  switch (v.kind) {
    case models::VisitKind::kChronicRefill: return "14";
    case models::VisitKind::kPharmacy: return "41";
    case models::VisitKind::kInpatient: return "21";
    case models::VisitKind::kOutpatient: break;
  }
  return "11";
}

// Adds the next fee plan's lines to `out`; returns Σ of their amounts (fen).
int64_t add_plan(VisitState& v, google::protobuf::RepeatedPtrField<v1::FeeLine>* out, const std::string& rxno,
                 CivilTime now) {
  if (v.next_plan >= v.plans.size()) return 0;
  const models::FeePlanModel& plan = v.plans[v.next_plan++];
  int64_t total = 0;
  for (const auto& l : plan.lines) {
    *out->Add() = to_fee_line(l, ++v.line_sn, rxno, now);
    total += l.amount().v;
  }
  return total;
}

template <class Req>
void fill_sale(Req& q, VisitState& v, const std::string& rxno, CivilTime now) {
  q.set_psn_no(v.person.psn_no);
  q.set_mdtrt_cert_type("02");
  q.set_mdtrt_cert_no(v.person.certno);
  q.set_med_type("41");
  q.set_acct_used_flag(1);
  q.set_insutype(v.insutype);
  if (v.backfill) {  // a sale made offline during a window: its true time (DOMAIN.md §7.3)
    q.set_backfill_flag(1);
    q.set_begntime(envelope_text(now));
  }
  const bool rx = v.next_plan < v.plans.size() && v.plans[v.next_plan].prescription;
  if (rx) {
    q.set_rxno(rxno);
    q.set_rx_circ_flag(1);
  }
  q.set_medfee_sumamt(add_plan(v, q.mutable_feedetail(), rxno, now));
}

// A settle request's invoice number and the split its pre-settlement declared.
template <class Req>
void declare_split(Req& q, const VisitState& v, const std::string& msgid) {
  q.set_invono("INV" + msgid.substr(12));
  q.set_fund_pay_sumamt(v.fund);
  q.set_acct_pay(v.acct);
  q.set_psn_cash_pay(v.cash);
}

}  // namespace

v1::RequestHeader make_header(const Caller& c, Rpc rpc, const std::string& msgid, CivilTime now,
                              const std::string& insuplc_admdvs) {
  v1::RequestHeader h;
  h.set_infno(std::to_string(txn_code(rpc)));
  h.set_msgid(msgid);
  h.set_fixmedins_code(c.fixmedins_code);
  h.set_opter(c.opter);
  h.set_opter_type(1);
  h.set_sign_no(c.sign_no);
  h.set_inf_time(envelope_text(now));
  h.set_infver("V1.0");
  h.set_mdtrtarea_admvs(c.admdvs);
  if (!insuplc_admdvs.empty()) h.set_insuplc_admdvs(insuplc_admdvs);
  return h;
}

v1::FeeLine to_fee_line(const models::PlannedLine& l, int sn, const std::string& rxno, CivilTime now) {
  v1::FeeLine f;
  f.set_feedetl_sn(std::to_string(sn));
  f.set_med_list_codg(l.item->code);
  f.set_pric(l.price.v * 10000);  // millionths of a yuan
  f.set_cnt(l.units * 10000);     // ten-thousandths
  f.set_det_item_fee_sumamt(l.price.v * l.units);
  f.set_prd_days(l.days);
  f.set_fee_ocur_time(envelope_text(now));
  if (l.rx && !rxno.empty()) f.set_rxno(rxno);
  if (l.discharge) f.set_dscg_drug_flag(1);
  return f;
}

v1::ManualReimburseRequest build_manual_claim(const VisitState& v, const Caller& c, const std::string& claim_no,
                                             CivilTime care) {
  v1::ManualReimburseRequest q;
  q.set_claim_no(claim_no);
  q.set_psn_no(v.person.psn_no);
  q.set_insutype(v.insutype);
  q.set_fixmedins_code(c.fixmedins_code);
  q.set_ipt_otp_no(claim_no);
  q.set_med_type(med_type_of(v));
  q.set_begntime(envelope_text(care));
  if (v.kind != models::VisitKind::kPharmacy) q.set_dept_code(c.dept_code);
  if (v.kind == models::VisitKind::kChronicRefill)
    add_diagnosis(q.mutable_diseinfo(), "I11", "hypertensive heart disease");
  else if (v.kind != models::VisitKind::kPharmacy)
    add_diagnosis(q.mutable_diseinfo(), "J06.9", "acute upper respiratory infection");
  int sn = 0;
  int64_t total = 0;
  for (const models::FeePlanModel& plan : v.plans)
    for (const models::PlannedLine& l : plan.lines) {
      *q.add_feedetail() = to_fee_line(l, ++sn, v.rxno, care);
      total += l.amount().v;
    }
  q.set_medfee_sumamt(total);
  q.set_note("claimed at the agency after an offline visit");
  return q;
}

std::unique_ptr<Message> build_sign_in(const Caller& c, const std::string& msgid, CivilTime now) {
  auto q = std::make_unique<v1::SignInRequest>();
  *q->mutable_header() = make_header(c, Rpc::kSignIn, msgid, now, {});
  q->set_opter_no(c.opter);
  q->set_mac("00:16:3e:00:00:01");
  q->set_ip("10.0.0.1");
  q->set_sign_secret(c.secret);
  return q;
}

std::unique_ptr<Message> build_request(Rpc rpc, VisitState& v, const Caller& c, const std::string& msgid,
                                       CivilTime now) {
  const std::string& insuplc = v.person.insuplc_admdvs;
  const std::string& rxno = v.rxno;
  // When the care took place: now, or a back-fill's true care time (begntime, fee times).
  const CivilTime care = v.backfill ? v.care : now;
  auto header = [&] { return make_header(c, rpc, msgid, now, rpc == Rpc::kGetPerson ? std::string() : insuplc); };
  switch (rpc) {
    case Rpc::kGetPerson: {
      auto q = std::make_unique<v1::GetPersonRequest>();
      *q->mutable_header() = header();
      if (v.bad_card) {  // a storm's bad card: its serial reads wrong (DOMAIN.md §7.2 "card-read error")
        q->set_mdtrt_cert_type("03");
        q->set_card_sn("X" + v.person.card_sn.substr(std::min<size_t>(1, v.person.card_sn.size())));
      } else {
        q->set_mdtrt_cert_type("02");
      }
      q->set_mdtrt_cert_no(v.person.certno);
      return q;
    }
    case Rpc::kRegister: {
      auto q = std::make_unique<v1::RegisterRequest>();
      *q->mutable_header() = header();
      q->set_psn_no(v.person.psn_no);
      q->set_insutype(v.insutype);
      q->set_begntime(envelope_text(care));
      if (v.backfill) q->set_backfill_flag(1);
      q->set_mdtrt_cert_type("02");
      q->set_mdtrt_cert_no(v.person.certno);
      q->set_ipt_otp_no("OTP" + msgid);
      q->set_dept_code(c.dept_code);
      return q;
    }
    case Rpc::kVisitInfo: {
      auto q = std::make_unique<v1::VisitInfoRequest>();
      *q->mutable_header() = header();
      q->set_mdtrt_id(v.mdtrt_id);
      q->set_psn_no(v.person.psn_no);
      q->set_med_type(med_type_of(v));
      if (v.kind == models::VisitKind::kChronicRefill)
        add_diagnosis(q->mutable_diseinfo(), "I11", "hypertensive heart disease");
      else
        add_diagnosis(q->mutable_diseinfo(), "J06.9", "acute upper respiratory infection");
      return q;
    }
    case Rpc::kUploadFees: {
      auto q = std::make_unique<v1::UploadFeesRequest>();
      *q->mutable_header() = header();
      q->set_mdtrt_id(v.mdtrt_id);
      q->set_psn_no(v.person.psn_no);
      q->set_chrg_bchno(std::to_string(v.next_plan + 1));
      add_plan(v, q->mutable_feedetail(), rxno, care);
      return q;
    }
    case Rpc::kUploadInpatientFees: {
      auto q = std::make_unique<v1::UploadInpatientFeesRequest>();
      *q->mutable_header() = header();
      q->set_mdtrt_id(v.mdtrt_id);
      q->set_psn_no(v.person.psn_no);
      q->set_chrg_bchno(std::to_string(v.next_plan + 1));
      add_plan(v, q->mutable_feedetail(), rxno, now);
      return q;
    }
    case Rpc::kPreSettle:
    case Rpc::kSettle: {
      auto fill = [&](auto& q) {
        *q.mutable_header() = header();
        q.set_psn_no(v.person.psn_no);
        q.set_mdtrt_cert_type("02");
        q.set_mdtrt_cert_no(v.person.certno);
        q.set_med_type(med_type_of(v));
        q.set_medfee_sumamt(v.medfee);
        q.set_psn_setlway("01");
        q.set_mdtrt_id(v.mdtrt_id);
        q.set_insutype(v.insutype);
        q.set_acct_used_flag(1);
      };
      if (rpc == Rpc::kPreSettle) {
        auto q = std::make_unique<v1::PreSettleRequest>();
        fill(*q);
        return q;
      }
      auto q = std::make_unique<v1::SettleRequest>();
      fill(*q);
      declare_split(*q, v, msgid);
      return q;
    }
    case Rpc::kAdmit: {
      auto q = std::make_unique<v1::AdmitRequest>();
      *q->mutable_header() = header();
      q->set_psn_no(v.person.psn_no);
      q->set_insutype(v.insutype);
      q->set_mdtrt_cert_type("02");
      q->set_mdtrt_cert_no(v.person.certno);
      q->set_med_type("21");
      q->set_ipt_no("IPT" + msgid);
      // A warm ward's stay, or a stay whose insurance admission is back-filled after a window: its
      // true admission time.
      q->set_begntime(envelope_text(v.in_house || v.admission_backfill ? v.admitted : now));
      if (v.admission_backfill) q->set_backfill_flag(1);
      q->set_adm_dept_codg(c.dept_code);
      add_diagnosis(q->mutable_diseinfo(), "J18.9", "pneumonia");
      return q;
    }
    case Rpc::kDischarge: {
      auto q = std::make_unique<v1::DischargeRequest>();
      *q->mutable_header() = header();
      q->set_mdtrt_id(v.mdtrt_id);
      q->set_psn_no(v.person.psn_no);
      if (!v.discharge_held) v.discharged = now;  // discharged inside a window: its true time, kept
      q->set_endtime(envelope_text(v.discharged));
      q->set_dscg_dept_codg(c.dept_code);
      q->set_dscg_way("1");
      add_diagnosis(q->mutable_diseinfo(), "J18.9", "pneumonia");
      return q;
    }
    case Rpc::kInpatientPreSettle:
    case Rpc::kInpatientSettle: {
      auto fill = [&](auto& q) {
        *q.mutable_header() = header();
        q.set_mdtrt_id(v.mdtrt_id);
        q.set_psn_no(v.person.psn_no);
        q.set_medfee_sumamt(v.medfee);
        q.set_acct_used_flag(1);
        q.set_insutype(v.insutype);
        q.set_mdtrt_cert_type("02");
        q.set_mdtrt_cert_no(v.person.certno);
      };
      if (rpc == Rpc::kInpatientPreSettle) {
        auto q = std::make_unique<v1::InpatientPreSettleRequest>();
        fill(*q);
        return q;
      }
      auto q = std::make_unique<v1::InpatientSettleRequest>();
      fill(*q);
      declare_split(*q, v, msgid);
      return q;
    }
    case Rpc::kPharmacyPreSettle: {
      auto q = std::make_unique<v1::PharmacyPreSettleRequest>();
      *q->mutable_header() = header();
      fill_sale(*q, v, rxno, care);
      v.next_plan--;  // the sale itself sends the same lines again
      v.line_sn = 0;
      return q;
    }
    case Rpc::kPharmacySettle: {
      auto q = std::make_unique<v1::PharmacySettleRequest>();
      *q->mutable_header() = header();
      fill_sale(*q, v, rxno, care);
      declare_split(*q, v, msgid);
      return q;
    }
    case Rpc::kReverse: {
      auto q = std::make_unique<v1::ReverseRequest>();
      *q->mutable_header() = header();
      q->set_psn_no(v.person.psn_no);
      q->set_omsgid(v.settle_msgid);
      q->set_oinfno(std::to_string(txn_code(v.settle_rpc)));
      return q;
    }
    case Rpc::kCancelRegistration: {
      auto q = std::make_unique<v1::CancelRegistrationRequest>();
      *q->mutable_header() = header();
      q->set_psn_no(v.person.psn_no);
      q->set_mdtrt_id(v.mdtrt_id);
      return q;
    }
    case Rpc::kCancelAdmission: {
      auto q = std::make_unique<v1::CancelAdmissionRequest>();
      *q->mutable_header() = header();
      q->set_psn_no(v.person.psn_no);
      q->set_mdtrt_id(v.mdtrt_id);
      return q;
    }
    case Rpc::kSignIn:
    case Rpc::kCancelSettlement:
    case Rpc::kCount: break;
  }
  return nullptr;
}

namespace {

void take_split(VisitState& v, const v1::SetlInfo& s) {
  v.medfee = s.medfee_sumamt();
  v.fund = s.fund_pay_sumamt();
  v.acct = s.acct_pay();
  v.cash = s.psn_cash_pay();
}

}  // namespace

void absorb_reply(VisitState& v, const Message& r) {
  switch (v.rpc) {
    case Rpc::kRegister: v.mdtrt_id = static_cast<const v1::RegisterReply&>(r).mdtrt_id(); break;
    case Rpc::kAdmit: v.mdtrt_id = static_cast<const v1::AdmitReply&>(r).mdtrt_id(); break;
    case Rpc::kUploadFees:
      for (const auto& l : static_cast<const v1::UploadFeesReply&>(r).result()) v.medfee += l.det_item_fee_sumamt();
      break;
    case Rpc::kUploadInpatientFees:
      for (const auto& l : static_cast<const v1::UploadInpatientFeesReply&>(r).result()) v.medfee += l.det_item_fee_sumamt();
      break;
    case Rpc::kPreSettle: take_split(v, static_cast<const v1::PreSettleReply&>(r).setlinfo()); break;
    case Rpc::kInpatientPreSettle: take_split(v, static_cast<const v1::InpatientPreSettleReply&>(r).setlinfo()); break;
    case Rpc::kPharmacyPreSettle: take_split(v, static_cast<const v1::PharmacyPreSettleReply&>(r).setlinfo()); break;
    default: break;
  }
}

const v1::SetlInfo* settlement_info(Rpc rpc, const Message& m) {
  switch (rpc) {
    case Rpc::kSettle: return &static_cast<const v1::SettleReply&>(m).setlinfo();
    case Rpc::kInpatientSettle: return &static_cast<const v1::InpatientSettleReply&>(m).setlinfo();
    case Rpc::kPharmacySettle: return &static_cast<const v1::PharmacySettleReply&>(m).setlinfo();
    default: return nullptr;
  }
}

JournalEntry journal_entry(const VisitState& v, const Caller& c, const CoreReply* r, JournalEntry::Outcome outcome,
                           double now) {
  JournalEntry e;
  e.txn = txn_code(v.rpc);
  e.msgid = v.msgid;
  e.fixmedins_code = c.fixmedins_code;
  e.dept_code = c.dept_code;
  e.psn_no = v.person.psn_no;
  e.mdtrt_id = v.mdtrt_id;
  e.sim_time = now;
  e.outcome = outcome;
  if (r != nullptr) e.reason = r->reason;
  if (v.rpc == Rpc::kReverse) e.omsgid = v.settle_msgid;
  if (v.backfill || v.admission_backfill) {
    e.backfill_flag = 1;
    // A stay's care time is its discharge (the core prices it in the care year of its endtime).
    e.backfill_care = envelope_text(v.backfill ? v.care : v.discharged);
  }
  if (outcome == JournalEntry::Outcome::kAcked && r != nullptr && r->body) {
    if (const v1::SetlInfo* s = settlement_info(v.rpc, *r->body)) fill_journal_split(*s, &e);
  }
  return e;
}

}  // namespace yibao::sim
