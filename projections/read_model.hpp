#pragma once
// A read model: a fold of events into rows of its tables. The projector hands it a batch:
// keys_of() names the rows the batch touches, load() fetches them, apply() folds each
// event in memory, flush() writes the changed rows. The same code serves live batches
// (load + upsert) and rebuilds (empty tables, no load, COPY).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/uuid_text.hpp"
#include "domain/field_rules.hpp"
#include "envelope.pb.h"
#include "projections/decoded_payload.hpp"
#include "projections/row_table.hpp"

namespace stradia::projections {

class read_model {
 public:
  virtual ~read_model() = default;
  virtual std::string_view name() const = 0;
  // Its tables, cleared by a rebuild.
  virtual std::vector<std::string> tables() const = 0;
  // Does this model read the event's stream?
  virtual bool reads(const stradia::envelope::v1::EventEnvelope& e) const = 0;
  virtual void load(pqxx::transaction_base& t,
                    const std::vector<const stradia::envelope::v1::EventEnvelope*>& batch) = 0;
  // Folds one event into the rows in memory. Throws unprojectable_event, before changing
  // anything, when the event cannot be applied; the projector quarantines it.
  // `payload` is the event decoded once for every model (task and board streams).
  virtual void apply(const stradia::envelope::v1::EventEnvelope& e, const decoded_payload& payload) = 0;
  virtual void flush(pqxx::transaction_base& t, write_mode mode) = 0;
  // A rebuild into emptied tables starts: a model may hand its tables' rows to `to` as it
  // folds them (row_table::stream_into), so Postgres copies them meanwhile.
  virtual void begin_rebuild(pqxx::transaction_base&, rebuild_stream& /*to*/) {}
  // Drops the rows held in memory: the transaction failed, the next batch loads afresh.
  virtual void discard() = 0;
};

// Stream ids are "<kind>-<id>"; the id part of a stream of that kind, or empty.
inline std::string_view stream_id_of(const stradia::envelope::v1::EventEnvelope& e, std::string_view kind) {
  const std::string_view stream = e.stream_id();
  if (stream.size() <= kind.size() + 1 || stream.substr(0, kind.size()) != kind || stream[kind.size()] != '-')
    return {};
  return stream.substr(kind.size() + 1);
}

// An event a read model cannot apply: bytes that do not parse as the type they name, an
// id that is not a lowercase UUID, text with control characters. Never retried in place:
// the projector quarantines it and the read model moves on.
class unprojectable_event : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The id part of a "<kind>-<id>" stream, checked to be a lowercase UUID (it keys rows).
inline std::string entity_key(const stradia::envelope::v1::EventEnvelope& e, std::string_view kind) {
  const auto id = stream_id_of(e, kind);
  if (!base::is_uuid(id)) throw unprojectable_event("the stream id " + e.stream_id() + " does not end in a UUID");
  return std::string(id);
}

// Calls found(std::in_place_type<Message>) for the message type of `Variant` the envelope
// names; false when it names none (a type written by a newer version).
template <class Variant, class Found>
bool for_named_type(const stradia::envelope::v1::EventEnvelope& envelope, Found&& found) {
  bool named = false;
  auto try_one = [&]<class Message>(std::in_place_type_t<Message>) {
    static const std::string& type = Message::descriptor()->name();
    if (named || type != envelope.event_type()) return;
    named = true;
    found(std::in_place_type<Message>);
  };
  [&]<class... Ms>(std::variant<Ms...>*) { (try_one(std::in_place_type<Ms>), ...); }(static_cast<Variant*>(nullptr));
  return named;
}

// Parses the envelope's payload into `m` and checks the field rules; throws
// unprojectable_event when the event cannot be applied.
template <class Message>
void parse_checked(const stradia::envelope::v1::EventEnvelope& envelope, Message& m) {
  if (!m.ParseFromString(envelope.payload()))
    throw unprojectable_event("the payload does not parse as " + envelope.event_type());
  if (auto problems = domain::field_rule_problems(m, {.system_user_allowed = true}); !problems.empty())
    throw unprojectable_event(envelope.event_type() + "." + problems.front().path + ": " + problems.front().message);
}

// The event of `Variant` an envelope holds, nullopt for a type the model does not read
// (written by a newer version); throws unprojectable_event for one it reads but cannot apply.
template <class Variant>
std::optional<Variant> decode_checked(const stradia::envelope::v1::EventEnvelope& envelope) {
  std::optional<Variant> out;
  for_named_type<Variant>(envelope, [&]<class Message>(std::in_place_type_t<Message>) {
    Message m;
    parse_checked(envelope, m);
    out.emplace(std::in_place_type<Message>, std::move(m));
  });
  return out;
}

}  // namespace stradia::projections
