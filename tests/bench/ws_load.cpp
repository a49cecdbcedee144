// WebSocket fan-out benchmark against a running `stradia serve` (scripts/bench websocket):
//   ws_load PORT APP_URL WORKER_URL SERVER_PID CLIENTS BOARDS RATE SECONDS
// Appends BOARDS synthetic boards to the seeded Acme tenant (once per board count), opens
// CLIENTS WebSockets as admin@acme.com spread over the boards, measures the server's RSS
// per idle connection, then appends one TaskNoteAdded per 1/RATE s round-robin over the
// boards and times each frame from the append's commit to its arrival at every client.
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/cpu_time.hpp"
#include "bench/latency_percentiles.hpp"
#include "e2e/http_client.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/log_reader.hpp"
#include "projections/synthetic_board_log.hpp"
#include "random_uuid.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using namespace stradia;
using clock_type = std::chrono::steady_clock;
const std::string acme = "a5e1c0de-0000-4000-8000-000000000001";

std::string uuid() { return testing::random_uuid(); }

long rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

struct board_ref {
  std::string board, task;
};

struct recorder {
  explicit recorder(std::size_t n) : committed(n) {}
  std::vector<std::atomic<std::int64_t>> committed;  // by sequence number, steady ns
  std::mutex mutex;
  std::vector<std::int64_t> lags_us;
  std::atomic<long> frames{0};
  std::atomic<long> errors{0};
  std::atomic<long> join_retries{0};
};

class client : public std::enable_shared_from_this<client> {
 public:
  client(net::io_context& io, recorder& r) : ws_(net::make_strand(io)), retry_(ws_.get_executor()), r_(r) {}
  void start(unsigned short port, const std::string& token, const std::string& board, std::atomic<int>& joined) {
    token_ = token;
    board_ = board;
    joined_ = &joined;
    beast::get_lowest_layer(ws_).async_connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
        [self = shared_from_this()](beast::error_code ec) {
          if (ec) return std::fprintf(stderr, "connect: %s\n", ec.message().c_str()), void();
          self->ws_.set_option(websocket::stream_base::decorator([t = self->token_](websocket::request_type& req) {
            req.set(beast::http::field::authorization, "Bearer " + t);
          }));
          self->ws_.async_handshake("127.0.0.1", "/ws", [self](beast::error_code ec2) {
            if (ec2) return std::fprintf(stderr, "handshake: %s\n", ec2.message().c_str()), void();
            self->join();
          });
        });
  }

 private:
  // The first join starts the read loop; a retried one only writes (one read at a time).
  void join() {
    out_ = R"({"event":"client:join_board","payload":{"local_board_id":")" + board_ + R"("}})";
    ws_.text(true);
    ws_.async_write(net::buffer(out_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && !self->reading_) {
        self->reading_ = true;
        self->read();
      }
    });
  }
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      const auto now = clock_type::now().time_since_epoch().count();
      const auto text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      if (text.find("server:board_state_sync") != std::string::npos) {
        self->joined_once_ = true;
        ++*self->joined_;
      } else if (text.find("server:error") != std::string::npos) {
        // A server under a burst of joins refuses some with 503 and asks for a retry.
        if (!self->joined_once_ && text.find("SERVICE_UNAVAILABLE") != std::string::npos) {
          ++self->r_.join_retries;
          self->retry_.expires_after(std::chrono::milliseconds(100));
          self->retry_.async_wait([self](beast::error_code ec) {
            if (!ec) self->join();
          });
        } else if (self->r_.errors++ < 5) {
          std::fprintf(stderr, "error frame: %s\n", text.c_str());
        }
      } else if (const auto at = text.find("\"content\":\"seq-"); at != std::string::npos) {
        const auto seq = std::stoul(text.substr(at + 15));
        ++self->r_.frames;
        if (seq < self->r_.committed.size()) {
          const auto t = self->r_.committed[seq].load();
          if (t) {
            std::lock_guard lock(self->r_.mutex);
            self->r_.lags_us.push_back(std::max<std::int64_t>(0, (now - t) / 1000));
          }
        }
      }
      self->read();
    });
  }
  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer retry_;
  bool joined_once_ = false;
  bool reading_ = false;
  recorder& r_;
  beast::flat_buffer buffer_;
  std::string token_, board_, out_;
  std::atomic<int>* joined_ = nullptr;
};

// Boards with one task each in Acme, appended once: the benchmark's rooms.
std::vector<board_ref> boards_of(eventstore::event_store& store, const std::string& worker, int count) {
  std::vector<board_ref> out;
  auto scan = [&] {
    out.clear();
    auto reader = eventstore::log_reader::connect(worker);
    for (std::int64_t after = 0;;) {
      auto batch = (*reader)->read_after(after, 10000);
      if (!batch || batch->empty()) break;
      for (const auto& e : *batch) {
        if (e.event_type() != "LocalTaskCreated" || e.user_id() != "synthetic") continue;
        task::v1::LocalTaskCreated created;
        created.ParseFromString(e.payload());
        out.push_back({created.local_board_id(), created.local_task_id()});
      }
      after = batch->back().global_position();
    }
  };
  scan();
  if (static_cast<int>(out.size()) < count) {
    testing::synthetic_log_shape shape;
    shape.boards = count - static_cast<int>(out.size());
    shape.tasks_per_board = 1;
    shape.events_per_task = 1;
    testing::append_synthetic_board_log(store, acme, shape, &uuid);
    scan();
  }
  out.resize(static_cast<std::size_t>(count));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 9) {
    std::fprintf(stderr, "usage: ws_load PORT APP_URL WORKER_URL SERVER_PID CLIENTS BOARDS RATE SECONDS\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::stoi(argv[1]));
  const std::string app = argv[2], worker = argv[3];
  const int server_pid = std::stoi(argv[4]), clients = std::stoi(argv[5]), board_count = std::stoi(argv[6]);
  const double rate = std::stod(argv[7]), seconds = std::stod(argv[8]);

  eventstore::event_store store({app, worker});
  const auto boards = boards_of(store, worker, board_count);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the read model applies them
  auto login =
      testing::http_call(port, "POST", "/api/v1/auth/login", R"({"email":"admin@acme.com","password":"stradia-dev"})");
  const auto at = login.body.find("\"token\":\"");
  const auto token = login.body.substr(at + 9, login.body.find('"', at + 9) - at - 9);

  const auto total = static_cast<std::size_t>(rate * seconds) + 16;
  recorder r(total);
  net::io_context io;
  std::atomic<int> joined{0};
  const long rss_before = rss_kib(server_pid);
  std::vector<std::shared_ptr<client>> all;
  auto guard = net::make_work_guard(io);
  std::thread loop([&] { io.run(); });
  const auto connecting = clock_type::now();
  for (int i = 0; i < clients; ++i) {
    all.push_back(std::make_shared<client>(io, r));
    all.back()->start(port, token, boards[static_cast<std::size_t>(i % board_count)].board, joined);
    if (i % 200 == 199) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // under the accept backlog
  }
  while (joined < clients && clock_type::now() - connecting < std::chrono::seconds(120))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const long rss_after = rss_kib(server_pid);
  std::printf(
      "%d clients on %d boards joined in %.1f s (%ld joins retried after a 503); server RSS %.1f MiB → %.1f MiB: %.1f "
      "KiB per idle connection\n",
      joined.load(), board_count, std::chrono::duration<double>(clock_type::now() - connecting).count(),
      r.join_retries.load(), rss_before / 1024.0, rss_after / 1024.0,
      static_cast<double>(rss_after - rss_before) / std::max(1, joined.load()));

  const auto server_cpu_before = testing::cpu_of(server_pid), client_cpu_before = testing::cpu_of(getpid());
  const auto idle_before = testing::machine_idle_now();
  const auto start = clock_type::now();
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  std::size_t sent = 0;
  for (std::size_t seq = 0; seq + 16 < total; ++seq) {
    const auto due = start + std::chrono::duration_cast<clock_type::duration>(interval * static_cast<double>(seq));
    std::this_thread::sleep_until(due);
    const auto& b = boards[seq % boards.size()];
    task::v1::TaskNoteAdded note;
    note.set_local_task_id(b.task);
    note.set_local_board_id(b.board);
    note.set_note_id(uuid());
    note.set_user_id("00000000-0000-4000-8000-0000000be0c4");
    note.set_content("seq-" + std::to_string(seq) + "-fan-out");
    eventstore::event_to_append e;
    e.event_id = uuid();
    e.event_type = "TaskNoteAdded";
    e.payload = note.SerializeAsString();
    if (store.append({acme, {{"task-" + b.task, eventstore::expected_version::any(), {e}}}})) {
      r.committed[seq] = clock_type::now().time_since_epoch().count();
      ++sent;
    }
  }
  const double took = std::chrono::duration<double>(clock_type::now() - start).count();
  const long expected = static_cast<long>(sent) * clients / board_count;
  const auto drain = clock_type::now();
  while (r.frames < expected && clock_type::now() - drain < std::chrono::seconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto server_cpu = testing::cpu_of(server_pid) - server_cpu_before;
  const auto client_cpu = testing::cpu_of(getpid()) - client_cpu_before;
  const double idle = testing::idle_percent(idle_before, testing::machine_idle_now(),
                                            std::chrono::duration<double>(clock_type::now() - start).count());
  guard.reset();
  io.stop();
  loop.join();
  std::lock_guard lock(r.mutex);
  auto& lags = r.lags_us;
  const testing::latency_percentiles percentiles(lags);
  auto pct = [&](double p) { return percentiles.ms(p); };

  std::printf(
      "%d clients, %d boards, %.0f notes/s (sent %.0f/s): %ld of %ld frames, commit→frame p50 %.2f ms, p99 "
      "%.2f ms, max %.2f ms\n",
      clients, board_count, rate, static_cast<double>(sent) / took, r.frames.load(), expected, pct(0.5), pct(0.99),
      pct(1.0));
  const double frames = static_cast<double>(std::max(1L, r.frames.load()));
  // Where a frame's time goes: on loopback the sender's kernel also runs the receiving side
  // of TCP, so the server's kernel share is both ends of the connection.
  const auto per_frame = [&](double seconds) { return seconds / frames * 1e6; };
  std::printf(
      "CPU a frame while broadcasting: server %.1f us (user %.1f, kernel %.1f), this client %.1f us (user %.1f, "
      "kernel %.1f); the machine %.0f %% idle\n",
      per_frame(server_cpu.user + server_cpu.kernel), per_frame(server_cpu.user), per_frame(server_cpu.kernel),
      per_frame(client_cpu.user + client_cpu.kernel), per_frame(client_cpu.user), per_frame(client_cpu.kernel), idle);
  return 0;
}
