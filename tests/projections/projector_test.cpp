// The read models applied from the real log, applied again (a redelivery, as after a
// crash between the read model's commit and the bus acknowledging it), moved by
// watermarks, and rebuilt.
#include "projections/projector.hpp"

#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "eventstore/pg_fixture.hpp"
#include "projections/read_model_reader.hpp"

namespace stradia::testing {
namespace {

class Projector : public store_test {};

eventstore::append_request task_events(const std::string& tenant, const std::string& board,
                                       const std::string& task_id) {
  task::v1::LocalTaskCreated created;
  created.set_local_task_id(task_id);
  created.set_tenant_id(tenant);
  created.set_local_board_id(board);
  created.set_market_id(new_uuid());
  created.mutable_definition()->set_title("Deploy Consent Mode");
  created.mutable_definition()->set_weight(5);
  created.set_status(domain::statuses::TODO);
  created.set_pre_flight_scan_status(domain::scan_statuses::PENDING);
  task::v1::PreFlightScanCompleted scanned;
  scanned.set_status(domain::scan_statuses::PASSED);
  scanned.set_token_cost(450);
  task::v1::TaskMoved moved;
  moved.set_new_status(domain::statuses::DONE);
  auto event = [](std::string type, const google::protobuf::Message& m) {
    return an_event(std::move(type), m.SerializeAsString());
  };
  return {
      tenant,
      {{"task-" + task_id,
        eventstore::expected_version::no_stream(),
        {event("LocalTaskCreated", created), event("PreFlightScanCompleted", scanned), event("TaskMoved", moved)}}}};
}

TEST_F(Projector, AppliesTheLogOnceEvenWhenItIsDeliveredTwice) {
  const auto tenant = new_uuid(), board = new_uuid(), task = new_uuid();
  ASSERT_TRUE(store_->append(task_events(tenant, board, task)).has_value());
  board::v1::LocalBoardCreated created;
  created.set_local_board_id(board);
  created.set_tenant_id(tenant);
  created.set_market_id(new_uuid());
  created.set_master_strategy_id(new_uuid());
  created.set_status(domain::board_statuses::ACTIVE);
  ASSERT_TRUE(store_
                  ->append({tenant,
                            {{"board-" + board,
                              eventstore::expected_version::no_stream(),
                              {an_event("LocalBoardCreated", created.SerializeAsString())}}}})
                  .has_value());
  const auto log = *store_->read_all(0, 1000);

  projections::projector projection(worker());
  auto first = projection.apply("embedded", log);
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_EQ(first->applied, log.size());
  auto again = projection.apply("embedded", log);  // redelivered
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->applied, 0u);
  EXPECT_EQ(again->skipped, log.size());
  EXPECT_EQ(*projection.checkpoint("embedded"), log.back().global_position());

  projections::read_model_reader reader(app());
  auto view = reader.board(tenant, board);
  ASSERT_TRUE(view.has_value());
  ASSERT_TRUE(view->has_value());
  ASSERT_EQ((*view)->tasks.size(), 1u);
  const auto& t = (*view)->tasks[0];
  EXPECT_EQ(t.gemini_token_cost, 450) << "applied twice";
  EXPECT_EQ(t.status, "DONE");
  EXPECT_EQ(t.pre_flight_scan_status, "PASSED");
  EXPECT_EQ(t.version, 3);
  EXPECT_DOUBLE_EQ((*view)->heatmap_score, 1.0);
  EXPECT_FALSE(reader.board(new_uuid(), board)->has_value()) << "another tenant sees no board";
}

}  // namespace
}  // namespace stradia::testing
