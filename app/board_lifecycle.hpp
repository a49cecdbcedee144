#pragma once
// The board lifecycle (the model's BoardStatus) as events: a board is PENDING when
// deployed, ACTIVE once a task leaves TODO, COMPLETED while every task on it is DONE, and
// ACTIVE again when one leaves DONE. The system follows the board-state read model (all
// tenants) and runs ChangeBoardStatus for every board whose tasks changed, with the status
// they call for; the board's stream decides (a no-op when it is already so, a started
// board never back to PENDING), so a stale read or two gateways racing record it once.
#include <chrono>
#include <string>
#include <vector>

#include "app/periodic_worker.hpp"
#include "commands/command_service.hpp"
#include "projections/board_progress.hpp"

namespace stradia::app {

class board_lifecycle {
 public:
  board_lifecycle(std::string worker_conninfo, commands::command_service& commands, std::chrono::milliseconds interval);

 private:
  void follow_once();

  projections::board_progress progress_;
  commands::command_service& commands_;
  std::vector<projections::board_status_due> unrecorded_;  // the store was away (worker thread only)
  periodic_worker worker_;                                 // last: stops first, before what it uses goes
};

}  // namespace stradia::app
