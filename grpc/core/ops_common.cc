#include "grpc/core/ops_common.h"

#include <cstdio>

#include "grpc/core/validate.h"

namespace yibao::core {

Result<models::Facility> own_facility(Txn& t) {
  auto f = t.state.facility(t.ledger, t.header.fixmedins_code());
  if (!f) return Status::Refuse(reason::kSignin, "facility " + t.header.fixmedins_code() + " is not designated",
                                "header.fixmedins_code");
  return std::move(*f);
}

Status check_department(const models::Facility& f, std::string_view dept_code, const char* field) {
  if (f.departments.empty() || dept_code.empty()) return Status::Ok();
  for (const auto& d : f.departments)
    if (d.code == dept_code) return Status::Ok();
  return bad_request("department " + std::string(dept_code) + " is not a department of " + f.code, field);
}

Result<models::Person> enrolled_person(Txn& t, std::string_view psn_no, std::string_view insutype, CivilDate on) {
  if (psn_no.empty()) return bad_request("psn_no is required", "psn_no");
  auto p = t.state.person(t.ledger, psn_no);
  if (!p) return Status::Refuse(reason::kPsnNotFound, "person " + std::string(psn_no) + " is not known", "psn_no");
  if (!insutype.empty()) {
    models::Insutype it;
    if (!models::parse_insutype(insutype, it)) return bad_request("insutype must be 310 or 390", "insutype");
    if (it != p->insutype)
      return Status::Refuse(reason::kPsnLapsed, "person is not enrolled in scheme " + std::string(insutype), "insutype");
  }
  if (p->enrolment != models::Enrolment::kEnrolled)
    return Status::Refuse(reason::kPsnLapsed, "person's enrolment is not in force", "psn_no");
  // A resident is covered through the premium deadline, which a premium_channels window moves to
  // its end + 30 days (DOMAIN.md §11.15: no one lapses because the channels were closed).
  if (p->insutype == models::Insutype::kResident) {
    const CivilDate covered = t.state.windows().premium_covered_through(p->paid_through);
    if (covered < on)
      return Status::Refuse(reason::kPsnLapsed,
                            "resident premium paid only through " + format_date(p->paid_through) +
                                (covered != p->paid_through ? " (deadline moved by a premium_channels window: covered through " +
                                                                  format_date(covered) + ")"
                                                            : std::string()),
                            "psn_no");
  }
  // SUSPENSION CHECKS are not here (these helpers also serve calls a suspension never refuses):
  // the money-moving operations call suspensions.h after this one (§11.3, §11.11, §11.13).
  return std::move(*p);
}

Result<Visit> own_visit(Txn& t, std::string_view mdtrt_id, std::string_view psn_no, VisitKind kind) {
  if (mdtrt_id.empty()) return bad_request("mdtrt_id is required", "mdtrt_id");
  auto v = t.ledger.get_visit(mdtrt_id);
  if (!v) return Status::Refuse(reason::kUnknownRef, "visit " + std::string(mdtrt_id) + " is not known", "mdtrt_id");
  if (v->fixmedins_code != t.header.fixmedins_code())
    return Status::Refuse(reason::kNotYourVisit, "visit belongs to another facility", "mdtrt_id");
  if (v->kind != kind) return state_error("visit " + std::string(mdtrt_id) + " is not of this kind");
  if (!psn_no.empty() && psn_no != v->psn_no) return bad_request("psn_no is not the visit's person", "psn_no");
  return std::move(*v);
}

Result<CivilTime> required_time(std::string_view text, const char* field) {
  auto tm = parse_civil(text);
  if (!tm) return bad_request(std::string(field) + " must be a time yyyy-MM-dd HH:mm:ss", field);
  return *tm;
}

Result<std::string> new_id(Txn& t, char prefix, std::string_view sequence) {
  YB_ASSIGN_OR_RETURN(const int64_t seq, t.ledger.next_sequence(sequence));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%c%s%012lld", prefix, format_compact(t.now).substr(0, 8).c_str(),
                static_cast<long long>(seq));
  return std::string(buf);
}

Status save_visit(Txn& t, Visit& v) {
  ++v.version;
  return t.ledger.put_visit(v);
}

Result<FeeLineRecord> line_record(const v1::FeeLine& l, const std::string& mdtrt_id, const std::string& chrg_bchno,
                                  const std::string& at) {
  FeeLineRecord rec;
  rec.mdtrt_id = mdtrt_id;
  rec.feedetl_sn = l.feedetl_sn();
  rec.chrg_bchno = chrg_bchno;
  rec.med_list_codg = l.med_list_codg();
  rec.medins_list_codg = l.medins_list_codg();
  rec.amount = Fen(l.det_item_fee_sumamt());
  rec.cnt = l.cnt();
  rec.pric = l.pric();
  rec.rxno = l.rxno();
  rec.rx_circ_flag = l.rx_circ_flag();
  rec.hosp_appr_flag = l.hosp_appr_flag();
  rec.selfpay_consent_flag = l.selfpay_consent_flag();
  rec.prd_days = l.prd_days();
  rec.dscg_drug_flag = l.dscg_drug_flag();
  rec.bilg_dept_codg = l.bilg_dept_codg();
  if (!l.fee_ocur_time().empty()) {
    auto tm = parse_civil(l.fee_ocur_time());
    if (!tm) return bad_request(at + ".fee_ocur_time must be yyyy-MM-dd HH:mm:ss", "feedetail.fee_ocur_time");
    rec.fee_ocur_time = *tm;
  }
  rec.payload_hash = payload_hash(l);
  return rec;
}

models::RuleLine rule_line(const FeeLineRecord& l, const models::Item* item, CivilTime default_time) {
  models::RuleLine r;
  r.item = item;
  r.code = l.med_list_codg;
  r.feedetl_sn = l.feedetl_sn;
  r.rxno = l.rxno;
  r.pric = l.pric;
  r.cnt = l.cnt;
  r.amount = l.amount;
  r.prd_days = l.prd_days;
  r.dscg_drug = l.dscg_drug_flag == 1;
  r.hosp_appr = l.hosp_appr_flag == 1;
  r.selfpay_consent = l.selfpay_consent_flag == 1;
  r.fee_time = l.fee_ocur_time.value_or(default_time);
  return r;
}

models::RuleContext rule_context(const Visit& v, const models::Person& p, CivilTime care,
                                 const std::vector<models::Filing>& filings) {
  models::RuleContext ctx;
  ctx.pharmacy = v.kind == VisitKind::kPharmacy;
  ctx.med_type = ctx.pharmacy ? std::string_view("41") : std::string_view(v.med_type);
  ctx.rxno = v.rxno;
  ctx.sex = p.sex;
  ctx.age_years = models::age_at_care(p.birth, care.date());
  ctx.care_time = care;
  ctx.discharge_time = v.endtime;
  ctx.filings = filings;
  ctx.trum_flag = v.trum_flag;
  ctx.rel_ttp_flag = v.rel_ttp_flag;
  return ctx;
}

void add_rule_notices(Txn& t, const models::RuleOutcome& rules) {
  for (const auto& hit : rules.notices) {
    v1::Warning w;
    w.set_rule_id(std::string(models::rule_code(hit.rule)));
    w.set_action(std::string(models::rule_action_name(hit.action)));
    w.set_message(models::rule_message(hit));
    w.set_feedetl_sn(std::string(hit.feedetl_sn));
    t.warnings.push_back(std::move(w));
  }
}

std::string join_diagnoses(const google::protobuf::RepeatedPtrField<v1::Diagnosis>& d) {
  std::string out;
  // Main diagnosis first.
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& x : d) {
      if ((x.maindiag_flag() == 1) != (pass == 0)) continue;
      if (!out.empty()) out.push_back(';');
      out += x.diag_code();
    }
  return out;
}

std::string_view state_name(VisitState s) {
  switch (s) {
    case VisitState::kRegistered: return "REGISTERED";
    case VisitState::kFeesOpen: return "FEES_OPEN";
    case VisitState::kDischarged: return "DISCHARGED";
    case VisitState::kSettled: return "SETTLED";
    case VisitState::kVoid: return "VOID";
  }
  return "?";
}

}  // namespace yibao::core
