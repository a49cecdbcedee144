#include "app/board_lifecycle.hpp"

#include "domain/enums.hpp"

namespace stradia::app {

board_lifecycle::board_lifecycle(std::string worker_conninfo, commands::command_service& commands,
                                 std::chrono::milliseconds interval)
    : progress_(std::move(worker_conninfo)), commands_(commands), worker_(interval, [this] { follow_once(); }) {}

void board_lifecycle::follow_once() {
  auto due = progress_.due();
  if (!due) return;  // the database is away: the next round looks again
  // Changes the store could not take come first, so a fresher verdict on the same board wins.
  due->insert(due->begin(), std::make_move_iterator(unrecorded_.begin()), std::make_move_iterator(unrecorded_.end()));
  unrecorded_.clear();
  for (auto& board : *due) {
    board::v1::ChangeBoardStatus change;
    change.set_local_board_id(board.local_board_id);
    common::v1::BoardStatus::Value status;
    if (!common::v1::BoardStatus::Value_Parse(board.status, &status)) continue;
    change.set_status(status);
    const auto result = commands_.change_board_status(board.tenant_id, change);
    if (!result && result.error().unavailable && unrecorded_.size() < 10000) unrecorded_.push_back(std::move(board));
  }
}

}  // namespace stradia::app
