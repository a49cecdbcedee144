#include "adapters/oauth_client.hpp"

#include <simdjson.h>
#include <sodium.h>

#include "adapters/google_json.hpp"

namespace stradia::adapters {

base::expected<commands::refreshed_tokens, std::string> oauth_client::refresh(const std::string& refresh_token) {
  const auto url = parse_url(options_.token_url);
  if (!url) return base::unexpected(std::string("the OAuth token URL must start with http:// or https://"));
  outbound_request request;
  request.target = url->base_path.empty() ? "/" : url->base_path;
  request.content_type = "application/x-www-form-urlencoded";
  request.body = "grant_type=refresh_token&client_id=" + url_encode(options_.client_id) +
                 "&client_secret=" + url_encode(options_.client_secret) + "&refresh_token=" + url_encode(refresh_token);
  auto reply = send_retrying(*url, request, options_.deadlines, options_.retries);
  // The request carried the client secret and the refresh token, the answer the new tokens.
  struct wiped {
    std::string& text;
    ~wiped() { sodium_memzero(text.data(), text.size()); }
  } request_wipe{request.body}, reply_wipe{reply.body};
  // The request carried secrets: only the status and the provider's error code leave here.
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const bool parsed = reply.status != 0 && !parser.parse(reply.body).get(root);
  if (reply.status != 200) {
    const auto error = parsed ? text_at(root, "error") : std::nullopt;
    return base::unexpected("the token endpoint answered " + describe_failure(reply) +
                            (error ? " (" + error->substr(0, 100) + ")" : std::string()));
  }
  auto access = parsed ? text_at(root, "access_token") : std::nullopt;
  if (!access || access->empty())
    return base::unexpected(std::string("the token endpoint's answer has no access_token"));
  return commands::refreshed_tokens{std::move(*access), parsed ? text_at(root, "refresh_token").value_or("") : ""};
}

}  // namespace stradia::adapters
