#pragma once
// A thread that runs `work` now and then every `interval` until destroyed (the destructor
// waits for a run in progress). For the system's processes that follow the read models.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace stradia::app {

class periodic_worker {
 public:
  periodic_worker(std::chrono::milliseconds interval, std::function<void()> work);
  ~periodic_worker();
  periodic_worker(const periodic_worker&) = delete;
  periodic_worker& operator=(const periodic_worker&) = delete;

 private:
  std::chrono::milliseconds interval_;
  std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace stradia::app
