#pragma once
// A task's or a board's event decoded and checked once for every read model that folds it.
// Nearly the whole log is task and board events and five read models read them: decoding
// each once per model was most of a rebuild's CPU. Other streams' events are few, and
// their models decode them themselves (decode_checked).
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "envelope.pb.h"

namespace stradia::projections {

namespace detail {
template <class Tasks, class Boards>
struct message_lists;
template <class... Tasks, class... Boards>
struct message_lists<std::variant<Tasks...>, std::variant<Boards...>> {
  using type = std::tuple<std::vector<Tasks>..., std::vector<Boards>...>;
};
}  // namespace detail

// Messages kept from payloads decoded before, a list per type: a payload decoded into one
// of them reuses its strings' buffers instead of freeing them and allocating new ones.
class payload_spares {
 public:
  template <class Message>
  std::vector<Message>& of() {
    return std::get<std::vector<Message>>(lists_);
  }

 private:
  detail::message_lists<domain::local_task::event, domain::local_board::event>::type lists_;
};

class decoded_payload {
 public:
  // Decodes the event of a task or board stream (any other stream's stays undecoded),
  // giving what it held before to `spares` and taking its message from there.
  void decode(const stradia::envelope::v1::EventEnvelope& e, payload_spares& spares);
  // Holds nothing (no model reads the event); what it held goes to `spares`.
  void release(payload_spares& spares);

  // The task's event; nullptr for a type no read model knows (written by a newer version)
  // or another stream's. Throws unprojectable_event for one that cannot be applied.
  const domain::local_task::event* task() const;
  // The same for a board's event.
  const domain::local_board::event* board() const;
  // The task's or board's id from its stream id; throws unprojectable_event when it is not a
  // lowercase UUID (entity_key's rule, checked once for every model).
  const std::string& entity_id() const;

 private:
  void refuse_if_unprojectable() const;
  template <class Variant>
  void decode_as(const stradia::envelope::v1::EventEnvelope& e, payload_spares& spares);

  std::variant<std::monostate, domain::local_task::event, domain::local_board::event> event_;
  std::string refusal_;  // why the event cannot be applied; empty when it can
  std::string id_;       // the stream's entity id, when it is a UUID
  std::string bad_id_;   // why it is not, else empty
};

}  // namespace stradia::projections
