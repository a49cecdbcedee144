#pragma once
// Time in the domain: base's instants, passed in through the context and never read from
// the system clock here, and their Protobuf form in events.
#include <google/protobuf/timestamp.pb.h>

#include "base/clock.hpp"

namespace stradia::domain {

using base::add_months;
using base::format_rfc3339;
using base::parse_rfc3339;
using base::timestamp;

google::protobuf::Timestamp to_proto(timestamp t);
timestamp from_proto(const google::protobuf::Timestamp& t);
inline std::string format_rfc3339(const google::protobuf::Timestamp& t) { return format_rfc3339(from_proto(t)); }

}  // namespace stradia::domain
