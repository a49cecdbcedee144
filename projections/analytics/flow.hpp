#pragma once
// Flow: per board, task type and UTC day, the cycles started (a task entering IN_PROGRESS
// from TODO or DONE), the tasks finished (entering DONE), the seconds tasks spent BLOCKED
// (counted on the day they leave it) and the locks that expired (analytics_flow_days); and
// each completion's cycle time, IN_PROGRESS → DONE, for medians and percentiles
// (analytics_cycles).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "projections/analytics/daily_counters.hpp"

namespace stradia::projections::analytics {

class flow {
 public:
  flow();
  void load(pqxx::transaction_base& t, const std::vector<std::string>& day_keys) { days_.load(t, day_keys); }
  void started(const task_subject& task, std::int64_t micros, std::int64_t position);
  // A task reached DONE; `cycle_started` is when its cycle began (none: it never was IN_PROGRESS).
  void finished(const task_subject& task, const std::string& local_task_id, std::optional<std::int64_t> cycle_started,
                std::int64_t micros, std::int64_t position);
  void unblocked(const task_subject& task, std::int64_t blocked_since, std::int64_t micros, std::int64_t position);
  void lock_expired(const task_subject& task, std::int64_t micros, std::int64_t position);
  void flush(pqxx::transaction_base& t, write_mode mode);
  // A rebuild: the cycles go to Postgres as they come (append-only), the days once past.
  void stream_into(pqxx::transaction_base& t, rebuild_stream& to) {
    days_.stream_into(t, to);
    cycles_.stream_into(t, to);
  }
  void discard();

 private:
  daily_counters days_;
  row_table cycles_;
};

}  // namespace stradia::projections::analytics
