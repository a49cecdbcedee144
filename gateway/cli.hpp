#pragma once
// Command-line parsing and the subcommands of the stradia binary. Every option can come
// from a flag (--database-url URL) or from the environment (STRADIA_DATABASE_URL).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stradia::gateway {

inline constexpr const char* usage =
    "usage: stradia <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve     run the HTTP API (migrates first when an owner connection is given)\n"
    "  migrate   apply the SQL migrations that are not applied yet (as the owner role)\n"
    "  seed      build the playground (two tenants, users, markets, boards) through commands\n"
    "  project   a projection worker: Kafka consumer group → read models\n"
    "  rebuild   empty the read models and replay the whole log into them\n"
    "  kafka-dev run a mock Kafka cluster (a real protocol peer) on loopback for development\n"
    "  plan      set a tenant's plan limits as the service (billing): the only way to raise them\n"
    "\n"
    "Run 'stradia <command> --help' for a command's options.\n";

class arguments {
 public:
  arguments(int argc, char** argv);
  const std::string& command() const { return command_; }
  bool wants_help() const;
  // --name VALUE or --name=VALUE, else the environment variable, else nullopt.
  std::optional<std::string> option(const std::string& name, const char* env_var) const;
  // A switch with no value (--from-beginning).
  bool flag(const std::string& name) const;
  // For a subcommand's start: after --help (the help printed) 0, after an option not in
  // `known` (said, with the help) 2; nullopt when the subcommand should run.
  std::optional<int> help_or_refusal(std::string_view command, std::string_view help,
                                     const std::vector<std::string>& known) const;
  // Options given that are not in `known`.
  std::vector<std::string> unknown(const std::vector<std::string>& known) const;

 private:
  std::string command_;
  std::vector<std::string> rest_;
};

int run_migrate(const arguments& args);
int run_serve(const arguments& args);
int run_seed(const arguments& args);
int run_kafka_dev(const arguments& args);
int run_project(const arguments& args);
int run_rebuild(const arguments& args);
int run_plan(const arguments& args);

}  // namespace stradia::gateway
