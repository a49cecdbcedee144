#pragma once
// A SCRAM-SHA-256 password verifier as Postgres stores it (RFC 5802 / RFC 7677), made on the
// client so the password itself never travels in a statement (or a server log).
#include <string>
#include <string_view>

namespace stradia::base {

// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" (base64) for an ASCII password,
// with a fresh random 16-byte salt.
std::string scram_sha256_verifier(std::string_view password, int iterations = 4096);
// The same with a given salt (for tests against known vectors).
std::string scram_sha256_verifier(std::string_view password, std::string_view salt, int iterations);

}  // namespace stradia::base
