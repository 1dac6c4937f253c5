// The format check: the first step of the order of checks (DOMAIN.md §11.3), done on the gRPC
// thread before anything touches the ledger. A request that fails it is answered
// INVALID_ARGUMENT / E_BAD_REQUEST with the offending field and stored nowhere (§11.2), so hostile
// traffic costs no disk writes.
//
// Bounds are enforced generically over the message by protobuf reflection, so a field added to
// the contract is bounded without new code: every string ≤ kMaxString bytes and free of control
// characters (document fields excepted, see kMaxDocument), every repeated field ≤ the service's
// bound (fee lines ≤ the rules' 300), every integer ≥ 0 (requests carry no negative amounts,
// prices or counts), the whole payload ≤ the service's bound. The envelope's own rules: infno of this RPC (optional letter suffix), msgid
// = facility code(12) + yyyyMMddHHmmss(14) + sequence(4), facility code of 12 characters, an
// operator. Pure functions; thread-safe.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "models/status.h"
#include "yibao/settlement/v1/common.pb.h"

namespace yibao::core {

inline constexpr size_t kMaxString = 256;
inline constexpr int kMaxFeeLines = 300;
// A document field (a string field named `yaml`: Admin.LoadPolicy / LoadCatalog) may be this
// long and may hold line breaks and tabs.
inline constexpr size_t kMaxDocument = 1 << 20;

// Limits on repeated fields and on the whole request, per service.
struct Bounds {
  int max_repeated;
  size_t max_payload_bytes;
};
inline constexpr Bounds kSettlementBounds{1000, 256 * 1024};
// Admin batches: up to 10,000 records a call (admin.proto).
inline constexpr Bounds kAdminBounds{10000, 8 * 1024 * 1024};

// Checks the envelope and the generic bounds. `infno` is the RPC's transaction code ("2207");
// an empty `infno` (Admin calls) skips the envelope rules.
Status validate_request(const google::protobuf::Message& req, const yibao::settlement::v1::RequestHeader* header,
                        std::string_view infno, const Bounds& bounds = kSettlementBounds);

// SHA-256 (32 raw bytes) of the business payload: the request with the header's transport fields
// cleared (sign_no, inf_time, dev_no, dev_safe_info, cainfo, signtype, opter_name), serialized
// deterministically (DESIGN.md §4). Idempotency compares these.
std::string payload_hash(const google::protobuf::Message& req);

}  // namespace yibao::core
