#include "gateway/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gateway/problem.hpp"

namespace stradia::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t max_websocket_frame = 64 * 1024;  // larger frames close the socket (1009)
constexpr std::size_t header_limit = 16 * 1024;
constexpr std::size_t screened_body_size = 16 * 1024;  // larger bodies are read only after the headers pass

// An id that ties a 500 to its log line.
std::string correlation_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(16, '0');
  auto bits = random();
  for (auto& c : out) {
    c = hex[bits & 0xF];
    bits >>= 4;
  }
  return out;
}

// One kind of work on its own threads, with a bound on what may wait for them.
struct lane_pool {
  lane_pool(int threads, std::size_t limit) : pool(static_cast<std::size_t>(std::max(1, threads))), limit(limit) {}
  net::thread_pool pool;
  std::atomic<std::size_t> admitted{0};  // waiting or running
  std::size_t limit;
};

}  // namespace

class ws_session;

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
  std::vector<std::weak_ptr<ws_session>> sockets;  // closed with "going away" on shutdown
  std::unordered_map<std::string, std::size_t> sockets_per_user;

  impl(server_options o, http_handlers h, websocket_handlers w)
      : options(std::move(o)),
        http(std::move(h)),
        websocket(std::move(w)),
        io(std::max(1, options.io_threads)),
        standard(options.worker_threads, options.lane_queue_limit),
        outbound(options.outbound_threads, options.lane_queue_limit),
        hashing(options.hashing_threads, options.lane_queue_limit),
        acceptor(net::make_strand(io)),
        accept_retry(acceptor.get_executor()),
        signals(io, SIGINT, SIGTERM) {}

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
    const auto id = correlation_id();
    std::fprintf(stderr, "stradia: internal error %s in %s: %s\n", id.c_str(), what.c_str(), why);
    return id;
  }

  http_response internal_error(const std::string& what, const char* why) {
    const auto id = log_internal_error(what, why);
    auto response = problem("INTERNAL", "Something went wrong on our side (correlation id " + id + ").");
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

// One WebSocket: frames read one at a time and handled on the worker pool; frames out
// through a bounded queue with one write in flight. Board frames wait while their board
// is being synced, and only frames past the synced position go out (no gap, no copy).
class ws_session : public live_connection, public std::enable_shared_from_this<ws_session> {
 public:
  // Counted as a connection of its own: the HTTP session it came from ends at the upgrade.
  ws_session(beast::tcp_stream&& stream, http_server::impl& server, domain::caller who)
      : ws_(std::move(stream)), server_(server), who_(std::move(who)) {
    ++server_.stats.connections;
  }

  ~ws_session() override {
    server_.leave_socket_seat(who_.user_id);
    server_.connection_closed();
  }

  void start(http::request<http::string_body> upgrade) {
    upgrade_ = std::move(upgrade);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts take over
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = server_.options.websocket_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(
        websocket::stream_base::decorator([](websocket::response_type& r) { r.set(http::field::server, "stradia"); }));
    ws_.read_message_max(max_websocket_frame);
    ws_.text(true);
    ws_.async_accept(upgrade_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->finish();
      ++self->server_.stats.websocket_open;
      ++self->server_.stats.websocket_accepted;
      self->counted_open_ = true;
      self->refilled_ = std::chrono::steady_clock::now();
      self->frame_tokens_ = self->server_.options.websocket_frames_per_second * 2;
      self->do_read();
    });
  }

  void send(std::shared_ptr<const std::string> frame) override {
    net::post(ws_.get_executor(),
              [self = shared_from_this(), frame = std::move(frame)]() mutable { self->enqueue(std::move(frame)); });
  }

  void deliver(const std::string& board_id, std::int64_t position,
               const std::shared_ptr<const std::string>& frame) override {
    std::lock_guard lock(boards_mutex_);
    const auto board = boards_.find(board_id);
    if (board == boards_.end()) return;
    if (board->second.syncing) {
      board->second.held.emplace_back(position, frame);
      return;
    }
    if (position <= board->second.position) return;  // already in the state sent, or a copy
    board->second.position = position;
    send(frame);
  }

  void begin_sync(const std::string& board_id) override {
    std::lock_guard lock(boards_mutex_);
    boards_[board_id] = joined_board{};
  }

  void finish_sync(const std::string& board_id, std::int64_t position,
                   std::shared_ptr<const std::string> state_frame) override {
    std::lock_guard lock(boards_mutex_);
    auto& board = boards_[board_id];
    send(std::move(state_frame));
    board.position = position;
    for (auto& [at, frame] : board.held)
      if (at > board.position) {
        board.position = at;
        send(std::move(frame));
      }
    board.held.clear();
    board.syncing = false;
  }

  void forget(const std::string& board_id) override {
    std::lock_guard lock(boards_mutex_);
    boards_.erase(board_id);
  }

  const std::string& user_id() const override { return who_.user_id; }

  void close_going_away() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closing_) return;
      self->closing_ = true;
      self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
    });
  }

 private:
  struct joined_board {
    bool syncing = true;
    std::int64_t position = 0;
    std::vector<std::pair<std::int64_t, std::shared_ptr<const std::string>>> held;
  };

  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  // Token bucket per socket: a client may not turn the socket into a way around the HTTP
  // rate limit (each frame can append events).
  bool within_frame_rate() {
    const auto rate = server_.options.websocket_frames_per_second;
    if (rate <= 0) return true;
    const auto now = std::chrono::steady_clock::now();
    frame_tokens_ = std::min(rate * 2, frame_tokens_ + std::chrono::duration<double>(now - refilled_).count() * rate);
    refilled_ = now;
    if (frame_tokens_ < 1) return false;
    frame_tokens_ -= 1;
    return true;
  }

  void refuse_frame(std::string_view code, std::string_view message) {
    if (server_.websocket.error_frame)
      enqueue(std::make_shared<const std::string>(server_.websocket.error_frame(code, message)));
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish();  // closed, timed out, or too big (Beast answered 1009)
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!ws_.got_text()) text = "binary frame";  // not JSON: answered VALIDATION_FAILED
    if (!within_frame_rate()) {
      ++server_.stats.websocket_frames_limited;
      refuse_frame("RATE_LIMITED", "Too many frames; slow down.");
      return do_read();
    }
    auto self = shared_from_this();
    const bool admitted = server_.run_on(request_lane::standard, [self, text = std::move(text)] {
      try {
        if (self->server_.websocket.on_frame) self->server_.websocket.on_frame(self, self->who_, text);
      } catch (const std::exception& e) {
        self->server_.log_internal_error("a WebSocket frame", e.what());
        net::post(self->ws_.get_executor(), [self] {
          self->refuse_frame("INTERNAL", "Something went wrong on our side; the frame was not handled.");
        });
      }
      net::post(self->ws_.get_executor(), [self] {
        if (self->closing_)
          self->finish();  // no read is pending to report the close
        else
          self->do_read();
      });
    });
    if (!admitted) {
      refuse_frame("SERVICE_UNAVAILABLE", "The server is busy; try again.");
      do_read();
    }
  }

  void enqueue(std::shared_ptr<const std::string> frame) {
    if (closing_) return;
    if (queue_.size() >= server_.options.websocket_queue_limit) {
      // Fallen behind: drop this client rather than let its queue grow. A close frame
      // cannot pass a write that is stuck, so then the connection itself is closed.
      closing_ = true;
      queue_.clear();
      ++server_.stats.websocket_dropped_slow;
      if (writing_) {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
      } else {
        ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "too slow: send queue full"),
                        [self = shared_from_this()](beast::error_code) {});
      }
      return;
    }
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    // The frame is held by the handler too: a full queue may be cleared mid-write.
    auto frame = queue_.front();
    ws_.async_write(net::buffer(*frame), [self = shared_from_this(), frame](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return;
      ++self->server_.stats.websocket_frames_sent;
      if (!self->queue_.empty()) self->queue_.pop_front();
      if (!self->queue_.empty() && !self->closing_) self->write_next();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    closing_ = true;
    if (counted_open_) {
      counted_open_ = false;
      --server_.stats.websocket_open;
    }
    std::vector<std::string> joined;
    {
      std::lock_guard lock(boards_mutex_);
      for (const auto& [id, board] : boards_) joined.push_back(id);
      boards_.clear();
    }
    if (server_.websocket.on_close) server_.websocket.on_close(this, joined);
  }

  websocket::stream<beast::tcp_stream> ws_;
  http_server::impl& server_;
  domain::caller who_;
  http::request<http::string_body> upgrade_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // strand only
  bool writing_ = false;                                  // strand only
  bool closing_ = false;                                  // strand only
  bool counted_open_ = false;                             // strand only
  bool finished_ = false;                                 // strand only
  double frame_tokens_ = 0;                               // strand only
  std::chrono::steady_clock::time_point refilled_;        // strand only
  std::mutex boards_mutex_;
  std::unordered_map<std::string, joined_board> boards_;
};

namespace {

// One connection: read a request's headers, screen them, read the body, wait for the
// read models if the request asks to (on a timer, no thread), hand it to its lane, write
// the answer on this connection's strand, and read the next (keep-alive). One request in
// flight at a time.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket socket, http_server::impl& server)
      : stream_(std::move(socket)), server_(server), wait_timer_(stream_.get_executor()) {
    ++server_.stats.connections;
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) client_address_ = peer.address().to_string();
  }

  ~http_session() { server_.connection_closed(); }

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(header_limit);
    stream_.expires_after(server_.options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&http_session::on_header, shared_from_this()));
  }

  http_request request_of(const http::request<http::string_body>& message, std::string body) const {
    return http_request{std::string(message.method_string()),
                        std::string(message.target()),
                        std::string(message[http::field::authorization]),
                        std::string(message[http::field::cookie]),
                        std::string(message["Idempotency-Key"]),
                        std::move(body),
                        client_address_};
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return too_large();  // a Content-Length over the limit
    if (ec) return close();
    if (websocket::is_upgrade(parser_->get())) return upgrade();
    // Screened before a large body is read (a small one costs nothing to read, and reading
    // it lets the answer reach the client before the connection closes).
    const bool large_body = parser_->chunked() || parser_->content_length().value_or(0) > screened_body_size;
    if (large_body && server_.http.screen)
      if (auto refused = server_.http.screen(request_of(parser_->get(), {}))) {
        keep_alive_ = false;  // the body stays unread: this connection is done
        return write(std::move(*refused));
      }
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void too_large() {
    keep_alive_ = false;
    write(problem("PAYLOAD_TOO_LARGE", "The body is larger than 1 MiB."));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return too_large();  // a chunked body that grew past it
    if (ec) return close();
    auto& message = parser_->get();
    keep_alive_ = message.keep_alive() && !server_.draining;
    auto request = request_of(message, std::move(message.body()));
    const auto lane = server_.http.lane ? server_.http.lane(request) : request_lane::standard;
    if (lane == request_lane::io) return write(server_.answer(request));
    ++server_.in_flight;
    lane_ = lane;
    request_ = std::move(request);
    const auto wanted = server_.http.wanted_position ? server_.http.wanted_position(request_) : 0;
    if (wanted > 0 && server_.http.watch) {
      std::weak_ptr<http_session> weak = shared_from_this();
      ticket_ = server_.http.watch->when_reached(wanted, [weak] {
        if (auto self = weak.lock()) net::post(self->stream_.get_executor(), [self] { self->stop_waiting(); });
      });
      if (ticket_ != 0) {
        waiting_ = true;
        wait_timer_.expires_after(server_.options.read_your_writes_wait);
        wait_timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
          if (timer_ec != net::error::operation_aborted) self->stop_waiting();
        });
        return;
      }
    }
    dispatch();
  }

  // The read models reached the position, or the wait is over (the handler then answers 504).
  void stop_waiting() {
    if (!waiting_) return;
    waiting_ = false;
    wait_timer_.cancel();
    server_.http.watch->cancel(ticket_);
    dispatch();
  }

  void dispatch() {
    auto self = shared_from_this();
    const bool admitted = server_.run_on(lane_, [self] {
      auto response = self->server_.answer(self->request_);
      net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        --self->server_.in_flight;
        self->write(std::move(response));
      });
    });
    if (admitted) return;
    --server_.in_flight;
    auto busy = problem("SERVICE_UNAVAILABLE", "The server is busy; try again.");
    busy.headers.emplace_back("Retry-After", "1");
    write(std::move(busy));
  }

  // GET /ws: authenticate the handshake, then hand the socket to a WebSocket session.
  void upgrade() {
    const auto& message = parser_->get();
    keep_alive_ = false;
    const std::string target(message.target());
    if (target.substr(0, target.find('?')) != "/ws" || !server_.websocket.authenticate)
      return write(problem("NOT_FOUND", "No such resource: " + target.substr(0, target.find('?'))));
    auto who = server_.websocket.authenticate(request_of(message, {}));
    if (!who) return write(std::move(who.error()));
    if (!server_.take_socket_seat(who->user_id))
      return write(problem("RATE_LIMITED", "This user has too many live sockets open; close one first."));
    auto session = std::make_shared<ws_session>(std::move(stream_), server_, std::move(*who));
    {
      std::lock_guard lock(server_.sockets_mutex);
      std::erase_if(server_.sockets, [](const auto& w) { return w.expired(); });
      server_.sockets.push_back(session);
    }
    session->start(parser_->release());
  }

  template <class Message>
  void set_common_headers(Message& message, const http_response& response) {
    message.set(http::field::server, "stradia");
    message.set(http::field::content_type, response.content_type);
    message.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : response.headers) message.insert(name, value);
    message.keep_alive(keep_alive_ && !server_.draining);
  }

  void write(http_response response) {
    if (response.stream) return write_stream(std::move(response));
    auto message = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(response.status), 11);
    set_common_headers(*message, response);
    message->body() = std::move(response.body);
    message->prepare_payload();
    stream_.expires_after(server_.options.read_timeout);
    http::async_write(stream_, *message, [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
      if (ec || !message->keep_alive()) return self->close();
      self->do_read();
    });
  }

  // A body made piece by piece on a worker thread, written with chunked transfer encoding,
  // one piece in flight: memory stays one piece whatever the body's size.
  void write_stream(http_response response) {
    auto message = std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(response.status), 11);
    set_common_headers(*message, response);
    message->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*message);
    auto producer = std::make_shared<std::function<bool(std::string&)>>(std::move(response.stream));
    stream_.expires_after(server_.options.read_timeout);
    http::async_write_header(stream_, *serializer,
                             [self = shared_from_this(), message, serializer, producer,
                              first = std::move(response.body)](beast::error_code ec, std::size_t) mutable {
                               if (ec) return self->close();
                               if (!first.empty())
                                 return self->write_piece(std::make_shared<std::string>(std::move(first)), producer,
                                                          message->keep_alive());
                               self->next_piece(producer, message->keep_alive());
                             });
  }

  void next_piece(const std::shared_ptr<std::function<bool(std::string&)>>& producer, bool keep_alive) {
    // The request was admitted to its lane already; its pieces follow on the same threads.
    net::post(server_.standard.pool, [self = shared_from_this(), producer, keep_alive] {
      auto piece = std::make_shared<std::string>();
      bool more = false;
      bool failed = false;
      try {
        more = (*producer)(*piece);
      } catch (const std::exception& e) {
        self->server_.log_internal_error("a streamed answer", e.what());
        failed = true;
      }
      net::post(self->stream_.get_executor(), [self, piece, producer, more, failed, keep_alive] {
        if (failed) return self->abort_connection();
        if (!piece->empty()) return self->write_piece(piece, more ? producer : nullptr, keep_alive);
        if (more) return self->next_piece(producer, keep_alive);
        self->write_last(keep_alive);
      });
    });
  }

  void write_piece(const std::shared_ptr<std::string>& piece,
                   const std::shared_ptr<std::function<bool(std::string&)>>& producer, bool keep_alive) {
    stream_.expires_after(server_.options.read_timeout);
    net::async_write(stream_, http::make_chunk(net::buffer(*piece)),
                     [self = shared_from_this(), piece, producer, keep_alive](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       if (producer) return self->next_piece(producer, keep_alive);
                       self->write_last(keep_alive);
                     });
  }

  void write_last(bool keep_alive) {
    net::async_write(stream_, http::make_chunk_last(),
                     [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                       if (ec || !keep_alive) return self->close();
                       self->do_read();
                     });
  }

  // Ends a streamed answer without its last chunk, so the client knows it was cut.
  void abort_connection() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http_server::impl& server_;
  std::string client_address_;
  bool keep_alive_ = true;
  http_request request_;  // the request in flight
  request_lane lane_ = request_lane::standard;
  net::steady_timer wait_timer_;  // the ?min_position wait's deadline
  position_watch::ticket ticket_ = 0;
  bool waiting_ = false;  // strand only
};

}  // namespace

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
    std::make_shared<http_session>(std::move(socket), *this)->start();
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
  if (impl_->options.io_threads <= 0)
    impl_->options.io_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
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
