#include "grpc/convert/entities.h"

namespace yibao::convert {
namespace {

Status bad(std::string message, std::string field) {
  return Status::Refuse(reason::kBadRequest, std::move(message), std::move(field));
}

}  // namespace

Result<models::Facility> from_proto(const v1::Facility& f) {
  models::Facility out;
  if (f.fixmedins_code().size() != 12) return bad("fixmedins_code must have 12 characters", "fixmedins_code");
  out.code = f.fixmedins_code();
  out.name = f.fixmedins_name();
  if (!models::parse_facility_type(f.fixmedins_type(), out.type))
    return bad("fixmedins_type must be HOSPITAL, PRIMARY, VILLAGE or PHARMACY", "fixmedins_type");
  if (!models::parse_level(f.hosp_lv(), out.level)) return bad("hosp_lv must be 3, 2, 1, P, V or empty", "hosp_lv");
  if (out.type == models::FacilityType::kPharmacy) out.level = models::Level::kPharmacy;
  if (f.admdvs().size() != 6) return bad("admdvs must have 6 digits", "admdvs");
  out.admdvs = f.admdvs();
  out.chain_code = f.chain_code();
  for (const auto& d : f.departments()) out.departments.push_back({d.dept_code(), d.dept_name()});
  out.secret = f.sign_secret();
  return out;
}

void to_proto(const models::Facility& f, v1::Facility* out) {
  out->set_fixmedins_code(f.code);
  out->set_fixmedins_name(f.name);
  out->set_fixmedins_type(std::string(models::facility_type_code(f.type)));
  out->set_hosp_lv(std::string(models::level_code(f.level)));
  out->set_admdvs(f.admdvs);
  out->set_chain_code(f.chain_code);
  for (const auto& d : f.departments) {
    auto* x = out->add_departments();
    x->set_dept_code(d.code);
    x->set_dept_name(d.name);
  }
}

Result<models::Person> from_proto(const v1::Person& p) {
  models::Person out;
  if (p.psn_no().empty()) return bad("psn_no is required", "psn_no");
  out.psn_no = p.psn_no();
  out.certno = p.certno();
  out.card_sn = p.card_sn();
  out.name = p.psn_name();
  out.sex = p.gend() == "2" ? 2 : 1;
  if (!p.brdy().empty()) {
    auto d = parse_date(p.brdy());
    if (!d) return bad("brdy must be a date yyyy-MM-dd", "brdy");
    out.birth = *d;
  }
  if (!models::parse_insutype(p.insutype(), out.insutype)) return bad("insutype must be 310 or 390", "insutype");
  if (!models::parse_psn_type(p.psn_type(), out.psn_type)) return bad("psn_type must be 1101, 1102 or 1500", "psn_type");
  if ((out.insutype == models::Insutype::kResident) != (out.psn_type == models::PsnType::kResident))
    return bad("psn_type does not fit insutype", "psn_type");
  out.cvlserv = p.cvlserv_flag() == 1;
  out.hifes = p.hifes_flag() == 1;
  if (!models::parse_maf_group(p.maf_group(), out.maf_group)) return bad("maf_group must be '', TK, DB, DS or FP", "maf_group");
  out.insuplc_admdvs = p.insuplc_admdvs();
  if (p.psn_insu_stas().empty() || p.psn_insu_stas() == "1") out.enrolment = models::Enrolment::kEnrolled;
  else if (p.psn_insu_stas() == "2") out.enrolment = models::Enrolment::kLapsed;
  else if (p.psn_insu_stas() == "4") out.enrolment = models::Enrolment::kStopped;
  else return bad("psn_insu_stas must be 1, 2 or 4", "psn_insu_stas");
  if (!p.paid_through().empty()) {
    auto d = parse_date(p.paid_through());
    if (!d) return bad("paid_through must be a date yyyy-MM-dd", "paid_through");
    out.paid_through = *d;
  } else if (out.insutype == models::Insutype::kResident) {
    return bad("a resident needs paid_through", "paid_through");
  }
  if (p.balc() < 0) return bad("balc must not be negative", "balc");
  if (out.insutype == models::Insutype::kResident && p.balc() != 0) return bad("residents have no personal account", "balc");
  out.balc = Fen(p.balc());
  out.mulaid_psn_no = p.mulaid_psn_no();
  return out;
}

void to_proto(const models::Person& p, v1::Person* out) {
  out->set_psn_no(p.psn_no);
  out->set_certno(p.certno);
  out->set_card_sn(p.card_sn);
  out->set_psn_name(p.name);
  out->set_gend(p.sex == 2 ? "2" : "1");
  out->set_brdy(format_date(p.birth));
  out->set_insutype(std::to_string(static_cast<int>(p.insutype)));
  out->set_psn_type(std::string(models::psn_type_code(p.psn_type)));
  out->set_cvlserv_flag(p.cvlserv ? 1 : 0);
  out->set_hifes_flag(p.hifes ? 1 : 0);
  out->set_maf_group(std::string(models::maf_group_code(p.maf_group)));
  out->set_insuplc_admdvs(p.insuplc_admdvs);
  out->set_psn_insu_stas(std::to_string(static_cast<int>(p.enrolment)));
  if (p.insutype == models::Insutype::kResident) out->set_paid_through(format_date(p.paid_through));
  out->set_balc(p.balc.v);
  out->set_mulaid_psn_no(p.mulaid_psn_no);
}

models::Accumulators opening_accumulators(const v1::Person& p, int32_t* year) {
  models::Accumulators a;
  *year = p.opening_year();
  a.otp_dedc_used = Fen(p.opening_otp_dedc_used());
  a.pool_paid_total = Fen(p.opening_pool_paid_total());
  a.otp_pool_paid = Fen(p.opening_otp_pool_paid());
  a.admissions = p.opening_admissions();
  a.si_base = Fen(p.opening_si_base());
  return a;
}

Result<models::Filing> from_proto(const v1::FilingRecord& f) {
  models::Filing out;
  out.psn_no = f.psn_no();
  if (f.filing_type() == "2501") out.type = models::FilingType::kReferral;
  else if (f.filing_type() == "2503") out.type = models::FilingType::kChronic;
  else if (f.filing_type() == "2505") out.type = models::FilingType::kDesignated;
  else if (f.filing_type() == "2507") out.type = models::FilingType::kInjury;
  else return bad("filing_type must be 2501, 2503, 2505 or 2507", "filing_type");
  auto b = parse_date(f.begndate());
  if (!b) return bad("begndate must be a date yyyy-MM-dd", "begndate");
  out.begin = *b;
  if (!f.enddate().empty()) {
    auto e = parse_date(f.enddate());
    if (!e || *e < *b) return bad("enddate must be a date on or after begndate", "enddate");
    out.end = *e;
  }
  out.dise_codg = f.dise_codg();
  if (!models::parse_filing_case(f.filing_case(), out.filing_case))
    return bad("filing_case must be RESIDENT, WORKER, REFERRAL or EMERGENCY", "filing_case");
  out.mdtrtarea_admvs = f.mdtrtarea_admvs();
  return out;
}

}  // namespace yibao::convert
