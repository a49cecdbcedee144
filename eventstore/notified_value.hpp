#pragma once
// Follows one value of the database that changes with a notification: LISTEN on a
// channel, re-read the value on each notification, and once a second in case one was
// missed (a reconnect). The Kafka-mode gateway follows the read models' applied position
// this way instead of polling the checkpoints. Runs on its own thread; the destructor
// stops and joins it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

struct notified_value_options {
  std::string worker_conninfo;
  std::string channel;
  std::string sql;  // one row, one bigint column
  std::vector<std::string> params;
  std::chrono::milliseconds reread_interval{1000};
};

class notified_value {
 public:
  notified_value(notified_value_options options, std::function<void(std::int64_t)> on_value);
  ~notified_value();
  notified_value(const notified_value&) = delete;
  notified_value& operator=(const notified_value&) = delete;

  std::int64_t value() const { return value_.load(); }
  // Why the value cannot be followed right now; empty while it can.
  std::string last_error() const;

 private:
  void run();
  result<void> follow();

  notified_value_options options_;
  std::function<void(std::int64_t)> on_value_;
  std::atomic<std::int64_t> value_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex error_mutex_;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace stradia::eventstore
