#include "bench/load/flows.h"

#include <memory>
#include <utility>

namespace yibao::load {

namespace v1 = settlement::v1;
using client::AdminAsync;
using client::CallResult;
using client::SettlementAsync;

client::CallOptions FlowContext::options(Clock::time_point intended, bool settle) const {
  client::CallOptions o;
  o.deadline = settle ? settle_deadline : deadline;
  o.retry = retry;
  o.intended_start = intended;
  return o;
}

v1::RequestHeader make_header(LoadFacility& f, const char* infno, const std::string& opter,
                              const std::string& insuplc_admdvs) {
  CivilTime stamp;
  v1::RequestHeader h;
  h.set_msgid(f.msgids->next(&stamp));
  h.set_infno(infno);
  h.set_fixmedins_code(f.code);
  h.set_opter(opter);
  h.set_opter_type(1);
  h.set_sign_no(f.sign_no);
  h.set_inf_time(format_envelope(stamp));
  h.set_infver("V1.0");
  h.set_mdtrtarea_admvs(f.admdvs);
  if (!insuplc_admdvs.empty()) h.set_insuplc_admdvs(insuplc_admdvs);
  return h;
}

namespace {

std::string failure_of(Op op, const CallResult& r) { return std::string(op_name(op)) + ":" + Recorder::failure_key(r); }

double us_since(Clock::time_point t0) { return std::chrono::duration<double, std::micro>(Clock::now() - t0).count(); }

// Sends one Settlement call recorded under `op`; `next(result, reply)` runs on completion.
template <class Req, class Rep, class Next>
void send(const FlowContext* c, Op op, client::AsyncMethod<SettlementAsync, Req, Rep> method, Req req,
          Clock::time_point intended, bool settle, Next next) {
  c->rec->sent(op);
  c->pool->call(method, std::move(req), c->options(intended, settle),
                [c, op, next = std::move(next)](CallResult&& r, Rep&& rep) mutable {
                  c->rec->done(op, r);
                  next(std::move(r), std::move(rep));
                });
}

std::string insutype_of(const models::Person& p) { return std::to_string(static_cast<int>(p.insutype)); }

// One outpatient visit, timed (from 1101 to 2207) or a preparation (2201 to 2206).
struct OutpatientRun : std::enable_shared_from_this<OutpatientRun> {
  const FlowContext* c = nullptr;
  LoadFacility* f = nullptr;
  models::Person p;
  FeePlan plan;
  Clock::time_point start;
  bool timed = false;
  UnitDone done;          // timed
  PreparedDone prepared;  // preparation
  PreparedVisit pv;

  void finish(const std::string& failure) {
    if (timed) {
      c->rec->unit_done(Op::kVisit, us_since(start), failure);
      done(failure);
    } else if (failure.empty()) {
      prepared(std::move(pv), failure);
    } else {
      prepared(std::nullopt, failure);
    }
  }

  void person_query() {
    v1::GetPersonRequest q;
    *q.mutable_header() = make_header(*f, "1101", c->opter);
    q.set_mdtrt_cert_type("02");
    q.set_mdtrt_cert_no(p.certno);
    send(c, Op::k1101, &SettlementAsync::GetPerson, std::move(q), start, false,
         [self = shared_from_this()](CallResult&& r, v1::GetPersonReply&& rep) {
           if (!r.ok()) return self->finish(failure_of(Op::k1101, r));
           if (rep.baseinfo().psn_no() != self->p.psn_no || rep.insuinfo_size() == 0 ||
               rep.insuinfo(0).psn_insu_stas() != "1")
             return self->finish("1101:PERSON_NOT_AS_GENERATED");
           self->register_visit(Clock::time_point{});
         });
  }

  void register_visit(Clock::time_point intended) {
    v1::RegisterRequest q;
    *q.mutable_header() = make_header(*f, "2201", c->opter, p.insuplc_admdvs);
    q.set_psn_no(p.psn_no);
    q.set_insutype(pv.insutype);
    q.set_begntime(q.header().inf_time());
    q.set_mdtrt_cert_type("02");
    q.set_mdtrt_cert_no(p.certno);
    q.set_ipt_otp_no("OTP" + q.header().msgid());
    q.set_dept_code(f->dept_code);
    plan.set_rxno("RX" + q.header().msgid());
    send(c, Op::k2201, &SettlementAsync::Register, std::move(q), intended, false,
         [self = shared_from_this()](CallResult&& r, v1::RegisterReply&& rep) {
           if (!r.ok()) return self->finish(failure_of(Op::k2201, r));
           self->pv.mdtrt_id = rep.mdtrt_id();
           self->visit_info();
         });
  }

  void visit_info() {
    v1::VisitInfoRequest q;
    *q.mutable_header() = make_header(*f, "2203", c->opter, p.insuplc_admdvs);
    q.set_mdtrt_id(pv.mdtrt_id);
    q.set_psn_no(p.psn_no);
    q.set_med_type("11");
    auto* d = q.add_diseinfo();
    d->set_diag_type(1);
    d->set_diag_code("J06.9");
    d->set_diag_name("acute upper respiratory infection");
    d->set_maindiag_flag(1);
    send(c, Op::k2203, &SettlementAsync::VisitInfo, std::move(q), {}, false,
         [self = shared_from_this()](CallResult&& r, v1::VisitInfoReply&&) {
           if (!r.ok()) return self->finish(failure_of(Op::k2203, r));
           self->upload_fees();
         });
  }

  void upload_fees() {
    v1::UploadFeesRequest q;
    *q.mutable_header() = make_header(*f, "2204", c->opter, p.insuplc_admdvs);
    q.set_mdtrt_id(pv.mdtrt_id);
    q.set_psn_no(p.psn_no);
    q.set_chrg_bchno("1");
    for (auto& l : plan.lines) *q.add_feedetail() = std::move(l);
    send(c, Op::k2204, &SettlementAsync::UploadFees, std::move(q), {}, false,
         [self = shared_from_this()](CallResult&& r, v1::UploadFeesReply&& rep) {
           if (!r.ok()) return self->finish(failure_of(Op::k2204, r));
           // The bill is what the core accepted (a line a rule rejected is not stored).
           int64_t total = 0;
           for (const auto& l : rep.result()) total += l.det_item_fee_sumamt();
           if (total == 0) return self->finish("2204:NO_LINE_ACCEPTED");
           self->pv.medfee_sumamt = total;
           self->pre_settle();
         });
  }

  void pre_settle() {
    v1::PreSettleRequest q;
    *q.mutable_header() = make_header(*f, "2206", c->opter, p.insuplc_admdvs);
    q.set_psn_no(p.psn_no);
    q.set_mdtrt_cert_type("02");
    q.set_mdtrt_cert_no(p.certno);
    q.set_med_type("11");
    q.set_medfee_sumamt(pv.medfee_sumamt);
    q.set_psn_setlway("01");
    q.set_mdtrt_id(pv.mdtrt_id);
    q.set_insutype(pv.insutype);
    q.set_acct_used_flag(1);
    send(c, Op::k2206, &SettlementAsync::PreSettle, std::move(q), {}, false,
         [self = shared_from_this()](CallResult&& r, v1::PreSettleReply&& rep) {
           if (!r.ok()) return self->finish(failure_of(Op::k2206, r));
           self->pv.fund_pay_sumamt = rep.setlinfo().fund_pay_sumamt();
           self->pv.acct_pay = rep.setlinfo().acct_pay();
           self->pv.psn_cash_pay = rep.setlinfo().psn_cash_pay();
           if (!self->timed) return self->finish({});
           start_settle(self->c, self->pv, {}, [self](const std::string& failure) { self->finish(failure); });
         });
  }
};

std::shared_ptr<OutpatientRun> make_outpatient(const FlowContext* c, LoadFacility* f, const models::Person& p,
                                               FeePlan plan, Clock::time_point start) {
  auto run = std::make_shared<OutpatientRun>();
  run->c = c;
  run->f = f;
  run->p = p;
  run->plan = std::move(plan);
  run->start = start == Clock::time_point{} ? Clock::now() : start;
  run->pv.facility = f;
  run->pv.psn_no = p.psn_no;
  run->pv.insuplc_admdvs = p.insuplc_admdvs;
  run->pv.insutype = insutype_of(p);
  return run;
}

struct SaleRun : std::enable_shared_from_this<SaleRun> {
  const FlowContext* c = nullptr;
  LoadFacility* f = nullptr;
  models::Person p;
  FeePlan plan;
  Clock::time_point start;
  UnitDone done;

  void finish(const std::string& failure) {
    c->rec->unit_done(Op::kSale, us_since(start), failure);
    done(failure);
  }

  template <class Req>
  void fill(Req& q) const {
    q.set_psn_no(p.psn_no);
    q.set_mdtrt_cert_type("02");
    q.set_mdtrt_cert_no(p.certno);
    q.set_med_type("41");
    q.set_medfee_sumamt(plan.total);
    q.set_acct_used_flag(1);
    q.set_insutype(std::to_string(static_cast<int>(p.insutype)));
    if (plan.prescription) {
      q.set_rxno(plan.lines.front().rxno());
      q.set_rx_circ_flag(1);
    }
    for (const auto& l : plan.lines) *q.add_feedetail() = l;
  }

  void person_query() {
    v1::GetPersonRequest q;
    *q.mutable_header() = make_header(*f, "1101", c->opter);
    q.set_mdtrt_cert_type("02");
    q.set_mdtrt_cert_no(p.certno);
    plan.set_rxno("RX" + q.header().msgid());
    send(c, Op::k1101, &SettlementAsync::GetPerson, std::move(q), start, false,
         [self = shared_from_this()](CallResult&& r, v1::GetPersonReply&& rep) {
           if (!r.ok()) return self->finish(failure_of(Op::k1101, r));
           if (rep.baseinfo().psn_no() != self->p.psn_no) return self->finish("1101:PERSON_NOT_AS_GENERATED");
           self->pre_settle();
         });
  }

  void pre_settle() {
    v1::PharmacyPreSettleRequest q;
    *q.mutable_header() = make_header(*f, "2101", c->opter, p.insuplc_admdvs);
    fill(q);
    send(c, Op::k2101, &SettlementAsync::PharmacyPreSettle, std::move(q), {}, false,
         [self = shared_from_this()](CallResult&& r, v1::PharmacyPreSettleReply&& rep) {
           if (!r.ok()) return self->finish(failure_of(Op::k2101, r));
           self->settle(rep.setlinfo());
         });
  }

  void settle(const v1::SetlInfo& priced) {
    v1::PharmacySettleRequest q;
    *q.mutable_header() = make_header(*f, "2102", c->opter, p.insuplc_admdvs);
    fill(q);
    q.set_invono("INV" + q.header().msgid().substr(12));
    q.set_fund_pay_sumamt(priced.fund_pay_sumamt());
    q.set_acct_pay(priced.acct_pay());
    q.set_psn_cash_pay(priced.psn_cash_pay());
    std::string msgid = q.header().msgid();
    send(c, Op::k2102, &SettlementAsync::PharmacySettle, std::move(q), {}, true,
         [self = shared_from_this(), msgid = std::move(msgid)](CallResult&& r, v1::PharmacySettleReply&& rep) {
           if (!r.ok()) return self->finish(failure_of(Op::k2102, r));
           self->c->acks->add(msgid, self->f->code, rep.setlinfo());
           self->finish({});
         });
  }
};

}  // namespace

void start_echo(const FlowContext* c, Clock::time_point intended, UnitDone done) {
  v1::EchoRequest q;
  q.set_payload("yibao-load");
  c->rec->sent(Op::kEcho);
  c->pool->call(&AdminAsync::Echo, std::move(q), c->options(intended, false),
                [c, done = std::move(done)](CallResult&& r, v1::EchoReply&&) {
                  c->rec->done(Op::kEcho, r);
                  done(r.ok() ? std::string() : failure_of(Op::kEcho, r));
                });
}

void start_settle(const FlowContext* c, const PreparedVisit& v, Clock::time_point intended, UnitDone done) {
  v1::SettleRequest q;
  *q.mutable_header() = make_header(*v.facility, "2207", c->opter, v.insuplc_admdvs);
  q.set_psn_no(v.psn_no);
  q.set_med_type("11");
  q.set_medfee_sumamt(v.medfee_sumamt);
  q.set_psn_setlway("01");
  q.set_mdtrt_id(v.mdtrt_id);
  q.set_insutype(v.insutype);
  q.set_acct_used_flag(1);
  q.set_invono("INV" + q.header().msgid().substr(12));
  q.set_fund_pay_sumamt(v.fund_pay_sumamt);
  q.set_acct_pay(v.acct_pay);
  q.set_psn_cash_pay(v.psn_cash_pay);
  std::string msgid = q.header().msgid();
  send(c, Op::k2207, &SettlementAsync::Settle, std::move(q), intended, true,
       [c, code = &v.facility->code, msgid = std::move(msgid), done = std::move(done)](CallResult&& r,
                                                                                       v1::SettleReply&& rep) {
         if (!r.ok()) return done(failure_of(Op::k2207, r));
         c->acks->add(msgid, *code, rep.setlinfo());
         done({});
       });
}

void start_outpatient(const FlowContext* c, LoadFacility* f, const models::Person& p, FeePlan plan,
                      Clock::time_point intended, UnitDone done) {
  auto run = make_outpatient(c, f, p, std::move(plan), intended);
  run->timed = true;
  run->done = std::move(done);
  c->rec->sent(Op::kVisit);
  run->person_query();
}

void start_prepare(const FlowContext* c, LoadFacility* f, const models::Person& p, FeePlan plan, PreparedDone done) {
  auto run = make_outpatient(c, f, p, std::move(plan), Clock::now());
  run->prepared = std::move(done);
  run->register_visit(Clock::time_point{});
}

void start_sale(const FlowContext* c, LoadFacility* f, const models::Person& p, FeePlan plan,
                Clock::time_point intended, UnitDone done) {
  auto run = std::make_shared<SaleRun>();
  run->c = c;
  run->f = f;
  run->p = p;
  run->plan = std::move(plan);
  run->start = intended == Clock::time_point{} ? Clock::now() : intended;
  run->done = std::move(done);
  c->rec->sent(Op::kSale);
  run->person_query();
}

}  // namespace yibao::load
