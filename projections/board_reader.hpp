#pragma once
// Reads the board-state read model for one tenant (stradia_app, row-level security).
// Thread-safe (a connection per call from a small pool of its own).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/expected.hpp"

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
};

struct board_view {
  std::string id, market_id, master_strategy_id, status;
  std::int32_t strategy_version = 0;
  double heatmap_score = 0;  // weights of DONE tasks / all weights
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

class board_reader {
 public:
  explicit board_reader(std::string app_conninfo);
  ~board_reader();
  // nullopt when the tenant has no such board.
  domain::expected<std::optional<board_view>, std::string> board(const std::string& tenant_id,
                                                                 const std::string& board_id);
  // The tenant's markets that are not deleted, by name.
  domain::expected<std::vector<market_view>, std::string> markets(const std::string& tenant_id);
  domain::expected<std::vector<board_summary>, std::string> boards_of_market(const std::string& tenant_id,
                                                                             const std::string& market_id);
  // One cell per market running the strategy, by market name.
  domain::expected<std::vector<heatmap_cell>, std::string> heatmap(const std::string& tenant_id,
                                                                   const std::string& master_strategy_id);

 private:
  struct pool;
  // Runs `body` in a read-only transaction with the tenant set, on a pooled connection.
  domain::expected<void, std::string> read_as(const std::string& tenant_id,
                                              const std::function<void(pqxx::transaction_base&)>& body);
  std::unique_ptr<pool> pool_;
};

}  // namespace stradia::projections
