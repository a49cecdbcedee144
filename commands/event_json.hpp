#pragma once
// Events as clients see them: the domain model's snake_case names, a "type" member first,
// 64-bit integers as JSON numbers, times in RFC 3339, JSON carried as text (execution
// payloads, payload schemas) as JSON values, and the fields no client may read blanked
// (system_prompt, checkpoint_state, password_hash, vault ciphertexts).
#include <google/protobuf/message.h>

#include <string>

namespace stradia::commands {

std::string event_json(const google::protobuf::Message& event);

// Clears every field a client must never see, in the message and the messages it holds.
void redact(google::protobuf::Message& message);

}  // namespace stradia::commands
