#pragma once
// What every analytics row is about: the task's board, market, strategy and type, and the
// UTC day of the event (from its recorded_at, so a rebuild gives the same days).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "envelope.pb.h"

namespace stradia::projections::analytics {

struct task_subject {
  std::string tenant_id, local_board_id, market_id, master_strategy_id, task_type;
};

// The event's recorded_at in microseconds since the epoch.
std::int64_t recorded_micros(const stradia::envelope::v1::EventEnvelope& e);
// "YYYY-MM-DD" of a day (base::parse_day reads it back).
std::string day_text(std::chrono::sys_days day);
// "YYYY-MM-DD" of a time in microseconds since the epoch, in UTC.
std::string utc_day(std::int64_t micros);
// RFC 3339 of a time in microseconds since the epoch.
std::string rfc3339(std::int64_t micros);
// Seconds with six decimals ("12.500000"), as a double precision column is written.
std::string seconds_text(double seconds);

}  // namespace stradia::projections::analytics
