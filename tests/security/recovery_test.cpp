// Recovery is visible: after Postgres restarts, readiness turns ready again as soon as the
// feeds run, and the first request finds its dead pooled connection replaced instead of
// failing. Runs its own Postgres (scripts/pg) so it can stop and start it.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "e2e/http_client.hpp"
#include "e2e/server_process.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

std::string run_script(const std::string& command) {
  std::string out;
  if (std::FILE* p = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, p)) out += buffer;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

class Recovery : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("stradia-recovery-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::filesystem::permissions(dir_, std::filesystem::perms::all);
    const auto errors = (dir_ / "pg-start.err").string();
    port_ = run_script(pg("start") + " 2>" + errors);
    ASSERT_FALSE(port_.empty()) << "scripts/pg did not start a server: " << run_script("cat " + errors) << "\n"
                                << run_script("tail -5 " + (dir_ / "pg" / "server.log").string() + " 2>/dev/null");
    auto url = [&](const char* role) { return "host=127.0.0.1 port=" + port_ + " dbname=stradia user=" + role; };
    env_ = {std::string("STRADIA_DATABASE_URL=") + url("stradia_app"),
            std::string("STRADIA_WORKER_DATABASE_URL=") + url("stradia_worker"),
            std::string("STRADIA_OWNER_DATABASE_URL=") + url("stradia_owner"),
            "STRADIA_JWT_SECRET=recovery-secret-0123456789abcdef0123"};
    ASSERT_EQ(run_stradia({"seed"}, env_), 0);
    server_ = std::make_unique<server_process>(env_);
  }
  void TearDown() override {
    server_.reset();
    run_script(pg("stop"));
    std::filesystem::remove_all(dir_);
  }

  std::string pg(const std::string& verb) const {
    return std::string(STRADIA_SOURCE_DIR) + "/scripts/pg " + verb + " " + (dir_ / "pg").string() +
           (verb == "start" && !port_.empty() ? " " + port_ : "");
  }

  int ready() {
    try {
      return http_call(server_->port(), "GET", "/readyz").status;
    } catch (const std::exception&) {
      return 0;
    }
  }

  std::filesystem::path dir_;
  std::string port_;
  std::vector<std::string> env_;
  std::unique_ptr<server_process> server_;
};

TEST_F(Recovery, ReadinessAndPooledConnectionsComeBackAfterAPostgresRestart) {
  auto login = http_call(server_->port(), "POST", "/api/v1/auth/login",
                         R"({"email":"spain@acme.com","password":"stradia-dev"})");
  ASSERT_EQ(login.status, 200);
  const auto token = login.body.substr(login.body.find("\"token\":\"") + 9);
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token.substr(0, token.find('"'))}};
  for (int i = 0; i < 4; ++i)  // several pooled connections, all to die with the server
    ASSERT_EQ(http_call(server_->port(), "GET", "/api/v1/markets", "", auth).status, 200);
  ASSERT_EQ(ready(), 200);

  run_script(pg("stop"));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (ready() != 503 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(ready(), 503) << "not ready while Postgres is down";
  EXPECT_EQ(http_call(server_->port(), "GET", "/healthz").status, 200) << "but alive";

  ASSERT_EQ(run_script(pg("start")), port_);
  const auto restarted = std::chrono::steady_clock::now();
  deadline = restarted + 15s;
  while (ready() != 200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(ready(), 200) << "ready again once the feeds run";
  EXPECT_LT(std::chrono::steady_clock::now() - restarted, 10s);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/markets", "", auth).status, 200)
      << "the first read after the restart does not fail on a dead pooled connection";
}

}  // namespace
}  // namespace stradia::testing
