// ForwardingLedger: a Ledger that hands every call to another one. A test derives from it and
// overrides the calls it wants to watch or slow down (group_commit_test.cc: the sync).
#pragma once

#include "grpc/core/ledger.h"

namespace yibao::core::testing {

class ForwardingLedger : public Ledger {
 public:
  explicit ForwardingLedger(Ledger& inner) : inner_(inner) {}

  std::string describe() const override { return inner_.describe(); }
  Status begin_batch() override { return inner_.begin_batch(); }
  Status commit_batch() override { return inner_.commit_batch(); }
  Status commit_unsynced() override { return inner_.commit_unsynced(); }
  Status sync_committed() override { return inner_.sync_committed(); }
  void abort_batch() override { return inner_.abort_batch(); }
  Status savepoint() override { return inner_.savepoint(); }
  Status release_savepoint() override { return inner_.release_savepoint(); }
  Status rollback_savepoint() override { return inner_.rollback_savepoint(); }
  std::optional<std::string> get_meta(std::string_view key) override { return inner_.get_meta(key); }
  Status put_meta(std::string_view key, std::string_view value) override { return inner_.put_meta(key, value); }
  Result<int64_t> next_sequence(std::string_view name) override { return inner_.next_sequence(name); }
  std::optional<JournalEntry> find_journal(std::string_view msgid) override { return inner_.find_journal(msgid); }
  Status put_journal(const JournalEntry& e) override { return inner_.put_journal(e); }
  std::optional<models::Facility> get_facility(std::string_view code) override { return inner_.get_facility(code); }
  Status put_facility(const models::Facility& f) override { return inner_.put_facility(f); }
  std::optional<models::Person> get_person(std::string_view psn_no) override { return inner_.get_person(psn_no); }
  Status put_person(const models::Person& p) override { return inner_.put_person(p); }
  int64_t count_persons() override { return inner_.count_persons(); }
  int64_t count_facilities() override { return inner_.count_facilities(); }
  std::optional<Fen> get_balance(std::string_view psn_no) override { return inner_.get_balance(psn_no); }
  Status put_balance(std::string_view psn_no, Fen balc) override { return inner_.put_balance(psn_no, balc); }
  std::optional<models::Accumulators> get_accumulators(std::string_view psn_no, models::Insutype t,
                                                       int32_t year) override {
    return inner_.get_accumulators(psn_no, t, year);
  }
  Status put_accumulators(std::string_view psn_no, models::Insutype t, int32_t year,
                          const models::Accumulators& a) override {
    return inner_.put_accumulators(psn_no, t, year, a);
  }
  std::vector<AccKey> all_accumulators() override { return inner_.all_accumulators(); }
  Status put_filing(const models::Filing& f) override { return inner_.put_filing(f); }
  std::optional<models::Filing> get_filing(std::string_view id) override { return inner_.get_filing(id); }
  std::vector<models::Filing> filings_of(std::string_view psn_no) override { return inner_.filings_of(psn_no); }
  Status put_signin(const SignIn& s) override { return inner_.put_signin(s); }
  std::vector<SignIn> all_signins() override { return inner_.all_signins(); }
  std::optional<Visit> get_visit(std::string_view mdtrt_id) override { return inner_.get_visit(mdtrt_id); }
  Status put_visit(const Visit& v) override { return inner_.put_visit(v); }
  std::optional<Visit> find_visit_by_key(std::string_view fixmedins_code, VisitKind kind,
                                         std::string_view key) override {
    return inner_.find_visit_by_key(fixmedins_code, kind, key);
  }
  std::optional<Visit> find_open_stay(std::string_view fixmedins_code, std::string_view psn_no) override {
    return inner_.find_open_stay(fixmedins_code, psn_no);
  }
  std::vector<FeeLineRecord> lines_of(std::string_view mdtrt_id) override { return inner_.lines_of(mdtrt_id); }
  Status put_line(const FeeLineRecord& l) override { return inner_.put_line(l); }
  Status move_lines(std::string_view mdtrt_id, std::string_view from, std::string_view to) override {
    return inner_.move_lines(mdtrt_id, from, to);
  }
  Status delete_line(std::string_view mdtrt_id, std::string_view feedetl_sn) override {
    return inner_.delete_line(mdtrt_id, feedetl_sn);
  }
  std::optional<SettlementRecord> get_settlement(std::string_view setl_id) override {
    return inner_.get_settlement(setl_id);
  }
  Status put_settlement(const SettlementRecord& s) override { return inner_.put_settlement(s); }
  std::vector<SettlementRecord> settlements_of(std::string_view psn_no, models::Insutype t,
                                               int32_t care_year) override {
    return inner_.settlements_of(psn_no, t, care_year);
  }
  std::vector<FundTotals> funds() override { return inner_.funds(); }
  Status add_fund(std::string_view fund, std::string_view column, Fen amount) override {
    return inner_.add_fund(fund, column, amount);
  }
  ReconTotals recon_totals(std::string_view fixmedins_code, CivilDate from, CivilDate to, std::string_view insutype,
                           std::string_view clr_type) override {
    return inner_.recon_totals(fixmedins_code, from, to, insutype, clr_type);
  }
  std::vector<SettlementRecord> recon_rows(std::string_view fixmedins_code, CivilDate from, CivilDate to,
                                           CivilTime after_time, std::string_view after_setl_id,
                                           int32_t limit) override {
    return inner_.recon_rows(fixmedins_code, from, to, after_time, after_setl_id, limit);
  }
  Status put_document(const Document& d) override { return inner_.put_document(d); }
  std::vector<Document> documents() override { return inner_.documents(); }
  Status put_window(const SwitchoverWindow& w) override { return inner_.put_window(w); }
  std::vector<SwitchoverWindow> windows() override { return inner_.windows(); }
  Status put_suspension(const Suspension& s) override { return inner_.put_suspension(s); }
  std::vector<Suspension> suspensions() override { return inner_.suspensions(); }
  Status put_held(const HeldAmount& h) override { return inner_.put_held(h); }
  std::optional<HeldAmount> get_held(std::string_view setl_id) override { return inner_.get_held(setl_id); }
  std::vector<HeldAmount> held_amounts() override { return inner_.held_amounts(); }
  Status put_decision(const Decision& d) override { return inner_.put_decision(d); }
  std::vector<Decision> decisions() override { return inner_.decisions(); }

 protected:
  Ledger& inner_;
};

}  // namespace yibao::core::testing
