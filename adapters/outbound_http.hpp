#pragma once
// Calls to the external APIs (Gemini, Tag Manager, Analytics Admin, OAuth): one request over
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

struct outbound_request {
  std::string method = "POST";  // GET, POST, PUT, PATCH
  std::string target;           // path and query, the base path included
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent when not empty
  std::string content_type = "application/json";
};

http_result send(const url_parts& url, const outbound_request& request, const outbound_deadlines& deadlines);

struct retry_policy {
  int attempts = 3;
  std::chrono::milliseconds first_backoff{200};  // doubled after each attempt
};

// send until an answer that is neither 429 nor 5xx (nor no answer at all), with backoff;
// the last result when every attempt failed that way. A request that is not `idempotent`
// (a POST that creates) is repeated on 429 only: after a 5xx or a timeout it may have been
// carried out.
http_result send_retrying(const url_parts& url, const outbound_request& request, const outbound_deadlines& deadlines,
                          retry_policy retries, bool idempotent = true);

// RFC 3986 percent-encoding of a query value or a form field.
std::string url_encode(std::string_view text);

// "HTTP 503" or the transport's error, for messages.
std::string describe_failure(const http_result& result);

}  // namespace stradia::adapters
