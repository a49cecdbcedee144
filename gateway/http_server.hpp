#pragma once
// The HTTP/1.1 and WebSocket server: Boost.Beast on an Asio thread pool sized to the cores,
// a strand per connection, keep-alive, a 1 MiB body limit (413), header and read timeouts;
// GET /ws upgrades after the handshake authenticates (64 KiB frames, ping keepalive, one
// write in flight and a bounded queue per socket: a client that falls behind is closed).
//
// Handlers block (they talk to Postgres), so they run on worker pools, one per lane, each
// with a bounded queue (a full lane answers 503 at once): queries and commands, requests
// that call outside systems, and password hashing, so no kind of request can take the
// threads of another. The answer is written back on the connection's strand. A request
// that waits for the read models (?min_position=) holds no thread while it waits. An
// exception in a handler becomes a 500 with a correlation id; an accept error backs off
// and accepting goes on. stop() stops accepting, lets requests in flight finish (up to a
// grace period), then returns from run(). Thread-safe.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/expected.hpp"
#include "domain/context.hpp"
#include "gateway/board_hub.hpp"
#include "gateway/http_types.hpp"
#include "gateway/position_watch.hpp"

namespace stradia::gateway {

struct server_options {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;           // 0 picks a free port
  int io_threads = 0;                   // 0: one per core
  int worker_threads = 16;              // queries, commands, WebSocket frames
  int outbound_threads = 8;             // requests that call Gemini, Tag Manager, Analytics
  int hashing_threads = 2;              // Argon2 (login, InviteUser): CPU-bound, so few
  std::size_t lane_queue_limit = 512;   // requests waiting for a lane's threads before 503
  std::size_t max_connections = 10000;  // at the cap, accepting pauses until one closes
  std::size_t body_limit = 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds shutdown_grace{10};
  std::chrono::milliseconds read_your_writes_wait{5000};
  std::size_t websocket_queue_limit = 1024;         // frames a client may fall behind before it is dropped
  std::chrono::seconds websocket_idle_timeout{60};  // pings every half of it; no answer closes
  std::size_t websocket_per_user = 16;              // open sockets one user may hold
  double websocket_frames_per_second = 20;          // per socket, bursts of twice that
};

// Counters of the server, for GET /metrics.
struct server_stats {
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::uint64_t> accept_errors{0};
  std::atomic<std::uint64_t> lane_full{0};        // requests answered 503 because their lane was full
  std::atomic<std::uint64_t> internal_errors{0};  // handler exceptions answered 500
  std::atomic<std::int64_t> websocket_open{0};
  std::atomic<std::uint64_t> websocket_accepted{0};
  std::atomic<std::uint64_t> websocket_dropped_slow{0};  // closed because their send queue was full
  std::atomic<std::uint64_t> websocket_frames_sent{0};
  std::atomic<std::uint64_t> websocket_frames_limited{0};  // client frames refused by the rate limit
};

// Which threads run a request.
enum class request_lane {
  io,        // answered on the I/O thread, no blocking allowed (liveness)
  standard,  // queries and commands
  outbound,  // calls outside systems (AI, executions): slow, with deadlines
  hashing,   // Argon2
};

// What the API tells the transport about a request before it runs.
struct http_handlers {
  std::function<http_response(const http_request&)> handle;
  std::function<request_lane(const http_request&)> lane;
  // An answer from the headers alone, before the body is read (a missing token: 401), so an
  // unauthenticated client cannot make the server buffer bodies; nullopt to go on.
  std::function<std::optional<http_response>(const http_request&)> screen;
  // ?min_position=: the log position the read models must reach before the request runs
  // (0: none). The request waits on `watch`, holding no thread, up to read_your_writes_wait.
  std::function<std::int64_t(const http_request&)> wanted_position;
  position_watch* watch = nullptr;
};

// GET /ws: the handshake's authentication and what the socket's frames do.
struct websocket_handlers {
  // The caller, or the HTTP answer refusing the upgrade (401).
  std::function<base::expected<domain::caller, http_response>(const http_request&)> authenticate;
  // A text frame (on the worker pool; the next frame is read once it returns).
  std::function<void(const std::shared_ptr<live_connection>&, const domain::caller&, std::string_view)> on_frame;
  // The socket closed; the boards it had joined.
  std::function<void(const live_connection*, const std::vector<std::string>&)> on_close;
  // The frame telling a client why its frame (`refused`, as received) was not handled (rate
  // limit, busy, crash), naming the frame's request_id when it has one.
  std::function<std::string(std::string_view code, std::string_view message, std::string_view refused)> error_frame;
};

class http_server {
 public:
  http_server(server_options options, http_handlers http, websocket_handlers websocket = {});
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // The port the server listens on (known once constructed).
  unsigned short port() const;
  const server_stats& stats() const;
  // Serves until stop() or SIGINT/SIGTERM; returns after in-flight requests finished.
  void run();
  void stop();

  struct impl;  // the Asio side, kept out of this header

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace stradia::gateway
