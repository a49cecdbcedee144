// Read-model benchmarks against a private Postgres (scripts/bench projections):
//   generate APP WORKER EVENTS [TENANT --analytics]
//                                        append a synthetic board log of about EVENTS events
//                                        (of TENANT; with lock expiries, generated content and
//                                        ghost cards when --analytics)
//   read WORKER                          baseline: read the whole log (events/s)
//   relay WORKER BROKERS                 relay the whole log to Kafka (events/s)
//   produce BROKERS EVENTS BYTES         baseline: librdkafka alone, no database (messages/s)
//   lag APP WORKER embedded|kafka RATE SECONDS [BROKERS]
//                                        commit → read model applied, p50/p99, at a steady
//                                        RATE of one-event commands (AddTaskNote) per second
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/latency_percentiles.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/log_reader.hpp"
#include "eventstore/relay/kafka_relay.hpp"
#include "eventstore/subscription.hpp"
#include "projections/kafka_worker.hpp"
#include "projections/projector.hpp"
#include "projections/synthetic_board_log.hpp"
#include "random_uuid.hpp"

namespace {

using namespace stradia;
using clock_type = std::chrono::steady_clock;
const std::string tenant = "b0000000-0000-4000-8000-000000000001";

std::string uuid() { return testing::random_uuid(); }

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::int64_t head_of(const std::string& worker) {
  auto reader = eventstore::log_reader::connect(worker);
  return std::stoll(**(*reader)->query_value("SELECT coalesce(max(global_position), 0)::text FROM events", {}));
}

int generate(const std::string& app, const std::string& worker, long events, const std::string& of_tenant,
             bool analytics_events) {
  eventstore::event_store store({app, worker});
  testing::synthetic_log_shape shape;
  shape.streams_per_append = 16;
  shape.analytics_events = analytics_events;
  if (analytics_events) shape.tasks_per_board = 400;  // a tenant of ~50 markets, not thousands
  const long per_board = shape.tasks_per_board * shape.events_per_task + 1;
  long appended = 0;
  const auto start = clock_type::now();
  while (appended < events) {
    shape.boards = static_cast<int>(std::min<long>(250, (events - appended) / per_board + 1));
    const auto n = testing::append_synthetic_board_log(store, of_tenant, shape, &uuid);
    if (n == 0) return 1;
    appended += static_cast<long>(n);
  }
  std::printf("generated %ld events in %.1f s\n", appended, seconds_since(start));
  return 0;
}

int read_all(const std::string& worker) {
  auto reader = eventstore::log_reader::connect(worker);
  const auto start = clock_type::now();
  std::int64_t after = 0, count = 0;
  while (true) {
    auto batch = (*reader)->read_after(after, 10000);
    if (!batch || batch->empty()) break;
    count += static_cast<std::int64_t>(batch->size());
    after = batch->back().global_position();
  }
  std::printf("read whole log: %.0f events/s (%lld events)\n", static_cast<double>(count) / seconds_since(start),
              static_cast<long long>(count));
  return 0;
}

int relay(const std::string& worker, const std::string& brokers) {
  const auto head = head_of(worker);
  eventstore::kafka_relay_options options;
  options.brokers = brokers;
  options.worker_conninfo = worker;
  options.relay_id = "bench-relay-" + uuid();
  options.batch_size = 20000;
  const auto start = clock_type::now();
  eventstore::kafka_relay r(options);
  while (r.position() < head) {
    if (seconds_since(start) > 600) {
      std::fprintf(stderr, "relay stalled at %lld: %s\n", static_cast<long long>(r.position()), r.last_error().c_str());
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::printf("relay to Kafka: %.0f events/s (%lld events)\n", static_cast<double>(head) / seconds_since(start),
              static_cast<long long>(head));
  return 0;
}

int produce(const std::string& brokers, long count, std::size_t bytes) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
  rd_kafka_conf_set(conf, "enable.idempotence", "true", error, sizeof error);
  rd_kafka_conf_set(conf, "linger.ms", "1", error, sizeof error);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  const std::string value(bytes, 'x');
  const auto start = clock_type::now();
  for (long i = 0; i < count; ++i) {
    const auto key = std::to_string(i % 1000);
    while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("stradia.events"), RD_KAFKA_V_KEY(key.data(), key.size()),
                             RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(rk, 10);
  }
  rd_kafka_flush(rk, 60000);
  std::printf("librdkafka alone: %.0f messages/s (%ld of %zu bytes)\n",
              static_cast<double>(count) / seconds_since(start), count, bytes);
  rd_kafka_destroy(rk);
  return 0;
}

// Commit times by position, written by the appenders, read by the appliers.
struct lag_recorder {
  explicit lag_recorder(std::int64_t base, std::size_t capacity) : base(base), committed(capacity) {}
  void commit(std::int64_t position) {
    const auto i = static_cast<std::size_t>(position - base);
    if (i < committed.size()) committed[i] = clock_type::now().time_since_epoch().count();
  }
  void applied(const std::vector<stradia::envelope::v1::EventEnvelope>& events) {
    const auto now = clock_type::now().time_since_epoch().count();
    std::lock_guard lock(mutex);
    for (const auto& e : events) {
      const auto i = static_cast<std::size_t>(e.global_position() - base);
      if (e.global_position() <= base || i >= committed.size()) continue;
      const auto at = committed[i].load();
      // The append may return after the read model already applied it; that is no lag.
      if (at != 0) lags_us.push_back(std::max<std::int64_t>(0, (now - at) / 1000));
    }
  }
  std::int64_t base;
  std::vector<std::atomic<std::int64_t>> committed;
  std::mutex mutex;
  std::vector<std::int64_t> lags_us;
};

int lag(const std::string& app, const std::string& worker, const std::string& mode, double rate, double seconds,
        const std::string& brokers) {
  // Tasks to note on: the ones of the generated log.
  std::vector<std::pair<std::string, std::string>> tasks;  // task id, board id
  {
    auto reader = eventstore::log_reader::connect(worker);
    for (std::int64_t after = 0;;) {
      auto batch = (*reader)->read_after(after, 10000);
      if (!batch || batch->empty()) break;
      for (const auto& e : *batch) {
        if (e.event_type() != "LocalTaskCreated") continue;
        task::v1::LocalTaskCreated created;
        created.ParseFromString(e.payload());
        tasks.emplace_back(created.local_task_id(), created.local_board_id());
      }
      after = batch->back().global_position();
    }
  }
  if (tasks.empty()) {
    std::fprintf(stderr, "generate a log first\n");
    return 1;
  }
  const auto base = head_of(worker);
  lag_recorder recorder(base, static_cast<std::size_t>(rate * seconds * 2) + 10000);

  // The read models catch up with the generated log before the clock starts.
  projections::projector models(worker);
  std::unique_ptr<eventstore::subscription> embedded;
  std::unique_ptr<eventstore::kafka_relay> relay;
  std::unique_ptr<projections::kafka_worker> consumer;
  std::thread consuming;
  std::atomic<std::int64_t> applied_up_to{0};
  if (mode == "embedded") {
    eventstore::subscription_options feed;
    feed.worker_conninfo = worker;
    feed.subscription_id = "bench";
    feed.store_checkpoint = false;
    feed.start_after = models.checkpoint("embedded").value_or(0);
    applied_up_to = feed.start_after;
    feed.batch_size = 5000;
    embedded = std::make_unique<eventstore::subscription>(feed, [&](const auto& events) {
      if (!models.apply("embedded", events)) return false;
      recorder.applied(events);
      applied_up_to = events.back().global_position();
      return true;
    });
  } else {
    eventstore::kafka_relay_options options;
    options.brokers = brokers;
    options.worker_conninfo = worker;
    relay = std::make_unique<eventstore::kafka_relay>(options);
    projections::kafka_worker_options worker_options;
    worker_options.brokers = brokers;
    worker_options.group_id = "bench-" + uuid();  // reads from the start: catching up proves it is live
    consumer = std::make_unique<projections::kafka_worker>(worker_options, models, [&](int, const auto& events) {
      recorder.applied(events);
      if (!events.empty()) applied_up_to = std::max(applied_up_to.load(), events.back().global_position());
    });
    consuming = std::thread([&] { consumer->run(); });
  }
  while (applied_up_to < base) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::seconds(1));

  eventstore::event_store store({app, worker});
  constexpr int writers = 8;
  std::atomic<long> sent{0}, late{0};
  const auto start = clock_type::now();
  const auto interval = std::chrono::duration<double>(writers / rate);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      for (long i = 0;; ++i) {
        const auto due = start + std::chrono::duration_cast<clock_type::duration>(
                                     interval * (static_cast<double>(i) + w / double(writers)));
        if (due > start + std::chrono::duration<double>(seconds)) break;
        if (clock_type::now() < due)
          std::this_thread::sleep_until(due);
        else if (clock_type::now() - due > std::chrono::milliseconds(5))
          ++late;
        const auto& [task_id, board_id] = tasks[rng() % tasks.size()];
        task::v1::TaskNoteAdded note;
        note.set_local_task_id(task_id);
        note.set_local_board_id(board_id);
        note.set_note_id(uuid());
        note.set_user_id("00000000-0000-4000-8000-0000000be0c4");
        note.set_content("steady load");
        eventstore::event_to_append e;
        e.event_id = uuid();
        e.event_type = "TaskNoteAdded";
        e.payload = note.SerializeAsString();
        auto done = store.append({tenant, {{"task-" + task_id, eventstore::expected_version::any(), {e}}}});
        if (done) recorder.commit(done->last_position);
        ++sent;
      }
    });
  for (auto& t : threads) t.join();
  const double took = seconds_since(start);
  const auto last = *store.head_position();
  const auto drain = clock_type::now();
  while (applied_up_to < last && seconds_since(drain) < 30) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (consumer) consumer->stop();
  if (consuming.joinable()) consuming.join();
  embedded.reset();
  relay.reset();

  auto& lags = recorder.lags_us;
  const testing::latency_percentiles percentiles(lags);
  auto pct = [&](double p) { return percentiles.ms(p); };

  std::printf(
      "lag %s at %.0f commands/s (sent %.0f/s, %ld late): p50 %.2f ms, p99 %.2f ms, max %.2f ms over %zu events\n",
      mode.c_str(), rate, static_cast<double>(sent) / took, late.load(), pct(0.50), pct(0.99), pct(1.0), lags.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() >= 4 && a[0] == "generate")
    return generate(a[1], a[2], std::stol(a[3]), a.size() > 4 ? a[4] : tenant, a.size() > 5 && a[5] == "--analytics");
  if (a.size() >= 2 && a[0] == "read") return read_all(a[1]);
  if (a.size() >= 3 && a[0] == "relay") return relay(a[1], a[2]);
  if (a.size() >= 4 && a[0] == "produce") return produce(a[1], std::stol(a[2]), std::stoul(a[3]));
  if (a.size() >= 6 && a[0] == "lag")
    return lag(a[1], a[2], a[3], std::stod(a[4]), std::stod(a[5]), a.size() > 6 ? a[6] : "");
  std::fprintf(stderr, "usage: see the comment at the top of tests/bench/read_model_load.cpp\n");
  return 2;
}
