#pragma once
// The real `stradia` binary as a child process: a subcommand run to completion, or
// `stradia serve` on a free loopback port, stopped with SIGTERM (waited for) when the
// test ends.
#include <signal.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace stradia::testing {

// Runs the binary to completion with `env` added; returns its exit status.
inline int run_stradia(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  child_process child(args, env);
  child.remaining_lines();
  return child.signal(0);
}

class server_process {
 public:
  explicit server_process(std::vector<std::string> env, rlim_t max_descriptors = 0, const std::string& log_file = {})
      : process_({"serve"}, listening_anywhere(std::move(env)), max_descriptors, log_file) {
    const bool listening = process_.read_until([this](const std::string& line) {
      const auto at = line.find("http://127.0.0.1:");
      if (at == std::string::npos) return false;
      port_ = static_cast<unsigned short>(std::stoi(line.substr(at + 17)));
      return true;
    });
    if (!listening) throw std::runtime_error("stradia serve did not start");
  }
  ~server_process() { stop(); }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  // SIGTERM, then the exit status (0 for a graceful stop).
  int stop() {
    if (!stopped_) {
      exit_status_ = process_.signal(SIGTERM);
      process_.remaining_lines();
      stopped_ = true;
    }
    return exit_status_;
  }

  unsigned short port() const { return port_; }

 private:
  static std::vector<std::string> listening_anywhere(std::vector<std::string> env) {
    env.push_back("STRADIA_LISTEN=127.0.0.1:0");  // a free port, printed on start
    return env;
  }

  child_process process_;
  unsigned short port_ = 0;
  bool stopped_ = false;
  int exit_status_ = -1;
};

}  // namespace stradia::testing
