// Load tool for the HTTP command path: POST MoveTask and AddTaskNote over keep-alive
// connections (16 and 64), each connection working its own task, next to the event
// store's raw append rate measured in the same run (16 writers, in process).
//   http_load PORT APP_CONNINFO WORKER_CONNINFO SECONDS SERVER_PID POSTMASTER_PID
// After each figure, the CPU it cost per event or command in the server, this load and
// Postgres (the postmaster's process tree, from /proc), and how idle the machine was.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/cpu_time.hpp"
#include "eventstore/event_store.hpp"
#include "random_uuid.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// One keep-alive HTTP/1.1 connection to 127.0.0.1.
class connection {
 public:
  explicit connection(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
  }
  ~connection() { ::close(fd_); }

  // Returns the status and fills `body`.
  int post(const std::string& target, const std::string& token, const std::string& payload, std::string& body) {
    const std::string request =
        "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n\r\n" +
        payload;
    for (std::size_t sent = 0; sent < request.size();) {
      const auto n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return -1;
      sent += static_cast<std::size_t>(n);
    }
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return -1;
    const auto length_at = buffer_.find("Content-Length: ");
    const std::size_t length = length_at < head_end ? std::stoul(buffer_.substr(length_at + 16)) : 0;
    while (buffer_.size() < head_end + 4 + length)
      if (!fill()) return -1;
    const int status = std::stoi(buffer_.substr(9, 3));
    body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return status;
  }

 private:
  bool fill() {
    char chunk[16384];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
  std::string buffer_;
};

std::string field(const std::string& json, const std::string& name) {
  const auto key = "\"" + name + "\":\"";
  const auto at = json.find(key);
  if (at == std::string::npos) return "";
  return json.substr(at + key.size(), json.find('"', at + key.size()) - at - key.size());
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct figure {
  double commands;
  double per_second;
  double p50_ms;
  double p99_ms;
  std::uint64_t failures;
};

template <class MakeBody>
figure drive(unsigned short port, const std::string& token, const std::vector<std::string>& tasks, int connections,
             int seconds, const std::string& command, MakeBody make_body) {
  std::atomic<std::uint64_t> done{0}, failed{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  const auto deadline = clock_type::now() + std::chrono::seconds(seconds);
  const auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      connection conn(port);
      std::string body;
      for (std::uint64_t i = 0; clock_type::now() < deadline; ++i) {
        const auto t0 = clock_type::now();
        const int status =
            conn.post("/api/v1/commands/" + command, token, make_body(tasks[static_cast<std::size_t>(c)], i), body);
        latencies[static_cast<std::size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
        if (status == 200) {
          ++done;
        } else if (failed++ == 0) {
          std::fprintf(stderr, "first failure: %d %s\n", status, body.c_str());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double s = std::chrono::duration<double>(clock_type::now() - start).count();
  return {static_cast<double>(done), static_cast<double>(done) / s, percentile(all, 0.5), percentile(all, 0.99),
          failed.load()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: http_load PORT APP_CONNINFO WORKER_CONNINFO SECONDS SERVER_PID POSTMASTER_PID\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
  const std::string app = argv[2], worker = argv[3];
  const int seconds = std::stoi(argv[4]);
  const int server_pid = std::stoi(argv[5]), postmaster_pid = std::stoi(argv[6]);

  // Where each operation's CPU went during a phase: the server, this load, Postgres.
  struct cpu_sample {
    stradia::testing::cpu_time server, load, postgres;
    stradia::testing::machine_idle idle;
    clock_type::time_point at;
  };
  auto sample = [&] {
    return cpu_sample{stradia::testing::cpu_of(server_pid), stradia::testing::cpu_of(getpid()),
                      stradia::testing::cpu_of_tree(postmaster_pid), stradia::testing::machine_idle_now(),
                      clock_type::now()};
  };
  auto print_cpu = [&](const cpu_sample& before, double operations, const char* what) {
    const auto after = sample();
    if (operations <= 0) return;
    const auto us = [&](const stradia::testing::cpu_time& a, const stradia::testing::cpu_time& b) {
      return (a - b).total() / operations * 1e6;
    };
    const double wall = std::chrono::duration<double>(after.at - before.at).count();
    std::printf("  CPU %s: server %.1f us, Postgres %.1f us, this load %.1f us; the machine %.0f %% idle\n", what,
                us(after.server, before.server), us(after.postgres, before.postgres), us(after.load, before.load),
                stradia::testing::idle_percent(before.idle, after.idle, wall));
  };

  connection setup(port);
  std::string body;
  if (connection(port).post("/api/v1/auth/login", "", R"({"email":"admin@acme.com","password":"stradia-dev"})", body) !=
      200) {
    std::fprintf(stderr, "login failed: %s\n", body.c_str());
    return 1;
  }
  const auto token = field(body, "token");
  // A board of the playground, and one task of our own per connection.
  stradia::eventstore::event_store store({app, worker});
  std::string board;
  for (const auto& e : *store.read_all(0, 100000))
    if (e.event_type() == "LocalBoardCreated") {
      board = e.stream_id().substr(6);
      break;
    }
  std::vector<std::string> tasks;
  for (int i = 0; i < 2 * (16 + 64); ++i) {  // fresh tasks for every phase
    if (setup.post("/api/v1/commands/CreateCustomLocalTask", token,
                   R"({"local_board_id":")" + board + R"(","title":"Load task )" + std::to_string(i) + "\"}",
                   body) != 200) {
      std::fprintf(stderr, "task creation failed: %s\n", body.c_str());
      return 1;
    }
    tasks.push_back(field(body, "local_task_id"));
  }

  // The baseline: single-event appends straight into the store, 16 writers.
  std::atomic<std::uint64_t> appended{0};
  {
    const auto cpu_before = sample();
    const auto deadline = clock_type::now() + std::chrono::seconds(seconds);
    const auto start = clock_type::now();
    std::vector<std::thread> writers;
    for (int w = 0; w < 16; ++w)
      writers.emplace_back([&] {
        while (clock_type::now() < deadline) {
          const auto id = stradia::testing::random_uuid();
          stradia::eventstore::event_to_append e{id, "TaskNoteAdded", 1, std::string(120, 'x'), "", "", "system", ""};
          if (store.append({"a5e1c0de-0000-4000-8000-000000000001",
                            {{"bench-" + id, stradia::eventstore::expected_version::no_stream(), {e}}}}))
            ++appended;
        }
      });
    for (auto& w : writers) w.join();
    const double s = std::chrono::duration<double>(clock_type::now() - start).count();
    std::printf("raw event store appends, 16 writers: %.0f events/s\n", static_cast<double>(appended) / s);
    print_cpu(cpu_before, static_cast<double>(appended), "an event");
  }
  // The server's followers finish with the raw appends before the commands are timed.
  std::this_thread::sleep_for(std::chrono::seconds(2));

  const char* statuses[] = {"TODO", "IN_PROGRESS"};
  std::size_t next_task = 0;
  auto take_tasks = [&](int n) {
    std::vector<std::string> out(tasks.begin() + static_cast<long>(next_task),
                                 tasks.begin() + static_cast<long>(next_task + n));
    next_task += static_cast<std::size_t>(n);
    return out;
  };
  for (int connections : {16, 64}) {
    auto cpu_before = sample();
    auto moves = drive(port, token, take_tasks(connections), connections, seconds, "MoveTask",
                       [&](const std::string& task, std::uint64_t i) {
                         return R"({"local_task_id":")" + task + R"(","expected_previous_status":")" + statuses[i % 2] +
                                R"(","new_status":")" + statuses[(i + 1) % 2] + "\"}";
                       });
    std::printf("POST MoveTask, %d connections: %.0f commands/s (p50 %.2f ms, p99 %.2f ms, %llu failed)\n", connections,
                moves.per_second, moves.p50_ms, moves.p99_ms, static_cast<unsigned long long>(moves.failures));
    print_cpu(cpu_before, moves.commands, "a command");
    cpu_before = sample();
    auto notes = drive(port, token, take_tasks(connections), connections, seconds, "AddTaskNote",
                       [](const std::string& task, std::uint64_t) {
                         return R"({"local_task_id":")" + task + R"(","content":"Checked on staging."})";
                       });
    std::printf("POST AddTaskNote, %d connections: %.0f commands/s (p50 %.2f ms, p99 %.2f ms, %llu failed)\n",
                connections, notes.per_second, notes.p50_ms, notes.p99_ms,
                static_cast<unsigned long long>(notes.failures));
    print_cpu(cpu_before, notes.commands, "a command");
    std::fflush(stdout);
  }
  return 0;
}
