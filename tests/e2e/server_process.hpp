#pragma once
// The real `stradia` binary as a child process on a free loopback port: seeded, served,
// and stopped with SIGTERM (waited for) when the test ends.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace stradia::testing {

// Runs the binary to completion with `env` added; returns its exit status.
inline int run_stradia(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(STRADIA_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(STRADIA_BINARY, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class server_process {
 public:
  explicit server_process(const std::vector<std::string>& env) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
      ::putenv(const_cast<char*>("STRADIA_LISTEN=127.0.0.1:0"));
      ::execl(STRADIA_BINARY, STRADIA_BINARY, "serve", nullptr);
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_ = ::fdopen(out[0], "r");
    char line[512];
    while (std::fgets(line, sizeof line, stdout_)) {
      const std::string text = line;
      const auto at = text.find("http://127.0.0.1:");
      if (at != std::string::npos) {
        port_ = static_cast<unsigned short>(std::stoi(text.substr(at + 17)));
        return;
      }
    }
    throw std::runtime_error("stradia serve did not start");
  }

  ~server_process() { stop(); }

  // SIGTERM, then the exit status (0 for a graceful stop).
  int stop() {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (stdout_) std::fclose(stdout_);
    stdout_ = nullptr;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_status_;
  }

  unsigned short port() const { return port_; }

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  unsigned short port_ = 0;
  int exit_status_ = -1;
};

}  // namespace stradia::testing
