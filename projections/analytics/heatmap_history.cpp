#include "projections/analytics/heatmap_history.hpp"

#include "projections/analytics/analytics_subject.hpp"

namespace stradia::projections::analytics {

namespace {

enum day_column { d_key, d_tenant, d_board, d_market, d_strategy, d_day, d_done, d_total, d_position, day_width };
enum change_column {
  c_position,
  c_tenant,
  c_board,
  c_market,
  c_strategy,
  c_at,
  c_status,
  c_done,
  c_total,
  change_width
};

}  // namespace

heatmap_history::heatmap_history()
    : days_("analytics_heatmap_days",
            {"board_day", "tenant_id", "local_board_id", "market_id", "master_strategy_id", "day", "done_weight",
             "total_weight", "position"},
            "text"),
      changes_("analytics_heatmap_changes",
               {"position", "tenant_id", "local_board_id", "market_id", "master_strategy_id", "at", "board_status",
                "done_weight", "total_weight"},
               "bigint", false) {}

void heatmap_history::changed(const board_weights& board, std::int64_t micros, std::int64_t position) {
  const auto day = utc_day(micros);
  // The day's row holds its last change: written whole, it needs no load.
  row d(day_width);
  d[d_key] = board.local_board_id + "/" + day;
  d[d_tenant] = board.tenant_id;
  d[d_board] = board.local_board_id;
  d[d_market] = board.market_id;
  d[d_strategy] = board.master_strategy_id;
  d[d_day] = day;
  d[d_done] = std::to_string(board.done_weight);
  d[d_total] = std::to_string(board.total_weight);
  d[d_position] = std::to_string(position);
  if (row* known = days_.change(*d[d_key]))
    *known = std::move(d);
  else
    days_.insert(std::move(d));

  row c(change_width);
  c[c_position] = std::to_string(position);
  c[c_tenant] = board.tenant_id;
  c[c_board] = board.local_board_id;
  c[c_market] = board.market_id;
  c[c_strategy] = board.master_strategy_id;
  c[c_at] = rfc3339(micros);
  c[c_status] = board.board_status;
  c[c_done] = std::to_string(board.done_weight);
  c[c_total] = std::to_string(board.total_weight);
  changes_.append(std::move(c));
}

void heatmap_history::flush(pqxx::transaction_base& t, write_mode mode) {
  days_.flush(t, mode);
  changes_.flush(t, mode);
}

void heatmap_history::discard() {
  days_.discard();
  changes_.discard();
}

}  // namespace stradia::projections::analytics
