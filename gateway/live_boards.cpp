#include "gateway/live_boards.hpp"

#include "gateway/problem.hpp"

#include <algorithm>
#include <map>

#include "domain/access.hpp"
#include "gateway/ws_protocol.hpp"

namespace stradia::gateway {

namespace {

std::shared_ptr<const std::string> shared(std::string frame) {
  return std::make_shared<const std::string>(std::move(frame));
}

// The board when the caller may see it: their tenant's (row-level security) and, for a
// LOCAL_USER, one of their markets.
std::optional<projections::board_view> visible_board(projections::read_model_reader& read_models,
                                                     const domain::caller& who, const std::string& board_id,
                                                     bool& unavailable) {
  auto board = read_models.board(who.tenant_id, board_id);
  unavailable = !board;
  if (!board || !*board) return std::nullopt;
  if (who.role == domain::roles::LOCAL_USER && !who.assigned_to((*board)->market_id)) return std::nullopt;
  return std::move(**board);
}

}  // namespace

live_boards::live_boards(commands::command_service& commands, projections::read_model_reader& read_models,
                         refresh_caller refresh)
    : commands_(commands), read_models_(read_models), refresh_(std::move(refresh)) {}

void live_boards::on_frame(const std::shared_ptr<live_connection>& c, const domain::caller& connected,
                           std::string_view text) {
  auto parsed = ws::parse_client_frame(text);
  if (!parsed) {
    ws::error_details details;
    details.request_id = parsed.error().request_id;
    details.fields = parsed.error().fields;
    c->send(shared(ws::error_frame(code_name(problem_code::validation_failed), parsed.error().message, details)));
    return;
  }
  const auto& f = *parsed;
  ws::error_details details;
  details.request_id = f.request_id;
  details.local_task_id = f.local_task_id;
  const auto who = refresh_(connected);
  if (!who) {
    c->send(
        shared(ws::error_frame(code_name(problem_code::unauthenticated), "The user is no longer active.", details)));
    return;
  }
  switch (f.event) {
    case ws::client_event::join_board: {
      bool unavailable = false;
      if (!visible_board(read_models_, *who, f.local_board_id, unavailable)) {
        c->send(shared(unavailable ? ws::error_frame(code_name(problem_code::service_unavailable),
                                                     "The read model is not reachable.", details)
                                   : ws::error_frame(code_name(problem_code::not_found), "No such board.", details)));
        return;
      }
      // In the room first, holding its frames; then the state; then what came after it.
      c->begin_sync(f.local_board_id);
      hub_.join(f.local_board_id, c);
      auto board = visible_board(read_models_, *who, f.local_board_id, unavailable);
      if (!board) {
        hub_.leave(f.local_board_id, c.get());
        c->forget(f.local_board_id);
        c->send(shared(ws::error_frame(code_name(problem_code::service_unavailable), "The read model is not reachable.",
                                       details)));
        return;
      }
      {
        std::lock_guard lock(told_mutex_);
        told_[f.local_board_id] = board_summary{board->status, board->heatmap_score};
      }
      c->finish_sync(f.local_board_id, frame_order(board->position, true),
                     shared(ws::board_state_sync_frame(*board, board->position, f.request_id)));
      return;
    }
    case ws::client_event::leave_board:
      hub_.leave(f.local_board_id, c.get());
      c->forget(f.local_board_id);
      return;
    default: break;
  }
  auto result = [&]() -> commands::command_result {
    if (f.event == ws::client_event::request_task_lock) {
      task::v1::AcquireLock lock;
      lock.set_local_task_id(f.local_task_id);
      return commands_.acquire_lock(*who, lock);
    }
    if (f.event == ws::client_event::release_task_lock) {
      task::v1::ReleaseLock release;
      release.set_local_task_id(f.local_task_id);
      return commands_.release_lock(*who, release);
    }
    task::v1::MoveTask move;
    move.set_local_task_id(f.local_task_id);
    move.set_new_status(f.new_status);
    move.set_expected_previous_status(f.expected_previous_status);
    details.revert_to_status = f.expected_previous_status;  // where the card snaps back to
    return commands_.move_task(*who, move);
  }();
  if (result) return;  // the room hears the event once the read model has it
  if (result.error().unavailable) {
    c->send(shared(
        ws::error_frame(code_name(problem_code::service_unavailable), "The event store is not reachable.", details)));
    return;
  }
  details.fields.clear();
  for (const auto& e : result.error().error.errors) details.fields.emplace_back(e.path, e.message);
  c->send(shared(ws::error_frame(domain::code_name(result.error().error.code), result.error().error.detail, details)));
}

void live_boards::on_close(const live_connection* c, const std::vector<std::string>& boards) {
  for (const auto& b : boards) hub_.leave(b, c);
}

void live_boards::publish(const std::vector<stradia::envelope::v1::EventEnvelope>& events) {
  if (!hub_.empty()) tell_rooms(events);
  for (const auto& e : events) {
    const auto& type = e.event_type();
    if (e.stream_id().rfind("user-", 0) == 0 && (type == "UserUnassignedFromMarket" || type == "UserDeactivated" ||
                                                 type == "UserDeleted" || type == "UserRoleChanged"))
      recheck_rooms(e.tenant_id(), e.stream_id().substr(5));
    if (type == "TenantDeactivated" && e.stream_id().rfind("tenant-", 0) == 0) close_rooms_of_tenant(e.tenant_id());
  }
}

namespace {

// Task events after which a board's heatmap score may differ (weights on the board, or DONE).
bool may_move_the_score(const stradia::envelope::v1::EventEnvelope& e) {
  const auto& type = e.event_type();
  if (type == "LocalTaskCreated" || type == "GhostCardOffered" || type == "GhostCardAccepted" ||
      type == "GhostCardRejected")
    return true;
  if (type != "TaskMoved") return false;
  task::v1::TaskMoved moved;
  return moved.ParseFromString(e.payload()) &&
         (moved.new_status() == domain::statuses::DONE || moved.previous_status() == domain::statuses::DONE);
}

}  // namespace

// One frame per change, in log order: the seven frames for what they cover, task_updated
// for any other change of a task (read from the read models, which already hold the batch),
// board_updated when a board's status or score changed.
void live_boards::tell_rooms(const std::vector<stradia::envelope::v1::EventEnvelope>& events) {
  std::map<std::string, std::vector<std::string>> changed_by_tenant;
  for (const auto& e : events)
    if (e.stream_id().rfind("task-", 0) == 0 && !ws::has_own_frame(e))
      changed_by_tenant[e.tenant_id()].push_back(e.stream_id().substr(5));
  std::map<std::string, projections::board_task_view> changed;
  for (const auto& [tenant, ids] : changed_by_tenant)
    if (auto tasks = read_models_.board_tasks(tenant, ids))
      for (auto& t : *tasks) changed.emplace(t.id, std::move(t));

  // Per board of the batch: its last frame's position (board_updated follows it), and
  // whether its score may have moved or its status changed.
  struct board_change {
    std::string tenant_id;
    std::int64_t position = 0;
    bool score_may_move = false, status_changed = false;
  };
  std::map<std::string, board_change> boards;
  auto note_board = [&](const std::string& board_id, const stradia::envelope::v1::EventEnvelope& e, bool score,
                        bool status) {
    auto& b = boards[board_id];
    b.tenant_id = e.tenant_id();
    b.position = e.global_position();
    b.score_may_move = b.score_may_move || score;
    b.status_changed = b.status_changed || status;
  };
  for (const auto& e : events) {
    if (auto b = ws::broadcast_of(e)) {
      note_board(b->local_board_id, e, may_move_the_score(e), false);
      hub_.broadcast(b->local_board_id, frame_order(e.global_position()), shared(std::move(b->frame)));
    } else if (e.stream_id().rfind("task-", 0) == 0) {
      const auto t = changed.find(e.stream_id().substr(5));
      if (t == changed.end()) continue;
      note_board(t->second.local_board_id, e, may_move_the_score(e), false);
      hub_.broadcast(t->second.local_board_id, frame_order(e.global_position()),
                     shared(ws::task_updated_frame(t->second)));
    } else if (e.event_type() == "BoardStatusChanged" && e.stream_id().rfind("board-", 0) == 0) {
      note_board(e.stream_id().substr(6), e, false, true);
    }
  }
  for (const auto& [board_id, change] : boards) {
    if (!change.score_may_move && !change.status_changed) continue;
    if (hub_.members(board_id) == 0) {
      std::lock_guard lock(told_mutex_);
      told_.erase(board_id);
      continue;
    }
    const auto board = read_models_.board(change.tenant_id, board_id);
    if (!board || !*board) continue;
    const board_summary now{(*board)->status, (*board)->heatmap_score};
    {
      std::lock_guard lock(told_mutex_);
      auto& told = told_[board_id];
      if (!change.status_changed && told && *told == now) continue;
      told = now;
    }
    hub_.broadcast(board_id, frame_order(change.position, true),
                   shared(ws::board_updated_frame(board_id, now.status, now.heatmap_score)));
  }
}

// A deactivated tenant's sockets leave every room at once (their frames would go on
// otherwise; their commands are refused by the caller's refresh).
void live_boards::close_rooms_of_tenant(const std::string& tenant_id) {
  for (const auto& [board_id, c] : hub_.rooms_of_tenant(tenant_id)) {
    hub_.leave(board_id, c.get());
    c->forget(board_id);
    c->send(shared(
        ws::error_frame(code_name(problem_code::unauthenticated), "The organisation's account is deactivated.", {})));
  }
}

// A user lost access (deactivated, deleted, unassigned, role changed): their sockets leave
// every room they may no longer see. Judged on the directory read model, which already
// has the change when this runs (broadcasts follow the read models).
void live_boards::recheck_rooms(const std::string& tenant_id, const std::string& user_id) {
  const auto rooms = hub_.rooms_of(user_id);
  if (rooms.empty()) return;
  const auto user = read_models_.user(tenant_id, user_id);
  for (const auto& [board_id, c] : rooms) {
    bool allowed = user && *user && (*user)->is_active;
    if (allowed && (*user)->role == "LOCAL_USER") {
      const auto board = read_models_.board(tenant_id, board_id);
      const auto& markets = (*user)->assigned_market_ids;
      allowed = board && *board && std::find(markets.begin(), markets.end(), (*board)->market_id) != markets.end();
    }
    if (allowed) continue;
    hub_.leave(board_id, c.get());
    c->forget(board_id);
    c->send(shared(
        ws::error_frame(code_name(problem_code::not_found), "You may no longer see board " + board_id + ".", {})));
  }
}

}  // namespace stradia::gateway
