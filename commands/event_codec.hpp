#pragma once
// Between an aggregate's event variant and the store's bytes: the envelope's event_type
// names the message (its short Protobuf name), the payload is its serialization.
#include <optional>
#include <string>
#include <variant>

#include "envelope.pb.h"
#include "eventstore/append.hpp"

namespace stradia::commands {

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

struct event_metadata {
  std::string correlation_id;
  std::string causation_id;
  std::string user_id;
  std::string command;
};

template <class Variant>
eventstore::event_to_append encode_event(const Variant& event, std::string event_id, const event_metadata& meta) {
  eventstore::event_to_append out;
  out.event_id = std::move(event_id);
  std::visit(
      [&](const auto& message) {
        out.event_type = message.GetDescriptor()->name();
        out.payload = message.SerializeAsString();
      },
      event);
  out.correlation_id = meta.correlation_id;
  out.causation_id = meta.causation_id;
  out.user_id = meta.user_id;
  out.command = meta.command;
  return out;
}

}  // namespace stradia::commands
