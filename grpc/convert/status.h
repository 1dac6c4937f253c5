// Status <-> grpc::Status, and the refusal metadata of DESIGN.md §4 (wire decisions).
//
// A refusal travels as a non-OK grpc::Status whose message is the human sentence, with trailing
// metadata `yb-reason` (reason code), `yb-field` (offending field) and `yb-retry-after` (ISO 8601
// civil time). A replayed reply carries `yb-replay: 1`. These helpers are the only place the
// metadata keys are spelled. Pure functions; thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <string>
#include <string_view>

#include "models/status.h"

namespace yibao::convert {

inline constexpr const char* kReasonKey = "yb-reason";
inline constexpr const char* kFieldKey = "yb-field";
inline constexpr const char* kRetryAfterKey = "yb-retry-after";
inline constexpr const char* kReplayKey = "yb-replay";

// The grpc::Status of a yibao Status (code and message; metadata goes separately).
grpc::Status to_grpc(const Status& s);

// Adds yb-reason / yb-field / yb-retry-after of `s` to a server context's trailing metadata.
void add_refusal_metadata(grpc::ServerContext* ctx, const Status& s);
void add_refusal_metadata(grpc::CallbackServerContext* ctx, const Status& s);

// Rebuilds a yibao Status on the client side from the grpc::Status and the trailing metadata.
// A non-OK status without yb-reason (a transport failure) keeps its code and gets an empty
// reason.
Status from_grpc(const grpc::Status& s, const std::multimap<grpc::string_ref, grpc::string_ref>& trailers);

}  // namespace yibao::convert
