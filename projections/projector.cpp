#include "projections/projector.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <thread>

#include "projections/analytics/analytics_model.hpp"
#include "projections/board_state.hpp"
#include "projections/directory.hpp"
#include "projections/rebuild_stream.hpp"
#include "projections/strategies.hpp"
#include "projections/task_detail.hpp"
#include "projections/task_timeline.hpp"
#include "projections/tenancy.hpp"
#include "projections/token_usage.hpp"
#include "projections/vault_status.hpp"

namespace stradia::projections {

namespace {

using envelope = stradia::envelope::v1::EventEnvelope;

constexpr std::size_t rebuild_batch = 20000;

std::unique_ptr<read_model> make_read_model(const std::string& name) {
  if (name == "board-state") return std::make_unique<board_state>();
  if (name == "task-timeline") return std::make_unique<task_timeline>();
  if (name == "token-usage") return std::make_unique<token_usage>();
  if (name == "directory") return std::make_unique<directory>();
  if (name == "tenancy") return std::make_unique<tenancy>();
  if (name == "vault-status") return std::make_unique<vault_status>();
  if (name == "strategies") return std::make_unique<strategies>();
  if (name == "task-detail") return std::make_unique<task_detail>();
  if (name == "analytics") return std::make_unique<analytics::analytics_model>();
  throw std::invalid_argument("no read model named " + name);
}

// Drops what the read models still hold in memory when a transaction's scope ends (after a
// commit nothing is left; after a failure, rows and rows not yet streamed).
struct forget_rows_at_end {
  std::vector<std::unique_ptr<read_model>>& models;
  ~forget_rows_at_end() {
    for (const auto& m : models) m->discard();
  }
};

// The log read ahead by a thread: next() hands out batches in order, nullopt at the end.
// A batch handed back (recycle) is read into again, its envelopes reused.
class prefetched_log {
 public:
  using batch = base::expected<std::vector<envelope>, std::string>;

  prefetched_log(const log_source& read, std::int64_t head, std::size_t batch_size)
      : reader_([this, &read, head, batch_size] {
          std::int64_t after = 0;
          while (after < head) {
            std::vector<envelope> events;
            {
              std::lock_guard lock(mutex_);
              if (!spare_.empty()) {
                events = std::move(spare_.back());
                spare_.pop_back();
              }
            }
            batch b = base::unexpected(std::string("the log could not be read"));
            try {
              if (auto read_ok = read(after, batch_size, events); read_ok)
                b = std::move(events);
              else
                b = base::unexpected(read_ok.error());
            } catch (const std::exception& e) {
              b = base::unexpected(std::string(e.what()));
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

  void recycle(std::vector<envelope>&& events) {
    std::lock_guard lock(mutex_);
    spare_.push_back(std::move(events));
  }

 private:
  std::mutex mutex_;
  std::condition_variable filled_, room_;
  std::deque<batch> ready_;
  std::vector<std::vector<envelope>> spare_;
  bool done_ = false, stopping_ = false;
  std::thread reader_;
};

// Runs a job per read model on two threads (this one and a helper), the jobs that took
// longest last time first, so both threads finish together. A model is folded by one
// thread at a time; the join orders one batch's folds before the next's.
class side_by_side {
 public:
  using job = std::function<void(std::size_t model, std::vector<quarantined_event>& refused)>;

  void run(std::size_t models, const job& fold) {
    if (took_.size() != models) {
      took_.assign(models, 0);
      refused_.assign(models, {});
    }
    std::vector<std::size_t> order(models);
    for (std::size_t m = 0; m < models; ++m) order[m] = m;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return took_[a] > took_[b]; });
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
      for (std::size_t k; (k = next++) < models;) {
        const auto m = order[k];
        const auto start = std::chrono::steady_clock::now();
        try {
          fold(m, refused_[m]);
        } catch (...) {
          std::lock_guard lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
        took_[m] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
    };
    std::thread helper(work);
    work();
    helper.join();
    if (failure) std::rethrow_exception(failure);
  }

  // The events each model set aside, in log order.
  void take_refused(std::vector<quarantined_event>& out) {
    for (auto& some : refused_) out.insert(out.end(), some.begin(), some.end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.position < b.position; });
    refused_.assign(refused_.size(), {});
  }

 private:
  std::vector<double> took_;
  std::vector<std::vector<quarantined_event>> refused_;
};

}  // namespace

struct projector::connection {
  explicit connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

std::vector<std::string> projector::all_read_models() {
  return {"board-state",  "task-timeline", "token-usage", "directory", "tenancy",
          "vault-status", "strategies",    "task-detail", "analytics"};
}

std::vector<std::string> projector::all_read_model_tables() {
  std::vector<std::string> tables;
  for (const auto& name : all_read_models())
    for (auto& table : make_read_model(name)->tables()) tables.push_back(std::move(table));
  return tables;
}

projector::projector(std::string worker_conninfo, const std::vector<std::string>& read_models)
    : conninfo_(std::move(worker_conninfo)), names_(read_models.empty() ? all_read_models() : read_models) {
  if (names_.size() > 32) throw std::invalid_argument("a rebuild marks the models reading an event in 32 bits");
  for (const auto& name : names_) models_.push_back(make_read_model(name));
}

projector::~projector() = default;

projector::connection& projector::connect() {
  if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
  return *connection_;
}

base::expected<batch_outcome, std::string> projector::apply(const std::string& source,
                                                            const std::vector<envelope>& events,
                                                            std::int64_t watermark) {
  auto outcomes = apply({source_batch{source, &events, watermark}});
  if (!outcomes) return base::unexpected(outcomes.error());
  return outcomes->front();
}

namespace {

// A source's checkpoints belong to the other mode (embedded against Kafka): no retry helps.
class mode_switch_refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether a failed transaction may succeed as it is when tried again (the connection, the
// server, a lock): then the batch is retried whole. Anything else is the data's fault.
bool transient(const std::exception& failure) {
  if (dynamic_cast<const pqxx::broken_connection*>(&failure) || dynamic_cast<const pqxx::in_doubt_error*>(&failure) ||
      dynamic_cast<const pqxx::transaction_rollback*>(&failure))
    return true;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) {
    const auto& state = sql->sqlstate();
    return state.empty() || state.rfind("08", 0) == 0 || state.rfind("40", 0) == 0 || state.rfind("53", 0) == 0 ||
           state.rfind("57", 0) == 0 || state.rfind("58", 0) == 0;
  }
  return !dynamic_cast<const unprojectable_event*>(&failure) && !dynamic_cast<const pqxx::usage_error*>(&failure) &&
         !dynamic_cast<const pqxx::conversion_error*>(&failure) && !dynamic_cast<const std::logic_error*>(&failure);
}

}  // namespace

void projector::fold(pqxx::dbtransaction& w, std::size_t m, const std::vector<event_to_fold>& events, fold_mode mode,
                     write_mode writing, std::vector<quarantined_event>& quarantined, const std::string& source) {
  auto& model = *models_[m];
  auto refuse = [&](const envelope& e, const char* why) {
    quarantined.push_back({e.global_position(), names_[m], source, why});
  };
  auto fold_all = [&](pqxx::transaction_base& t, const std::vector<event_to_fold>& some) {
    if (writing == write_mode::upsert) {
      std::vector<const envelope*> batch;
      batch.reserve(some.size());
      for (const auto& f : some) batch.push_back(f.event);
      model.load(t, batch);
    }
    for (const auto& f : some) try {
        model.apply(*f.event, *f.payload);
      } catch (const unprojectable_event& refused) {
        refuse(*f.event, refused.what());
      }
    model.flush(t, writing);
  };
  if (mode == fold_mode::whole_batch) return fold_all(w, events);
  // Behind a savepoint; when Postgres refuses a row, each event again behind its own.
  const auto refused_before = quarantined.size();
  try {
    pqxx::subtransaction all(w, "fold_batch");
    fold_all(all, events);
    all.commit();
    return;
  } catch (const pqxx::sql_error& failure) {
    if (transient(failure)) throw;
    model.discard();
    quarantined.resize(refused_before);
  }
  for (const auto& f : events) {
    try {
      pqxx::subtransaction one(w, "fold_event");
      fold_all(one, {f});
      one.commit();
    } catch (const pqxx::sql_error& failure) {
      if (transient(failure)) throw;
      model.discard();
      refuse(*f.event, failure.what());
    }
  }
}

template <class Attempt>
auto projector::in_fold_modes(const Attempt& attempt)
    -> base::expected<decltype(attempt(fold_mode::whole_batch)), std::string> {
  std::string failure;
  for (const auto mode : {fold_mode::whole_batch, fold_mode::savepoints}) {
    try {
      return attempt(mode);
    } catch (const mode_switch_refused& refused) {
      return base::unexpected(std::string(refused.what()));
    } catch (const std::exception& e) {
      connection_.reset();
      for (const auto& m : models_) m->discard();
      if (transient(e)) return base::unexpected(std::string(e.what()));
      failure = e.what();
      // Slower by far, so said: an operator sees why a rebuild takes longer than it should.
      if (mode == fold_mode::whole_batch)
        std::fprintf(stderr, "stradia: read models: the batch failed (%s); again with a savepoint per event\n",
                     failure.c_str());
    }
  }
  return base::unexpected(failure);
}

base::expected<std::vector<batch_outcome>, std::string> projector::apply(const std::vector<source_batch>& batches) {
  // First the whole batch in one go. When the data makes that fail (a row Postgres
  // refuses), again in a new transaction with savepoints, so the event that fails is found
  // and quarantined while every other event applies.
  return in_fold_modes([&](fold_mode mode) { return apply_in_transaction(batches, mode); });
}

std::vector<batch_outcome> projector::apply_in_transaction(const std::vector<source_batch>& batches, fold_mode mode) {
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
      throw mode_switch_refused("the read models were built from source " + other[0][0].as<std::string>() +
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
  std::vector<quarantined_event> quarantined;
  for (const auto& b : batches) {
    batch_outcome outcome;
    outcome.position = b.watermark;
    std::vector<std::vector<event_to_fold>> todo(models_.size());
    live_payloads_.resize(b.events->size());
    for (std::size_t i = 0; i < b.events->size(); ++i) {
      const auto& e = (*b.events)[i];
      bool fresh = false, decoded = false;
      for (std::size_t m = 0; m < models_.size(); ++m) {
        // At or below the checkpoint, or a copy of an event earlier in this batch.
        auto& applied_up_to = done[{b.source, names_[m]}];
        if (e.global_position() <= applied_up_to) continue;
        applied_up_to = e.global_position();
        fresh = true;
        if (!models_[m]->reads(e)) continue;
        if (!decoded) live_payloads_[i].decode(e, spares_), decoded = true;
        todo[m].push_back({&e, &live_payloads_[i]});
      }
      ++(fresh ? outcome.applied : outcome.skipped);
      outcome.position = std::max(outcome.position, e.global_position());
    }
    // Each row has one writing stream, so the sources' events never touch the same rows.
    const auto refused_before = quarantined.size();
    for (std::size_t m = 0; m < models_.size(); ++m)
      if (!todo[m].empty()) fold(w, m, todo[m], mode, write_mode::upsert, quarantined, b.source);
    outcome.quarantined = quarantined.size() - refused_before;
    outcomes.push_back(outcome);
  }
  record_quarantine(w, quarantined);
  for (std::size_t i = 0; i < batches.size(); ++i)
    if (outcomes[i].position > 0)
      w.exec_params(
          "UPDATE projection_checkpoints SET position = greatest(position, $3) "
          "WHERE source = $2 AND projection = ANY($1::text[])",
          names, batches[i].source, outcomes[i].position);
  w.commit();
  known_sources_.insert(sources.begin(), sources.end());
  report_quarantine(quarantined);
  return outcomes;
}

void projector::record_quarantine(pqxx::transaction_base& t, const std::vector<quarantined_event>& events) {
  for (const auto& q : events)
    t.exec_params(
        "INSERT INTO projection_quarantine (global_position, projection, source, error) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (global_position, projection) DO UPDATE SET error = EXCLUDED.error, source = EXCLUDED.source, "
        "quarantined_at = now()",
        q.position, q.read_model, q.source, q.error.substr(0, 2000));
}

// Once per quarantined event: the checkpoint has moved past it, so it is never met again.
void projector::report_quarantine(const std::vector<quarantined_event>& events) {
  for (const auto& q : events)
    std::fprintf(stderr, "stradia: read model %s skipped the event at position %lld (quarantined): %s\n",
                 q.read_model.c_str(), static_cast<long long>(q.position), q.error.c_str());
}

base::expected<std::int64_t, std::string> projector::checkpoint(const std::string& source) {
  try {
    pqxx::read_transaction r(connect().c);
    // A read model with no checkpoint yet (one an upgrade added) starts where a rebuild left
    // it, or from the beginning: the source is read again from there, the others skip it.
    auto rows = r.exec_params(
        "SELECT coalesce(min(coalesce(c.position, f.position, 0)), 0) FROM unnest($1::text[]) p "
        "LEFT JOIN projection_checkpoints c ON c.projection = p AND c.source = $2 "
        "LEFT JOIN projection_checkpoints f ON f.projection = p AND f.source = $3",
        format_text_array(names_), source, std::string(rebuilt_source));
    return rows[0][0].as<std::int64_t>();
  } catch (const std::exception& e) {
    connection_.reset();
    return base::unexpected(std::string(e.what()));
  }
}

base::expected<std::int64_t, std::string> projector::known_checkpoint(const std::string& source) {
  try {
    pqxx::read_transaction r(connect().c);
    return r
        .exec_params1(
            "SELECT coalesce(min(position), 0) FROM projection_checkpoints WHERE source = $2 AND "
            "projection = ANY($1::text[])",
            format_text_array(names_), source)[0]
        .as<std::int64_t>();
  } catch (const std::exception& e) {
    connection_.reset();
    return base::unexpected(std::string(e.what()));
  }
}

base::expected<std::int64_t, std::string> projector::quarantined_count() {
  try {
    pqxx::read_transaction r(connect().c);
    return r.exec("SELECT count(*) FROM projection_quarantine")[0][0].as<std::int64_t>();
  } catch (const std::exception& e) {
    connection_.reset();
    return base::unexpected(std::string(e.what()));
  }
}

base::expected<std::int64_t, std::string> projector::rebuild(
    const log_source& read, const std::function<void(std::int64_t done, std::int64_t total)>& progress) {
  // By COPY into emptied tables; if Postgres refuses a row, again with savepoints (slower)
  // so that the events it refuses are quarantined and everything else is rebuilt.
  return in_fold_modes([&](fold_mode mode) { return rebuild_in_transaction(read, progress, mode); });
}

std::int64_t projector::rebuild_in_transaction(const log_source& read,
                                               const std::function<void(std::int64_t, std::int64_t)>& progress,
                                               fold_mode mode) {
  pqxx::work w(connect().c);
  const forget_rows_at_end guard{models_};
  // Workers wait on their checkpoints until this commits; queries keep reading old rows.
  // The head is read after the lock: nothing applied before it lies beyond the head.
  w.exec("LOCK TABLE projection_checkpoints IN EXCLUSIVE MODE");
  const auto head = w.exec("SELECT coalesce(max(global_position), 0) FROM events")[0][0].as<std::int64_t>();
  const auto names = format_text_array(names_);
  w.exec_params("DELETE FROM projection_quarantine WHERE projection = ANY($1::text[])", names);
  std::vector<quarantined_event> quarantined;
  // The old rows are deleted (DELETE, not TRUNCATE: TRUNCATE is not MVCC-safe, so a query
  // whose snapshot was taken before this commits would find the tables empty; a table that
  // keeps its rows loses only those that differ, stored_rows) and the
  // rows written while the models fold (row_table::stream_into), by the stream's writer,
  // each table's rows after its DELETE. The stream is declared after the transaction: on a failure its
  // writer stops before the transaction ends.
  std::unique_ptr<rebuild_stream> streamed;
  if (mode == fold_mode::whole_batch) {
    streamed = std::make_unique<rebuild_stream>(w);
    for (const auto& model : models_) model->begin_rebuild(w, *streamed);
  }
  for (const auto& model : models_)
    for (const auto& table : model->tables()) {
      if (!streamed)
        w.exec("DELETE FROM " + table);
      else if (!streamed->keeps_rows_of(table))
        streamed->execute("DELETE FROM " + table);
    }
  // Reading and decoding the log runs on its own thread, a batch ahead of the fold.
  prefetched_log log(read, head, rebuild_batch);
  side_by_side decodes, folds;
  std::int64_t replayed = 0;
  std::vector<decoded_payload> payloads;  // the batch's events decoded, each once
  std::vector<std::uint32_t> readers;     // per event, a bit per model that reads it
  std::array<payload_spares, 2> spares;   // a decoding thread's messages to reuse
  while (auto batch = log.next()) {
    if (!*batch) throw std::runtime_error((*batch).error());
    const auto& events = **batch;
    std::size_t count = 0;
    while (count < events.size() && events[count].global_position() <= head) ++count;
    // Which models read each event, and the payloads they read, first: half of the batch on
    // each thread.
    payloads.resize(count);
    readers.resize(count);
    decodes.run(2, [&](std::size_t half, std::vector<quarantined_event>&) {
      for (std::size_t i = half * count / 2; i < (half + 1) * count / 2; ++i) {
        std::uint32_t mask = 0;
        for (std::size_t m = 0; m < models_.size(); ++m)
          if (models_[m]->reads(events[i])) mask |= 1u << m;
        readers[i] = mask;
        if (mask)
          payloads[i].decode(events[i], spares[half]);
        else
          payloads[i].release(spares[half]);
      }
    });
    if (mode == fold_mode::whole_batch) {
      // The rows in memory, written by COPY: append-only rows as they come and cold rows
      // between batches (the stream), the rest after the fold. The models fold the batch
      // side by side (each its own rows), the slowest first.
      folds.run(models_.size(), [&](std::size_t m, std::vector<quarantined_event>& refused) {
        auto& model = *models_[m];
        for (std::size_t i = 0; i < count; ++i) try {
            if (readers[i] & (1u << m)) model.apply(events[i], payloads[i]);
          } catch (const unprojectable_event& why) {
            refused.push_back({events[i].global_position(), names_[m], rebuilt_source, why.what()});
          }
      });
    } else {
      // Batch by batch into the tables, each model's batch behind a savepoint.
      std::vector<std::vector<event_to_fold>> todo(models_.size());
      for (std::size_t i = 0; i < count; ++i)
        for (std::size_t m = 0; m < models_.size(); ++m)
          if (readers[i] & (1u << m)) todo[m].push_back({&events[i], &payloads[i]});
      for (std::size_t m = 0; m < models_.size(); ++m)
        if (!todo[m].empty()) fold(w, m, todo[m], mode, write_mode::upsert, quarantined, rebuilt_source);
    }
    if (streamed) streamed->next_batch();
    replayed += static_cast<std::int64_t>(count);
    log.recycle(std::move(**batch));
    if (progress) progress(replayed, head);
  }
  if (mode == fold_mode::whole_batch) {
    folds.take_refused(quarantined);
    streamed->finish();  // the transaction is this thread's again
    for (const auto& model : models_) model->flush(w, write_mode::copy);
  }
  record_quarantine(w, quarantined);
  w.exec_params("UPDATE projection_checkpoints SET position = $2 WHERE projection = ANY($1::text[])", names, head);
  w.exec_params(
      "INSERT INTO projection_checkpoints (projection, source, position) SELECT p, $3, $2 "
      "FROM unnest($1::text[]) p ON CONFLICT (projection, source) DO UPDATE SET position = EXCLUDED.position",
      names, head, std::string(rebuilt_source));
  w.commit();
  report_quarantine(quarantined);
  return replayed;
}

}  // namespace stradia::projections
