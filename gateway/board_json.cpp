#include "gateway/board_json.hpp"

#include <string_view>

#include "base/json_text.hpp"

namespace stradia::gateway {

namespace {

// Findings arrive one sentence per line (the scanner's answer); a client gets the list.
void write_findings(base::json_writer& json, std::string_view text) {
  json.key("findings").begin_array();
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (const auto line = text.substr(0, end); !line.empty()) json.value(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  json.end_array();
}

bool is_note(const projections::timeline_entry& e) { return e.kind == "NOTE" || e.kind == "AUTO_SAVE_NOTE"; }

void write_note(base::json_writer& json, const projections::timeline_entry& e) {
  json.field("id", e.id).field("user_id", e.user_id).field("content", e.detail).field("created_at", e.at);
  json.field("is_system_generated", e.kind == "AUTO_SAVE_NOTE");
}

void write_timeline_entry(base::json_writer& json, const projections::timeline_entry& e) {
  json.begin_object().field("position", e.position);
  if (is_note(e)) {
    json.field("kind", "NOTE");
    write_note(json, e);
  } else if (e.kind == "GHOST_REJECTED") {
    json.field("kind", e.kind).field("id", e.id).field("user_id", e.user_id);
    json.field("justification", e.detail).field("rejected_at", e.at);
  } else {
    json.field("kind", e.kind).field("execution_id", e.id).field("user_id", e.user_id);
    json.key("http_status");
    if (e.http_status)
      json.value(*e.http_status);
    else
      json.null();
    json.field("error_log", e.detail).field("at", e.at);
  }
  json.end_object();
}

}  // namespace

void write_optional(base::json_writer& json, std::string_view name, const std::optional<std::string>& text) {
  json.key(name);
  if (text)
    json.value(*text);
  else
    json.null();
}

void write_optional(base::json_writer& json, std::string_view name, const std::optional<std::int64_t>& number) {
  json.key(name);
  if (number)
    json.value(*number);
  else
    json.null();
}

void write_board_task(base::json_writer& json, const projections::board_task_view& t) {
  json.field("id", t.id).key("global_task_id");
  if (t.global_task_id.empty())
    json.null();  // a custom local task has none (the model's nullable column)
  else
    json.value(t.global_task_id);
  json.field("title", t.title);
  json.field("task_type", t.task_type).field("target_platform", t.target_platform).field("weight", t.weight);
  json.field("order_index", t.order_index).field("status", t.status);
  json.field("is_custom_local_task", t.is_custom_local_task).field("is_ghost_card", t.is_ghost_card);
  write_optional(json, "ghost_change", t.ghost_change);
  json.field("pre_flight_scan_status", t.pre_flight_scan_status).field("gemini_token_cost", t.gemini_token_cost);
  write_optional(json, "locked_by", t.locked_by);
  write_optional(json, "locked_by_email", t.locked_by_email);
  write_optional(json, "locked_at", t.locked_at);
  write_optional(json, "expires_at", t.expires_at);
  json.field("error_log", t.error_log);
  write_optional(json, "last_executed_at", t.last_executed_at);
  write_optional(json, "removed_at", t.removed_at);
  json.field("version", t.version);
}

void write_task_detail(base::json_writer& json, const projections::task_view& view) {
  const auto& t = view.task;
  const auto& d = view.detail;
  json.field("local_board_id", t.local_board_id).field("market_id", t.market_id);
  write_board_task(json, t);
  json.field("description", d.description).key("expected_payload_schema");
  base::write_json_text(json, d.expected_payload_schema);
  json.key("execution_payload");
  base::write_json_text(json, d.execution_payload);
  write_optional(json, "payload_updated_by", d.payload_updated_by);
  write_optional(json, "payload_updated_at", d.payload_updated_at);

  json.key("pre_flight").begin_object().field("status", t.pre_flight_scan_status);
  write_findings(json, d.pre_flight_findings.value_or(""));
  write_optional(json, "token_cost", d.pre_flight_token_cost);
  write_optional(json, "completed_at", d.pre_flight_completed_at);
  json.end_object().key("generated_content");
  if (d.generated_content) {
    json.begin_object().field("content", *d.generated_content);
    write_optional(json, "token_cost", d.generated_token_cost);
    write_optional(json, "generated_at", d.generated_at);
    json.end_object();
  } else {
    json.null();
  }
  json.key("ghost_card");
  if (t.ghost_change && d.ghost_proposal) {
    json.begin_object().field("change", *t.ghost_change);
    write_optional(json, "strategy_version",
                   d.ghost_strategy_version ? std::optional<std::int64_t>(*d.ghost_strategy_version) : std::nullopt);
    json.key("proposed").raw(*d.ghost_proposal).end_object();
  } else {
    json.null();
  }

  json.key("notes").begin_array();
  for (const auto& e : view.timeline)
    if (is_note(e)) {
      json.begin_object();
      write_note(json, e);
      json.end_object();
    }
  json.end_array().key("timeline").begin_array();
  for (const auto& e : view.timeline) write_timeline_entry(json, e);
  json.end_array();
}

}  // namespace stradia::gateway
