#pragma once
// Time as every layer sees it: microsecond UTC instants (Postgres' precision) and their
// RFC 3339 text. The clock itself is read by whoever owns it (the domain gets "now" through
// its context).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace stradia::base {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// RFC 3339 UTC with 'Z'; fractional seconds only when the instant has them.
std::string format_rfc3339(timestamp t);

// Parses RFC 3339 ("2026-02-22T10:15:00Z", fractions, "+01:00" offsets); nullopt if invalid.
std::optional<timestamp> parse_rfc3339(std::string_view text);
// A day as "YYYY-MM-DD" (nullopt unless exactly that form and a real date).
std::optional<std::chrono::sys_days> parse_day(std::string_view text);
// The number `count` decimal digits at `at` spell; nullopt if any is not a digit or the
// text ends first.
std::optional<int> parse_digits(std::string_view text, std::size_t at, std::size_t count);

// Calendar month arithmetic that keeps the time of day and clamps the day
// (Jan 31 + 1 month = Feb 28/29), as billing periods do.
timestamp add_months(timestamp t, int months);

}  // namespace stradia::base
