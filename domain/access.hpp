#pragma once
// The role and sandbox rules of API.md §3, in one place. Another tenant's entity, or an
// unassigned market's for a LOCAL_USER, is NOT_FOUND (existence is never revealed);
// a known entity the role may not change is FORBIDDEN.
#include <string_view>

#include "domain/context.hpp"
#include "domain/domain_error.hpp"

namespace stradia::domain {

// Tenant-wide administration: users, plans, policies, strategies, markets.
check require_admin(const context& ctx);

// The entity belongs to the caller's tenant (else NOT_FOUND).
check require_tenant(const context& ctx, std::string_view tenant_id);

// Work on a board of `market_id`: GLOBAL_ADMIN and SUPERVISOR anywhere in the tenant,
// LOCAL_USER on assigned markets only, READ_ONLY never.
check require_board_work(const context& ctx, std::string_view tenant_id, std::string_view market_id);

// The service itself (expiry sweeps, AI and execution callbacks, deployment).
check require_system(const context& ctx);

}  // namespace stradia::domain
