#pragma once
// Loading an aggregate's stream, and recording the decisions of one command across one
// or more streams as a single atomic append with each stream's expected version.
#include <string>
#include <vector>

#include "commands/command_result.hpp"
#include "commands/event_codec.hpp"
#include "commands/event_json.hpp"
#include "commands/uuid.hpp"
#include "eventstore/event_store.hpp"

namespace stradia::commands {

template <class Aggregate>
struct loaded {
  std::string stream_id;
  typename Aggregate::state state;
  std::int64_t version = 0;
};

command_failure store_failure(const eventstore::store_error& error);

// Rebuilds the aggregate from its whole stream, as the caller's tenant sees it (another
// tenant's stream reads as empty, so the aggregate does not exist).
template <class Aggregate>
domain::expected<loaded<Aggregate>, command_failure> load(eventstore::event_store& store, const std::string& tenant_id,
                                                          std::string stream_id) {
  loaded<Aggregate> out{std::move(stream_id), {}, 0};
  for (;;) {
    eventstore::stream_range range;
    range.after_version = out.version;
    auto batch = store.read_stream(tenant_id, out.stream_id, range);
    if (!batch) return domain::unexpected(store_failure(batch.error()));
    for (const auto& envelope : *batch) {
      if (auto event = domain::decode_event<typename Aggregate::event>(envelope))
        out.state = Aggregate::evolve(std::move(out.state), *event);
      out.version = envelope.stream_version();
    }
    if (batch->size() < range.max_count) break;
  }
  return out;
}

class unit_of_work {
 public:
  unit_of_work(std::string tenant_id, event_metadata metadata)
      : request_{std::move(tenant_id), {}}, metadata_(std::move(metadata)) {}

  template <class Aggregate>
  void record(const loaded<Aggregate>& stream, const std::vector<typename Aggregate::event>& events) {
    if (events.empty()) return;
    eventstore::stream_append append{stream.stream_id, eventstore::expected_version::exact(stream.version), {}};
    for (const auto& e : events) {
      append.events.push_back(encode_event(e, new_uuid(), metadata_));
      std::visit([&](const auto& message) { events_json_.push_back(event_json(message)); }, e);
    }
    request_.streams.push_back(std::move(append));
  }

  bool empty() const { return request_.streams.empty(); }
  std::vector<std::string>& events_json() { return events_json_; }
  const event_metadata& metadata() const { return metadata_; }

  domain::expected<eventstore::append_result, command_failure> commit(eventstore::event_store& store) {
    auto appended = store.append(request_);
    if (!appended) return domain::unexpected(store_failure(appended.error()));
    return std::move(*appended);
  }

 private:
  eventstore::append_request request_;
  event_metadata metadata_;
  std::vector<std::string> events_json_;
};

}  // namespace stradia::commands
