#include "support/in_memory_event_log.hpp"

#include "base/uuid_text.hpp"

namespace stradia::testing {

using eventstore::fail;
using eventstore::store_errc;

eventstore::result<eventstore::append_result> in_memory_event_log::append(eventstore::append_request request) {
  std::function<void()> step;
  {
    std::lock_guard lock(mutex_);
    step = std::exchange(before_next_append_, nullptr);
  }
  if (step) step();
  std::lock_guard lock(mutex_);
  if (!base::is_uuid(request.tenant_id) || request.streams.empty())
    return fail(store_errc::invalid_request, "an append needs a tenant and streams");
  // An idempotent retry: its first event is recorded already, with the same content.
  const auto& first = request.streams.front().events.front();
  if (const auto found = by_event_id_.find(first.event_id); found != by_event_id_.end()) {
    const auto& recorded = log_[found->second];
    if (recorded.event_type() != first.event_type || recorded.payload() != first.payload)
      return fail(store_errc::event_id_conflict, "the event id is recorded with other content");
    eventstore::append_result again;
    again.already_recorded = true;
    again.first_position = again.last_position = recorded.global_position();
    return again;
  }
  for (const auto& s : request.streams) {
    const auto& tenant = s.tenant_or(request.tenant_id);
    const auto found = streams_.find(s.stream_id);
    if (found != streams_.end() && found->second.tenant_id != tenant)
      return fail(store_errc::foreign_stream, "the stream belongs to another tenant");
    const std::int64_t current = found == streams_.end() ? 0 : static_cast<std::int64_t>(found->second.events.size());
    if (!s.expected.matches(current)) return fail(store_errc::version_conflict, "the stream moved on");
    for (const auto& e : s.events)
      if (by_event_id_.count(e.event_id)) return fail(store_errc::event_id_conflict, "an event id is recorded");
  }
  eventstore::append_result result;
  for (const auto& s : request.streams) {
    auto& target = streams_[s.stream_id];
    target.tenant_id = s.tenant_or(request.tenant_id);
    eventstore::appended_stream appended{s.stream_id, static_cast<std::int64_t>(target.events.size()) + 1, 0};
    for (const auto& e : s.events) {
      eventstore::envelope out;
      out.set_event_id(e.event_id);
      out.set_event_type(e.event_type);
      out.set_schema_version(e.schema_version);
      out.set_stream_id(s.stream_id);
      out.set_stream_version(static_cast<std::int64_t>(target.events.size()) + 1);
      out.set_tenant_id(target.tenant_id);
      out.set_global_position(static_cast<std::int64_t>(log_.size()) + 1);
      out.set_correlation_id(e.correlation_id);
      out.set_causation_id(e.causation_id);
      out.set_user_id(e.user_id);
      out.set_payload(e.payload);
      target.events.push_back(out);
      by_event_id_[e.event_id] = log_.size();
      log_.push_back(std::move(out));
      if (result.first_position == 0) result.first_position = log_.back().global_position();
      result.last_position = log_.back().global_position();
    }
    appended.last_version = static_cast<std::int64_t>(target.events.size());
    result.streams.push_back(appended);
  }
  return result;
}

eventstore::result<std::vector<eventstore::envelope>> in_memory_event_log::read_stream(
    const std::string& tenant_id, const std::string& stream_id, const eventstore::stream_range& range) {
  std::lock_guard lock(mutex_);
  std::vector<eventstore::envelope> out;
  const auto found = streams_.find(stream_id);
  if (found == streams_.end() || found->second.tenant_id != tenant_id) return out;
  for (const auto& e : found->second.events) {
    if (e.stream_version() <= range.after_version) continue;
    if (range.up_to_version && e.stream_version() > *range.up_to_version) break;
    if (out.size() == range.max_count) break;
    out.push_back(e);
  }
  events_read_[stream_id] += out.size();
  return out;
}

void in_memory_event_log::before_next_append(std::function<void()> step) {
  std::lock_guard lock(mutex_);
  before_next_append_ = std::move(step);
}

std::vector<eventstore::envelope> in_memory_event_log::all() const {
  std::lock_guard lock(mutex_);
  return log_;
}

std::size_t in_memory_event_log::events_read(const std::string& stream_id) const {
  std::lock_guard lock(mutex_);
  const auto found = events_read_.find(stream_id);
  return found == events_read_.end() ? 0 : found->second;
}

}  // namespace stradia::testing
