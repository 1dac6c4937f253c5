// Sign-in, person, registration, visit info, stays and filings (DOMAIN.md §3.2, §11.3, §11.7).
#include <openssl/crypto.h>

#include "grpc/core/backfill.h"
#include "grpc/core/ops.h"
#include "grpc/core/ops_common.h"
#include "grpc/core/suspensions.h"

namespace yibao::core::ops {
namespace {

int age_on(CivilDate birth, CivilDate on) {
  const auto b = ymd(birth), o = ymd(on);
  int age = o.year - b.year;
  if (o.month < b.month || (o.month == b.month && o.day < b.day)) --age;
  return age;
}

// A new REGISTERED visit (outpatient) or stay (inpatient) of person `p` at facility `f`, keyed by
// the facility's business number; the caller adds what is kind-specific and stores it with
// open_visit().
Result<Visit> new_visit(Txn& t, const models::Facility& f, const models::Person& p, VisitKind kind,
                        const std::string& key, CivilTime begn) {
  Visit v;
  YB_ASSIGN_OR_RETURN(v.mdtrt_id, new_id(t, 'M', "mdtrt"));
  v.fixmedins_code = f.code;
  v.psn_no = p.psn_no;
  v.insutype = p.insutype;
  v.kind = kind;
  v.state = VisitState::kRegistered;
  v.ipt_otp_no = key;
  v.begntime = begn;
  v.created_msgid = t.header.msgid();
  return v;
}

// Stores a new visit and names it as this message's effect (a 2601 of a 2401 voids it).
Status open_visit(Txn& t, Visit& v) {
  YB_RETURN_IF_ERROR(save_visit(t, v));
  t.effect_mdtrt_id = v.mdtrt_id;
  return Status::Ok();
}

// The business key of a new visit is free (§3.4, §7.3): a live visit with it refuses, saying
// whether it was settled in real time, back-filled already, or is still open.
Status check_key_free(Txn& t, const models::Facility& f, VisitKind kind, const std::string& key, const char* field,
                      bool backfill) {
  const auto old = t.ledger.find_visit_by_key(f.code, kind, key);
  if (!old) return Status::Ok();
  const std::string what = std::string(field) + " " + key;
  if (backfill && old->backfill_flag == 1)
    return state_error(what + " was already back-filled (" + old->mdtrt_id + "): a duplicate back-fill", field);
  if (backfill && old->state == VisitState::kSettled)
    return state_error(what + " was already settled in real time (" + old->mdtrt_id +
                           "): not back-filled; use manual reimbursement top-up or claw-back for a difference",
                       field);
  return state_error(what + " is already a live " + (kind == VisitKind::kInpatient ? "stay" : "visit") +
                         " of this facility",
                     field);
}

// A back-fill's own checks at registration / admission (backfill.h): the care time and the
// suspensions at it; the named decision is remembered for the settlement.
Status check_backfill_entry(Txn& t, const models::Facility& f, std::string_view dept, const std::string& psn_no,
                            CivilTime begn, const std::string& decision_id, bool check_age) {
  if (check_age) {
    YB_RETURN_IF_ERROR(check_backfill_care_time(t, begn, "begntime"));
  } else if (t.now < begn) {
    return bad_request("a back-filled admission time is after the core's time " + format_iso(t.now), "begntime");
  }
  return check_suspensions_at_care_time(t, f, dept, psn_no, begn, decision_id);
}

// Stays: med_type 21..28.
bool inpatient_med_type(std::string_view m) { return m.size() == 2 && m[0] == '2' && m[1] >= '1' && m[1] <= '8'; }

}  // namespace

Status sign_in(Txn& t, const v1::SignInRequest& r, v1::SignInReply* rep) {
  auto f = t.state.facility(t.ledger, t.header.fixmedins_code());
  // One answer for "unknown facility" and "wrong secret": nothing to probe.
  if (!f || f->secret.size() != r.sign_secret().size() ||
      CRYPTO_memcmp(f->secret.data(), r.sign_secret().data(), f->secret.size()) != 0)
    return Status::Refuse(reason::kSignin, "facility code or sign-in secret is wrong", "sign_secret");
  if (r.opter_no() != t.header.opter()) return bad_request("opter_no must be the header's opter", "opter_no");
  YB_ASSIGN_OR_RETURN(std::string sign_no, new_id(t, 'N', "signin"));
  SignIn s{f->code, r.opter_no(), sign_no, t.now, false};
  YB_RETURN_IF_ERROR(t.ledger.put_signin(s));
  t.after_commit.push_back([&signins = t.state.signins(), s] { signins.put(s); });
  rep->set_sign_no(sign_no);
  rep->set_sign_time(format_envelope(t.now));
  return Status::Ok();
}

Status sign_out(Txn& t, const v1::SignOutRequest& r, v1::SignOutReply* rep) {
  if (!r.opter_no().empty() && r.opter_no() != t.header.opter())
    return bad_request("opter_no must be the header's opter", "opter_no");
  SignIn s{t.header.fixmedins_code(), t.header.opter(), t.header.sign_no(), t.now, true};
  YB_RETURN_IF_ERROR(t.ledger.put_signin(s));
  t.after_commit.push_back([&signins = t.state.signins(), s] { signins.put(s); });
  rep->set_sign_time(format_envelope(t.now));
  return Status::Ok();
}

Status get_person(Txn& t, const v1::GetPersonRequest& r, v1::GetPersonReply* rep) {
  const std::string& no = r.mdtrt_cert_no().empty() ? r.certno() : r.mdtrt_cert_no();
  if (r.mdtrt_cert_type() != "01" && r.mdtrt_cert_type() != "02" && r.mdtrt_cert_type() != "03")
    return bad_request("mdtrt_cert_type must be 01, 02 or 03", "mdtrt_cert_type");
  auto p = t.state.person_by_credential(t.ledger, r.mdtrt_cert_type(), no, r.card_sn());
  if (!p) return Status::Refuse(reason::kPsnNotFound, "no person holds this credential", "mdtrt_cert_no");
  auto* b = rep->mutable_baseinfo();
  b->set_psn_no(p->psn_no);
  b->set_certno(p->certno);
  b->set_psn_name(p->name);
  b->set_gend(p->sex == 2 ? "2" : "1");
  b->set_brdy(format_date(p->birth));
  b->set_age(age_on(p->birth, t.now.date()));
  auto* i = rep->add_insuinfo();
  i->set_insutype(std::to_string(static_cast<int>(p->insutype)));
  i->set_psn_type(std::string(models::psn_type_code(p->psn_type)));
  i->set_balc(t.state.balance(t.ledger, *p).v);
  i->set_cvlserv_flag(p->cvlserv ? 1 : 0);
  i->set_hifes_flag(p->hifes ? 1 : 0);
  i->set_insuplc_admdvs(p->insuplc_admdvs);
  const bool lapsed = p->enrolment == models::Enrolment::kLapsed ||
                      (p->insutype == models::Insutype::kResident &&
                       t.state.windows().premium_covered_through(p->paid_through) < t.now.date());
  i->set_psn_insu_stas(p->enrolment == models::Enrolment::kStopped ? "4" : (lapsed ? "2" : "1"));
  if (p->insutype == models::Insutype::kResident) i->set_paid_through(format_date(p->paid_through));
  i->set_maf_group(std::string(models::maf_group_code(p->maf_group)));
  // Reads stay available to a suspended person; the flag tells the facility (§6, §11.11).
  rep->set_psn_setl_suspended(person_suspended(t, p->psn_no) ? 1 : 0);
  return Status::Ok();
}

Status register_visit(Txn& t, const v1::RegisterRequest& r, v1::RegisterReply* rep) {
  YB_RETURN_IF_ERROR(check_backfill_flag(r.backfill_flag()));
  const bool backfill = r.backfill_flag() == 1;
  if (!backfill && !r.cleared_decision_id().empty())
    return bad_request("cleared_decision_id is for a back-fill only", "cleared_decision_id");
  YB_ASSIGN_OR_RETURN(const models::Facility f, own_facility(t));
  if (f.type == models::FacilityType::kPharmacy)
    return bad_request("a pharmacy settles sales with 2101/2102, not registrations", "header.infno");
  YB_RETURN_IF_ERROR(check_department(f, r.dept_code(), "dept_code"));
  YB_RETURN_IF_ERROR(check_facility_suspensions(t, f, r.dept_code(), false, nullptr));  // §11.11: a new visit
  YB_ASSIGN_OR_RETURN(const CivilTime begn, required_time(r.begntime(), "begntime"));
  YB_ASSIGN_OR_RETURN(const models::Person p, enrolled_person(t, r.psn_no(), r.insutype(), begn.date()));
  YB_RETURN_IF_ERROR(check_person_suspension(t, p.psn_no, false));
  if (backfill)
    YB_RETURN_IF_ERROR(check_backfill_entry(t, f, r.dept_code(), p.psn_no, begn, r.cleared_decision_id(), true));
  if (r.ipt_otp_no().empty()) return bad_request("ipt_otp_no is required", "ipt_otp_no");
  YB_RETURN_IF_ERROR(check_key_free(t, f, VisitKind::kOutpatient, r.ipt_otp_no(), "ipt_otp_no", backfill));
  YB_ASSIGN_OR_RETURN(Visit v, new_visit(t, f, p, VisitKind::kOutpatient, r.ipt_otp_no(), begn));
  v.med_type = "11";
  v.dept_code = r.dept_code();
  v.backfill_flag = r.backfill_flag();
  YB_RETURN_IF_ERROR(open_visit(t, v));
  if (backfill) YB_RETURN_IF_ERROR(remember_decision(t, v.mdtrt_id, r.cleared_decision_id()));
  rep->set_mdtrt_id(v.mdtrt_id);
  rep->set_psn_no(v.psn_no);
  rep->set_ipt_otp_no(v.ipt_otp_no);
  return Status::Ok();
}

Status cancel_registration(Txn& t, const v1::CancelRegistrationRequest& r, v1::CancelRegistrationReply*) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, r.mdtrt_id(), r.psn_no(), VisitKind::kOutpatient));
  if (v.state == VisitState::kSettled || v.state == VisitState::kVoid || !v.live_setl_id.empty())
    return state_error("a " + std::string(state_name(v.state)) + " visit cannot be cancelled (cancel the settlement first)");
  v.state = VisitState::kVoid;
  return save_visit(t, v);
}

Status visit_info(Txn& t, const v1::VisitInfoRequest& r, v1::VisitInfoReply*) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, r.mdtrt_id(), r.psn_no(), VisitKind::kOutpatient));
  if (v.state == VisitState::kSettled || v.state == VisitState::kVoid)
    return state_error("visit is " + std::string(state_name(v.state)) + "; its information is frozen");
  if (r.med_type() != "11" && r.med_type() != "12" && r.med_type() != "13" && r.med_type() != "14")
    return bad_request("outpatient med_type must be 11, 12, 13 or 14", "med_type");
  if (r.trum_flag() > 2 || r.rel_ttp_flag() > 2) return bad_request("cause flags are 0, 1 or 2", "trum_flag");
  v.med_type = r.med_type();
  v.diagnoses = join_diagnoses(r.diseinfo());
  v.trum_flag = r.trum_flag();
  v.rel_ttp_flag = r.rel_ttp_flag();
  return save_visit(t, v);
}

Status admit(Txn& t, const v1::AdmitRequest& r, v1::AdmitReply* rep) {
  YB_RETURN_IF_ERROR(check_backfill_flag(r.backfill_flag()));
  const bool backfill = r.backfill_flag() == 1;
  if (!backfill && !r.cleared_decision_id().empty())
    return bad_request("cleared_decision_id is for a back-fill only", "cleared_decision_id");
  YB_ASSIGN_OR_RETURN(const models::Facility f, own_facility(t));
  if (f.type == models::FacilityType::kPharmacy || f.type == models::FacilityType::kVillage)
    return bad_request("this facility takes no inpatients", "header.infno");
  YB_RETURN_IF_ERROR(check_department(f, r.adm_dept_codg(), "adm_dept_codg"));
  YB_RETURN_IF_ERROR(check_facility_suspensions(t, f, r.adm_dept_codg(), false, nullptr));  // §11.11: a new stay
  if (!inpatient_med_type(r.med_type())) return bad_request("inpatient med_type must be 21..28", "med_type");
  if (r.trum_flag() > 2 || r.rel_ttp_flag() > 2) return bad_request("cause flags are 0, 1 or 2", "trum_flag");
  YB_ASSIGN_OR_RETURN(const CivilTime begn, required_time(r.begntime(), "begntime"));
  YB_ASSIGN_OR_RETURN(const models::Person p, enrolled_person(t, r.psn_no(), r.insutype(), begn.date()));
  YB_RETURN_IF_ERROR(check_person_suspension(t, p.psn_no, false));
  // A stay's care time is its discharge (§11.17): the age limit is checked at 2304.
  if (backfill)
    YB_RETURN_IF_ERROR(check_backfill_entry(t, f, r.adm_dept_codg(), p.psn_no, begn, r.cleared_decision_id(), false));
  if (r.ipt_no().empty()) return bad_request("ipt_no is required", "ipt_no");
  YB_RETURN_IF_ERROR(check_key_free(t, f, VisitKind::kInpatient, r.ipt_no(), "ipt_no", backfill));
  if (t.ledger.find_open_stay(f.code, p.psn_no))
    return state_error("person already has an open admission at this facility", "psn_no");
  YB_ASSIGN_OR_RETURN(Visit v, new_visit(t, f, p, VisitKind::kInpatient, r.ipt_no(), begn));
  v.med_type = r.med_type();
  v.dept_code = r.adm_dept_codg();
  v.diagnoses = join_diagnoses(r.diseinfo());
  v.trum_flag = r.trum_flag();
  v.rel_ttp_flag = r.rel_ttp_flag();
  v.backfill_flag = r.backfill_flag();
  YB_RETURN_IF_ERROR(open_visit(t, v));
  if (backfill) YB_RETURN_IF_ERROR(remember_decision(t, v.mdtrt_id, r.cleared_decision_id()));
  rep->set_mdtrt_id(v.mdtrt_id);
  return Status::Ok();
}

Status discharge(Txn& t, const v1::DischargeRequest& r, v1::DischargeReply*) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, r.mdtrt_id(), r.psn_no(), VisitKind::kInpatient));
  if (v.state != VisitState::kRegistered && v.state != VisitState::kFeesOpen)
    return state_error("a " + std::string(state_name(v.state)) + " stay cannot be discharged");
  if (r.diseinfo().empty()) return state_error("discharge needs the discharge diagnosis (diseinfo)", "diseinfo");
  YB_ASSIGN_OR_RETURN(const CivilTime end, required_time(r.endtime(), "endtime"));
  if (end < v.begntime) return bad_request("endtime is before the admission", "endtime");
  if (v.backfill_flag == 1 && t.now < end)
    return bad_request("a back-filled stay's discharge time is after the core's time " + format_iso(t.now), "endtime");
  YB_ASSIGN_OR_RETURN(const models::Facility f, own_facility(t));
  YB_RETURN_IF_ERROR(check_department(f, r.dscg_dept_codg(), "dscg_dept_codg"));
  v.state = VisitState::kDischarged;
  v.endtime = end;
  v.dscg_dept_code = r.dscg_dept_codg().empty() ? v.dept_code : r.dscg_dept_codg();
  v.dscg_diagnoses = join_diagnoses(r.diseinfo());
  return save_visit(t, v);
}

Status change_admission(Txn& t, const v1::ChangeAdmissionRequest& r, v1::ChangeAdmissionReply*) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, r.mdtrt_id(), r.psn_no(), VisitKind::kInpatient));
  if (v.state == VisitState::kSettled || v.state == VisitState::kVoid)
    return state_error("a " + std::string(state_name(v.state)) + " stay cannot be changed");
  if (!r.med_type().empty()) {
    if (!inpatient_med_type(r.med_type())) return bad_request("inpatient med_type must be 21..28", "med_type");
    v.med_type = r.med_type();
  }
  if (!r.adm_dept_codg().empty()) {
    YB_ASSIGN_OR_RETURN(const models::Facility f, own_facility(t));
    YB_RETURN_IF_ERROR(check_department(f, r.adm_dept_codg(), "adm_dept_codg"));
    v.dept_code = r.adm_dept_codg();
  }
  if (!r.diseinfo().empty()) v.diagnoses = join_diagnoses(r.diseinfo());
  return save_visit(t, v);
}

Status cancel_admission(Txn& t, const v1::CancelAdmissionRequest& r, v1::CancelAdmissionReply*) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, r.mdtrt_id(), r.psn_no(), VisitKind::kInpatient));
  if (v.state == VisitState::kSettled || v.state == VisitState::kVoid || !v.live_setl_id.empty())
    return state_error("only a stay with no settled money can be cancelled (2404)");
  v.state = VisitState::kVoid;
  return save_visit(t, v);
}

Status cancel_discharge(Txn& t, const v1::CancelDischargeRequest& r, v1::CancelDischargeReply*) {
  YB_ASSIGN_OR_RETURN(Visit v, own_visit(t, r.mdtrt_id(), r.psn_no(), VisitKind::kInpatient));
  if (v.state != VisitState::kDischarged) return state_error("only an unsettled discharged stay can be reopened (2405)");
  bool has_lines = false;
  for (const auto& l : t.ledger.lines_of(v.mdtrt_id)) has_lines = has_lines || l.setl_id.empty();
  v.state = has_lines ? VisitState::kFeesOpen : VisitState::kRegistered;
  v.endtime.reset();
  v.dscg_diagnoses.clear();
  return save_visit(t, v);
}

Status file(Txn& t, const v1::FilingRequest& r, v1::FilingReply* rep) {
  models::Filing f;
  const std::string_view code = std::string_view(t.header.infno()).substr(0, 4);
  if (code == "2501") f.type = models::FilingType::kReferral;
  else if (code == "2503") f.type = models::FilingType::kChronic;
  else if (code == "2505") f.type = models::FilingType::kDesignated;
  else if (code == "2507") f.type = models::FilingType::kInjury;
  else return bad_request("filing infno must be 2501, 2503, 2505 or 2507", "header.infno");
  auto begin = parse_date(r.begndate());
  if (!begin) return bad_request("begndate must be a date yyyy-MM-dd", "begndate");
  f.begin = *begin;
  if (!r.enddate().empty()) {
    auto end = parse_date(r.enddate());
    if (!end || *end < *begin) return bad_request("enddate must be a date on or after begndate", "enddate");
    f.end = *end;
  }
  YB_ASSIGN_OR_RETURN(const models::Person p, enrolled_person(t, r.psn_no(), r.insutype(), f.begin));
  if ((f.type == models::FilingType::kChronic || f.type == models::FilingType::kReferral) && r.dise_codg().empty())
    return bad_request("a chronic or referral filing needs dise_codg (ICD-10)", "dise_codg");
  if (!models::parse_filing_case(r.filing_case(), f.filing_case))
    return bad_request("filing_case must be RESIDENT, WORKER, REFERRAL or EMERGENCY", "filing_case");
  YB_ASSIGN_OR_RETURN(f.id, new_id(t, 'F', "filing"));
  f.psn_no = p.psn_no;
  f.dise_codg = r.dise_codg();
  f.mdtrtarea_admvs = r.mdtrtarea_admvs();
  YB_RETURN_IF_ERROR(t.ledger.put_filing(f));
  rep->set_trt_dcla_detl_sn(f.id);
  return Status::Ok();
}

Status cancel_filing(Txn& t, const v1::CancelFilingRequest& r, v1::CancelFilingReply*) {
  const std::string_view code = std::string_view(t.header.infno()).substr(0, 4);
  models::FilingType type;
  if (code == "2502") type = models::FilingType::kReferral;
  else if (code == "2504") type = models::FilingType::kChronic;
  else if (code == "2506") type = models::FilingType::kDesignated;
  else return bad_request("filing cancel infno must be 2502, 2504 or 2506", "header.infno");
  for (auto& f : t.state.filings(t.ledger, r.psn_no())) {
    if (f.id != r.trt_dcla_detl_sn()) continue;
    if (f.type != type) return state_error("filing is of another type", "trt_dcla_detl_sn");
    // Ends yesterday: no longer in force from today on.
    const CivilDate yesterday{t.now.date().days - 1};
    if (f.end <= yesterday) return state_error("filing is already ended", "trt_dcla_detl_sn");
    f.end = yesterday;
    return t.ledger.put_filing(f);
  }
  return Status::Refuse(reason::kUnknownRef, "no such filing of this person", "trt_dcla_detl_sn");
}

}  // namespace yibao::core::ops
