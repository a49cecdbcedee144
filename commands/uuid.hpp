#pragma once
// Random (version 4) UUIDs in the canonical lowercase form, for entities and events.
#include <string>

namespace stradia::commands {

std::string new_uuid();

}  // namespace stradia::commands
