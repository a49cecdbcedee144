#pragma once
// Reading Google's JSON answers (simdjson): a string member, and a resource name safe to
// put back into a URL path.
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace stradia::adapters {

// The member `key` of `object` as text (numbers are given as their digits); nullopt when
// absent or of another type.
std::optional<std::string> text_at(simdjson::dom::element object, std::string_view key);

// A resource name such as "accounts/1/containers/2/workspaces/3": letters, digits, '/', '-'
// and '_' only, so an answer cannot steer a later call elsewhere.
bool is_resource_name(std::string_view name);

}  // namespace stradia::adapters
