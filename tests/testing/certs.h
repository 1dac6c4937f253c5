// Test certificates made with openssl at test time (no key material in the repository): a CA
// (ca.pem, ca.key), a server certificate for localhost and 127.0.0.1 (server.pem, server.key)
// and a client certificate (client.pem, client.key), all EC P-256, valid for 2 days, written
// into `dir`. Returns false (with openssl's output in `error`) if openssl failed.
#pragma once

#include <string>

#include "tests/testing/temp_dir.h"

namespace yibao::testing {

bool make_test_certs(const TempDir& dir, std::string* error);

}  // namespace yibao::testing
