#include "grpc/core/signins.h"

#include <mutex>

namespace yibao::core {

std::string SignIns::key(std::string_view f, std::string_view o) {
  std::string k;
  k.reserve(f.size() + o.size() + 1);
  k.append(f).push_back('\x1f');
  k.append(o);
  return k;
}

void SignIns::put(const SignIn& s) {
  std::unique_lock lock(mu_);
  by_key_[key(s.fixmedins_code, s.opter)] = s;
}

Status SignIns::check(std::string_view fixmedins_code, std::string_view opter, std::string_view sign_no,
                      CivilTime now) const {
  std::shared_lock lock(mu_);
  auto it = by_key_.find(key(fixmedins_code, opter));
  if (it == by_key_.end()) return Status::Refuse(reason::kSignin, "operator is not signed in (9001 first)", "sign_no");
  const SignIn& s = it->second;
  if (s.signed_out) return Status::Refuse(reason::kSignin, "operator signed out (9002); sign in again", "sign_no");
  if (s.sign_no != sign_no)
    return Status::Refuse(reason::kSignin, "sign_no is not the operator's current sign-in", "sign_no");
  if (s.at.date() != now.date())
    return Status::Refuse(reason::kSignin, "sign-in expired at the end of its civil day; sign in again", "sign_no");
  return Status::Ok();
}

size_t SignIns::size() const {
  std::shared_lock lock(mu_);
  return by_key_.size();
}

}  // namespace yibao::core
