#pragma once
// Calls to the external APIs (Gemini, Tag Manager, Analytics Admin): one POST of JSON over
// http:// or https:// (certificates verified, SNI set) with real deadlines: to resolve and
// connect, for each read and write, and for the whole exchange, so a silent or
// tarpitting upstream costs at most the total deadline. Blocking for the caller (an
// outbound-lane thread); the I/O itself is asynchronous on a private io_context.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stradia::adapters {

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

struct outbound_deadlines {
  std::chrono::milliseconds connect{5000};  // name resolution and TCP connect (and the TLS handshake)
  std::chrono::milliseconds io{15000};      // each write or read
  std::chrono::milliseconds total{30000};   // the whole exchange
};

http_result post_json(const url_parts& url, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                      const outbound_deadlines& deadlines);

struct retry_policy {
  int attempts = 3;
  std::chrono::milliseconds first_backoff{200};  // doubled after each attempt
};

// post_json until an answer that is neither 429 nor 5xx (nor no answer at all), with
// backoff; the last result when every attempt failed that way.
http_result post_json_retrying(const url_parts& url, const std::string& target,
                               const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                               const outbound_deadlines& deadlines, retry_policy retries);

// "HTTP 503" or the transport's error, for messages.
std::string describe_failure(const http_result& result);

}  // namespace stradia::adapters
