#pragma once
// A projection worker in a Kafka consumer group: polls the events topic, groups messages
// by partition and hands them to the projector, each partition as the source
// "kafka:<topic>:<partition>", so the read-model changes and the partitions' checkpoints
// commit in one Postgres transaction per poll. Kafka offsets are committed only after that commit;
// a crash in between redelivers events the checkpoint then skips. Watermark messages from
// the relay move a partition's checkpoint with no event. run() blocks until stop().
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "projections/projector.hpp"

namespace stradia::projections {

struct kafka_worker_options {
  std::string brokers;
  std::string topic = "stradia.events";
  std::string group_id = "stradia-projections";
  bool from_beginning = false;  // ignore committed offsets: every assigned partition is read again
  std::chrono::milliseconds session_timeout{6000};
  std::size_t max_batch = 5000;
};

class kafka_worker {
 public:
  // Called after a partition's batch committed (the events it carried, possibly none).
  using applied_handler = std::function<void(int partition, const std::vector<stradia::envelope::v1::EventEnvelope>&)>;

  kafka_worker(kafka_worker_options options, projector& read_models, applied_handler on_applied = {});

  // Consumes until stop(); false when the consumer could not start (see last_error()).
  bool run();
  void stop() { stopping_ = true; }

  std::uint64_t applied() const { return applied_.load(); }
  std::uint64_t skipped() const { return skipped_.load(); }
  std::uint64_t quarantined() const { return quarantined_.load(); }  // (event, read model) pairs set aside
  std::uint64_t undecodable() const { return undecodable_.load(); }  // messages that are no envelope
  std::string last_error() const;

 private:
  void set_error(std::string text);

  kafka_worker_options options_;
  projector& read_models_;
  applied_handler on_applied_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<std::uint64_t> skipped_{0};
  std::atomic<std::uint64_t> quarantined_{0};
  std::atomic<std::uint64_t> undecodable_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace stradia::projections
