// `stradia kafka-dev`, `stradia project` and `stradia rebuild`: the bus and the read models.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "eventstore/log_reader.hpp"
#include "eventstore/relay/mock_kafka_cluster.hpp"
#include "gateway/cli.hpp"
#include "projections/kafka_worker.hpp"
#include "projections/projector.hpp"

namespace stradia::gateway {

namespace {

// Blocks SIGINT and SIGTERM in every thread started after this, so waiting_for_stop()
// receives them.
sigset_t block_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return stop;
}

int waiting_for_stop(const sigset_t& stop) {
  int signal = 0;
  sigwait(&stop, &signal);
  return signal;
}

std::optional<int> positive_number(const arguments& args, const std::string& name, const char* env, int fallback) {
  const auto text = args.option(name, env);
  if (!text) return fallback;
  try {
    const int value = std::stoi(*text);
    if (value > 0) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const auto comma = text.find(',', from);
    const auto item = text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

// The read models named by --projection (comma-separated), all when absent; nullopt
// (after printing why) when one is unknown.
std::optional<std::vector<std::string>> chosen_read_models(const arguments& args, const char* command) {
  const auto all = projections::projector::all_read_models();
  const auto asked = args.option("projection", nullptr);
  if (!asked) return all;
  auto names = comma_list(*asked);
  for (const auto& name : names)
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      std::string known;
      for (const auto& n : all) known += (known.empty() ? "" : ", ") + n;
      std::fprintf(stderr, "stradia %s: no read model named '%s' (known: %s)\n", command, name.c_str(), known.c_str());
      return std::nullopt;
    }
  return names;
}

std::string progress_line(std::int64_t done, std::int64_t total, double seconds, bool bar) {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  char text[256];
  const int percent = total > 0 ? static_cast<int>(done * 100 / total) : 100;
  std::string drawn;
  if (bar) {
    const int filled = percent * 30 / 100;
    drawn = "[" + std::string(static_cast<std::size_t>(filled), '#') +
            std::string(static_cast<std::size_t>(30 - filled), '.') + "] ";
  }
  std::snprintf(text, sizeof text, "%s%3d%%  %lld / %lld events  %.0f ev/s  ETA %.1f s", drawn.c_str(), percent,
                static_cast<long long>(done), static_cast<long long>(total), rate, eta);
  return text;
}

}  // namespace

int run_kafka_dev(const arguments& args) {
  static const char* help =
      "usage: stradia kafka-dev [options]\n\n"
      "Runs librdkafka's mock cluster, a real Kafka protocol peer, on loopback for development\n"
      "and tests, with the events topic created. Prints the bootstrap servers on the first line\n"
      "of standard output, then serves until SIGINT or SIGTERM.\n"
      "  --brokers N      mock brokers (default 3)\n"
      "  --partitions N   partitions of the topic (default 6)\n"
      "  --kafka-topic NAME  (env STRADIA_KAFKA_TOPIC, default stradia.events)\n";
  if (const auto done = args.help_or_refusal("kafka-dev", help, {"brokers", "partitions", "kafka-topic"})) return *done;
  eventstore::mock_kafka_options options;
  const auto brokers = positive_number(args, "brokers", nullptr, 3);
  const auto partitions = positive_number(args, "partitions", nullptr, 6);
  if (!brokers || !partitions) {
    std::fprintf(stderr, "stradia kafka-dev: --brokers and --partitions are positive whole numbers\n");
    return 2;
  }
  options.brokers = *brokers;
  options.partitions = *partitions;
  options.topic = args.option("kafka-topic", "STRADIA_KAFKA_TOPIC").value_or("stradia.events");
  const auto stop = block_stop_signals();
  auto cluster = eventstore::mock_kafka_cluster::start(options);
  if (!cluster) {
    std::fprintf(stderr, "stradia kafka-dev: %s\n", cluster.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "stradia kafka-dev: %d brokers, topic %s with %d partitions; Ctrl-C stops\n", options.brokers,
               options.topic.c_str(), options.partitions);
  waiting_for_stop(stop);
  return 0;
}

int run_project(const arguments& args) {
  static const char* help =
      "usage: stradia project [options]\n\n"
      "A projection worker: joins the consumer group on the events topic and builds the read\n"
      "models; each batch commits with its partition's checkpoint in one transaction.\n"
      "  --kafka-brokers LIST         (env STRADIA_KAFKA_BROKERS, required)\n"
      "  --kafka-topic NAME           (env STRADIA_KAFKA_TOPIC, default stradia.events)\n"
      "  --kafka-group NAME           consumer group (env STRADIA_KAFKA_GROUP, default stradia-projections)\n"
      "  --from-beginning             read every assigned partition from its start (replays are skipped)\n"
      "  --worker-database-url URL    role stradia_worker (env STRADIA_WORKER_DATABASE_URL)\n";
  if (const auto done = args.help_or_refusal(
          "project", help, {"kafka-brokers", "kafka-topic", "kafka-group", "from-beginning", "worker-database-url"}))
    return *done;
  const auto brokers = args.option("kafka-brokers", "STRADIA_KAFKA_BROKERS");
  const auto worker_url = args.option("worker-database-url", "STRADIA_WORKER_DATABASE_URL");
  if (!brokers || brokers->empty() || !worker_url) {
    std::fprintf(stderr, "stradia project: set --kafka-brokers and --worker-database-url (or their environment)\n");
    return 2;
  }
  projections::kafka_worker_options options;
  options.brokers = *brokers;
  options.topic = args.option("kafka-topic", "STRADIA_KAFKA_TOPIC").value_or(options.topic);
  options.group_id = args.option("kafka-group", "STRADIA_KAFKA_GROUP").value_or(options.group_id);
  options.from_beginning = args.flag("from-beginning");
  const auto stop = block_stop_signals();
  projections::projector read_models(*worker_url);
  projections::kafka_worker worker(options, read_models);
  bool started = true;
  std::atomic<bool> running{true};
  std::thread consumer([&] {
    started = worker.run();
    running = false;
  });
  std::printf("stradia project: consuming %s from %s as group %s\n", options.topic.c_str(), options.brokers.c_str(),
              options.group_id.c_str());
  std::fflush(stdout);
  // A status line whenever the counts moved, at most twice a second, until a stop signal.
  std::pair<std::uint64_t, std::uint64_t> reported{0, 0};
  std::string reported_error;
  const timespec half_second{0, 500'000'000};
  while (running && sigtimedwait(&stop, nullptr, &half_second) < 0) {
    if (auto error = worker.last_error(); error != reported_error) {
      reported_error = error;
      std::fprintf(stderr, "stradia project: %s\n", error.c_str());
    }
    const std::pair counts{worker.applied(), worker.skipped()};
    if (counts == reported) continue;
    reported = counts;
    std::printf("stradia project: applied=%llu skipped=%llu\n", static_cast<unsigned long long>(counts.first),
                static_cast<unsigned long long>(counts.second));
    std::fflush(stdout);
  }
  worker.stop();
  consumer.join();
  if (!started) {
    std::fprintf(stderr, "stradia project: %s\n", worker.last_error().c_str());
    return 1;
  }
  std::printf("stradia project: stopped; applied=%llu skipped=%llu\n",
              static_cast<unsigned long long>(worker.applied()), static_cast<unsigned long long>(worker.skipped()));
  return 0;
}

int run_rebuild(const arguments& args) {
  static const char* help =
      "usage: stradia rebuild [options]\n\n"
      "Empties the read models and replays the whole log into them in one transaction\n"
      "(queries keep the old rows until it commits). Shows a progress bar on a terminal.\n"
      "  --projection NAMES           comma-separated: board-state, task-timeline, token-usage,\n"
      "                               directory (default: all)\n"
      "  --worker-database-url URL    role stradia_worker (env STRADIA_WORKER_DATABASE_URL)\n";
  if (const auto done = args.help_or_refusal("rebuild", help, {"projection", "worker-database-url"})) return *done;
  const auto worker_url = args.option("worker-database-url", "STRADIA_WORKER_DATABASE_URL");
  if (!worker_url) {
    std::fprintf(stderr, "stradia rebuild: set --worker-database-url (STRADIA_WORKER_DATABASE_URL)\n");
    return 2;
  }
  const auto names = chosen_read_models(args, "rebuild");
  if (!names) return 2;
  auto reader = eventstore::log_reader::connect(*worker_url);
  if (!reader) {
    std::fprintf(stderr, "stradia rebuild: %s\n", reader.error().message.c_str());
    return 1;
  }
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  int reported_tenth = -1;
  projections::projector read_models(*worker_url, *names);
  auto replayed = read_models.rebuild(
      [&](std::int64_t after,
          std::size_t max_count) -> domain::expected<std::vector<stradia::envelope::v1::EventEnvelope>, std::string> {
        auto batch = (*reader)->read_after(after, max_count);
        if (!batch) return domain::unexpected(batch.error().message);
        return std::move(*batch);
      },
      [&](std::int64_t done, std::int64_t total) {
        if (terminal) {
          std::fprintf(stderr, "\r%s", progress_line(done, total, seconds(), true).c_str());
        } else if (const int tenth = total > 0 ? static_cast<int>(done * 10 / total) : 10; tenth != reported_tenth) {
          reported_tenth = tenth;
          std::fprintf(stderr, "stradia rebuild: %s\n", progress_line(done, total, seconds(), false).c_str());
        }
      });
  if (terminal) std::fputc('\n', stderr);
  if (!replayed) {
    std::fprintf(stderr, "stradia rebuild: %s\n", replayed.error().c_str());
    return 1;
  }
  const double took = seconds();
  std::printf("stradia rebuild: %lld events into %zu read models in %.2f s (%.0f events/s)\n",
              static_cast<long long>(*replayed), names->size(), took,
              took > 0 ? static_cast<double>(*replayed) / took : 0.0);
  return 0;
}

}  // namespace stradia::gateway
