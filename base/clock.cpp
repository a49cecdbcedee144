#include "base/clock.hpp"

#include <cstdio>

namespace stradia::base {

using namespace std::chrono;

// Digits by hand: read models format a time for most events they fold, and snprintf was a
// measurable share of a rebuild.
std::string format_rfc3339(timestamp t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[32];
  std::size_t n = 0;
  auto put = [&](long value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      buf[n + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    n += static_cast<std::size_t>(width);
  };
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // outside RFC 3339's four digits: as printf writes it
    const int w = std::snprintf(buf, sizeof buf, "%04d", year);
    n = static_cast<std::size_t>(w);
  } else {
    put(year, 4);
  }
  buf[n++] = '-';
  put(static_cast<unsigned>(ymd.month()), 2);
  buf[n++] = '-';
  put(static_cast<unsigned>(ymd.day()), 2);
  buf[n++] = 'T';
  put(hms.hours().count(), 2);
  buf[n++] = ':';
  put(hms.minutes().count(), 2);
  buf[n++] = ':';
  put(hms.seconds().count(), 2);
  if (const long micros = static_cast<long>(hms.subseconds().count()); micros != 0) {
    buf[n++] = '.';
    put(micros, 6);
    while (buf[n - 1] == '0') --n;
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

std::optional<int> parse_digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<sys_days> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = parse_digits(text, 0, 4), m = parse_digits(text, 5, 2), d = parse_digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::optional<timestamp> parse_rfc3339(std::string_view text) {
  auto digits = [&](std::size_t at, std::size_t n) { return parse_digits(text, at, n); };
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2),
             se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  std::size_t at = 19;
  microseconds fraction{0};
  if (text[at] == '.') {
    long scale = 100000;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      fraction += microseconds{(text[at] - '0') * std::max(scale, 0L)};
  }
  minutes offset{0};
  if (at == text.size()) return std::nullopt;
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else if (text[at] == '+' || text[at] == '-') {
    const auto oh = digits(at + 1, 2), om = digits(at + 4, 2);
    if (!oh || !om || text.size() < at + 6 || text[at + 3] != ':') return std::nullopt;
    offset = minutes{(*oh * 60 + *om) * (text[at] == '+' ? 1 : -1)};
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  return timestamp{sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*se}} + fraction - offset;
}

timestamp add_months(timestamp t, int months) {
  const auto day = floor<days>(t);
  const auto time_of_day = t - day;
  year_month_day ymd{day};
  year_month_day shifted = ymd + std::chrono::months{months};
  if (!shifted.ok()) shifted = shifted.year() / shifted.month() / last;
  return sys_days{shifted} + time_of_day;
}

}  // namespace stradia::base
