#pragma once
// OAuth 2.0 refresh as the execution handlers see it: a refresh token in, a new access token
// out (and a new refresh token when the provider rotates it). adapters/oauth_client
// implements it on Google's token endpoint.
#include <string>

#include "base/expected.hpp"

namespace stradia::commands {

struct refreshed_tokens {
  std::string access_token;
  std::string refresh_token;  // empty: the provider kept the old one
};

class oauth_refresher {
 public:
  virtual ~oauth_refresher() = default;
  // Why not, when the provider refused (invalid_grant) or did not answer.
  virtual base::expected<refreshed_tokens, std::string> refresh(const std::string& refresh_token) = 0;
};

}  // namespace stradia::commands
