// Shared steps of the Settlement operations (ops_*.cc): the facility → department → person →
// state checks of DOMAIN.md §11.3 in their one form, id making, and time parsing. Each returns
// the refusal of DOMAIN.md §3.1 with the offending field. Writer thread only.
#pragma once

#include <string>
#include <string_view>

#include "grpc/core/txn.h"
#include "models/rules.h"
#include "models/status.h"

namespace yibao::core {

// The header's facility (it signed in, so it exists unless removed since).
Result<models::Facility> own_facility(Txn& t);
// The department exists at the facility (facilities that list no departments accept any code).
Status check_department(const models::Facility& f, std::string_view dept_code, const char* field);
// The person exists (E_PSN_NOT_FOUND) and is enrolled in `insutype` on `on` (E_PSN_LAPSED); an
// empty insutype means the person's own scheme.
Result<models::Person> enrolled_person(Txn& t, std::string_view psn_no, std::string_view insutype, CivilDate on);
// The visit exists (E_UNKNOWN_REF), belongs to the header's facility (E_NOT_YOUR_VISIT), is of
// `kind` (E_STATE) and of `psn_no` when one is given (E_BAD_REQUEST).
Result<Visit> own_visit(Txn& t, std::string_view mdtrt_id, std::string_view psn_no, VisitKind kind);
// A required civil time field ("yyyy-MM-dd HH:mm:ss"); E_BAD_REQUEST naming the field.
Result<CivilTime> required_time(std::string_view text, const char* field);
// A new id: prefix + yyyyMMdd of now + 12-digit ledger sequence (unique per ledger).
Result<std::string> new_id(Txn& t, char prefix, std::string_view sequence);
// Saves a changed visit, bumping its version (2601 reverses only an unchanged visit).
Status save_visit(Txn& t, Visit& v);
// A fee line as the ledger keeps it (with its payload hash), from the wire; E_BAD_REQUEST for a
// fee_ocur_time that is not a civil time. `at` names the line in messages ("feedetail[3]").
Result<FeeLineRecord> line_record(const v1::FeeLine& l, const std::string& mdtrt_id, const std::string& chrg_bchno,
                                  const std::string& at);
// The rules' view of a line (views into `l`, which must outlive it); a line with no fee time is
// taken at `default_time`.
models::RuleLine rule_line(const FeeLineRecord& l, const models::Item* item, CivilTime default_time);
// The rules' view of a visit at care time `care` (views into the arguments).
models::RuleContext rule_context(const Visit& v, const models::Person& p, CivilTime care,
                                 const std::vector<models::Filing>& filings);
// The WARN / FLAG / SELF_PAY notices of a rule outcome, as reply warnings.
void add_rule_notices(Txn& t, const models::RuleOutcome& rules);
std::string join_diagnoses(const google::protobuf::RepeatedPtrField<v1::Diagnosis>& d);
std::string_view state_name(VisitState s);

inline Status state_error(std::string message, const char* field = "mdtrt_id") {
  return Status::Refuse(reason::kState, std::move(message), field);
}
inline Status bad_request(std::string message, const char* field) {
  return Status::Refuse(reason::kBadRequest, std::move(message), field);
}

}  // namespace yibao::core
