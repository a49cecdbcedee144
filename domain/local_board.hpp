#pragma once
// LocalBoard aggregate (stream "board-<id>"): which tasks a market's Kanban board holds
// and which strategy version it runs. A newer version reaches a running board as ghost
// cards (added, changed or removed tasks) that the local team accepts or rejects per task.
// Its status follows its tasks (PENDING until one leaves TODO, COMPLETED while all are
// DONE), changed by the system from the board-state read model.
#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "board.pb.h"
#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "domain/enums.hpp"

namespace stradia::domain::local_board {

namespace pb = stradia::board::v1;

// Custom tasks a board may hold, so one board's reads and sync frames stay bounded.
inline constexpr std::size_t max_custom_tasks = 500;

using command =
    std::variant<pb::CreateLocalBoard, pb::OfferStrategyVersion, pb::CreateCustomLocalTask, pb::ChangeBoardStatus>;
using event = std::variant<pb::LocalBoardCreated, pb::BoardTaskAdded, pb::GhostCardsOffered, pb::BoardStatusChanged>;

struct board_task {
  std::string local_task_id;
  global_task definition;  // the latest definition the board was given or offered
  bool is_custom_local_task = false;
  bool removal_offered = false;  // a version without it was offered (the task may have left)
};

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string id;
  std::string tenant_id;
  std::string market_id;
  std::string master_strategy_id;
  int strategy_version = 0;
  board_status status = board_statuses::PENDING;
  std::map<std::string, board_task> tasks;               // local task id -> task
  std::map<std::string, std::string> by_global_task_id;  // global task id -> local task id
};

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

}  // namespace stradia::domain::local_board
