// Vault credentials: the tokens are sealed here, before the command reaches the domain,
// so only ciphertext is ever decided on, appended, or sent anywhere.
#include "commands/command_service.hpp"
#include "commands/handler_steps.hpp"
#include "commands/vault_sealer.hpp"
#include "domain/stream_ids.hpp"

#include <sodium.h>

namespace stradia::commands {

namespace ids = domain::stream_ids;

namespace {

command_result vault_unavailable() {
  return base::unexpected(command_failure{
      {domain::errc::validation_failed, "The vault is not configured (no master key).", {}}, true, false});
}

}  // namespace

command_result command_service::store_vault_credential(const domain::caller& who, vault::v1::StoreVaultCredential c) {
  // Authorized before anything is sealed: sealing costs crypto work and creates the
  // tenant's data key.
  if (auto ok = domain::vault_credential::require_writer(context_for(who), c.market_id()); !ok)
    return base::unexpected(domain_failure(ok.error()));
  if (!options_.vault) return vault_unavailable();
  auto market = load_stream<market_aggregate>(who.tenant_id, ids::market(c.market_id()));
  if (!market) return base::unexpected(market.error());
  if (auto usable = domain::market::require_usable(market->state, context_for(who)); !usable)
    return base::unexpected(domain_failure(usable.error()));
  if (c.oauth_token().empty())
    return base::unexpected(domain_failure(
        {domain::errc::validation_failed, "The command has invalid fields.", {{"oauth_token", "Required"}}}));
  const auto context = c.market_id() + "|" + std::string(domain::name_of(c.platform()));
  auto oauth = options_.vault->seal(who.tenant_id, c.oauth_token(), context);
  if (!oauth) return base::unexpected(store_failure(oauth.error()));
  c.set_encrypted_oauth_token(*oauth);
  if (!c.refresh_token().empty()) {
    auto refresh = options_.vault->seal(who.tenant_id, c.refresh_token(), context + "|refresh");
    if (!refresh) return base::unexpected(store_failure(refresh.error()));
    c.set_encrypted_refresh_token(*refresh);
  }
  // Wiped, not just cleared: the plain tokens must not linger in freed memory (core dumps).
  sodium_memzero(c.mutable_oauth_token()->data(), c.oauth_token().size());
  sodium_memzero(c.mutable_refresh_token()->data(), c.refresh_token().size());
  c.clear_oauth_token();
  c.clear_refresh_token();
  c.set_key_id(vault_key_id);
  const auto stream = ids::vault(c.market_id(), c.platform());
  return run_single<vault_aggregate>(who, stream, c, "StoreVaultCredential");
}

command_result command_service::revoke_vault_credential(const domain::caller& who, vault::v1::RevokeVaultCredential c) {
  return run_single<vault_aggregate>(who, ids::vault(c.market_id(), c.platform()), c, "RevokeVaultCredential");
}

}  // namespace stradia::commands
