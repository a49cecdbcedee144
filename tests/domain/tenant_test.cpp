#include "domain/tenant.hpp"

#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace tn = domain::tenant;
namespace pb = stradia::tenant::v1;
namespace user_pb = stradia::user::v1;
namespace market_pb = stradia::market::v1;
using domain::errc;
using domain::roles;

tn::state apply(tn::state s, const tn::command& c, const domain::context& ctx = context_for(as_admin())) {
  auto d = tn::decide(s, c, ctx);
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().error.detail);
  return d ? fold(std::move(s), *d, tn::evolve) : s;
}

user_pb::InviteUser invite(const std::string& user_id, domain::user_role role) {
  user_pb::InviteUser c;
  c.set_user_id(user_id);
  c.set_email(user_id + "@acme.com");
  c.set_role(role);
  return c;
}

market_pb::CreateMarket create_market(const std::string& market_id, const std::string& name) {
  market_pb::CreateMarket c;
  c.set_market_id(market_id);
  c.set_name(name);
  return c;
}

// Acme as the playground has it, with one GLOBAL_ADMIN.
tn::state acme(int markets_limit = 5, int seat_limit = 25) {
  pb::CreateTenant c;
  c.set_tenant_id(tenant_id);
  c.set_name("Acme Corp Global");
  c.set_active_markets_limit(markets_limit);
  c.set_user_seat_limit(seat_limit);
  c.set_ai_token_quota(100000);
  auto s = apply({}, c, context_for(as_system()));
  return apply(s, invite(admin_id, roles::GLOBAL_ADMIN), context_for(as_system()));
}

template <class Command>
Command for_user(const std::string& user_id) {
  Command c;
  c.set_user_id(user_id);
  return c;
}

user_pb::ChangeUserRole demote(const std::string& user_id) {
  auto c = for_user<user_pb::ChangeUserRole>(user_id);
  c.set_role(roles::SUPERVISOR);
  return c;
}

TEST(Tenant, OnlyTheServiceCreatesTenants) {
  pb::CreateTenant c;
  c.set_tenant_id(tenant_id);
  c.set_name("Acme Corp Global");
  EXPECT_EQ(refusal_code(tn::decide({}, c, context_for(as_admin()))), errc::forbidden);
  auto created = tn::decide({}, c, context_for(as_system()));
  ASSERT_TRUE(created.has_value());
  const auto& e = std::get<pb::TenantCreated>(created->front());
  EXPECT_TRUE(e.is_active());
  EXPECT_EQ(domain::from_proto(e.token_reset_date()), domain::add_months(base_time, 1));
}

TEST(Tenant, TheOnlyActiveAdminCannotBeDemoted) {
  EXPECT_EQ(refusal_code(tn::decide(acme(), demote(admin_id), context_for(as_admin()))), errc::last_admin);
}

TEST(Tenant, TheOnlyActiveAdminCannotBeDeactivated) {
  auto c = for_user<user_pb::DeactivateUser>(admin_id);
  EXPECT_EQ(refusal_code(tn::decide(acme(), c, context_for(as_admin()))), errc::last_admin);
}

TEST(Tenant, TheOnlyActiveAdminCannotBeDeleted) {
  auto c = for_user<user_pb::DeleteUser>(admin_id);
  EXPECT_EQ(refusal_code(tn::decide(acme(), c, context_for(as_admin()))), errc::last_admin);
}

TEST(Tenant, WithTwoActiveAdminsOneMayGo) {
  auto s = apply(acme(), invite(second_admin_id, roles::GLOBAL_ADMIN));
  s = apply(s, for_user<user_pb::DeactivateUser>(admin_id), context_for(as_second_admin()));
  EXPECT_EQ(s.active_admins(), 1u);
  EXPECT_EQ(refusal_code(tn::decide(s, demote(second_admin_id), context_for(as_second_admin()))), errc::last_admin);
}

TEST(Tenant, InactiveAdminsDoNotCount) {
  auto s = apply(acme(), invite(second_admin_id, roles::GLOBAL_ADMIN));
  s = apply(s, for_user<user_pb::DeactivateUser>(second_admin_id));
  EXPECT_EQ(refusal_code(tn::decide(s, demote(admin_id), context_for(as_admin()))), errc::last_admin);
}

TEST(Tenant, PromotingAnotherAdminLetsTheFirstStepDown) {
  auto s = apply(acme(), invite(supervisor_id, roles::SUPERVISOR));
  auto promote = for_user<user_pb::ChangeUserRole>(supervisor_id);
  promote.set_role(roles::GLOBAL_ADMIN);
  s = apply(s, promote);
  EXPECT_TRUE(tn::decide(s, demote(admin_id), context_for(as_admin())).has_value());
}

TEST(Tenant, SeatLimitRefusesTheNextInvite) {
  auto s = apply(acme(5, 2), invite(supervisor_id, roles::SUPERVISOR));
  EXPECT_EQ(refusal_code(tn::decide(s, invite(auditor_id, roles::READ_ONLY), context_for(as_admin()))),
            errc::seat_limit_reached);
}

TEST(Tenant, DeactivatedUsersFreeTheirSeat) {
  auto s = apply(acme(5, 2), invite(supervisor_id, roles::SUPERVISOR));
  s = apply(s, for_user<user_pb::DeactivateUser>(supervisor_id));
  EXPECT_TRUE(tn::decide(s, invite(auditor_id, roles::READ_ONLY), context_for(as_admin())).has_value());
}

// Billing (the service) raises a plan's limits.
TEST(Tenant, RaisingTheSeatLimitLiftsTheBlock) {
  auto s = apply(acme(5, 2), invite(supervisor_id, roles::SUPERVISOR));
  pb::UpdateTenantPlan plan;
  plan.set_user_seat_limit(3);
  s = apply(s, plan, context_for(as_system()));
  EXPECT_TRUE(tn::decide(s, invite(auditor_id, roles::READ_ONLY), context_for(as_admin())).has_value());
}

tn::state with_markets(int count, int limit = 5) {
  auto s = acme(limit);
  for (int i = 0; i < count; ++i) s = apply(s, create_market("m" + std::to_string(i), "Market " + std::to_string(i)));
  return s;
}

TEST(Tenant, ActiveMarketsLimitRefusesTheNextMarket) {
  auto s = with_markets(5);
  EXPECT_EQ(refusal_code(tn::decide(s, create_market("m5", "Market 5"), context_for(as_admin()))),
            errc::market_limit_reached);
}

TEST(Tenant, DeactivatedMarketsFreeASlot) {
  auto s = with_markets(5);
  market_pb::DeactivateMarket off;
  off.set_market_id("m0");
  s = apply(s, off);
  EXPECT_TRUE(tn::decide(s, create_market("m5", "Market 5"), context_for(as_admin())).has_value());
}

TEST(Tenant, DeletedMarketsFreeASlot) {
  auto s = with_markets(5);
  market_pb::DeleteMarket gone;
  gone.set_market_id("m0");
  s = apply(s, gone);
  EXPECT_TRUE(tn::decide(s, create_market("m5", "Market 5"), context_for(as_admin())).has_value());
}

TEST(Tenant, ReactivatingAMarketNeedsAFreeSlot) {
  auto s = with_markets(5);
  market_pb::DeactivateMarket off;
  off.set_market_id("m0");
  s = apply(apply(s, off), create_market("m5", "Market 5"));
  market_pb::ActivateMarket on;
  on.set_market_id("m0");
  EXPECT_EQ(refusal_code(tn::decide(s, on, context_for(as_admin()))), errc::market_limit_reached);
}

TEST(Tenant, RaisingTheMarketsLimitLiftsTheBlock) {
  auto s = with_markets(5);
  pb::UpdateTenantPlan plan;
  plan.set_active_markets_limit(6);
  s = apply(s, plan, context_for(as_system()));
  EXPECT_EQ(s.active_markets_limit, 6);
  EXPECT_EQ(s.user_seat_limit, 25);  // untouched limits stay
  EXPECT_TRUE(tn::decide(s, create_market("m5", "Market 5"), context_for(as_admin())).has_value());
}

TEST(Tenant, AnAdminMayLowerItsPlanButOnlyBillingRaisesIt) {
  pb::UpdateTenantPlan lower;
  lower.set_ai_token_quota(50000);
  lower.set_user_seat_limit(10);
  const auto lowered = apply(acme(), lower);
  EXPECT_EQ(lowered.ai_token_quota, 50000);
  EXPECT_EQ(lowered.user_seat_limit, 10);
  for (auto raise : {[] {
                       pb::UpdateTenantPlan p;
                       p.set_ai_token_quota(100001);
                       return p;
                     }(),
                     [] {
                       pb::UpdateTenantPlan p;
                       p.set_active_markets_limit(6);
                       return p;
                     }(),
                     [] {
                       pb::UpdateTenantPlan p;
                       p.set_user_seat_limit(26);
                       return p;
                     }(),
                     [] {
                       pb::UpdateTenantPlan p;
                       p.set_stripe_customer_id("cus_other");
                       return p;
                     }()})
    EXPECT_EQ(refusal_code(tn::decide(acme(), raise, context_for(as_admin()))), errc::forbidden);
}

TEST(Tenant, PlanLimitsStayFarFromOverflow) {
  pb::UpdateTenantPlan huge;
  huge.set_ai_token_quota(INT64_MAX);
  const auto errors = field_errors(tn::decide(acme(), huge, context_for(as_system())));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "ai_token_quota");
}

TEST(Tenant, MarketNamesAreUniquePerTenant) {
  auto s = with_markets(1);
  auto errors = field_errors(tn::decide(s, create_market("m9", "market 0"), context_for(as_admin())));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "name");
}

TEST(Tenant, OnlyGlobalAdminsManageTheTenant) {
  pb::UpdateTenantPlan plan;
  plan.set_active_markets_limit(9);
  for (auto who : {as_supervisor(), as_spain_user(), as_auditor()})
    EXPECT_EQ(refusal_code(tn::decide(acme(), plan, context_for(who))), errc::forbidden) << who.user_id;
  EXPECT_EQ(refusal_code(tn::decide(acme(), plan, context_for(as_other_tenant_admin()))), errc::not_found);
}

TEST(Tenant, StalePlanVersionIsVersionConflict) {
  pb::UpdateTenantPlan plan;
  plan.set_expected_version(1);
  EXPECT_EQ(refusal_code(tn::decide(acme(), plan, context_for(as_admin()))), errc::version_conflict);
}

pb::CreateGovernancePolicy policy(std::string text) {
  pb::CreateGovernancePolicy c;
  c.set_policy_id("00000000-0000-4000-a000-000000000001");
  c.set_policy_text(std::move(text));
  c.set_platform(domain::platforms::GTM);
  return c;
}

TEST(Tenant, GovernancePolicyTextFollowsTheGuardrails) {
  auto s = acme();
  auto messages = [&](std::string text) {
    std::vector<std::string> out;
    for (const auto& e : field_errors(tn::decide(s, policy(std::move(text)), context_for(as_admin()))))
      out.push_back(e.message);
    return out;
  };
  EXPECT_EQ(messages("Too short"), std::vector<std::string>{"Rule is too short."});
  EXPECT_EQ(messages(std::string(301, 'a')), std::vector<std::string>{"Rule exceeds 300 character limit."});
  EXPECT_EQ(messages("No tags with <script> allowed."), std::vector<std::string>{"Invalid characters in policy."});
  EXPECT_EQ(messages("<b>"), (std::vector<std::string>{"Rule is too short.", "Invalid characters in policy."}));
  EXPECT_TRUE(tn::decide(s, policy("Never send PII to GA4, don't track minors!"), context_for(as_admin())).has_value());
  EXPECT_TRUE(tn::decide(s, policy(std::string(300, 'a')), context_for(as_admin())).has_value());
}

TEST(Tenant, DeactivatedPolicyStaysRecordedButInactive) {
  auto s = apply(acme(), policy("Never send PII to GA4."));
  pb::DeactivateGovernancePolicy off;
  off.set_policy_id("00000000-0000-4000-a000-000000000001");
  s = apply(s, off);
  ASSERT_EQ(s.policies.count("00000000-0000-4000-a000-000000000001"), 1u);
  EXPECT_FALSE(s.policies.at("00000000-0000-4000-a000-000000000001").is_active);
}

TEST(Tenant, DeactivatingAPolicyOnAStaleVersionIsAVersionConflict) {
  const auto s = apply(acme(), policy("Never send PII to GA4."));
  pb::DeactivateGovernancePolicy off;
  off.set_policy_id("00000000-0000-4000-a000-000000000001");
  off.set_expected_version(s.stream_version - 1);
  EXPECT_EQ(refusal_code(tn::decide(s, off, context_for(as_admin()))), errc::version_conflict);
  off.set_expected_version(s.stream_version);
  EXPECT_TRUE(tn::decide(s, off, context_for(as_admin())).has_value());
}

}  // namespace
}  // namespace stradia::testing
