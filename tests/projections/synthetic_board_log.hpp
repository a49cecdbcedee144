#pragma once
// A realistic board log for read-model tests and benchmarks: boards with tasks, each task
// moved, locked and released, scanned (with a token cost), noted and sometimes executed,
// appended stream by stream in a shuffled order so Kafka partitions interleave.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "board.pb.h"
#include "domain/clock.hpp"
#include "domain/enums.hpp"
#include "eventstore/event_store.hpp"
#include "task.pb.h"

namespace stradia::testing {

struct synthetic_log_shape {
  int boards = 24;
  int tasks_per_board = 8;
  int events_per_task = 50;  // including the creation
  std::size_t streams_per_append = 8;
  // Every twelfth event of a task also expires a lock, generates content or (on every fifth
  // task) offers a ghost card that is rejected or accepted (what the analytics model counts).
  bool analytics_events = false;
};

// Appends the log; returns the number of events appended (0 on a failed append).
inline std::size_t append_synthetic_board_log(eventstore::event_store& store, const std::string& tenant,
                                              const synthetic_log_shape& shape, std::string (*new_id)()) {
  std::mt19937 rng(7);
  // In 2096: locks left held must not be expired by a gateway's sweeper during a test.
  const auto at = domain::to_proto(domain::timestamp(std::chrono::seconds(4'000'000'000)));
  auto event = [&](std::string type, const google::protobuf::Message& m) {
    eventstore::event_to_append e;
    e.event_id = new_id();
    e.event_type = std::move(type);
    e.payload = m.SerializeAsString();
    e.user_id = "synthetic";
    return e;
  };
  std::vector<eventstore::stream_append> streams;
  for (int b = 0; b < shape.boards; ++b) {
    const std::string board = new_id(), market = new_id();
    board::v1::LocalBoardCreated created;
    created.set_local_board_id(board);
    created.set_tenant_id(tenant);
    created.set_market_id(market);
    created.set_master_strategy_id("00000000-0000-4000-8000-00000000000b");
    created.set_strategy_version(1);
    created.set_status(domain::board_statuses::ACTIVE);
    streams.push_back(
        {"board-" + board, eventstore::expected_version::no_stream(), {event("LocalBoardCreated", created)}});
    for (int t = 0; t < shape.tasks_per_board; ++t) {
      const std::string task = new_id();
      eventstore::stream_append s{"task-" + task, eventstore::expected_version::no_stream(), {}};
      task::v1::LocalTaskCreated c;
      c.set_local_task_id(task);
      c.set_tenant_id(tenant);
      c.set_local_board_id(board);
      c.set_market_id(market);
      c.set_global_task_id("00000000-0000-4000-8000-0000000000" + std::to_string(10 + t % 90));
      c.mutable_definition()->set_title("Task " + std::to_string(t));
      c.mutable_definition()->set_weight(1 + t % 5);
      c.mutable_definition()->set_task_type(static_cast<stradia::common::v1::TaskType::Value>(1 + t % 3));
      c.mutable_definition()->set_order_index(t);
      c.set_status(domain::statuses::TODO);
      c.set_pre_flight_scan_status(domain::scan_statuses::PENDING);
      c.mutable_created_at()->CopyFrom(at);
      s.events.push_back(event("LocalTaskCreated", c));
      for (int i = 1; i < shape.events_per_task; ++i) {
        switch (i % 6) {
          case 0: {
            task::v1::TaskMoved m;
            m.set_local_task_id(task);
            m.set_local_board_id(board);
            m.set_new_status(static_cast<stradia::common::v1::TaskStatus::Value>(1 + (i / 6 + t) % 4));
            m.mutable_moved_at()->CopyFrom(at);
            s.events.push_back(event("TaskMoved", m));
            break;
          }
          case 1: {
            task::v1::TaskLockAcquired m;
            m.set_local_task_id(task);
            m.set_local_board_id(board);
            m.set_locked_by("user-" + std::to_string(i));
            m.mutable_locked_at()->CopyFrom(at);
            m.mutable_expires_at()->set_seconds(at.seconds() + 900);
            s.events.push_back(event("TaskLockAcquired", m));
            break;
          }
          case 2: {
            task::v1::TaskNoteAdded m;
            m.set_local_task_id(task);
            m.set_local_board_id(board);
            m.set_note_id(new_id());
            m.set_user_id(i % 12 == 2 ? "system"
                                      : "00000000-0000-4000-8000-00000000" + std::to_string(1000 + i % 9000));
            m.set_content("note " + std::to_string(i) + " on " + task);
            m.mutable_created_at()->CopyFrom(at);
            s.events.push_back(event("TaskNoteAdded", m));
            break;
          }
          case 3: {
            task::v1::TaskLockReleased m;
            m.set_local_task_id(task);
            m.set_local_board_id(board);
            m.mutable_released_at()->CopyFrom(at);
            s.events.push_back(event("TaskLockReleased", m));
            break;
          }
          case 4: {
            task::v1::PreFlightScanCompleted m;
            m.set_local_task_id(task);
            m.set_status(i % 12 == 4 ? domain::scan_statuses::PASSED : domain::scan_statuses::FAILED);
            m.set_token_cost(100 + i);
            m.mutable_completed_at()->CopyFrom(at);
            s.events.push_back(event("PreFlightScanCompleted", m));
            break;
          }
          default: {
            if (shape.analytics_events && i % 12 == 11) {
              // Ghost cards on every fifth task only: strategies change now and then.
              switch ((i / 12 + t) % 4 >= 2 && t % 5 != 0 ? 1 : (i / 12 + t) % 4) {
                case 0: {
                  task::v1::TaskLockExpired m;
                  m.set_local_task_id(task);
                  m.set_local_board_id(board);
                  s.events.push_back(event("TaskLockExpired", m));
                  break;
                }
                case 1: {
                  task::v1::ContentGenerated m;
                  m.set_local_task_id(task);
                  m.set_content("generated " + std::to_string(i));
                  m.set_token_cost(200 + i);
                  s.events.push_back(event("ContentGenerated", m));
                  break;
                }
                default: {
                  task::v1::GhostCardOffered offered;
                  offered.set_local_task_id(task);
                  offered.set_strategy_version(2 + i / 12);
                  offered.mutable_definition()->set_title("Task " + std::to_string(t) + " v" + std::to_string(i));
                  offered.mutable_definition()->set_weight(1 + (t + i) % 5);
                  offered.mutable_definition()->set_task_type(c.definition().task_type());
                  s.events.push_back(event("GhostCardOffered", offered));
                  if ((i / 12 + t) % 4 == 2) {
                    task::v1::GhostCardRejected rejected;
                    rejected.set_local_task_id(task);
                    rejected.set_rejection_id(new_id());
                    rejected.set_strategy_version(offered.strategy_version());
                    rejected.set_user_id(new_id());
                    rejected.set_justification("Not for this market, \"see\" note " + std::to_string(i));
                    s.events.push_back(event("GhostCardRejected", rejected));
                  } else {
                    task::v1::GhostCardAccepted accepted;
                    accepted.set_local_task_id(task);
                    accepted.set_strategy_version(offered.strategy_version());
                    *accepted.mutable_definition() = offered.definition();
                    accepted.set_accepted_by(new_id());
                    s.events.push_back(event("GhostCardAccepted", accepted));
                  }
                }
              }
              break;
            }
            task::v1::TaskExecutionCompleted m;
            m.set_local_task_id(task);
            m.set_local_board_id(board);
            m.set_execution_id(new_id());
            m.set_http_status(i % 2 ? 200 : 401);
            m.set_succeeded(i % 2 == 1);
            m.mutable_last_executed_at()->CopyFrom(at);
            s.events.push_back(event("TaskExecutionCompleted", m));
          }
        }
      }
      streams.push_back(std::move(s));
    }
  }
  // Board streams first (a task's board exists before it), the tasks shuffled.
  std::stable_partition(streams.begin(), streams.end(),
                        [](const auto& s) { return s.stream_id.rfind("board-", 0) == 0; });
  const auto first_task =
      std::find_if(streams.begin(), streams.end(), [](const auto& s) { return s.stream_id.rfind("task-", 0) == 0; });
  std::shuffle(first_task, streams.end(), rng);
  std::size_t appended = 0;
  for (std::size_t from = 0; from < streams.size(); from += shape.streams_per_append) {
    eventstore::append_request request{tenant, {}};
    for (std::size_t i = from; i < std::min(streams.size(), from + shape.streams_per_append); ++i) {
      appended += streams[i].events.size();
      request.streams.push_back(std::move(streams[i]));
    }
    if (!store.append(request)) return 0;
  }
  return appended;
}

}  // namespace stradia::testing
