#include "projections/read_model_reader.hpp"

#include "projections/heatmap_rule.hpp"

#include "projections/row_table.hpp"

#include <algorithm>
#include <pqxx/pqxx>
#include <unordered_map>

#include "base/encoding.hpp"
#include "base/uuid_text.hpp"

namespace stradia::projections {

namespace {

constexpr const char* set_tenant_sql = "SELECT set_config('app.current_tenant', $1, true)";
constexpr const char* board_sql =
    "SELECT local_board_id::text, market_id::text, master_strategy_id::text, status, strategy_version, position "
    "FROM read_boards WHERE local_board_id = $1::uuid";
// Times leave Postgres as microseconds since the epoch and are written like every other
// time of the API (domain::format_rfc3339).
#define STRADIA_UTC(column) "(extract(epoch FROM " column ") * 1000000)::bigint"
constexpr const char* task_columns =
    "SELECT local_task_id::text, global_task_id, title, task_type, target_platform, status, pre_flight_scan_status, "
    "error_log, weight, order_index, is_custom_local_task, is_ghost_card, gemini_token_cost, version, locked_by, "
    STRADIA_UTC("locked_at") ", " STRADIA_UTC("expires_at") ", " STRADIA_UTC("last_executed_at") ", "
    "local_board_id::text, market_id::text, position, ghost_change, " STRADIA_UTC("removed_at") ", "
    "(SELECT u.email FROM read_users u WHERE u.tenant_id = read_board_tasks.tenant_id AND u.user_id = "
    "CASE WHEN read_board_tasks.locked_by ~ "
    "'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN read_board_tasks.locked_by::uuid END) "
    "FROM read_board_tasks ";
// Tasks that left the board (a removal accepted, an added ghost card rejected) keep their
// detail and timeline but leave the board.
constexpr const char* tasks_of_board_where =
    "WHERE local_board_id = $1::uuid AND removed_at IS NULL ORDER BY order_index, local_task_id";
constexpr const char* task_where = "WHERE local_task_id = $1::uuid";
constexpr const char* left_board_position_sql =
    "SELECT coalesce(max(position), 0) FROM read_board_tasks WHERE local_board_id = $1::uuid AND removed_at IS NOT "
    "NULL";
constexpr const char* timeline_sql =
    "SELECT position, kind, actor, detail, http_status, " STRADIA_UTC("at") ", coalesce(entry_id, '') "
    "FROM read_task_timeline WHERE local_task_id = $1::uuid ORDER BY position";
constexpr const char* task_detail_sql =
    "SELECT description, expected_payload_schema, execution_payload, payload_updated_by, "
    STRADIA_UTC("payload_updated_at") ", pre_flight_findings, pre_flight_token_cost, "
    STRADIA_UTC("pre_flight_completed_at") ", generated_content, generated_token_cost, " STRADIA_UTC("generated_at")
    ", ghost_strategy_version, ghost_proposal FROM read_task_details WHERE local_task_id = $1::uuid";
constexpr const char* quota_sql = "SELECT ai_token_quota, " STRADIA_UTC("token_reset_date") " FROM read_token_quotas";
constexpr const char* periods_sql =
    "SELECT " STRADIA_UTC("period_start") ", " STRADIA_UTC("resets_at") ", "
    "ai_tokens_used FROM read_token_periods ORDER BY period_start DESC LIMIT 3";

// Pages in (name, id) order, after the last page's (name, id).
constexpr const char* markets_sql =
    "SELECT market_id::text, name, region_code, timezone, is_active FROM read_markets WHERE deleted_at IS NULL "
    "AND ($1::uuid IS NULL OR (name, market_id) > ($2, $1::uuid)) AND ($3::uuid[] IS NULL OR market_id = "
    "ANY($3::uuid[])) ORDER BY name, market_id LIMIT $4";
constexpr const char* boards_of_market_sql =
    "SELECT local_board_id::text, market_id::text, master_strategy_id::text, status, strategy_version "
    "FROM read_boards WHERE market_id = $1::uuid AND ($2 = '' OR local_board_id > nullif($2, '')::uuid) "
    "ORDER BY local_board_id LIMIT $3";

constexpr const char* heatmap_sql =
    "SELECT h.market_id::text, coalesce(m.name, ''), h.local_board_id::text, h.board_status, "
    "h.done_weight::float8 / nullif(h.total_weight, 0)::float8 "
    "FROM read_heatmap h LEFT JOIN read_markets m ON m.market_id = h.market_id "
    "WHERE h.master_strategy_id = $1::uuid ORDER BY 2, 3";

std::optional<std::string> optional_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

std::optional<std::string> optional_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return domain::format_rfc3339(domain::timestamp(std::chrono::microseconds(f.as<std::int64_t>())));
}

// A page from rows read one past `limit` (so whether a next page exists is known):
// `item_of` reads an item from its row, `cursor_of` what the next page starts after.
template <class Item, class ItemOf, class CursorOf>
page<Item> page_of(const pqxx::result& rows, std::size_t limit, ItemOf item_of, CursorOf cursor_of) {
  page<Item> out;
  std::string last;
  for (const auto& row : rows) {
    if (out.items.size() == limit) {
      out.next_cursor = last;
      break;
    }
    out.items.push_back(item_of(row));
    last = cursor_of(row);
  }
  return out;
}

board_task_view task_of(const pqxx::row& row) {
  board_task_view t;
  t.id = row[0].as<std::string>();
  t.global_task_id = row[1].as<std::string>();
  t.title = row[2].as<std::string>();
  t.task_type = row[3].as<std::string>();
  t.target_platform = row[4].as<std::string>();
  t.status = row[5].as<std::string>();
  t.pre_flight_scan_status = row[6].as<std::string>();
  t.error_log = row[7].as<std::string>();
  t.weight = row[8].as<std::int32_t>();
  t.order_index = row[9].as<std::int32_t>();
  t.is_custom_local_task = row[10].as<bool>();
  t.is_ghost_card = row[11].as<bool>();
  t.gemini_token_cost = row[12].as<std::int64_t>();
  t.version = row[13].as<std::int64_t>();
  t.locked_by = optional_text(row[14]);
  t.locked_at = optional_time(row[15]);
  t.expires_at = optional_time(row[16]);
  t.last_executed_at = optional_time(row[17]);
  t.local_board_id = row[18].as<std::string>();
  t.market_id = row[19].as<std::string>();
  t.position = row[20].as<std::int64_t>();
  t.ghost_change = optional_text(row[21]);
  t.removed_at = optional_time(row[22]);
  t.locked_by_email = optional_text(row[23]);
  return t;
}

template <class T>
std::optional<T> optional_of(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

task_detail_view task_detail_of(const pqxx::row& row) {
  task_detail_view d;
  d.description = row[0].as<std::string>();
  d.expected_payload_schema = row[1].as<std::string>();
  d.execution_payload = row[2].as<std::string>();
  d.payload_updated_by = optional_text(row[3]);
  d.payload_updated_at = optional_time(row[4]);
  d.pre_flight_findings = optional_text(row[5]);
  d.pre_flight_token_cost = optional_of<std::int64_t>(row[6]);
  d.pre_flight_completed_at = optional_time(row[7]);
  d.generated_content = optional_text(row[8]);
  d.generated_token_cost = optional_of<std::int64_t>(row[9]);
  d.generated_at = optional_time(row[10]);
  d.ghost_strategy_version = optional_of<std::int32_t>(row[11]);
  d.ghost_proposal = optional_text(row[12]);
  return d;
}

}  // namespace

struct read_model_reader::pool {
  std::string conninfo;
  std::mutex mutex;
  std::vector<std::unique_ptr<pqxx::connection>> idle;
};

read_model_reader::read_model_reader(std::string app_conninfo) : pool_(std::make_unique<pool>()) {
  pool_->conninfo = std::move(app_conninfo);
}

read_model_reader::~read_model_reader() = default;

base::expected<void, std::string> read_model_reader::read_as(const std::string& tenant_id,
                                                             const std::function<void(pqxx::transaction_base&)>& body) {
  // A pooled connection may have died with the server (a restart): the first statement
  // finds out, and then the request goes on with a fresh connection instead of failing.
  for (int attempt = 1;; ++attempt) {
    std::unique_ptr<pqxx::connection> c;
    {
      std::lock_guard lock(pool_->mutex);
      if (attempt > 1) pool_->idle.clear();  // they died together
      if (!pool_->idle.empty()) {
        c = std::move(pool_->idle.back());
        pool_->idle.pop_back();
      }
    }
    bool body_started = false;
    try {
      if (!c || !c->is_open()) c = std::make_unique<pqxx::connection>(pool_->conninfo);
      {
        // One snapshot for every statement: a board and its tasks as of one moment.
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> r(*c);
        r.exec_params(set_tenant_sql, tenant_id);
        body_started = true;
        body(r);
        r.commit();
      }
      std::lock_guard lock(pool_->mutex);
      if (pool_->idle.size() < 16) pool_->idle.push_back(std::move(c));
      return {};
    } catch (const pqxx::broken_connection& e) {
      if (body_started || attempt > 1) return base::unexpected(std::string(e.what()));
    } catch (const std::exception& e) {
      return base::unexpected(std::string(e.what()));
    }
  }
}

base::expected<std::optional<board_view>, std::string> read_model_reader::board(const std::string& tenant_id,
                                                                                const std::string& board_id) {
  if (!base::is_uuid(board_id)) return std::optional<board_view>{};
  std::optional<board_view> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    auto board = r.exec_params(board_sql, board_id);
    if (board.empty()) return;
    board_view view;
    view.id = board[0][0].as<std::string>();
    view.market_id = board[0][1].as<std::string>();
    view.master_strategy_id = board[0][2].as<std::string>();
    view.status = board[0][3].as<std::string>();
    view.strategy_version = board[0][4].as<std::int32_t>();
    view.position = board[0][5].as<std::int64_t>();
    std::int64_t done = 0, total = 0;
    for (const auto& row : r.exec_params(std::string(task_columns) + tasks_of_board_where, board_id)) {
      auto t = task_of(row);
      if (counts_in_heatmap(t.is_custom_local_task, t.ghost_change, t.removed_at.has_value())) {
        total += t.weight;
        if (t.status == "DONE") done += t.weight;
      }
      view.position = std::max(view.position, t.position);
      view.tasks.push_back(std::move(t));
    }
    view.heatmap_score = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
    // The state covers the tasks that left the board too (their last event is in it).
    view.position = std::max(view.position, r.exec_params1(left_board_position_sql, board_id)[0].as<std::int64_t>());
    out = std::move(view);
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::vector<board_task_view>, std::string> read_model_reader::board_tasks(
    const std::string& tenant_id, const std::vector<std::string>& local_task_ids) {
  std::vector<board_task_view> out;
  std::vector<std::string> ids;
  for (const auto& id : local_task_ids)
    if (base::is_uuid(id)) ids.push_back(id);
  if (ids.empty()) return out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    for (const auto& row :
         r.exec_params(std::string(task_columns) + "WHERE local_task_id = ANY($1::uuid[])", format_text_array(ids)))
      out.push_back(task_of(row));
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::optional<page<market_view>>, std::string> read_model_reader::markets(
    const std::string& tenant_id, const std::string& cursor, std::size_t limit,
    const std::optional<std::vector<std::string>>& only) {
  // The cursor: "<market id>.<base64url of its name>".
  std::optional<std::string> after_id, after_name;
  if (!cursor.empty()) {
    const auto dot = cursor.find('.');
    after_name = dot == std::string::npos ? std::nullopt : base::base64url_decode(cursor.substr(dot + 1));
    after_id = cursor.substr(0, dot);
    if (!after_name || !base::is_uuid(*after_id)) return std::optional<page<market_view>>{};
  }
  const std::optional<std::string> only_ids = only ? std::optional(format_text_array(*only)) : std::nullopt;
  page<market_view> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(markets_sql, after_id, after_name, only_ids, static_cast<std::int64_t>(limit + 1));
    out = page_of<market_view>(
        rows, limit,
        [](const pqxx::row& row) {
          return market_view{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                             row[3].as<std::string>(), row[4].as<bool>()};
        },
        [](const pqxx::row& row) {
          return row[0].as<std::string>() + "." + base::base64url_encode(row[1].as<std::string>());
        });
  });
  if (!ok) return base::unexpected(ok.error());
  return std::optional(std::move(out));
}

base::expected<page<board_summary>, std::string> read_model_reader::boards_of_market(const std::string& tenant_id,
                                                                                     const std::string& market_id,
                                                                                     const std::string& cursor,
                                                                                     std::size_t limit) {
  page<board_summary> out;
  if (!base::is_uuid(market_id) || (!cursor.empty() && !base::is_uuid(cursor))) return out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(boards_of_market_sql, market_id, cursor, static_cast<std::int64_t>(limit + 1));
    out = page_of<board_summary>(
        rows, limit,
        [](const pqxx::row& row) {
          return board_summary{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                               row[3].as<std::string>(), row[4].as<std::int32_t>()};
        },
        [](const pqxx::row& row) { return row[0].as<std::string>(); });
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::vector<heatmap_cell>, std::string> read_model_reader::heatmap(
    const std::string& tenant_id, const std::string& master_strategy_id) {
  std::vector<heatmap_cell> out;
  if (!base::is_uuid(master_strategy_id)) return out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    for (const auto& row : r.exec_params(heatmap_sql, master_strategy_id))
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].is_null() ? 0.0 : row[4].as<double>()});
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::optional<task_view>, std::string> read_model_reader::task(const std::string& tenant_id,
                                                                              const std::string& local_task_id) {
  if (!base::is_uuid(local_task_id)) return std::optional<task_view>{};
  std::optional<task_view> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(std::string(task_columns) + task_where, local_task_id);
    if (rows.empty()) return;
    task_view view{task_of(rows[0]), {}, {}};
    if (const auto detail = r.exec_params(task_detail_sql, local_task_id); !detail.empty())
      view.detail = task_detail_of(detail[0]);
    for (const auto& row : r.exec_params(timeline_sql, local_task_id))
      view.timeline.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[6].as<std::string>(),
                               row[2].as<std::string>(), row[3].as<std::string>(), optional_of<std::int32_t>(row[4]),
                               *optional_time(row[5])});
    out = std::move(view);
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::optional<usage_view>, std::string> read_model_reader::usage(const std::string& tenant_id) {
  std::optional<usage_view> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto quota = r.exec(quota_sql);
    if (quota.empty()) return;
    usage_view view;
    view.ai_token_quota = quota[0][0].as<std::int64_t>();
    view.token_reset_date = domain::timestamp(std::chrono::microseconds(quota[0][1].as<std::int64_t>()));
    for (const auto& row : r.exec(periods_sql))
      view.periods.push_back({domain::timestamp(std::chrono::microseconds(row[0].as<std::int64_t>())),
                              domain::timestamp(std::chrono::microseconds(row[1].as<std::int64_t>())),
                              row[2].as<std::int64_t>()});
    out = std::move(view);
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

namespace {

constexpr const char* directory_user_columns =
    "SELECT role, is_active AND deleted_at IS NULL, assigned_market_ids::text, user_id::text, email, "
    "language_preference, " STRADIA_UTC("last_login_at") " FROM read_users ";

directory_user directory_user_of(const pqxx::row& row) {
  directory_user u;
  u.role = row[0].as<std::string>();
  u.is_active = row[1].as<bool>();
  u.assigned_market_ids = parse_text_array(row[2].as<std::string>());
  u.id = row[3].as<std::string>();
  u.email = row[4].as<std::string>();
  u.language_preference = row[5].as<std::string>();
  u.last_login_at = optional_time(row[6]);
  return u;
}

}  // namespace

base::expected<std::optional<directory_user>, std::string> read_model_reader::user(const std::string& tenant_id,
                                                                                   const std::string& user_id) {
  std::optional<directory_user> out;
  if (!base::is_uuid(user_id)) return out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(std::string(directory_user_columns) + "WHERE user_id = $1::uuid", user_id);
    if (!rows.empty()) out = directory_user_of(rows[0]);
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<page<directory_user>, std::string> read_model_reader::users(const std::string& tenant_id,
                                                                           const std::string& cursor,
                                                                           std::size_t limit) {
  page<directory_user> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    // One more than asked: whether a next page exists.
    const auto rows = r.exec_params(
        std::string(directory_user_columns) + "WHERE deleted_at IS NULL AND email > $1 ORDER BY email LIMIT $2", cursor,
        static_cast<std::int64_t>(limit + 1));
    out = page_of<directory_user>(rows, limit, directory_user_of,
                                  [](const pqxx::row& row) { return row[4].as<std::string>(); });
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

namespace {

policy_view policy_of(const pqxx::row& row) {
  policy_view p;
  p.id = row[0].as<std::string>();
  p.policy_text = row[1].as<std::string>();
  p.platform = row[2].as<std::string>();
  p.is_active = row[3].as<bool>();
  p.created_by = row[4].as<std::string>();
  p.created_at = *optional_time(row[5]);
  return p;
}

vault_view vault_of(const pqxx::row& row) {
  vault_view v;
  v.market_id = row[1].as<std::string>();
  v.platform = row[2].as<std::string>();
  v.is_revoked = row[3].as<bool>();
  v.stored_by = row[4].as<std::string>();
  v.updated_at = *optional_time(row[5]);
  v.last_used_at = optional_time(row[6]);
  return v;
}

}  // namespace

base::expected<std::optional<tenant_view>, std::string> read_model_reader::tenant(const std::string& tenant_id) {
  std::optional<tenant_view> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec(
        "SELECT tenant_id::text, name, is_active, active_markets_limit, user_seat_limit, cardinality(seat_user_ids), "
        "cardinality(active_market_ids), ai_token_quota FROM read_tenants");
    if (rows.empty()) return;
    const auto& row = rows[0];
    tenant_view t;
    t.id = row[0].as<std::string>();
    t.name = row[1].as<std::string>();
    t.is_active = row[2].as<bool>();
    t.active_markets_limit = row[3].as<std::int32_t>();
    t.user_seat_limit = row[4].as<std::int32_t>();
    t.seats_in_use = row[5].as<std::int32_t>();
    t.active_markets_in_use = row[6].as<std::int32_t>();
    t.ai_token_quota = row[7].as<std::int64_t>();
    out = std::move(t);
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<page<policy_view>, std::string> read_model_reader::policies(const std::string& tenant_id,
                                                                           std::int64_t cursor, std::size_t limit) {
  page<policy_view> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(
        "SELECT policy_id::text, policy_text, platform, is_active, created_by, "
        STRADIA_UTC("created_at") ", created_position FROM read_policies "
        "WHERE created_position > $1 ORDER BY created_position LIMIT $2",
        cursor, static_cast<std::int64_t>(limit + 1));
    out = page_of<policy_view>(rows, limit, policy_of, [](const pqxx::row& row) { return row[6].as<std::string>(); });
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<page<vault_view>, std::string> read_model_reader::vault(const std::string& tenant_id,
                                                                       const std::string& cursor, std::size_t limit) {
  page<vault_view> out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(
        "SELECT vault_stream_id, market_id::text, platform, is_revoked, stored_by, "
        STRADIA_UTC("updated_at") ", " STRADIA_UTC("last_used_at") " "
        "FROM read_vault_credentials WHERE vault_stream_id > $1 ORDER BY vault_stream_id LIMIT $2",
        cursor, static_cast<std::int64_t>(limit + 1));
    out = page_of<vault_view>(rows, limit, vault_of, [](const pqxx::row& row) { return row[0].as<std::string>(); });
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

namespace {

constexpr const char* strategy_columns =
    "SELECT master_strategy_id::text, title, description, version, is_published, "
    "deployed_market_ids::text, created_position FROM read_strategies ";

strategy_view strategy_of(const pqxx::row& row) {
  strategy_view s;
  s.id = row[0].as<std::string>();
  s.title = row[1].as<std::string>();
  s.description = row[2].as<std::string>();
  s.version = row[3].as<std::int32_t>();
  s.is_published = row[4].as<bool>();
  s.deployed_market_ids = parse_text_array(row[5].as<std::string>());
  return s;
}

// The strategies' tasks that are not removed, each into its strategy, by order_index.
void add_tasks(pqxx::transaction_base& r, std::vector<strategy_view>& strategies) {
  if (strategies.empty()) return;
  std::vector<std::string> ids;
  std::unordered_map<std::string, strategy_view*> by_id;
  for (auto& s : strategies) {
    ids.push_back(s.id);
    by_id.emplace(s.id, &s);
  }
  const auto rows = r.exec_params(
      "SELECT master_strategy_id::text, global_task_id::text, title, description, task_type, target_platform, "
      "weight, order_index, has_system_prompt, expected_payload_schema FROM read_global_tasks "
      "WHERE master_strategy_id = ANY($1::uuid[]) AND NOT is_removed ORDER BY order_index, global_task_id",
      format_text_array(ids));
  for (const auto& row : rows) {
    global_task_view t;
    t.id = row[1].as<std::string>();
    t.title = row[2].as<std::string>();
    t.description = row[3].as<std::string>();
    t.task_type = row[4].as<std::string>();
    t.target_platform = row[5].as<std::string>();
    t.weight = row[6].as<std::int32_t>();
    t.order_index = row[7].as<std::int32_t>();
    t.has_system_prompt = row[8].as<bool>();
    t.expected_payload_schema = row[9].as<std::string>();
    if (const auto owner = by_id.find(row[0].as<std::string>()); owner != by_id.end())
      owner->second->tasks.push_back(std::move(t));
  }
}

}  // namespace

base::expected<page<strategy_view>, std::string> read_model_reader::strategies(
    const std::string& tenant_id, std::int64_t cursor, std::size_t limit,
    const std::optional<std::vector<std::string>>& only) {
  page<strategy_view> out;
  const std::optional<std::string> only_ids = only ? std::optional(format_text_array(*only)) : std::nullopt;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(std::string(strategy_columns) +
                                        "WHERE created_position > $1 AND ($2::uuid[] IS NULL OR deployed_market_ids && "
                                        "$2::uuid[]) ORDER BY created_position LIMIT $3",
                                    cursor, only_ids, static_cast<std::int64_t>(limit + 1));
    out =
        page_of<strategy_view>(rows, limit, strategy_of, [](const pqxx::row& row) { return row[6].as<std::string>(); });
    add_tasks(r, out.items);
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::optional<strategy_view>, std::string> read_model_reader::strategy(const std::string& tenant_id,
                                                                                      const std::string& strategy_id) {
  std::optional<strategy_view> out;
  if (!base::is_uuid(strategy_id)) return out;
  auto ok = read_as(tenant_id, [&](pqxx::transaction_base& r) {
    const auto rows = r.exec_params(std::string(strategy_columns) + "WHERE master_strategy_id = $1::uuid", strategy_id);
    if (rows.empty()) return;
    std::vector<strategy_view> one{strategy_of(rows[0])};
    add_tasks(r, one);
    out = std::move(one.front());
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::int64_t, std::string> read_model_reader::quarantined_count() {
  std::int64_t out = 0;
  auto ok = read_as("", [&](pqxx::transaction_base& r) {
    out = r.exec("SELECT projection_quarantine_count()")[0][0].as<std::int64_t>();
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

base::expected<std::int64_t, std::string> read_model_reader::applied_position(const std::string& source_prefix) {
  std::int64_t out = 0;
  // Checkpoints are not tenant data; any tenant id (here none) reads them.
  auto ok = read_as("", [&](pqxx::transaction_base& r) {
    out = r.exec_params("SELECT coalesce(min(position), 0) FROM projection_checkpoints WHERE starts_with(source, $1)",
                        source_prefix)[0][0]
              .as<std::int64_t>();
  });
  if (!ok) return base::unexpected(ok.error());
  return out;
}

}  // namespace stradia::projections

#undef STRADIA_UTC
