#include "gateway/outbound_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <thread>

namespace stradia::gateway {

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

template <class Stream>
http_result exchange(Stream& stream, http::request<http::string_body>& request) {
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return {static_cast<int>(response.result_int()), response.body(), {}};
}

}  // namespace

http_result post_json(const url_parts& url, const std::string& target,
                      const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                      std::chrono::milliseconds timeout) {
  try {
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(url.host, url.port);
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, url.host);
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    if (!url.tls) {
      beast::tcp_stream stream(io);
      stream.expires_after(timeout);
      stream.connect(endpoints);
      return exchange(stream, request);
    }
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(net::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
    stream.set_verify_callback(net::ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(net::ssl::stream_base::client);
    return exchange(stream, request);
  } catch (const std::exception& e) {
    return {0, {}, e.what()};
  }
}

http_result post_json_retrying(const url_parts& url, const std::string& target,
                               const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
                               std::chrono::milliseconds timeout, retry_policy retries) {
  auto backoff = retries.first_backoff;
  http_result reply;
  for (int attempt = 0; attempt < std::max(retries.attempts, 1); ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    reply = post_json(url, target, headers, body, timeout);
    if (reply.status != 429 && reply.status < 500 && reply.status != 0) return reply;
  }
  return reply;
}

std::string describe_failure(const http_result& result) {
  return result.status == 0 ? result.error : "HTTP " + std::to_string(result.status);
}

}  // namespace stradia::gateway
