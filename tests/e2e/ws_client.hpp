#pragma once
// A real WebSocket client for the e2e tests (Beast, blocking): handshake with a bearer
// header or the session cookie, send text frames, and receive them on a reader thread so
// a test can wait for the next frame with a timeout.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace stradia::testing {

class ws_client {
 public:
  // Connects and upgrades; handshake_status() is 101 on success, else the HTTP status.
  // receive_buffer > 0 shrinks the socket's receive buffer (a slow reader).
  // reading = false: nothing is read after the handshake (a client that fell asleep).
  // origin: the Origin header a browser would send (none by default, as other clients).
  ws_client(unsigned short port, const std::string& bearer, const std::string& cookie = "", int receive_buffer = 0,
            bool reading = true, const std::string& origin = "")
      : ws_(io_) {
    namespace net = boost::asio;
    namespace websocket = boost::beast::websocket;
    auto& socket = boost::beast::get_lowest_layer(ws_).socket();
    socket.open(net::ip::tcp::v4());
    if (receive_buffer > 0) socket.set_option(net::socket_base::receive_buffer_size(receive_buffer));
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    ws_.set_option(websocket::stream_base::decorator([bearer, cookie, origin](websocket::request_type& r) {
      if (!bearer.empty()) r.set(boost::beast::http::field::authorization, "Bearer " + bearer);
      if (!cookie.empty()) r.set(boost::beast::http::field::cookie, cookie);
      if (!origin.empty()) r.set(boost::beast::http::field::origin, origin);
    }));
    ws_.read_message_max(1 << 20);
    websocket::response_type response;
    boost::beast::error_code ec;
    ws_.handshake(response, "127.0.0.1", "/ws", ec);
    status_ = response.result_int();
    if (ec || !reading) return;
    reader_ = std::thread([this] { read_loop(); });
  }
  ~ws_client() {
    boost::beast::error_code ignored;
    boost::beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    boost::beast::get_lowest_layer(ws_).socket().close(ignored);
    if (reader_.joinable()) reader_.join();
  }
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  int handshake_status() const { return status_; }

  bool send(const std::string& text) {
    boost::beast::error_code ec;
    ws_.text(true);
    ws_.write(boost::asio::buffer(text), ec);
    return !ec;
  }

  // The next frame, or nullopt after `timeout` (or once the socket closed).
  std::optional<std::string> next(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [this] { return !frames_.empty() || closed_; });
    if (frames_.empty()) return std::nullopt;
    auto f = std::move(frames_.front());
    frames_.pop_front();
    return f;
  }
  // The next frame whose event is `event`, skipping others; nullopt after `timeout`.
  std::optional<std::string> next_event(const std::string& event,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto f = next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!f) return std::nullopt;
      if (f->find("\"event\":\"" + event + "\"") != std::string::npos) return f;
    }
    return std::nullopt;
  }
  // True once the server closed the socket; the close code it sent (0 if none).
  bool closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [this] { return closed_; });
  }
  int close_code() {
    std::lock_guard lock(mutex_);
    return close_code_;
  }

 private:
  void read_loop() {
    while (true) {
      boost::beast::flat_buffer buffer;
      boost::beast::error_code ec;
      ws_.read(buffer, ec);
      std::lock_guard lock(mutex_);
      if (ec) {
        closed_ = true;
        close_code_ = ws_.reason().code;
        arrived_.notify_all();
        return;
      }
      frames_.push_back(boost::beast::buffers_to_string(buffer.data()));
      arrived_.notify_all();
    }
  }

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  int status_ = 0;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<std::string> frames_;
  bool closed_ = false;
  int close_code_ = 0;
};

}  // namespace stradia::testing
