#include "projections/projector.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

#include "projections/board_state.hpp"
#include "projections/directory.hpp"
#include "projections/task_timeline.hpp"
#include "projections/token_usage.hpp"

namespace stradia::projections {

namespace {

using envelope = stradia::envelope::v1::EventEnvelope;

constexpr std::size_t rebuild_batch = 20000;

std::unique_ptr<read_model> make_read_model(const std::string& name) {
  if (name == "board-state") return std::make_unique<board_state>();
  if (name == "task-timeline") return std::make_unique<task_timeline>();
  if (name == "token-usage") return std::make_unique<token_usage>();
  if (name == "directory") return std::make_unique<directory>();
  throw std::invalid_argument("no read model named " + name);
}

// Drops what the read models still hold in memory when a transaction's scope ends (after a
// commit nothing is left; after a failure, rows and any open COPY). Declared after the
// transaction, so an open COPY ends while the transaction still exists.
struct forget_rows_at_end {
  std::vector<std::unique_ptr<read_model>>& models;
  ~forget_rows_at_end() {
    for (const auto& m : models) m->discard();
  }
};

// The log read ahead by a thread: next() hands out batches in order, nullopt at the end.
class prefetched_log {
 public:
  using batch = domain::expected<std::vector<envelope>, std::string>;

  prefetched_log(const log_source& read, std::int64_t head, std::size_t batch_size)
      : reader_([this, &read, head, batch_size] {
          std::int64_t after = 0;
          while (after < head) {
            batch b = domain::unexpected(std::string("the log could not be read"));
            try {
              b = read(after, batch_size);
            } catch (const std::exception& e) {
              b = domain::unexpected(std::string(e.what()));
            }
            const bool last = !b || b->empty();
            if (b && !b->empty()) after = b->back().global_position();
            std::unique_lock lock(mutex_);
            room_.wait(lock, [this] { return ready_.size() < 2 || stopping_; });
            if (stopping_) return;
            if (!b || !b->empty()) ready_.push_back(std::move(b));
            if (last) break;
            filled_.notify_one();
          }
          std::lock_guard lock(mutex_);
          done_ = true;
          filled_.notify_one();
        }) {}

  ~prefetched_log() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    room_.notify_one();
    reader_.join();
  }

  std::optional<batch> next() {
    std::unique_lock lock(mutex_);
    filled_.wait(lock, [this] { return !ready_.empty() || done_; });
    if (ready_.empty()) return std::nullopt;
    auto b = std::move(ready_.front());
    ready_.pop_front();
    room_.notify_one();
    return b;
  }

 private:
  std::mutex mutex_;
  std::condition_variable filled_, room_;
  std::deque<batch> ready_;
  bool done_ = false, stopping_ = false;
  std::thread reader_;
};

}  // namespace

struct projector::connection {
  explicit connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

std::vector<std::string> projector::all_read_models() {
  return {"board-state", "task-timeline", "token-usage", "directory"};
}

projector::projector(std::string worker_conninfo, const std::vector<std::string>& read_models)
    : conninfo_(std::move(worker_conninfo)), names_(read_models.empty() ? all_read_models() : read_models) {
  for (const auto& name : names_) models_.push_back(make_read_model(name));
}

projector::~projector() = default;

projector::connection& projector::connect() {
  if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
  return *connection_;
}

domain::expected<batch_outcome, std::string> projector::apply(const std::string& source,
                                                              const std::vector<envelope>& events,
                                                              std::int64_t watermark) {
  auto outcomes = apply({source_batch{source, &events, watermark}});
  if (!outcomes) return domain::unexpected(outcomes.error());
  return outcomes->front();
}

domain::expected<std::vector<batch_outcome>, std::string> projector::apply(const std::vector<source_batch>& batches) {
  try {
    pqxx::work w(connect().c);
    const forget_rows_at_end guard{models_};
    const auto names = format_text_array(names_);
    std::vector<std::string> sources;
    for (const auto& b : batches) {
      sources.push_back(b.source);
      if (known_sources_.count(b.source)) continue;
      // Embedded and Kafka sources split the log differently: switching between them
      // without a rebuild would apply some events twice.
      const auto other = w.exec_params(
          "SELECT c.source, c.position FROM projection_checkpoints c WHERE c.projection = ANY($1::text[]) "
          "AND c.source <> $3 AND split_part(c.source, ':', 1) <> split_part($2, ':', 1) "
          "AND c.position > coalesce((SELECT f.position FROM projection_checkpoints f "
          "WHERE f.projection = c.projection AND f.source = $3), 0) LIMIT 1",
          names, b.source, std::string(rebuilt_source));
      if (!other.empty())
        return domain::unexpected("the read models were built from source " + other[0][0].as<std::string>() +
                                  " up to position " + other[0][1].as<std::string>() +
                                  "; run `stradia rebuild` before feeding them from " + b.source);
      w.exec_params(
          "INSERT INTO projection_checkpoints (projection, source, position) "
          "SELECT p, $2, coalesce((SELECT f.position FROM projection_checkpoints f "
          "WHERE f.projection = p AND f.source = $3), 0) FROM unnest($1::text[]) p ON CONFLICT DO NOTHING",
          names, b.source, std::string(rebuilt_source));
    }
    // One lock order for every worker (projection, source): two workers that briefly share
    // partitions during a rebalance wait for each other instead of deadlocking.
    std::map<std::pair<std::string, std::string>, std::int64_t> done;  // (source, projection) → position
    for (const auto& r : w.exec_params(
             "SELECT source, projection, position FROM projection_checkpoints WHERE source = ANY($2::text[]) AND "
             "projection = ANY($1::text[]) ORDER BY projection, source FOR UPDATE",
             names, format_text_array(sources)))
      done[{r[0].as<std::string>(), r[1].as<std::string>()}] = r[2].as<std::int64_t>();

    std::vector<batch_outcome> outcomes;
    std::vector<std::vector<const envelope*>> todo(models_.size());
    for (const auto& b : batches) {
      batch_outcome outcome;
      outcome.position = b.watermark;
      for (const auto& e : *b.events) {
        bool fresh = false;
        for (std::size_t m = 0; m < models_.size(); ++m) {
          // At or below the checkpoint, or a copy of an event earlier in this batch.
          auto& applied_up_to = done[{b.source, names_[m]}];
          if (e.global_position() <= applied_up_to) continue;
          applied_up_to = e.global_position();
          fresh = true;
          if (models_[m]->reads(e)) todo[m].push_back(&e);
        }
        ++(fresh ? outcome.applied : outcome.skipped);
        outcome.position = std::max(outcome.position, e.global_position());
      }
      outcomes.push_back(outcome);
    }
    // Each row has one writing stream, so the sources' events never touch the same rows.
    for (std::size_t m = 0; m < models_.size(); ++m) {
      if (todo[m].empty()) continue;
      models_[m]->load(w, todo[m]);
      for (const auto* e : todo[m]) models_[m]->apply(*e);
      models_[m]->flush(w, write_mode::upsert);
    }
    for (std::size_t i = 0; i < batches.size(); ++i)
      if (outcomes[i].position > 0)
        w.exec_params(
            "UPDATE projection_checkpoints SET position = greatest(position, $3) "
            "WHERE source = $2 AND projection = ANY($1::text[])",
            names, batches[i].source, outcomes[i].position);
    w.commit();
    known_sources_.insert(sources.begin(), sources.end());
    return outcomes;
  } catch (const std::exception& e) {
    connection_.reset();
    return domain::unexpected(std::string(e.what()));
  }
}

domain::expected<std::int64_t, std::string> projector::checkpoint(const std::string& source) {
  try {
    pqxx::read_transaction r(connect().c);
    auto rows = r.exec_params(
        "SELECT coalesce(min(position), 0) FROM projection_checkpoints WHERE source = $2 AND projection = "
        "ANY($1::text[])",
        format_text_array(names_), source);
    return rows[0][0].as<std::int64_t>();
  } catch (const std::exception& e) {
    connection_.reset();
    return domain::unexpected(std::string(e.what()));
  }
}

domain::expected<std::int64_t, std::string> projector::rebuild(
    const log_source& read, const std::function<void(std::int64_t done, std::int64_t total)>& progress) {
  try {
    pqxx::work w(connect().c);
    const forget_rows_at_end guard{models_};
    // Workers wait on their checkpoints until this commits; queries keep reading old rows.
    // The head is read after the lock: nothing applied before it lies beyond the head.
    w.exec("LOCK TABLE projection_checkpoints IN EXCLUSIVE MODE");
    const auto head = w.exec("SELECT coalesce(max(global_position), 0) FROM events")[0][0].as<std::int64_t>();
    for (const auto& model : models_)
      for (const auto& table : model->tables()) w.exec("DELETE FROM " + table);
    read_model* streaming = nullptr;
    for (const auto& model : models_)
      if (!streaming && model->begin_rebuild(w)) streaming = model.get();
    // Reading and decoding the log runs on its own thread, a batch ahead of the fold.
    prefetched_log log(read, head, rebuild_batch);
    std::int64_t replayed = 0;
    while (auto batch = log.next()) {
      if (!*batch) return domain::unexpected((*batch).error());
      for (const auto& e : **batch) {
        if (e.global_position() > head) break;
        for (const auto& model : models_)
          if (model->reads(e)) model->apply(e);
        ++replayed;
      }
      if (progress) progress(replayed, head);
    }
    if (streaming) streaming->flush(w, write_mode::copy);  // first: its COPY holds the transaction
    for (const auto& model : models_)
      if (model.get() != streaming) model->flush(w, write_mode::copy);
    const auto names = format_text_array(names_);
    w.exec_params("UPDATE projection_checkpoints SET position = $2 WHERE projection = ANY($1::text[])", names, head);
    w.exec_params(
        "INSERT INTO projection_checkpoints (projection, source, position) SELECT p, $3, $2 "
        "FROM unnest($1::text[]) p ON CONFLICT (projection, source) DO UPDATE SET position = EXCLUDED.position",
        names, head, std::string(rebuilt_source));
    w.commit();
    return replayed;
  } catch (const std::exception& e) {
    connection_.reset();
    return domain::unexpected(std::string(e.what()));
  }
}

}  // namespace stradia::projections
