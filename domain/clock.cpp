#include "domain/clock.hpp"

#include <cstdio>

namespace stradia::domain {

using namespace std::chrono;

google::protobuf::Timestamp to_proto(timestamp t) {
  google::protobuf::Timestamp out;
  const auto since_epoch = t.time_since_epoch();
  auto secs = floor<seconds>(since_epoch);
  out.set_seconds(secs.count());
  out.set_nanos(static_cast<int>(duration_cast<nanoseconds>(since_epoch - secs).count()));
  return out;
}

timestamp from_proto(const google::protobuf::Timestamp& t) {
  return timestamp{seconds{t.seconds()}} + duration_cast<microseconds>(nanoseconds{t.nanos()});
}

std::string format_rfc3339(timestamp t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                        static_cast<long>(hms.seconds().count()));
  const auto micros = hms.subseconds().count();
  if (micros != 0) {
    n += std::snprintf(buf + n, sizeof buf - n, ".%06ld", static_cast<long>(micros));
    while (buf[n - 1] == '0') --n;
  }
  return std::string(buf, n) + "Z";
}

timestamp add_months(timestamp t, int months) {
  const auto day = floor<days>(t);
  const auto time_of_day = t - day;
  year_month_day ymd{day};
  year_month_day shifted = ymd + std::chrono::months{months};
  if (!shifted.ok()) shifted = shifted.year() / shifted.month() / last;
  return sys_days{shifted} + time_of_day;
}

}  // namespace stradia::domain
