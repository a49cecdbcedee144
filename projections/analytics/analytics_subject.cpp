#include "projections/analytics/analytics_subject.hpp"

#include <chrono>
#include <cstdio>

#include "base/clock.hpp"

namespace stradia::projections::analytics {

std::int64_t recorded_micros(const stradia::envelope::v1::EventEnvelope& e) {
  return e.recorded_at().seconds() * 1'000'000 + e.recorded_at().nanos() / 1000;
}

std::string utc_day(std::int64_t micros) {
  using namespace std::chrono;
  const year_month_day day{floor<days>(sys_time<microseconds>(microseconds(micros)))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return text;
}

std::string rfc3339(std::int64_t micros) {
  return base::format_rfc3339(base::timestamp(std::chrono::microseconds(micros)));
}

}  // namespace stradia::projections::analytics
