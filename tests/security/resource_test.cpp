// One user's requests never stall anyone else: idle connections, waits for the read models,
// a hung upstream, a descriptor flood, socket and frame floods, login floods. Each runs the
// real server with the limit it tests.
#include <sys/resource.h>

#include <fstream>
#include <future>

#include "domain/clock.hpp"
#include "e2e/fake_gemini.hpp"
#include "e2e/ws_client.hpp"
#include "security/playground.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// This test process needs more descriptors than a default soft limit gives.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::chrono::milliseconds timed(const std::function<int()>& call, int expected_status) {
  const auto started = clock_type::now();
  EXPECT_EQ(call(), expected_status);
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
}

class Resources : public playground {};

// H3: 1,000 idle connections and 50 reads waiting on ?min_position hold no thread:
// /healthz and an ordinary query still answer at once.
TEST_F(Resources, IdleConnectionsAndPendingWaitsDoNotSlowAnyoneElse) {
  raise_descriptor_limit();
  const auto auditor = token("auditor@acme.com");
  const auto spain = token("spain@acme.com");
  std::vector<int> idle;
  for (int i = 0; i < 1000; ++i)
    if (const int fd = loopback_connection(server_->port()); fd >= 0) idle.push_back(fd);
  ASSERT_EQ(idle.size(), 1000u);
  std::vector<std::future<http_answer>> waits;
  for (int i = 0; i < 50; ++i)
    waits.push_back(
        std::async(std::launch::async, [&] { return get("/api/v1/markets?min_position=999999999", auditor); }));
  std::this_thread::sleep_for(500ms);
  const auto metrics = http_call(server_->port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("stradia_read_model_waits 50"), std::string::npos) << "all 50 wait, on no thread";
  std::chrono::milliseconds slowest{0};
  for (int i = 0; i < 5; ++i) {
    slowest = std::max(slowest, timed([&] { return http_call(server_->port(), "GET", "/healthz").status; }, 200));
    slowest = std::max(slowest, timed([&] { return get("/api/v1/markets", spain).status; }, 200));
  }
  EXPECT_LT(slowest, 100ms);
  for (auto& w : waits) {
    const auto r = w.get();
    EXPECT_EQ(r.status, 504);
    EXPECT_EQ(code_of(r), "READ_MODEL_BEHIND");
  }
  for (const int fd : idle) ::close(fd);
}

// H4: out of descriptors, accepting backs off and goes on; once the flood is gone the same
// listener serves again.
TEST_F(Resources, TheListenerOutlivesRunningOutOfDescriptors) {
  raise_descriptor_limit();
  server_.reset();
  server_ = std::make_unique<server_process>(env_, 160);
  std::vector<int> flood;
  for (int i = 0; i < 400; ++i)
    if (const int fd = loopback_connection(server_->port()); fd >= 0) flood.push_back(fd);
  std::this_thread::sleep_for(300ms);
  for (const int fd : flood) ::close(fd);
  const auto deadline = clock_type::now() + 5s;
  int status = 0;
  while (clock_type::now() < deadline && status != 200) {
    try {
      status = http_call(server_->port(), "GET", "/healthz").status;
    } catch (const std::exception&) {
      status = 0;
    }
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200) << "the listener is alive";
  const auto metrics = http_call(server_->port(), "GET", "/metrics");
  const std::string sample = "\nstradia_http_accept_errors_total ";
  const auto at = metrics.body.find(sample);
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::stoll(metrics.body.substr(at + sample.size())), 0) << "it did run out";
  EXPECT_EQ(get("/api/v1/markets", token("spain@acme.com")).status, 200);
}

class HungGemini : public playground {
 protected:
  std::vector<std::string> server_env() const override {
    return {"STRADIA_GEMINI_URL=" + gemini_.url(), "STRADIA_OUTBOUND_TIMEOUT=1"};
  }
  mutable fake_gemini gemini_;
};

// H3: a Gemini that accepts and never answers costs a request its deadline, no more, and
// holds none of the threads queries and commands run on.
TEST_F(HungGemini, AnUpstreamThatNeverAnswersCostsItsDeadline) {
  gemini_.hang();
  const auto spain = token("spain@acme.com");
  auto scan = std::async(std::launch::async, [&] {
    const auto started = clock_type::now();
    auto r = command("RequestPreFlightScan", R"({"local_task_id":")" + consent_task_ + R"("})", spain);
    return std::make_pair(r, clock_type::now() - started);
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_LT(timed([&] { return get("/api/v1/markets", spain).status; }, 200), 100ms);
  const auto [answer, took] = scan.get();
  EXPECT_EQ(answer.status, 503) << answer.body;
  EXPECT_LT(took, 4s);
  EXPECT_EQ(answer.body.find("127.0.0.1"), std::string::npos) << "no upstream detail reaches the client";
}

class Floods : public playground {
 protected:
  std::vector<std::string> server_env() const override {
    return {"STRADIA_WS_PER_USER=2", "STRADIA_WS_FRAMES_PER_SECOND=5", "STRADIA_LOGIN_ATTEMPTS_PER_ADDRESS=8",
            "STRADIA_SECURE_COOKIES=1"};
  }
};

// M8: sockets per user and frames per socket are limited like HTTP requests.
TEST_F(Floods, WebSocketsAndFramesPerUserAreCapped) {
  const auto spain = token("spain@acme.com");
  ws_client first(server_->port(), spain), second(server_->port(), spain);
  EXPECT_EQ(first.handshake_status(), 101);
  EXPECT_EQ(second.handshake_status(), 101);
  ws_client third(server_->port(), spain);
  EXPECT_EQ(third.handshake_status(), 429);
  for (int i = 0; i < 40; ++i)
    ASSERT_TRUE(first.send(R"({"event":"client:join_board","request_id":"join-)" + std::to_string(i) +
                           R"(","payload":{"local_board_id":")" + acme_.board + R"("}})"));
  int limited = 0;
  while (auto frame = first.next(2s))
    if (frame->find("RATE_LIMITED") != std::string::npos) {
      ++limited;
      // The refusal names the frame refused, so a client knows which request to send again.
      EXPECT_NE(frame->find(R"("request_id":"join-)"), std::string::npos) << *frame;
    }
  EXPECT_GE(limited, 20) << "a burst of 10, then 5 a second";
}

// M7: logins are limited per client address too, whatever emails are tried.
TEST_F(Floods, LoginsAreLimitedPerAddress) {
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    const auto r = http_call(server_->port(), "POST", "/api/v1/auth/login",
                             R"({"email":"nobody)" + std::to_string(i) + R"(@example.com","password":"x"})");
    limited += r.status == 429;
  }
  EXPECT_GE(limited, 3);
}

// L1, L2: readiness tells no internal detail; answers carry nosniff, API answers are not
// cached, and the session cookie is Secure when told so.
TEST_F(Floods, AnswersLeakNothingAndCarryTheirSafetyHeaders) {
  auto ready = http_call(server_->port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body.find("postgres"), std::string::npos);
  EXPECT_EQ(ready.headers["x-content-type-options"], "nosniff");
  auto login = http_call(server_->port(), "POST", "/api/v1/auth/login",
                         R"({"email":"spain@acme.com","password":"stradia-dev"})");
  EXPECT_NE(login.headers["set-cookie"].find("; Secure"), std::string::npos);
  EXPECT_EQ(login.headers["cache-control"], "no-store");
  auto markets = get("/api/v1/markets", json_string_field(login.body, "token"));
  EXPECT_EQ(markets.headers["cache-control"], "no-store");
  EXPECT_EQ(markets.headers["x-content-type-options"], "nosniff");
}

class ClockHook : public playground {
 protected:
  std::vector<std::string> server_env() const override { return {"STRADIA_CLOCK_OFFSET_FILE=" + clock_file_}; }
  std::string clock_file_ = [] {
    const auto path = "/tmp/stradia-clock-hook-" + std::to_string(::getpid());
    std::ofstream(path) << 86400 * 365;
    return path;
  }();
};

// L: the test clock is a test hook: without STRADIA_TEST_HOOKS=1 it moves nothing.
TEST_F(ClockHook, TheTestClockCountsOnlyWithTestHooksOn) {
  const auto lock = command("AcquireLock", R"({"local_task_id":")" + acme_.task + R"("})", token("spain@acme.com"));
  ASSERT_EQ(lock.status, 200) << lock.body;
  const auto now =
      domain::format_rfc3339(std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()));
  EXPECT_EQ(json_string_field(lock.body, "locked_at").substr(0, 10), now.substr(0, 10)) << "today, not a year on";
  std::remove(clock_file_.c_str());
}

}  // namespace
}  // namespace stradia::testing
