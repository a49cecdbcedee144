// The analytics read model against a log with hand-computed answers: a board's score at the
// end of each day (a task DONE → IN_PROGRESS → DONE, a ghost card accepted and one rejected),
// flow (cycle times, time blocked, a lock that expired), AI usage by month and ghost-card
// decisions; the heatmap as it stood at a moment; live batches equal a rebuild.
#include <pqxx/pqxx>

#include "base/clock.hpp"
#include "board.pb.h"
#include "domain/clock.hpp"
#include "domain/enums.hpp"
#include "eventstore/pg_fixture.hpp"
#include "projections/analytics/analytics_reader.hpp"
#include "projections/projector.hpp"
#include "projections/read_model_digest.hpp"
#include "projections/read_model_reader.hpp"
#include "projections/synthetic_board_log.hpp"
#include "task.pb.h"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;
namespace analytics = projections::analytics;
using envelope = stradia::envelope::v1::EventEnvelope;

std::chrono::sys_days day(const char* text) { return *base::parse_day(text); }

class Analytics : public store_test {
 protected:
  const std::string tenant = new_uuid(), strategy = new_uuid(), spain = new_uuid(), france = new_uuid();
  const std::string b1 = new_uuid(), b2 = new_uuid();
  const std::string t1 = new_uuid(), t2 = new_uuid(), t3 = new_uuid(), t4 = new_uuid();
  const std::string justification = "Not for Spain, \"consent\" is handled by the CMP;\nsee ticket 42";

  // Appends one event and remembers the time it is to be recorded at.
  void add(const std::string& stream, const std::string& type, const google::protobuf::Message& m, const char* at) {
    auto e = an_event(type, m.SerializeAsString());
    times_.emplace_back(e.event_id, at);
    ASSERT_TRUE(store_->append({tenant, {{stream, eventstore::expected_version::any(), {e}}}}).has_value());
  }
  // Sets each event's recorded_at (as the owner, past the log's immutability trigger).
  void stamp_times() {
    pqxx::connection c(owner());
    pqxx::work w(c);
    w.exec("ALTER TABLE events DISABLE TRIGGER USER");
    for (const auto& [id, at] : times_)
      w.exec_params("UPDATE events SET recorded_at = $2::timestamptz WHERE event_id = $1::uuid", id, at);
    w.exec("ALTER TABLE events ENABLE TRIGGER USER");
    w.commit();
  }

  void board(const std::string& id, const std::string& market, const char* at) {
    board::v1::LocalBoardCreated m;
    m.set_local_board_id(id);
    m.set_tenant_id(tenant);
    m.set_market_id(market);
    m.set_master_strategy_id(strategy);
    m.set_strategy_version(1);
    m.set_status(domain::board_statuses::ACTIVE);
    add("board-" + id, "LocalBoardCreated", m, at);
  }
  void task(const std::string& id, const std::string& board_id, const std::string& market, domain::task_type type,
            int weight, const char* at, bool ghost = false) {
    task::v1::LocalTaskCreated m;
    m.set_local_task_id(id);
    m.set_tenant_id(tenant);
    m.set_local_board_id(board_id);
    m.set_market_id(market);
    m.set_global_task_id(new_uuid());
    m.mutable_definition()->set_title("Task " + id.substr(0, 4));
    m.mutable_definition()->set_task_type(type);
    m.mutable_definition()->set_weight(weight);
    m.set_status(domain::statuses::TODO);
    m.set_is_ghost_card(ghost);
    m.set_pre_flight_scan_status(domain::scan_statuses::PENDING);
    add("task-" + id, "LocalTaskCreated", m, at);
  }
  void move(const std::string& id, domain::task_status to, const char* at) {
    task::v1::TaskMoved m;
    m.set_local_task_id(id);
    m.set_new_status(to);
    add("task-" + id, "TaskMoved", m, at);
  }

  // The fixture's log (times in UTC; day 1 is Monday 2026-03-02).
  void write_log() {
    using S = domain::statuses;
    board(b1, spain, "2026-03-02T09:00:00Z");
    board(b2, france, "2026-03-02T09:00:00Z");
    task(t1, b1, spain, domain::task_types::A_MANUAL, 1, "2026-03-02T09:01:00Z");
    task(t2, b1, spain, domain::task_types::C_EXECUTIVE, 3, "2026-03-02T09:01:00Z");
    task(t3, b2, france, domain::task_types::A_MANUAL, 2, "2026-03-02T09:02:00Z");
    move(t1, S::IN_PROGRESS, "2026-03-02T10:00:00Z");
    move(t1, S::DONE, "2026-03-02T12:00:00Z");  // cycle 7,200 s; Spain 1/4
    move(t3, S::IN_PROGRESS, "2026-03-02T11:00:00Z");
    move(t1, S::IN_PROGRESS, "2026-03-03T09:00:00Z");  // reopened: a new cycle; Spain 0/4
    move(t1, S::BLOCKED, "2026-03-03T09:30:00Z");
    move(t1, S::IN_PROGRESS, "2026-03-03T10:30:00Z");  // blocked 3,600 s
    move(t1, S::DONE, "2026-03-03T12:00:00Z");         // cycle 10,800 s; Spain 1/4
    task::v1::TaskLockExpired expired;
    expired.set_local_task_id(t2);
    add("task-" + t2, "TaskLockExpired", expired, "2026-03-03T12:15:00Z");
    task::v1::PreFlightScanCompleted scan;
    scan.set_local_task_id(t2);
    scan.set_status(domain::scan_statuses::PASSED);
    scan.set_token_cost(450);
    add("task-" + t2, "PreFlightScanCompleted", scan, "2026-03-03T13:00:00Z");
    scan.set_status(domain::scan_statuses::FAILED);
    scan.set_token_cost(50);
    add("task-" + t2, "PreFlightScanCompleted", scan, "2026-03-03T13:05:00Z");
    task::v1::ContentGenerated content;
    content.set_local_task_id(t2);
    content.set_token_cost(100);
    add("task-" + t2, "ContentGenerated", content, "2026-03-03T14:00:00Z");
    move(t2, S::IN_PROGRESS, "2026-03-03T15:00:00Z");
    move(t3, S::DONE, "2026-03-04T11:00:00Z");  // cycle 172,800 s; France 2/2
    // Version 2 of the strategy: an added card (rejected) and a change to t1 (accepted).
    board::v1::GhostCardsOffered offered;
    offered.set_local_board_id(b1);
    offered.set_strategy_version(2);
    add("board-" + b1, "GhostCardsOffered", offered, "2026-03-04T08:00:00Z");
    task(t4, b1, spain, domain::task_types::B_GENERATIVE, 5, "2026-03-04T08:00:00Z", true);
    task::v1::GhostCardOffered change;
    change.set_local_task_id(t1);
    change.set_strategy_version(2);
    change.mutable_definition()->set_title("Review Privacy Law v2");
    change.mutable_definition()->set_task_type(domain::task_types::A_MANUAL);
    change.mutable_definition()->set_weight(2);
    add("task-" + t1, "GhostCardOffered", change, "2026-03-04T08:00:00Z");
    task::v1::GhostCardRejected rejected;
    rejected.set_local_task_id(t4);
    rejected.set_rejection_id(new_uuid());
    rejected.set_strategy_version(2);
    rejected.set_user_id(new_uuid());
    rejected.set_justification(justification);
    add("task-" + t4, "GhostCardRejected", rejected, "2026-03-04T09:00:00Z");
    task::v1::GhostCardAccepted accepted;
    accepted.set_local_task_id(t1);
    accepted.set_strategy_version(2);
    *accepted.mutable_definition() = change.definition();
    accepted.set_accepted_by(new_uuid());
    add("task-" + t1, "GhostCardAccepted", accepted, "2026-03-04T10:00:00Z");  // Spain 2/5
    move(t2, S::DONE, "2026-03-05T15:00:00Z");                                 // cycle 172,800 s; Spain 5/5
    content.set_local_task_id(t3);
    content.set_token_cost(70);
    add("task-" + t3, "ContentGenerated", content, "2026-04-01T08:00:00Z");
    stamp_times();
  }

  // The read models fed the log in small live batches, as the embedded subscription does.
  void project_live(std::size_t batch) {
    projections::projector p(worker());
    const auto log = *store_->read_all(0, 100000);
    for (std::size_t i = 0; i < log.size(); i += batch) {
      const std::vector<envelope> part(log.begin() + static_cast<long>(i),
                                       log.begin() + static_cast<long>(std::min(log.size(), i + batch)));
      ASSERT_TRUE(p.apply("embedded", part).has_value());
    }
  }

  // The fixture's log and a synthetic one of `shape`, folded live 17 events a batch: the
  // read models' digest.
  std::string live_tables_of(const synthetic_log_shape& shape) {
    write_log();
    EXPECT_GT(append_synthetic_board_log(*store_, tenant, shape, &new_uuid), 0u);
    project_live(17);
    return read_model_digest(worker());
  }

  projections::log_source reader() {
    return
        [this](std::int64_t after, std::size_t max, std::vector<envelope>& into) -> base::expected<void, std::string> {
          auto batch = store_->read_all(after, max);
          if (!batch) return base::unexpected(batch.error().message);
          into = std::move(*batch);
          return {};
        };
  }

  std::vector<std::pair<std::string, std::string>> times_;
};

TEST_F(Analytics, HeatmapHistoryIsEachBoardsScoreAtTheEndOfEachDay) {
  write_log();
  project_live(3);
  projections::read_model_reader reads(app());
  analytics::analytics_reader a(reads);
  const auto history = a.heatmap_history(tenant, strategy, {day("2026-03-01"), day("2026-03-06")},
                                         analytics::history_bucket::day, day("2026-03-06"), std::nullopt);
  ASSERT_TRUE(history.has_value() && history->has_value());
  std::map<std::string, std::vector<std::pair<std::string, double>>> by_board;
  for (const auto& p : **history) by_board[p.local_board_id].emplace_back(p.day, p.heatmap_score);
  // Spain: 1/4 at the end of day 1 and (after the reopen) of day 2, 2/5 once the changed
  // card weighs 2 (the rejected added card never counts), 5/5 when t2 is done, carried on.
  const std::vector<std::pair<std::string, double>> spain_days{
      {"2026-03-02", 0.25}, {"2026-03-03", 0.25}, {"2026-03-04", 0.4}, {"2026-03-05", 1.0}, {"2026-03-06", 1.0}};
  EXPECT_EQ(by_board[b1], spain_days);
  const std::vector<std::pair<std::string, double>> france_days{
      {"2026-03-02", 0.0}, {"2026-03-03", 0.0}, {"2026-03-04", 1.0}, {"2026-03-05", 1.0}, {"2026-03-06", 1.0}};
  EXPECT_EQ(by_board[b2], france_days);

  // Weeks end on Sunday; the range's last day closes the last week.
  const auto weeks =
      a.heatmap_history(tenant, strategy, {day("2026-03-02"), day("2026-03-10")}, analytics::history_bucket::week,
                        day("2026-03-20"), std::vector<std::string>{spain});
  ASSERT_TRUE(weeks.has_value() && weeks->has_value());
  ASSERT_EQ((*weeks)->size(), 2u) << "a LOCAL_USER of Spain sees Spain only";
  EXPECT_EQ((**weeks)[0].day, "2026-03-08");
  EXPECT_EQ((**weeks)[1].day, "2026-03-10");
  EXPECT_EQ((**weeks)[0].done_weight, 5);

  // A day range that starts after the last change starts from the value before it.
  const auto later = a.heatmap_history(tenant, strategy, {day("2026-03-20"), day("2026-03-21")},
                                       analytics::history_bucket::day, day("2026-03-21"), std::nullopt);
  ASSERT_TRUE(later.has_value() && later->has_value());
  ASSERT_EQ((*later)->size(), 4u);
  for (const auto& p : **later) EXPECT_EQ(p.heatmap_score, 1.0);

  // Another tenant, or no board of the strategy: nothing to see.
  const auto foreign = a.heatmap_history(new_uuid(), strategy, {day("2026-03-01"), day("2026-03-06")},
                                         analytics::history_bucket::day, day("2026-03-06"), std::nullopt);
  ASSERT_TRUE(foreign.has_value());
  EXPECT_FALSE(foreign->has_value());
}

TEST_F(Analytics, TheHeatmapAsOfAMomentIsTheLastChangeBeforeIt) {
  write_log();
  project_live(5);
  projections::read_model_reader reads(app());
  analytics::analytics_reader a(reads);
  auto score_at = [&](const char* at) {
    std::map<std::string, double> out;
    const auto cells = a.heatmap_as_of(tenant, strategy, base::parse_rfc3339(at)->time_since_epoch().count());
    EXPECT_TRUE(cells.has_value() && cells->has_value());
    for (const auto& c : **cells) out[c.market_id] = c.score;
    return out;
  };
  EXPECT_EQ(score_at("2026-03-02T12:30:00Z"), (std::map<std::string, double>{{spain, 0.25}, {france, 0.0}}));
  EXPECT_EQ(score_at("2026-03-03T10:00:00Z"), (std::map<std::string, double>{{spain, 0.0}, {france, 0.0}}));
  EXPECT_EQ(score_at("2026-03-02T08:00:00Z"), (std::map<std::string, double>{})) << "no board existed yet";
  // Now: the same as the live heatmap.
  const auto now = *reads.heatmap(tenant, strategy);
  const auto latest = score_at("2030-01-01T00:00:00Z");
  ASSERT_EQ(now.size(), 2u);
  for (const auto& c : now) EXPECT_EQ(latest.at(c.market_id), c.score);
}

TEST_F(Analytics, FlowCountsCyclesBlockedTimeAndLockExpiries) {
  write_log();
  project_live(4);
  projections::read_model_reader reads(app());
  analytics::analytics_reader a(reads);
  const auto march = *a.flow(tenant, {day("2026-03-01"), day("2026-03-31")}, std::nullopt);
  std::map<std::pair<std::string, std::string>, analytics::flow_row> rows;
  for (const auto& f : march) rows[{f.market_id, f.task_type}] = f;
  ASSERT_EQ(rows.size(), 3u);
  const auto& manual = rows.at({spain, "A_MANUAL"});
  EXPECT_EQ(manual.started, 2);                               // the first start and the reopen
  EXPECT_EQ(manual.finished, 2);                              // DONE twice
  EXPECT_DOUBLE_EQ(*manual.cycle_time_median_seconds, 9000);  // 7,200 and 10,800
  EXPECT_DOUBLE_EQ(*manual.cycle_time_p90_seconds, 10440);    // 7,200 + 0.9 × 3,600
  EXPECT_DOUBLE_EQ(manual.blocked_seconds, 3600);
  EXPECT_EQ(manual.lock_expiries, 0);
  const auto& executive = rows.at({spain, "C_EXECUTIVE"});
  EXPECT_EQ(executive.started, 1);
  EXPECT_EQ(executive.finished, 1);
  EXPECT_DOUBLE_EQ(*executive.cycle_time_median_seconds, 172800);
  EXPECT_EQ(executive.lock_expiries, 1);
  const auto& france_manual = rows.at({france, "A_MANUAL"});
  EXPECT_DOUBLE_EQ(*france_manual.cycle_time_median_seconds, 172800);  // 03-02 11:00 → 03-04 11:00

  // One day: what happened on it only; no completion, no cycle time.
  const auto second_day = *a.flow(tenant, {day("2026-03-03"), day("2026-03-03")}, std::nullopt);
  ASSERT_EQ(second_day.size(), 2u);
  for (const auto& f : second_day) {
    EXPECT_EQ(f.market_id, spain);
    if (f.task_type == "A_MANUAL") {
      EXPECT_EQ(f.started, 1);
      EXPECT_DOUBLE_EQ(*f.cycle_time_median_seconds, 10800);
      EXPECT_DOUBLE_EQ(f.blocked_seconds, 3600);
    } else {
      EXPECT_EQ(f.started, 1);
      EXPECT_EQ(f.finished, 0);
      EXPECT_FALSE(f.cycle_time_median_seconds.has_value());
      EXPECT_EQ(f.lock_expiries, 1);
    }
  }
  EXPECT_TRUE(a.flow(tenant, {day("2026-03-01"), day("2026-03-31")}, std::vector<std::string>{})->empty())
      << "a LOCAL_USER with no market sees nothing";
}

TEST_F(Analytics, AiUsageIsTokensPerMarketTaskTypeAndMonth) {
  write_log();
  project_live(7);
  projections::read_model_reader reads(app());
  analytics::analytics_reader a(reads);
  const auto usage = *a.ai_usage(tenant, {day("2026-03-01"), day("2026-04-30")}, std::nullopt);
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].month, "2026-03");
  EXPECT_EQ(usage[0].market_id, spain);
  EXPECT_EQ(usage[0].task_type, "C_EXECUTIVE");
  EXPECT_EQ(usage[0].pre_flight_tokens, 500);
  EXPECT_EQ(usage[0].generation_tokens, 100);
  EXPECT_EQ(usage[0].tokens, 600);
  EXPECT_EQ(usage[0].pre_flight_passed, 1);
  EXPECT_EQ(usage[0].pre_flight_failed, 1);
  EXPECT_EQ(usage[0].generations, 1);
  EXPECT_EQ(usage[1].month, "2026-04");
  EXPECT_EQ(usage[1].market_id, france);
  EXPECT_EQ(usage[1].tokens, 70);
  EXPECT_EQ(a.ai_usage(tenant, {day("2026-03-01"), day("2026-04-30")}, std::vector<std::string>{france})->size(), 1u);
}

TEST_F(Analytics, GhostCardsAreOffersAcceptsAndRejectsWithJustifications) {
  write_log();
  project_live(2);
  projections::read_model_reader reads(app());
  analytics::analytics_reader a(reads);
  const auto cards = *a.ghost_cards(tenant, {day("2026-03-01"), day("2026-03-31")}, std::nullopt);
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].market_id, spain);
  EXPECT_EQ(cards[0].master_strategy_id, strategy);
  EXPECT_EQ(cards[0].strategy_version, 2);
  EXPECT_EQ(cards[0].offered, 2);
  EXPECT_EQ(cards[0].accepted, 1);
  EXPECT_EQ(cards[0].rejected, 1);
  ASSERT_EQ(cards[0].rejections.size(), 1u);
  EXPECT_EQ(cards[0].rejections[0].local_task_id, t4);
  EXPECT_EQ(cards[0].rejections[0].justification, justification);
  EXPECT_EQ(cards[0].rejections[0].rejected_at, "2026-03-04T09:00:00Z");
  EXPECT_TRUE(a.ghost_cards(tenant, {day("2026-03-05"), day("2026-03-31")}, std::nullopt)->empty());
}

TEST_F(Analytics, LiveBatchesAndARebuildMakeTheSameTables) {
  const auto live =
      live_tables_of({.boards = 6, .tasks_per_board = 6, .events_per_task = 60, .analytics_events = true});
  for (const char* table : {"analytics_heatmap_days", "analytics_flow_days", "analytics_cycles",
                            "analytics_ai_usage_days", "analytics_ghost_cards"})
    EXPECT_EQ(live.find(std::string(table) + "=0:"), std::string::npos) << table << " is empty";
  auto rebuilt = projections::projector(worker()).rebuild(reader(), {});
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  EXPECT_EQ(read_model_digest(worker()), live);
}

// Read three events at a time, a rebuild streams many rows while it folds (each gone cold
// after two batches), and many of them change again after they went: those are deleted
// and written anew. Both as the worker (through staging tables) and as the owner.
TEST_F(Analytics, ARebuildInSmallBatchesMakesTheSameTablesAsLiveBatches) {
  const auto live =
      live_tables_of({.boards = 3, .tasks_per_board = 4, .events_per_task = 40, .analytics_events = true});
  auto three_at_a_time = [read = reader()](std::int64_t after, std::size_t, std::vector<envelope>& into) {
    return read(after, 3, into);
  };
  for (const auto& role : {worker(), owner()}) {
    ::testing::internal::CaptureStderr();
    auto rebuilt = projections::projector(role).rebuild(three_at_a_time, {});
    const auto said = ::testing::internal::GetCapturedStderr();
    ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
    EXPECT_EQ(read_model_digest(worker()), live) << role;
    EXPECT_EQ(said, "") << "no retry row by row hid a refused COPY";
  }
}

TEST_F(Analytics, AReadModelAnUpgradeAddsIsFilledFromTheLog) {
  write_log();
  auto before_upgrade = projections::projector::all_read_models();
  std::erase(before_upgrade, "analytics");
  {
    projections::projector old_models(worker(), before_upgrade);
    ASSERT_TRUE(old_models.apply("embedded", *store_->read_all(0, 100000)).has_value());
    EXPECT_GT(*old_models.checkpoint("embedded"), 0);
  }
  // The embedded feed starts after the lowest checkpoint: the new model has none.
  projections::projector upgraded(worker());
  EXPECT_EQ(*upgraded.checkpoint("embedded"), 0);
  EXPECT_EQ(*upgraded.known_checkpoint("embedded"), store_->read_all(0, 100000)->back().global_position())
      << "what the other models applied (and live boards were told) stands";
  const auto replay = upgraded.apply("embedded", *store_->read_all(0, 100000));
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->applied, times_.size()) << "every event is new to the analytics model";
  const auto filled = read_model_digest(worker());
  auto rebuilt = projections::projector(worker()).rebuild(reader(), {});
  ASSERT_TRUE(rebuilt.has_value()) << rebuilt.error();
  EXPECT_EQ(read_model_digest(worker()), filled);
  EXPECT_EQ(filled.find("analytics_heatmap_days=0:"), std::string::npos);
}

}  // namespace
}  // namespace stradia::testing
