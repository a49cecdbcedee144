#include "eventstore/connection_pool.hpp"

#include <pqxx/pqxx>

namespace stradia::eventstore {

connection_pool::connection_pool(std::string conninfo, std::size_t max_idle)
    : conninfo_(std::move(conninfo)), max_idle_(max_idle) {}

connection_pool::~connection_pool() = default;

connection_pool::lease::lease(connection_pool& pool, std::unique_ptr<pqxx::connection> c)
    : pool_(&pool), connection_(std::move(c)) {}

connection_pool::lease::~lease() {
  if (connection_) pool_->give_back(std::move(connection_));
}

connection_pool::lease connection_pool::acquire() {
  {
    std::lock_guard lock(mutex_);
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->is_open()) return lease(*this, std::move(c));
    }
  }
  return lease(*this, std::make_unique<pqxx::connection>(conninfo_));
}

void connection_pool::clear() {
  std::lock_guard lock(mutex_);
  idle_.clear();
}

void connection_pool::give_back(std::unique_ptr<pqxx::connection> c) {
  if (!c->is_open()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

}  // namespace stradia::eventstore
