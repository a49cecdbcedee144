#pragma once
// Rules every command and event obeys whatever its kind, read off the Protobuf descriptor:
// a string field named `*_id` or `*_ids` holds entity ids, which are lowercase hyphenated
// UUIDs (except the few ids Google or Stripe choose), and no text holds control characters
// other than tab, newline and carriage return (a NUL would be cut short by Postgres and
// split the read models from the log). The gateway checks commands at the door with it,
// the command handlers again, and the projector checks events before it folds them.
#include <string>
#include <vector>

#include "domain/domain_error.hpp"

namespace google::protobuf {
class FieldDescriptor;
class Message;
}  // namespace google::protobuf

namespace stradia::domain {

// Does this field hold ids of Stradia's entities?
bool holds_entity_ids(const google::protobuf::FieldDescriptor& field);

// Does this string field hold JSON text (the model's Json columns: an execution payload, an
// expected payload schema; a run's steps)? Clients send and read it as a JSON value.
bool holds_json_text(const google::protobuf::FieldDescriptor& field);

struct field_rule_options {
  // Events name the system as the author of what it writes ("system"); commands never do.
  bool system_user_allowed = false;
};

// Every field of `message` (nested messages included) that breaks a rule, with its path
// ("market_ids.1", "definition.title") and the message clients see.
std::vector<field_error> field_rule_problems(const google::protobuf::Message& message, field_rule_options options = {});

}  // namespace stradia::domain
