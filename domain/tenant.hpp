#pragma once
// Tenant aggregate (stream "tenant-<id>"): the plan and its limits, governance policies,
// and the counts that span aggregates: seats, active markets, active GLOBAL_ADMINs and
// market names. A command that changes a count appends here too, so two racing
// requests cannot both take the last seat, slot or admin (optimistic concurrency).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "domain/enums.hpp"
#include "market.pb.h"
#include "tenant.pb.h"
#include "user.pb.h"

namespace stradia::domain::tenant {

namespace pb = stradia::tenant::v1;

using command =
    std::variant<pb::CreateTenant, pb::UpdateTenantPlan, pb::DeactivateTenant, pb::ActivateTenant,
                 pb::CreateGovernancePolicy, pb::DeactivateGovernancePolicy,
                 stradia::user::v1::InviteUser, stradia::user::v1::ChangeUserRole, stradia::user::v1::DeactivateUser,
                 stradia::user::v1::DeleteUser, stradia::market::v1::CreateMarket, stradia::market::v1::ActivateMarket,
                 stradia::market::v1::DeactivateMarket, stradia::market::v1::DeleteMarket,
                 stradia::market::v1::RenameMarket>;

using event = std::variant<pb::TenantCreated, pb::TenantPlanUpdated, pb::TenantSeatTaken, pb::TenantSeatRoleChanged,
                           pb::TenantSeatReleased, pb::TenantMarketRegistered, pb::TenantMarketSlotTaken,
                           pb::TenantMarketSlotReleased, pb::TenantMarketUnregistered, pb::GovernancePolicyCreated,
                           pb::GovernancePolicyDeactivated, pb::TenantDeactivated, pb::TenantActivated,
                           pb::TenantMarketRenamed>;

struct governance_policy {
  std::string id;
  std::string policy_text;
  target_platform platform = platforms::NONE;
  bool is_active = true;
};

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string id;
  std::string name;
  std::string stripe_customer_id;
  int active_markets_limit = 0;
  int user_seat_limit = 0;
  std::int64_t ai_token_quota = 0;
  timestamp token_reset_date;
  bool is_active = false;
  timestamp created_at;

  std::map<std::string, user_role> seats;           // active users and their roles
  std::map<std::string, std::string> market_names;  // market id -> name, not deleted
  std::set<std::string> active_markets;
  std::map<std::string, governance_policy> policies;

  std::size_t active_admins() const;
};

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

}  // namespace stradia::domain::tenant
