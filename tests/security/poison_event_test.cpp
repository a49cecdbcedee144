// A projection never stalls on one event (embedded mode; Kafka mode is in kafka_tests):
// events no read model can apply, written into the log directly, are quarantined, every
// other event still applies, every tenant's reads go on, readiness stays ready and counts
// them, and `stradia rebuild` tries them again.
#include <pqxx/pqxx>

#include <thread>

#include "projections/poison_events.hpp"
#include "security/playground.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

class PoisonEvent : public playground {
 protected:
  std::int64_t quarantined_rows() {
    pqxx::connection c(worker());
    return pqxx::read_transaction(c).exec("SELECT count(*) FROM projection_quarantine")[0][0].as<std::int64_t>();
  }
};

TEST_F(PoisonEvent, IsQuarantinedAndEveryOtherEventOfEveryTenantStillApplies) {
  const auto globex_admin = token("admin@globex.com");
  const auto spain = token("spain@acme.com");
  ASSERT_EQ(insert_poison_events(owner(), acme, acme_.board, acme_.task), 4);

  // After the poison: a Globex write and an Acme write, each read back within the wait.
  const auto note =
      command("AddTaskNote", R"({"local_task_id":")" + globex_.task + R"(","content":"after"})", globex_admin);
  ASSERT_EQ(note.status, 200) << note.body;
  const auto started = std::chrono::steady_clock::now();
  const auto read =
      get("/api/v1/tasks/" + globex_.task + "?min_position=" + std::to_string(position_of(note)), globex_admin);
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_NE(read.body.find("after"), std::string::npos);
  const auto moved = command(
      "MoveTask",
      R"({"local_task_id":")" + acme_.task + R"(","expected_previous_status":"TODO","new_status":"IN_PROGRESS"})",
      spain);
  ASSERT_EQ(moved.status, 200) << moved.body;
  const auto board =
      get("/api/v1/boards/" + acme_.board + "?min_position=" + std::to_string(position_of(moved)), spain);
  ASSERT_EQ(board.status, 200) << board.body;

  // Readiness stays ready and says how many were set aside; so do the metrics.
  const auto quarantined = quarantined_rows();
  EXPECT_GE(quarantined, 4) << "each poison event, for each read model that reads it";
  const auto ready = http_call(server_->port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_NE(ready.body.find("\"quarantined_events\":" + std::to_string(quarantined)), std::string::npos) << ready.body;
  const auto metrics = http_call(server_->port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("stradia_projection_quarantined_events " + std::to_string(quarantined)),
            std::string::npos);
  EXPECT_EQ(get("/api/v1/tasks/AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA", spain).status, 404)
      << "the uppercase task never became a row";

  // A rebuild tries them again (they fail again) and rebuilds everything else.
  server_.reset();
  ASSERT_EQ(run_stradia({"rebuild"}, env_), 0);
  EXPECT_EQ(quarantined_rows(), quarantined);
  server_ = std::make_unique<server_process>(env_);
  EXPECT_EQ(http_call(server_->port(), "GET", "/readyz").status, 200);
  const auto after_rebuild = get("/api/v1/boards/" + acme_.board, spain);
  EXPECT_NE(after_rebuild.body.find("IN_PROGRESS"), std::string::npos) << after_rebuild.body;
}

}  // namespace
}  // namespace stradia::testing
