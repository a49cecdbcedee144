#pragma once
// VaultCredential aggregate (stream "vault-<market>-<platform>"): one OAuth credential per
// market and platform, stored, rotated and revoked. Only ciphertext enters the domain;
// encryption happens before the command is built.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "domain/enums.hpp"
#include "vault.pb.h"

namespace stradia::domain::vault_credential {

namespace pb = stradia::vault::v1;

using command = std::variant<pb::StoreVaultCredential, pb::RevokeVaultCredential, pb::UseVaultCredential,
                             pb::RefreshVaultCredential>;
using event = std::variant<pb::VaultCredentialStored, pb::VaultCredentialRotated, pb::VaultCredentialRevoked,
                           pb::VaultCredentialUsed>;

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string credential_id;
  std::string tenant_id;
  std::string market_id;
  target_platform platform = platforms::UNSPECIFIED;
  std::string encrypted_oauth_token;
  std::string encrypted_refresh_token;
  std::string key_id;
  bool is_revoked = false;
  std::optional<timestamp> updated_at;
};

// Can an execution use this credential? CREDENTIAL_MISSING or CREDENTIAL_REVOKED if not.
check require_usable(const state& s);

// May the caller store or rotate the market's credential? Only users assigned to the
// market (the model's vault_write_only_policy), whatever their role; READ_ONLY never.
check require_writer(const context& ctx, std::string_view market_id);

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

}  // namespace stradia::domain::vault_credential
