#include "gateway/gemini_client.hpp"

#include <simdjson.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <thread>

#include "gateway/json_writer.hpp"

namespace stradia::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

struct url_parts {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path;
};

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

struct http_result {
  int status = 0;
  std::string body;
  std::string error;
};

template <class Stream>
http_result exchange(Stream& stream, http::request<http::string_body>& request) {
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return {static_cast<int>(response.result_int()), response.body(), {}};
}

http_result post_json(const url_parts& url, const std::string& target, const std::string& api_key,
                      const std::string& body, std::chrono::milliseconds timeout) {
  try {
    net::io_context io;
    net::ip::tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(url.host, url.port);
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, url.host);
    request.set(http::field::content_type, "application/json");
    request.set("x-goog-api-key", api_key);
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

}  // namespace

std::string pre_flight_prompt(const std::vector<std::string>& policies, const std::string& execution_payload,
                              domain::target_platform platform) {
  std::string prompt =
      "You are the governance pre-flight check for an analytics change on " + std::string(domain::name_of(platform)) +
      ". Answer with PASS if the change below breaks none of the rules, otherwise FAIL followed by the rules it "
      "breaks.\nRules:\n";
  for (const auto& p : policies) prompt += "- " + p + "\n";
  if (policies.empty()) prompt += "- (none)\n";
  return prompt + "Change (JSON):\n" + execution_payload + "\n";
}

domain::expected<commands::generated_content, std::string> gemini_client::ask(const std::string& prompt) {
  const auto url = parse_url(options_.base_url);
  if (!url) return domain::unexpected(std::string("the Gemini base URL must start with http:// or https://"));
  json_writer body;
  body.begin_object().key("contents").begin_array().begin_object().key("parts").begin_array().begin_object();
  body.field("text", prompt);
  body.end_object().end_array().end_object().end_array().end_object();
  const auto target = url->base_path + "/v1beta/models/" + options_.model + ":generateContent";

  auto backoff = options_.first_backoff;
  std::string last_error;
  for (int attempt = 0; attempt < options_.attempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    const auto reply = post_json(*url, target, options_.api_key, body.str(), options_.timeout);
    if (reply.status == 429 || reply.status >= 500 || reply.status == 0) {
      last_error = reply.status == 0 ? reply.error : "Gemini answered HTTP " + std::to_string(reply.status);
      continue;
    }
    if (reply.status != 200) return domain::unexpected("Gemini answered HTTP " + std::to_string(reply.status));
    simdjson::ondemand::parser parser;
    const simdjson::padded_string text(reply.body);
    auto doc = parser.iterate(text);
    std::string_view answer;
    std::int64_t tokens = 0;
    if (doc["candidates"].at(0)["content"]["parts"].at(0)["text"].get_string().get(answer))
      return domain::unexpected(std::string("Gemini's answer has no text"));
    if (doc["usageMetadata"]["totalTokenCount"].get_int64().get(tokens)) tokens = 0;
    return commands::generated_content{std::string(answer), tokens};
  }
  return domain::unexpected(last_error);
}

domain::expected<commands::scan_verdict, std::string> gemini_client::scan(const std::vector<std::string>& policies,
                                                                          const std::string& execution_payload,
                                                                          domain::target_platform platform) {
  auto answer = ask(pre_flight_prompt(policies, execution_payload, platform));
  if (!answer) return domain::unexpected(answer.error());
  commands::scan_verdict verdict;
  verdict.tokens = answer->tokens;
  verdict.findings = answer->content;
  const auto start = verdict.findings.find_first_not_of(" \n\t");
  verdict.status = start != std::string::npos && verdict.findings.compare(start, 4, "PASS") == 0
                       ? domain::scan_statuses::PASSED
                       : domain::scan_statuses::FAILED;
  return verdict;
}

domain::expected<commands::generated_content, std::string> gemini_client::generate(const std::string& system_prompt,
                                                                                   const std::string& title,
                                                                                   const std::string& description) {
  return ask(system_prompt + "\n\nTask: " + title + "\n" + description);
}

}  // namespace stradia::gateway
