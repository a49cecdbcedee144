#pragma once
// Reads the read models for one tenant (stradia_app, row-level security): boards and
// their tasks, markets, the heatmap, a task with its timeline, token usage.
// Thread-safe (a connection per call from a small pool of its own).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "domain/clock.hpp"

namespace pqxx {
class transaction_base;
}

namespace stradia::projections {

struct board_task_view {
  std::string id, global_task_id, title, task_type, target_platform, status, pre_flight_scan_status, error_log;
  std::int32_t weight = 0, order_index = 0;
  bool is_custom_local_task = false, is_ghost_card = false;
  std::int64_t gemini_token_cost = 0, version = 0;
  std::optional<std::string> locked_by, locked_at, expires_at, last_executed_at;  // RFC 3339
  std::optional<std::string> locked_by_email;  // the lock holder's, for the people on the board
  std::string local_board_id, market_id;
  std::int64_t position = 0;                // the last event applied to this task
  std::optional<std::string> ghost_change;  // a pending ghost card's ADDED, CHANGED or REMOVED
  std::optional<std::string> removed_at;    // RFC 3339; set once the task left the board
};

struct timeline_entry {
  std::int64_t position = 0;
  std::string kind;  // NOTE, AUTO_SAVE_NOTE, GHOST_REJECTED, EXECUTION_REQUESTED/SUCCEEDED/FAILED/PAUSED
  std::string id;    // the note's, rejection's or execution's id
  std::string user_id, detail;
  std::optional<std::int32_t> http_status;
  std::string at;  // RFC 3339
};

// What a task's drawer shows beyond its card (read_task_details).
struct task_detail_view {
  std::string description, expected_payload_schema, execution_payload;  // JSON as text; empty when none
  std::optional<std::string> payload_updated_by, payload_updated_at;
  std::optional<std::string> pre_flight_findings, pre_flight_completed_at;
  std::optional<std::int64_t> pre_flight_token_cost;
  std::optional<std::string> generated_content, generated_at;
  std::optional<std::int64_t> generated_token_cost;
  std::optional<std::int32_t> ghost_strategy_version;
  std::optional<std::string> ghost_proposal;  // JSON object text
};

struct task_view {
  board_task_view task;
  task_detail_view detail;
  std::vector<timeline_entry> timeline;
};

struct directory_user {
  std::string role;
  bool is_active = false;
  std::vector<std::string> assigned_market_ids;
  std::string id, email, language_preference;
  std::optional<std::string> last_login_at;  // RFC 3339
};

struct tenant_view {
  std::string id, name;
  bool is_active = false;
  std::int32_t active_markets_limit = 0, user_seat_limit = 0, seats_in_use = 0, active_markets_in_use = 0;
  std::int64_t ai_token_quota = 0;
};

struct policy_view {
  std::string id, policy_text, platform, created_by, created_at;
  bool is_active = false;
};

struct vault_view {
  std::string market_id, platform, stored_by, updated_at;
  bool is_revoked = false;
  std::optional<std::string> last_used_at;
};

struct global_task_view {
  std::string id, title, description, task_type, target_platform, expected_payload_schema;
  std::int32_t weight = 0, order_index = 0;
  bool has_system_prompt = false;
};

struct strategy_view {
  std::string id, title, description;
  std::int32_t version = 0;
  bool is_published = false;
  std::vector<std::string> deployed_market_ids;
  std::vector<global_task_view> tasks;  // by order_index
};

// A page of a list: its items, and the cursor of the next page when there is one.
template <class Item>
struct page {
  std::vector<Item> items;
  std::optional<std::string> next_cursor;
};

struct usage_period {
  domain::timestamp start, resets_at;
  std::int64_t ai_tokens_used = 0;
};

struct usage_view {
  std::int64_t ai_token_quota = 0;
  domain::timestamp token_reset_date;
  std::vector<usage_period> periods;  // the latest first
};

struct board_view {
  std::string id, market_id, master_strategy_id, status;
  std::int32_t strategy_version = 0;
  double heatmap_score = 0;   // weights of DONE tasks / all weights
  std::int64_t position = 0;  // the last event of this board (or its tasks) in this view
  std::vector<board_task_view> tasks;
};

struct market_view {
  std::string id, name, region_code, timezone;
  bool is_active = false;
};

struct board_summary {
  std::string id, market_id, master_strategy_id, status;
  std::int32_t strategy_version = 0;
};

struct heatmap_cell {
  std::string market_id, market_name, local_board_id, board_status;
  double score = 0;  // weights of DONE tasks / all weights
};

class read_model_reader {
 public:
  explicit read_model_reader(std::string app_conninfo);
  ~read_model_reader();
  // nullopt when the tenant has no such board.
  base::expected<std::optional<board_view>, std::string> board(const std::string& tenant_id,
                                                               const std::string& board_id);
  // The tenant's tasks among `local_task_ids` as their cards (tasks that left the board too).
  base::expected<std::vector<board_task_view>, std::string> board_tasks(const std::string& tenant_id,
                                                                        const std::vector<std::string>& local_task_ids);
  // The tenant's markets that are not deleted, by name, `limit` after `cursor` (a previous
  // page's next_cursor, which names the last market's name and id, so a rename between
  // pages neither skips nor repeats one; empty: from the first); `only`, when given, keeps
  // those markets (a LOCAL_USER's). Nullopt for a cursor that is not one.
  base::expected<std::optional<page<market_view>>, std::string> markets(
      const std::string& tenant_id, const std::string& cursor, std::size_t limit,
      const std::optional<std::vector<std::string>>& only);
  // A market's boards by id, `limit` after the board `cursor` (empty: from the first).
  base::expected<page<board_summary>, std::string> boards_of_market(const std::string& tenant_id,
                                                                    const std::string& market_id,
                                                                    const std::string& cursor, std::size_t limit);
  // One cell per market running the strategy, by market name.
  base::expected<std::vector<heatmap_cell>, std::string> heatmap(const std::string& tenant_id,
                                                                 const std::string& master_strategy_id);
  base::expected<std::optional<task_view>, std::string> task(const std::string& tenant_id,
                                                             const std::string& local_task_id);
  // nullopt when the tenant is not in the read model yet.
  base::expected<std::optional<usage_view>, std::string> usage(const std::string& tenant_id);
  // The user as the directory read model has them; nullopt when unknown (or deleted).
  base::expected<std::optional<directory_user>, std::string> user(const std::string& tenant_id,
                                                                  const std::string& user_id);
  // The tenant's users that are not deleted, by email, `limit` of them after the email
  // `cursor` (empty: from the first).
  base::expected<page<directory_user>, std::string> users(const std::string& tenant_id, const std::string& cursor,
                                                          std::size_t limit);
  // The tenant's plan, limits and use of them; nullopt when not in the read model yet.
  base::expected<std::optional<tenant_view>, std::string> tenant(const std::string& tenant_id);
  // The tenant's governance policies in the order they were created, `limit` of them after
  // the position `cursor` (0: from the first).
  base::expected<page<policy_view>, std::string> policies(const std::string& tenant_id, std::int64_t cursor,
                                                          std::size_t limit);
  // Per market and platform, the credential's state (never a token), `limit` after the
  // opaque `cursor` (empty: from the first).
  base::expected<page<vault_view>, std::string> vault(const std::string& tenant_id, const std::string& cursor,
                                                      std::size_t limit);
  // The tenant's master strategies with their tasks, oldest first, `limit` after the
  // position `cursor` (0: from the first); `only`, when given, keeps those deployed to one of
  // these markets (a LOCAL_USER's); or one of them (nullopt when not the tenant's).
  base::expected<page<strategy_view>, std::string> strategies(const std::string& tenant_id, std::int64_t cursor,
                                                              std::size_t limit,
                                                              const std::optional<std::vector<std::string>>& only);
  base::expected<std::optional<strategy_view>, std::string> strategy(const std::string& tenant_id,
                                                                     const std::string& strategy_id);
  // The lowest checkpoint of the sources starting with `source_prefix` ("kafka:", "embedded").
  // Events the read models set aside (projection_quarantine), over every read model.
  base::expected<std::int64_t, std::string> quarantined_count();
  base::expected<std::int64_t, std::string> applied_position(const std::string& source_prefix);

  // Runs `body` in a read-only transaction with the tenant set, on a pooled connection (the
  // analytics reader's queries run here too).
  base::expected<void, std::string> read_as(const std::string& tenant_id,
                                            const std::function<void(pqxx::transaction_base&)>& body);

 private:
  struct pool;
  std::unique_ptr<pool> pool_;
};

}  // namespace stradia::projections
