// `stradia analyst`: per-tenant logins for analysts' own tools (psql, Metabase, a notebook).
// `grant` makes a Postgres role that reads the `analytics` views of one tenant only and
// shows its password once; `revoke` ends its sessions and drops it; `list` names them.
#include <cstdio>

#include "app/cli.hpp"
#include "base/scram.hpp"
#include "projections/analytics/analyst_logins.hpp"

namespace stradia::app {

namespace {

namespace analytics = projections::analytics;

struct analyst_flags {
  std::string owner_database_url, tenant, name;
};

void add_owner_option(CLI::App& command, analyst_flags& flags) {
  command.add_option("--database-url", flags.owner_database_url, "the owner role's connection")
      ->envname("STRADIA_OWNER_DATABASE_URL")
      ->required();
}

CLI::Option* add_name_option(CLI::App& command, analyst_flags& flags) {
  return command.add_option("--name", flags.name, "the analyst's Postgres role, e.g. acme_bi")
      ->required()
      ->check(
          [](const std::string& name) {
            const auto problem = analytics::analyst_name_problem(name);
            return problem.empty() ? std::string() : problem;
          },
          "NAME");
}

int run_grant(const analyst_flags& flags) {
  const auto password = generated_password();
  const auto granted = analytics::grant_analyst(flags.owner_database_url, flags.tenant, flags.name,
                                                base::scram_sha256_verifier(password));
  if (!granted) {
    std::fprintf(stderr, "stradia analyst grant: %s\n", granted.error().c_str());
    return 1;
  }
  std::printf("analyst login %s %s for tenant %s\n", flags.name.c_str(), *granted ? "created" : "has a new password",
              flags.tenant.c_str());
  std::printf("password (shown once): %s\n", password.c_str());
  std::printf("it reads the views of schema analytics (docs/ANALYTICS.md), e.g.\n");
  std::printf("  psql \"host=<host> port=<port> dbname=<database> user=%s\" -c 'SELECT * FROM analytics.flow_days'\n",
              flags.name.c_str());
  return 0;
}

int run_revoke(const analyst_flags& flags) {
  const auto revoked = analytics::revoke_analyst(flags.owner_database_url, flags.name);
  if (!revoked) {
    std::fprintf(stderr, "stradia analyst revoke: %s\n", revoked.error().c_str());
    return 1;
  }
  if (!*revoked) {
    std::fprintf(stderr, "stradia analyst revoke: no analyst login named %s\n", flags.name.c_str());
    return 1;
  }
  std::printf("analyst login %s revoked: its sessions ended and the role is gone\n", flags.name.c_str());
  return 0;
}

int run_list(const analyst_flags& flags) {
  const auto logins = analytics::analyst_logins(flags.owner_database_url);
  if (!logins) {
    std::fprintf(stderr, "stradia analyst list: %s\n", logins.error().c_str());
    return 1;
  }
  for (const auto& l : *logins) std::printf("%s\t%s\t%s\n", l.name.c_str(), l.tenant_id.c_str(), l.granted_at.c_str());
  return 0;
}

}  // namespace

void add_analyst(CLI::App& cli, int& exit_code) {
  auto* analyst = cli.add_subcommand("analyst", "Postgres logins that read one tenant's analytics views");
  analyst->require_subcommand(1);
  auto flags = std::make_shared<analyst_flags>();

  auto* grant = analyst->add_subcommand("grant", "create an analyst login for a tenant (or give it a new password)");
  grant->footer("The password is shown once. The login reads only the analytics views, only of that tenant.");
  add_tenant_option(*grant, flags->tenant);
  add_name_option(*grant, *flags);
  add_owner_option(*grant, *flags);
  grant->callback([flags, &exit_code] { exit_code = run_grant(*flags); });

  auto* revoke = analyst->add_subcommand("revoke", "end an analyst login's sessions and drop it");
  add_name_option(*revoke, *flags);
  add_owner_option(*revoke, *flags);
  revoke->callback([flags, &exit_code] { exit_code = run_revoke(*flags); });

  auto* list = analyst->add_subcommand("list", "the analyst logins: name, tenant, granted at");
  add_owner_option(*list, *flags);
  list->callback([flags, &exit_code] { exit_code = run_list(*flags); });
}

}  // namespace stradia::app
