#pragma once
// The event store's rules without Postgres, for the command handlers' unit tests: an
// append records all its streams or none, each at its expected version; a stream belongs
// to the tenant that first wrote it (another tenant's append is foreign_stream, its reads
// see nothing); an event id recorded again with the same content is an idempotent retry.
// Tests can run a step just before the next append is decided (a racing command) and
// count what reads returned. Thread-safe.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "eventstore/event_log.hpp"

namespace stradia::testing {

class in_memory_event_log final : public eventstore::event_log {
 public:
  eventstore::result<eventstore::append_result> append(eventstore::append_request request) override;
  eventstore::result<std::vector<eventstore::envelope>> read_stream(
      const std::string& tenant_id, const std::string& stream_id, const eventstore::stream_range& range = {}) override;

  // Runs once, before the next append is checked, outside the log's lock (it may append).
  void before_next_append(std::function<void()> step);
  // Every event, in position order.
  std::vector<eventstore::envelope> all() const;
  // How many of the stream's events reads have returned, in all.
  std::size_t events_read(const std::string& stream_id) const;

 private:
  struct stream {
    std::string tenant_id;
    std::vector<eventstore::envelope> events;
  };
  mutable std::mutex mutex_;
  std::map<std::string, stream> streams_;
  std::vector<eventstore::envelope> log_;
  std::map<std::string, std::size_t> by_event_id_;  // index into log_
  std::map<std::string, std::size_t> events_read_;
  std::function<void()> before_next_append_;
};

}  // namespace stradia::testing
