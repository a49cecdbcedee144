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

// Fields 14–17 of /proc/<pid>/stat: utime, stime, and the CPU of the children it has
// reaped (cutime, cstime); the name in parentheses may hold spaces. Field 4 is the parent.
struct proc_stat {
  int parent = 0;
  cpu_time own, reaped;
};

inline proc_stat stat_of(const std::string& pid) {
  const auto text = read_text("/proc/" + pid + "/stat");
  const auto close = text.rfind(')');
  proc_stat out;
  if (close == std::string::npos) return out;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  const auto tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (int i = 3; i <= 17 && fields >> field; ++i) {
    if (i == 4) out.parent = std::stoi(field);
    if (i == 14) out.own.user = std::stod(field) / tick;
    if (i == 15) out.own.kernel = std::stod(field) / tick;
    if (i == 16) out.reaped.user = std::stod(field) / tick;
    if (i == 17) out.reaped.kernel = std::stod(field) / tick;
  }
  return out;
}

inline cpu_time cpu_of(int pid) { return stat_of(std::to_string(pid)).own; }

// A server and every process it started, those that ended included (their CPU is in the
// parent's reaped time): e.g. one Postgres cluster's postmaster, backends and workers.
inline cpu_time cpu_of_tree(int root) {
  const auto top = stat_of(std::to_string(root));
  cpu_time sum = top.own;
  sum += top.reaped;
  DIR* proc = opendir("/proc");
  if (!proc) return sum;
  while (const dirent* entry = readdir(proc)) {
    const std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto child = stat_of(pid);
    if (child.parent != root) continue;
    sum += child.own;
    sum += child.reaped;
  }
  closedir(proc);
  return sum;
}

// The machine's idle time summed over its cores (/proc/stat's idle + iowait), and how many
// cores /proc/stat counts.
struct machine_idle {
  double seconds = 0;
  int cores = 0;
};

inline machine_idle machine_idle_now() {
  std::istringstream stat(read_text("/proc/stat"));
  machine_idle out;
  std::string line;
  while (std::getline(stat, line)) {
    if (line.rfind("cpu ", 0) == 0) {
      std::istringstream fields(line.substr(4));
      double user = 0, nice = 0, system = 0, idle = 0, iowait = 0;
      fields >> user >> nice >> system >> idle >> iowait;
      out.seconds = (idle + iowait) / static_cast<double>(sysconf(_SC_CLK_TCK));
    } else if (line.rfind("cpu", 0) == 0) {
      ++out.cores;
    }
  }
  return out;
}

// How idle the machine was between two readings `wall` seconds apart, in percent.
inline double idle_percent(const machine_idle& before, const machine_idle& after, double wall) {
  if (after.cores == 0 || wall <= 0) return 0;
  return 100.0 * (after.seconds - before.seconds) / (wall * after.cores);
}

}  // namespace stradia::testing
