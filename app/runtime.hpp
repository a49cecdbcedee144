#pragma once
// What `stradia serve` and `stradia seed` share: the configuration (flags or environment)
// and the wiring of store, directory and command handlers.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "adapters/gemini_client.hpp"
#include "adapters/google_executor.hpp"
#include "adapters/oauth_client.hpp"
#include "adapters/outbound_http.hpp"
#include "app/board_lifecycle.hpp"
#include "app/lock_sweeper.hpp"
#include "commands/command_service.hpp"
#include "commands/vault_sealer.hpp"
#include "domain/zone_catalog.hpp"
#include "eventstore/audit/audit_reader.hpp"
#include "eventstore/audit/sealer.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/idempotency_store.hpp"
#include "eventstore/notified_value.hpp"
#include "eventstore/relay/kafka_relay.hpp"
#include "eventstore/subscription.hpp"
#include "eventstore/tenant_key_store.hpp"
#include "gateway/position_watch.hpp"
#include "projections/projector.hpp"
#include "projections/read_model_reader.hpp"
#include "projections/user_directory.hpp"

namespace stradia::app {

struct runtime_config {
  std::string database_url;         // stradia_app
  std::string worker_database_url;  // stradia_worker
  std::string owner_database_url;   // stradia_owner, for migrations on start (optional)
  std::string master_key;           // 32 raw bytes; empty: the vault is unavailable
  std::string audit_key;            // the Ed25519 seed, 32 raw bytes; empty: the trail is sealed, no head signed
  std::string gemini_url;           // empty: pre-flight scans stay requested
  std::string gemini_api_key;
  std::string gemini_model = "gemini-2.0-flash";
  std::string tag_manager_url;  // empty: Google's; tests point it at loopback
  std::string analytics_admin_url;
  std::string oauth_token_url;  // empty: Google's
  std::string oauth_client_id;  // the OAuth client the markets' refresh tokens were issued to
  std::string oauth_client_secret;
  adapters::outbound_deadlines outbound;  // every call to Gemini, Tag Manager, Analytics Admin
  std::string kafka_brokers;              // empty: embedded mode, the read models are fed in process
  std::string kafka_topic = "stradia.events";
  bool feed_read_models = true;  // serve: yes (and sweeps expired locks); seed only runs commands
  std::chrono::milliseconds lock_sweep_interval{1000};
  std::chrono::milliseconds board_lifecycle_interval{200};
};

// The store, the user directory (kept current by a subscription) and the handlers.
class runtime {
 public:
  explicit runtime(const runtime_config& config);
  ~runtime();
  // Blocks until the directory has applied everything up to the log's head at call time.
  bool wait_for_directory(std::chrono::seconds timeout);

  eventstore::event_store& store() { return *store_; }
  commands::command_service& commands() { return *commands_; }
  const projections::user_directory& users() const { return users_; }
  projections::read_model_reader& read_models() { return reader_; }
  eventstore::idempotency_store& idempotency() { return idempotency_; }
  // The last log position every read model applied: in embedded mode the in-process
  // feed's, in Kafka mode the lowest partition checkpoint the workers committed.
  std::int64_t read_model_position() { return read_model_watch_.position(); }
  // The same position, with its waiters (read-your-writes waits hold no thread).
  gateway::position_watch& read_model_watch() { return read_model_watch_; }
  bool kafka_mode() const { return relay_ != nullptr; }
  // Board events once the read models have applied them, in log order (for the rooms).
  void on_board_events(std::function<void(const std::vector<stradia::envelope::v1::EventEnvelope>&)> listener);
  // Why the bus (the in-process feed, or the relay to Kafka) is not working; empty when it
  // is. Internal text: for the log, never for clients.
  std::string bus_problem() const;
  // Gauges for GET /metrics: log head, read-model position and lag, relay progress.
  std::string metrics();
  eventstore::kafka_relay* relay() { return relay_.get(); }
  eventstore::audit::audit_reader& audit() { return audit_; }
  // The audit key's public half (32 raw bytes); empty when none is configured.
  std::string audit_public_key() const;

 private:
  domain::zone_catalog zones_;
  std::unique_ptr<eventstore::event_store> store_;
  eventstore::tenant_key_store keys_;
  std::optional<commands::vault_sealer> vault_;
  std::unique_ptr<adapters::gemini_client> gemini_;
  adapters::google_executor executor_;
  adapters::oauth_client oauth_;
  projections::user_directory users_;
  std::unique_ptr<commands::command_service> commands_;
  std::unique_ptr<eventstore::subscription> directory_feed_;
  projections::read_model_reader reader_;
  eventstore::idempotency_store idempotency_;
  std::unique_ptr<projections::projector> read_models_;
  gateway::position_watch read_model_watch_;
  std::unique_ptr<eventstore::notified_value> kafka_progress_;  // Kafka mode: the workers' position
  mutable std::mutex read_model_error_mutex_;
  std::string read_model_error_;  // why the last embedded batch failed; empty when it did not
  std::unique_ptr<eventstore::subscription> read_model_feed_;
  std::unique_ptr<eventstore::kafka_relay> relay_;
  std::string kafka_topic_;
  std::unique_ptr<eventstore::subscription> board_feed_;  // Kafka mode: the rooms' events
  std::unique_ptr<lock_sweeper> sweeper_;
  std::unique_ptr<board_lifecycle> lifecycle_;
  std::optional<eventstore::audit::head_signer> audit_signer_;
  eventstore::audit::audit_reader audit_;
  std::unique_ptr<eventstore::audit::sealer> sealer_;  // serve only: seals the log as it commits
  std::mutex listener_mutex_;
  std::function<void(const std::vector<stradia::envelope::v1::EventEnvelope>&)> listener_;
  std::atomic<bool> stopping_{false};

  // The lock sweeper and the board lifecycle, once the read models are fed.
  void start_system_processes(const runtime_config& config);
  void tell_listener(const std::vector<stradia::envelope::v1::EventEnvelope>& events);
};

domain::timestamp system_now();

}  // namespace stradia::app
