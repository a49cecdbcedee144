#pragma once
// The HTTP/1.1 server: Boost.Beast on an Asio thread pool sized to the cores, a strand per
// connection, keep-alive, a 1 MiB body limit (413), header and read timeouts. Handlers
// block (they talk to Postgres), so they run on a separate worker pool and the answer is
// written back on the connection's strand. stop() stops accepting, lets requests in
// flight finish (up to a grace period), then returns from run(). Thread-safe.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "gateway/http_types.hpp"

namespace stradia::gateway {

struct server_options {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0 picks a free port
  int io_threads = 0;          // 0: one per core
  int worker_threads = 16;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{10};
};

class http_server {
 public:
  using handler = std::function<http_response(const http_request&)>;

  http_server(server_options options, handler on_request);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // The port the server listens on (known once constructed).
  unsigned short port() const;
  // Serves until stop() or SIGINT/SIGTERM; returns after in-flight requests finished.
  void run();
  void stop();

  struct impl;  // the Asio side, kept out of this header

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace stradia::gateway
