#pragma once
// API.md §3: a command that changes an existing entity may carry the stream version the
// client last saw; on any other version it is refused (409 VERSION_CONFLICT), so a client
// never changes what it has not seen.
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/domain_error.hpp"

namespace stradia::domain {

template <class Command>
check matches_expected_version(const Command& c, std::int64_t stream_version, std::string_view entity) {
  if (!c.has_expected_version() || c.expected_version() == stream_version) return {};
  return refuse(errc::version_conflict, std::string(entity) + " is at version " + std::to_string(stream_version) +
                                            ", not " + std::to_string(c.expected_version()) + ".");
}

}  // namespace stradia::domain
