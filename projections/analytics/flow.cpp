#include "projections/analytics/flow.hpp"

namespace stradia::projections::analytics {

namespace {

enum counter { started_count, finished_count, blocked_seconds, lock_expiries };
enum cycle_column { c_position, c_tenant, c_task, c_board, c_market, c_type, c_started, c_finished, c_seconds, width };

double seconds_between(std::int64_t from_micros, std::int64_t to_micros) {
  return static_cast<double>(to_micros - from_micros) / 1e6;
}

}  // namespace

flow::flow()
    : days_("analytics_flow_days", {{"started"}, {"finished"}, {"blocked_seconds", false}, {"lock_expiries"}}),
      cycles_("analytics_cycles",
              {"position", "tenant_id", "local_task_id", "local_board_id", "market_id", "task_type", "started_at",
               "finished_at", "cycle_seconds"},
              "bigint", false) {}

void flow::started(const task_subject& task, std::int64_t micros, std::int64_t position) {
  days_.add(task, utc_day(micros), started_count, 1, position);
}

void flow::finished(const task_subject& task, const std::string& local_task_id,
                    std::optional<std::int64_t> cycle_started, std::int64_t micros, std::int64_t position) {
  days_.add(task, utc_day(micros), finished_count, 1, position);
  if (!cycle_started) return;
  row r(width);
  r[c_position] = std::to_string(position);
  r[c_tenant] = task.tenant_id;
  r[c_task] = local_task_id;
  r[c_board] = task.local_board_id;
  r[c_market] = task.market_id;
  r[c_type] = task.task_type;
  r[c_started] = rfc3339(*cycle_started);
  r[c_finished] = rfc3339(micros);
  r[c_seconds] = seconds_text(seconds_between(*cycle_started, micros));
  cycles_.append(std::move(r));
}

void flow::unblocked(const task_subject& task, std::int64_t blocked_since, std::int64_t micros, std::int64_t position) {
  days_.add(task, utc_day(micros), blocked_seconds, seconds_between(blocked_since, micros), position);
}

void flow::lock_expired(const task_subject& task, std::int64_t micros, std::int64_t position) {
  days_.add(task, utc_day(micros), lock_expiries, 1, position);
}

void flow::flush(pqxx::transaction_base& t, write_mode mode) {
  days_.flush(t, mode);
  cycles_.flush(t, mode);
}

void flow::discard() {
  days_.discard();
  cycles_.discard();
}

}  // namespace stradia::projections::analytics
