#include "adapters/sandbox/sandbox_server.hpp"

#include <sys/socket.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <list>
#include <thread>

namespace stradia::adapters::sandbox {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

void serve_connection(tcp::socket& socket, google_sandbox& sandbox, const std::atomic<bool>& stop) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  while (!stop) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    http::read(socket, buffer, parser, ec);
    if (ec) return;
    const auto& request = parser.get();
    const auto answer = sandbox.handle({std::string(request.method_string()), std::string(request.target()),
                                        std::string(request[http::field::authorization]),
                                        std::string(request["x-goog-api-key"]), request.body()});
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    http::response<http::string_body> response{static_cast<http::status>(answer.status), request.version()};
    response.set(http::field::server, "stradia-google-sandbox");
    response.set(http::field::content_type, answer.content_type);
    response.keep_alive(request.keep_alive());
    response.body() = answer.body;
    response.prepare_payload();
    http::write(socket, response, ec);
    if (ec || !response.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

bool serve_sandbox(const std::string& host, unsigned short port, google_sandbox& sandbox, const std::atomic<bool>& stop,
                   const std::function<void(unsigned short)>& listening) {
  net::io_context io;
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) {
    std::fprintf(stderr, "stradia google-sandbox: %s is not an IP address\n", host.c_str());
    return false;
  }
  tcp::acceptor acceptor(io);
  acceptor.open(address.is_v6() ? tcp::v6() : tcp::v4(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind({address, port}, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "stradia google-sandbox: cannot listen on %s:%u: %s\n", host.c_str(), port,
                 ec.message().c_str());
    return false;
  }
  listening(acceptor.local_endpoint().port());
  // Accepts with a short timeout so a stop request is seen promptly; on stop, every
  // connection is shut down and its thread joined, so none outlives the sandbox.
  struct connection {
    explicit connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  std::list<connection> connections;
  acceptor.non_blocking(true);
  while (!stop) {
    tcp::socket socket(io);
    acceptor.accept(socket, ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (ec) continue;
    socket.non_blocking(false, ec);
    const timeval idle{30, 0};  // a silent client is let go
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
    for (auto it = connections.begin(); it != connections.end();)  // the ones that ended
      if (it->finished) {
        it->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    auto& c = connections.emplace_back(std::move(socket));
    c.thread = std::thread([&c, &sandbox, &stop] {
      serve_connection(c.socket, sandbox, stop);
      c.finished = true;
    });
  }
  for (auto& c : connections) ::shutdown(c.socket.native_handle(), SHUT_RDWR);
  for (auto& c : connections) c.thread.join();
  return true;
}

}  // namespace stradia::adapters::sandbox
