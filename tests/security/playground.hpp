#pragma once
// The playground of the seed on a fresh database and a real `stradia serve`, with the ids of
// both tenants' entities read from the log, for tests that attack as one tenant's users
// would: with the other tenant's ids, malformed ids, races, floods.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "board.pb.h"
#include "e2e/http_client.hpp"
#include "e2e/server_process.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pg_fixture.hpp"
#include "strategy.pb.h"
#include "tenant.pb.h"

namespace stradia::testing {

inline const std::string secret = "security-secret-0123456789abcdef0123";
inline const std::string acme = "a5e1c0de-0000-4000-8000-000000000001";
inline const std::string globex = "9100be20-0000-4000-8000-000000000001";

// One tenant's entities, as the seed made them (the first of each kind).
struct tenant_ids {
  std::string tenant, market, board, task, strategy, global_task, user, policy;
};

class playground : public pg_test {
 protected:
  // Extra environment for the server (limits, fakes), set before SetUp by a fixture.
  virtual std::vector<std::string> server_env() const { return {}; }

  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    env_ = stradia_env(secret);
    ASSERT_EQ(run_stradia({"seed"}, env_), 0);
    for (auto& e : server_env()) env_.push_back(e);
    server_ = std::make_unique<server_process>(env_);
    store_ = std::make_unique<eventstore::event_store>(eventstore::store_options{app(), worker()});
    read_ids();
  }
  void TearDown() override {
    server_.reset();
    store_.reset();
    pg_test::TearDown();
  }

  void read_ids() {
    for (const auto& e : *store_->read_all(0, 1000000)) {
      auto& ids = e.tenant_id() == acme ? acme_ : globex_;
      if (e.tenant_id() != acme && e.tenant_id() != globex) continue;
      ids.tenant = e.tenant_id();
      auto first = [](std::string& into, std::string value) {
        if (into.empty()) into = std::move(value);
      };
      const auto& type = e.event_type();
      if (type == "MarketCreated") first(ids.market, e.stream_id().substr(7));
      if (type == "LocalBoardCreated") first(ids.board, e.stream_id().substr(6));
      if (type == "BoardTaskAdded") {
        board::v1::BoardTaskAdded added;
        // The first board's tasks: "Review Privacy Law" (TODO) and, for Acme's Spain board,
        // "Deploy Consent Mode" (the golden record: locked by spain, payload scanned PASSED).
        if (added.ParseFromString(e.payload()) && (ids.board.empty() || added.local_board_id() == ids.board)) {
          if (added.definition().title() == "Review Privacy Law") first(ids.task, added.local_task_id());
          if (added.definition().title() == "Deploy Consent Mode" && e.tenant_id() == acme)
            first(consent_task_, added.local_task_id());
        }
      }
      if (type == "MasterStrategyCreated") first(ids.strategy, e.stream_id().substr(9));
      if (type == "UserInvited") first(ids.user, e.stream_id().substr(5));
      if (type == "GlobalTaskAdded") {
        strategy::v1::GlobalTaskAdded added;
        if (added.ParseFromString(e.payload())) first(ids.global_task, added.task().global_task_id());
      }
      if (type == "GovernancePolicyCreated") {
        tenant::v1::GovernancePolicyCreated created;
        if (created.ParseFromString(e.payload())) first(ids.policy, created.policy_id());
      }
    }
    if (globex_.policy.empty()) globex_.policy = new_uuid();  // Globex has none: any id is foreign to Acme
  }

  std::string token(const std::string& email) {
    auto r = http_call(server_->port(), "POST", "/api/v1/auth/login",
                       R"({"email":")" + email + R"(","password":"stradia-dev"})");
    EXPECT_EQ(r.status, 200) << email << ": " << r.body;
    return json_string_field(r.body, "token");
  }

  http_answer command(const std::string& name, const std::string& body, const std::string& bearer,
                      std::map<std::string, std::string> headers = {}, unsigned short port = 0) {
    if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
    return http_call(port ? port : server_->port(), "POST", "/api/v1/commands/" + name, body, headers);
  }

  http_answer get(const std::string& path, const std::string& bearer) {
    return http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + bearer}});
  }

  static std::string code_of(const http_answer& r) { return json_string_field(r.body, "code"); }

  static std::int64_t position_of(const http_answer& r) {
    const auto at = r.body.find("\"global_position\":");
    return at == std::string::npos ? 0 : std::stoll(r.body.substr(at + 18));
  }

  // Every event of every tenant, counted as the database owner sees them.
  std::int64_t events_in_log() {
    pqxx::connection c(owner());
    return pqxx::nontransaction(c).exec("SELECT count(*) FROM events")[0][0].as<std::int64_t>();
  }

  std::vector<std::string> env_;
  std::unique_ptr<server_process> server_;
  std::unique_ptr<eventstore::event_store> store_;
  tenant_ids acme_, globex_;
  std::string consent_task_;  // Acme Spain's Type C task
};

}  // namespace stradia::testing
