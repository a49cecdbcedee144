#pragma once
// JSON Web Tokens signed with HS256 (HMAC-SHA256, OpenSSL), compared in constant time.
// Only HS256 is accepted: "alg": "none" or anything else is refused, as are tampered,
// malformed and expired tokens.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stradia::gateway {

struct token_claims {
  std::string sub;  // user id
  std::string tid;  // tenant id
  std::string role;
  std::int64_t iat = 0;  // seconds since the epoch
  std::int64_t exp = 0;
};

class jwt_codec {
 public:
  explicit jwt_codec(std::string secret) : secret_(std::move(secret)) {}

  std::string sign(const token_claims& claims) const;
  // The claims of a valid token that has not expired at `now` (seconds since the epoch).
  std::optional<token_claims> verify(std::string_view token, std::int64_t now) const;

 private:
  std::string signature(std::string_view signing_input) const;
  std::string secret_;
};

}  // namespace stradia::gateway
