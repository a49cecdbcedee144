#pragma once
// A read model: a fold of events into rows of its tables. The projector hands it a batch:
// keys_of() names the rows the batch touches, load() fetches them, apply() folds each
// event in memory, flush() writes the changed rows. The same code serves live batches
// (load + upsert) and rebuilds (empty tables, no load, COPY).
#include <string>
#include <string_view>
#include <vector>

#include "envelope.pb.h"
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
  virtual void apply(const stradia::envelope::v1::EventEnvelope& e) = 0;
  virtual void flush(pqxx::transaction_base& t, write_mode mode) = 0;
  // A rebuild into emptied tables starts; a model may begin streaming rows to Postgres
  // (true), and then holds the transaction until its flush(). At most one model streams.
  virtual bool begin_rebuild(pqxx::transaction_base&) { return false; }
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

}  // namespace stradia::projections
