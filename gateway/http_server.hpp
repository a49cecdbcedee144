#pragma once
// The HTTP/1.1 and WebSocket server: Boost.Beast on an Asio thread pool sized to the cores,
// a strand per connection, keep-alive, a 1 MiB body limit (413), header and read timeouts;
// GET /ws upgrades after the handshake authenticates (64 KiB frames, ping keepalive, one
// write in flight and a bounded queue per socket: a client that falls behind is closed). Handlers
// block (they talk to Postgres), so they run on a separate worker pool and the answer is
// written back on the connection's strand. stop() stops accepting, lets requests in
// flight finish (up to a grace period), then returns from run(). Thread-safe.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "domain/context.hpp"
#include "domain/expected.hpp"
#include "gateway/board_hub.hpp"
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
  std::size_t websocket_queue_limit = 1024;         // frames a client may fall behind before it is dropped
  std::chrono::seconds websocket_idle_timeout{60};  // pings every half of it; no answer closes
};

// Counters of the WebSocket side, for GET /metrics.
struct websocket_stats {
  std::atomic<std::int64_t> open{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> dropped_slow{0};  // closed because their send queue was full
  std::atomic<std::uint64_t> frames_sent{0};
};

// GET /ws: the handshake's authentication and what the socket's frames do.
struct websocket_handlers {
  websocket_stats* stats = nullptr;
  // The caller, or the HTTP answer refusing the upgrade (401).
  std::function<domain::expected<domain::caller, http_response>(const http_request&)> authenticate;
  // A text frame (on the worker pool; the next frame is read once it returns).
  std::function<void(const std::shared_ptr<live_connection>&, const domain::caller&, std::string_view)> on_frame;
  // The socket closed; the boards it had joined.
  std::function<void(const live_connection*, const std::vector<std::string>&)> on_close;
};

class http_server {
 public:
  using handler = std::function<http_response(const http_request&)>;

  http_server(server_options options, handler on_request, websocket_handlers websocket = {});
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
