#pragma once
// AI usage: per board, task type and UTC day, the tokens pre-flight scans and generated
// content cost, and the scans' PASSED and FAILED verdicts (analytics_ai_usage_days).
#include <cstdint>
#include <string>
#include <vector>

#include "projections/analytics/daily_counters.hpp"

namespace stradia::projections::analytics {

class ai_usage {
 public:
  ai_usage();
  void load(pqxx::transaction_base& t, const std::vector<std::string>& day_keys) { days_.load(t, day_keys); }
  void scanned(const task_subject& task, bool passed, std::int64_t tokens, std::int64_t micros, std::int64_t position);
  void generated(const task_subject& task, std::int64_t tokens, std::int64_t micros, std::int64_t position);
  void flush(pqxx::transaction_base& t, write_mode mode) { days_.flush(t, mode); }
  // A rebuild: the days go to Postgres once they are past (row_table::stream_into).
  void stream_into(pqxx::transaction_base& t, rebuild_stream& to) { days_.stream_into(t, to); }
  void discard() { days_.discard(); }

 private:
  daily_counters days_;
};

}  // namespace stradia::projections::analytics
