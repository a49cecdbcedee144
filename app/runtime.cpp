#include "app/runtime.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "adapters/gemini_client.hpp"
#include "base/prometheus_text.hpp"
#include "commands/system_zone_catalog.hpp"

namespace stradia::app {

namespace {

constexpr const char* embedded_source = "embedded";

}  // namespace

domain::timestamp system_now() {
  const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  // STRADIA_CLOCK_OFFSET_FILE: a file holding seconds to add to the clock, re-read at most
  // ten times a second, so tests (and demos) can let 15-minute locks expire now. A test
  // hook: it moves lock expiry and token periods, so it counts only with
  // STRADIA_TEST_HOOKS=1, and says so on stderr once.
  static const char* offset_file = []() -> const char* {
    const char* hooks = std::getenv("STRADIA_TEST_HOOKS");
    const char* file = std::getenv("STRADIA_CLOCK_OFFSET_FILE");
    if (!file || !*file || !hooks || std::string_view(hooks) != "1") return nullptr;
    std::fprintf(stderr, "stradia: test hooks on: the clock is shifted by the seconds in %s\n", file);
    return file;
  }();
  if (!offset_file) return now;
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point read_at;
  static std::int64_t offset_seconds = 0;
  std::lock_guard lock(mutex);
  if (std::chrono::steady_clock::now() - read_at > std::chrono::milliseconds(100)) {
    read_at = std::chrono::steady_clock::now();
    std::ifstream in(offset_file);
    std::int64_t seconds = 0;
    offset_seconds = (in >> seconds) ? seconds : 0;
  }
  return now + std::chrono::seconds(offset_seconds);
}

runtime::runtime(const runtime_config& config)
    : zones_(commands::load_system_zone_catalog().value_or(domain::zone_catalog{})),
      store_(std::make_unique<eventstore::event_store>(
          eventstore::store_options{config.database_url, config.worker_database_url})),
      keys_(config.database_url),
      vault_(config.master_key.empty() ? std::nullopt : commands::vault_sealer::make(config.master_key, keys_)),
      gemini_(config.gemini_url.empty() ? nullptr
                                        : std::make_unique<adapters::gemini_client>(adapters::gemini_options{
                                              config.gemini_url, config.gemini_api_key, config.gemini_model,
                                              config.outbound, adapters::retry_policy{}})),
      executor_([&] {
        adapters::google_executor_options o;
        o.deadlines = config.outbound;
        if (!config.tag_manager_url.empty()) o.tag_manager_url = config.tag_manager_url;
        if (!config.analytics_admin_url.empty()) o.analytics_admin_url = config.analytics_admin_url;
        return adapters::google_executor(o);
      }()),
      oauth_([&] {
        adapters::oauth_options o;
        o.deadlines = config.outbound;
        if (!config.oauth_token_url.empty()) o.token_url = config.oauth_token_url;
        o.client_id = config.oauth_client_id;
        o.client_secret = config.oauth_client_secret;
        return adapters::oauth_client(o);
      }()),
      commands_(std::make_unique<commands::command_service>(
          *store_, commands::command_service_options{system_now, &zones_, 8, vault_ ? &*vault_ : nullptr, gemini_.get(),
                                                     gemini_.get(), &executor_, &oauth_})),
      reader_(config.database_url),
      idempotency_(config.database_url),
      audit_signer_(eventstore::audit::head_signer::from_seed(config.audit_key)),
      audit_(config.database_url) {
  eventstore::subscription_options feed;
  feed.worker_conninfo = config.worker_database_url;
  feed.subscription_id = "user-directory";
  feed.store_checkpoint = false;  // an in-memory read model starts from the beginning
  feed.start_after = 0;
  feed.batch_size = 5000;
  feed.poll_interval = std::chrono::milliseconds(200);
  directory_feed_ = std::make_unique<eventstore::subscription>(feed, [this](const auto& events) {
    users_.apply(events);
    return true;
  });
  if (!config.feed_read_models) return;
  if (!config.kafka_brokers.empty()) {
    // Kafka mode: this process relays the log (when elected); `stradia project` workers
    // build the read models.
    eventstore::kafka_relay_options relay;
    relay.brokers = config.kafka_brokers;
    relay.topic = config.kafka_topic;
    relay.worker_conninfo = config.worker_database_url;
    kafka_topic_ = config.kafka_topic;
    relay_ = std::make_unique<eventstore::kafka_relay>(relay);
    // The workers announce each commit (projection_checkpoints_notify); the lowest
    // partition checkpoint is where every read model is.
    kafka_progress_ = std::make_unique<eventstore::notified_value>(
        eventstore::notified_value_options{
            config.worker_database_url,
            "stradia_read_models",
            "SELECT coalesce(min(position), 0) FROM projection_checkpoints WHERE starts_with(source, $1)",
            {"kafka:" + kafka_topic_ + ":"},
            std::chrono::milliseconds(1000)},
        [this](std::int64_t position) { read_model_watch_.advance(position); });
    // Board events for this gateway's rooms: from the log, each batch held back until the
    // workers' read models have applied it.
    eventstore::subscription_options boards = feed;
    boards.subscription_id = "board-rooms";
    boards.start_after = store_->head_position().value_or(0);
    board_feed_ = std::make_unique<eventstore::subscription>(boards, [this](const auto& events) {
      if (!read_model_watch_.wait_until(events.back().global_position(), stopping_, std::chrono::seconds(1)))
        return false;  // the same batch again: the workers are behind or stopped
      tell_listener(events);
      return true;
    });
    start_system_processes(config);
    return;
  }
  // Embedded mode: the read models fed in process, from their own checkpoints.
  read_models_ = std::make_unique<projections::projector>(config.worker_database_url);
  eventstore::subscription_options models = feed;
  models.subscription_id = "read-models";
  const auto checkpoint = read_models_->checkpoint(embedded_source);
  models.start_after = checkpoint ? *checkpoint : 0;
  // A read model an upgrade added reads the log from its start; what the others had applied
  // was readable and told to live boards already, so it is neither waited for nor told again.
  const auto known = read_models_->known_checkpoint(embedded_source);
  const std::int64_t told = std::max(models.start_after, known ? *known : 0);
  read_model_watch_.advance(told);
  read_model_feed_ = std::make_unique<eventstore::subscription>(models, [this, told](const auto& events) {
    const auto outcome = read_models_->apply(embedded_source, events);
    {
      std::lock_guard lock(read_model_error_mutex_);
      if (!outcome) {
        if (outcome.error() != read_model_error_)
          std::fprintf(stderr, "stradia: the read models stopped: %s\n", outcome.error().c_str());
        read_model_error_ = outcome.error();
        return false;  // the same batch is retried
      }
      read_model_error_.clear();
    }
    read_model_watch_.advance(outcome->position);
    if (!events.empty() && events.front().global_position() > told) {
      tell_listener(events);
    } else {
      std::vector<stradia::envelope::v1::EventEnvelope> fresh;
      for (const auto& e : events)
        if (e.global_position() > told) fresh.push_back(e);
      if (!fresh.empty()) tell_listener(fresh);
    }
    return true;
  });
  start_system_processes(config);
}

void runtime::start_system_processes(const runtime_config& config) {
  sweeper_ =
      std::make_unique<lock_sweeper>(config.worker_database_url, *commands_, system_now, config.lock_sweep_interval);
  lifecycle_ =
      std::make_unique<board_lifecycle>(config.worker_database_url, *commands_, config.board_lifecycle_interval);
  eventstore::audit::sealer_options sealing;
  sealing.worker_conninfo = config.worker_database_url;
  sealing.signer = audit_signer_;
  sealer_ = std::make_unique<eventstore::audit::sealer>(sealing);
}

std::string runtime::audit_public_key() const { return audit_signer_ ? audit_signer_->public_key() : std::string(); }

void runtime::on_board_events(std::function<void(const std::vector<stradia::envelope::v1::EventEnvelope>&)> listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void runtime::tell_listener(const std::vector<stradia::envelope::v1::EventEnvelope>& events) {
  std::lock_guard lock(listener_mutex_);
  if (listener_) listener_(events);
}

std::string runtime::bus_problem() const {
  if (relay_) {
    if (auto trouble = kafka_progress_->last_error(); !trouble.empty()) return trouble;
    return relay_->leading() || relay_->last_error().empty() ? "" : relay_->last_error();
  }
  std::lock_guard lock(read_model_error_mutex_);
  if (!read_model_error_.empty()) return read_model_error_;
  return read_model_feed_ ? read_model_feed_->last_error() : "";
}

std::string runtime::metrics() {
  const auto head = store_->head_position().value_or(0);
  const auto applied = read_model_position();
  base::prometheus_text metrics;
  auto gauge = [&](const char* name, const char* help, std::int64_t value) { metrics.gauge(name, help, value); };
  gauge("stradia_log_head_position", "The last position in the event log.", head);
  gauge("stradia_read_model_position", "The last position every read model applied.", applied);
  gauge("stradia_read_model_lag_events", "Events in the log the read models have not applied yet.",
        std::max<std::int64_t>(0, head - applied));
  gauge("stradia_user_directory_position", "The last position the in-memory user directory applied.",
        users_.position());
  gauge("stradia_projection_quarantined_events", "Events a read model could not apply and set aside.",
        reader_.quarantined_count().value_or(-1));
  gauge("stradia_read_model_waits", "Requests waiting for ?min_position (holding no thread).",
        static_cast<std::int64_t>(read_model_watch_.waiting()));
  if (sealer_) {
    gauge("stradia_audit_sealed_position", "The last log position this process's sealer put in the audit trail.",
          sealer_->sealed_position());
    gauge("stradia_audit_sealer_failing", "1 while the audit sealer fails (see the log).",
          sealer_->problem().empty() ? 0 : 1);
  }
  if (relay_) {
    gauge("stradia_relay_position", "The last position Kafka confirmed for the relay.", relay_->position());
    gauge("stradia_relay_leading", "1 when this process is the elected relay.", relay_->leading() ? 1 : 0);
    gauge("stradia_relay_produced_events", "Events this process relayed to Kafka.",
          static_cast<std::int64_t>(relay_->produced()));
  }
  return std::move(metrics.str());
}

runtime::~runtime() {
  stopping_ = true;
  lifecycle_.reset();
  sweeper_.reset();
  board_feed_.reset();
  kafka_progress_.reset();
  read_model_feed_.reset();
  relay_.reset();
  directory_feed_.reset();
}

bool runtime::wait_for_directory(std::chrono::seconds timeout) {
  const auto head = store_->head_position();
  if (!head) return false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (users_.position() < *head) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace stradia::app
