#pragma once
// The rows a rebuild can write before its fold ends (an append-only table's: a timeline
// entry, a score change, a cycle; a changed row gone cold: a finished task, a past day),
// copied to Postgres by a thread of their own while the models fold, so that Postgres
// ingests them while the client folds instead of after it. Each
// streamed table encodes its rows into a buffer for COPY and hands full buffers here;
// the writer sends each as one short COPY into its table. The transaction belongs to the
// writer until finish().
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "projections/copy_in.hpp"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace stradia::projections {

class rebuild_stream {
 public:
  explicit rebuild_stream(pqxx::transaction_base& t);
  ~rebuild_stream();
  rebuild_stream(const rebuild_stream&) = delete;
  rebuild_stream& operator=(const rebuild_stream&) = delete;

  // Queues rows for `table` (copy_encoder's, in `format`); waits while the queue holds
  // `max_queued_bytes` already, so memory stays bounded when Postgres is slower.
  // Throws what made the writer stop, if it stopped (a COPY Postgres refused).
  void send(const std::string& table, const std::vector<std::string>& columns, std::string rows,
            copy_format format = copy_format::text);
  // Queues a statement (with its one parameter, if any), run in order with the COPYs (a
  // table's DELETE before its rows).
  void execute(std::string statement, std::optional<std::string> parameter = std::nullopt);
  // `table` keeps the rows it holds unless its read model replaces them (stored_rows): the
  // rebuild does not empty it first.
  void keep_rows_of(const std::string& table) { keeping_.insert(table); }
  bool keeps_rows_of(const std::string& table) const { return keeping_.count(table) > 0; }
  // Writes what is queued and stops the writer; its failure, if any, is thrown here.
  void finish();
  // The fold's batches so far: tables tell their cold rows by it.
  std::uint64_t batch() const { return batch_.load(std::memory_order_relaxed); }
  void next_batch() { batch_.fetch_add(1, std::memory_order_relaxed); }

  static constexpr std::size_t buffer_bytes = 256 << 10;

 private:
  struct chunk {
    std::string table;
    const std::vector<std::string>* columns;  // nullptr: `rows` is a statement
    std::string rows;
    copy_format format = copy_format::text;
    std::optional<std::string> parameter;  // a statement's
  };
  void enqueue(chunk next);
  void write_all();

  static constexpr std::size_t max_queued_bytes = 64 << 20;

  pqxx::transaction_base& t_;
  std::mutex mutex_;
  std::condition_variable queued_, drained_;
  std::deque<chunk> chunks_;
  std::size_t queued_bytes_ = 0;
  bool finishing_ = false;
  std::atomic<std::uint64_t> batch_{0};
  std::set<std::string> keeping_;
  std::exception_ptr failure_;
  std::thread writer_;
};

}  // namespace stradia::projections
