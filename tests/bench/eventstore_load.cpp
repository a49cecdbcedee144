// Load tool for the event store: group-committed appends from concurrent writers, 100-event
// batches, and a forward read of the whole log. Prints one line per figure; scripts/bench
// eventstore runs it next to pgbench on the same private Postgres.
//   eventstore_load APP_CONNINFO WORKER_CONNINFO OWNER_CONNINFO SECONDS
// With `audit EXPORT_FILE` after SECONDS (scripts/bench audit): single-event appends at 16
// writers with the audit sealer off and on, 4 runs each in ABBA BAAB order; then a 1M-event tenant sealed, its
// inclusion and consistency proofs timed, and its export written to EXPORT_FILE.
// One figure per call, so scripts/bench peers can interleave them with its peers' runs:
//   ... SECONDS appends WRITERS         single-event appends, the audit sealer running
//   ... SECONDS read EVENTS             the log filled to EVENTS, then read whole
//   ... SECONDS message-db-read EVENTS  Message DB's messages filled to EVENTS (OWNER then
//                                       names a superuser), then read through its own
//                                       get_category_messages, a batch at a time
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/audit/audit_reader.hpp"
#include "eventstore/audit/sealer.hpp"
#include "eventstore/audit/trail_transfer.hpp"
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

// The audit key of every bench run: fixed, the runs sign nothing anyone verifies.
std::optional<es::audit::head_signer> bench_signer() {
  return es::audit::head_signer::from_seed(std::string(32, '\x07'));
}

// The audit sealer as `stradia serve` runs it, started once the backlog is sealed, so
// what it does while it runs is sealing live appends only.
std::unique_ptr<es::audit::sealer> live_sealer(const std::string& worker,
                                               const std::optional<es::audit::head_signer>& signer) {
  (void)es::audit::sealer::seal_once(worker, signer, false);
  es::audit::sealer_options options;
  options.worker_conninfo = worker;
  options.signer = signer;
  return std::make_unique<es::audit::sealer>(options);
}

}  // namespace

// The audit figures of issue 14 (see the header).
int audit_bench(const std::string& app, const std::string& worker, const std::string& owner, int seconds,
                const std::string& export_file) {
  namespace audit = es::audit;
  std::mt19937_64 rng(7);
  const auto tenant = uuid(rng);
  const auto signer = bench_signer();
  // Off and on in the order A B B A B A A B: the log grows as the runs go, so later runs are
  // slower; this order gives both sides the same mean position, so the drift cancels.
  std::vector<double> off, on;
  for (const bool sealing : {false, true, true, false, true, false, false, true}) {
    if (!sealing) {
      es::event_store store({app, worker});
      off.push_back(static_cast<double>(appends(store, tenant, 16, 1, seconds).events) / seconds);
      std::printf("stradia single-event appends, 16 writers, sealing off: %.0f events/s\n", off.back());
      std::fflush(stdout);
      continue;
    }
    const auto sealing_now = live_sealer(worker, signer);
    es::event_store store({app, worker});
    on.push_back(static_cast<double>(appends(store, tenant, 16, 1, seconds).events) / seconds);
    const auto head = *store.head_position();
    const auto waited_from = clock_type::now();
    while (sealing_now->sealed_position() < head && clock_type::now() - waited_from < std::chrono::seconds(30))
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::printf(
        "stradia single-event appends, 16 writers, sealing on: %.0f events/s (sealed %.0f ms after the last "
        "append)\n",
        on.back(), std::chrono::duration<double, std::milli>(clock_type::now() - waited_from).count());
    std::fflush(stdout);
  }
  const auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
  std::printf("sealing on / off, means of 4 runs each (ABBA BAAB): %.0f / %.0f events/s = %.2fx (goal >= 0.9x)\n",
              mean(on), mean(off), mean(on) / mean(off));

  constexpr std::int64_t tenant_size = 1000000;
  {
    pqxx::connection c(owner);
    const auto existing = pqxx::nontransaction(c)
                              .exec_params1("SELECT count(*) FROM events WHERE tenant_id = $1", tenant)[0]
                              .as<std::int64_t>();
    if (existing < tenant_size) seed_log(app, tenant, tenant_size - existing);
    pqxx::nontransaction(c).exec("VACUUM ANALYZE events");
  }
  auto started = clock_type::now();
  const auto sealed = audit::sealer::seal_once(worker, signer, true);
  if (sealed > 0)
    std::printf("stradia audit seal (catch-up): %lld events in %.1f s: %.0f events/s\n", static_cast<long long>(sealed),
                std::chrono::duration<double>(clock_type::now() - started).count(),
                static_cast<double>(sealed) / std::chrono::duration<double>(clock_type::now() - started).count());
  {
    pqxx::connection c(owner);
    pqxx::nontransaction(c).exec("VACUUM ANALYZE audit_leaves");
    pqxx::nontransaction(c).exec("VACUUM ANALYZE audit_nodes");
  }

  audit::audit_reader reader(app);
  pqxx::connection c(worker);
  const auto size = pqxx::read_transaction(c)
                        .exec_params1("SELECT count(*) FROM audit_leaves WHERE tenant_id = $1", tenant)[0]
                        .as<std::int64_t>();
  std::vector<std::int64_t> positions;
  {
    pqxx::read_transaction tx(c);
    for (int i = 0; i < 2000; ++i)
      positions.push_back(
          tx.exec_params1("SELECT global_position FROM audit_leaves WHERE tenant_id = $1 AND leaf_index = $2", tenant,
                          static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(size)))[0]
              .as<std::int64_t>());
  }
  std::vector<double> inclusion_ms, consistency_ms;
  for (const auto p : positions) {
    const auto t0 = clock_type::now();
    const auto proof = reader.inclusion_of(tenant, p, size);
    inclusion_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
    if (!proof) {
      std::fprintf(stderr, "inclusion proof failed: %s\n", proof.error().detail.c_str());
      return 1;
    }
    const auto from = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(size));
    const auto t1 = clock_type::now();
    const auto consistency = reader.consistency(tenant, from, size);
    consistency_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t1).count());
    if (!consistency) return 1;
  }
  std::printf(
      "inclusion proof on a %lld-event tenant: p50 %.2f ms, p99 %.2f ms (goal p99 <= 5 ms); consistency p50 %.2f ms, "
      "p99 %.2f ms\n",
      static_cast<long long>(size), percentile(inclusion_ms, 0.5), percentile(inclusion_ms, 0.99),
      percentile(consistency_ms, 0.5), percentile(consistency_ms, 0.99));
  std::FILE* out = std::fopen(export_file.c_str(), "w");
  if (!out) return 1;
  started = clock_type::now();
  const auto exported = audit::export_tenant(
      worker, tenant, signer->public_key(), [&](const std::string& line) { std::fprintf(out, "%s\n", line.c_str()); },
      [](std::int64_t, std::int64_t) {});
  std::fclose(out);
  if (!exported) return 1;
  const double export_s = std::chrono::duration<double>(clock_type::now() - started).count();
  std::printf("stradia audit export: %lld events in %.1f s: %.0f events/s\n", static_cast<long long>(*exported),
              export_s, static_cast<double>(*exported) / export_s);
  std::fflush(stdout);
  return 0;
}

// Fills the log up to `log_size` events (whatever is there counts), then reads it all in
// batches of 10,000, as a rebuild does. Answers whether every event was read.
bool read_whole_log(const std::string& app, const std::string& worker, const std::string& owner,
                    const std::string& tenant, std::int64_t log_size) {
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
  return read == expected;
}

// Single-event appends at `writers` with the audit sealer running, as `stradia serve` has it.
void sealed_appends(const std::string& app, const std::string& worker, const std::string& tenant, int writers,
                    int seconds) {
  const auto sealing = live_sealer(worker, bench_signer());
  es::event_store store({app, worker});
  const auto before = store.append_transactions();
  auto r = appends(store, tenant, writers, 1, seconds);
  report("single-event appends", writers, r, store.append_transactions() - before);
}

// Message DB's read, as its consumers page a category: get_category_messages from the
// next global position, `batch` messages at a time, every column read as text (its type).
bool message_db_read(const std::string& superuser, std::int64_t log_size) {
  {
    pqxx::connection c(superuser);
    const auto existing =
        pqxx::nontransaction(c).exec("SELECT count(*) FROM message_store.messages")[0][0].as<std::int64_t>();
    for (std::int64_t done = existing; done < log_size; done += 100000) {
      pqxx::work w(c);
      w.exec_params(
          "INSERT INTO message_store.messages (id, stream_name, type, position, data, metadata) "
          "SELECT gen_random_uuid(), 'task-seed' || (g / 100), 'TaskMoved', g % 100, "
          "'{\"local_task_id\": \"9bf1a896-7c23-4cb1-8f09-647b9d8e8c7e\", \"local_board_id\": "
          "\"ad6b6688-8cb5-4a6f-a7d9-980ef51cca45\", \"new_status\": \"IN_PROGRESS\", "
          "\"expected_previous_status\": \"TODO\"}'::jsonb, "
          "'{\"user_id\": \"1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0004\"}'::jsonb "
          "FROM generate_series($1::bigint, $2::bigint) g",
          done, std::min(done + 100000, log_size) - 1);
      w.commit();
    }
    pqxx::nontransaction(c).exec("VACUUM ANALYZE message_store.messages");
  }
  PGconn* c = PQconnectdb((superuser + " options='-c search_path=message_store'").c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "message-db-read: %s", PQerrorMessage(c));
    PQfinish(c);
    return false;
  }
  const auto start = clock_type::now();
  std::int64_t position = 1, read = 0;
  std::size_t bytes = 0;
  for (bool more = true; more;) {
    const auto from = std::to_string(position);
    const char* values[] = {from.c_str()};
    PGresult* r = PQexecParams(c, "SELECT * FROM get_category_messages('task', $1::bigint, 10000)", 1, nullptr, values,
                               nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::fprintf(stderr, "message-db-read: %s", PQerrorMessage(c));
      PQclear(r);
      break;
    }
    const int rows = PQntuples(r), columns = PQnfields(r), global = PQfnumber(r, "global_position");
    for (int row = 0; row < rows; ++row)
      for (int col = 0; col < columns; ++col) bytes += static_cast<std::size_t>(PQgetlength(r, row, col));
    read += rows;
    more = rows > 0;
    if (more) position = std::stoll(PQgetvalue(r, rows - 1, global)) + 1;
    PQclear(r);
  }
  PQfinish(c);
  const double s = std::chrono::duration<double>(clock_type::now() - start).count();
  std::printf("message-db get_category_messages whole category: %lld messages (%.0f MB) in %.2f s: %.0f messages/s\n",
              static_cast<long long>(read), static_cast<double>(bytes) / 1e6, s, static_cast<double>(read) / s);
  return read >= log_size;
}

int main(int argc, char** argv) {
  if (argc == 7 && std::string(argv[5]) == "audit")
    return audit_bench(argv[1], argv[2], argv[3], std::stoi(argv[4]), argv[6]);
  if (argc == 7) {
    const std::string mode = argv[5];
    std::mt19937_64 rng(42);
    const auto tenant = uuid(rng);
    if (mode == "appends") {
      sealed_appends(argv[1], argv[2], tenant, std::stoi(argv[6]), std::stoi(argv[4]));
      return 0;
    }
    if (mode == "read") return read_whole_log(argv[1], argv[2], argv[3], tenant, std::stoll(argv[6])) ? 0 : 1;
    if (mode == "message-db-read") return message_db_read(argv[3], std::stoll(argv[6])) ? 0 : 1;
  }
  if (argc != 5) {
    std::fprintf(stderr,
                 "usage: eventstore_load APP_CONNINFO WORKER_CONNINFO OWNER_CONNINFO SECONDS "
                 "[audit FILE | appends WRITERS | read EVENTS | message-db-read EVENTS]\n");
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
  return read_whole_log(app, worker, owner, tenant, 1000000) ? 0 : 1;
}
