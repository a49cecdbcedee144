#pragma once
// From an aggregate's event to what the store appends: the envelope's event_type names
// the message (its short Protobuf name), the payload is its serialization. Decoding is
// domain/event_codec.hpp.
#include <string>
#include <variant>

#include "domain/event_codec.hpp"
#include "eventstore/append.hpp"

namespace stradia::commands {

struct event_metadata {
  std::string correlation_id;
  std::string causation_id;
  std::string user_id;
  std::string command;
  bool idempotent = false;  // the request carried an Idempotency-Key: its events are findable by command id
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
  out.idempotent = meta.idempotent;
  return out;
}

}  // namespace stradia::commands
