#pragma once
// CPU time spent by the processes of a load run, read from /proc, so a bench can say where
// an operation's time goes (its server, its own threads, Postgres) and whether the machine
// was full: on a box whose cores the load shares, a rate is bound by CPU per operation.
#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace stradia::testing {

struct cpu_time {
  double user = 0, kernel = 0;  // seconds
  double total() const { return user + kernel; }
  cpu_time operator-(const cpu_time& o) const { return {user - o.user, kernel - o.kernel}; }
  cpu_time& operator+=(const cpu_time& o) {
    user += o.user;
    kernel += o.kernel;
    return *this;
  }
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// utime and stime of /proc/<pid>/stat (fields 14 and 15; the name in parentheses may hold spaces).
inline cpu_time cpu_of(int pid) {
  const auto text = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  cpu_time t;
  const auto tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) t.user = std::stod(field) / tick;
    if (i == 15) t.kernel = std::stod(field) / tick;
  }
  return t;
}

// Every process named `name` (its comm), e.g. all of Postgres's backends and workers.
inline cpu_time cpu_of_all(const std::string& name) {
  cpu_time sum;
  DIR* proc = opendir("/proc");
  if (!proc) return sum;
  while (const dirent* entry = readdir(proc)) {
    const std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto comm = read_text("/proc/" + pid + "/comm");
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm == name) sum += cpu_of(std::stoi(pid));
  }
  closedir(proc);
  return sum;
}

// The machine's idle seconds summed over its cores (/proc/stat's idle + iowait).
inline double idle_seconds() {
  std::istringstream line(read_text("/proc/stat"));
  std::string cpu;
  double user, nice, system, idle, iowait;
  line >> cpu >> user >> nice >> system >> idle >> iowait;
  return (idle + iowait) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace stradia::testing
