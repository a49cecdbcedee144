#pragma once
// An aggregate's state as JSON, for time travel (GET /api/v1/streams/{id}): the stream's
// events folded with the domain's own evolve, then written out. Secrets stay out (no
// password hashes, vault ciphertexts, system prompts or checkpoints).
#include <optional>
#include <string>
#include <vector>

#include "domain/local_task.hpp"
#include "envelope.pb.h"

namespace stradia::gateway {

// nullopt for a stream id whose prefix names no aggregate.
std::optional<std::string> state_json(const std::string& stream_id,
                                      const std::vector<stradia::envelope::v1::EventEnvelope>& events);

// A LocalTask already rebuilt, with its timeline (what GET /api/v1/tasks/{id} answers).
std::string local_task_json(const domain::local_task::state& task);

}  // namespace stradia::gateway
