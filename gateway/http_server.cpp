#include "gateway/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
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

class ws_session;

struct http_server::impl {
  server_options options;
  handler on_request;
  websocket_handlers websocket;
  std::mutex sockets_mutex;
  std::vector<std::weak_ptr<ws_session>> sockets;  // closed with "going away" on shutdown
  net::io_context io;
  net::thread_pool workers;
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

  impl(server_options o, handler h, websocket_handlers w)
      : options(std::move(o)),
        on_request(std::move(h)),
        websocket(std::move(w)),
        io(std::max(1, options.io_threads)),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))),
        acceptor(net::make_strand(io)),
        signals(io, SIGINT, SIGTERM) {}

  void accept();
  void begin_shutdown();
};

constexpr std::size_t max_websocket_frame = 64 * 1024;  // larger frames close the socket (1009)

// One WebSocket: frames read one at a time and handled on the worker pool; frames out
// through a bounded queue with one write in flight. Board frames wait while their board
// is being synced, and only frames past the synced position go out (no gap, no copy).
class ws_session : public live_connection, public std::enable_shared_from_this<ws_session> {
 public:
  ws_session(beast::tcp_stream&& stream, http_server::impl& server, domain::caller who)
      : ws_(std::move(stream)), server_(server), who_(std::move(who)) {}

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
      if (auto* stats = self->server_.websocket.stats) {
        ++stats->open;
        ++stats->accepted;
        self->counted_open_ = true;
      }
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

  void on_read(beast::error_code ec) {
    if (ec) return finish();  // closed, timed out, or too big (Beast answered 1009)
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!ws_.got_text()) text = "binary frame";  // not JSON: answered VALIDATION_FAILED
    net::post(server_.workers, [self = shared_from_this(), text = std::move(text)] {
      if (self->server_.websocket.on_frame) self->server_.websocket.on_frame(self, self->who_, text);
      net::post(self->ws_.get_executor(), [self] {
        if (self->closing_)
          self->finish();  // no read is pending to report the close
        else
          self->do_read();
      });
    });
  }

  void enqueue(std::shared_ptr<const std::string> frame) {
    if (closing_) return;
    if (queue_.size() >= server_.options.websocket_queue_limit) {
      // Fallen behind: drop this client rather than let its queue grow. A close frame
      // cannot pass a write that is stuck, so then the connection itself is closed.
      closing_ = true;
      queue_.clear();
      if (auto* stats = server_.websocket.stats) ++stats->dropped_slow;
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
      if (auto* stats = self->server_.websocket.stats) ++stats->frames_sent;
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
      --server_.websocket.stats->open;
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
  std::mutex boards_mutex_;
  std::unordered_map<std::string, joined_board> boards_;
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
    if (websocket::is_upgrade(parser_->get())) return upgrade();
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

  // GET /ws: authenticate the handshake, then hand the socket to a WebSocket session.
  void upgrade() {
    const auto& message = parser_->get();
    keep_alive_ = false;
    const std::string target(message.target());
    if (target.substr(0, target.find('?')) != "/ws" || !server_.websocket.authenticate)
      return write(problem("NOT_FOUND", "No such resource: " + target.substr(0, target.find('?'))));
    const http_request request{
        std::string(message.method_string()),      target, std::string(message[http::field::authorization]),
        std::string(message[http::field::cookie]), "",     ""};
    auto who = server_.websocket.authenticate(request);
    if (!who) return write(std::move(who.error()));
    auto session = std::make_shared<ws_session>(std::move(stream_), server_, std::move(*who));
    {
      std::lock_guard lock(server_.sockets_mutex);
      std::erase_if(server_.sockets, [](const auto& w) { return w.expired(); });
      server_.sockets.push_back(session);
    }
    session->start(parser_->release());
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

http_server::http_server(server_options options, handler on_request, websocket_handlers websocket)
    : impl_(std::make_unique<impl>(std::move(options), std::move(on_request), std::move(websocket))) {
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
