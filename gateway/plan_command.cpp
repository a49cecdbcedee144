// `stradia plan`: the billing side's way to change a tenant's plan. A tenant's own admin
// may only lower its limits (UpdateTenantPlan over HTTP); raising them is a service act.
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "domain/access.hpp"
#include "domain/uuid_text.hpp"
#include "gateway/cli.hpp"
#include "gateway/runtime.hpp"

namespace stradia::gateway {

int run_plan(const arguments& args) {
  static const std::string help =
      "usage: stradia plan --tenant ID [--ai-token-quota N] [--active-markets-limit N] [--user-seat-limit N]\n"
      "\n"
      "Sets a tenant's plan limits as the service (billing), raising them included.\n"
      "  --database-url URL         role stradia_app (env STRADIA_DATABASE_URL)\n"
      "  --worker-database-url URL  role stradia_worker (env STRADIA_WORKER_DATABASE_URL)\n";
  if (const auto done = args.help_or_refusal("plan", help,
                                             {"tenant", "ai-token-quota", "active-markets-limit", "user-seat-limit",
                                              "database-url", "worker-database-url"}))
    return *done;
  const auto tenant = args.option("tenant", nullptr);
  if (!tenant || !domain::is_uuid(*tenant)) {
    std::fprintf(stderr, "stradia plan: --tenant wants the tenant's id (a lowercase UUID)\n\n%s", help.c_str());
    return 2;
  }
  tenant::v1::UpdateTenantPlan plan;
  struct limit {
    const char* option;
    long long max;
    void (*set)(tenant::v1::UpdateTenantPlan&, long long);
  };
  static constexpr limit limits[] = {
      {"ai-token-quota", 1'000'000'000'000'000LL,
       [](tenant::v1::UpdateTenantPlan& p, long long v) { p.set_ai_token_quota(v); }},
      {"active-markets-limit", INT32_MAX,
       [](tenant::v1::UpdateTenantPlan& p, long long v) { p.set_active_markets_limit(static_cast<int>(v)); }},
      {"user-seat-limit", INT32_MAX,
       [](tenant::v1::UpdateTenantPlan& p, long long v) { p.set_user_seat_limit(static_cast<int>(v)); }},
  };
  for (const auto& l : limits) {
    const auto text = args.option(l.option, nullptr);
    if (!text) continue;
    char* end = nullptr;
    const long long value = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || value < 0 || value > l.max) {
      std::fprintf(stderr, "stradia plan: --%s wants a whole number from 0 to %lld, got '%s'\n", l.option, l.max,
                   text->c_str());
      return 2;
    }
    l.set(plan, value);
  }
  auto config = read_runtime_config(args, "plan");
  if (!config) return 2;
  config->feed_read_models = false;
  runtime rt(*config);
  auto result = rt.commands().update_tenant_plan(domain::system_caller(*tenant), plan);
  if (!result) {
    std::fprintf(stderr, "stradia plan: %s\n", result.error().error.detail.c_str());
    for (const auto& e : result.error().error.errors)
      std::fprintf(stderr, "  %s: %s\n", e.path.c_str(), e.message.c_str());
    return 1;
  }
  std::printf("stradia plan: tenant %s is at version %lld\n", tenant->c_str(), static_cast<long long>(result->version));
  return 0;
}

}  // namespace stradia::gateway
