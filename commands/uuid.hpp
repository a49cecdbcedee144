#pragma once
// UUIDs in the canonical lowercase form, for entities and events: random (version 4), or
// derived from a name (version 5 layout over SHA-256), the same name giving the same id.
#include <string>
#include <string_view>

namespace stradia::commands {

std::string new_uuid();
std::string derived_uuid(std::string_view name);

}  // namespace stradia::commands
