#include "eventstore/subscription.hpp"

#include <pqxx/pqxx>

#include "eventstore/envelope_rows.hpp"
#include "eventstore/pg_errors.hpp"

namespace stradia::eventstore {

namespace {

const std::string read_after_sql = std::string("SELECT ") + envelope_columns +
                                   " FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2";

constexpr const char* load_checkpoint_sql =
    "SELECT global_position FROM subscription_checkpoints WHERE subscription_id = $1";

constexpr const char* save_checkpoint_sql =
    "INSERT INTO subscription_checkpoints (subscription_id, global_position) VALUES ($1, $2) "
    "ON CONFLICT (subscription_id) DO UPDATE SET global_position = EXCLUDED.global_position, updated_at = now()";

class wake_on_notify final : public pqxx::notification_receiver {
 public:
  explicit wake_on_notify(pqxx::connection_base& c) : pqxx::notification_receiver(c, "stradia_events") {}
  void operator()(const std::string&, int) override {}
};

std::int64_t stored_checkpoint(pqxx::connection& c, const std::string& id) {
  pqxx::read_transaction tx(c);
  auto rows = tx.exec_params(load_checkpoint_sql, id);
  return rows.empty() ? -1 : rows[0][0].as<std::int64_t>();
}

}  // namespace

result<std::int64_t> load_checkpoint(const std::string& worker_conninfo, const std::string& subscription_id) {
  try {
    pqxx::connection c(worker_conninfo);
    return stored_checkpoint(c, subscription_id);
  } catch (...) {
    return domain::unexpected<store_error>(translate_current_exception());
  }
}

subscription::subscription(subscription_options options, handler on_events)
    : options_(std::move(options)), on_events_(std::move(on_events)), thread_([this] { run(); }) {}

subscription::~subscription() { stop(); }

void subscription::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string subscription::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void subscription::run() {
  auto backoff = std::chrono::milliseconds(50);
  while (!stopping_) {
    try {
      follow();
    } catch (...) {
      const auto error = translate_current_exception();
      std::lock_guard lock(error_mutex_);
      last_error_ = error.message;
    }
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_;
         waited += std::chrono::milliseconds(10))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

// One connection's life: LISTEN first, so a commit after any read wakes the loop.
void subscription::follow() {
  pqxx::connection c(options_.worker_conninfo);
  wake_on_notify listener(c);
  if (position_ == 0) {
    std::int64_t start = options_.start_after;
    if (start < 0)
      start = options_.store_checkpoint ? std::max<std::int64_t>(stored_checkpoint(c, options_.subscription_id), 0) : 0;
    position_ = start;
  }
  const auto poll_us = std::chrono::duration_cast<std::chrono::microseconds>(options_.poll_interval).count();
  while (!stopping_) {
    std::vector<stradia::envelope::v1::EventEnvelope> batch;
    {
      pqxx::read_transaction tx(c);
      batch = envelopes_from(tx.exec_params(read_after_sql, position_.load(), options_.batch_size));
    }
    if (batch.empty()) {
      c.await_notification(poll_us / 1000000, poll_us % 1000000);
      continue;
    }
    if (!on_events_(batch)) {
      std::this_thread::sleep_for(options_.poll_interval);
      continue;
    }
    const auto last = batch.back().global_position();
    if (options_.store_checkpoint) {
      pqxx::work tx(c);
      tx.exec_params(save_checkpoint_sql, options_.subscription_id, last);
      tx.commit();
    }
    position_ = last;
  }
}

}  // namespace stradia::eventstore
