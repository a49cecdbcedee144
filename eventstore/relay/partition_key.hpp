#pragma once
// The Kafka key of an event: the board id for a board's events (its board stream and the
// streams of its tasks), else the stream id. One key, one partition, so a board's events
// stay in log order for the workers. Task events that do not name their board are
// resolved from the task's creation event, remembered, or read from the store once.
#include <string>
#include <unordered_map>

#include "envelope.pb.h"
#include "eventstore/store_error.hpp"

namespace stradia::eventstore {

class partition_key_resolver {
 public:
  explicit partition_key_resolver(std::string worker_conninfo);
  ~partition_key_resolver();
  result<std::string> key_of(const stradia::envelope::v1::EventEnvelope& e);

 private:
  result<std::string> board_of_task(const std::string& task_stream_id);
  struct connection;
  std::string conninfo_;
  std::unique_ptr<connection> connection_;
  std::unordered_map<std::string, std::string> board_of_task_;  // task stream id → board id
};

}  // namespace stradia::eventstore
