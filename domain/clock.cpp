#include "domain/clock.hpp"

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

}  // namespace stradia::domain
