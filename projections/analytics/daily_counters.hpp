#pragma once
// A table of counters per board, task type and UTC day (analytics_flow_days,
// analytics_ai_usage_days): a batch loads the days it touches, adds to them in memory and
// writes them back, so each row keeps counting across batches.
#include <cstdint>
#include <string>
#include <vector>

#include "projections/analytics/analytics_subject.hpp"
#include "projections/row_table.hpp"

namespace stradia::projections::analytics {

struct counter_column {
  std::string name;
  bool whole = true;  // an integer column; otherwise double precision (seconds)
};

class daily_counters {
 public:
  daily_counters(std::string table, std::vector<counter_column> counters);
  const std::string& table() const { return rows_.name(); }
  // A row's key: "<local_board_id>/<task_type>/<day>".
  static std::string key_of(const std::string& local_board_id, const std::string& task_type, const std::string& day);
  void load(pqxx::transaction_base& t, const std::vector<std::string>& keys) { rows_.load(t, keys); }
  // Adds `amount` to counter `counter` (its index among the counters) of the subject's day.
  void add(const task_subject& subject, const std::string& day, std::size_t counter, double amount,
           std::int64_t position);
  void flush(pqxx::transaction_base& t, write_mode mode) { rows_.flush(t, mode); }
  void stream_into(pqxx::transaction_base& t, rebuild_stream& to) { rows_.stream_into(t, to); }
  void discard() { rows_.discard(); }

 private:
  std::vector<counter_column> counters_;
  row_table rows_;
};

}  // namespace stradia::projections::analytics
