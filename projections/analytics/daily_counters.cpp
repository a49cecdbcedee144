#include "projections/analytics/daily_counters.hpp"

#include <cmath>

namespace stradia::projections::analytics {

namespace {

enum column { c_key, c_tenant, c_board, c_market, c_type, c_day, first_counter };

std::vector<std::string> columns_of(const std::vector<counter_column>& counters) {
  std::vector<std::string> columns{"board_type_day", "tenant_id", "local_board_id", "market_id", "task_type", "day"};
  for (const auto& c : counters) columns.push_back(c.name);
  columns.push_back("position");
  return columns;
}

std::string number_text(double value, bool whole) {
  return whole ? std::to_string(std::llround(value)) : seconds_text(value);
}

}  // namespace

daily_counters::daily_counters(std::string table, std::vector<counter_column> counters)
    : counters_(std::move(counters)), rows_(std::move(table), columns_of(counters_), "text") {}

std::string daily_counters::key_of(const std::string& local_board_id, const std::string& task_type,
                                   const std::string& day) {
  return local_board_id + "/" + task_type + "/" + day;
}

void daily_counters::add(const task_subject& subject, const std::string& day, std::size_t counter, double amount,
                         std::int64_t position) {
  const auto key = key_of(subject.local_board_id, subject.task_type, day);
  row* r = rows_.change(key);
  if (!r) {
    row fresh(rows_.width());
    fresh[c_key] = key;
    fresh[c_tenant] = subject.tenant_id;
    fresh[c_board] = subject.local_board_id;
    fresh[c_market] = subject.market_id;
    fresh[c_type] = subject.task_type;
    fresh[c_day] = day;
    for (std::size_t i = 0; i < counters_.size(); ++i) fresh[first_counter + i] = counters_[i].whole ? "0" : "0.0";
    r = &rows_.insert(std::move(fresh));
  }
  auto& value = (*r)[first_counter + counter];
  value = number_text(std::stod(value.value_or("0")) + amount, counters_[counter].whole);
  (*r)[first_counter + counters_.size()] = std::to_string(position);
}

}  // namespace stradia::projections::analytics
