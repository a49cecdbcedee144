#pragma once
// Who can log in, and as whom: every user's state rebuilt from the log (User stream
// events, through the domain's own evolve), looked up by email at login and by id on
// every request (role, active, assigned markets), and which tenants are deactivated.
// In memory, fed by a subscription.
// Thread-safe: many readers, one applier.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "domain/user.hpp"
#include "envelope.pb.h"

namespace stradia::projections {

class user_directory {
 public:
  void apply(const std::vector<stradia::envelope::v1::EventEnvelope>& events);

  std::optional<domain::user::state> by_email(std::string_view email) const;
  std::optional<domain::user::state> by_id(std::string_view user_id) const;
  // False once an operator deactivated the tenant (until activated again).
  bool tenant_active(std::string_view tenant_id) const;
  // The last log position applied.
  std::int64_t position() const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, domain::user::state, std::less<>> users_;  // by user id
  std::map<std::string, std::string, std::less<>> ids_by_email_;
  std::set<std::string, std::less<>> deactivated_tenants_;
  std::int64_t position_ = 0;
};

}  // namespace stradia::projections
