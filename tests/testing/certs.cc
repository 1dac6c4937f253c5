#include "tests/testing/certs.h"

#include <chrono>

#include "tests/testing/core_process.h"

namespace yibao::testing {

bool make_test_certs(const TempDir& dir, std::string* error) {
  const std::string d = dir.file("");
  const std::string script =
      "set -e; cd '" + d + "'; "
      "K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'; "
      "openssl req -x509 $K -keyout ca.key -out ca.pem -days 2 -subj /CN=yb-test-ca; "
      "openssl req $K -keyout server.key -out server.csr -subj /CN=localhost; "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > server.ext; "
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
      "-extfile server.ext; "
      "openssl req $K -keyout client.key -out client.csr -subj /CN=yb-test-client; "
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2";
  std::string out;
  if (run_program({"/bin/sh", "-c", script}, &out, std::chrono::seconds(60)) == 0) return true;
  if (error != nullptr) *error = out;
  return false;
}

}  // namespace yibao::testing
