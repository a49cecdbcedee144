#include "projections/analytics/ai_usage.hpp"

namespace stradia::projections::analytics {

namespace {

enum counter { pre_flight_tokens, generation_tokens, pre_flight_passed, pre_flight_failed, generations };

}  // namespace

ai_usage::ai_usage()
    : days_("analytics_ai_usage_days", {{"pre_flight_tokens"},
                                        {"generation_tokens"},
                                        {"pre_flight_passed"},
                                        {"pre_flight_failed"},
                                        {"generations"}}) {}

void ai_usage::scanned(const task_subject& task, bool passed, std::int64_t tokens, std::int64_t micros,
                       std::int64_t position) {
  const auto day = utc_day(micros);
  days_.add(task, day, pre_flight_tokens, static_cast<double>(tokens), position);
  days_.add(task, day, passed ? pre_flight_passed : pre_flight_failed, 1, position);
}

void ai_usage::generated(const task_subject& task, std::int64_t tokens, std::int64_t micros, std::int64_t position) {
  const auto day = utc_day(micros);
  days_.add(task, day, generation_tokens, static_cast<double>(tokens), position);
  days_.add(task, day, generations, 1, position);
}

}  // namespace stradia::projections::analytics
