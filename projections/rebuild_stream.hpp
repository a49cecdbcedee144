#pragma once
// The rows a rebuild can write before its fold ends (append-only tables: a timeline entry,
// a score change, a cycle), copied to Postgres by a thread of their own while the models
// fold, so that Postgres ingests them while the client folds instead of after it. Each
// streamed table escapes its rows into a buffer of COPY text and hands full buffers here;
// the writer sends each as one short COPY into its table. The transaction belongs to the
// writer until finish().
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

  // Queues rows (COPY text, each ending in a newline) for `table`; waits while the queue
  // holds `max_queued_bytes` already, so memory stays bounded when Postgres is slower.
  // Throws what made the writer stop, if it stopped (a COPY Postgres refused).
  void send(const std::string& table, const std::vector<std::string>& columns, std::string rows);
  // Queues a statement, run in order with the COPYs (a table's DELETE before its rows).
  void execute(std::string statement);
  // Writes what is queued and stops the writer; its failure, if any, is thrown here.
  void finish();

  static constexpr std::size_t buffer_bytes = 1 << 20;

 private:
  struct chunk {
    std::string table;
    const std::vector<std::string>* columns;  // nullptr: `rows` is a statement
    std::string rows;
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
  std::exception_ptr failure_;
  std::thread writer_;
};

}  // namespace stradia::projections
