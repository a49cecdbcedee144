// Load tool for the event store: group-committed appends from concurrent writers, 100-event
// batches, and a forward read of the whole log. Prints one line per figure; scripts/bench
// eventstore runs it next to pgbench on the same private Postgres.
//   eventstore_load APP_CONNINFO WORKER_CONNINFO OWNER_CONNINFO SECONDS
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/event_store.hpp"
#include "random_uuid.hpp"
#include "task.pb.h"

namespace {

using clock_type = std::chrono::steady_clock;
namespace es = stradia::eventstore;

std::string uuid(std::mt19937_64& rng) { return stradia::testing::random_uuid(rng); }

std::string task_moved_payload() {
  stradia::task::v1::TaskMoved e;
  e.set_local_task_id("6ebf5172-93a4-4ecf-9041-5c6d7e8f0001");
  e.set_local_board_id("3b8d2e4f-6071-4b9c-8d1e-2f3a4b5c0001");
  e.set_previous_status(stradia::common::v1::TaskStatus::TODO);
  e.set_new_status(stradia::common::v1::TaskStatus::IN_PROGRESS);
  e.set_moved_by("1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0004");
  e.mutable_moved_at()->set_seconds(1771755000);
  return e.SerializeAsString();
}

struct run_result {
  std::uint64_t events = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Each writer appends `batch` events per call to fresh streams, back to back, for `seconds`.
run_result appends(es::event_store& store, const std::string& tenant, int writers, int batch, int seconds) {
  const auto payload = task_moved_payload();
  std::atomic<std::uint64_t> events{0};
  std::vector<std::vector<double>> latencies(writers);
  const auto start = clock_type::now();
  const auto deadline = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937_64 rng(std::random_device{}());
      while (clock_type::now() < deadline) {
        es::stream_append stream{"task-" + uuid(rng), es::expected_version::no_stream(), {}, {}};
        for (int i = 0; i < batch; ++i) {
          es::event_to_append e;
          e.event_id = uuid(rng);
          e.event_type = "TaskMoved";
          e.payload = payload;
          e.user_id = "1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0004";
          stream.events.push_back(std::move(e));
        }
        const auto t0 = clock_type::now();
        auto r = store.append({tenant, {std::move(stream)}});
        if (!r) {
          std::fprintf(stderr, "append failed: %s\n", r.error().message.c_str());
          std::exit(1);
        }
        latencies[w].push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
        events += static_cast<std::uint64_t>(batch);
      }
    });
  }
  for (auto& t : threads) t.join();
  run_result out;
  out.events = events;
  out.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  for (auto& l : latencies) out.latencies_ms.insert(out.latencies_ms.end(), l.begin(), l.end());
  return out;
}

void report(const char* what, int writers, const run_result& r, std::uint64_t transactions) {
  std::printf("stradia %s, %d writers: %.0f events/s (p50 %.2f ms, p99 %.2f ms, %.1f events per transaction)\n", what,
              writers, static_cast<double>(r.events) / r.seconds, percentile(r.latencies_ms, 0.5),
              percentile(r.latencies_ms, 0.99),
              transactions ? static_cast<double>(r.events) / static_cast<double>(transactions) : 0.0);
  std::fflush(stdout);
}

void seed_log(const std::string& app, const std::string& tenant, std::int64_t total) {
  pqxx::connection c(app);
  const auto payload = task_moved_payload();
  std::string hex;
  for (unsigned char b : payload) {
    static constexpr char digits[] = "0123456789abcdef";
    hex += digits[b >> 4];
    hex += digits[b & 0xF];
  }
  for (std::int64_t done = 0; done < total; done += 100000) {
    const auto last = std::min(done + 100000, total) - 1;
    pqxx::work w(c);
    w.exec_params("SELECT set_config('app.current_tenant', $1, true)", tenant);
    w.exec_params(
        "INSERT INTO events (event_id, tenant_id, stream_id, stream_version, event_type, payload, metadata) "
        "SELECT gen_random_uuid(), $1::uuid, 'seed-' || (g / 100), g % 100 + 1, 'TaskMoved', decode($2, 'hex'), "
        "'{\"user_id\": \"1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0004\"}' FROM generate_series($3::bigint, $4::bigint) g",
        tenant, hex, done, last);
    w.commit();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: eventstore_load APP_CONNINFO WORKER_CONNINFO OWNER_CONNINFO SECONDS\n");
    return 2;
  }
  const std::string app = argv[1], worker = argv[2], owner = argv[3];
  const int seconds = std::stoi(argv[4]);
  std::mt19937_64 rng(42);
  const auto tenant = uuid(rng);

  for (int writers : {1, 4, 16}) {
    es::event_store store({app, worker});
    const auto before = store.append_transactions();
    auto r = appends(store, tenant, writers, 1, seconds);
    report("single-event appends", writers, r, store.append_transactions() - before);
  }
  for (int writers : {1, 4}) {
    es::event_store store({app, worker});
    const auto before = store.append_transactions();
    auto r = appends(store, tenant, writers, 100, seconds);
    report("100-event appends", writers, r, store.append_transactions() - before);
  }

  // Fill the log up to 1M events (the appends above are part of it), then read it all.
  constexpr std::int64_t log_size = 1000000;
  std::int64_t expected = 0;
  {
    pqxx::connection c(owner);
    const auto existing = pqxx::nontransaction(c).exec("SELECT count(*) FROM events")[0][0].as<std::int64_t>();
    if (existing < log_size) seed_log(app, tenant, log_size - existing);
    expected = std::max(existing, log_size);
    pqxx::nontransaction(c).exec("VACUUM ANALYZE events");
  }
  es::event_store store({app, worker});
  const auto start = clock_type::now();
  std::int64_t after = 0, read = 0;
  for (;;) {
    auto batch = store.read_all(after, 10000);
    if (!batch || batch->empty()) break;
    read += static_cast<std::int64_t>(batch->size());
    after = batch->back().global_position();
  }
  const double s = std::chrono::duration<double>(clock_type::now() - start).count();
  std::printf("stradia read whole log: %lld events in %.2f s: %.0f events/s\n", static_cast<long long>(read), s,
              static_cast<double>(read) / s);
  if (read != expected)
    std::fprintf(stderr, "read %lld events, the log has %lld\n", static_cast<long long>(read),
                 static_cast<long long>(expected));
  return read == expected ? 0 : 1;
}
