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

std::optional<std::chrono::sys_days> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p)
    for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  const std::chrono::year_month_day ymd{std::chrono::year(parts[0]),
                                        std::chrono::month(static_cast<unsigned>(parts[1])),
                                        std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

std::string utc_day(std::int64_t micros) {
  using namespace std::chrono;
  return day_text(floor<days>(sys_time<microseconds>(microseconds(micros))));
}

std::string rfc3339(std::int64_t micros) {
  return base::format_rfc3339(base::timestamp(std::chrono::microseconds(micros)));
}

}  // namespace stradia::projections::analytics
