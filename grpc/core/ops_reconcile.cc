// 3201 / 3202 reconciliation and 5206 accumulators (DOMAIN.md §3.2, §4.2 I9, §7.4 D5).
#include <unordered_map>
#include <unordered_set>

#include "grpc/core/ops.h"
#include "grpc/core/ops_common.h"

namespace yibao::core::ops {
namespace {

Status own_period(Txn& t, const std::string& setl_optins, const std::string& begin, const std::string& end,
                  CivilDate* from, CivilDate* to) {
  if (setl_optins != t.header.fixmedins_code())
    return Status::Refuse(reason::kNotYourVisit, "a facility reconciles only its own settlements", "setl_optins");
  auto b = parse_date(begin);
  auto e = parse_date(end);
  if (!b) return bad_request("stmt_begndate must be a date yyyy-MM-dd", "stmt_begndate");
  if (!e || *e < *b) return bad_request("stmt_enddate must be a date on or after stmt_begndate", "stmt_enddate");
  if (e->days - b->days > 366) return bad_request("a reconciliation period is at most a year", "stmt_enddate");
  *from = *b;
  *to = *e;
  return Status::Ok();
}

void to_row(const SettlementRecord& r, v1::ReconcileRow* o) {
  o->set_setl_id(r.setl_id);
  o->set_mdtrt_id(r.mdtrt_id);
  o->set_psn_no(r.psn_no);
  // Rows carry magnitudes; refd_setl_flag says a cancellation (as in the national 3202 file).
  o->set_medfee_sumamt(r.refd_setl_flag ? -r.medfee_sumamt.v : r.medfee_sumamt.v);
  o->set_fund_pay_sumamt(r.refd_setl_flag ? -r.fund_pay_sumamt.v : r.fund_pay_sumamt.v);
  o->set_acct_pay(r.refd_setl_flag ? -r.acct_pay.v : r.acct_pay.v);
  o->set_refd_setl_flag(r.refd_setl_flag);
  o->set_msgid(r.msgid);
  o->set_care_time(format_envelope(r.care_time));
  o->set_setl_time(format_envelope(r.setl_time));
  o->set_backfill_flag(r.backfill_flag);
  o->set_infno(r.infno);
  o->set_insutype(std::to_string(static_cast<int>(r.insutype)));
  o->set_clr_type(r.clr_type);
  o->set_psn_cash_pay(r.refd_setl_flag ? -r.psn_cash_pay.v : r.psn_cash_pay.v);
}

// Page token: "<setl_time seconds>:<setl_id>" of the last row sent.
bool parse_token(const std::string& tok, CivilTime* t, std::string* id) {
  if (tok.empty()) return true;
  const size_t colon = tok.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    t->s = std::stoll(tok.substr(0, colon));
  } catch (...) {
    return false;
  }
  *id = tok.substr(colon + 1);
  return !id->empty();
}

}  // namespace

Status reconcile_totals(Txn& t, const v1::ReconcileTotalsRequest& r, v1::ReconcileTotalsReply* rep) {
  CivilDate from, to;
  YB_RETURN_IF_ERROR(own_period(t, r.setl_optins(), r.stmt_begndate(), r.stmt_enddate(), &from, &to));
  const ReconTotals c = t.ledger.recon_totals(r.setl_optins(), from, to, r.insutype(), r.clr_type());
  rep->set_medfee_sumamt(c.medfee_sumamt.v);
  rep->set_fund_pay_sumamt(c.fund_pay_sumamt.v);
  rep->set_acct_pay(c.acct_pay.v);
  rep->set_fixmedins_setl_cnt(c.count);
  std::string diff;
  auto cmp = [&](const char* name, int64_t theirs, int64_t ours, bool money) {
    if (theirs == ours) return;
    if (!diff.empty()) diff += "; ";
    diff += std::string(name) + " facility " + (money ? format_yuan(Fen(theirs)) : std::to_string(theirs)) +
            " core " + (money ? format_yuan(Fen(ours)) : std::to_string(ours));
  };
  cmp("medfee_sumamt", r.medfee_sumamt(), c.medfee_sumamt.v, true);
  cmp("fund_pay_sumamt", r.fund_pay_sumamt(), c.fund_pay_sumamt.v, true);
  cmp("acct_pay", r.acct_pay(), c.acct_pay.v, true);
  cmp("fixmedins_setl_cnt", r.fixmedins_setl_cnt(), c.count, false);
  rep->set_stmt_rslt(diff.empty() ? "0" : "1");
  rep->set_stmt_rslt_dscr(diff.empty() ? "balanced" : diff);
  return Status::Ok();
}

Status reconcile_details(Txn& t, const v1::ReconcileDetailsRequest& r, v1::ReconcileDetailsReply* rep) {
  CivilDate from, to;
  YB_RETURN_IF_ERROR(own_period(t, r.setl_optins(), r.stmt_begndate(), r.stmt_enddate(), &from, &to));
  const int32_t page = r.page_size() <= 0 ? 1000 : std::min(r.page_size(), 1000);
  CivilTime after{0};
  std::string after_id;
  if (!parse_token(r.page_token(), &after, &after_id)) return bad_request("page_token is not one this core gave", "page_token");

  // Compare the facility's rows with the core's.
  std::unordered_set<std::string> sent;
  for (const auto& row : r.rows()) {
    sent.insert(row.setl_id());
    auto s = t.ledger.get_settlement(row.setl_id());
    auto m = [&] {
      v1::ReconcileMismatch* x = rep->add_mismatches();
      x->set_setl_id(row.setl_id());
      return x;
    };
    if (!s || s->fixmedins_code != r.setl_optins() || s->business_day < from || to < s->business_day) {
      auto* x = m();
      x->set_msgid(row.msgid());
      x->set_stmt_rslt("2");
      x->set_memo("missing at the core for this facility and period");
      continue;
    }
    v1::ReconcileRow ours;
    to_row(*s, &ours);
    if (ours.medfee_sumamt() != row.medfee_sumamt() || ours.fund_pay_sumamt() != row.fund_pay_sumamt() ||
        ours.acct_pay() != row.acct_pay() || ours.refd_setl_flag() != row.refd_setl_flag()) {
      auto* x = m();
      x->set_msgid(s->msgid);
      x->set_stmt_rslt("1");
      x->set_memo("core: medfee " + format_yuan(Fen(ours.medfee_sumamt())) + " fund " +
                  format_yuan(Fen(ours.fund_pay_sumamt())) + " acct " + format_yuan(Fen(ours.acct_pay())) +
                  " refd " + std::to_string(ours.refd_setl_flag()));
    }
  }
  if (r.compare_complete() == 1) {
    CivilTime at{0};
    std::string id;
    for (;;) {
      auto rows = t.ledger.recon_rows(r.setl_optins(), from, to, at, id, 1000);
      for (const auto& s : rows) {
        if (sent.count(s.setl_id)) continue;
        auto* x = rep->add_mismatches();
        x->set_setl_id(s.setl_id);
        x->set_msgid(s.msgid);
        x->set_stmt_rslt("3");
        x->set_memo("missing at the facility");
      }
      if (rows.size() < 1000) break;
      at = rows.back().setl_time;
      id = rows.back().setl_id;
    }
  }
  auto rows = t.ledger.recon_rows(r.setl_optins(), from, to, after, after_id, page + 1);
  const bool more = static_cast<int32_t>(rows.size()) > page;
  if (more) rows.pop_back();
  for (const auto& s : rows) to_row(s, rep->add_core_rows());
  if (more) rep->set_next_page_token(std::to_string(rows.back().setl_time.s) + ":" + rows.back().setl_id);
  return Status::Ok();
}

Status get_accumulators(Txn& t, const v1::GetAccumulatorsRequest& r, v1::GetAccumulatorsReply* rep) {
  auto p = t.state.person(t.ledger, r.psn_no());
  if (!p) return Status::Refuse(reason::kPsnNotFound, "person " + r.psn_no() + " is not known", "psn_no");
  int32_t year = year_of(t.now);
  if (!r.cum_ym().empty()) {
    auto ym = parse_civil(r.cum_ym() + "01000000");
    if (r.cum_ym().size() != 6 || !ym) return bad_request("cum_ym must be yyyyMM", "cum_ym");
    year = year_of(*ym);
  }
  if (!r.insutype().empty() && r.insutype() != std::to_string(static_cast<int>(p->insutype)))
    return Status::Refuse(reason::kPsnLapsed, "person is not enrolled in scheme " + r.insutype(), "insutype");
  const models::Accumulators a = t.state.accumulators(t.ledger, *p, year);
  rep->set_psn_no(p->psn_no);
  rep->set_year(year);
  rep->set_insutype(std::to_string(static_cast<int>(p->insutype)));
  rep->set_otp_dedc_used(a.otp_dedc_used.v);
  rep->set_otp_pool_paid(a.otp_pool_paid.v);
  rep->set_chronic_pool_paid(a.chronic_pool_paid.v);
  rep->set_pool_paid_total(a.pool_paid_total.v);
  rep->set_large_paid(a.large_paid.v);
  rep->set_si_base(a.si_base.v);
  rep->set_si_paid(a.si_paid.v);
  rep->set_cvlserv_paid(a.cvlserv_paid.v);
  rep->set_maf_paid(a.maf_paid.v);
  rep->set_admissions(a.admissions);
  rep->set_ipt_dedc_paid(a.ipt_dedc_paid.v);
  return Status::Ok();
}

}  // namespace yibao::core::ops
