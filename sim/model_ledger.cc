#include "sim/model_ledger.h"

#include <fmt/format.h>

#include "grpc/convert/settlement.h"
#include "sim/time_text.h"
#include "yibao/settlement/v1/settlement.pb.h"

namespace yibao::sim {
namespace {

namespace v1 = settlement::v1;
using google::protobuf::Message;

template <class T>
const T& as(const CoreRequest& r) {
  return static_cast<const T&>(*r.body);
}

std::unique_ptr<Message> new_reply(Rpc rpc) {
  switch (rpc) {
    case Rpc::kSignIn: return std::make_unique<v1::SignInReply>();
    case Rpc::kGetPerson: return std::make_unique<v1::GetPersonReply>();
    case Rpc::kRegister: return std::make_unique<v1::RegisterReply>();
    case Rpc::kVisitInfo: return std::make_unique<v1::VisitInfoReply>();
    case Rpc::kUploadFees: return std::make_unique<v1::UploadFeesReply>();
    case Rpc::kPreSettle: return std::make_unique<v1::PreSettleReply>();
    case Rpc::kSettle: return std::make_unique<v1::SettleReply>();
    case Rpc::kCancelSettlement: return std::make_unique<v1::CancelSettlementReply>();
    case Rpc::kAdmit: return std::make_unique<v1::AdmitReply>();
    case Rpc::kDischarge: return std::make_unique<v1::DischargeReply>();
    case Rpc::kUploadInpatientFees: return std::make_unique<v1::UploadInpatientFeesReply>();
    case Rpc::kInpatientPreSettle: return std::make_unique<v1::InpatientPreSettleReply>();
    case Rpc::kInpatientSettle: return std::make_unique<v1::InpatientSettleReply>();
    case Rpc::kPharmacyPreSettle: return std::make_unique<v1::PharmacyPreSettleReply>();
    case Rpc::kPharmacySettle: return std::make_unique<v1::PharmacySettleReply>();
    case Rpc::kReverse: return std::make_unique<v1::ReverseReply>();
    case Rpc::kCancelRegistration: return std::make_unique<v1::CancelRegistrationReply>();
    case Rpc::kCancelAdmission: return std::make_unique<v1::CancelAdmissionReply>();
    case Rpc::kCount: break;
  }
  return std::make_unique<v1::ReverseReply>();
}

// The header of a reply: infcode 0 and the reference id of this answer.
template <class R>
void stamp(R* reply, uint64_t id, CivilTime now) {
  auto* h = reply->mutable_header();
  h->set_infcode(0);
  const std::string compact = compact_text(now);
  h->set_inf_refmsgid(fmt::format("000000{}{:010}", compact, id % 10000000000ULL));
  h->set_refmsg_time(compact + "000");
  h->set_respond_time(compact + "000");
}

// As the core's CoreState::person_by_credential: 01 by psn_no, 02 by certno, 03 by certno with
// the card's serial matching.
std::optional<uint64_t> person_by_credential(const models::Population& pop, const std::string& type,
                                             const std::string& no, const std::string& card_sn) {
  if (type == "01") return pop.find_psn_no(no);
  std::optional<uint64_t> i = pop.find_certno(no);
  if (i && type == "03" && pop.card_sn(*i) != card_sn) return std::nullopt;
  return i;
}

}  // namespace

ModelLedger::ModelLedger(const models::Population& population, const models::PolicyBook& policies,
                         const models::Catalog& catalog)
    : population_(population), policies_(policies), catalog_(catalog) {}

bool ModelLedger::journaled(Rpc rpc) {
  switch (rpc) {
    case Rpc::kGetPerson:
    case Rpc::kPreSettle:
    case Rpc::kInpatientPreSettle:
    case Rpc::kPharmacyPreSettle: return false;
    default: return true;
  }
}

ModelLedger::PersonMoney& ModelLedger::money_of(uint64_t person, CivilTime care) {
  auto [it, fresh] = money_.try_emplace(person);
  PersonMoney& m = it->second;
  const int32_t year = year_of(care);
  if (fresh) {
    m.balc = population_.person(person).balc;
    m.acc = population_.opening_accumulators(person, year);
    m.year = year;
  } else if (m.year != year) {  // a new care year starts from zero accumulators
    m.acc = population_.opening_accumulators(person, year);
    m.year = year;
  }
  return m;
}

Status ModelLedger::add_lines(Visit& v, const google::protobuf::RepeatedPtrField<v1::FeeLine>& in,
                              google::protobuf::RepeatedPtrField<v1::FeeLineResult>* out) {
  const models::PolicySet* policy = policies_.in_force(v.begin);
  if (policy == nullptr) return Status::Refuse(reason::kState, "no policy set in force");
  for (const auto& l : in) {
    const models::Item* item = catalog_.find(l.med_list_codg());
    if (item == nullptr) return Status::Refuse("E_RULE_NOMAP", "unknown item " + l.med_list_codg());
    Line line{item, l.pric(), l.cnt(), Fen{l.det_item_fee_sumamt()}};
    v.lines.push_back(line);
    if (out != nullptr) {
      models::PricedLine p{item, l.pric(), l.cnt(), line.amount, l.hosp_appr_flag() == 1, false};
      convert::to_proto(models::classify_line(*policy, p), l.feedetl_sn(), out->Add());
    }
  }
  return Status::Ok();
}

Status ModelLedger::price(Visit& v, const std::string& mdtrt_id, CivilTime care, bool acct_used, bool commit,
                          const std::string& msgid, Message* reply) {
  if (!v.setl_id.empty()) return Status::Refuse(reason::kState, "visit already settled");
  const models::PolicySet* policy = policies_.in_force(care);
  if (policy == nullptr) return Status::Refuse(reason::kState, "no policy set in force");
  const models::Person person = population_.person(v.person);
  PersonMoney& m = money_of(v.person, care);
  Fen mulaid_balc;
  std::optional<uint64_t> relative = population_.mulaid_relative(v.person);
  if (relative) mulaid_balc = money_of(*relative, care).balc;

  std::vector<models::PricedLine> lines;
  lines.reserve(v.lines.size());
  for (const auto& l : v.lines) lines.push_back(models::PricedLine{l.item, l.pric, l.cnt, l.amount, false, false});
  std::vector<models::LineSplit> splits(lines.size());
  models::CareContext care_ctx;
  care_ctx.kind = v.kind;
  care_ctx.level = population_.facility_kind(v.facility);
  care_ctx.geography = models::geography_of(person.insuplc_admdvs, population_.facility(v.facility).admdvs);
  care_ctx.chronic_filing = population_.has_chronic_filing(v.person);
  care_ctx.acct_used = acct_used;
  models::Settlement s;
  YB_RETURN_IF_ERROR(models::settle(*policy, models::person_state(person, m.acc, m.balc, mulaid_balc), care_ctx,
                                    lines, splits, s));

  v1::SetlInfo* info = nullptr;
  google::protobuf::RepeatedPtrField<v1::SetlDetail>* details = nullptr;
  if (auto* r = dynamic_cast<v1::PreSettleReply*>(reply)) info = r->mutable_setlinfo(), details = r->mutable_setldetail();
  if (auto* r = dynamic_cast<v1::SettleReply*>(reply)) info = r->mutable_setlinfo(), details = r->mutable_setldetail();
  if (auto* r = dynamic_cast<v1::InpatientPreSettleReply*>(reply))
    info = r->mutable_setlinfo(), details = r->mutable_setldetail();
  if (auto* r = dynamic_cast<v1::InpatientSettleReply*>(reply))
    info = r->mutable_setlinfo(), details = r->mutable_setldetail();
  if (auto* r = dynamic_cast<v1::PharmacyPreSettleReply*>(reply))
    info = r->mutable_setlinfo(), details = r->mutable_setldetail();
  if (auto* r = dynamic_cast<v1::PharmacySettleReply*>(reply))
    info = r->mutable_setlinfo(), details = r->mutable_setldetail();
  YB_CHECK(info != nullptr, "price() answers a pre-settle or settle reply");
  convert::to_proto(s, info);
  convert::add_details(s, *policy, details);
  info->set_psn_no(person.psn_no);
  info->set_mdtrt_id(mdtrt_id);
  info->set_psn_name(person.name);
  if (commit) {
    v.setl_id = fmt::format("S{:019}", next_id_++);
    v.settled = s;
    info->set_setl_id(v.setl_id);
    info->set_medins_setl_id(msgid);
    m.acc += s.delta;
    m.balc = s.balc_after;
    if (relative) money_of(*relative, care).balc = s.mulaid_balc_after;
    totals_.settlements++;
    totals_.medfee += s.medfee_sumamt.v;
    totals_.fund += s.fund_pay_sumamt.v;
    totals_.acct += s.acct_pay.v;
    totals_.cash += s.psn_cash_pay.v;
  }
  return Status::Ok();
}

std::unique_ptr<Message> ModelLedger::dispatch(const CoreRequest& req, CivilTime now, Status& st) {
  std::unique_ptr<Message> reply = new_reply(req.rpc);
  const uint64_t id = next_id_++;
  auto visit = [&](const std::string& mdtrt_id) -> Visit* {
    auto it = visits_.find(mdtrt_id);
    if (it == visits_.end()) {
      st = Status::Refuse(reason::kUnknownRef, "unknown mdtrt_id " + mdtrt_id);
      return nullptr;
    }
    return &it->second;
  };
  auto new_visit = [&](uint32_t facility, const std::string& psn_no, models::CareKind kind) -> std::string {
    std::optional<uint64_t> p = population_.find_psn_no(psn_no);
    std::optional<uint32_t> f = facility < population_.facility_count() ? std::optional<uint32_t>(facility) : std::nullopt;
    if (!p || !f) {
      st = Status::Refuse(reason::kPsnNotFound, "unknown person " + psn_no);
      return {};
    }
    std::string mdtrt_id = fmt::format("M{:019}", id);
    Visit& v = visits_[mdtrt_id];
    v.person = *p;
    v.facility = *f;
    v.kind = kind;
    v.begin = now;
    return mdtrt_id;
  };
  switch (req.rpc) {
    case Rpc::kSignIn: {
      auto* r = static_cast<v1::SignInReply*>(reply.get());
      r->set_sign_no(fmt::format("{:020}", id));
      r->set_sign_time(envelope_text(now));
      stamp(r, id, now);
      break;
    }
    case Rpc::kGetPerson: {
      const auto& q = as<v1::GetPersonRequest>(req);
      std::optional<uint64_t> i = person_by_credential(population_, q.mdtrt_cert_type(), q.mdtrt_cert_no(), q.card_sn());
      if (!i) {
        st = Status::Refuse(reason::kPsnNotFound, "no person with this credential");
        break;
      }
      const models::Person p = population_.person(*i);
      auto* r = static_cast<v1::GetPersonReply*>(reply.get());
      r->mutable_baseinfo()->set_psn_no(p.psn_no);
      r->mutable_baseinfo()->set_certno(p.certno);
      r->mutable_baseinfo()->set_psn_name(p.name);
      auto* ins = r->add_insuinfo();
      ins->set_insutype(std::to_string(static_cast<int>(p.insutype)));
      ins->set_psn_type(std::to_string(static_cast<int>(p.psn_type)));
      ins->set_balc(money_of(*i, now).balc.v);
      ins->set_insuplc_admdvs(p.insuplc_admdvs);
      ins->set_psn_insu_stas("1");
      stamp(r, id, now);
      break;
    }
    case Rpc::kRegister: {
      const auto& q = as<v1::RegisterRequest>(req);
      std::string m = new_visit(req.facility, q.psn_no(), models::CareKind::kGeneralOutpatient);
      if (!st.ok()) break;
      auto* r = static_cast<v1::RegisterReply*>(reply.get());
      r->set_mdtrt_id(m);
      r->set_psn_no(q.psn_no());
      stamp(r, id, now);
      break;
    }
    case Rpc::kAdmit: {
      const auto& q = as<v1::AdmitRequest>(req);
      std::string m = new_visit(req.facility, q.psn_no(), models::CareKind::kInpatient);
      if (!st.ok()) break;
      auto* r = static_cast<v1::AdmitReply*>(reply.get());
      r->set_mdtrt_id(m);
      stamp(r, id, now);
      break;
    }
    case Rpc::kVisitInfo: {
      const auto& q = as<v1::VisitInfoRequest>(req);
      if (Visit* v = visit(q.mdtrt_id())) {
        if (q.med_type() == "14") v->kind = models::CareKind::kChronic;
        stamp(static_cast<v1::VisitInfoReply*>(reply.get()), id, now);
      }
      break;
    }
    case Rpc::kDischarge: {
      const auto& q = as<v1::DischargeRequest>(req);
      if (visit(q.mdtrt_id()) != nullptr) stamp(static_cast<v1::DischargeReply*>(reply.get()), id, now);
      break;
    }
    case Rpc::kUploadFees: {
      const auto& q = as<v1::UploadFeesRequest>(req);
      auto* r = static_cast<v1::UploadFeesReply*>(reply.get());
      if (Visit* v = visit(q.mdtrt_id())) st = add_lines(*v, q.feedetail(), r->mutable_result());
      if (st.ok()) stamp(r, id, now);
      break;
    }
    case Rpc::kUploadInpatientFees: {
      const auto& q = as<v1::UploadInpatientFeesRequest>(req);
      auto* r = static_cast<v1::UploadInpatientFeesReply*>(reply.get());
      if (Visit* v = visit(q.mdtrt_id())) st = add_lines(*v, q.feedetail(), r->mutable_result());
      if (st.ok()) stamp(r, id, now);
      break;
    }
    case Rpc::kPreSettle:
    case Rpc::kSettle: {
      const bool commit = req.rpc == Rpc::kSettle;
      const std::string& mdtrt_id =
          commit ? as<v1::SettleRequest>(req).mdtrt_id() : as<v1::PreSettleRequest>(req).mdtrt_id();
      const int acct = commit ? as<v1::SettleRequest>(req).acct_used_flag() : as<v1::PreSettleRequest>(req).acct_used_flag();
      if (Visit* v = visit(mdtrt_id)) st = price(*v, mdtrt_id, v->begin, acct == 1, commit, req.msgid, reply.get());
      if (st.ok() && commit) settled_by_msgid_[req.msgid] = mdtrt_id;
      break;
    }
    case Rpc::kInpatientPreSettle:
    case Rpc::kInpatientSettle: {
      const bool commit = req.rpc == Rpc::kInpatientSettle;
      const std::string& mdtrt_id =
          commit ? as<v1::InpatientSettleRequest>(req).mdtrt_id() : as<v1::InpatientPreSettleRequest>(req).mdtrt_id();
      const int acct = commit ? as<v1::InpatientSettleRequest>(req).acct_used_flag()
                              : as<v1::InpatientPreSettleRequest>(req).acct_used_flag();
      if (Visit* v = visit(mdtrt_id)) st = price(*v, mdtrt_id, now, acct == 1, commit, req.msgid, reply.get());
      if (st.ok() && commit) settled_by_msgid_[req.msgid] = mdtrt_id;
      break;
    }
    case Rpc::kPharmacyPreSettle:
    case Rpc::kPharmacySettle: {
      const bool commit = req.rpc == Rpc::kPharmacySettle;
      // A sale carries its lines inline: price them as a one-call visit.
      const auto& lines = commit ? as<v1::PharmacySettleRequest>(req).feedetail()
                                 : as<v1::PharmacyPreSettleRequest>(req).feedetail();
      const std::string& psn_no =
          commit ? as<v1::PharmacySettleRequest>(req).psn_no() : as<v1::PharmacyPreSettleRequest>(req).psn_no();
      const bool rx = !(commit ? as<v1::PharmacySettleRequest>(req).rxno() : as<v1::PharmacyPreSettleRequest>(req).rxno())
                           .empty();
      const int acct = commit ? as<v1::PharmacySettleRequest>(req).acct_used_flag()
                              : as<v1::PharmacyPreSettleRequest>(req).acct_used_flag();
      std::string m = new_visit(req.facility, psn_no, rx ? models::CareKind::kPharmacyRx : models::CareKind::kPharmacyOtc);
      if (!st.ok()) break;
      Visit& v = visits_[m];
      st = add_lines(v, lines, nullptr);
      if (st.ok()) st = price(v, m, now, acct == 1, commit, req.msgid, reply.get());
      if (st.ok() && commit) {
        settled_by_msgid_[req.msgid] = m;
      } else {
        visits_.erase(m);  // a pre-settlement or a refused sale leaves nothing behind
      }
      break;
    }
    case Rpc::kReverse: {
      const auto& q = as<v1::ReverseRequest>(req);
      auto* r = static_cast<v1::ReverseReply*>(reply.get());
      auto it = settled_by_msgid_.find(q.omsgid());
      if (it == settled_by_msgid_.end()) {
        r->set_outcome("NOT_APPLIED");
      } else {
        Visit& v = visits_[it->second];
        PersonMoney& m = money_of(v.person, v.begin);
        m.acc -= v.settled.delta;
        m.balc += v.settled.acct_pay - v.settled.acct_mulaid_pay;
        totals_.reversals++;
        totals_.settlements--;
        totals_.medfee -= v.settled.medfee_sumamt.v;
        totals_.fund -= v.settled.fund_pay_sumamt.v;
        totals_.acct -= v.settled.acct_pay.v;
        totals_.cash -= v.settled.psn_cash_pay.v;
        v.setl_id.clear();
        settled_by_msgid_.erase(it);
        r->set_outcome("REVERSED");
      }
      stamp(r, id, now);
      break;
    }
    case Rpc::kCancelRegistration:
    case Rpc::kCancelAdmission: {  // a visit or stay with no settled money is voided
      const std::string& mdtrt_id = req.rpc == Rpc::kCancelAdmission
                                        ? as<v1::CancelAdmissionRequest>(req).mdtrt_id()
                                        : as<v1::CancelRegistrationRequest>(req).mdtrt_id();
      auto it = visits_.find(mdtrt_id);
      if (it == visits_.end() || !it->second.setl_id.empty()) {
        st = Status::Refuse(reason::kState, "no open visit " + mdtrt_id);
        break;
      }
      visits_.erase(it);
      if (req.rpc == Rpc::kCancelAdmission)
        stamp(static_cast<v1::CancelAdmissionReply*>(reply.get()), id, now);
      else
        stamp(static_cast<v1::CancelRegistrationReply*>(reply.get()), id, now);
      break;
    }
    case Rpc::kCancelSettlement:
    case Rpc::kCount: st = Status::Refuse(reason::kUnsupported, "not modelled"); break;
  }
  return reply;
}

void ModelLedger::answer(const CoreRequest& req, CivilTime now, CoreReply& out) {
  if (auto it = replies_.find(req.msgid); it != replies_.end()) {
    out.status = it->second.status;
    out.reason = it->second.reason;
    out.replay = true;
    if (out.status == 0) {
      out.body = new_reply(req.rpc);
      out.body->ParseFromString(it->second.bytes);
    }
    out.bytes = static_cast<uint32_t>(it->second.bytes.size() + 16);
    return;
  }
  Status st = Status::Ok();
  std::unique_ptr<Message> reply = dispatch(req, now, st);
  if (st.ok()) {
    out.status = 0;
    out.body = std::move(reply);
    out.bytes = static_cast<uint32_t>(out.body->ByteSizeLong());
  } else {
    out.status = static_cast<int>(st.code());
    out.reason = std::string(st.reason());
    out.bytes = static_cast<uint32_t>(64 + st.message().size());
  }
  // Only what the core would store replays; refusals of read calls are not stored either way.
  if (journaled(req.rpc)) {
    Stored& s = replies_[req.msgid];
    s.status = out.status;
    s.reason = out.reason;
    if (out.body) out.body->SerializeToString(&s.bytes);
  }
}

}  // namespace yibao::sim
