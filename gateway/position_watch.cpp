#include "gateway/position_watch.hpp"

#include <vector>

namespace stradia::gateway {

void position_watch::advance(std::int64_t position) {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(mutex_);
    if (position <= position_.load()) return;
    position_ = position;
    const auto end = waiters_.upper_bound(position);
    for (auto it = waiters_.begin(); it != end; ++it) {
      by_ticket_.erase(it->second.first);
      due.push_back(std::move(it->second.second));
    }
    waiters_.erase(waiters_.begin(), end);
  }
  moved_.notify_all();
  for (auto& reached : due) reached();  // outside the lock: a callback may wait again
}

position_watch::ticket position_watch::when_reached(std::int64_t wanted, std::function<void()> reached) {
  std::lock_guard lock(mutex_);
  if (position_.load() >= wanted) return 0;
  const auto t = next_++;
  by_ticket_.emplace(t, waiters_.emplace(wanted, std::make_pair(t, std::move(reached))));
  return t;
}

void position_watch::cancel(ticket t) {
  std::lock_guard lock(mutex_);
  const auto found = by_ticket_.find(t);
  if (found == by_ticket_.end()) return;
  waiters_.erase(found->second);
  by_ticket_.erase(found);
}

bool position_watch::wait_until(std::int64_t wanted, const std::atomic<bool>& stop, std::chrono::milliseconds max) {
  std::unique_lock lock(mutex_);
  // Woken by advance(); a short period bounds how long a stop request waits.
  const auto deadline = std::chrono::steady_clock::now() + max;
  while (position_.load() < wanted && !stop.load()) {
    if (moved_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() +
                                                       std::chrono::milliseconds(100))) == std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= deadline)
      break;
  }
  return position_.load() >= wanted;
}

std::size_t position_watch::waiting() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace stradia::gateway
