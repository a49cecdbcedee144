#pragma once
// The command line of the stradia binary, on CLI11: one declaration per option gives its
// parsing, its line in --help and its environment fallback (STRADIA_…). Each subcommand
// adds itself to the application and, when it runs, sets the process's exit code.
#include <signal.h>

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "app/runtime.hpp"

namespace stradia::app {

void add_migrate(CLI::App& cli, int& exit_code);
void add_serve(CLI::App& cli, int& exit_code);
void add_seed(CLI::App& cli, int& exit_code);
void add_plan(CLI::App& cli, int& exit_code);
void add_project(CLI::App& cli, int& exit_code);
void add_rebuild(CLI::App& cli, int& exit_code);
void add_kafka_dev(CLI::App& cli, int& exit_code);
void add_tenant(CLI::App& cli, int& exit_code);
void add_google_sandbox(CLI::App& cli, int& exit_code);
void add_audit(CLI::App& cli, int& exit_code);
void add_analyst(CLI::App& cli, int& exit_code);

// A password an operator hands over once: 18 random bytes in base64url.
std::string generated_password();

// Commands an operator runs as the service: the app's and the worker's database roles.
struct service_flags {
  std::string database_url, worker_database_url;
};
void add_service_options(CLI::App& command, service_flags& flags);
// A runtime that runs commands as the service and builds no read models.
runtime_config service_config(const service_flags& flags);
// Blocks SIGINT and SIGTERM in every thread started after this, so waiting_for_stop()
// receives them.
sigset_t block_stop_signals();
int waiting_for_stop(const sigset_t& stop);
// "[####.....]  42%  4200 / 10000 events  81000 ev/s  ETA 0.1 s" (the bar on a terminal).
std::string progress_line(std::int64_t done, std::int64_t total, double seconds, bool bar);

// --tenant: a lowercase UUID.
CLI::Option* add_tenant_option(CLI::App& command, std::string& tenant);
// Says on stderr why a command was refused (its detail and each field), as `command`.
void report_refusal(const char* command, const commands::command_failure& failure);

// What the options of the runtime set; the master key is base64 until it is checked.
struct runtime_flags {
  runtime_config config;
  std::string master_key;
  std::string audit_key;
  double outbound_timeout = 0;  // seconds; 0: the default deadlines
};

// The database roles (required), the vault's master key, Gemini, Google's APIs and Kafka.
void add_runtime_options(CLI::App& command, runtime_flags& flags);
// A key of 32 bytes given in base64 (empty stays empty); nullopt after saying on stderr, as
// `command`, that `variable` is wrong.
std::optional<std::string> key_of_32_bytes(const std::string& base64_text, const char* variable,
                                           const std::string& command);
// The configuration, or nullopt after saying on stderr what is wrong.
std::optional<runtime_config> runtime_config_of(const runtime_flags& flags, const char* command);

// Applies the store's and the read models' migrations (owner role); says why on failure.
bool migrate_schema(const std::string& owner_conninfo, const char* command);

}  // namespace stradia::app
