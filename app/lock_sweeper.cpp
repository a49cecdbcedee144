#include "app/lock_sweeper.hpp"

namespace stradia::app {

lock_sweeper::lock_sweeper(std::string worker_conninfo, commands::command_service& commands,
                           std::function<domain::timestamp()> clock, std::chrono::milliseconds interval)
    : locks_(std::move(worker_conninfo)),
      commands_(commands),
      clock_(std::move(clock)),
      worker_(interval, [this] { sweep_once(); }) {}

void lock_sweeper::sweep_once() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(resting_, [&](const auto& r) { return r.second <= now; });
  std::vector<std::string> skipped;
  for (const auto& [task, until] : resting_) skipped.push_back(task);
  const auto due = locks_.due(clock_(), skipped, 1000);
  if (!due) return;  // the database is away: the next sweep tries again
  for (const auto& [task, tenant] : *due) {
    task::v1::ExpireLock expire;
    expire.set_local_task_id(task);
    const auto result = commands_.expire_lock(tenant, expire);
    if (result && result->global_position > 0)
      ++expired_;
    else if (resting_.size() < 10000)
      resting_[task] = now + std::chrono::minutes(10);
  }
}

}  // namespace stradia::app
