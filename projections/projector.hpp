#pragma once
// Applies batches of events to the read models (board state, task timeline, token usage,
// directory) in ONE Postgres transaction together with each model's checkpoint for the
// batch's source: "embedded" for the in-process subscription, "kafka:<topic>:<partition>"
// for a Kafka partition. An event at or below a model's checkpoint is skipped, so a
// redelivered batch never applies twice; the checkpoint row lock serializes two workers
// that briefly own the same partition during a rebalance. Used by one thread at a time.
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/expected.hpp"
#include "envelope.pb.h"
#include "projections/read_model.hpp"

namespace pqxx {
class dbtransaction;
}  // namespace pqxx

namespace stradia::projections {

struct batch_outcome {
  std::size_t applied = 0;      // events at least one read model had not seen
  std::size_t skipped = 0;      // events every read model had already applied
  std::size_t quarantined = 0;  // (event, read model) pairs set aside: the model could not apply the event
  std::int64_t position = 0;
};

// An event one read model could not apply, kept in projection_quarantine.
struct quarantined_event {
  std::int64_t position = 0;
  std::string read_model;
  std::string source;
  std::string error;
};

// One source's part of a batch: its events in position order and its watermark.
struct source_batch {
  std::string source;
  const std::vector<stradia::envelope::v1::EventEnvelope>* events;
  std::int64_t watermark = 0;
};

// Reads the log after a position (at most `max_count` events) into `into`, for rebuilds;
// an empty batch at the end. `into` holds a batch read before: a reader may reuse its
// envelopes instead of allocating new ones.
using log_source = std::function<base::expected<void, std::string>(
    std::int64_t after, std::size_t max_count, std::vector<stradia::envelope::v1::EventEnvelope>& into)>;

class projector {
 public:
  // The checkpoint source a rebuild leaves behind: a source seen for the first time starts
  // from it, because the rebuild already applied everything up to it.
  static constexpr const char* rebuilt_source = "rebuilt";

  static std::vector<std::string> all_read_models();
  // Every table of every read model (what a rebuild empties and refills).
  static std::vector<std::string> all_read_model_tables();
  // `read_models` empty: all. Unknown names are a programming error (std::invalid_argument).
  explicit projector(std::string worker_conninfo, const std::vector<std::string>& read_models = {});
  ~projector();
  projector(const projector&) = delete;
  projector& operator=(const projector&) = delete;

  // `events` in position order. `watermark`: every event of this source up to it was
  // delivered already, so the checkpoints may move there even with no event.
  base::expected<batch_outcome, std::string> apply(const std::string& source,
                                                   const std::vector<stradia::envelope::v1::EventEnvelope>& events,
                                                   std::int64_t watermark = 0);
  // Several sources' batches (a poll of several Kafka partitions) in one transaction.
  base::expected<std::vector<batch_outcome>, std::string> apply(const std::vector<source_batch>& batches);
  // The lowest checkpoint of the read models for `source`; a model without one counts from
  // the rebuild's floor, or 0 (so a read model added by an upgrade is filled from the log).
  base::expected<std::int64_t, std::string> checkpoint(const std::string& source);
  // The lowest checkpoint among the read models that have one for `source` (0 when none):
  // what every model but those an upgrade added has applied (and its listeners were told).
  base::expected<std::int64_t, std::string> known_checkpoint(const std::string& source);
  // Events set aside in projection_quarantine, over every read model.
  base::expected<std::int64_t, std::string> quarantined_count();

  // Empties the read models' tables and replays the log up to its head in one transaction
  // (readers see the old rows until it commits; workers wait), the quarantined events
  // included: those that still fail are quarantined again. Returns the events replayed.
  base::expected<std::int64_t, std::string> rebuild(
      const log_source& read, const std::function<void(std::int64_t done, std::int64_t total)>& progress);

 private:
  // whole_batch: one statement per table and batch; savepoints: each model's batch behind a
  // savepoint and, when Postgres refuses a row, each event behind its own (finds the culprit).
  enum class fold_mode { whole_batch, savepoints };
  struct connection;
  connection& connect();
  // Runs attempt(mode) whole_batch first, then with savepoints when the data made it fail.
  template <class Attempt>
  auto in_fold_modes(const Attempt& attempt) -> base::expected<decltype(attempt(fold_mode::whole_batch)), std::string>;
  std::vector<batch_outcome> apply_in_transaction(const std::vector<source_batch>& batches, fold_mode mode);
  std::int64_t rebuild_in_transaction(const log_source& read,
                                      const std::function<void(std::int64_t, std::int64_t)>& progress, fold_mode mode);
  // An event a model folds, with its payload decoded once for every model.
  struct event_to_fold {
    const stradia::envelope::v1::EventEnvelope* event;
    const decoded_payload* payload;
  };
  void fold(pqxx::dbtransaction& w, std::size_t model, const std::vector<event_to_fold>& events, fold_mode mode,
            write_mode writing, std::vector<quarantined_event>& quarantined, const std::string& source);
  static void record_quarantine(pqxx::transaction_base& t, const std::vector<quarantined_event>& events);
  static void report_quarantine(const std::vector<quarantined_event>& events);
  std::string conninfo_;
  std::vector<std::unique_ptr<read_model>> models_;
  std::vector<std::string> names_;
  std::set<std::string> known_sources_;
  std::unique_ptr<connection> connection_;
  std::vector<decoded_payload> live_payloads_;  // a live batch's events decoded, each once
  payload_spares spares_;                       // their messages, reused by the next batch
};

}  // namespace stradia::projections
