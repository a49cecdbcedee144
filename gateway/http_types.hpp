#pragma once
// A request and a response as the API logic sees them, free of Beast, so routing,
// authentication and error mapping are plain functions to test and fuzz.
#include <string>
#include <utility>
#include <vector>

namespace stradia::gateway {

struct http_request {
  std::string method;
  std::string target;  // path and query
  std::string authorization;
  std::string cookie;
  std::string idempotency_key;
  std::string body;
};

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace stradia::gateway
