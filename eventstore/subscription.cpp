#include "eventstore/subscription.hpp"

#include "eventstore/log_reader.hpp"

namespace stradia::eventstore {

namespace {

constexpr const char* load_checkpoint_sql =
    "SELECT global_position FROM subscription_checkpoints WHERE subscription_id = $1";

constexpr const char* save_checkpoint_sql =
    "INSERT INTO subscription_checkpoints (subscription_id, global_position) VALUES ($1, $2) "
    "ON CONFLICT (subscription_id) DO UPDATE SET global_position = EXCLUDED.global_position, updated_at = now()";

result<std::int64_t> stored_checkpoint(log_reader& reader, const std::string& id) {
  auto value = reader.query_value(load_checkpoint_sql, {id});
  if (!value) return base::unexpected(value.error());
  return value->has_value() ? std::stoll(**value) : -1;
}

}  // namespace

result<std::int64_t> load_checkpoint(const std::string& worker_conninfo, const std::string& subscription_id) {
  auto reader = log_reader::connect(worker_conninfo);
  if (!reader) return base::unexpected(reader.error());
  return stored_checkpoint(**reader, subscription_id);
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
  while (!stopping_) {
    if (auto followed = follow(); !followed) {
      std::lock_guard lock(error_mutex_);
      last_error_ = followed.error().message;
    }
    for (auto waited = std::chrono::milliseconds(0); waited < backoff_ && !stopping_;
         waited += std::chrono::milliseconds(10))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(2000));
  }
}

// One connection's life: LISTEN first, so a commit after any read wakes the loop.
result<void> subscription::follow() {
  auto connected = log_reader::connect(options_.worker_conninfo);
  if (!connected) return base::unexpected(connected.error());
  auto& reader = **connected;
  if (auto ok = reader.listen("stradia_events"); !ok) return ok;
  // Connected again: the outage is over for readiness, and the next one starts small.
  backoff_ = std::chrono::milliseconds(50);
  {
    std::lock_guard lock(error_mutex_);
    last_error_.clear();
  }
  if (!started_) {
    std::int64_t start = options_.start_after;
    if (start < 0 && options_.store_checkpoint) {
      auto stored = stored_checkpoint(reader, options_.subscription_id);
      if (!stored) return base::unexpected(stored.error());
      start = *stored;
    }
    position_ = std::max<std::int64_t>(start, 0);
    started_ = true;
  }
  while (!stopping_) {
    auto batch = reader.read_after(position_.load(), options_.batch_size);
    if (!batch) return base::unexpected(batch.error());
    if (batch->empty()) {
      if (auto woke = reader.wait_for_notification(options_.poll_interval); !woke)
        return base::unexpected(woke.error());
      continue;
    }
    if (!on_events_(*batch)) {
      std::this_thread::sleep_for(options_.poll_interval);
      continue;
    }
    const auto last = batch->back().global_position();
    if (options_.store_checkpoint) {
      auto saved = reader.query_value(save_checkpoint_sql, {options_.subscription_id, std::to_string(last)});
      if (!saved) return base::unexpected(saved.error());
    }
    position_ = last;
  }
  return {};
}

}  // namespace stradia::eventstore
