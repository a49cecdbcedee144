#pragma once
// An aggregate's state as JSON, for time travel (GET /api/v1/streams/{id}): the stream's
// events folded with the domain's own evolve, then written out. Secrets stay out (no
// password hashes, vault ciphertexts, system prompts or checkpoints).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/local_task.hpp"
#include "envelope.pb.h"

namespace stradia::gateway {

// An aggregate's state folded event by event, so a long stream is read page by page and
// never held whole.
class stream_state_folder {
 public:
  // nullptr for a stream id whose prefix names no aggregate.
  static std::unique_ptr<stream_state_folder> for_stream(const std::string& stream_id);
  virtual ~stream_state_folder() = default;
  virtual void apply(const stradia::envelope::v1::EventEnvelope& e) = 0;
  virtual std::string json() const = 0;
};

}  // namespace stradia::gateway
