#include "projections/analytics/analytics_subject.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "base/clock.hpp"

namespace stradia::projections::analytics {

std::int64_t recorded_micros(const stradia::envelope::v1::EventEnvelope& e) {
  return e.recorded_at().seconds() * 1'000'000 + e.recorded_at().nanos() / 1000;
}

std::string day_text(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // outside four digits: as printf writes it
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", year, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return text;
  }
  // By hand: printf took an eighth of the analytics fold, which names a day for every event.
  std::string text = "0000-00-00";
  auto put = [&](std::size_t end, unsigned value) {
    for (std::size_t i = end; value; value /= 10) text[--i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<unsigned>(year));
  put(7, static_cast<unsigned>(ymd.month()));
  put(10, static_cast<unsigned>(ymd.day()));
  return text;
}

std::string seconds_text(double seconds) {
  char text[400];  // the longest double in fixed notation with six decimals fits
  const auto [end, error] = std::to_chars(text, text + sizeof text, seconds, std::chars_format::fixed, 6);
  if (error != std::errc()) throw std::logic_error("seconds_text: no room for " + std::to_string(seconds));
  return std::string(text, end);
}

std::string utc_day(std::int64_t micros) {
  using namespace std::chrono;
  return day_text(floor<days>(sys_time<microseconds>(microseconds(micros))));
}

std::string rfc3339(std::int64_t micros) {
  return base::format_rfc3339(base::timestamp(std::chrono::microseconds(micros)));
}

}  // namespace stradia::projections::analytics
