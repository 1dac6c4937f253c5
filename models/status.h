// Status and Result<T>: the one way a failure the caller can act on travels (DESIGN.md §8).
//
// Status has LevelDB's shape: an OK status holds no allocation (a null pointer), so returning
// Status::Ok() on the hot path is free. A non-OK status carries
//   - a code with gRPC's numbering, chosen by its retry meaning (FAILED_PRECONDITION: do not
//     retry; UNAVAILABLE: back off and retry);
//   - a stable reason code of DOMAIN.md §3.1 ("E_STATE", "E_RULE_RX5", ...);
//   - a human sentence;
//   - optionally the offending field ("yb-field") and a retry-after civil time.
// Result<T> holds a T or a non-OK Status (a small subset of std::expected).
// Both are values; not thread-safe to mutate concurrently, safe to copy between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "models/check.h"

namespace yibao {

// Same numbers as grpc::StatusCode (never renumber).
enum class Code : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

std::string_view code_name(Code code);

// Reason codes of DOMAIN.md §3.1 (a project convention; stable strings on the wire).
namespace reason {
inline constexpr std::string_view kDupMsgid = "E_DUP_MSGID";
inline constexpr std::string_view kSignin = "E_SIGNIN";
inline constexpr std::string_view kPsnNotFound = "E_PSN_NOT_FOUND";
inline constexpr std::string_view kPsnSuspended = "E_PSN_SUSPENDED";
inline constexpr std::string_view kPsnLapsed = "E_PSN_LAPSED";
inline constexpr std::string_view kFacSuspended = "E_FAC_SUSPENDED";
inline constexpr std::string_view kFacTerminated = "E_FAC_TERMINATED";
inline constexpr std::string_view kDeptSuspended = "E_DEPT_SUSPENDED";
inline constexpr std::string_view kSwitchover = "E_SWITCHOVER";
inline constexpr std::string_view kState = "E_STATE";
inline constexpr std::string_view kSumMismatch = "E_SUM_MISMATCH";
inline constexpr std::string_view kUnknownRef = "E_UNKNOWN_REF";
inline constexpr std::string_view kBadRequest = "E_BAD_REQUEST";
inline constexpr std::string_view kNotYourVisit = "E_NOT_YOUR_VISIT";
inline constexpr std::string_view kMsgidConflict = "E_MSGID_CONFLICT";
inline constexpr std::string_view kUnsupported = "E_UNSUPPORTED";
inline constexpr std::string_view kClockUnset = "E_CLOCK_UNSET";
inline constexpr std::string_view kInternal = "E_INTERNAL";
// Audit-rule refusals are "E_RULE_<id>", see models/rules.h.
}  // namespace reason

// DOMAIN.md §11.1: the one mapping from a reason code to its status code.
// "E_RULE_*" and every code not listed map to FAILED_PRECONDITION.
Code code_for_reason(std::string_view reason);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }

  // A refusal whose code follows from its reason (§11.1).
  static Status Refuse(std::string_view reason, std::string message, std::string field = {});
  // Any code with an explicit reason.
  Status(Code code, std::string_view reason, std::string message, std::string field = {});

  Status(const Status& other) : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  std::string_view reason() const { return rep_ ? std::string_view(rep_->reason) : std::string_view(); }
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : std::string_view(); }
  std::string_view field() const { return rep_ ? std::string_view(rep_->field) : std::string_view(); }
  // ISO 8601 civil time after which a retry may succeed (switchover windows); empty if none.
  std::string_view retry_after() const { return rep_ ? std::string_view(rep_->retry_after) : std::string_view(); }
  Status& with_retry_after(std::string when) {
    if (rep_) rep_->retry_after = std::move(when);
    return *this;
  }

  // "FAILED_PRECONDITION E_STATE: visit is settled [field mdtrt_id]"
  std::string ToString() const;

 private:
  struct Rep {
    Code code;
    std::string reason;
    std::string message;
    std::string field;
    std::string retry_after;
  };
  std::unique_ptr<Rep> rep_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    YB_CHECK(!std::get<Status>(v_).ok(), "Result built from an OK status without a value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }

  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status take_status() && { return ok() ? Status() : std::move(std::get<Status>(v_)); }

  T& value() & {
    YB_CHECK(ok(), "value() on an error Result");
    return std::get<T>(v_);
  }
  const T& value() const& {
    YB_CHECK(ok(), "value() on an error Result");
    return std::get<T>(v_);
  }
  T&& value() && {
    YB_CHECK(ok(), "value() on an error Result");
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<T>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace yibao

#define YB_STATUS_CONCAT_INNER_(a, b) a##b
#define YB_STATUS_CONCAT_(a, b) YB_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if it is not OK.
#define YB_RETURN_IF_ERROR(expr)                    \
  do {                                              \
    ::yibao::Status yb_status_ = (expr);            \
    if (!yb_status_.ok()) return yb_status_;        \
  } while (0)

// YB_ASSIGN_OR_RETURN(auto x, MakeX()); assigns the value or returns the status.
#define YB_ASSIGN_OR_RETURN(lhs, expr) \
  YB_ASSIGN_OR_RETURN_IMPL_(YB_STATUS_CONCAT_(yb_result_, __LINE__), lhs, expr)
#define YB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).take_status(); \
  lhs = std::move(tmp).value()
