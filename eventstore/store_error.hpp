#pragma once
// What the event store can answer instead of a result. libpqxx exceptions never leave
// eventstore/: they are translated into these codes at the boundary (pg_errors.cpp).
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace stradia::eventstore {

enum class store_errc {
  version_conflict,   // the stream is not at the expected version
  foreign_stream,     // the stream belongs to another tenant
  event_id_conflict,  // an event id is already recorded with different content
  invalid_request,    // malformed ids, empty appends, oversized fields
  retryable,          // connection lost, serialization failure: the same call may succeed later
};

constexpr std::string_view code_name(store_errc code) {
  switch (code) {
    case store_errc::version_conflict: return "version_conflict";
    case store_errc::foreign_stream: return "foreign_stream";
    case store_errc::event_id_conflict: return "event_id_conflict";
    case store_errc::invalid_request: return "invalid_request";
    case store_errc::retryable: return "retryable";
  }
  return "unknown";
}

struct store_error {
  store_errc code;
  std::string message;
};

template <class T>
using result = base::expected<T, store_error>;

inline base::unexpected<store_error> fail(store_errc code, std::string message) {
  return base::unexpected<store_error>(store_error{code, std::move(message)});
}

}  // namespace stradia::eventstore
