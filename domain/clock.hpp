#pragma once
// Time as the domain sees it: microsecond UTC instants (Postgres' precision), always
// passed in through the context, never read from the system clock here.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/timestamp.pb.h>

namespace stradia::domain {

using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

google::protobuf::Timestamp to_proto(timestamp t);
timestamp from_proto(const google::protobuf::Timestamp& t);

// RFC 3339 UTC with 'Z'; fractional seconds only when the instant has them.
std::string format_rfc3339(timestamp t);
inline std::string format_rfc3339(const google::protobuf::Timestamp& t) { return format_rfc3339(from_proto(t)); }

// Parses RFC 3339 ("2026-02-22T10:15:00Z", fractions, "+01:00" offsets); nullopt if invalid.
std::optional<timestamp> parse_rfc3339(std::string_view text);

// Calendar month arithmetic that keeps the time of day and clamps the day
// (Jan 31 + 1 month = Feb 28/29), as billing periods do.
timestamp add_months(timestamp t, int months);

}  // namespace stradia::domain
