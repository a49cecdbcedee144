// Users and markets: each command changes the entity's own stream and the Tenant stream
// that counts seats, admins, active markets and market names, in one append.
#include "commands/aggregates.hpp"
#include "commands/command_service.hpp"
#include "commands/handler_steps.hpp"
#include "domain/stream_ids.hpp"

#include <sodium.h>

#include <algorithm>

namespace stradia::commands {

namespace ids = domain::stream_ids;

template <class Command>
command_result command_service::run_tenant_and_user(const domain::caller& who, const Command& c,
                                                    std::string_view command_name) {
  return with_retries([&]() -> command_result {
    auto user = load_stream<user_aggregate>(who.tenant_id, ids::user(c.user_id()));
    if (!user) return base::unexpected(user.error());
    auto tenant = load_stream<tenant_aggregate>(who.tenant_id, ids::tenant(who.tenant_id));
    if (!tenant) return base::unexpected(tenant.error());
    const auto ctx = context_for(who);
    auto on_user = user_aggregate::decide(user->state, c, ctx);
    if (!on_user) return base::unexpected(domain_failure(std::move(on_user).error().error));
    auto on_tenant = tenant_aggregate::decide(tenant->state, c, ctx);
    if (!on_tenant) return base::unexpected(domain_failure(std::move(on_tenant).error().error));
    unit_of_work work(who.tenant_id, metadata_for(who, command_name));
    work.record(*user, *on_user);
    work.record(*tenant, *on_tenant);
    return finish(store_, work, user->stream_id, user->version, {{"user_id", c.user_id()}});
  });
}

template <class Command>
command_result command_service::run_tenant_and_market(const domain::caller& who, const Command& c,
                                                      std::string_view command_name) {
  return with_retries([&]() -> command_result {
    auto market = load_stream<market_aggregate>(who.tenant_id, ids::market(c.market_id()));
    if (!market) return base::unexpected(market.error());
    auto tenant = load_stream<tenant_aggregate>(who.tenant_id, ids::tenant(who.tenant_id));
    if (!tenant) return base::unexpected(tenant.error());
    const auto ctx = context_for(who);
    auto on_market = market_aggregate::decide(market->state, c, ctx);
    if (!on_market) return base::unexpected(domain_failure(std::move(on_market).error().error));
    auto on_tenant = tenant_aggregate::decide(tenant->state, c, ctx);
    if (!on_tenant) return base::unexpected(domain_failure(std::move(on_tenant).error().error));
    unit_of_work work(who.tenant_id, metadata_for(who, command_name));
    work.record(*market, *on_market);
    work.record(*tenant, *on_tenant);
    return finish(store_, work, market->stream_id, market->version, {{"market_id", c.market_id()}});
  });
}

namespace {

// The email's reservation stream: a digest of the lowercased address, so the registry
// holds no email in clear.
std::string email_stream(const std::string& email) {
  std::string folded(email);
  std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char ch) { return std::tolower(ch); });
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(folded.data()), folded.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return "email-" + std::string(hex);
}

const std::string& email_of(const user::v1::InviteUser& c, const domain::user::state&) { return c.email(); }
const std::string& email_of(const user::v1::DeleteUser&, const domain::user::state& s) { return s.email; }

}  // namespace

// Emails are unique across all tenants: the invite reserves the email in the registry in
// the same append as UserInvited and the tenant's seat; the reservation stream's expected
// version decides between racing invites, whichever tenants they come from.
template <class Command, class Reservation>
command_result command_service::run_user_with_email(const domain::caller& who, const Command& c,
                                                    std::string_view command_name) {
  const std::string registry(domain::email_reservation::registry_tenant_id);
  return with_retries([&]() -> command_result {
    auto user = load_stream<user_aggregate>(who.tenant_id, ids::user(c.user_id()));
    if (!user) return base::unexpected(user.error());
    auto tenant = load_stream<tenant_aggregate>(who.tenant_id, ids::tenant(who.tenant_id));
    if (!tenant) return base::unexpected(tenant.error());
    const auto ctx = context_for(who);
    auto on_user = user_aggregate::decide(user->state, c, ctx);
    if (!on_user) return base::unexpected(domain_failure(std::move(on_user).error().error));
    auto on_tenant = tenant_aggregate::decide(tenant->state, c, ctx);
    if (!on_tenant) return base::unexpected(domain_failure(std::move(on_tenant).error().error));
    auto reservation = load_stream<email_aggregate>(registry, email_stream(email_of(c, user->state)));
    if (!reservation) return base::unexpected(reservation.error());
    Reservation asked;
    asked.set_tenant_id(who.tenant_id);
    asked.set_user_id(c.user_id());
    const auto as_service = domain::context{domain::system_caller(registry), ctx.now, ctx.new_id, ctx.zones};
    auto on_email = email_aggregate::decide(reservation->state, asked, as_service);
    if (!on_email) return base::unexpected(domain_failure(std::move(on_email).error().error));
    unit_of_work work(who.tenant_id, metadata_for(who, command_name));
    work.record(*user, *on_user);
    work.record(*tenant, *on_tenant);
    work.record(*reservation, *on_email, registry);
    return finish(store_, work, user->stream_id, user->version, {{"user_id", c.user_id()}});
  });
}

command_result command_service::invite_user(const domain::caller& who, user::v1::InviteUser c) {
  if (c.user_id().empty()) c.set_user_id(new_uuid());
  return run_user_with_email<user::v1::InviteUser, registry::v1::ReserveEmail>(who, c, "InviteUser");
}

command_result command_service::change_user_role(const domain::caller& who, user::v1::ChangeUserRole c) {
  return run_tenant_and_user(who, c, "ChangeUserRole");
}

command_result command_service::deactivate_user(const domain::caller& who, user::v1::DeactivateUser c) {
  return run_tenant_and_user(who, c, "DeactivateUser");
}

command_result command_service::delete_user(const domain::caller& who, user::v1::DeleteUser c) {
  return run_user_with_email<user::v1::DeleteUser, registry::v1::ReleaseEmail>(who, c, "DeleteUser");
}

command_result command_service::record_user_login(const domain::caller& who, user::v1::RecordUserLogin c) {
  return run_single<user_aggregate>(who, ids::user(c.user_id()), c, "RecordUserLogin");
}

// The market must be usable (this tenant's, not deleted); the assignment lives on the user.
template <class Command>
command_result assignment(eventstore::event_log& store, const domain::caller& who, const Command& c,
                          const domain::context& ctx, const event_metadata& metadata) {
  auto market = load<market_aggregate>(store, who.tenant_id, ids::market(c.market_id()));
  if (!market) return base::unexpected(market.error());
  auto user = load<user_aggregate>(store, who.tenant_id, ids::user(c.user_id()));
  if (!user) return base::unexpected(user.error());
  auto on_user = user_aggregate::decide(user->state, c, ctx);
  if (!on_user) return base::unexpected(domain_failure(std::move(on_user).error().error));
  if (auto usable = domain::market::require_usable(market->state, ctx); !usable)
    return base::unexpected(domain_failure(usable.error()));
  unit_of_work work(who.tenant_id, metadata);
  work.record(*user, *on_user);
  return finish(store, work, user->stream_id, user->version);
}

command_result command_service::assign_user_to_market(const domain::caller& who, user::v1::AssignUserToMarket c) {
  return with_retries(
      [&] { return assignment(store_, who, c, context_for(who), metadata_for(who, "AssignUserToMarket")); });
}

command_result command_service::unassign_user_from_market(const domain::caller& who,
                                                          user::v1::UnassignUserFromMarket c) {
  return with_retries(
      [&] { return assignment(store_, who, c, context_for(who), metadata_for(who, "UnassignUserFromMarket")); });
}

command_result command_service::change_own_password(const domain::caller& who, user::v1::ChangeOwnPassword c) {
  return run_single<user_aggregate>(who, ids::user(who.user_id), c, "ChangeOwnPassword");
}

command_result command_service::change_own_language(const domain::caller& who, user::v1::ChangeOwnLanguage c) {
  return run_single<user_aggregate>(who, ids::user(who.user_id), c, "ChangeOwnLanguage");
}

command_result command_service::rename_market(const domain::caller& who, market::v1::RenameMarket c) {
  return run_tenant_and_market(who, c, "RenameMarket");
}

command_result command_service::change_market_timezone(const domain::caller& who, market::v1::ChangeMarketTimezone c) {
  return run_single<market_aggregate>(who, ids::market(c.market_id()), c, "ChangeMarketTimezone");
}

command_result command_service::create_market(const domain::caller& who, market::v1::CreateMarket c) {
  if (c.market_id().empty()) c.set_market_id(new_uuid());
  return run_tenant_and_market(who, c, "CreateMarket");
}

command_result command_service::activate_market(const domain::caller& who, market::v1::ActivateMarket c) {
  return run_tenant_and_market(who, c, "ActivateMarket");
}

command_result command_service::deactivate_market(const domain::caller& who, market::v1::DeactivateMarket c) {
  return run_tenant_and_market(who, c, "DeactivateMarket");
}

command_result command_service::delete_market(const domain::caller& who, market::v1::DeleteMarket c) {
  return run_tenant_and_market(who, c, "DeleteMarket");
}

}  // namespace stradia::commands
