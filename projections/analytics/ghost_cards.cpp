#include "projections/analytics/ghost_cards.hpp"

namespace stradia::projections::analytics {

namespace {

enum column {
  c_position,
  c_tenant,
  c_board,
  c_market,
  c_strategy,
  c_version,
  c_task,
  c_title,
  c_decision,
  c_change,
  c_at,
  c_user,
  c_justification,
  width
};

}  // namespace

ghost_cards::ghost_cards()
    : rows_("analytics_ghost_cards",
            {"position", "tenant_id", "local_board_id", "market_id", "master_strategy_id", "strategy_version",
             "local_task_id", "title", "decision", "ghost_change", "at", "user_id", "justification"},
            "bigint", false) {}

void ghost_cards::record(const task_subject& task, const ghost_decision& d, std::int64_t micros,
                         std::int64_t position) {
  row r(width);
  r[c_position] = std::to_string(position);
  r[c_tenant] = task.tenant_id;
  r[c_board] = task.local_board_id;
  r[c_market] = task.market_id;
  r[c_strategy] = task.master_strategy_id;
  r[c_version] = std::to_string(d.strategy_version);
  r[c_task] = d.local_task_id;
  r[c_title] = d.title;
  r[c_decision] = d.decision;
  r[c_change] = d.ghost_change;
  r[c_at] = rfc3339(micros);
  r[c_user] = d.user_id;
  r[c_justification] = d.justification;
  rows_.append(std::move(r));
}

}  // namespace stradia::projections::analytics
