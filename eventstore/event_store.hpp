#pragma once
// The Postgres event store: appends (group-committed, optimistic per stream, idempotent
// by event id) and reads of one stream or of the whole log in position order. Request
// paths use the stradia_app role with one tenant per transaction; reading every tenant's
// log needs the stradia_worker role. Thread-safe.
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/event_log.hpp"

namespace stradia::eventstore {

struct store_options {
  std::string app_conninfo;     // role stradia_app
  std::string worker_conninfo;  // role stradia_worker; empty when this process reads no global log
  std::size_t max_batch_events = 2000;
};

// A tenant's part of the log, for auditors.
struct log_query {
  std::int64_t after_position = 0;
  std::size_t max_count = 1000;
  std::optional<std::string> stream_id;
  std::optional<std::string> event_type;
};

class group_committer;
class connection_pool;
class log_reader;

class event_store final : public event_log {
 public:
  explicit event_store(store_options options);
  ~event_store();
  event_store(const event_store&) = delete;
  event_store& operator=(const event_store&) = delete;

  // Blocks until the append's batch is committed (or refused).
  result<append_result> append(append_request request) override;
  std::future<result<append_result>> append_async(append_request request);

  result<std::vector<envelope>> read_stream(const std::string& tenant_id, const std::string& stream_id,
                                            const stream_range& range = {}) override;
  result<std::vector<envelope>> read_tenant_log(const std::string& tenant_id, const log_query& query);
  // The events an idempotent request's command recorded (by its command id), after a position.
  result<std::vector<envelope>> read_command_events(const std::string& tenant_id, const std::string& command_id,
                                                    std::int64_t after_position);

  // Every tenant's events after a position, in position order (worker role).
  result<std::vector<envelope>> read_all(std::int64_t after_position, std::size_t max_count);
  result<std::int64_t> head_position();

  std::uint64_t append_transactions() const;

 private:
  store_options options_;
  std::unique_ptr<group_committer> committer_;
  std::unique_ptr<connection_pool> app_pool_;
  std::unique_ptr<connection_pool> worker_pool_;
  std::mutex reader_mutex_;
  std::unique_ptr<log_reader> reader_;  // read_all's binary reader, under reader_mutex_
};

}  // namespace stradia::eventstore
