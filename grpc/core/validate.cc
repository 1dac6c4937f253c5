#include "grpc/core/validate.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/sha.h>

#include <memory>

#include "models/time.h"

namespace yibao::core {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

Status bad(std::string message, std::string field) {
  return Status::Refuse(reason::kBadRequest, std::move(message), std::move(field));
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

bool alnum(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

Status check_string(std::string_view v, const std::string& path, bool document) {
  const size_t limit = document ? kMaxDocument : kMaxString;
  if (v.size() > limit) return bad(path + " is longer than " + std::to_string(limit) + " bytes", path);
  for (unsigned char c : v)
    if ((c < 0x20 && !(document && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
      return bad(path + " contains a control character", path);
  return Status::Ok();
}

// Walks every set field of `m`; `prefix` names the path for yb-field ("feedetail[3].cnt").
Status check_bounds(const Message& m, const std::string& prefix, const Bounds& bounds) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string name = prefix.empty() ? f->name() : prefix + "." + f->name();
    if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      const int limit = f->name() == "feedetail" ? kMaxFeeLines : bounds.max_repeated;
      if (n > limit)
        return bad(name + " has " + std::to_string(n) + " elements, more than " + std::to_string(limit), name);
      for (int i = 0; i < n; ++i) {
        const std::string item = name + "[" + std::to_string(i) + "]";
        switch (f->cpp_type()) {
          case FieldDescriptor::CPPTYPE_STRING:
            if (f->type() == FieldDescriptor::TYPE_STRING) YB_RETURN_IF_ERROR(check_string(r->GetRepeatedString(m, f, i), item, false));
            break;
          case FieldDescriptor::CPPTYPE_MESSAGE: YB_RETURN_IF_ERROR(check_bounds(r->GetRepeatedMessage(m, f, i), item, bounds)); break;
          case FieldDescriptor::CPPTYPE_INT64:
            if (r->GetRepeatedInt64(m, f, i) < 0) return bad(item + " is negative", item);
            break;
          case FieldDescriptor::CPPTYPE_INT32:
            if (r->GetRepeatedInt32(m, f, i) < 0) return bad(item + " is negative", item);
            break;
          default: break;
        }
      }
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        if (f->type() == FieldDescriptor::TYPE_STRING) YB_RETURN_IF_ERROR(check_string(r->GetString(m, f), name, f->name() == "yaml"));
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE: YB_RETURN_IF_ERROR(check_bounds(r->GetMessage(m, f), name, bounds)); break;
      case FieldDescriptor::CPPTYPE_INT64:
        if (r->GetInt64(m, f) < 0) return bad(name + " is negative", name);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        if (r->GetInt32(m, f) < 0) return bad(name + " is negative", name);
        break;
      default: break;
    }
  }
  return Status::Ok();
}

}  // namespace

Status validate_request(const Message& req, const yibao::settlement::v1::RequestHeader* h, std::string_view infno,
                        const Bounds& bounds) {
  if (req.ByteSizeLong() > bounds.max_payload_bytes)
    return bad("request is larger than " + std::to_string(bounds.max_payload_bytes / 1024) + " KiB", "");
  if (!infno.empty()) {
    if (h == nullptr) return bad("request has no header", "header");
    const std::string& code = h->infno();
    if (code.size() < 4 || code.size() > 8 || code.compare(0, infno.size(), infno) != 0 || !alnum(code))
      return bad("infno must be " + std::string(infno) + " (with an optional suffix) for this call", "header.infno");
    if (h->fixmedins_code().size() != 12 || !alnum(h->fixmedins_code()))
      return bad("fixmedins_code must be 12 letters or digits", "header.fixmedins_code");
    const std::string& id = h->msgid();
    if (id.size() != 30 || id.compare(0, 12, h->fixmedins_code()) != 0 || !all_digits(std::string_view(id).substr(12)) ||
        !parse_civil(std::string_view(id).substr(12, 14)))
      return bad("msgid must be fixmedins_code(12) + yyyyMMddHHmmss(14) + sequence(4)", "header.msgid");
    if (h->opter().empty()) return bad("opter is required", "header.opter");
  }
  return check_bounds(req, "", bounds);
}

std::string payload_hash(const Message& req) {
  std::unique_ptr<Message> copy(req.New());
  copy->CopyFrom(req);
  const FieldDescriptor* hf = copy->GetDescriptor()->FindFieldByName("header");
  if (hf != nullptr && hf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    auto* h = dynamic_cast<yibao::settlement::v1::RequestHeader*>(copy->GetReflection()->MutableMessage(copy.get(), hf));
    if (h != nullptr) {
      h->clear_sign_no();
      h->clear_inf_time();
      h->clear_dev_no();
      h->clear_dev_safe_info();
      h->clear_cainfo();
      h->clear_signtype();
      h->clear_opter_name();
    }
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace yibao::core
