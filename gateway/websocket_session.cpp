// One WebSocket of GET /ws, after its handshake authenticated (chat-multi's websocket_session).
#include <deque>

#include "gateway/server_state.hpp"

namespace stradia::gateway {

namespace {

// One WebSocket: frames read one at a time and handled on the worker pool; frames out
// through a bounded queue with one write in flight. Board frames wait while their board
// is being synced, and only frames past the synced position go out (no gap, no copy).
class ws_session : public live_connection, public open_socket, public std::enable_shared_from_this<ws_session> {
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

  void deliver(const std::string& board_id, std::int64_t order,
               const std::shared_ptr<const std::string>& frame) override {
    std::lock_guard lock(boards_mutex_);
    const auto board = boards_.find(board_id);
    if (board == boards_.end()) return;
    if (board->second.syncing) {
      board->second.held.emplace_back(order, frame);
      return;
    }
    if (order <= board->second.order) return;  // already in the state sent, or a copy
    board->second.order = order;
    send(frame);
  }

  void begin_sync(const std::string& board_id) override {
    std::lock_guard lock(boards_mutex_);
    boards_[board_id] = joined_board{};
  }

  void finish_sync(const std::string& board_id, std::int64_t order,
                   std::shared_ptr<const std::string> state_frame) override {
    std::lock_guard lock(boards_mutex_);
    auto& board = boards_[board_id];
    send(std::move(state_frame));
    board.order = order;
    for (auto& [at, frame] : board.held)
      if (at > board.order) {
        board.order = at;
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
  const std::string& tenant_id() const override { return who_.tenant_id; }

  void close_going_away() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closing_) return;
      self->closing_ = true;
      self->ws_.async_close(websocket::close_code::going_away, [self](beast::error_code) {});
    });
  }

 private:
  struct joined_board {
    bool syncing = true;
    std::int64_t order = 0;  // of the last frame sent (frame_order())
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

  void refuse_frame(std::string_view code, std::string_view message, std::string_view refused) {
    if (server_.websocket.error_frame)
      enqueue(std::make_shared<const std::string>(server_.websocket.error_frame(code, message, refused)));
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish();  // closed, timed out, or too big (Beast answered 1009)
    // Shared: a frame the workers cannot take is still there to name in the refusal.
    auto text = std::make_shared<const std::string>(ws_.got_text() ? beast::buffers_to_string(buffer_.data())
                                                                   : "binary frame");  // not JSON: VALIDATION_FAILED
    buffer_.consume(buffer_.size());
    if (!within_frame_rate()) {
      ++server_.stats.websocket_frames_limited;
      refuse_frame("RATE_LIMITED", "Too many frames; slow down.", *text);
      return do_read();
    }
    auto self = shared_from_this();
    const bool admitted = server_.run_on(request_lane::standard, [self, text] {
      try {
        if (self->server_.websocket.on_frame) self->server_.websocket.on_frame(self, self->who_, *text);
      } catch (const std::exception& e) {
        self->server_.log_internal_error("a WebSocket frame", e.what());
        net::post(self->ws_.get_executor(), [self, text] {
          self->refuse_frame("INTERNAL", "Something went wrong on our side; the frame was not handled.", *text);
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
      refuse_frame("SERVICE_UNAVAILABLE", "The server is busy; try again.", *text);
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

}  // namespace

void start_websocket_session(http_server::impl& server, beast::tcp_stream stream,
                             http::request<http::string_body> upgrade, domain::caller who) {
  auto session = std::make_shared<ws_session>(std::move(stream), server, std::move(who));
  {
    std::lock_guard lock(server.sockets_mutex);
    std::erase_if(server.sockets, [](const auto& w) { return w.expired(); });
    server.sockets.push_back(session);
  }
  session->start(std::move(upgrade));
}

}  // namespace stradia::gateway
