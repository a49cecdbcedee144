// The transport alone, in process, with handlers that misbehave: an exception becomes a 500
// and the server goes on; a full lane answers 503 at once (a WebSocket frame too, naming its
// request_id); at the connection cap accepting waits, and resumes when a connection closes.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "e2e/http_client.hpp"
#include "e2e/ws_client.hpp"
#include "gateway/http_server.hpp"
#include "gateway/ws_protocol.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

class running_server {
 public:
  running_server(gateway::server_options options, gateway::http_handlers handlers,
                 gateway::websocket_handlers websocket = {})
      : server_((options.port = 0, options.io_threads = 1, options), std::move(handlers), std::move(websocket)),
        thread_([this] { server_.run(); }) {}
  ~running_server() {
    server_.stop();
    thread_.join();
  }
  unsigned short port() const { return server_.port(); }
  const gateway::server_stats& stats() const { return server_.stats(); }

 private:
  gateway::http_server server_;
  std::thread thread_;
};

TEST(HttpServer, AHandlerExceptionIsA500WithACorrelationIdAndTheServerGoesOn) {
  gateway::http_handlers handlers;
  handlers.handle = [](const gateway::http_request& r) -> gateway::http_response {
    if (r.target == "/boom") throw std::runtime_error("a bug");
    return {200, "application/json", R"({"ok":true})", {}, {}};
  };
  running_server server({}, handlers);
  auto boom = http_call(server.port(), "GET", "/boom");
  EXPECT_EQ(boom.status, 500);
  EXPECT_NE(boom.body.find(R"("code":"INTERNAL")"), std::string::npos) << boom.body;
  EXPECT_EQ(boom.body.find("a bug"), std::string::npos) << "the exception's text stays in the log";
  EXPECT_EQ(boom.headers["x-correlation-id"].size(), 16u);
  EXPECT_NE(boom.body.find(boom.headers["x-correlation-id"]), std::string::npos);
  EXPECT_EQ(http_call(server.port(), "GET", "/fine").status, 200);
  EXPECT_EQ(server.stats().internal_errors.load(), 1u);
}

TEST(HttpServer, AFullLaneAnswers503AndOtherLanesAreUntouched) {
  std::promise<void> release;
  auto released = release.get_future().share();
  gateway::http_handlers handlers;
  handlers.handle = [released](const gateway::http_request& r) -> gateway::http_response {
    if (r.target == "/slow") released.wait();
    return {200, "application/json", "{}", {}, {}};
  };
  handlers.lane = [](const gateway::http_request& r) {
    return r.target == "/slow" ? gateway::request_lane::outbound : gateway::request_lane::standard;
  };
  gateway::server_options options;
  options.outbound_threads = 1;
  options.lane_queue_limit = 2;
  running_server server(options, handlers);
  auto first = std::async(std::launch::async, [&] { return http_call(server.port(), "GET", "/slow").status; });
  auto second = std::async(std::launch::async, [&] { return http_call(server.port(), "GET", "/slow").status; });
  std::this_thread::sleep_for(200ms);
  auto third = http_call(server.port(), "GET", "/slow");
  EXPECT_EQ(third.status, 503);
  EXPECT_EQ(third.headers["retry-after"], "1");
  EXPECT_EQ(http_call(server.port(), "GET", "/query").status, 200) << "queries run on their own threads";
  release.set_value();
  EXPECT_EQ(first.get(), 200);
  EXPECT_EQ(second.get(), 200);
}

TEST(HttpServer, AWebSocketFrameTheFullPoolCannotTakeIsRefusedWithItsRequestId) {
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> handled{0};
  gateway::websocket_handlers websocket;
  websocket.authenticate = [](const gateway::http_request&) -> base::expected<domain::caller, gateway::http_response> {
    return domain::caller{};
  };
  websocket.on_frame = [&, released](const auto&, const domain::caller&, std::string_view) {
    ++handled;
    released.wait();
  };
  websocket.error_frame = gateway::ws::refusal_frame;
  gateway::server_options options;
  options.worker_threads = 1;
  options.lane_queue_limit = 1;
  running_server server(options, {}, websocket);
  ws_client busy(server.port(), "token"), turned_away(server.port(), "token");
  ASSERT_EQ(busy.handshake_status(), 101);
  ASSERT_EQ(turned_away.handshake_status(), 101);
  ASSERT_TRUE(busy.send(R"({"event":"client:join_board","request_id":"holds-the-pool","payload":{}})"));
  for (int i = 0; i < 100 && handled == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(handled, 1);
  ASSERT_TRUE(turned_away.send(R"({"event":"client:join_board","request_id":"join-7","payload":{}})"));
  const auto refusal = turned_away.next(2s);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find(R"("code":"SERVICE_UNAVAILABLE")"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find(R"("request_id":"join-7")"), std::string::npos) << *refusal;
  release.set_value();
  // Once the held frame has returned, the pool takes frames again; the refused one was never
  // queued, so one more runs, not two.
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(turned_away.send(R"({"event":"client:join_board","request_id":"join-8","payload":{}})"));
  for (int i = 0; i < 100 && handled < 2; ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(handled, 2);
}

TEST(HttpServer, AtTheConnectionCapAcceptingWaitsForAConnectionToClose) {
  gateway::http_handlers handlers;
  handlers.handle = [](const gateway::http_request&) -> gateway::http_response {
    return {200, "application/json", "{}", {}, {}};
  };
  gateway::server_options options;
  options.max_connections = 2;
  running_server server(options, handlers);
  auto open_idle = [&] {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server.port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  };
  const int a = open_idle(), b = open_idle();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server.stats().connections.load(), 2);
  auto waiting = std::async(std::launch::async, [&] { return http_call(server.port(), "GET", "/after").status; });
  EXPECT_EQ(waiting.wait_for(300ms), std::future_status::timeout) << "the third waits in the backlog";
  ::close(a);
  EXPECT_EQ(waiting.get(), 200);
  ::close(b);
}

}  // namespace
}  // namespace stradia::testing
