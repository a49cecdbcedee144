// `stradia kafka-dev`, `stradia project` and `stradia rebuild`: the bus and the read models.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "app/cli.hpp"
#include "eventstore/log_reader.hpp"
#include "eventstore/relay/mock_kafka_cluster.hpp"
#include "projections/kafka_worker.hpp"
#include "projections/projector.hpp"

namespace stradia::app {

namespace {

// The read models named by --projection, all when none is named.
std::vector<std::string> chosen_read_models(const std::vector<std::string>& asked) {
  return asked.empty() ? projections::projector::all_read_models() : asked;
}

int run_kafka_dev(const eventstore::mock_kafka_options& options) {
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

struct project_flags {
  projections::kafka_worker_options worker;
  std::string worker_database_url;
};

int run_project(const project_flags& flags) {
  const auto& options = flags.worker;
  const auto stop = block_stop_signals();
  projections::projector read_models(flags.worker_database_url);
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

struct rebuild_flags {
  std::vector<std::string> projections;
  std::string worker_database_url, owner_database_url;
};

int run_rebuild(const rebuild_flags& flags) {
  const auto names = chosen_read_models(flags.projections);
  const auto& worker_url = flags.worker_database_url;
  auto reader = eventstore::log_reader::connect(worker_url);
  if (!reader) {
    std::fprintf(stderr, "stradia rebuild: %s\n", reader.error().message.c_str());
    return 1;
  }
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  int reported_tenth = -1;
  // As the tables' owner the rows are copied straight in; the worker role, under row-level
  // security, copies them through a staging table.
  projections::projector read_models(flags.owner_database_url.empty() ? worker_url : flags.owner_database_url, names);
  auto replayed = read_models.rebuild(
      [&](std::int64_t after, std::size_t max_count,
          std::vector<stradia::envelope::v1::EventEnvelope>& into) -> base::expected<void, std::string> {
        if (auto read = (*reader)->read_after(after, max_count, into); !read)
          return base::unexpected(read.error().message);
        return {};
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
              static_cast<long long>(*replayed), names.size(), took,
              took > 0 ? static_cast<double>(*replayed) / took : 0.0);
  return 0;
}

}  // namespace

void add_kafka_dev(CLI::App& cli, int& exit_code) {
  auto* command =
      cli.add_subcommand("kafka-dev", "run a mock Kafka cluster (a real protocol peer) on loopback for development");
  auto options = std::make_shared<eventstore::mock_kafka_options>();
  options->brokers = 3;
  options->partitions = 6;
  options->topic = "stradia.events";
  command->footer(
      "Prints the bootstrap servers on the first line of standard output, then serves until SIGINT or SIGTERM.");
  command->add_option("--brokers", options->brokers, "mock brokers")->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--partitions", options->partitions, "partitions of the topic")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  command->add_option("--kafka-topic", options->topic, "the events topic")
      ->envname("STRADIA_KAFKA_TOPIC")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_kafka_dev(*options); });
}

void add_project(CLI::App& cli, int& exit_code) {
  auto* command = cli.add_subcommand("project", "a projection worker: Kafka consumer group -> read models");
  command->footer("Each batch commits with its partition's checkpoint in one transaction.");
  auto flags = std::make_shared<project_flags>();
  command->add_option("--kafka-brokers", flags->worker.brokers, "Kafka brokers")
      ->envname("STRADIA_KAFKA_BROKERS")
      ->required();
  command->add_option("--kafka-topic", flags->worker.topic, "the events topic")
      ->envname("STRADIA_KAFKA_TOPIC")
      ->capture_default_str();
  command->add_option("--kafka-group", flags->worker.group_id, "consumer group")
      ->envname("STRADIA_KAFKA_GROUP")
      ->capture_default_str();
  command->add_flag("--from-beginning", flags->worker.from_beginning,
                    "read every assigned partition from its start (replays are skipped)");
  command->add_option("--worker-database-url", flags->worker_database_url, "role stradia_worker")
      ->envname("STRADIA_WORKER_DATABASE_URL")
      ->required();
  command->callback([flags, &exit_code] { exit_code = run_project(*flags); });
}

void add_rebuild(CLI::App& cli, int& exit_code) {
  auto* command = cli.add_subcommand("rebuild", "empty the read models and replay the whole log into them");
  command->footer("One transaction: queries keep the old rows until it commits. Shows a progress bar on a terminal.");
  auto flags = std::make_shared<rebuild_flags>();
  command->add_option("--projection", flags->projections, "read models to rebuild, comma-separated (default: all)")
      ->delimiter(',')
      ->check(CLI::IsMember(projections::projector::all_read_models()));
  command->add_option("--worker-database-url", flags->worker_database_url, "role stradia_worker")
      ->envname("STRADIA_WORKER_DATABASE_URL")
      ->required();
  command
      ->add_option("--owner-database-url", flags->owner_database_url,
                   "role stradia_owner: write the rows as the tables' owner (COPY straight in, faster)")
      ->envname("STRADIA_OWNER_DATABASE_URL");
  command->callback([flags, &exit_code] { exit_code = run_rebuild(*flags); });
}

}  // namespace stradia::app
