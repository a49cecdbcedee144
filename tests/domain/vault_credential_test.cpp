#include "domain/vault_credential.hpp"

#include "domain/fixtures.hpp"
#include "domain/stream_ids.hpp"

namespace stradia::testing {
namespace {

namespace vc = domain::vault_credential;
namespace pb = stradia::vault::v1;
using domain::errc;
using domain::platforms;

pb::StoreVaultCredential store(domain::target_platform platform = platforms::GTM) {
  pb::StoreVaultCredential c;
  c.set_market_id(spain_market_id);
  c.set_platform(platform);
  c.set_encrypted_oauth_token(std::string("\x01\x02ciphertext", 12));
  c.set_key_id("tenant-key-1");
  return c;
}

vc::state stored() {
  auto d = vc::decide({}, store(), context_for(as_spain_user()));
  EXPECT_TRUE(d.has_value());
  return fold(vc::state{}, *d, vc::evolve);
}

TEST(VaultCredential, MissingCredentialRefusesExecution) {
  EXPECT_EQ(vc::require_usable(vc::state{}).error().code, errc::credential_missing);
}

TEST(VaultCredential, RevokedCredentialRefusesExecution) {
  auto s = stored();
  EXPECT_TRUE(vc::require_usable(s).has_value());
  auto d = vc::decide(s, pb::RevokeVaultCredential{}, context_for(as_admin()));
  ASSERT_TRUE(d.has_value());
  s = fold(s, *d, vc::evolve);
  EXPECT_EQ(vc::require_usable(s).error().code, errc::credential_revoked);
}

TEST(VaultCredential, ARevocationWithAStaleExpectedVersionIsAVersionConflict) {
  const auto s = stored();
  pb::RevokeVaultCredential revoke;
  revoke.set_expected_version(s.stream_version + 1);
  EXPECT_EQ(refusal_code(vc::decide(s, revoke, context_for(as_admin()))), errc::version_conflict);
  revoke.set_expected_version(s.stream_version);
  EXPECT_TRUE(vc::decide(s, revoke, context_for(as_admin())).has_value());
}

TEST(VaultCredential, StoringAgainRotatesTheOneCredentialOfTheMarketAndPlatform) {
  auto s = stored();
  auto d = vc::decide(s, store(), context_for(as_spain_user()));
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(std::holds_alternative<pb::VaultCredentialRotated>(d->front()));
  EXPECT_EQ(domain::stream_ids::vault(spain_market_id, platforms::GTM), "vault-" + spain_market_id + "-GTM");
}

TEST(VaultCredential, OnlyGtmAndGa4HaveCredentials) {
  auto errors = field_errors(vc::decide({}, store(platforms::NONE), context_for(as_spain_user())));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "platform");
}

// The model's vault_write_only_policy: only users assigned to the market store its tokens.
TEST(VaultCredential, UnassignedAndReadOnlyUsersCannotStore) {
  EXPECT_EQ(refusal_code(vc::decide({}, store(), context_for(as_france_user()))), errc::not_found);
  EXPECT_EQ(refusal_code(vc::decide({}, store(), context_for(as_auditor()))), errc::forbidden);
  EXPECT_EQ(refusal_code(vc::decide({}, store(), context_for(as_admin()))), errc::forbidden);
  EXPECT_EQ(refusal_code(vc::decide({}, store(), context_for(as_supervisor()))), errc::forbidden);
  auto assigned_admin = as_admin();
  assigned_admin.assigned_market_ids.push_back(spain_market_id);
  EXPECT_TRUE(vc::decide({}, store(), context_for(assigned_admin)).has_value());
  EXPECT_EQ(refusal_code(vc::decide(stored(), pb::RevokeVaultCredential{}, context_for(as_other_tenant_admin()))),
            errc::not_found);
}

pb::RefreshVaultCredential refreshed() {
  pb::RefreshVaultCredential c;
  c.set_encrypted_oauth_token(std::string("\x03new-access", 11));
  c.set_encrypted_refresh_token(std::string("\x04refresh", 8));
  c.set_key_id("tenant-key-1");
  c.set_execution_id("run-1");
  c.set_replaces_encrypted_oauth_token(std::string("\x01\x02ciphertext", 12));  // what store() sealed
  return c;
}

TEST(VaultCredential, AnOAuthRefreshRotatesTheCredentialAsTheSystem) {
  auto s = stored();
  auto d = vc::decide(s, refreshed(), context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  const auto& rotated = std::get<pb::VaultCredentialRotated>(d->front());
  EXPECT_EQ(rotated.encrypted_oauth_token(), std::string("\x03new-access", 11));
  EXPECT_EQ(rotated.rotated_by(), "system");
  s = fold(s, *d, vc::evolve);
  EXPECT_EQ(s.encrypted_oauth_token, std::string("\x03new-access", 11));
  EXPECT_EQ(s.encrypted_refresh_token, std::string("\x04refresh", 8));
  EXPECT_EQ(refusal_code(vc::decide(s, refreshed(), context_for(as_spain_user()))), errc::forbidden)
      << "only the execution refreshes";
  EXPECT_EQ(refusal_code(vc::decide(s, refreshed(), context_for(as_system()))), errc::status_conflict)
      << "the token it replaced is gone: a second refresh of the same run's token is refused";
}

TEST(VaultCredential, ARevocationThatCameFirstStopsTheRefresh) {
  auto s = stored();
  s = fold(s, *vc::decide(s, pb::RevokeVaultCredential{}, context_for(as_admin())), vc::evolve);
  EXPECT_EQ(refusal_code(vc::decide(s, refreshed(), context_for(as_system()))), errc::credential_revoked);
  EXPECT_EQ(refusal_code(vc::decide(vc::state{}, refreshed(), context_for(as_system()))), errc::credential_missing);
  auto empty = refreshed();
  empty.clear_encrypted_oauth_token();
  EXPECT_EQ(refusal_code(vc::decide(stored(), empty, context_for(as_system()))), errc::validation_failed);
}

}  // namespace
}  // namespace stradia::testing
