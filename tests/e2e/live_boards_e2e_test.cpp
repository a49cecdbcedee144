// Live boards over WebSocket: real clients against the real server on loopback, seeded
// with the playground.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <future>

#include <simdjson.h>

#include "eventstore/event_store.hpp"
#include "eventstore/pg_fixture.hpp"
#include "fake_gemini.hpp"
#include "gateway/jwt.hpp"
#include "http_client.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

const std::string secret = "live-e2e-secret-0123456789abcdef012345";

class LiveBoards : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    clock_file_ = "/tmp/stradia-clock-" + database_;
    std::ofstream(clock_file_) << 0;
    env_ = stradia_env();
    env_.insert(env_.end(), {"STRADIA_JWT_SECRET=" + secret, "STRADIA_RATE_LIMIT=0", "STRADIA_TEST_HOOKS=1",
                             "STRADIA_CLOCK_OFFSET_FILE=" + clock_file_});
    ASSERT_EQ(run_stradia({"seed"}, env_), 0);
    start_server();
    spain_ = token("spain@acme.com");
    const auto markets = get("/api/v1/markets", spain_);
    const auto boards = get("/api/v1/boards?market_id=" + json_field(markets, "id"), spain_);
    board_ = json_field(boards, "id", boards.find("\"boards\""));
    const auto board = get("/api/v1/boards/" + board_, spain_);
    for (auto at = board.find("\"tasks\""); (at = board.find("{\"id\":", at)) != std::string::npos; ++at)
      (json_field(board, "title", at) == "Review Privacy Law" ? review_ : consent_) = json_field(board, "id", at);
    ASSERT_FALSE(review_.empty());
    ASSERT_FALSE(consent_.empty());
  }
  void TearDown() override {
    server_.reset();
    std::remove(clock_file_.c_str());
    pg_test::TearDown();
  }

  void start_server(std::vector<std::string> extra = {}) {
    auto env = env_;
    env.insert(env.end(), extra.begin(), extra.end());
    server_ = std::make_unique<server_process>(env);
  }
  std::string token(const std::string& email) {
    auto r = http_call(server_->port(), "POST", "/api/v1/auth/login",
                       R"({"email":")" + email + R"(","password":"stradia-dev"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return json_field(r.body, "token");
  }
  std::string get(const std::string& path, const std::string& bearer) {
    return http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + bearer}}).body;
  }
  std::unique_ptr<ws_client> connect(const std::string& bearer, int receive_buffer = 0) {
    auto c = std::make_unique<ws_client>(server_->port(), bearer, "", receive_buffer);
    EXPECT_EQ(c->handshake_status(), 101);
    return c;
  }
  std::string join(ws_client& c, const std::string& board) {
    c.send(R"({"event":"client:join_board","request_id":"j1","payload":{"local_board_id":")" + board + R"("}})");
    return c.next().value_or("");
  }
  static std::string task_frame(const char* event, const std::string& board, const std::string& task,
                                const std::string& extra = "") {
    return std::string(R"({"event":")") + event + R"(","request_id":"r-)" + event +
           R"(","payload":{"local_board_id":")" + board + R"(","local_task_id":")" + task + "\"" + extra + "}}";
  }

  std::vector<std::string> env_;
  std::string clock_file_;
  std::unique_ptr<server_process> server_;
  std::string spain_, board_, review_, consent_;
};

TEST_F(LiveBoards, TheHandshakeWantsAValidTokenInTheHeaderOrTheCookie) {
  EXPECT_EQ(ws_client(server_->port(), "").handshake_status(), 401);
  auto tampered = spain_;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ws_client(server_->port(), tampered).handshake_status(), 401);
  const gateway::jwt_codec codec(secret);
  auto claims = *codec.verify(spain_, std::time(nullptr));
  claims.iat = 1000;
  claims.exp = 1600;
  const auto expired = codec.sign(claims);
  EXPECT_EQ(ws_client(server_->port(), expired).handshake_status(), 401);
  EXPECT_EQ(ws_client(server_->port(), spain_).handshake_status(), 101);
  EXPECT_EQ(ws_client(server_->port(), "", "stradia_session=" + spain_).handshake_status(), 101);
  // Another origin's page cannot open a socket with the browser's cookie (a port is an origin
  // of its own); the server's own page can.
  const auto cookie = "stradia_session=" + spain_;
  EXPECT_EQ(ws_client(server_->port(), "", cookie, 0, true, "http://evil.example").handshake_status(), 403);
  EXPECT_EQ(ws_client(server_->port(), "", cookie, 0, true, "http://127.0.0.1:1").handshake_status(), 403);
  EXPECT_EQ(ws_client(server_->port(), "", cookie, 0, true, "http://127.0.0.1").handshake_status(), 101);
}

TEST_F(LiveBoards, TwoUsersSeeEachOthersLockMoveAndNoteInTheSameOrder) {
  const auto supervisor = token("supervisor@acme.com");
  auto a = connect(spain_), b = connect(supervisor);
  const auto sync = join(*a, board_);
  EXPECT_NE(sync.find(R"("event":"server:board_state_sync")"), std::string::npos) << sync;
  EXPECT_NE(sync.find(R"("request_id":"j1")"), std::string::npos);
  EXPECT_NE(sync.find(review_), std::string::npos);
  EXPECT_NE(join(*b, board_).find("server:board_state_sync"), std::string::npos);

  a->send(task_frame("client:request_task_lock", board_, review_));
  a->send(task_frame("client:move_task", board_, review_,
                     R"(,"new_status":"IN_PROGRESS","expected_previous_status":"TODO")"));
  auto note = http_call(server_->port(), "POST", "/api/v1/commands/AddTaskNote",
                        R"({"local_task_id":")" + review_ + R"(","content":"Seen live."})",
                        {{"Authorization", "Bearer " + supervisor}});
  ASSERT_EQ(note.status, 200) << note.body;
  // The note (HTTP) may commit at any point around the lock and the move (one socket, so
  // in that order); whatever the log's order, both clients see it, frame for frame.
  std::vector<std::string> seen[2];
  for (int i = 0; i < 2; ++i) {
    auto* c = i == 0 ? a.get() : b.get();
    for (int k = 0; k < 3; ++k) seen[i].push_back(c->next().value_or("(nothing)"));
    EXPECT_FALSE(c->next(300ms)) << "nothing more, no copies";
  }
  EXPECT_EQ(seen[0], seen[1]);
  auto index_of = [&](const std::string& event) {
    for (std::size_t k = 0; k < seen[0].size(); ++k)
      if (seen[0][k].find(R"("event":")" + event + "\"") != std::string::npos) return static_cast<int>(k);
    return -1;
  };
  const int locked = index_of("server:task_locked"), moved = index_of("server:task_moved"),
            noted = index_of("server:note_added");
  ASSERT_TRUE(locked >= 0 && moved >= 0 && noted >= 0) << seen[0][0] << seen[0][1] << seen[0][2];
  EXPECT_LT(locked, moved);
  EXPECT_NE(seen[0][static_cast<std::size_t>(locked)].find(R"("locked_by_user_id":")"), std::string::npos);
  EXPECT_NE(seen[0][static_cast<std::size_t>(locked)].find(R"("expires_at":")"), std::string::npos);
  EXPECT_NE(seen[0][static_cast<std::size_t>(moved)].find(R"("new_status":"IN_PROGRESS")"), std::string::npos);
  EXPECT_NE(seen[0][static_cast<std::size_t>(noted)].find("Seen live."), std::string::npos);
}

TEST_F(LiveBoards, AJoinWhileNotesPourInMissesNoneAndRepeatsNone) {
  constexpr int notes = 150;
  std::vector<std::int64_t> position_of(notes, 0);
  std::thread writer([&] {
    for (int i = 0; i < notes; ++i) {
      auto r = http_call(server_->port(), "POST", "/api/v1/commands/AddTaskNote",
                         R"({"local_task_id":")" + review_ + R"(","content":"n-)" + std::to_string(i) + R"(-"})",
                         {{"Authorization", "Bearer " + spain_}});
      if (r.status == 200) position_of[static_cast<std::size_t>(i)] = std::stoll(json_field(r.body, "global_position"));
      std::this_thread::sleep_for(5ms);
    }
  });
  std::this_thread::sleep_for(250ms);  // the join lands in the middle of the stream
  auto c = connect(spain_);
  const auto sync = join(*c, board_);
  writer.join();
  ASSERT_NE(sync.find("server:board_state_sync"), std::string::npos) << sync;
  const auto synced_at = std::stoll(json_field(sync, "position"));
  std::vector<int> expected, received;
  for (int i = 0; i < notes; ++i) {
    ASSERT_GT(position_of[static_cast<std::size_t>(i)], 0);
    if (position_of[static_cast<std::size_t>(i)] > synced_at) expected.push_back(i);
  }
  while (auto f = c->next_event("server:note_added", 1500ms)) {
    const auto at = f->find("\"content\":\"n-");
    ASSERT_NE(at, std::string::npos) << *f;
    received.push_back(std::stoi(f->substr(at + 13)));
  }
  EXPECT_FALSE(expected.empty()) << "the join came after every note: the test proves nothing";
  EXPECT_LT(expected.size(), static_cast<std::size_t>(notes)) << "the join came before every note";
  EXPECT_EQ(received, expected) << "notes after the synced position, each once, in order";
}

TEST_F(LiveBoards, TwoClientsRacingForOneLockGetOneLockAndOneTaskLocked) {
  const auto supervisor = token("supervisor@acme.com");
  auto a = connect(spain_), b = connect(supervisor), watcher = connect(spain_);
  join(*a, board_);
  join(*b, board_);
  join(*watcher, board_);
  const auto lock = task_frame("client:request_task_lock", board_, review_);
  auto first = std::async(std::launch::async, [&] { return a->send(lock); });
  auto second = std::async(std::launch::async, [&] { return b->send(lock); });
  first.get();
  second.get();
  EXPECT_TRUE(watcher->next_event("server:task_locked").has_value());
  EXPECT_FALSE(watcher->next_event("server:task_locked", 800ms)) << "a second lock was granted";
  int refused = 0;
  for (auto* c : {a.get(), b.get()})
    for (auto f = c->next(3s); f; f = c->next(500ms))
      if (f->find(R"("event":"server:error")") != std::string::npos) {
        EXPECT_NE(f->find(R"("code":"TASK_LOCKED")"), std::string::npos) << *f;
        EXPECT_NE(f->find(R"("local_task_id":")" + review_), std::string::npos) << *f;
        ++refused;
      }
  EXPECT_EQ(refused, 1);
}

TEST_F(LiveBoards, NobodyJoinsABoardTheyMayNotSee) {
  auto france = connect(token("france@acme.com"));
  auto globex = connect(token("admin@globex.com"));
  for (auto* c : {france.get(), globex.get()}) {
    const auto refused = join(*c, board_);
    EXPECT_NE(refused.find(R"("event":"server:error")"), std::string::npos) << refused;
    EXPECT_NE(refused.find(R"("code":"NOT_FOUND")"), std::string::npos) << refused;
    EXPECT_EQ(refused.find(review_), std::string::npos) << "nothing of the board";
  }
  auto spain = connect(spain_);
  join(*spain, board_);
  spain->send(task_frame("client:request_task_lock", board_, review_));
  EXPECT_TRUE(spain->next_event("server:task_locked").has_value());
  EXPECT_FALSE(france->next(500ms)) << "a frame of a board it was refused";
  EXPECT_FALSE(globex->next(100ms)) << "a frame of another tenant's board";
}

TEST_F(LiveBoards, LeavingABoardStopsItsFramesAndShutdownSaysGoingAway) {
  auto stays = connect(spain_), leaves = connect(spain_);
  join(*stays, board_);
  join(*leaves, board_);
  leaves->send(R"({"event":"client:leave_board","payload":{"local_board_id":")" + board_ + R"("}})");
  std::this_thread::sleep_for(200ms);
  stays->send(task_frame("client:request_task_lock", board_, review_));
  EXPECT_TRUE(stays->next_event("server:task_locked").has_value());
  EXPECT_FALSE(leaves->next(500ms)) << "a frame of a board it left";
  EXPECT_EQ(server_->stop(), 0);
  EXPECT_TRUE(stays->closed());
  EXPECT_EQ(stays->close_code(), 1001);
}

TEST_F(LiveBoards, AUserUnassignedFromTheMarketLeavesItsBoardAtOnce) {
  auto c = connect(spain_);
  join(*c, board_);
  const auto spain_id = gateway::jwt_codec(secret).verify(spain_, std::time(nullptr))->sub;
  const auto market = json_field(get("/api/v1/markets", spain_), "id");
  const auto admin = token("admin@acme.com");
  auto unassigned = http_call(server_->port(), "POST", "/api/v1/commands/UnassignUserFromMarket",
                              R"({"user_id":")" + spain_id + R"(","market_id":")" + market + R"("})",
                              {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(unassigned.status, 200) << unassigned.body;
  const auto dropped = c->next_event("server:error");
  ASSERT_TRUE(dropped.has_value());
  EXPECT_NE(dropped->find(R"("code":"NOT_FOUND")"), std::string::npos) << *dropped;
  auto noted = http_call(server_->port(), "POST", "/api/v1/commands/AddTaskNote",
                         R"({"local_task_id":")" + review_ + R"(","content":"Not for Spain any more."})",
                         {{"Authorization", "Bearer " + token("supervisor@acme.com")}});
  ASSERT_EQ(noted.status, 200) << noted.body;
  EXPECT_FALSE(c->next(800ms)) << "a frame of a board the user may no longer see";
}

TEST_F(LiveBoards, AQuietClientThatAnswersPingsStaysAndOneThatDoesNotIsClosed) {
  server_.reset();
  start_server({"STRADIA_WS_IDLE_SECONDS=2"});
  spain_ = token("spain@acme.com");
  auto answering = connect(spain_);  // its reader answers the server's pings
  auto silent = std::make_unique<ws_client>(server_->port(), spain_, "", 0, /*reading=*/false);
  ASSERT_EQ(silent->handshake_status(), 101);
  std::this_thread::sleep_for(4500ms);
  EXPECT_FALSE(answering->closed(10ms)) << "a live client was timed out";
  const auto metrics = http_call(server_->port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("stradia_websocket_open 1\n"), std::string::npos) << metrics;
  EXPECT_NE(join(*answering, board_).find("server:board_state_sync"), std::string::npos);
}

TEST_F(LiveBoards, AnInvalidFrameIsAnsweredAndTheSocketStaysOpenButAHugeOneClosesIt) {
  auto c = connect(spain_);
  c->send(R"({"event":"client:join_board","request_id":"bad-1","payload":{"local_board_id":"not-a-uuid"}})");
  auto answer = c->next().value_or("");
  EXPECT_NE(answer.find(R"("code":"VALIDATION_FAILED")"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("request_id":"bad-1")"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"("path":"payload.local_board_id")"), std::string::npos) << answer;
  c->send(
      task_frame("client:move_task", board_, review_, R"(,"new_status":"FINISHED","expected_previous_status":"TODO")"));
  EXPECT_NE(c->next().value_or("").find("VALIDATION_FAILED"), std::string::npos);
  c->send("not json");
  EXPECT_NE(c->next().value_or("").find("VALIDATION_FAILED"), std::string::npos);
  EXPECT_NE(join(*c, board_).find("server:board_state_sync"), std::string::npos) << "the socket still works";

  c->send(std::string(100 * 1024, 'x'));
  EXPECT_TRUE(c->closed());
  // The server sends 1009 and closes; when the rest of our 100 KiB is still unread on its
  // side, its kernel resets the connection and the close frame may not reach this client.
  EXPECT_TRUE(c->close_code() == 1009 || c->close_code() == 0) << c->close_code();
}

TEST_F(LiveBoards, ARefusedTypeCMoveToDoneSaysWhereTheCardGoesBack) {
  auto c = connect(spain_);
  join(*c, board_);
  c->send(task_frame("client:move_task", board_, consent_,
                     R"(,"new_status":"DONE","expected_previous_status":"IN_PROGRESS")"));
  const auto refused = c->next().value_or("");
  EXPECT_NE(refused.find(R"("event":"server:error")"), std::string::npos) << refused;
  EXPECT_NE(refused.find(R"("code":"EXECUTION_REQUIRED")"), std::string::npos) << refused;
  EXPECT_NE(refused.find(R"("revert_to_status":"IN_PROGRESS")"), std::string::npos) << refused;
  EXPECT_NE(refused.find(R"("local_task_id":")" + consent_), std::string::npos) << refused;
}

TEST_F(LiveBoards, LocksExpireWithNobodyConnectedAlsoAcrossARestart) {
  {
    auto c = connect(spain_);
    join(*c, board_);
    c->send(task_frame("client:request_task_lock", board_, review_));
    ASSERT_TRUE(c->next_event("server:task_locked").has_value());
  }
  // A new process knows the review lock and the seeded golden-record lock only from the log.
  server_.reset();
  start_server();
  auto c = connect(spain_);
  join(*c, board_);
  std::ofstream(clock_file_) << 16 * 60;  // 16 minutes later
  std::vector<std::string> unlocked;
  for (int i = 0; i < 2; ++i)
    if (auto f = c->next_event("server:task_unlocked", 10s)) unlocked.push_back(*f);
  ASSERT_EQ(unlocked.size(), 2u);
  for (const auto& f : unlocked) EXPECT_NE(f.find(R"("reason":"expired")"), std::string::npos) << f;
  const bool both =
      (unlocked[0].find(review_) != std::string::npos) != (unlocked[1].find(review_) != std::string::npos);
  EXPECT_TRUE(both) << unlocked[0] << unlocked[1];
  eventstore::event_store store({app(), worker()});
  int expired = 0;
  for (const auto& e : *store.read_all(0, 100000)) expired += e.event_type() == "TaskLockExpired";
  EXPECT_EQ(expired, 2);
}

TEST_F(LiveBoards, AClientThatNeverReadsIsDroppedAndTheOthersKeepReceiving) {
  // The reading client may fall up to 128 frames behind (it shares 2 cores with the server
  // and, under ctest -j, with other tests); the sleeper falls behind without end.
  server_.reset();
  start_server({"STRADIA_WS_QUEUE_LIMIT=128"});
  spain_ = token("spain@acme.com");
  auto sleeper = std::make_unique<ws_client>(server_->port(), spain_, "", 4096, /*reading=*/false);
  ASSERT_EQ(sleeper->handshake_status(), 101);
  auto reader = connect(spain_);
  sleeper->send(R"({"event":"client:join_board","payload":{"local_board_id":")" + board_ + R"("}})");
  join(*reader, board_);
  const std::string content(4900, 'n');
  constexpr int notes = 1500;
  int received = 0;
  std::thread counting([&] {
    while (received < notes && reader->next_event("server:note_added", 10s)) ++received;
  });
  // The sleeper never reads: its small socket buffer, then the server's bounded queue fill.
  for (int i = 0; i < notes; ++i)
    ASSERT_EQ(http_call(server_->port(), "POST", "/api/v1/commands/AddTaskNote",
                        R"({"local_task_id":")" + review_ + R"(","content":")" + content + R"("})",
                        {{"Authorization", "Bearer " + spain_}})
                  .status,
              200);
  counting.join();
  EXPECT_EQ(received, notes) << "the reading client missed frames";
  const auto metrics = http_call(server_->port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("stradia_websocket_dropped_slow_total 1\n"), std::string::npos) << metrics;
}

TEST_F(LiveBoards, ADeactivatedTenantsSocketsLeaveTheirRoomsAtOnce) {
  auto c = connect(spain_);
  join(*c, board_);
  ASSERT_EQ(run_stradia({"tenant", "deactivate", "--tenant", "a5e1c0de-0000-4000-8000-000000000001"}, env_), 0);
  const auto told = c->next_event("server:error", 5s);
  ASSERT_TRUE(told.has_value());
  EXPECT_NE(told->find(R"("code":"UNAUTHENTICATED")"), std::string::npos) << *told;
  c->send(task_frame("client:request_task_lock", board_, review_));
  const auto refused = c->next_event("server:error", 5s);
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->find("UNAUTHENTICATED"), std::string::npos) << *refused;
  EXPECT_FALSE(c->next_event("server:task_locked", 500ms)) << "nothing of the board any more";
}

// The frame a board event of a task is told by (API.md §5).
std::string frame_for(std::string_view event_type) {
  if (event_type == "TaskLockAcquired") return "server:task_locked";
  if (event_type == "TaskLockReleased" || event_type == "TaskLockExpired") return "server:task_unlocked";
  if (event_type == "TaskMoved") return "server:task_moved";
  if (event_type == "TaskNoteAdded") return "server:note_added";
  if (event_type == "TaskExecutionCompleted") return "server:execution_completed";
  return "server:task_updated";
}

TEST_F(LiveBoards, EveryChangeOfABoardIsOneFrameInLogOrderWhateverItsOrigin) {
  fake_gemini gemini;
  gemini.reply(200, fake_gemini::verdict("PASS", {}, 90));
  server_.reset();
  start_server({"STRADIA_GEMINI_URL=" + gemini.url(), "STRADIA_GEMINI_API_KEY=test-key"});
  spain_ = token("spain@acme.com");
  const auto admin = token("admin@acme.com"), auditor = token("auditor@acme.com");
  auto c = connect(spain_);
  const auto sync = join(*c, board_);
  const auto joined_at = json_field(sync, "position");
  ASSERT_FALSE(joined_at.empty()) << sync;
  auto http = [&](const std::string& name, const std::string& body, const std::string& bearer) {
    const auto r =
        http_call(server_->port(), "POST", "/api/v1/commands/" + name, body, {{"Authorization", "Bearer " + bearer}});
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    return r;
  };
  const auto review = R"({"local_task_id":")" + review_ + R"(")";
  const auto consent = R"({"local_task_id":")" + consent_ + R"(")";

  std::vector<std::string> frames;  // every frame after the sync, in the order they came
  auto wait_for = [&](const std::string& event) {
    while (auto f = c->next()) {
      frames.push_back(*f);
      if (json_string_field(*f, "event") == event) return true;
    }
    return false;
  };

  // Every kind of change a board sees: HTTP, WebSocket and the system's (the scan's verdict).
  http("AddTaskNote", review + R"(,"content":"Starting today."})", spain_);
  c->send(task_frame("client:request_task_lock", board_, review_));
  ASSERT_TRUE(wait_for("server:task_locked"));
  c->send(task_frame("client:move_task", board_, review_,
                     R"(,"new_status":"IN_PROGRESS","expected_previous_status":"TODO")"));
  ASSERT_TRUE(wait_for("server:task_moved"));
  http(
      "UpdateExecutionPayload",
      consent +
          R"(,"execution_payload":{"action":"CREATE_TAG","platform":"GTM","schema":{"name":"Base","type":"ga4_setup"}}})",
      spain_);
  http("RequestPreFlightScan", consent + "}", spain_);
  http("ReleaseLock", review + "}", spain_);
  const auto created =
      http("CreateCustomLocalTask", R"({"local_board_id":")" + board_ + R"(","title":"Print the banner"})", spain_)
          .body;
  const auto custom = json_field(created, "local_task_id", created.find("\"result\""));
  http("MoveTask", review + R"(,"expected_previous_status":"IN_PROGRESS","new_status":"DONE"})", spain_);
  const auto strategy_answer = get("/api/v1/strategies", admin);
  const auto strategy = json_field(strategy_answer, "id", strategy_answer.find("\"strategies\""));
  http("AddGlobalTask",
       R"({"master_strategy_id":")" + strategy +
           R"(","task":{"title":"Audit Cookie Banner","task_type":"A_MANUAL","target_platform":"NONE"}})",
       admin);
  const auto markets = get("/api/v1/markets", admin);
  std::string spain_market;
  for (auto at = markets.find("{\"id\":"); at != std::string::npos; at = markets.find("{\"id\":", at + 1))
    if (json_field(markets, "name", at) == "Spain - Retail") spain_market = json_field(markets, "id", at);
  ASSERT_FALSE(spain_market.empty()) << markets;
  http("PublishMasterStrategy",
       R"({"master_strategy_id":")" + strategy + R"(","market_ids":[")" + spain_market + "\"]}", admin);

  // Quiet for a while: every frame has come.
  while (auto f = c->next(1500ms)) frames.push_back(*f);

  // The log's changes of this board's tasks since the join, in order, as their frames.
  const auto log = http_call(server_->port(), "GET", "/api/v1/events?limit=1000&after=" + joined_at, "",
                             {{"Authorization", "Bearer " + auditor}})
                       .body;
  std::vector<std::string> expected;
  simdjson::dom::parser parser;
  std::size_t start = 0;
  std::string ghost;
  while (start < log.size()) {
    auto end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    simdjson::dom::element e;
    if (end > start && !parser.parse(log.substr(start, end - start)).get(e)) {
      const std::string_view stream = e["stream_id"], type = e["event_type"];
      const auto task = stream.substr(stream.find('-') + 1);
      const bool on_board =
          stream.rfind("task-", 0) == 0 &&
          (task == review_ || task == consent_ || task == custom || task == ghost ||
           (type == "LocalTaskCreated" && std::string_view(e["payload"]["local_board_id"]) == board_));
      if (type == "LocalTaskCreated" && on_board && task != custom) ghost = std::string(task);
      if (on_board) expected.push_back(frame_for(type));
    }
    start = end + 1;
  }
  std::vector<std::string> told;
  int board_updates = 0;
  for (const auto& f : frames) {
    const auto name = json_string_field(f, "event");
    if (name == "server:board_updated") {
      ++board_updates;
      EXPECT_NE(f.find(R"("heatmap_score":0.16666666666666666)"), std::string::npos) << f;
      EXPECT_EQ(std::count(told.begin(), told.end(), "server:task_moved"), 2)
          << "the score moved when the review was DONE (the second move), and not before";
      continue;
    }
    told.push_back(name);
  }
  EXPECT_EQ(told, expected) << "one frame per change, in log order";
  EXPECT_EQ(board_updates, 1) << "the score changed once; the ghost card and the custom task do not count";
  EXPECT_EQ(expected.size(), 10u)
      << "note, lock, move, payload, scan asked and answered, unlock, custom task, move, ghost card";
  for (const auto& f : frames)
    if (json_string_field(f, "event") == "server:task_updated") {
      EXPECT_NE(f.find(R"("task":{"id":")"), std::string::npos) << "the task as in board_state_sync: " << f;
    }
}

}  // namespace
}  // namespace stradia::testing
