#include "models/status.h"

#include <cstdio>
#include <cstdlib>

namespace yibao {

namespace detail {
void check_failed(const char* file, int line, const char* expr, const char* what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, what, expr);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

std::string_view code_name(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kCancelled: return "CANCELLED";
    case Code::kUnknown: return "UNKNOWN";
    case Code::kInvalidArgument: return "INVALID_ARGUMENT";
    case Code::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case Code::kNotFound: return "NOT_FOUND";
    case Code::kAlreadyExists: return "ALREADY_EXISTS";
    case Code::kPermissionDenied: return "PERMISSION_DENIED";
    case Code::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case Code::kFailedPrecondition: return "FAILED_PRECONDITION";
    case Code::kAborted: return "ABORTED";
    case Code::kOutOfRange: return "OUT_OF_RANGE";
    case Code::kUnimplemented: return "UNIMPLEMENTED";
    case Code::kInternal: return "INTERNAL";
    case Code::kUnavailable: return "UNAVAILABLE";
    case Code::kDataLoss: return "DATA_LOSS";
    case Code::kUnauthenticated: return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

Code code_for_reason(std::string_view r) {
  if (r == reason::kBadRequest || r == reason::kSumMismatch) return Code::kInvalidArgument;
  if (r == reason::kSignin) return Code::kUnauthenticated;
  if (r == reason::kNotYourVisit) return Code::kPermissionDenied;
  if (r == reason::kPsnNotFound || r == reason::kUnknownRef) return Code::kNotFound;
  if (r == reason::kMsgidConflict) return Code::kAlreadyExists;
  if (r == reason::kSwitchover || r == reason::kClockUnset) return Code::kUnavailable;
  if (r == reason::kUnsupported) return Code::kUnimplemented;
  if (r == reason::kInternal) return Code::kInternal;
  return Code::kFailedPrecondition;
}

Status::Status(Code code, std::string_view reason, std::string message, std::string field) {
  if (code == Code::kOk) return;
  rep_ = std::make_unique<Rep>(Rep{code, std::string(reason), std::move(message), std::move(field), {}});
}

Status Status::Refuse(std::string_view reason, std::string message, std::string field) {
  return Status(code_for_reason(reason), reason, std::move(message), std::move(field));
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(code_name(rep_->code));
  if (!rep_->reason.empty()) s += " " + rep_->reason;
  s += ": " + rep_->message;
  if (!rep_->field.empty()) s += " [field " + rep_->field + "]";
  if (!rep_->retry_after.empty()) s += " [retry after " + rep_->retry_after + "]";
  return s;
}

}  // namespace yibao
