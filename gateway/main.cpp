// The stradia binary: one executable, one subcommand per job.
#include <cstdio>
#include <cstring>
#include <string>

#include "gateway/cli.hpp"

int main(int argc, char** argv) {
  const stradia::gateway::arguments args(argc, argv);
  const std::string command = args.command();
  if (command == "migrate") return stradia::gateway::run_migrate(args);
  if (command == "serve") return stradia::gateway::run_serve(args);
  if (command == "seed") return stradia::gateway::run_seed(args);
  if (command == "project") return stradia::gateway::run_project(args);
  if (command == "rebuild") return stradia::gateway::run_rebuild(args);
  if (command == "plan") return stradia::gateway::run_plan(args);
  if (command == "kafka-dev") return stradia::gateway::run_kafka_dev(args);
  if (command.empty() || command == "--help" || command == "-h" || command == "help") {
    std::fputs(stradia::gateway::usage, stdout);
    return command.empty() ? 2 : 0;
  }
  std::fprintf(stderr, "stradia: unknown command '%s'\n\n%s", command.c_str(), stradia::gateway::usage);
  return 2;
}
