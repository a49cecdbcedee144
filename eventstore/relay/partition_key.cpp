#include "eventstore/relay/partition_key.hpp"

#include <pqxx/pqxx>

#include "task.pb.h"

namespace stradia::eventstore {

struct partition_key_resolver::connection {
  explicit connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

partition_key_resolver::partition_key_resolver(std::string worker_conninfo) : conninfo_(std::move(worker_conninfo)) {}

partition_key_resolver::~partition_key_resolver() = default;

result<std::string> partition_key_resolver::key_of(const stradia::envelope::v1::EventEnvelope& e) {
  const auto& stream = e.stream_id();
  if (stream.rfind("board-", 0) == 0) return stream.substr(6);
  if (stream.rfind("task-", 0) != 0) return stream;
  if (e.event_type() == "LocalTaskCreated") {
    stradia::task::v1::LocalTaskCreated created;
    if (created.ParseFromString(e.payload())) {
      board_of_task_[stream] = created.local_board_id();
      return created.local_board_id();
    }
  }
  return board_of_task(stream);
}

result<std::string> partition_key_resolver::board_of_task(const std::string& task_stream_id) {
  if (const auto known = board_of_task_.find(task_stream_id); known != board_of_task_.end()) return known->second;
  try {
    if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
    pqxx::read_transaction r(connection_->c);
    const auto rows = r.exec_params(
        "SELECT payload FROM events WHERE stream_id = $1 AND stream_version = 1 AND event_type = 'LocalTaskCreated'",
        task_stream_id);
    if (rows.empty()) return task_stream_id;  // not a board's task: keyed by its own stream
    const pqxx::binarystring payload(rows[0][0]);
    stradia::task::v1::LocalTaskCreated created;
    if (!created.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return task_stream_id;
    board_of_task_[task_stream_id] = created.local_board_id();
    return created.local_board_id();
  } catch (const std::exception& e) {
    connection_.reset();
    return fail(store_errc::retryable, e.what());
  }
}

}  // namespace stradia::eventstore
