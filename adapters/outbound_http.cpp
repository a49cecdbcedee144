#include "adapters/outbound_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <thread>

namespace stradia::adapters {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<url_parts> parse_url(const std::string& url) {
  url_parts out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  out.base_path = slash == std::string::npos ? "" : rest.substr(slash);
  if (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  const auto colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  out.port = colon == std::string::npos ? (out.tls ? "443" : "80") : authority.substr(colon + 1);
  return out;
}

namespace {

// Runs one asynchronous operation on the private io_context until it completes or its
// deadline passes; then `abandon` (closing the socket) makes it complete as cancelled.
class timed_exchange {
 public:
  timed_exchange(std::chrono::steady_clock::time_point total_deadline) : total_deadline_(total_deadline) {}

  net::io_context& io() { return io_; }

  template <class Start, class Abandon>
  beast::error_code run(std::chrono::milliseconds step, Start start, Abandon abandon) {
    beast::error_code result = net::error::timed_out;
    bool done = false;
    start([&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    const auto deadline = std::min(std::chrono::steady_clock::now() + step, total_deadline_);
    io_.restart();
    while (!done && std::chrono::steady_clock::now() < deadline) io_.run_one_until(deadline);
    if (!done) {
      abandon();
      io_.restart();
      io_.run();  // the operation completes, cancelled
      return net::error::timed_out;
    }
    return result;
  }

 private:
  net::io_context io_;
  std::chrono::steady_clock::time_point total_deadline_;
};

template <class Stream>
http_result exchange(timed_exchange& x, Stream& stream, http::request<http::string_body>& request,
                     const outbound_deadlines& deadlines) {
  auto abandon = [&] {
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
  };
  auto ec = x.run(
      deadlines.io,
      [&](auto done) { http::async_write(stream, request, [done](beast::error_code e, std::size_t) { done(e); }); },
      abandon);
  if (ec) return {0, {}, "sending the request: " + ec.message()};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(8 * 1024 * 1024);
  ec = x.run(
      deadlines.io,
      [&](auto done) {
        http::async_read(stream, buffer, parser, [done](beast::error_code e, std::size_t) { done(e); });
      },
      abandon);
  if (ec) return {0, {}, "reading the answer: " + ec.message()};
  auto response = parser.release();
  return {static_cast<int>(response.result_int()), std::move(response.body()), {}};
}

}  // namespace

http_result send(const url_parts& url, const outbound_request& outbound, const outbound_deadlines& deadlines) {
  try {
    timed_exchange x(std::chrono::steady_clock::now() + deadlines.total);
    net::ip::tcp::resolver resolver(x.io());
    net::ip::tcp::resolver::results_type endpoints;
    auto ec = x.run(
        deadlines.connect,
        [&](auto done) {
          resolver.async_resolve(url.host, url.port, [&, done](beast::error_code e, auto found) {
            endpoints = std::move(found);
            done(e);
          });
        },
        [&] { resolver.cancel(); });
    if (ec) return {0, {}, "resolving " + url.host + ": " + ec.message()};
    http::request<http::string_body> request{http::string_to_verb(outbound.method), outbound.target, 11};
    request.set(http::field::host, url.host);
    request.set(http::field::accept, "application/json");
    if (!outbound.body.empty()) request.set(http::field::content_type, outbound.content_type);
    for (const auto& [name, value] : outbound.headers) request.set(name, value);
    request.body() = outbound.body;
    request.prepare_payload();
    auto connect = [&](beast::tcp_stream& tcp) {
      return x.run(
          deadlines.connect,
          [&](auto done) { tcp.async_connect(endpoints, [done](beast::error_code e, const auto&) { done(e); }); },
          [&] {
            beast::error_code ignored;
            tcp.socket().close(ignored);
          });
    };
    if (!url.tls) {
      beast::tcp_stream stream(x.io());
      if (ec = connect(stream); ec) return {0, {}, "connecting to " + url.host + ": " + ec.message()};
      return exchange(x, stream, request, deadlines);
    }
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(net::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(x.io(), tls);
    SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
    stream.set_verify_callback(net::ssl::host_name_verification(url.host));
    if (ec = connect(beast::get_lowest_layer(stream)); ec)
      return {0, {}, "connecting to " + url.host + ": " + ec.message()};
    ec = x.run(
        deadlines.connect,
        [&](auto done) {
          stream.async_handshake(net::ssl::stream_base::client, [done](beast::error_code e) { done(e); });
        },
        [&] {
          beast::error_code ignored;
          beast::get_lowest_layer(stream).socket().close(ignored);
        });
    if (ec) return {0, {}, "TLS handshake with " + url.host + ": " + ec.message()};
    return exchange(x, stream, request, deadlines);
  } catch (const std::exception& e) {
    return {0, {}, e.what()};
  }
}

http_result send_retrying(const url_parts& url, const outbound_request& request, const outbound_deadlines& deadlines,
                          retry_policy retries, bool idempotent) {
  // The total deadline covers every attempt and the waits between them.
  const auto give_up_at = std::chrono::steady_clock::now() + deadlines.total;
  auto backoff = retries.first_backoff;
  http_result reply;
  for (int attempt = 0; attempt < std::max(retries.attempts, 1); ++attempt) {
    if (attempt > 0) {
      if (std::chrono::steady_clock::now() + backoff >= give_up_at) break;
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    auto left = deadlines;
    left.total = std::chrono::duration_cast<std::chrono::milliseconds>(give_up_at - std::chrono::steady_clock::now());
    if (left.total.count() <= 0) break;
    reply = send(url, request, left);
    if (!idempotent && reply.status != 429) return reply;
    if (reply.status != 429 && reply.status < 500 && reply.status != 0) return reply;
  }
  if (reply.status == 0 && reply.error.empty()) reply.error = "no answer within the deadline";
  return reply;
}

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string describe_failure(const http_result& result) {
  return result.status == 0 ? result.error : "HTTP " + std::to_string(result.status);
}

}  // namespace stradia::adapters
