#include "projections/board_state_projection.hpp"

#include <pqxx/pqxx>

#include "domain/clock.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "domain/market.hpp"

namespace stradia::projections {

namespace {

namespace task_pb = stradia::task::v1;
namespace board_pb = stradia::board::v1;
using domain::name_of;

constexpr const char* insert_task_sql =
    "INSERT INTO read_board_tasks (local_task_id, tenant_id, local_board_id, market_id, global_task_id, title, "
    "task_type, target_platform, weight, order_index, status, is_custom_local_task, is_ghost_card, "
    "pre_flight_scan_status, gemini_token_cost, version, position) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $16) "
    "ON CONFLICT (local_task_id) DO NOTHING";

constexpr const char* insert_board_sql =
    "INSERT INTO read_boards (local_board_id, tenant_id, market_id, master_strategy_id, strategy_version, status, "
    "position) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (local_board_id) DO NOTHING";

std::string rfc3339(const google::protobuf::Timestamp& t) { return domain::format_rfc3339(domain::from_proto(t)); }

// Applies one task event to its row (`set` is the SET clause for this event).
void update_task(pqxx::work& w, const stradia::envelope::v1::EventEnvelope& e, const std::string& set,
                 const std::vector<std::string>& values) {
  const std::string sql = "UPDATE read_board_tasks SET " + set + (set.empty() ? "" : ", ") +
                          "version = $1::bigint, position = $2::bigint WHERE local_task_id = $3::uuid";
  std::vector<std::string> params{std::to_string(e.stream_version()), std::to_string(e.global_position()),
                                  e.stream_id().substr(5)};
  params.insert(params.end(), values.begin(), values.end());
  w.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
}

void apply_task(pqxx::work& w, const stradia::envelope::v1::EventEnvelope& e) {
  auto event = domain::decode_event<domain::local_task::event>(e);
  if (!event) return;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, task_pb::LocalTaskCreated>) {
          const auto& d = m.definition();
          w.exec_params(insert_task_sql, m.local_task_id(), m.tenant_id(), m.local_board_id(), m.market_id(),
                        m.global_task_id(), d.title(), std::string(name_of(d.task_type())),
                        std::string(name_of(d.target_platform())), d.weight(), d.order_index(),
                        std::string(name_of(m.status())), m.is_custom_local_task(), m.is_ghost_card(),
                        std::string(name_of(m.pre_flight_scan_status())), e.stream_version(), e.global_position());
        } else if constexpr (std::is_same_v<T, task_pb::TaskMoved>) {
          update_task(w, e, "status = $4", {std::string(name_of(m.new_status()))});
        } else if constexpr (std::is_same_v<T, task_pb::TaskLockAcquired>) {
          update_task(w, e, "locked_by = $4, locked_at = $5::timestamptz", {m.locked_by(), rfc3339(m.locked_at())});
        } else if constexpr (std::is_same_v<T, task_pb::TaskLockReleased> ||
                             std::is_same_v<T, task_pb::TaskLockExpired>) {
          update_task(w, e, "locked_by = NULL, locked_at = NULL", {});
        } else if constexpr (std::is_same_v<T, task_pb::ExecutionPayloadUpdated> ||
                             std::is_same_v<T, task_pb::PreFlightScanRequested>) {
          update_task(w, e, "pre_flight_scan_status = 'PENDING'", {});
        } else if constexpr (std::is_same_v<T, task_pb::PreFlightScanCompleted>) {
          update_task(w, e, "pre_flight_scan_status = $4, gemini_token_cost = gemini_token_cost + $5::bigint",
                      {std::string(name_of(m.status())), std::to_string(m.token_cost())});
        } else if constexpr (std::is_same_v<T, task_pb::ContentGenerated>) {
          update_task(w, e, "gemini_token_cost = gemini_token_cost + $4::bigint", {std::to_string(m.token_cost())});
        } else if constexpr (std::is_same_v<T, task_pb::TaskExecutionCompleted>) {
          update_task(w, e, "error_log = $4, last_executed_at = $5::timestamptz",
                      {m.error_log(), rfc3339(m.last_executed_at())});
        } else if constexpr (std::is_same_v<T, task_pb::TaskExecutionPaused>) {
          update_task(w, e, "error_log = $4", {m.error_log()});
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardOffered>) {
          update_task(w, e, "is_ghost_card = true", {});
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardAccepted>) {
          const auto& d = m.definition();
          update_task(
              w, e,
              "is_ghost_card = false, global_task_id = $4, title = $5, task_type = $6, target_platform = $7, "
              "weight = $8::int, order_index = $9::int",
              {d.global_task_id(), d.title(), std::string(name_of(d.task_type())),
               std::string(name_of(d.target_platform())), std::to_string(d.weight()), std::to_string(d.order_index())});
        } else if constexpr (std::is_same_v<T, task_pb::GhostCardRejected>) {
          update_task(w, e, "is_ghost_card = false", {});
        } else {
          update_task(w, e, "", {});  // notes and requests change only the version
        }
      },
      *event);
}

void apply_board(pqxx::work& w, const stradia::envelope::v1::EventEnvelope& e) {
  auto event = domain::decode_event<domain::local_board::event>(e);
  if (!event) return;
  if (const auto* created = std::get_if<board_pb::LocalBoardCreated>(&*event)) {
    w.exec_params(insert_board_sql, created->local_board_id(), created->tenant_id(), created->market_id(),
                  created->master_strategy_id(), created->strategy_version(), std::string(name_of(created->status())),
                  e.global_position());
  } else if (const auto* changed = std::get_if<board_pb::BoardStatusChanged>(&*event)) {
    w.exec_params("UPDATE read_boards SET status = $1, position = $2 WHERE local_board_id = $3",
                  std::string(name_of(changed->status())), e.global_position(), changed->local_board_id());
  } else if (const auto* offered = std::get_if<board_pb::GhostCardsOffered>(&*event)) {
    w.exec_params("UPDATE read_boards SET strategy_version = $1, position = $2 WHERE local_board_id = $3",
                  offered->strategy_version(), e.global_position(), offered->local_board_id());
  }
}

void apply_market(pqxx::work& w, const stradia::envelope::v1::EventEnvelope& e) {
  auto event = domain::decode_event<domain::market::event>(e);
  if (!event) return;
  const auto id = e.stream_id().substr(7);
  if (const auto* created = std::get_if<stradia::market::v1::MarketCreated>(&*event)) {
    w.exec_params(
        "INSERT INTO read_markets (market_id, tenant_id, name, region_code, timezone, is_active, position) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (market_id) DO NOTHING",
        id, created->tenant_id(), created->name(), created->region_code(), created->timezone(), created->is_active(),
        e.global_position());
  } else if (std::holds_alternative<stradia::market::v1::MarketActivated>(*event)) {
    w.exec_params("UPDATE read_markets SET is_active = true, position = $1 WHERE market_id = $2", e.global_position(),
                  id);
  } else if (std::holds_alternative<stradia::market::v1::MarketDeactivated>(*event)) {
    w.exec_params("UPDATE read_markets SET is_active = false, position = $1 WHERE market_id = $2", e.global_position(),
                  id);
  } else if (const auto* deleted = std::get_if<stradia::market::v1::MarketDeleted>(&*event)) {
    w.exec_params(
        "UPDATE read_markets SET is_active = false, deleted_at = $1::timestamptz, position = $2 WHERE market_id = $3",
        rfc3339(deleted->deleted_at()), e.global_position(), id);
  }
}

}  // namespace

struct board_state_projection::connection {
  explicit connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

board_state_projection::board_state_projection(std::string worker_conninfo) : conninfo_(std::move(worker_conninfo)) {}

board_state_projection::~board_state_projection() = default;

domain::expected<std::int64_t, std::string> board_state_projection::checkpoint() {
  try {
    if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
    pqxx::read_transaction r(connection_->c);
    auto rows = r.exec_params("SELECT position FROM projection_checkpoints WHERE projection = $1", std::string(name));
    return rows.empty() ? 0 : rows[0][0].as<std::int64_t>();
  } catch (const std::exception& e) {
    connection_.reset();
    return domain::unexpected(std::string(e.what()));
  }
}

domain::expected<void, std::string> board_state_projection::apply(
    const std::vector<stradia::envelope::v1::EventEnvelope>& events) {
  try {
    if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
    pqxx::work w(connection_->c);
    auto stored = w.exec_params("SELECT position FROM projection_checkpoints WHERE projection = $1 FOR UPDATE",
                                std::string(name));
    const std::int64_t done = stored.empty() ? 0 : stored[0][0].as<std::int64_t>();
    std::int64_t last = done;
    for (const auto& e : events) {
      if (e.global_position() <= done) continue;  // redelivered: already applied
      if (e.stream_id().rfind("task-", 0) == 0)
        apply_task(w, e);
      else if (e.stream_id().rfind("board-", 0) == 0)
        apply_board(w, e);
      else if (e.stream_id().rfind("market-", 0) == 0)
        apply_market(w, e);
      last = e.global_position();
    }
    w.exec_params(
        "INSERT INTO projection_checkpoints (projection, position) VALUES ($1, $2) "
        "ON CONFLICT (projection) DO UPDATE SET position = EXCLUDED.position",
        std::string(name), last);
    w.commit();
    return {};
  } catch (const std::exception& e) {
    connection_.reset();
    return domain::unexpected(std::string(e.what()));
  }
}

}  // namespace stradia::projections
