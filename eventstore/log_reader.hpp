#pragma once
// Reads the log in position order as fast as Postgres can send it: libpq directly, with
// binary results (bytea, uuids and times arrive as bytes, not hex text), plus LISTEN for
// live followers. After a full batch it asks for the next one before decoding this one,
// so Postgres and the decoding work at the same time. One connection; one thread at a time.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "envelope.pb.h"
#include "eventstore/store_error.hpp"

struct pg_conn;
struct pg_result;

namespace stradia::eventstore {

class log_reader {
 public:
  static result<std::unique_ptr<log_reader>> connect(const std::string& conninfo);
  ~log_reader();
  log_reader(const log_reader&) = delete;
  log_reader& operator=(const log_reader&) = delete;

  // Events after `after_position`, at most `max_count`, in position order.
  result<std::vector<stradia::envelope::v1::EventEnvelope>> read_after(std::int64_t after_position,
                                                                       std::size_t max_count);
  // The same into `into`, whose envelopes are reused: their strings keep their buffers, so a
  // reader that hands the same batch back every time allocates nothing once warm.
  result<void> read_after(std::int64_t after_position, std::size_t max_count,
                          std::vector<stradia::envelope::v1::EventEnvelope>& into);
  result<void> listen(const std::string& channel);
  // True when a notification arrived within `timeout` (all pending ones are consumed).
  result<bool> wait_for_notification(std::chrono::milliseconds timeout);

  // A one-row, one-column query with text parameters; nullopt when no row.
  result<std::optional<std::string>> query_value(const std::string& sql, const std::vector<std::string>& params);

 private:
  explicit log_reader(pg_conn* connection) : connection_(connection) {}
  bool drain_notifications();
  result<void> send_read(std::int64_t after_position, std::size_t max_count);
  // Finishes the query in flight (its result, if wanted, goes to *into).
  result<void> finish_query(pg_result** into);

  pg_conn* connection_;
  std::optional<std::pair<std::int64_t, std::size_t>> prefetched_;  // the read in flight
};

}  // namespace stradia::eventstore
