// End to end over HTTP: metrics, health, rebuild, seeding, shutdown.
#include "gateway_fixture.hpp"
#include "projections/projector.hpp"

#include <chrono>
#include <pqxx/pqxx>
#include <thread>

namespace stradia::testing {
namespace {

TEST_F(Gateway, MetricsCountRequestsAndShowTheReadModelsPosition) {
  EXPECT_EQ(http_call(server_->port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/markets").status, 401);
  auto r = http_call(server_->port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find("stradia_http_requests_total{route=\"health\",code=\"2xx\"} 1\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("stradia_http_requests_total{route=\"query\",code=\"4xx\"} 1\n"), std::string::npos);
  const auto head = *store_->head_position();
  EXPECT_NE(r.body.find("stradia_log_head_position " + std::to_string(head) + "\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("stradia_read_model_position "), std::string::npos);
  EXPECT_NE(r.body.find("stradia_read_model_lag_events "), std::string::npos);
}

TEST_F(Gateway, HealthAndReadinessAnswer) {
  EXPECT_EQ(http_call(server_->port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_call(server_->port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(http_call(server_->port(), "GET", "/nowhere").status, 404);
}

TEST_F(Gateway, RebuildReplaysTheLogIntoTheSameReadModels) {
  const auto admin = token("admin@acme.com");
  const auto before =
      http_call(server_->port(), "GET", "/api/v1/boards/" + spain_board_, "", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(before.status, 200);
  child_process all({"rebuild"}, env_);
  const auto report = all.next_line();
  EXPECT_EQ(all.signal(0), 0);
  EXPECT_NE(
      report.find("events into " + std::to_string(projections::projector::all_read_models().size()) + " read models"),
      std::string::npos)
      << report;
  const auto after =
      http_call(server_->port(), "GET", "/api/v1/boards/" + spain_board_, "", {{"Authorization", "Bearer " + admin}});
  // The same board and tasks (the answer's position moved with the admin's login event).
  EXPECT_EQ(after.body.substr(after.body.find("\"tasks\"")), before.body.substr(before.body.find("\"tasks\"")));
  child_process one({"rebuild", "--projection", "board-state"}, env_);
  EXPECT_NE(one.next_line().find("into 1 read models"), std::string::npos) << one.last_line();
  EXPECT_EQ(one.signal(0), 0);
  EXPECT_EQ(run_stradia({"rebuild", "--projection", "heat"}, env_), 2);
}

// A database from before the analytics read model: its tables empty, no checkpoint of its
// own. The server fills it from the log when it starts (the other models skip those events).
TEST_F(Gateway, AReadModelAnUpgradeAddsIsFilledWhenTheServerStarts) {
  ASSERT_GT(review_moved_to_done(), 0);
  const auto strategy = acme_strategy();
  server_.reset();
  {
    pqxx::connection c(owner());
    pqxx::work w(c);
    w.exec("DELETE FROM projection_checkpoints WHERE projection = 'analytics'");
    for (const auto& table : projections::projector::all_read_model_tables())
      if (table.rfind("analytics_", 0) == 0) w.exec("DELETE FROM " + table);
    w.commit();
  }
  server_ = std::make_unique<server_process>(env_);
  const auto admin = token("admin@acme.com");
  std::string body;
  for (int i = 0; i < 100 && body.find("Spain - Retail") == std::string::npos; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    body = http_call(server_->port(), "GET", "/api/v1/analytics/heatmap-history?strategy_id=" + strategy, "",
                     {{"Authorization", "Bearer " + admin}})
               .body;
  }
  // By hand, as before the upgrade: Spain's "Review Privacy Law" (weight 1) DONE of 1 + 5.
  EXPECT_NE(body.find(R"("heatmap_score":0.16666666666666666)"), std::string::npos) << body;
  EXPECT_EQ(
      http_call(server_->port(), "GET", "/api/v1/boards/" + spain_board_, "", {{"Authorization", "Bearer " + admin}})
          .status,
      200);
}

TEST_F(Gateway, SeedingTwiceChangesNothing) {
  const auto head = *store_->head_position();
  EXPECT_EQ(run_stradia({"seed"}, env_), 0);
  EXPECT_EQ(*store_->head_position(), head);
}

TEST_F(Gateway, SigtermStopsTheServerGracefully) { EXPECT_EQ(server_->stop(), 0); }

}  // namespace
}  // namespace stradia::testing
