// The client side of scripts/chaos: a steady load of AddTaskNote commands, each with its
// own Idempotency-Key, retried with that key while the server or its database is down
// (no answer, 503, or the key still held by a process that died), so every command ends
// answered or given up. Writes one line per command: key, final status, command id,
// attempts, and every status it met, for the checks that follow the run.
//   chaos_load --port P --token T --tasks id,id,... --seconds N [--workers W] --report FILE
//   chaos_load --digest CONNINFO     the read models' digest (to compare with a rebuild)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/http_client.hpp"
#include "projections/read_model_digest.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct options {
  unsigned short port = 0;
  std::string token;
  std::vector<std::string> tasks;
  int seconds = 60;
  int workers = 8;
  std::string report;
};

struct outcome {
  std::string key;
  int status = 0;  // 0: given up
  std::string command_id;
  std::vector<std::pair<long, int>> attempts;  // (ms since start, status; 0 = no answer)
};

int send(const options& o, const std::string& key, const std::string& body, std::string& answer) {
  try {
    const auto r = stradia::testing::http_call(o.port, "POST", "/api/v1/commands/AddTaskNote", body,
                                               {{"Authorization", "Bearer " + o.token}, {"Idempotency-Key", key}});
    answer = r.body;
    return r.status;
  } catch (const std::exception&) {
    return 0;  // refused: the server is down
  }
}

bool worth_retrying(int status, const std::string& answer) {
  return status == 0 || status == 503 || (status == 409 && answer.find("IDEMPOTENCY_KEY_IN_USE") != std::string::npos);
}

int run_load(const options& o) {
  const auto started = clock_type::now();
  const auto until = started + std::chrono::seconds(o.seconds);
  std::mutex mutex;
  std::vector<outcome> outcomes;
  std::vector<std::thread> threads;
  for (int w = 0; w < o.workers; ++w)
    threads.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      for (int seq = 0; clock_type::now() < until; ++seq) {
        outcome out;
        out.key = "chaos-" + std::to_string(w) + "-" + std::to_string(seq);
        const auto body =
            R"({"local_task_id":")" + o.tasks[rng() % o.tasks.size()] + R"(","content":")" + out.key + R"("})";
        const auto give_up = clock_type::now() + 60s;
        for (;;) {
          std::string answer;
          const int status = send(o, out.key, body, answer);
          out.attempts.emplace_back(
              std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started).count(), status);
          if (!worth_retrying(status, answer)) {
            out.status = status;
            if (status == 200) {
              const auto at = answer.find("\"command_id\":\"");
              if (at != std::string::npos) out.command_id = answer.substr(at + 14, 36);
            }
            break;
          }
          if (clock_type::now() > give_up) break;
          std::this_thread::sleep_for(100ms);
        }
        std::lock_guard lock(mutex);
        outcomes.push_back(std::move(out));
      }
    });
  for (auto& t : threads) t.join();
  std::ofstream report(o.report);
  std::size_t answered = 0, given_up = 0, other = 0;
  for (const auto& out : outcomes) {
    report << out.key << ' ' << out.status << ' ' << (out.command_id.empty() ? "-" : out.command_id) << ' '
           << out.attempts.size() << ' ';
    for (std::size_t i = 0; i < out.attempts.size(); ++i)
      report << (i ? "," : "") << out.attempts[i].first << ':' << out.attempts[i].second;
    report << '\n';
    answered += out.status == 200;
    given_up += out.status == 0;
    other += out.status != 200 && out.status != 0;
  }
  std::printf("commands %zu answered_200 %zu given_up %zu other %zu\n", outcomes.size(), answered, given_up, other);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--digest") {
      std::fputs(stradia::testing::read_model_digest(value).c_str(), stdout);
      return 0;
    }
    if (flag == "--port") o.port = static_cast<unsigned short>(std::stoi(value));
    if (flag == "--token") o.token = value;
    if (flag == "--seconds") o.seconds = std::stoi(value);
    if (flag == "--workers") o.workers = std::stoi(value);
    if (flag == "--report") o.report = value;
    if (flag == "--tasks") {
      std::stringstream list(value);
      for (std::string id; std::getline(list, id, ',');) o.tasks.push_back(id);
    }
  }
  if (!o.port || o.token.empty() || o.tasks.empty() || o.report.empty()) {
    std::fprintf(stderr, "usage: chaos_load --port P --token T --tasks id,... --seconds N --report FILE\n");
    return 2;
  }
  return run_load(o);
}
