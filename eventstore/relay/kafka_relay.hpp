#pragma once
// The relay: follows the log in cursor order (the store's no-skip subscription) and
// produces each envelope to the events topic with an idempotent producer, keyed by board
// id (partition_key.hpp). After each batch it sends every partition a watermark, "all
// events of yours up to position P were sent before me", so workers can tell how far the
// read models are across partitions. The cursor is stored only after every delivery
// report of the batch confirmed; after a crash the relay resends from it, never skips.
// One relay runs per database: a Postgres advisory lock elects it.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "eventstore/relay/kafka_handle.hpp"
#include "eventstore/relay/partition_key.hpp"
#include "eventstore/subscription.hpp"

namespace stradia::eventstore {

// Header on watermark messages (empty value); its value is the position as decimal text.
inline constexpr const char* watermark_header = "stradia-watermark";

struct kafka_relay_options {
  std::string brokers;
  std::string topic = "stradia.events";
  std::string worker_conninfo;
  std::string relay_id = "kafka-relay";  // the cursor's key in subscription_checkpoints
  std::size_t batch_size = 5000;
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds delivery_timeout{30000};
};

class kafka_relay {
 public:
  explicit kafka_relay(kafka_relay_options options);
  ~kafka_relay();
  kafka_relay(const kafka_relay&) = delete;
  kafka_relay& operator=(const kafka_relay&) = delete;

  // The last position every event of which Kafka confirmed.
  std::int64_t position() const { return position_.load(); }
  std::uint64_t produced() const { return produced_.load(); }
  bool leading() const { return leading_.load(); }
  std::string last_error() const;

 private:
  void run();
  void lead();  // wins the election, relays until the leader session is lost or stop
  bool relay_batch(const std::vector<stradia::envelope::v1::EventEnvelope>& events);
  bool open_producer();
  void set_error(std::string text);
  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque);

  kafka_relay_options options_;
  partition_key_resolver keys_;
  kafka_handle producer_;
  int partitions_ = 0;
  std::atomic<std::int64_t> position_{0};
  std::atomic<std::uint64_t> produced_{0};
  std::atomic<std::uint64_t> failed_deliveries_{0};
  std::atomic<bool> leading_{false};
  std::atomic<bool> stopping_{false};
  mutable std::mutex error_mutex_;
  std::string last_error_;
  std::unique_ptr<subscription> feed_;
  std::thread thread_;
};

}  // namespace stradia::eventstore
