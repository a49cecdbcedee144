#include "gateway/board_hub.hpp"

namespace stradia::gateway {

void board_hub::join(const std::string& board_id, const std::shared_ptr<live_connection>& c) {
  std::lock_guard lock(mutex_);
  rooms_[board_id].insert_or_assign(c.get(), c);
}

void board_hub::leave(const std::string& board_id, const live_connection* c) {
  std::lock_guard lock(mutex_);
  const auto room = rooms_.find(board_id);
  if (room == rooms_.end()) return;
  room->second.erase(c);
  if (room->second.empty()) rooms_.erase(room);
}

void board_hub::broadcast(const std::string& board_id, std::int64_t order,
                          const std::shared_ptr<const std::string>& frame) {
  // Copy the members out: delivering must not hold the hub's lock.
  std::vector<std::shared_ptr<live_connection>> members;
  {
    std::lock_guard lock(mutex_);
    const auto room = rooms_.find(board_id);
    if (room == rooms_.end()) return;
    members.reserve(room->second.size());
    // A socket gone without its leave (a server stopping) drops out here.
    for (auto member = room->second.begin(); member != room->second.end();) {
      if (auto m = member->second.lock()) {
        members.push_back(std::move(m));
        ++member;
      } else {
        member = room->second.erase(member);
      }
    }
    if (room->second.empty()) rooms_.erase(room);
  }
  for (const auto& m : members) m->deliver(board_id, order, frame);
}

std::size_t board_hub::members(const std::string& board_id) {
  std::lock_guard lock(mutex_);
  const auto room = rooms_.find(board_id);
  return room == rooms_.end() ? 0 : room->second.size();
}

std::vector<std::pair<std::string, std::shared_ptr<live_connection>>> board_hub::rooms_of_tenant(
    const std::string& tenant_id) {
  std::vector<std::pair<std::string, std::shared_ptr<live_connection>>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [board, room] : rooms_)
    for (const auto& [address, w] : room)
      if (auto member = w.lock(); member && member->tenant_id() == tenant_id)
        out.emplace_back(board, std::move(member));
  return out;
}

bool board_hub::empty() {
  std::lock_guard lock(mutex_);
  return rooms_.empty();
}

std::vector<std::pair<std::string, std::shared_ptr<live_connection>>> board_hub::rooms_of(const std::string& user_id) {
  std::vector<std::pair<std::string, std::shared_ptr<live_connection>>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [board, room] : rooms_)
    for (const auto& [address, w] : room)
      if (auto member = w.lock(); member && member->user_id() == user_id) out.emplace_back(board, std::move(member));
  return out;
}

}  // namespace stradia::gateway
