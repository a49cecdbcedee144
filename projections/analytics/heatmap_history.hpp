#pragma once
// Heatmap history: a board's weights (DONE / all) at the end of each UTC day on which they
// changed (analytics_heatmap_days; a later day without a change carries the last value) and
// every change with its time (analytics_heatmap_changes, for the heatmap ?as_of=).
#include <cstdint>
#include <string>

#include "projections/row_table.hpp"

namespace stradia::projections::analytics {

struct board_weights {
  std::string tenant_id, local_board_id, market_id, master_strategy_id, board_status;
  std::int64_t done_weight = 0, total_weight = 0;
};

class heatmap_history {
 public:
  heatmap_history();
  // The board's weights or status as they stand after the event at `position`, recorded at `micros`.
  void changed(const board_weights& board, std::int64_t micros, std::int64_t position);
  void flush(pqxx::transaction_base& t, write_mode mode);
  // A rebuild: the changes go to Postgres as they come (append-only), the days once past.
  void stream_into(pqxx::transaction_base& t, rebuild_stream& to) {
    days_.stream_into(t, to);
    changes_.stream_into(t, to);
  }
  void discard();

 private:
  row_table days_;
  row_table changes_;
};

}  // namespace stradia::projections::analytics
