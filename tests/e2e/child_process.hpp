#pragma once
// A stradia subcommand run as a child process for a test, with its standard output read
// line by line: start it, wait for a line, signal it (SIGTERM, or SIGKILL to crash it).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace stradia::testing {

class child_process {
 public:
  // `max_descriptors` > 0: the child may open no more files than that (soft and hard limit).
  // `stderr_file`: the child's standard error (its log) goes there (appended).
  child_process(const std::vector<std::string>& args, const std::vector<std::string>& env, rlim_t max_descriptors = 0,
                const std::string& stderr_file = {}) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      if (!stderr_file.empty()) {
        const int log = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (log >= 0) ::dup2(log, STDERR_FILENO);
      }
      if (max_descriptors > 0) {
        const rlimit limit{max_descriptors, max_descriptors};
        ::setrlimit(RLIMIT_NOFILE, &limit);
      }
      for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> argv{const_cast<char*>(STRADIA_BINARY)};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(STRADIA_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_ = ::fdopen(out[0], "r");
  }
  ~child_process() { signal(SIGKILL); }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The next line of output (without its newline); empty once the output ended.
  std::string next_line() {
    char line[4096];
    if (!stdout_ || !std::fgets(line, sizeof line, stdout_)) return {};
    std::string text = line;
    if (!text.empty() && text.back() == '\n') text.pop_back();
    last_line_ = text;
    return text;
  }
  // Reads lines until one satisfies `wanted`; false when the output ends first.
  bool read_until(const std::function<bool(const std::string&)>& wanted) {
    for (auto line = next_line(); !line.empty(); line = next_line())
      if (wanted(line)) return true;
    return false;
  }
  const std::string& last_line() const { return last_line_; }

  // Sends `sig` and waits; the exit status (-1 when killed by a signal).
  int signal(int sig) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return status_;
  }
  // After signal(): the rest of the output, line by line.
  std::vector<std::string> remaining_lines() {
    std::vector<std::string> out;
    for (auto line = next_line(); !line.empty(); line = next_line()) out.push_back(line);
    if (stdout_) std::fclose(stdout_);
    stdout_ = nullptr;
    return out;
  }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::FILE* stdout_ = nullptr;
  std::string last_line_;
};

// A subcommand run to its end: its exit status and what it printed (standard output, then
// standard error when `with_errors`).
struct finished_run {
  int status = -1;
  std::string output;
};

inline finished_run run_to_end(const std::vector<std::string>& args, const std::vector<std::string>& env,
                               bool with_errors = false) {
  char errors[] = "/tmp/stradia-run-XXXXXX";
  const int fd = with_errors ? ::mkstemp(errors) : -1;
  if (fd >= 0) ::close(fd);
  finished_run out;
  {
    child_process child(args, env, 0, fd >= 0 ? errors : "");
    for (const auto& line : child.remaining_lines()) out.output += line + "\n";
    out.status = child.signal(0);
  }
  if (fd >= 0) {
    if (std::FILE* f = std::fopen(errors, "r")) {
      char buffer[4096];
      while (const auto n = std::fread(buffer, 1, sizeof buffer, f)) out.output.append(buffer, n);
      std::fclose(f);
    }
    ::unlink(errors);
  }
  return out;
}

}  // namespace stradia::testing
