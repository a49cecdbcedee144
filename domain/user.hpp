#pragma once
// User aggregate (stream "user-<id>"): profile, role, activation and market assignments.
// Seat, admin-count and last-admin checks belong to the Tenant stream; a handler
// appends both in one transaction.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "domain/enums.hpp"
#include "user.pb.h"

namespace stradia::domain::user {

namespace pb = stradia::user::v1;

using command = std::variant<pb::InviteUser, pb::ChangeUserRole, pb::DeactivateUser, pb::DeleteUser,
                             pb::AssignUserToMarket, pb::UnassignUserFromMarket, pb::RecordUserLogin,
                             pb::ChangeOwnPassword, pb::ChangeOwnLanguage>;

using event = std::variant<pb::UserInvited, pb::UserRoleChanged, pb::UserDeactivated, pb::UserDeleted,
                           pb::UserAssignedToMarket, pb::UserUnassignedFromMarket, pb::UserLoggedIn,
                           pb::UserPasswordChanged, pb::UserLanguageChanged>;

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string id;
  std::string tenant_id;
  std::string email;
  std::string password_hash;
  user_role role = roles::UNSPECIFIED;
  std::string language_preference;
  std::optional<timestamp> last_login_at;
  bool is_active = false;
  bool is_deleted = false;
  std::set<std::string> market_ids;
};

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

}  // namespace stradia::domain::user
