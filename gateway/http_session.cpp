// One HTTP connection (chat-multi's http_session).
#include "gateway/server_state.hpp"

namespace stradia::gateway {

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
                        client_address_,
                        std::string(message[http::field::accept]),
                        std::string(message[http::field::origin]),
                        std::string(message[http::field::host])};
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
    write(problem(problem_code::payload_too_large, "The body is larger than 1 MiB."));
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
    auto busy = problem(problem_code::service_unavailable, "The server is busy; try again.");
    busy.headers.emplace_back("Retry-After", "1");
    write(std::move(busy));
  }

  // GET /ws: authenticate the handshake, then hand the socket to a WebSocket session.
  void upgrade() {
    const auto& message = parser_->get();
    keep_alive_ = false;
    const std::string target(message.target());
    if (target.substr(0, target.find('?')) != "/ws" || !server_.websocket.authenticate)
      return write(problem(problem_code::not_found, "No such resource: " + target.substr(0, target.find('?'))));
    auto who = server_.websocket.authenticate(request_of(message, {}));
    if (!who) return write(std::move(who.error()));
    if (!server_.take_socket_seat(who->user_id))
      return write(problem(problem_code::rate_limited, "This user has too many live sockets open; close one first."));
    start_websocket_session(server_, std::move(stream_), parser_->release(), std::move(*who));
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

void start_http_session(http_server::impl& server, tcp::socket socket) {
  std::make_shared<http_session>(std::move(socket), server)->start();
}

}  // namespace stradia::gateway
