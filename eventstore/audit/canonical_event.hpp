#pragma once
// An events row as the audit trail hashes it: every recorded column, in one canonical
// encoding (version 1), so that a change to any of them, by anyone, changes its leaf.
//
//   u8  1 (the encoding's version)
//   u64 global_position
//   str event_id          (the UUID's lowercase text)
//   str tenant_id         (likewise)
//   str stream_id
//   u64 stream_version
//   str event_type
//   u32 schema_version
//   str payload           (the bytes as stored)
//   str metadata          (the jsonb value as Postgres prints it: metadata::text)
//   i64 recorded_at       (microseconds since 1970-01-01T00:00:00Z)
//
// Integers are big-endian; a str is a u32 byte length, then the bytes.
#include <cstdint>
#include <string>

namespace stradia::eventstore::audit {

struct recorded_event {
  std::int64_t global_position = 0;
  std::string event_id;
  std::string tenant_id;
  std::string stream_id;
  std::int64_t stream_version = 0;
  std::string event_type;
  std::int32_t schema_version = 1;
  std::string payload;
  std::string metadata;
  std::int64_t recorded_at_us = 0;
};

std::string canonical_bytes(const recorded_event& e);

// The SELECT list that reads a recorded_event from `events`, in the order above.
inline constexpr const char* recorded_event_columns =
    "global_position, event_id::text, tenant_id::text, stream_id, stream_version, event_type, schema_version, "
    "payload, metadata::text, (extract(epoch FROM recorded_at) * 1000000)::bigint";

}  // namespace stradia::eventstore::audit
