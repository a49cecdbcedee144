#pragma once
// The log position the read models have applied, and who waits for it. Read-your-writes
// waits (?min_position=) register a callback instead of holding a thread: the feed that
// applies batches calls advance(), which runs the callbacks of every waiter it satisfied.
// Threads that must block (the Kafka-mode board feed) use wait_until(). Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>

namespace stradia::gateway {

class position_watch {
 public:
  using ticket = std::uint64_t;

  std::int64_t position() const { return position_.load(); }
  // Moves the position forward (never back) and calls the waiters it satisfies, on this thread.
  void advance(std::int64_t position);
  // `reached` is called once the position is at least `wanted`, on the thread that
  // advances it. Returns 0 (and never calls) when it already is; otherwise a ticket.
  ticket when_reached(std::int64_t wanted, std::function<void()> reached);
  // Forgets a waiter that gave up (a timeout); a no-op once it was called.
  void cancel(ticket t);
  // Blocks until the position is at least `wanted`, `stop` turns true, or `max` passed.
  bool wait_until(std::int64_t wanted, const std::atomic<bool>& stop, std::chrono::milliseconds max);
  std::size_t waiting() const;

 private:
  std::atomic<std::int64_t> position_{0};
  mutable std::mutex mutex_;
  std::condition_variable moved_;
  ticket next_ = 1;
  std::multimap<std::int64_t, std::pair<ticket, std::function<void()>>> waiters_;  // by wanted position
  std::unordered_map<ticket, decltype(waiters_)::iterator> by_ticket_;
};

}  // namespace stradia::gateway
