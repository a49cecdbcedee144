#pragma once
// The analytics queries (API.md §7), per tenant under row-level security (stradia_app):
// heatmap history by day or week, flow, AI usage by month, ghost-card decisions, and the
// heatmap as it stood at a moment. Ranges are whole UTC days, both ends included; `markets`,
// when given, keeps those markets only (a LOCAL_USER's).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "projections/analytics/analytics_subject.hpp"
#include "projections/read_model_reader.hpp"

namespace stradia::projections::analytics {

struct day_range {
  std::chrono::sys_days from, to;
};

enum class history_bucket { day, week };

// A board's score at the end of `day` (for weeks: the week's last day in the range).
struct heatmap_history_point {
  std::string day, market_id, market_name, local_board_id;
  std::int64_t done_weight = 0, total_weight = 0;
  double heatmap_score = 0;
};

struct flow_row {
  std::string market_id, market_name, task_type;
  std::int64_t started = 0, finished = 0, lock_expiries = 0;
  std::optional<double> cycle_time_median_seconds, cycle_time_p90_seconds;  // none without a cycle
  double blocked_seconds = 0;
};

struct ai_usage_row {
  std::string month, market_id, market_name, task_type;  // month: "YYYY-MM"
  std::int64_t tokens = 0, pre_flight_tokens = 0, generation_tokens = 0;
  std::int64_t pre_flight_passed = 0, pre_flight_failed = 0, generations = 0;
};

struct ghost_rejection {
  std::string local_task_id, title, justification, rejected_by, rejected_at;
};

struct ghost_card_row {
  std::string market_id, market_name, master_strategy_id;
  std::int32_t strategy_version = 0;
  std::int64_t offered = 0, accepted = 0, rejected = 0;
  std::vector<ghost_rejection> rejections;  // oldest first
};

using market_filter = std::optional<std::vector<std::string>>;

class analytics_reader {
 public:
  explicit analytics_reader(read_model_reader& reads) : reads_(reads) {}
  // Nullopt when the tenant has no board of the strategy. Days before a board existed and
  // after `today` are left out.
  base::expected<std::optional<std::vector<heatmap_history_point>>, std::string> heatmap_history(
      const std::string& tenant_id, const std::string& master_strategy_id, day_range range, history_bucket bucket,
      std::chrono::sys_days today, const market_filter& markets);
  // Per market running the strategy at `as_of_micros`: its score and board status then.
  // Nullopt when the tenant has no board of the strategy.
  base::expected<std::optional<std::vector<heatmap_cell>>, std::string> heatmap_as_of(
      const std::string& tenant_id, const std::string& master_strategy_id, std::int64_t as_of_micros);
  base::expected<std::vector<flow_row>, std::string> flow(const std::string& tenant_id, day_range range,
                                                          const market_filter& markets);
  base::expected<std::vector<ai_usage_row>, std::string> ai_usage(const std::string& tenant_id, day_range range,
                                                                  const market_filter& markets);
  base::expected<std::vector<ghost_card_row>, std::string> ghost_cards(const std::string& tenant_id, day_range range,
                                                                       const market_filter& markets);

 private:
  read_model_reader& reads_;
};

}  // namespace stradia::projections::analytics
