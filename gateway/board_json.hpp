#pragma once
// A board task as JSON, the same in the HTTP answers (API.md §4) and in the WebSocket's
// server:board_state_sync (§5).
#include "base/json_writer.hpp"
#include "projections/read_model_reader.hpp"

namespace stradia::gateway {

// The task's fields, inside an object the caller has opened.
void write_board_task(base::json_writer& json, const projections::board_task_view& t);

}  // namespace stradia::gateway
