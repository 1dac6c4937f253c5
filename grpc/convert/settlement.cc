#include "grpc/convert/settlement.h"

namespace yibao::convert {

void to_proto(const models::Settlement& s, v1::SetlInfo* o) {
  o->set_medfee_sumamt(s.medfee_sumamt.v);
  o->set_fulamt_ownpay_amt(s.fulamt_ownpay_amt.v);
  o->set_overlmt_selfpay(s.overlmt_selfpay.v);
  o->set_preselfpay_amt(s.preselfpay_amt.v);
  o->set_inscp_scp_amt(s.inscp_scp_amt.v);
  o->set_act_pay_dedc(s.act_pay_dedc.v);
  o->set_hifp_pay(s.hifp_pay.v);
  o->set_pool_prop_selfpay(s.pool_ratio.bp);
  o->set_cvlserv_pay(s.cvlserv_pay.v);
  o->set_hifes_pay(s.hifes_pay.v);
  o->set_hifmi_pay(s.hifmi_pay.v);
  o->set_hifob_pay(s.hifob_pay.v);
  o->set_maf_pay(s.maf_pay.v);
  o->set_oth_pay(s.oth_pay.v);
  o->set_fund_pay_sumamt(s.fund_pay_sumamt.v);
  o->set_psn_part_amt(s.psn_part_amt.v);
  o->set_acct_pay(s.acct_pay.v);
  o->set_acct_mulaid_pay(s.acct_mulaid_pay.v);
  o->set_psn_cash_pay(s.psn_cash_pay.v);
  o->set_hosp_part_amt(s.hosp_part_amt.v);
  o->set_balc(s.balc_after.v);
  o->set_refd_setl_flag(s.cancellation ? 1 : 0);
}

void to_proto(const models::LineSplit& l, std::string_view feedetl_sn, v1::FeeLineResult* o) {
  o->set_feedetl_sn(std::string(feedetl_sn));
  o->set_det_item_fee_sumamt(l.amount.v);
  o->set_pric_uplmt_amt(l.price_cap);
  o->set_selfpay_prop(l.selfpay_prop.bp);
  o->set_fulamt_ownpay_amt(l.fulamt_ownpay.v);
  o->set_overlmt_amt(l.overlmt.v);
  o->set_preselfpay_amt(l.preselfpay.v);
  o->set_inscp_scp_amt(l.inscp.v);
  o->set_chrgitm_lv(std::string(models::charge_class_code(l.cls)));
  o->set_lmt_used_flag(l.restricted ? 1 : 0);
}

void add_details(const models::Settlement& s, const models::PolicySet& policy,
                 google::protobuf::RepeatedPtrField<v1::SetlDetail>* out) {
  for (const models::FundDetail& d : s.fund_details()) {
    v1::SetlDetail* r = out->Add();
    r->set_fund_pay_type(std::string(models::fund_layer_code(d.layer)));
    r->set_inscp_scp_amt(d.inscp_seen.v);
    r->set_crt_payb_lmt_amt(d.room_before.v);
    r->set_fund_payamt(d.paid.v);
    r->set_setl_proc_info(models::setl_proc_info(s, d, policy));
  }
}

}  // namespace yibao::convert
