// The stradia binary: one executable, one subcommand per job.
#include "app/cli.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"Stradia: an event-sourced backend for governed, multi-market analytics roll-outs.", "stradia"};
  cli.require_subcommand(1);
  cli.footer("Run 'stradia <command> --help' for a command's options.");
  int exit_code = 0;
  stradia::app::add_serve(cli, exit_code);
  stradia::app::add_migrate(cli, exit_code);
  stradia::app::add_seed(cli, exit_code);
  stradia::app::add_project(cli, exit_code);
  stradia::app::add_rebuild(cli, exit_code);
  stradia::app::add_kafka_dev(cli, exit_code);
  stradia::app::add_plan(cli, exit_code);
  stradia::app::add_tenant(cli, exit_code);
  stradia::app::add_google_sandbox(cli, exit_code);
  stradia::app::add_audit(cli, exit_code);
  stradia::app::add_analyst(cli, exit_code);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is an answer (0); anything the command line got wrong is a usage error (2).
    return cli.exit(e) == 0 ? 0 : 2;
  }
  return exit_code;
}
