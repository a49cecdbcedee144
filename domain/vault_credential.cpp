#include "domain/vault_credential.hpp"

#include "domain/access.hpp"
#include "domain/expected_version.hpp"

namespace stradia::domain::vault_credential {

namespace {

using events = std::vector<event>;

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::StoreVaultCredential& c) const {
    const auto& tenant_id = s_.exists ? s_.tenant_id : ctx_.who.tenant_id;
    if (auto ok = require_tenant(ctx_, tenant_id); !ok) return unexpected(ok.error());
    if (auto ok = require_writer(ctx_, c.market_id()); !ok) return unexpected(ok.error());
    std::vector<field_error> problems;
    if (c.platform() != platforms::GTM && c.platform() != platforms::GA4)
      problems.push_back({"platform", "Invalid enum value. Expected 'GTM' | 'GA4'"});
    if (c.encrypted_oauth_token().empty()) problems.push_back({"oauth_token", "Required"});
    if (c.key_id().empty()) problems.push_back({"key_id", "Required"});
    if (!problems.empty()) return invalid(std::move(problems));
    if (s_.exists && !s_.is_revoked) return events{rotated(c)};
    pb::VaultCredentialStored e;
    e.set_credential_id(c.credential_id().empty() ? ctx_.new_id() : c.credential_id());
    e.set_tenant_id(tenant_id);
    e.set_market_id(c.market_id());
    e.set_platform(c.platform());
    e.set_encrypted_oauth_token(c.encrypted_oauth_token());
    e.set_encrypted_refresh_token(c.encrypted_refresh_token());
    e.set_key_id(c.key_id());
    e.set_stored_by(ctx_.who.user_id);
    *e.mutable_updated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RevokeVaultCredential& c) const {
    if (auto ok = matches_expected_version(c, s_.stream_version, "The credential"); !ok) return unexpected(ok.error());
    if (!s_.exists) return refuse(errc::not_found, "No such credential.");
    if (auto ok = require_board_work(ctx_, s_.tenant_id, s_.market_id); !ok) return unexpected(ok.error());
    if (s_.is_revoked) return events{};
    pb::VaultCredentialRevoked e;
    e.set_credential_id(s_.credential_id);
    e.set_revoked_by(ctx_.who.user_id);
    *e.mutable_updated_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::UseVaultCredential& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (auto ok = require_usable(s_); !ok) return unexpected(ok.error());
    pb::VaultCredentialUsed e;
    e.set_credential_id(s_.credential_id);
    e.set_local_task_id(c.local_task_id());
    e.set_execution_id(c.execution_id());
    *e.mutable_used_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  // An OAuth refresh during a run: the new access token (and the refresh token, resealed
  // under the same key) replace the old; a revocation committed first wins.
  decision<event> operator()(const pb::RefreshVaultCredential& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (auto ok = require_usable(s_); !ok) return unexpected(ok.error());
    if (c.replaces_encrypted_oauth_token() != s_.encrypted_oauth_token)
      return refuse(errc::status_conflict, "The credential was stored again during the run.");
    std::vector<field_error> problems;
    if (c.encrypted_oauth_token().empty()) problems.push_back({"encrypted_oauth_token", "Required"});
    if (c.encrypted_refresh_token().empty()) problems.push_back({"encrypted_refresh_token", "Required"});
    if (c.key_id().empty()) problems.push_back({"key_id", "Required"});
    if (!problems.empty()) return invalid(std::move(problems));
    return events{rotated(c)};
  }

 private:
  // The credential's new ciphertexts, from a user's store or a run's refresh.
  template <class Command>
  pb::VaultCredentialRotated rotated(const Command& c) const {
    pb::VaultCredentialRotated e;
    e.set_credential_id(s_.credential_id);
    e.set_encrypted_oauth_token(c.encrypted_oauth_token());
    e.set_encrypted_refresh_token(c.encrypted_refresh_token());
    e.set_key_id(c.key_id());
    e.set_rotated_by(ctx_.who.user_id);
    *e.mutable_updated_at() = to_proto(ctx_.now);
    return e;
  }

  const state& s_;
  const context& ctx_;
};

struct applier {
  state& s;

  void operator()(const pb::VaultCredentialStored& e) {
    s.exists = true;
    s.is_revoked = false;
    s.credential_id = e.credential_id();
    s.tenant_id = e.tenant_id();
    s.market_id = e.market_id();
    s.platform = e.platform();
    s.encrypted_oauth_token = e.encrypted_oauth_token();
    s.encrypted_refresh_token = e.encrypted_refresh_token();
    s.key_id = e.key_id();
    s.updated_at = from_proto(e.updated_at());
  }
  void operator()(const pb::VaultCredentialRotated& e) {
    s.encrypted_oauth_token = e.encrypted_oauth_token();
    s.encrypted_refresh_token = e.encrypted_refresh_token();
    s.key_id = e.key_id();
    s.updated_at = from_proto(e.updated_at());
  }
  void operator()(const pb::VaultCredentialRevoked& e) {
    s.is_revoked = true;
    s.updated_at = from_proto(e.updated_at());
  }
  void operator()(const pb::VaultCredentialUsed&) {}
};

}  // namespace

check require_writer(const context& ctx, std::string_view market_id) {
  if (ctx.who.is_system || ctx.who.assigned_to(market_id)) return {};
  if (ctx.who.role == roles::LOCAL_USER) return refuse(errc::not_found, "No such entity.");
  return refuse(errc::forbidden, "Only users assigned to the market store its credentials.");
}

check require_usable(const state& s) {
  if (!s.exists) return refuse(errc::credential_missing, "The market has no credential for this platform.");
  if (s.is_revoked) return refuse(errc::credential_revoked, "The market's credential for this platform is revoked.");
  return {};
}

decision<event> decide(const state& s, const command& c, const context& ctx) { return std::visit(decider(s, ctx), c); }

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::vault_credential
