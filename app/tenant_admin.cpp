// `stradia tenant`: what an operator does to run a tenant. `create` makes the tenant with
// its plan and its first GLOBAL_ADMIN (who invites everyone else over the API);
// `deactivate` shuts its logins and tokens out (401) and `activate` lets them back in.
#include <sodium.h>

#include <cstdint>
#include <cstdio>

#include "app/cli.hpp"
#include "app/runtime.hpp"
#include "base/encoding.hpp"
#include "domain/access.hpp"
#include "gateway/password.hpp"

namespace stradia::app {

namespace {

struct create_flags {
  std::string name, admin_email, admin_password;
  std::int32_t active_markets_limit = 5, user_seat_limit = 25;
  std::int64_t ai_token_quota = 100000;
  service_flags service;
};

int run_create(const create_flags& flags) {
  const bool generated = flags.admin_password.empty();
  const auto password = generated ? generated_password() : flags.admin_password;
  const auto hash = gateway::hash_password(password);
  if (!hash) {
    std::fprintf(stderr, "stradia tenant create: the password could not be hashed\n");
    return 1;
  }
  runtime rt(service_config(flags.service));
  tenant::v1::CreateTenant tenant;
  tenant.set_name(flags.name);
  tenant.set_active_markets_limit(flags.active_markets_limit);
  tenant.set_user_seat_limit(flags.user_seat_limit);
  tenant.set_ai_token_quota(flags.ai_token_quota);
  auto created = rt.commands().create_tenant(domain::system_caller(""), tenant);
  if (!created) {
    report_refusal("tenant create", created.error());
    return 1;
  }
  const auto tenant_id = created->created.at(0).second;
  user::v1::InviteUser admin;
  admin.set_email(flags.admin_email);
  admin.set_role(domain::roles::GLOBAL_ADMIN);
  admin.set_language_preference("en");
  admin.set_password_hash(*hash);
  auto invited = rt.commands().invite_user(domain::system_caller(tenant_id), admin);
  if (!invited) {
    report_refusal("tenant create", invited.error());
    std::fprintf(stderr, "stradia tenant create: tenant %s was created without an admin\n", tenant_id.c_str());
    return 1;
  }
  std::printf("tenant %s\nadmin %s %s\n", tenant_id.c_str(), invited->created.at(0).second.c_str(),
              flags.admin_email.c_str());
  if (generated) std::printf("password %s\n", password.c_str());  // shown once, to the operator's terminal
  return 0;
}

struct switch_flags {
  std::string tenant;
  service_flags service;
};

int run_switch(const switch_flags& flags, bool active) {
  runtime rt(service_config(flags.service));
  auto result = active ? rt.commands().activate_tenant(flags.tenant) : rt.commands().deactivate_tenant(flags.tenant);
  if (!result) {
    report_refusal(active ? "tenant activate" : "tenant deactivate", result.error());
    return 1;
  }
  std::printf("tenant %s is %s\n", flags.tenant.c_str(), active ? "active" : "deactivated");
  return 0;
}

}  // namespace

void add_tenant(CLI::App& cli, int& exit_code) {
  auto* tenant = cli.add_subcommand("tenant", "create a tenant with its first admin, or (de)activate one");
  tenant->require_subcommand(1);

  auto* create = tenant->add_subcommand("create", "a tenant, its plan and its first GLOBAL_ADMIN");
  auto created = std::make_shared<create_flags>();
  create->add_option("--name", created->name, "the organisation's name (2..100 characters)")->required();
  create->add_option("--admin-email", created->admin_email, "the first GLOBAL_ADMIN's email")->required();
  create->add_option("--admin-password", created->admin_password, "their password (default: one is made and shown)")
      ->envname("STRADIA_ADMIN_PASSWORD");
  create->add_option("--active-markets-limit", created->active_markets_limit, "active markets")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  create->add_option("--user-seat-limit", created->user_seat_limit, "user seats")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  create->add_option("--ai-token-quota", created->ai_token_quota, "AI tokens per period")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000'000'000}))
      ->capture_default_str();
  add_service_options(*create, created->service);
  create->callback([created, &exit_code] { exit_code = run_create(*created); });

  for (const bool active : {false, true}) {
    auto* command = tenant->add_subcommand(
        active ? "activate" : "deactivate",
        active ? "let a deactivated tenant's users log in again" : "shut a tenant's logins and tokens out (401)");
    auto flags = std::make_shared<switch_flags>();
    add_tenant_option(*command, flags->tenant);
    add_service_options(*command, flags->service);
    command->callback([flags, active, &exit_code] { exit_code = run_switch(*flags, active); });
  }
}

}  // namespace stradia::app
