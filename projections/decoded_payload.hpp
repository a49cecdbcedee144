#pragma once
// A task's or a board's event decoded and checked once for every read model that folds it.
// Nearly the whole log is task and board events and five read models read them: decoding
// each once per model was most of a rebuild's CPU. Other streams' events are few, and
// their models decode them themselves (decode_checked).
#include <string>
#include <variant>

#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "envelope.pb.h"

namespace stradia::projections {

class decoded_payload {
 public:
  decoded_payload() = default;
  // Decodes the event of a task or board stream; any other stream's stays undecoded.
  explicit decoded_payload(const stradia::envelope::v1::EventEnvelope& e);

  // The task's event; nullptr for a type no read model knows (written by a newer version)
  // or another stream's. Throws unprojectable_event for one that cannot be applied.
  const domain::local_task::event* task() const;
  // The same for a board's event.
  const domain::local_board::event* board() const;

 private:
  void refuse_if_unprojectable() const;

  std::variant<std::monostate, domain::local_task::event, domain::local_board::event> event_;
  std::string refusal_;  // why the event cannot be applied; empty when it can
};

}  // namespace stradia::projections
