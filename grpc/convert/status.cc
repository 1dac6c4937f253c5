#include "grpc/convert/status.h"

namespace yibao::convert {

grpc::Status to_grpc(const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

namespace {
template <typename Ctx>
void add_metadata(Ctx* ctx, const Status& s) {
  if (s.ok()) return;
  if (!s.reason().empty()) ctx->AddTrailingMetadata(kReasonKey, std::string(s.reason()));
  if (!s.field().empty()) ctx->AddTrailingMetadata(kFieldKey, std::string(s.field()));
  if (!s.retry_after().empty()) ctx->AddTrailingMetadata(kRetryAfterKey, std::string(s.retry_after()));
}

std::string find(const std::multimap<grpc::string_ref, grpc::string_ref>& md, const char* key) {
  auto it = md.find(key);
  if (it == md.end()) return {};
  return std::string(it->second.data(), it->second.size());
}
}  // namespace

void add_refusal_metadata(grpc::ServerContext* ctx, const Status& s) { add_metadata(ctx, s); }
void add_refusal_metadata(grpc::CallbackServerContext* ctx, const Status& s) { add_metadata(ctx, s); }

Status from_grpc(const grpc::Status& s, const std::multimap<grpc::string_ref, grpc::string_ref>& trailers) {
  if (s.ok()) return Status::Ok();
  Status out(static_cast<Code>(s.error_code()), find(trailers, kReasonKey), s.error_message(),
             find(trailers, kFieldKey));
  std::string retry = find(trailers, kRetryAfterKey);
  if (!retry.empty()) out.with_retry_after(std::move(retry));
  return out;
}

}  // namespace yibao::convert
