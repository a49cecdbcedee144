#pragma once
// The real server on loopback, seeded with the playground, driven over real HTTP: the
// fixture of the gateway's end-to-end tests (one file per area).
#include <gtest/gtest.h>

#include <future>

#include "base/encoding.hpp"
#include "child_process.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_board.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pg_fixture.hpp"
#include "fake_gemini.hpp"
#include "gateway/jwt.hpp"
#include "http_client.hpp"
#include "openapi_contract.hpp"
#include "server_process.hpp"
#include "xml_check.hpp"

namespace stradia::testing {

inline const std::string secret = "e2e-secret-0123456789abcdef0123456789";
inline const std::string acme = "a5e1c0de-0000-4000-8000-000000000001";

class Gateway : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    env_ = stradia_env(secret);
    ASSERT_EQ(run_stradia({"seed"}, env_), 0);
    server_ = std::make_unique<server_process>(env_);
    store_ = std::make_unique<eventstore::event_store>(eventstore::store_options{app(), worker()});
    find_spain_tasks();
  }
  void TearDown() override {
    server_.reset();
    store_.reset();
    pg_test::TearDown();
  }

  void find_spain_tasks() {
    std::string spain_board;
    const auto log = store_->read_all(0, 100000);
    for (const auto& e : *log) {
      if (e.event_type() != "BoardTaskAdded" || e.tenant_id() != acme) continue;
      auto added = domain::decode_event<domain::local_board::event>(e);
      const auto& a = std::get<board::v1::BoardTaskAdded>(*added);
      if (spain_board.empty()) spain_board = a.local_board_id();
      spain_board_ = spain_board;
      if (a.local_board_id() != spain_board) continue;
      (a.definition().title() == "Review Privacy Law" ? review_task_ : consent_task_) = a.local_task_id();
    }
  }

  std::string token(const std::string& email) {
    auto r = http_call(server_->port(), "POST", "/api/v1/auth/login",
                       R"({"email":")" + email + R"(","password":"stradia-dev"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return json_string_field(r.body, "token");
  }

  // A call whose answer must keep to openapi.yaml (its status listed, its JSON body valid).
  http_answer checked_call(const std::string& method, const std::string& target, const std::string& body,
                           std::map<std::string, std::string> headers) {
    auto r = http_call(server_->port(), method, target, body, headers);
    if (const auto wrong =
            openapi_contract::loaded().check(method, target, r.status, r.headers["content-type"], r.body);
        !wrong.empty())
      ADD_FAILURE() << wrong << "\n" << r.body.substr(0, 2000);
    return r;
  }

  http_answer command(const std::string& name, const std::string& body, const std::string& bearer,
                      std::map<std::string, std::string> headers = {}) {
    if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
    return checked_call("POST", "/api/v1/commands/" + name, body, headers);
  }

  std::string move(const std::string& task, const char* from, const char* to) {
    return R"({"local_task_id":")" + task + R"(","expected_previous_status":")" + from + R"(","new_status":")" + to +
           R"("})";
  }

  // GET as the user with `email`.
  http_answer get(const std::string& path, const std::string& email) {
    return checked_call("GET", path, "", {{"Authorization", "Bearer " + token(email)}});
  }
  static std::string code_of(const http_answer& r) { return json_string_field(r.body, "code"); }

  std::string acme_strategy() {
    std::string strategy;
    for (const auto& e : *store_->read_all(0, 100000))
      if (e.event_type() == "MasterStrategyCreated" && e.tenant_id() == acme) strategy = e.stream_id().substr(9);
    return strategy;
  }
  // Spain's "Review Privacy Law" moved TODO → DONE; the move's log position (0 if refused).
  std::int64_t review_moved_to_done() {
    auto moved = command("MoveTask", move(review_task_, "TODO", "DONE"), token("spain@acme.com"));
    EXPECT_EQ(moved.status, 200) << moved.body;
    if (moved.status != 200) return 0;
    return std::stoll(moved.body.substr(moved.body.find("\"global_position\":") + 18));
  }

  std::vector<std::string> env_;
  std::unique_ptr<server_process> server_;
  std::unique_ptr<eventstore::event_store> store_;
  std::string review_task_, consent_task_, spain_board_;
};

}  // namespace stradia::testing
