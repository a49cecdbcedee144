#pragma once
// The envelope's event_type of an aggregate event: the message's short name
// ("TaskMoved"), stable across packages and what clients see as "type".
#include <string>
#include <variant>

namespace stradia::domain {

template <class... Messages>
const std::string& event_type(const std::variant<Messages...>& e) {
  return std::visit([](const auto& message) -> const std::string& { return message.GetDescriptor()->name(); }, e);
}

}  // namespace stradia::domain
