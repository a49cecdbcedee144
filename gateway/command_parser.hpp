#pragma once
// JSON bodies into typed commands (the schemas' Protobuf messages), with simdjson's
// on-demand parser and the message descriptors: every member must name a field of the
// command (unknown members are refused), with the right JSON type; enums by their
// domain names. The guardrails' own checks run later, in the deciders.
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_error.hpp"
#include "gateway/problem.hpp"

namespace stradia::gateway {

// API.md §3: a body that does not parse is MALFORMED_JSON (400); a body that parses but
// has members the command does not know, or values of the wrong JSON type, is
// VALIDATION_FAILED with status 400, naming each; values out of the rules are
// VALIDATION_FAILED with 422.
struct parse_failure {
  problem_code code;
  std::string detail;
  std::vector<domain::field_error> errors;
  int status = 0;  // 0: the code's own status
};

using parsed_message = base::expected<std::unique_ptr<google::protobuf::Message>, parse_failure>;

// Parses `body` into a new message of `prototype`'s type. `hidden` names fields clients
// may not set (ids the server assigns itself are still allowed); `required` the members a
// body must have (absent or null: 422 "Required", as the model's Zod schemas say it).
parsed_message parse_command(std::string_view body, const google::protobuf::Message& prototype,
                             const std::vector<std::string>& hidden = {},
                             const std::vector<std::string>& required = {});

}  // namespace stradia::gateway
