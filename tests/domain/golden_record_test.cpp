// The domain model's golden LocalTask (§6), built from events alone: the commands run
// through decide() at the model's times, and the state is then replayed from nothing
// but the recorded events.
#include "domain/local_task.hpp"

#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace lt = domain::local_task;
namespace pb = stradia::task::v1;
using domain::scan_statuses;
using domain::statuses;

const std::string john_id = "99999999-0000-4000-8000-00000000d0e0";
const std::string golden_payload =
    R"({"action":"CREATE_TAG","platform":"GTM","schema":{"name":"GA4 Configuration - Base","type":"ga4_setup",)"
    R"("parameter":[{"type":"template","key":"measurementId","value":"G-ABC123XYZ0"}]}})";

timestamp at(int hour, int minute) {
  return timestamp{std::chrono::sys_days{std::chrono::year{2026} / 2 / 22} + std::chrono::hours{hour} +
                   std::chrono::minutes{minute}};
}

class golden_record_builder {
 public:
  void run(const lt::command& c, domain::caller who, timestamp now) {
    auto ctx = context_for(std::move(who), now);
    ctx.new_id = [this] { return "note-" + std::to_string(++ids_); };
    auto d = lt::decide(state_, c, ctx);
    const auto& recorded = d ? *d : d.error().recorded;
    for (const auto& e : recorded) {
      log_.push_back(e);
      state_ = lt::evolve(std::move(state_), e);
    }
  }
  const std::vector<lt::event>& log() const { return log_; }
  std::int64_t version() const { return state_.stream_version; }

 private:
  lt::state state_;
  std::vector<lt::event> log_;
  int ids_ = 0;
};

domain::caller john() { return {john_id, tenant_id, domain::roles::LOCAL_USER, {spain_market_id}, false}; }

std::vector<lt::event> golden_history() {
  golden_record_builder b;
  pb::CreateLocalTask create;
  create.set_local_task_id(local_task_id);
  create.set_local_board_id(spain_board_id);
  create.set_market_id(spain_market_id);
  create.mutable_definition()->set_global_task_id(global_task_id);
  create.mutable_definition()->set_task_type(domain::task_types::C_EXECUTIVE);
  create.mutable_definition()->set_title("Deploy GA4");
  create.mutable_definition()->set_target_platform(domain::platforms::GTM);
  b.run(create, as_system(), at(8, 0));

  pb::AddTaskNote slack;
  slack.set_content("Client provided the production Measurement ID over Slack.");
  b.run(slack, john(), at(9, 0));
  b.run(pb::AcquireLock{}, john(), at(10, 0));
  pb::MoveTask start;
  start.set_expected_previous_status(statuses::TODO);
  start.set_new_status(statuses::IN_PROGRESS);
  b.run(start, john(), at(10, 1));
  pb::UpdateExecutionPayload payload;
  payload.set_execution_payload(golden_payload);
  payload.set_expected_version(b.version());
  b.run(payload, john(), at(10, 5));
  b.run(pb::RequestPreFlightScan{}, john(), at(10, 6));
  pb::RecordPreFlightScanResult scan;
  scan.set_status(scan_statuses::PASSED);
  scan.set_token_cost(450);
  scan.set_payload_revision(1);  // the payload's first edit, just above
  b.run(scan, as_system(), at(10, 7));
  pb::UpdateExecutionPayload stale;
  stale.set_execution_payload(R"({ "draft_id": "G-XYZ987" })");
  stale.set_expected_version(b.version() - 3);
  b.run(stale, john(), at(10, 10));
  b.run(pb::ReleaseLock{}, john(), at(10, 14));
  b.run(pb::AcquireLock{}, john(), at(10, 15));
  return b.log();
}

TEST(GoldenRecord, LocalTaskIsRebuiltFromEventsWithEveryField) {
  const auto history = golden_history();
  const auto s = fold(lt::state{}, history, lt::evolve);

  EXPECT_EQ(s.id, local_task_id);
  EXPECT_EQ(s.local_board_id, spain_board_id);
  EXPECT_EQ(s.global_task_id, global_task_id);
  EXPECT_EQ(s.status, statuses::IN_PROGRESS);
  EXPECT_FALSE(s.is_custom_local_task);
  EXPECT_FALSE(s.is_ghost_card);
  EXPECT_EQ(s.pre_flight_scan_status, scan_statuses::PASSED);
  EXPECT_EQ(s.gemini_token_cost, 450);
  ASSERT_TRUE(s.current_lock.has_value());
  EXPECT_EQ(s.current_lock->locked_by, john_id);
  EXPECT_EQ(domain::format_rfc3339(s.current_lock->locked_at), "2026-02-22T10:15:00Z");
  EXPECT_TRUE(s.checkpoint_state.empty());
  EXPECT_FALSE(s.checkpoint_expires_at.has_value());
  EXPECT_EQ(s.execution_payload, golden_payload);
  EXPECT_TRUE(s.error_log.empty());
  EXPECT_FALSE(s.last_executed_at.has_value());

  ASSERT_EQ(s.notes.size(), 2u);
  EXPECT_EQ(s.notes[0].user_id, john_id);
  EXPECT_EQ(s.notes[0].content, "Client provided the production Measurement ID over Slack.");
  EXPECT_EQ(domain::format_rfc3339(s.notes[0].created_at), "2026-02-22T09:00:00Z");
  EXPECT_EQ(s.notes[1].user_id, "system");
  EXPECT_EQ(s.notes[1].content,
            R"([SYSTEM AUTO-SAVE: Version Collision Detected at 2026-02-22T10:10:00Z] { "draft_id": "G-XYZ987" })");
  EXPECT_EQ(domain::format_rfc3339(s.notes[1].created_at), "2026-02-22T10:10:00Z");
  EXPECT_NE(s.notes[0].id, s.notes[1].id);
  EXPECT_EQ(s.stream_version, static_cast<std::int64_t>(history.size()));
}

TEST(GoldenRecord, ReplayAfterSerializationGivesTheSameState) {
  // What the store keeps is bytes: serialize every event, parse it back, replay.
  std::vector<lt::event> reparsed;
  for (const auto& e : golden_history()) {
    std::visit(
        [&](const auto& message) {
          std::decay_t<decltype(message)> copy;
          ASSERT_TRUE(copy.ParseFromString(message.SerializeAsString()));
          reparsed.emplace_back(std::move(copy));
        },
        e);
  }
  const auto s = fold(lt::state{}, reparsed, lt::evolve);
  EXPECT_EQ(s.notes.size(), 2u);
  EXPECT_EQ(s.gemini_token_cost, 450);
  EXPECT_EQ(s.current_lock->locked_by, john_id);
}

}  // namespace
}  // namespace stradia::testing
