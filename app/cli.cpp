#include "app/cli.hpp"

#include <sodium.h>

#include <cstdio>

#include "base/encoding.hpp"
#include "base/uuid_text.hpp"
#include "commands/vault_sealer.hpp"
#include "eventstore/migrator.hpp"
#include "projections/migrations.hpp"

namespace stradia::app {

void add_service_options(CLI::App& command, service_flags& flags) {
  command.add_option("--database-url", flags.database_url, "role stradia_app")
      ->envname("STRADIA_DATABASE_URL")
      ->required();
  command.add_option("--worker-database-url", flags.worker_database_url, "role stradia_worker")
      ->envname("STRADIA_WORKER_DATABASE_URL")
      ->required();
}

runtime_config service_config(const service_flags& flags) {
  runtime_config config;
  config.database_url = flags.database_url;
  config.worker_database_url = flags.worker_database_url;
  config.feed_read_models = false;
  return config;
}

std::string generated_password() {
  unsigned char bytes[18];
  randombytes_buf(bytes, sizeof bytes);
  return base::base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

CLI::Option* add_tenant_option(CLI::App& command, std::string& tenant) {
  return command.add_option("--tenant", tenant, "the tenant's id")
      ->required()
      ->check([](const std::string& s) { return base::is_uuid(s) ? std::string() : "wants a lowercase UUID"; }, "UUID");
}

sigset_t block_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return stop;
}

int waiting_for_stop(const sigset_t& stop) {
  int signal = 0;
  sigwait(&stop, &signal);
  return signal;
}

std::string progress_line(std::int64_t done, std::int64_t total, double seconds, bool bar) {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  char text[256];
  const int percent = total > 0 ? static_cast<int>(done * 100 / total) : 100;
  std::string drawn;
  if (bar) {
    const int filled = percent * 30 / 100;
    drawn = "[" + std::string(static_cast<std::size_t>(filled), '#') +
            std::string(static_cast<std::size_t>(30 - filled), '.') + "] ";
  }
  std::snprintf(text, sizeof text, "%s%3d%%  %lld / %lld events  %.0f ev/s  ETA %.1f s", drawn.c_str(), percent,
                static_cast<long long>(done), static_cast<long long>(total), rate, eta);
  return text;
}

void report_refusal(const char* command, const commands::command_failure& failure) {
  std::fprintf(stderr, "stradia %s: %s\n", command, failure.error.detail.c_str());
  for (const auto& e : failure.error.errors) std::fprintf(stderr, "  %s: %s\n", e.path.c_str(), e.message.c_str());
}

void add_runtime_options(CLI::App& command, runtime_flags& flags) {
  auto& c = flags.config;
  command.add_option("--database-url", c.database_url, "role stradia_app")->envname("STRADIA_DATABASE_URL")->required();
  command.add_option("--worker-database-url", c.worker_database_url, "role stradia_worker")
      ->envname("STRADIA_WORKER_DATABASE_URL")
      ->required();
  command.add_option("--owner-database-url", c.owner_database_url, "role stradia_owner: migrate first")
      ->envname("STRADIA_OWNER_DATABASE_URL");
  command.add_option("--audit-key", flags.audit_key, "32-byte Ed25519 seed (base64) signing the audit tree heads")
      ->envname("STRADIA_AUDIT_KEY");
  command.add_option("--master-key", flags.master_key, "32-byte key (base64) wrapping the tenants' vault keys")
      ->envname("STRADIA_MASTER_KEY");
  command.add_option("--gemini-url", c.gemini_url, "Gemini API base URL for pre-flight scans")
      ->envname("STRADIA_GEMINI_URL");
  command.add_option("--gemini-api-key", c.gemini_api_key, "Gemini API key")->envname("STRADIA_GEMINI_API_KEY");
  command.add_option("--gemini-model", c.gemini_model, "the Gemini model scans and content ask")
      ->envname("STRADIA_GEMINI_MODEL")
      ->capture_default_str();
  command.add_option("--tag-manager-url", c.tag_manager_url, "Tag Manager API base (default Google's)")
      ->envname("STRADIA_TAG_MANAGER_URL");
  command.add_option("--analytics-admin-url", c.analytics_admin_url, "Analytics Admin API base (default Google's)")
      ->envname("STRADIA_ANALYTICS_ADMIN_URL");
  command.add_option("--oauth-token-url", c.oauth_token_url, "OAuth token endpoint (default Google's)")
      ->envname("STRADIA_OAUTH_TOKEN_URL");
  command.add_option("--oauth-client-id", c.oauth_client_id, "OAuth client the refresh tokens belong to")
      ->envname("STRADIA_OAUTH_CLIENT_ID");
  command.add_option("--oauth-client-secret", c.oauth_client_secret, "that client's secret")
      ->envname("STRADIA_OAUTH_CLIENT_SECRET");
  command
      .add_option("--outbound-timeout", flags.outbound_timeout,
                  "seconds for every call to Gemini, Tag Manager, Analytics, retries included "
                  "(default 30; connect 5, each read 15)")
      ->envname("STRADIA_OUTBOUND_TIMEOUT")
      ->check(CLI::Range(0.1, 600.0));
  command
      .add_option("--kafka-brokers", c.kafka_brokers,
                  "Kafka mode: relay the log to these brokers; `stradia project` workers build the read models "
                  "(default: embedded)")
      ->envname("STRADIA_KAFKA_BROKERS");
  command.add_option("--kafka-topic", c.kafka_topic, "Kafka topic of the events")
      ->envname("STRADIA_KAFKA_TOPIC")
      ->capture_default_str();
}

std::optional<std::string> key_of_32_bytes(const std::string& base64_text, const char* variable,
                                           const std::string& command) {
  if (base64_text.empty()) return std::string();
  auto raw = base::base64_decode(base64_text);
  if (!raw || raw->size() != 32) {
    std::fprintf(stderr, "stradia %s: %s must be 32 bytes in base64\n", command.c_str(), variable);
    return std::nullopt;
  }
  return raw;
}

std::optional<runtime_config> runtime_config_of(const runtime_flags& flags, const char* command) {
  auto config = flags.config;
  const auto master_key = key_of_32_bytes(flags.master_key, "STRADIA_MASTER_KEY", command);
  const auto audit_key = key_of_32_bytes(flags.audit_key, "STRADIA_AUDIT_KEY", command);
  if (!master_key || !audit_key) return std::nullopt;
  config.master_key = *master_key;
  config.audit_key = *audit_key;
  if (flags.outbound_timeout > 0) {
    const auto ms = std::chrono::milliseconds(static_cast<long>(flags.outbound_timeout * 1000));
    config.outbound.total = ms;
    config.outbound.connect = std::min(config.outbound.connect, ms);
    config.outbound.io = std::min(config.outbound.io, ms);
  }
  return config;
}

bool migrate_schema(const std::string& owner_conninfo, const char* command) {
  auto report = eventstore::migrate(owner_conninfo, projections::embedded_migrations());
  if (!report) {
    std::fprintf(stderr, "stradia %s: migration failed: %s\n", command, report.error().message.c_str());
    return false;
  }
  if (std::string_view(command) == "migrate")
    std::printf("stradia migrate: %zu applied, schema at version %d\n", report->applied.size(),
                report->current_version);
  return true;
}

void add_migrate(CLI::App& cli, int& exit_code) {
  auto* command =
      cli.add_subcommand("migrate", "apply the SQL migrations that are not applied yet (as the owner role)");
  auto url = std::make_shared<std::string>();
  command->add_option("--database-url", *url, "the owner role's connection")
      ->envname("STRADIA_OWNER_DATABASE_URL")
      ->required();
  command->callback([url, &exit_code] { exit_code = migrate_schema(*url, "migrate") ? 0 : 1; });
}

}  // namespace stradia::app
