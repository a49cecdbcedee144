#include "domain/access.hpp"

namespace stradia::domain {

caller system_caller(std::string tenant_id) {
  return caller{std::string(system_user_id), std::move(tenant_id), roles::UNSPECIFIED, {}, true};
}

check require_admin(const context& ctx) {
  if (ctx.who.is_system || ctx.who.role == roles::GLOBAL_ADMIN) return {};
  return refuse(errc::forbidden, "Only a GLOBAL_ADMIN may do this.");
}

check require_tenant(const context& ctx, std::string_view tenant_id) {
  if (ctx.who.tenant_id == tenant_id) return {};
  return refuse(errc::not_found, "No such entity.");
}

check require_board_work(const context& ctx, std::string_view tenant_id, std::string_view market_id) {
  if (auto ok = require_tenant(ctx, tenant_id); !ok) return ok;
  if (ctx.who.is_system) return {};
  switch (ctx.who.role) {
    case roles::GLOBAL_ADMIN:
    case roles::SUPERVISOR: return {};
    case roles::LOCAL_USER:
      if (ctx.who.assigned_to(market_id)) return {};
      return refuse(errc::not_found, "No such entity.");
    default: return refuse(errc::forbidden, "This role may not change boards.");
  }
}

check require_system(const context& ctx) {
  if (ctx.who.is_system) return {};
  return refuse(errc::forbidden, "Only the service itself may do this.");
}

}  // namespace stradia::domain
