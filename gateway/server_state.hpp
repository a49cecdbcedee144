#pragma once
// The server's shared state (chat-multi's shared_state): options, counters, the I/O
// context, the lanes, the acceptor and the open WebSockets. The listener, the HTTP
// sessions and the WebSocket sessions each live in their own file and meet here. Internal
// to the gateway: Beast and Asio stay out of every other header.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gateway/http_server.hpp"
#include "gateway/problem.hpp"

namespace stradia::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

inline constexpr std::size_t max_websocket_frame = 64 * 1024;  // larger frames close the socket (1009)
inline constexpr std::size_t header_limit = 16 * 1024;
inline constexpr std::size_t screened_body_size = 16 * 1024;  // larger bodies are read after the headers pass

// An id that ties a 500 to its log line.
std::string new_correlation_id();

// One kind of work on its own threads, with a bound on what may wait for them.
struct lane_pool {
  lane_pool(int threads, std::size_t limit) : pool(static_cast<std::size_t>(std::max(1, threads))), limit(limit) {}
  net::thread_pool pool;
  std::atomic<std::size_t> admitted{0};  // waiting or running
  std::size_t limit;
};

// What shutdown asks of an open WebSocket.
class open_socket {
 public:
  virtual ~open_socket() = default;
  virtual void close_going_away() = 0;
};

struct http_server::impl {
  server_options options;
  http_handlers http;
  websocket_handlers websocket;
  server_stats stats;
  net::io_context io;
  lane_pool standard, outbound, hashing;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  net::signal_set signals;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};
  std::atomic<bool> accept_paused{false};  // at the connection cap
  std::mutex sockets_mutex;
  std::vector<std::weak_ptr<open_socket>> sockets;  // closed with "going away" on shutdown
  std::unordered_map<std::string, std::size_t> sockets_per_user;

  impl(server_options o, http_handlers h, websocket_handlers w)
      : options(resolved(std::move(o))),
        http(std::move(h)),
        websocket(std::move(w)),
        io(options.io_threads),  // the hint tells Asio how many threads share its queue
        standard(options.worker_threads, options.lane_queue_limit),
        outbound(options.outbound_threads, options.lane_queue_limit),
        hashing(options.hashing_threads, options.lane_queue_limit),
        acceptor(net::make_strand(io)),
        accept_retry(acceptor.get_executor()),
        signals(io, SIGINT, SIGTERM) {}

  // io_threads 0 becomes one per core before the io_context is built with it as its hint:
  // with a hint of 1 Asio keeps a thread's posted work to that thread.
  static server_options resolved(server_options o) {
    if (o.io_threads <= 0) o.io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return o;
  }

  void accept();
  void on_accept_error(const beast::error_code& ec);
  void connection_closed();
  void begin_shutdown();

  lane_pool& pool_of(request_lane lane) {
    switch (lane) {
      case request_lane::outbound: return outbound;
      case request_lane::hashing: return hashing;
      default: return standard;
    }
  }

  // Runs `work` on the lane's threads; false (and nothing runs) when the lane is full.
  template <class Work>
  bool run_on(request_lane lane, Work&& work) {
    auto& l = pool_of(lane);
    if (l.admitted.fetch_add(1) >= l.limit) {
      --l.admitted;
      ++stats.lane_full;
      return false;
    }
    net::post(l.pool, [&l, work = std::forward<Work>(work)]() mutable {
      work();
      --l.admitted;
    });
    return true;
  }

  // The handler's answer; an exception in it is logged and answered 500, never fatal.
  http_response answer(const http_request& request) {
    try {
      return http.handle(request);
    } catch (const std::exception& e) {
      return internal_error(request.method + " " + request.target.substr(0, request.target.find('?')), e.what());
    } catch (...) {
      return internal_error(request.method + " " + request.target.substr(0, request.target.find('?')),
                            "an unknown exception");
    }
  }

  // Logs an exception a handler let through; the id ties the client's answer to the line.
  std::string log_internal_error(const std::string& what, const char* why) {
    ++stats.internal_errors;
    const auto id = new_correlation_id();
    std::fprintf(stderr, "stradia: internal error %s in %s: %s\n", id.c_str(), what.c_str(), why);
    return id;
  }

  http_response internal_error(const std::string& what, const char* why) {
    const auto id = log_internal_error(what, why);
    auto response = problem(problem_code::internal, "Something went wrong on our side (correlation id " + id + ").");
    response.headers.emplace_back("X-Correlation-Id", id);
    return response;
  }

  bool take_socket_seat(const std::string& user_id) {
    std::lock_guard lock(sockets_mutex);
    auto& held = sockets_per_user[user_id];
    if (held >= options.websocket_per_user) return false;
    ++held;
    return true;
  }

  void leave_socket_seat(const std::string& user_id) {
    std::lock_guard lock(sockets_mutex);
    const auto found = sockets_per_user.find(user_id);
    if (found != sockets_per_user.end() && --found->second == 0) sockets_per_user.erase(found);
  }
};

// A new connection's HTTP session (http_session.cpp).
void start_http_session(http_server::impl& server, tcp::socket socket);
// The WebSocket a session's authenticated upgrade request becomes (websocket_session.cpp).
void start_websocket_session(http_server::impl& server, beast::tcp_stream stream,
                             http::request<http::string_body> upgrade, domain::caller who);

}  // namespace stradia::gateway
