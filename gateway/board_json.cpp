#include "gateway/board_json.hpp"

namespace stradia::gateway {

void write_board_task(base::json_writer& json, const projections::board_task_view& t) {
  auto optional = [&](std::string_view name, const std::optional<std::string>& v) {
    json.key(name);
    if (v)
      json.value(*v);
    else
      json.null();
  };
  json.field("id", t.id).field("global_task_id", t.global_task_id).field("title", t.title);
  json.field("task_type", t.task_type).field("target_platform", t.target_platform).field("weight", t.weight);
  json.field("order_index", t.order_index).field("status", t.status);
  json.field("is_custom_local_task", t.is_custom_local_task).field("is_ghost_card", t.is_ghost_card);
  json.field("pre_flight_scan_status", t.pre_flight_scan_status).field("gemini_token_cost", t.gemini_token_cost);
  optional("locked_by", t.locked_by);
  optional("locked_at", t.locked_at);
  optional("expires_at", t.expires_at);
  json.field("error_log", t.error_log);
  optional("last_executed_at", t.last_executed_at);
  json.field("version", t.version);
}

}  // namespace stradia::gateway
