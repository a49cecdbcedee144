#pragma once
// What the command handlers need of the event store: append (all streams of a request or
// none, each at its expected version) and read one stream. The Postgres event_store is
// the implementation that runs; an in-memory one serves the handlers' unit tests.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "envelope.pb.h"
#include "eventstore/append.hpp"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

using envelope = stradia::envelope::v1::EventEnvelope;
using micros_since_epoch = std::int64_t;

// Which part of a stream to read: versions after `after_version`, optionally up to a
// version or up to a recording time (time travel).
struct stream_range {
  std::int64_t after_version = 0;
  std::optional<std::int64_t> up_to_version;
  std::optional<micros_since_epoch> up_to_recorded_at;
  std::size_t max_count = 10000;
};

class event_log {
 public:
  virtual ~event_log() = default;
  // Blocks until the append is recorded or refused (version_conflict, foreign_stream, ...).
  virtual result<append_result> append(append_request request) = 0;
  // The stream's events in `range`, as the tenant may see them (another tenant's: none).
  virtual result<std::vector<envelope>> read_stream(const std::string& tenant_id, const std::string& stream_id,
                                                    const stream_range& range = {}) = 0;
};

}  // namespace stradia::eventstore
