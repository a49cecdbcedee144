#include "gateway/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include "gateway/problem.hpp"

namespace stradia::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct http_server::impl {
  server_options options;
  handler on_request;
  net::io_context io;
  net::thread_pool workers;
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

  impl(server_options o, handler h)
      : options(std::move(o)),
        on_request(std::move(h)),
        io(std::max(1, options.io_threads)),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        acceptor(net::make_strand(io)),
        signals(io, SIGINT, SIGTERM) {}

  void accept();
  void begin_shutdown();
};

namespace {

// One connection: read a request, hand it to the worker pool, write the answer on this
// connection's strand, and read the next (keep-alive). One request in flight at a time.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket socket, http_server::impl& server) : stream_(std::move(socket)), server_(server) {}

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(server_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      return write(problem("PAYLOAD_TOO_LARGE", "The body is larger than 1 MiB."));
    }
    if (ec) return close();
    const auto& message = parser_->get();
    keep_alive_ = message.keep_alive() && !server_.draining;
    http_request request{std::string(message.method_string()),
                         std::string(message.target()),
                         std::string(message[http::field::authorization]),
                         std::string(message[http::field::cookie]),
                         std::string(message["Idempotency-Key"]),
                         message.body()};
    ++server_.in_flight;
    net::post(server_.workers, [self = shared_from_this(), request = std::move(request)] {
      auto response = self->server_.on_request(request);
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        --self->server_.in_flight;
        self->write(std::move(response));
      });
    });
  }

  void write(http_response response) {
    auto message = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), 11);
    message->set(http::field::server, "stradia");
    message->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) message->insert(name, value);
    message->keep_alive(keep_alive_ && !server_.draining);
    message->body() = std::move(response.body);
    message->prepare_payload();
    stream_.expires_after(server_.options.read_timeout);
    http::async_write(stream_, *message, [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
      if (ec || !message->keep_alive()) return self->close();
      self->do_read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http_server::impl& server_;
  bool keep_alive_ = true;
};

}  // namespace

void http_server::impl::accept() {
  acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed for shutdown
    std::make_shared<http_session>(std::move(socket), *this)->start();
    accept();
  });
}

void http_server::impl::begin_shutdown() {
  if (draining.exchange(true)) return;
  beast::error_code ignored;
  acceptor.close(ignored);
  // Wait for requests in flight, then stop the loop.
  auto timer = std::make_shared<net::steady_timer>(io);
  const auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [this, timer, deadline, poll] {
    if (in_flight == 0 || std::chrono::steady_clock::now() >= deadline) {
      io.stop();
      return;
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait([poll](beast::error_code) { (*poll)(); });
  };
  (*poll)();
}

http_server::http_server(server_options options, handler on_request)
    : impl_(std::make_unique<impl>(std::move(options), std::move(on_request))) {
  if (impl_->options.io_threads <= 0)
    impl_->options.io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const tcp::endpoint endpoint(net::ip::make_address(impl_->options.address), impl_->options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
}

http_server::~http_server() { impl_->workers.join(); }

unsigned short http_server::port() const { return impl_->acceptor.local_endpoint().port(); }

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
