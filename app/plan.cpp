// `stradia plan`: the billing side's way to change a tenant's plan. A tenant's own admin
// may only lower its limits (UpdateTenantPlan over HTTP); raising them is a service act.
#include <cstdint>
#include <cstdio>
#include <optional>

#include "app/cli.hpp"
#include "app/runtime.hpp"
#include "domain/access.hpp"

namespace stradia::app {

namespace {

struct plan_flags {
  std::string tenant;
  std::optional<std::int64_t> ai_token_quota;
  std::optional<std::int32_t> active_markets_limit, user_seat_limit;
  service_flags service;
};

int run_plan(const plan_flags& flags) {
  tenant::v1::UpdateTenantPlan plan;
  if (flags.ai_token_quota) plan.set_ai_token_quota(*flags.ai_token_quota);
  if (flags.active_markets_limit) plan.set_active_markets_limit(*flags.active_markets_limit);
  if (flags.user_seat_limit) plan.set_user_seat_limit(*flags.user_seat_limit);
  runtime rt(service_config(flags.service));
  auto result = rt.commands().update_tenant_plan(domain::system_caller(flags.tenant), plan);
  if (!result) {
    report_refusal("plan", result.error());
    return 1;
  }
  std::printf("stradia plan: tenant %s is at version %lld\n", flags.tenant.c_str(),
              static_cast<long long>(result->version));
  return 0;
}

}  // namespace

void add_plan(CLI::App& cli, int& exit_code) {
  auto* command =
      cli.add_subcommand("plan", "set a tenant's plan limits as the service (billing): the only way to raise them");
  auto flags = std::make_shared<plan_flags>();
  add_tenant_option(*command, flags->tenant);
  command->add_option("--ai-token-quota", flags->ai_token_quota, "AI tokens per period")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000'000'000}));
  command->add_option("--active-markets-limit", flags->active_markets_limit, "active markets")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--user-seat-limit", flags->user_seat_limit, "user seats")->check(CLI::NonNegativeNumber);
  add_service_options(*command, flags->service);
  command->callback([flags, &exit_code] { exit_code = run_plan(*flags); });
}

}  // namespace stradia::app
