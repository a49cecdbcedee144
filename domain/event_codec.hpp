#pragma once
// Decoding a stored event into an aggregate's event variant: the envelope's event_type
// names the message (its short Protobuf name), the payload is its serialization. Pure.
#include <optional>
#include <variant>

#include "envelope.pb.h"

namespace stradia::domain {

// The event of `Variant` an envelope holds; nullopt for a type the aggregate does not
// know or bytes that do not parse (a stream written by a newer version, or corrupt).
template <class Variant>
std::optional<Variant> decode_event(const stradia::envelope::v1::EventEnvelope& envelope) {
  std::optional<Variant> out;
  auto try_one = [&]<class Message>(std::in_place_type_t<Message>) {
    if (out || Message::descriptor()->name() != envelope.event_type()) return;
    Message m;
    if (m.ParseFromString(envelope.payload())) out.emplace(std::in_place_type<Message>, std::move(m));
  };
  [&]<class... Ms>(std::variant<Ms...>*) { (try_one(std::in_place_type<Ms>), ...); }(static_cast<Variant*>(nullptr));
  return out;
}

}  // namespace stradia::domain
