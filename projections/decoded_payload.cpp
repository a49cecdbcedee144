#include "projections/decoded_payload.hpp"

#include "projections/read_model.hpp"

namespace stradia::projections {

void decoded_payload::release(payload_spares& spares) {
  auto keep = [&](auto& message) { spares.of<std::decay_t<decltype(message)>>().push_back(std::move(message)); };
  if (auto* task = std::get_if<domain::local_task::event>(&event_)) std::visit(keep, *task);
  if (auto* board = std::get_if<domain::local_board::event>(&event_)) std::visit(keep, *board);
  event_ = std::monostate{};
  refusal_.clear();
  id_.clear();
  bad_id_.clear();
}

void decoded_payload::decode(const stradia::envelope::v1::EventEnvelope& e, payload_spares& spares) {
  release(spares);
  const bool task = !stream_id_of(e, "task").empty();
  if (!task && stream_id_of(e, "board").empty()) return;
  if (task)
    decode_as<domain::local_task::event>(e, spares);
  else
    decode_as<domain::local_board::event>(e, spares);
  try {
    id_ = entity_key(e, task ? "task" : "board");
  } catch (const unprojectable_event& bad) {
    bad_id_ = bad.what();
  }
}

const std::string& decoded_payload::entity_id() const {
  if (!bad_id_.empty()) throw unprojectable_event(bad_id_);
  return id_;
}

// decode_checked's rules, into a message kept from before.
template <class Variant>
void decoded_payload::decode_as(const stradia::envelope::v1::EventEnvelope& e, payload_spares& spares) {
  for_named_type<Variant>(e, [&]<class Message>(std::in_place_type_t<Message>) {
    auto& kept = spares.of<Message>();
    Message m;
    if (!kept.empty()) {
      m = std::move(kept.back());
      kept.pop_back();
    }
    try {
      parse_checked(e, m);
    } catch (const unprojectable_event& refused) {
      refusal_ = refused.what();
      kept.push_back(std::move(m));
      return;
    }
    event_.template emplace<Variant>(std::in_place_type<Message>, std::move(m));
  });
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
