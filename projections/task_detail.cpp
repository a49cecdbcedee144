#include "projections/task_detail.hpp"

#include <array>

#include "base/json_writer.hpp"
#include "domain/clock.hpp"
#include "domain/enums.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_task.hpp"

namespace stradia::projections {

namespace {

namespace task_pb = stradia::task::v1;
using envelope = stradia::envelope::v1::EventEnvelope;

enum column {
  d_id,
  d_tenant,
  d_description,
  d_schema,
  d_payload,
  d_payload_by,
  d_payload_at,
  d_findings,
  d_scan_cost,
  d_scan_at,
  d_content,
  d_content_cost,
  d_content_at,
  d_ghost_version,
  d_ghost_proposal,
  d_position,
  width
};

// The events that change what the drawer shows (the card's fields live in board-state).
constexpr std::array<std::string_view, 8> read_types = {
    "LocalTaskCreated", "ExecutionPayloadUpdated", "PreFlightScanRequested", "PreFlightScanCompleted",
    "ContentGenerated", "GhostCardOffered",        "GhostCardAccepted",      "GhostCardRejected"};

// The definition a ghost card proposes, as the JSON the task detail answers with.
std::string proposal_json(const stradia::common::v1::GlobalTask& d) {
  base::json_writer j;
  j.begin_object().field("global_task_id", d.global_task_id()).field("title", d.title());
  j.field("description", d.description()).field("task_type", domain::name_of(d.task_type()));
  j.field("target_platform", domain::name_of(d.target_platform())).field("weight", d.weight());
  j.field("order_index", d.order_index()).end_object();
  return j.take();
}

void clear_scan(row& r) { r[d_findings] = r[d_scan_cost] = r[d_scan_at] = std::nullopt; }

}  // namespace

task_detail::task_detail()
    : details_("read_task_details",
               {"local_task_id", "tenant_id", "description", "expected_payload_schema", "execution_payload",
                "payload_updated_by", "payload_updated_at", "pre_flight_findings", "pre_flight_token_cost",
                "pre_flight_completed_at", "generated_content", "generated_token_cost", "generated_at",
                "ghost_strategy_version", "ghost_proposal", "position"},
               "uuid") {}

bool task_detail::reads(const envelope& e) const {
  if (stream_id_of(e, "task").empty()) return false;
  for (auto type : read_types)
    if (e.event_type() == type) return true;
  return false;
}

void task_detail::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  std::vector<std::string> keys;
  for (const auto* e : batch)
    if (e->event_type() != "LocalTaskCreated") keys.emplace_back(stream_id_of(*e, "task"));
  details_.load(t, keys);
}

void task_detail::apply(const envelope& e, const decoded_payload& payload) {
  const auto* event = payload.task();
  if (!event) return;
  const auto& id = payload.entity_id();
  if (const auto* created = std::get_if<task_pb::LocalTaskCreated>(&*event)) {
    row r(width);
    r[d_id] = id;
    r[d_tenant] = created->tenant_id();
    r[d_description] = created->definition().description();
    r[d_schema] = created->definition().expected_payload_schema();
    r[d_payload] = "";
    if (created->is_ghost_card()) r[d_ghost_proposal] = proposal_json(created->definition());
    r[d_position] = std::to_string(e.global_position());
    details_.insert(std::move(r));
    return;
  }
  row* found = details_.change(id);
  if (!found) return;
  row& r = *found;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, task_pb::ExecutionPayloadUpdated>) {
          r[d_payload] = m.execution_payload();
          r[d_payload_by] = m.updated_by();
          r[d_payload_at] = domain::format_rfc3339(m.updated_at());
          clear_scan(r);  // a verdict holds for the payload it read
        } else if constexpr (std::is_same_v<T, task_pb::PreFlightScanRequested>) {
          clear_scan(r);
        } else if constexpr (std::is_same_v<T, task_pb::PreFlightScanCompleted>) {
          r[d_findings] = m.findings();
          r[d_scan_cost] = std::to_string(m.token_cost());
          r[d_scan_at] = domain::format_rfc3339(m.completed_at());
        } else if constexpr (std::is_same_v<T, task_pb::ContentGenerated>) {
          r[d_content] = m.content();
          r[d_content_cost] = std::to_string(m.token_cost());
          r[d_content_at] = domain::format_rfc3339(m.generated_at());
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardOffered>) {
          r[d_ghost_version] = std::to_string(m.strategy_version());
          r[d_ghost_proposal] = proposal_json(m.definition());
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardAccepted>) {
          r[d_description] = m.definition().description();
          r[d_schema] = m.definition().expected_payload_schema();
          r[d_ghost_version] = r[d_ghost_proposal] = std::nullopt;
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardRejected>) {
          r[d_ghost_version] = r[d_ghost_proposal] = std::nullopt;
        }
      },
      *event);
  r[d_position] = std::to_string(e.global_position());
}

}  // namespace stradia::projections
