#include "projections/user_directory.hpp"

#include <mutex>

#include "domain/event_codec.hpp"

namespace stradia::projections {

void user_directory::apply(const std::vector<stradia::envelope::v1::EventEnvelope>& events) {
  std::unique_lock lock(mutex_);
  for (const auto& envelope : events) {
    position_ = envelope.global_position();
    if (envelope.stream_id().rfind("tenant-", 0) == 0) {
      if (envelope.event_type() == "TenantDeactivated") deactivated_tenants_.insert(envelope.tenant_id());
      if (envelope.event_type() == "TenantActivated") deactivated_tenants_.erase(envelope.tenant_id());
      continue;
    }
    if (envelope.stream_id().rfind("user-", 0) != 0) continue;
    auto event = domain::decode_event<domain::user::event>(envelope);
    if (!event) continue;
    auto& user = users_[envelope.stream_id().substr(5)];
    user = domain::user::evolve(std::move(user), *event);
    // An email logs in as exactly one user: the one that holds it (the registry makes it
    // unique across tenants). A later event of another user never takes it over, and a
    // delete frees it only for its own holder.
    const auto holder = ids_by_email_.find(user.email);
    if (user.is_deleted) {
      if (holder != ids_by_email_.end() && holder->second == user.id) ids_by_email_.erase(holder);
    } else if (holder == ids_by_email_.end()) {
      ids_by_email_.emplace(user.email, user.id);
    }
  }
}

std::optional<domain::user::state> user_directory::by_email(std::string_view email) const {
  std::shared_lock lock(mutex_);
  auto id = ids_by_email_.find(email);
  if (id == ids_by_email_.end()) return std::nullopt;
  return users_.at(id->second);
}

std::optional<domain::user::state> user_directory::by_id(std::string_view user_id) const {
  std::shared_lock lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end() || !it->second.exists || it->second.is_deleted) return std::nullopt;
  return it->second;
}

bool user_directory::tenant_active(std::string_view tenant_id) const {
  std::shared_lock lock(mutex_);
  return !deactivated_tenants_.contains(tenant_id);
}

std::int64_t user_directory::position() const {
  std::shared_lock lock(mutex_);
  return position_;
}

}  // namespace stradia::projections
