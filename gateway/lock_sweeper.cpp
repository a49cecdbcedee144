#include "gateway/lock_sweeper.hpp"

#include <pqxx/pqxx>

#include "domain/clock.hpp"
#include "projections/row_table.hpp"

namespace stradia::gateway {

struct lock_sweeper::connection {
  explicit connection(const std::string& conninfo) : c(conninfo) {}
  pqxx::connection c;
};

lock_sweeper::lock_sweeper(std::string worker_conninfo, commands::command_service& commands,
                           std::function<domain::timestamp()> clock, std::chrono::milliseconds interval)
    : conninfo_(std::move(worker_conninfo)),
      commands_(commands),
      clock_(std::move(clock)),
      interval_(interval),
      thread_([this] { run(); }) {}

lock_sweeper::~lock_sweeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void lock_sweeper::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    sweep_once();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void lock_sweeper::sweep_once() {
  std::vector<std::pair<std::string, std::string>> due;  // task, tenant
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(resting_, [&](const auto& r) { return r.second <= now; });
  std::vector<std::string> skipped;
  for (const auto& [task, until] : resting_) skipped.push_back(task);
  try {
    if (!connection_) connection_ = std::make_unique<connection>(conninfo_);
    pqxx::read_transaction r(connection_->c);
    for (const auto& row : r.exec_params("SELECT local_task_id::text, tenant_id::text FROM read_board_tasks "
                                         "WHERE expires_at <= $1::timestamptz AND local_task_id <> ALL($2::uuid[]) "
                                         "ORDER BY expires_at LIMIT 1000",
                                         domain::format_rfc3339(clock_()), projections::format_text_array(skipped)))
      due.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
  } catch (const std::exception&) {
    connection_.reset();
    return;  // the database is away: the next sweep connects again
  }
  for (const auto& [task, tenant] : due) {
    task::v1::ExpireLock expire;
    expire.set_local_task_id(task);
    const auto result = commands_.expire_lock(tenant, expire);
    if (result && result->global_position > 0)
      ++expired_;
    else if (resting_.size() < 10000)
      resting_[task] = now + std::chrono::minutes(10);
  }
}

}  // namespace stradia::gateway
