#pragma once
// Loading an aggregate's stream, and recording the decisions of one command across one
// or more streams as a single atomic append with each stream's expected version.
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands/command_result.hpp"
#include "commands/event_codec.hpp"
#include "commands/event_json.hpp"
#include "commands/uuid.hpp"
#include "eventstore/event_log.hpp"

namespace stradia::commands {

template <class Aggregate>
struct loaded {
  std::string stream_id;
  typename Aggregate::state state;
  std::int64_t version = 0;
};

command_failure store_failure(const eventstore::store_error& error);

// Aggregates as last loaded, by tenant and stream, so a load reads only the events
// appended since. Only a starting point: every append still checks the stream's version.
// Thread-safe; bounded (forgets everything past `capacity`).
template <class Aggregate>
class stream_cache {
 public:
  // Moves the entry out (no copy of a long history); the caller keeps it back when done.
  std::optional<loaded<Aggregate>> take(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    auto out = std::move(it->second);
    entries_.erase(it);
    return out;
  }
  void keep(const std::string& key, loaded<Aggregate> stream) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity) entries_.clear();
    auto [it, fresh] = entries_.try_emplace(key, std::move(stream));  // moves only when it inserts
    if (!fresh && it->second.version < stream.version) it->second = std::move(stream);
  }

 private:
  static constexpr std::size_t capacity = 50000;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, loaded<Aggregate>> entries_;
};

// Rebuilds the aggregate from its stream, as the caller's tenant sees it (another
// tenant's stream reads as empty, so the aggregate does not exist): from the cached
// state when there is one, reading only what came after it.
template <class Aggregate>
base::expected<loaded<Aggregate>, command_failure> load(eventstore::event_log& store, const std::string& tenant_id,
                                                        std::string stream_id,
                                                        stream_cache<Aggregate>* cache = nullptr) {
  const auto key = tenant_id + "/" + stream_id;
  loaded<Aggregate> out{std::move(stream_id), {}, 0};
  if (cache)
    if (auto cached = cache->take(key)) out = std::move(*cached);
  for (;;) {
    eventstore::stream_range range;
    range.after_version = out.version;
    auto batch = store.read_stream(tenant_id, out.stream_id, range);
    if (!batch) return base::unexpected(store_failure(batch.error()));
    for (const auto& envelope : *batch) {
      if (auto event = domain::decode_event<typename Aggregate::event>(envelope))
        out.state = Aggregate::evolve(std::move(out.state), *event);
      out.version = envelope.stream_version();
    }
    if (batch->size() < range.max_count) break;
  }
  if (cache) cache->keep(key, out);
  return out;
}

class unit_of_work {
 public:
  unit_of_work(std::string tenant_id, event_metadata metadata)
      : request_{std::move(tenant_id), {}}, metadata_(std::move(metadata)) {}

  // `tenant_id`: for a stream recorded under another tenant than the command's (the
  // registry's); empty for the command's own.
  template <class Aggregate>
  void record(const loaded<Aggregate>& stream, const std::vector<typename Aggregate::event>& events,
              std::string tenant_id = {}) {
    if (events.empty()) return;
    eventstore::stream_append append{
        stream.stream_id, eventstore::expected_version::exact(stream.version), {}, std::move(tenant_id)};
    for (const auto& e : events) {
      // An idempotent command's events have ids derived from its command id: if it runs a
      // second time (its first process died mid-way), the store recognizes them.
      auto id = metadata_.idempotent ? derived_uuid(metadata_.correlation_id + "/" + stream.stream_id + "/" +
                                                    std::to_string(&e - events.data()))
                                     : new_uuid();
      append.events.push_back(encode_event(e, std::move(id), metadata_));
      std::visit([&](const auto& message) { events_json_.push_back(event_json(message)); }, e);
    }
    request_.streams.push_back(std::move(append));
  }

  bool empty() const { return request_.streams.empty(); }
  std::vector<std::string>& events_json() { return events_json_; }
  const event_metadata& metadata() const { return metadata_; }

  base::expected<eventstore::append_result, command_failure> commit(eventstore::event_log& store) {
    auto appended = store.append(request_);
    if (!appended) return base::unexpected(store_failure(appended.error()));
    return std::move(*appended);
  }

 private:
  eventstore::append_request request_;
  event_metadata metadata_;
  std::vector<std::string> events_json_;
};

}  // namespace stradia::commands
