#pragma once
// The commands of API.md §3 that clients may send, by name: the message a body parses
// into, the fields clients may not set, whose threads run it, and the handler.
#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_service.hpp"
#include "gateway/http_server.hpp"

namespace stradia::gateway {

struct command_route {
  std::string_view name;
  const google::protobuf::Message* prototype;
  std::vector<std::string> hidden;
  std::vector<std::string> required;  // members a body must have ("Required" otherwise)
  request_lane lane;  // hashing for Argon2, outbound for calls to Gemini and Google
  std::function<commands::command_result(commands::command_service&, const domain::caller&,
                                         const google::protobuf::Message&)>
      invoke;
};

const command_route* find_command_route(std::string_view name);
// Every command of API.md §3, in one table (the security tests walk it).
const std::vector<command_route>& command_routes();

}  // namespace stradia::gateway
