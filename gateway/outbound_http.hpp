#pragma once
// Calls to the external APIs (Gemini, Tag Manager): one POST of JSON over http:// or
// https:// (certificates verified, SNI set), with a deadline. Blocking; any thread.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stradia::gateway {

struct url_parts {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path;  // without a trailing slash
};

std::optional<url_parts> parse_url(const std::string& url);

struct http_result {
  int status = 0;  // 0 when no answer came (connection failed, timed out)
  std::string body;
  std::string error;
};

http_result post_json(const url_parts& url, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                      std::chrono::milliseconds timeout);

}  // namespace stradia::gateway
