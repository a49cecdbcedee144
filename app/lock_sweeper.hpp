#pragma once
// Expires abandoned locks with nobody connected: every interval it asks the board-state
// read model (all tenants, worker role) for locks whose expires_at has passed, and runs
// the system's ExpireLock command for each. Derived from the read model, not from timers
// in memory, so locks taken before a restart expire too. The domain decides again on the
// task's stream: a lock released meanwhile, or expired by another gateway, is left alone.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "app/periodic_worker.hpp"
#include "commands/command_service.hpp"
#include "projections/expired_locks.hpp"

namespace stradia::app {

class lock_sweeper {
 public:
  lock_sweeper(std::string worker_conninfo, commands::command_service& commands,
               std::function<domain::timestamp()> clock, std::chrono::milliseconds interval);

  std::uint64_t expired() const { return expired_.load(); }

 private:
  void sweep_once();

  projections::expired_locks locks_;
  commands::command_service& commands_;
  std::function<domain::timestamp()> clock_;
  std::atomic<std::uint64_t> expired_{0};
  // Rows the read model shows as expired but whose stream had nothing to expire (the row
  // lags, or the event that freed it was quarantined), or that failed: left alone for a
  // while, so they cannot fill every sweep's batch and starve the rest (sweeper thread only).
  std::map<std::string, std::chrono::steady_clock::time_point> resting_;
  periodic_worker worker_;  // last: stops first, before what it uses goes
};

}  // namespace stradia::app
