#pragma once
// What a command handler answers: the recorded outcome, or why not. The gateway maps a
// failure's code to an HTTP status in one table.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "domain/domain_error.hpp"

namespace stradia::commands {

struct command_outcome {
  std::string command_id;
  std::string stream_id;             // the stream the command is about
  std::int64_t version = 0;          // that stream's version after the command
  std::int64_t global_position = 0;  // the last position written (0 when nothing changed)
  std::vector<std::string> events;   // each recorded event as a JSON object with "type", secrets removed
  std::vector<std::pair<std::string, std::string>> created;  // ids of created entities, e.g. market_id
};

struct command_failure {
  domain::domain_error error;
  bool unavailable = false;  // the store could not be reached: try again later (503)
  bool raced = false;        // another command changed a stream first: decide again
};

using command_result = base::expected<command_outcome, command_failure>;

}  // namespace stradia::commands
