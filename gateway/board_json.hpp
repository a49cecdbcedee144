#pragma once
// A board task as JSON, the same in the HTTP answers (API.md §4) and in the WebSocket's
// server:board_state_sync, server:task_updated (§5); and a task's full detail.
#include "base/json_writer.hpp"
#include "projections/read_model_reader.hpp"

namespace stradia::gateway {

// The task's card fields, inside an object the caller has opened.
void write_board_task(base::json_writer& json, const projections::board_task_view& t);

// Everything GET /api/v1/tasks/{id} answers for a task (but its checkpoint state), inside
// an object the caller has opened: the card, the detail, the notes and the timeline.
void write_task_detail(base::json_writer& json, const projections::task_view& t);

// `name`: the value, or null.
void write_optional(base::json_writer& json, std::string_view name, const std::optional<std::string>& text);
void write_optional(base::json_writer& json, std::string_view name, const std::optional<std::int64_t>& number);

}  // namespace stradia::gateway
