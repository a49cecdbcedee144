#include "app/periodic_worker.hpp"

namespace stradia::app {

periodic_worker::periodic_worker(std::chrono::milliseconds interval, std::function<void()> work)
    : interval_(interval), work_(std::move(work)), thread_([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
          lock.unlock();
          work_();
          lock.lock();
          wake_.wait_for(lock, interval_, [this] { return stopping_; });
        }
      }) {}

periodic_worker::~periodic_worker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace stradia::app
