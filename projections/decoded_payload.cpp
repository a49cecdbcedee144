#include "projections/decoded_payload.hpp"

#include "projections/read_model.hpp"

namespace stradia::projections {

decoded_payload::decoded_payload(const stradia::envelope::v1::EventEnvelope& e) {
  const bool task = !stream_id_of(e, "task").empty();
  if (!task && stream_id_of(e, "board").empty()) return;
  try {
    if (task) {
      if (auto event = decode_checked<domain::local_task::event>(e)) event_ = std::move(*event);
    } else if (auto event = decode_checked<domain::local_board::event>(e)) {
      event_ = std::move(*event);
    }
  } catch (const unprojectable_event& refused) {
    refusal_ = refused.what();
  }
}

void decoded_payload::refuse_if_unprojectable() const {
  if (!refusal_.empty()) throw unprojectable_event(refusal_);
}

const domain::local_task::event* decoded_payload::task() const {
  refuse_if_unprojectable();
  return std::get_if<domain::local_task::event>(&event_);
}

const domain::local_board::event* decoded_payload::board() const {
  refuse_if_unprojectable();
  return std::get_if<domain::local_board::event>(&event_);
}

}  // namespace stradia::projections
