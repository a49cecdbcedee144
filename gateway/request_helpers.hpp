#pragma once
// Small pieces the API's routes share: query strings, numbers, JSON answers, and reading
// an aggregate's whole stream.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event_codec.hpp"
#include "eventstore/event_store.hpp"
#include "gateway/http_types.hpp"

namespace stradia::gateway {

std::string url_decode(std::string_view s);
// The value of query parameter `name`, decoded; nullopt when absent.
std::optional<std::string> query_param(const std::string& target, std::string_view name);
// A non-negative whole number, or nullopt.
std::optional<std::int64_t> whole_number(const std::optional<std::string>& text);
http_response json_ok(std::string body);

// A whole stream as the tenant sees it; nullopt when the store is unreachable.
std::optional<std::vector<eventstore::envelope>> whole_stream(eventstore::event_store& store,
                                                              const std::string& tenant_id,
                                                              const std::string& stream_id);

template <class State, class Event>
State fold_state(const std::vector<eventstore::envelope>& events, State (*evolve)(State, const Event&)) {
  State state;
  for (const auto& e : events)
    if (auto event = domain::decode_event<Event>(e)) state = evolve(std::move(state), *event);
  return state;
}

}  // namespace stradia::gateway
