#pragma once
// Follows the whole log in position order: catch up from a checkpoint, then live via
// LISTEN/NOTIFY with a poll as fallback. Each batch goes to the handler; the position
// moves on only after the handler accepted it, so nothing is skipped and, with the
// stored checkpoint, a restart resumes where it stopped. Runs on its own thread;
// stop() (or the destructor) ends and joins it.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "envelope.pb.h"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

struct subscription_options {
  std::string worker_conninfo;
  std::string subscription_id;    // the checkpoint's key
  bool store_checkpoint = true;   // false: the handler keeps its own (with its read model)
  std::int64_t start_after = -1;  // -1: from the stored checkpoint (or the beginning)
  std::size_t batch_size = 1000;
  std::chrono::milliseconds poll_interval{200};
};

class subscription {
 public:
  // Returns true when the batch is applied; false retries the same batch later.
  using handler = std::function<bool(const std::vector<stradia::envelope::v1::EventEnvelope>&)>;

  subscription(subscription_options options, handler on_events);
  ~subscription();
  subscription(const subscription&) = delete;
  subscription& operator=(const subscription&) = delete;

  void stop();
  // The last position handed to the handler and accepted.
  std::int64_t position() const { return position_.load(); }
  // The last error met (connection lost, ...), empty when none; the loop retries.
  std::string last_error() const;

 private:
  void run();
  result<void> follow();

  subscription_options options_;
  handler on_events_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> position_{0};
  bool started_ = false;                   // the start position is known (subscription thread only)
  std::chrono::milliseconds backoff_{50};  // before reconnecting (subscription thread only)
  mutable std::mutex error_mutex_;
  std::string last_error_;
  std::thread thread_;
};

// Stored checkpoints (worker role). -1 when none is stored.
result<std::int64_t> load_checkpoint(const std::string& worker_conninfo, const std::string& subscription_id);

}  // namespace stradia::eventstore
