#include "domain/tenant.hpp"

#include <algorithm>
#include <cctype>

#include "domain/access.hpp"
#include "domain/expected_version.hpp"
#include "domain/guardrails.hpp"

namespace stradia::domain::tenant {

namespace {

namespace user_pb = stradia::user::v1;
namespace market_pb = stradia::market::v1;
using events = std::vector<event>;

std::string folded(std::string_view name) {
  std::string out(name);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A plan limit: 0..10^15, so sums and percentages of it stay far from overflow.
guardrails::problems non_negative(std::string_view path, std::int64_t value) {
  constexpr std::int64_t largest = 1'000'000'000'000'000;
  if (value < 0) return {field_error{std::string(path), "Number must be greater than or equal to 0"}};
  if (value > largest) return {field_error{std::string(path), "Number must be less than or equal to 1000000000000000"}};
  return {};
}

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::CreateTenant& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (s_.exists) return refuse(errc::version_conflict, "The tenant already exists.");
    auto problems = guardrails::entity_id("tenant_id", c.tenant_id());
    guardrails::collect(problems, guardrails::length_between("name", c.name(), 2, 100));
    guardrails::collect(problems, non_negative("active_markets_limit", c.active_markets_limit()));
    guardrails::collect(problems, non_negative("user_seat_limit", c.user_seat_limit()));
    guardrails::collect(problems, non_negative("ai_token_quota", c.ai_token_quota()));
    if (!problems.empty()) return invalid(std::move(problems));
    pb::TenantCreated e;
    e.set_tenant_id(c.tenant_id());
    e.set_name(c.name());
    e.set_stripe_customer_id(c.stripe_customer_id());
    e.set_active_markets_limit(c.active_markets_limit());
    e.set_user_seat_limit(c.user_seat_limit());
    e.set_ai_token_quota(c.ai_token_quota());
    *e.mutable_token_reset_date() = c.has_token_reset_date() ? c.token_reset_date() : to_proto(add_months(ctx_.now, 1));
    e.set_is_active(true);
    *e.mutable_created_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::UpdateTenantPlan& c) const {
    // A plan is the caller's own tenant's: naming another tenant finds nothing.
    if (!c.tenant_id().empty() && c.tenant_id() != s_.id) return refuse(errc::not_found, "No such tenant.");
    if (c.has_expected_version() && c.expected_version() != s_.stream_version)
      return refuse(errc::version_conflict,
                    "The tenant changed since version " + std::to_string(c.expected_version()) + ".");
    guardrails::problems problems;
    if (c.has_active_markets_limit())
      guardrails::collect(problems, non_negative("active_markets_limit", c.active_markets_limit()));
    if (c.has_user_seat_limit()) guardrails::collect(problems, non_negative("user_seat_limit", c.user_seat_limit()));
    if (c.has_ai_token_quota()) guardrails::collect(problems, non_negative("ai_token_quota", c.ai_token_quota()));
    if (!problems.empty()) return invalid(std::move(problems));
    // The plan is billed: a tenant's admin may tighten its own limits, only the service
    // (billing) raises them or changes the Stripe customer.
    const bool raises = (c.has_active_markets_limit() && c.active_markets_limit() > s_.active_markets_limit) ||
                        (c.has_user_seat_limit() && c.user_seat_limit() > s_.user_seat_limit) ||
                        (c.has_ai_token_quota() && c.ai_token_quota() > s_.ai_token_quota) ||
                        (c.has_stripe_customer_id() && c.stripe_customer_id() != s_.stripe_customer_id);
    if (raises && !ctx_.who.is_system)
      return refuse(errc::forbidden, "Raising the plan's limits goes through billing; a tenant may only lower them.");
    pb::TenantPlanUpdated e;
    if (!raises && (!c.has_active_markets_limit() || c.active_markets_limit() == s_.active_markets_limit) &&
        (!c.has_user_seat_limit() || c.user_seat_limit() == s_.user_seat_limit) &&
        (!c.has_ai_token_quota() || c.ai_token_quota() == s_.ai_token_quota) && !c.has_stripe_customer_id())
      return events{};  // nothing changes
    e.set_active_markets_limit(c.has_active_markets_limit() ? c.active_markets_limit() : s_.active_markets_limit);
    e.set_user_seat_limit(c.has_user_seat_limit() ? c.user_seat_limit() : s_.user_seat_limit);
    e.set_ai_token_quota(c.has_ai_token_quota() ? c.ai_token_quota() : s_.ai_token_quota);
    e.set_stripe_customer_id(c.has_stripe_customer_id() ? c.stripe_customer_id() : s_.stripe_customer_id);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::DeactivateTenant&) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (!s_.is_active) return events{};
    pb::TenantDeactivated e;
    e.set_tenant_id(s_.id);
    *e.mutable_deactivated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::ActivateTenant&) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (s_.is_active) return events{};
    pb::TenantActivated e;
    e.set_tenant_id(s_.id);
    *e.mutable_activated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::CreateGovernancePolicy& c) const {
    if (s_.policies.count(c.policy_id())) return refuse(errc::version_conflict, "The policy already exists.");
    auto problems = guardrails::entity_id("policy_id", c.policy_id());
    guardrails::collect(problems, guardrails::policy_text(c.policy_text()));
    if (c.platform() == platforms::UNSPECIFIED)
      problems.push_back({"platform", "Invalid enum value. Expected 'GTM' | 'GA4' | 'NONE'"});
    if (!problems.empty()) return invalid(std::move(problems));
    pb::GovernancePolicyCreated e;
    e.set_policy_id(c.policy_id());
    e.set_policy_text(c.policy_text());
    e.set_platform(c.platform());
    e.set_is_active(true);
    e.set_created_by(ctx_.who.user_id);
    *e.mutable_created_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::DeactivateGovernancePolicy& c) const {
    if (auto ok = matches_expected_version(c, s_.stream_version, "The tenant"); !ok) return unexpected(ok.error());
    auto it = s_.policies.find(c.policy_id());
    if (it == s_.policies.end()) return refuse(errc::not_found, "No such policy.");
    if (!it->second.is_active) return events{};
    pb::GovernancePolicyDeactivated e;
    e.set_policy_id(c.policy_id());
    *e.mutable_deactivated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const user_pb::InviteUser& c) const {
    if (s_.seats.size() >= static_cast<std::size_t>(s_.user_seat_limit))
      return refuse(errc::seat_limit_reached,
                    "All " + std::to_string(s_.user_seat_limit) + " user seats of the plan are taken.");
    pb::TenantSeatTaken e;
    e.set_user_id(c.user_id());
    e.set_role(c.role());
    return events{std::move(e)};
  }

  decision<event> operator()(const user_pb::ChangeUserRole& c) const {
    auto seat = s_.seats.find(c.user_id());
    if (seat == s_.seats.end()) return refuse(errc::not_found, "No such active user.");
    if (seat->second == c.role()) return events{};
    if (auto ok = keeps_an_admin(c.user_id()); !ok) return unexpected(ok.error());
    pb::TenantSeatRoleChanged e;
    e.set_user_id(c.user_id());
    e.set_role(c.role());
    return events{std::move(e)};
  }

  decision<event> operator()(const user_pb::DeactivateUser& c) const { return release_seat(c.user_id()); }
  decision<event> operator()(const user_pb::DeleteUser& c) const { return release_seat(c.user_id()); }

  decision<event> operator()(const market_pb::CreateMarket& c) const {
    const auto wanted = folded(c.name());
    for (const auto& [id, name] : s_.market_names)
      if (folded(name) == wanted) return invalid("name", "A market with this name already exists.");
    if (auto ok = free_market_slot(); !ok) return unexpected(ok.error());
    pb::TenantMarketRegistered e;
    e.set_market_id(c.market_id());
    e.set_name(c.name());
    return events{std::move(e)};
  }

  decision<event> operator()(const market_pb::RenameMarket& c) const {
    const auto current = s_.market_names.find(c.market_id());
    if (current == s_.market_names.end()) return refuse(errc::not_found, "No such market.");
    if (current->second == c.name()) return events{};
    const auto wanted = folded(c.name());
    for (const auto& [id, name] : s_.market_names)
      if (id != c.market_id() && folded(name) == wanted)
        return invalid("name", "A market with this name already exists.");
    pb::TenantMarketRenamed e;
    e.set_market_id(c.market_id());
    e.set_name(c.name());
    return events{std::move(e)};
  }

  decision<event> operator()(const market_pb::ActivateMarket& c) const {
    if (!s_.market_names.count(c.market_id())) return refuse(errc::not_found, "No such market.");
    if (s_.active_markets.count(c.market_id())) return events{};
    if (auto ok = free_market_slot(); !ok) return unexpected(ok.error());
    pb::TenantMarketSlotTaken e;
    e.set_market_id(c.market_id());
    return events{std::move(e)};
  }

  decision<event> operator()(const market_pb::DeactivateMarket& c) const {
    if (!s_.market_names.count(c.market_id())) return refuse(errc::not_found, "No such market.");
    if (!s_.active_markets.count(c.market_id())) return events{};
    pb::TenantMarketSlotReleased e;
    e.set_market_id(c.market_id());
    return events{std::move(e)};
  }

  decision<event> operator()(const market_pb::DeleteMarket& c) const {
    if (!s_.market_names.count(c.market_id())) return refuse(errc::not_found, "No such market.");
    pb::TenantMarketUnregistered e;
    e.set_market_id(c.market_id());
    return events{std::move(e)};
  }

 private:
  // The Last Admin rule: the only active GLOBAL_ADMIN may not stop being one.
  check keeps_an_admin(const std::string& user_id) const {
    auto seat = s_.seats.find(user_id);
    const bool is_admin = seat != s_.seats.end() && seat->second == roles::GLOBAL_ADMIN;
    if (is_admin && s_.active_admins() <= 1)
      return refuse(errc::last_admin,
                    "The tenant's only active GLOBAL_ADMIN cannot be demoted, deactivated or deleted.");
    return {};
  }

  decision<event> release_seat(const std::string& user_id) const {
    if (!s_.seats.count(user_id)) return events{};  // already inactive: no seat to free
    if (auto ok = keeps_an_admin(user_id); !ok) return unexpected(ok.error());
    pb::TenantSeatReleased e;
    e.set_user_id(user_id);
    return events{std::move(e)};
  }

  check free_market_slot() const {
    if (s_.active_markets.size() < static_cast<std::size_t>(s_.active_markets_limit)) return {};
    return refuse(errc::market_limit_reached,
                  "All " + std::to_string(s_.active_markets_limit) + " active markets of the plan are in use.");
  }

  const state& s_;
  const context& ctx_;
};

struct applier {
  state& s;

  void operator()(const pb::TenantCreated& e) {
    s.exists = true;
    s.id = e.tenant_id();
    s.name = e.name();
    s.stripe_customer_id = e.stripe_customer_id();
    s.active_markets_limit = e.active_markets_limit();
    s.user_seat_limit = e.user_seat_limit();
    s.ai_token_quota = e.ai_token_quota();
    s.token_reset_date = from_proto(e.token_reset_date());
    s.is_active = e.is_active();
    s.created_at = from_proto(e.created_at());
  }
  void operator()(const pb::TenantPlanUpdated& e) {
    s.active_markets_limit = e.active_markets_limit();
    s.user_seat_limit = e.user_seat_limit();
    s.ai_token_quota = e.ai_token_quota();
    s.stripe_customer_id = e.stripe_customer_id();
  }
  void operator()(const pb::TenantSeatTaken& e) { s.seats[e.user_id()] = e.role(); }
  void operator()(const pb::TenantSeatRoleChanged& e) { s.seats[e.user_id()] = e.role(); }
  void operator()(const pb::TenantSeatReleased& e) { s.seats.erase(e.user_id()); }
  void operator()(const pb::TenantMarketRegistered& e) {
    s.market_names[e.market_id()] = e.name();
    s.active_markets.insert(e.market_id());
  }
  void operator()(const pb::TenantMarketSlotTaken& e) { s.active_markets.insert(e.market_id()); }
  void operator()(const pb::TenantMarketSlotReleased& e) { s.active_markets.erase(e.market_id()); }
  void operator()(const pb::TenantMarketUnregistered& e) {
    s.market_names.erase(e.market_id());
    s.active_markets.erase(e.market_id());
  }
  void operator()(const pb::TenantMarketRenamed& e) { s.market_names[e.market_id()] = e.name(); }
  void operator()(const pb::TenantDeactivated&) { s.is_active = false; }
  void operator()(const pb::TenantActivated&) { s.is_active = true; }
  void operator()(const pb::GovernancePolicyCreated& e) {
    s.policies[e.policy_id()] = governance_policy{e.policy_id(), e.policy_text(), e.platform(), e.is_active()};
  }
  void operator()(const pb::GovernancePolicyDeactivated& e) {
    if (auto it = s.policies.find(e.policy_id()); it != s.policies.end()) it->second.is_active = false;
  }
};

}  // namespace

std::size_t state::active_admins() const {
  return static_cast<std::size_t>(
      std::count_if(seats.begin(), seats.end(), [](const auto& seat) { return seat.second == roles::GLOBAL_ADMIN; }));
}

decision<event> decide(const state& s, const command& c, const context& ctx) {
  if (std::holds_alternative<pb::CreateTenant>(c)) return decider(s, ctx)(std::get<pb::CreateTenant>(c));
  if (!s.exists) return refuse(errc::not_found, "No such tenant.");
  if (auto ok = require_tenant(ctx, s.id); !ok) return unexpected(ok.error());
  if (auto ok = require_admin(ctx); !ok) return unexpected(ok.error());
  return std::visit(decider(s, ctx), c);
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::tenant
