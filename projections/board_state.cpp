#include "projections/board_state.hpp"

#include "domain/clock.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_board.hpp"
#include "domain/local_task.hpp"

namespace stradia::projections {

namespace {

namespace task_pb = stradia::task::v1;
namespace board_pb = stradia::board::v1;
using domain::name_of;
using envelope = stradia::envelope::v1::EventEnvelope;

enum board_column { b_id, b_tenant, b_market, b_strategy, b_strategy_version, b_status, b_position, board_width };
enum task_column {
  t_id,
  t_tenant,
  t_board,
  t_market,
  t_global_task,
  t_title,
  t_type,
  t_platform,
  t_weight,
  t_order,
  t_status,
  t_custom,
  t_ghost,
  t_pre_flight,
  t_cost,
  t_locked_by,
  t_locked_at,
  t_expires_at,
  t_error_log,
  t_last_executed_at,
  t_version,
  t_position,
  t_ghost_change,
  t_removed_at,
  task_width
};

std::string text(bool b) { return b ? "true" : "false"; }

void add_cost(row& r, std::int64_t tokens) { r[t_cost] = std::to_string(std::stoll(r[t_cost].value_or("0")) + tokens); }

void set_definition(row& r, const stradia::common::v1::GlobalTask& d) {
  r[t_title] = d.title();
  r[t_type] = std::string(name_of(d.task_type()));
  r[t_platform] = std::string(name_of(d.target_platform()));
  r[t_weight] = std::to_string(d.weight());
  r[t_order] = std::to_string(d.order_index());
}

}  // namespace

board_state::board_state()
    : boards_(
          "read_boards",
          {"local_board_id", "tenant_id", "market_id", "master_strategy_id", "strategy_version", "status", "position"},
          "uuid"),
      tasks_("read_board_tasks",
             {"local_task_id",
              "tenant_id",
              "local_board_id",
              "market_id",
              "global_task_id",
              "title",
              "task_type",
              "target_platform",
              "weight",
              "order_index",
              "status",
              "is_custom_local_task",
              "is_ghost_card",
              "pre_flight_scan_status",
              "gemini_token_cost",
              "locked_by",
              "locked_at",
              "expires_at",
              "error_log",
              "last_executed_at",
              "version",
              "position",
              "ghost_change",
              "removed_at"},
             "uuid") {}

bool board_state::reads(const envelope& e) const {
  return !stream_id_of(e, "task").empty() || !stream_id_of(e, "board").empty();
}

void board_state::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  std::vector<std::string> boards, tasks;
  for (const auto* e : batch) {
    if (auto id = stream_id_of(*e, "board"); !id.empty()) boards.emplace_back(id);
    if (auto id = stream_id_of(*e, "task"); !id.empty()) tasks.emplace_back(id);
  }
  boards_.load(t, boards);
  tasks_.load(t, tasks);
}

void board_state::apply(const envelope& e, const decoded_payload& payload) {
  if (!stream_id_of(e, "task").empty())
    apply_task(e, payload);
  else
    apply_board(e, payload);
}

void board_state::flush(pqxx::transaction_base& t, write_mode mode) {
  boards_.flush(t, mode);
  tasks_.flush(t, mode);
}

void board_state::apply_board(const envelope& e, const decoded_payload& payload) {
  const auto* event = payload.board();
  if (!event) return;
  const auto& id = payload.entity_id();
  if (const auto* created = std::get_if<board_pb::LocalBoardCreated>(&*event)) {
    row r(board_width);
    r[b_id] = id;
    r[b_tenant] = created->tenant_id();
    r[b_market] = created->market_id();
    r[b_strategy] = created->master_strategy_id();
    r[b_strategy_version] = std::to_string(created->strategy_version());
    r[b_status] = std::string(name_of(created->status()));
    r[b_position] = std::to_string(e.global_position());
    boards_.insert(std::move(r));
    return;
  }
  row* r = boards_.change(id);
  if (!r) return;
  if (const auto* changed = std::get_if<board_pb::BoardStatusChanged>(&*event))
    (*r)[b_status] = std::string(name_of(changed->status()));
  else if (const auto* offered = std::get_if<board_pb::GhostCardsOffered>(&*event))
    (*r)[b_strategy_version] = std::to_string(offered->strategy_version());
  (*r)[b_position] = std::to_string(e.global_position());
}

void board_state::apply_task(const envelope& e, const decoded_payload& payload) {
  const auto* event = payload.task();
  if (!event) return;
  const auto& id = payload.entity_id();
  if (const auto* m = std::get_if<task_pb::LocalTaskCreated>(&*event)) {
    row r(task_width);
    r[t_id] = id;
    r[t_tenant] = m->tenant_id();
    r[t_board] = m->local_board_id();
    r[t_market] = m->market_id();
    r[t_global_task] = m->global_task_id();
    set_definition(r, m->definition());
    r[t_status] = std::string(name_of(m->status()));
    r[t_custom] = text(m->is_custom_local_task());
    r[t_ghost] = text(m->is_ghost_card());
    if (m->is_ghost_card()) r[t_ghost_change] = "ADDED";
    r[t_pre_flight] = std::string(name_of(m->pre_flight_scan_status()));
    r[t_cost] = "0";
    r[t_error_log] = "";
    r[t_version] = std::to_string(e.stream_version());
    r[t_position] = std::to_string(e.global_position());
    tasks_.insert(std::move(r));
    return;
  }
  row* found = tasks_.change(id);
  if (!found) return;
  row& r = *found;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, task_pb::TaskMoved>) {
          r[t_status] = std::string(name_of(m.new_status()));
        } else if constexpr (std::is_same_v<T, task_pb::TaskLockAcquired>) {
          r[t_locked_by] = m.locked_by();
          r[t_locked_at] = domain::format_rfc3339(m.locked_at());
          r[t_expires_at] = domain::format_rfc3339(m.expires_at());
        } else if constexpr (std::is_same_v<T, task_pb::TaskLockReleased> ||
                             std::is_same_v<T, task_pb::TaskLockExpired>) {
          r[t_locked_by] = r[t_locked_at] = r[t_expires_at] = std::nullopt;
        } else if constexpr (std::is_same_v<T, task_pb::ExecutionPayloadUpdated> ||
                             std::is_same_v<T, task_pb::PreFlightScanRequested>) {
          r[t_pre_flight] = "PENDING";
        } else if constexpr (std::is_same_v<T, task_pb::PreFlightScanCompleted>) {
          r[t_pre_flight] = std::string(name_of(m.status()));
          add_cost(r, m.token_cost());
        } else if constexpr (std::is_same_v<T, task_pb::ContentGenerated>) {
          add_cost(r, m.token_cost());
        } else if constexpr (std::is_same_v<T, task_pb::TaskExecutionCompleted>) {
          r[t_error_log] = m.error_log();
          r[t_last_executed_at] = domain::format_rfc3339(m.last_executed_at());
        } else if constexpr (std::is_same_v<T, task_pb::TaskExecutionPaused>) {
          r[t_error_log] = m.error_log();
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardOffered>) {
          r[t_ghost] = "true";
          // A task that had left the board comes back as a new card, and an added card
          // nobody accepted stays one whatever a later version changes in it.
          r[t_ghost_change] = m.is_removal()                                    ? "REMOVED"
                              : r[t_removed_at] || r[t_ghost_change] == "ADDED" ? "ADDED"
                                                                                : "CHANGED";
          if (!m.is_removal()) r[t_removed_at] = std::nullopt;
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardAccepted>) {
          r[t_ghost] = "false";
          r[t_ghost_change] = std::nullopt;
          if (m.is_removal()) {
            r[t_removed_at] = domain::format_rfc3339(m.accepted_at());
          } else {
            r[t_global_task] = m.definition().global_task_id();
            set_definition(r, m.definition());
          }
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardRejected>) {
          r[t_ghost] = "false";
          if (r[t_ghost_change] == "ADDED") r[t_removed_at] = domain::format_rfc3339(m.rejected_at());
          r[t_ghost_change] = std::nullopt;
        }
      },
      *event);
  r[t_version] = std::to_string(e.stream_version());
  r[t_position] = std::to_string(e.global_position());
}

}  // namespace stradia::projections
