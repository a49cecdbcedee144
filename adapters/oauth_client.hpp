#pragma once
// OAuth 2.0 refresh on Google's token endpoint (RFC 6749 §6): POST
// application/x-www-form-urlencoded grant_type=refresh_token, client_id, client_secret,
// refresh_token; the answer's access_token (and refresh_token, when rotated). A 400/401
// (invalid_grant: expired or revoked) is a refusal; 429 and 5xx are retried with backoff.
#include <string>

#include "adapters/outbound_http.hpp"
#include "commands/oauth_refresher.hpp"

namespace stradia::adapters {

struct oauth_options {
  std::string token_url = "https://oauth2.googleapis.com/token";
  std::string client_id;
  std::string client_secret;
  outbound_deadlines deadlines;
  retry_policy retries;
};

class oauth_client final : public commands::oauth_refresher {
 public:
  explicit oauth_client(oauth_options options) : options_(std::move(options)) {}

  base::expected<commands::refreshed_tokens, std::string> refresh(const std::string& refresh_token) override;

 private:
  oauth_options options_;
};

}  // namespace stradia::adapters
