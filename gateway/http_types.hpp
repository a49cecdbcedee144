#pragma once
// A request and a response as the API logic sees them, free of Beast, so routing,
// authentication and error mapping are plain functions to test and fuzz.
#include <functional>
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
  std::string client_address;  // the peer's IP address, for per-address limits
  std::string accept;          // the Accept header (analytics answer text/csv when asked)
  std::string origin;          // the Origin header a browser sends (empty from other clients)
  std::string host;            // the Host header
};

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body too large to build at once (the event log): called on a worker thread until it
  // returns false, each call appending the next piece to its argument; sent with chunked
  // transfer encoding, one piece in flight. A failure mid-way ends the connection without
  // the closing chunk, so the client sees the answer was cut.
  std::function<bool(std::string& next)> stream;
};

}  // namespace stradia::gateway
