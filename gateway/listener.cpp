// The listener (chat-multi's listener) and the server's life: accept with backoff and a
// connection cap, run the I/O threads, drain on stop.
#include <random>

#include "base/encoding.hpp"
#include "gateway/server_state.hpp"

namespace stradia::gateway {

std::string new_correlation_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto bits = random();
  return base::hex(std::string_view(reinterpret_cast<const char*>(&bits), sizeof bits));
}

void http_server::impl::accept() {
  if (draining) return;
  if (static_cast<std::size_t>(stats.connections.load()) >= options.max_connections) {
    accept_paused = true;  // connection_closed() resumes
    // A close between the check and the flag would be missed: look again.
    if (static_cast<std::size_t>(stats.connections.load()) >= options.max_connections || !accept_paused.exchange(false))
      return;
  }
  acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || draining) return;  // closed for shutdown
    if (ec) return on_accept_error(ec);
    // Answers and frames go out as soon as they are written: Nagle's algorithm would hold a
    // small write back until the client acknowledges the one before (up to its delayed-ACK
    // timer, 40 ms on Linux).
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    start_http_session(*this, std::move(socket));
    accept();
  });
}

// Out of file descriptors (EMFILE, ENFILE) or memory, or a connection that died in the
// backlog: wait a little and accept again; the listener never gives up.
void http_server::impl::on_accept_error(const beast::error_code& ec) {
  ++stats.accept_errors;
  static std::atomic<std::uint64_t> reported{0};
  if (reported++ % 1000 == 0) std::fprintf(stderr, "stradia: accept failed (%s); retrying\n", ec.message().c_str());
  accept_retry.expires_after(std::chrono::milliseconds(50));
  accept_retry.async_wait([this](beast::error_code timer_ec) {
    if (!timer_ec) accept();
  });
}

void http_server::impl::connection_closed() {
  --stats.connections;
  if (accept_paused.exchange(false)) net::post(acceptor.get_executor(), [this] { accept(); });
}

void http_server::impl::begin_shutdown() {
  if (draining.exchange(true)) return;
  beast::error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  {
    std::lock_guard lock(sockets_mutex);
    for (const auto& w : sockets)
      if (auto socket = w.lock()) socket->close_going_away();
  }
  // Wait for requests in flight and for the sockets' closing handshakes, then stop the loop.
  auto timer = std::make_shared<net::steady_timer>(io);
  const auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, timer, deadline, poll] {
    bool sockets_open = false;
    {
      std::lock_guard lock(sockets_mutex);
      for (const auto& w : sockets) sockets_open = sockets_open || !w.expired();
    }
    if ((in_flight == 0 && !sockets_open) || std::chrono::steady_clock::now() >= deadline) {
      io.stop();
      return;
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait([poll](beast::error_code) { (*poll)(); });
  };
  (*poll)();
}

http_server::http_server(server_options options, http_handlers http, websocket_handlers websocket)
    : impl_(std::make_unique<impl>(std::move(options), std::move(http), std::move(websocket))) {
  const tcp::endpoint endpoint(net::ip::make_address(impl_->options.address), impl_->options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
}

http_server::~http_server() {
  impl_->standard.pool.join();
  impl_->outbound.pool.join();
  impl_->hashing.pool.join();
}

unsigned short http_server::port() const { return impl_->acceptor.local_endpoint().port(); }

const server_stats& http_server::stats() const { return impl_->stats; }

void http_server::run() {
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->begin_shutdown();
  });
  impl_->accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.io_threads; ++i) threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& t : threads) t.join();
}

void http_server::stop() {
  net::post(impl_->io, [this] { impl_->begin_shutdown(); });
}

}  // namespace stradia::gateway
