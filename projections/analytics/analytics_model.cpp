#include "projections/analytics/analytics_model.hpp"

#include <array>
#include <map>
#include <set>

#include "domain/event_codec.hpp"
#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "projections/heatmap_rule.hpp"

namespace stradia::projections::analytics {

namespace {

namespace task_pb = stradia::task::v1;
namespace board_pb = stradia::board::v1;
using domain::name_of;
using envelope = stradia::envelope::v1::EventEnvelope;

enum board_column { b_id, b_tenant, b_market, b_strategy, b_version, b_status, b_done, b_total, b_position, b_width };
enum task_column {
  t_id,
  t_tenant,
  t_board,
  t_type,
  t_title,
  t_weight,
  t_custom,
  t_ghost_change,
  t_removed,
  t_status,
  t_cycle_started,
  t_blocked_since,
  t_position,
  t_width
};

constexpr std::array<std::string_view, 3> board_events{"LocalBoardCreated", "BoardStatusChanged", "GhostCardsOffered"};
constexpr std::array<std::string_view, 8> task_events{"LocalTaskCreated",       "TaskMoved",        "TaskLockExpired",
                                                      "PreFlightScanCompleted", "ContentGenerated", "GhostCardOffered",
                                                      "GhostCardAccepted",      "GhostCardRejected"};

bool one_of(std::string_view type, const auto& names) {
  for (const auto name : names)
    if (type == name) return true;
  return false;
}

std::int64_t number(const std::optional<std::string>& text) { return text ? std::stoll(*text) : 0; }

// The task's (DONE weight, weight) in its board's score.
std::pair<std::int64_t, std::int64_t> heatmap_share(const row& task) {
  if (!counts_in_heatmap(task[t_custom] == "true", task[t_ghost_change], task[t_removed] == "true")) return {0, 0};
  const auto weight = number(task[t_weight]);
  return {task[t_status] == "DONE" ? weight : 0, weight};
}

void set_definition(row& task, const stradia::common::v1::GlobalTask& d) {
  task[t_type] = std::string(name_of(d.task_type()));
  task[t_title] = d.title();
  task[t_weight] = std::to_string(d.weight());
}

}  // namespace

analytics_model::analytics_model()
    : boards_("analytics_boards",
              {"local_board_id", "tenant_id", "market_id", "master_strategy_id", "strategy_version", "board_status",
               "done_weight", "total_weight", "position"},
              "uuid"),
      tasks_("analytics_tasks",
             {"local_task_id", "tenant_id", "local_board_id", "task_type", "title", "weight", "is_custom_local_task",
              "ghost_change", "removed", "status", "cycle_started_us", "blocked_since_us", "position"},
             "uuid") {}

std::vector<std::string> analytics_model::tables() const {
  return {"analytics_boards",    "analytics_tasks",  "analytics_heatmap_days",  "analytics_heatmap_changes",
          "analytics_flow_days", "analytics_cycles", "analytics_ai_usage_days", "analytics_ghost_cards"};
}

bool analytics_model::reads(const envelope& e) const {
  if (!stream_id_of(e, "task").empty()) return one_of(e.event_type(), task_events);
  return !stream_id_of(e, "board").empty() && one_of(e.event_type(), board_events);
}

void analytics_model::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  // What each task event of the batch touches: its board, and the days it counts on under the
  // task's type and under any type an accepted ghost card gives it within the batch.
  struct touched {
    std::string board;
    std::set<std::string> types, days;
  };
  std::map<std::string, touched> by_task;
  std::vector<std::string> boards, tasks;
  for (const auto* e : batch) {
    if (auto id = stream_id_of(*e, "board"); !id.empty()) boards.emplace_back(id);
    const auto id = stream_id_of(*e, "task");
    if (id.empty()) continue;
    tasks.emplace_back(id);
    auto& touch = by_task[std::string(id)];
    if (e->event_type() == "LocalTaskCreated") {
      task_pb::LocalTaskCreated created;
      if (created.ParseFromString(e->payload())) {
        touch.board = created.local_board_id();
        touch.types.emplace(name_of(created.definition().task_type()));
        boards.push_back(touch.board);
      }
    } else if (e->event_type() == "GhostCardAccepted") {
      task_pb::GhostCardAccepted accepted;
      if (accepted.ParseFromString(e->payload())) touch.types.emplace(name_of(accepted.definition().task_type()));
    }
    touch.days.insert(utc_day(recorded_micros(*e)));
  }
  tasks_.load(t, tasks);
  for (auto& [id, touch] : by_task)
    if (const row* task = tasks_.find(id)) {
      touch.board = *(*task)[t_board];
      touch.types.insert(*(*task)[t_type]);
      boards.push_back(touch.board);
    }
  boards_.load(t, boards);
  std::set<std::string> days;
  for (const auto& [id, touch] : by_task)
    if (!touch.board.empty())
      for (const auto& type : touch.types)
        for (const auto& day : touch.days) days.insert(daily_counters::key_of(touch.board, type, day));
  const std::vector<std::string> keys(days.begin(), days.end());
  flow_.load(t, keys);
  ai_usage_.load(t, keys);
}

void analytics_model::apply(const envelope& e, const decoded_payload& payload) {
  if (!stream_id_of(e, "task").empty())
    apply_task(e, payload);
  else
    apply_board(e, payload);
}

void analytics_model::begin_rebuild(pqxx::transaction_base& t, rebuild_stream& to) {
  boards_.stream_into(t, to);
  tasks_.stream_into(t, to);
  ai_usage_.stream_into(t, to);
  heatmap_.stream_into(t, to);
  flow_.stream_into(t, to);
  ghost_cards_.stream_into(t, to);
}

void analytics_model::flush(pqxx::transaction_base& t, write_mode mode) {
  boards_.flush(t, mode);
  tasks_.flush(t, mode);
  heatmap_.flush(t, mode);
  flow_.flush(t, mode);
  ai_usage_.flush(t, mode);
  ghost_cards_.flush(t, mode);
}

void analytics_model::discard() {
  boards_.discard();
  tasks_.discard();
  heatmap_.discard();
  flow_.discard();
  ai_usage_.discard();
  ghost_cards_.discard();
}

void analytics_model::record_heatmap(const row& board, std::int64_t micros, std::int64_t position) {
  heatmap_.changed({*board[b_tenant], *board[b_id], *board[b_market], *board[b_strategy], *board[b_status],
                    number(board[b_done]), number(board[b_total])},
                   micros, position);
}

std::optional<task_subject> analytics_model::subject_of(const row& task) const {
  const row* board = boards_.find(*task[t_board]);
  if (!board) return std::nullopt;
  return task_subject{*task[t_tenant], *task[t_board], *(*board)[b_market], *(*board)[b_strategy], *task[t_type]};
}

void analytics_model::apply_board(const envelope& e, const decoded_payload& payload) {
  const auto* event = payload.board();
  if (!event) return;
  const auto& id = payload.entity_id();
  const auto micros = recorded_micros(e);
  if (const auto* created = std::get_if<board_pb::LocalBoardCreated>(&*event)) {
    row r(b_width);
    r[b_id] = id;
    r[b_tenant] = created->tenant_id();
    r[b_market] = created->market_id();
    r[b_strategy] = created->master_strategy_id();
    r[b_version] = std::to_string(created->strategy_version());
    r[b_status] = std::string(name_of(created->status()));
    r[b_done] = r[b_total] = "0";
    r[b_position] = std::to_string(e.global_position());
    record_heatmap(boards_.insert(std::move(r)), micros, e.global_position());
    return;
  }
  row* board = boards_.change(id);
  if (!board) return;
  (*board)[b_position] = std::to_string(e.global_position());
  if (const auto* changed = std::get_if<board_pb::BoardStatusChanged>(&*event)) {
    (*board)[b_status] = std::string(name_of(changed->status()));
    record_heatmap(*board, micros, e.global_position());
  } else if (const auto* offered = std::get_if<board_pb::GhostCardsOffered>(&*event)) {
    (*board)[b_version] = std::to_string(offered->strategy_version());
  }
}

void analytics_model::moved(row& task, const task_subject& subject, const std::string& to, std::int64_t micros,
                            std::int64_t position) {
  const auto from = task[t_status].value_or("");
  if (from == "BLOCKED" && task[t_blocked_since]) {
    flow_.unblocked(subject, number(task[t_blocked_since]), micros, position);
    task[t_blocked_since] = std::nullopt;
  }
  if (to == "BLOCKED") task[t_blocked_since] = std::to_string(micros);
  if (to == "IN_PROGRESS" && !task[t_cycle_started]) {
    flow_.started(subject, micros, position);
    task[t_cycle_started] = std::to_string(micros);
  } else if (to == "DONE") {
    std::optional<std::int64_t> began;
    if (task[t_cycle_started]) began = number(task[t_cycle_started]);
    flow_.finished(subject, *task[t_id], began, micros, position);
    task[t_cycle_started] = std::nullopt;
  } else if (to == "TODO") {
    task[t_cycle_started] = std::nullopt;  // given up: a later start is a new cycle
  }
  task[t_status] = to;
}

void analytics_model::reweigh(row& board, const row& task, std::pair<std::int64_t, std::int64_t> before,
                              std::int64_t micros, std::int64_t position) {
  const auto after = heatmap_share(task);
  if (after == before) return;
  board[b_done] = std::to_string(number(board[b_done]) + after.first - before.first);
  board[b_total] = std::to_string(number(board[b_total]) + after.second - before.second);
  board[b_position] = std::to_string(position);
  record_heatmap(board, micros, position);
}

void analytics_model::apply_task(const envelope& e, const decoded_payload& payload) {
  const auto* event = payload.task();
  if (!event) return;
  const auto& id = payload.entity_id();
  const auto micros = recorded_micros(e);
  const auto position = e.global_position();
  if (const auto* created = std::get_if<task_pb::LocalTaskCreated>(&*event)) {
    row* board = boards_.change(created->local_board_id());
    if (!board) return;  // a task of no board the log knows: nothing to count it in
    row r(t_width);
    r[t_id] = id;
    r[t_tenant] = created->tenant_id();
    r[t_board] = created->local_board_id();
    set_definition(r, created->definition());
    r[t_custom] = created->is_custom_local_task() ? "true" : "false";
    if (created->is_ghost_card()) r[t_ghost_change] = "ADDED";
    r[t_removed] = "false";
    r[t_position] = std::to_string(position);
    row& task = tasks_.insert(std::move(r));
    const auto known = subject_of(task);
    if (!known) return;  // a second creation of a task whose board is not the first's
    const auto& subject = *known;
    moved(task, subject, std::string(name_of(created->status())), micros, position);
    if (created->is_ghost_card())
      ghost_cards_.record(subject,
                          {id, *task[t_title], static_cast<std::int32_t>(number((*board)[b_version])), "OFFERED",
                           "ADDED", std::nullopt, std::nullopt},
                          micros, position);
    reweigh(*board, task, {0, 0}, micros, position);
    return;
  }
  row* found = tasks_.change(id);
  if (!found) return;
  row& task = *found;
  row* board = boards_.change(*task[t_board]);
  if (!board) return;
  const auto before = heatmap_share(task);
  const auto known = subject_of(task);
  if (!known) return;
  const auto& subject = *known;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, task_pb::TaskMoved>) {
          moved(task, subject, std::string(name_of(m.new_status())), micros, position);
        } else if constexpr (std::is_same_v<T, task_pb::TaskLockExpired>) {
          flow_.lock_expired(subject, micros, position);
        } else if constexpr (std::is_same_v<T, task_pb::PreFlightScanCompleted>) {
          ai_usage_.scanned(subject, m.status() == domain::scan_statuses::PASSED, m.token_cost(), micros, position);
        } else if constexpr (std::is_same_v<T, task_pb::ContentGenerated>) {
          ai_usage_.generated(subject, m.token_cost(), micros, position);
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardOffered>) {
          // As board-state: a task that had left the board comes back as an added card, and an
          // added card nobody accepted stays one whatever a later version changes in it.
          const std::string change = m.is_removal()                                                 ? "REMOVED"
                                     : task[t_removed] == "true" || task[t_ghost_change] == "ADDED" ? "ADDED"
                                                                                                    : "CHANGED";
          task[t_ghost_change] = change;
          if (!m.is_removal()) task[t_removed] = "false";
          ghost_cards_.record(subject,
                              {id, m.definition().title().empty() ? *task[t_title] : m.definition().title(),
                               m.strategy_version(), "OFFERED", change, std::nullopt, std::nullopt},
                              micros, position);
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardAccepted>) {
          const auto change = task[t_ghost_change].value_or(m.is_removal() ? "REMOVED" : "CHANGED");
          task[t_ghost_change] = std::nullopt;
          if (m.is_removal())
            task[t_removed] = "true";
          else
            set_definition(task, m.definition());
          ghost_cards_.record(
              subject, {id, *task[t_title], m.strategy_version(), "ACCEPTED", change, m.accepted_by(), std::nullopt},
              micros, position);
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardRejected>) {
          const auto change = task[t_ghost_change].value_or("CHANGED");
          if (change == "ADDED") task[t_removed] = "true";
          task[t_ghost_change] = std::nullopt;
          ghost_cards_.record(
              subject, {id, *task[t_title], m.strategy_version(), "REJECTED", change, m.user_id(), m.justification()},
              micros, position);
        }
      },
      *event);
  task[t_position] = std::to_string(position);
  reweigh(*board, task, before, micros, position);
}

}  // namespace stradia::projections::analytics
