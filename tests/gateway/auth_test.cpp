#include <gtest/gtest.h>

#include <vector>

#include "base/encoding.hpp"
#include "gateway/jwt.hpp"
#include "gateway/password.hpp"

namespace stradia::testing {
namespace {

using gateway::jwt_codec;
using gateway::token_claims;

const token_claims claims{"1f8a4e6e-2b40-4e0c-8d4b-0a9e3f6c0001", "5b0d8a56-6a2e-4c49-9e1c-0d6a7d3b2a01",
                          "GLOBAL_ADMIN", 1000, 2000};

TEST(Jwt, ASignedTokenVerifiesUntilItExpires) {
  const jwt_codec codec("a-secret-of-at-least-thirty-two-chars");
  const auto token = codec.sign(claims);
  auto verified = codec.verify(token, 1999);
  ASSERT_TRUE(verified.has_value());
  EXPECT_EQ(verified->sub, claims.sub);
  EXPECT_EQ(verified->tid, claims.tid);
  EXPECT_EQ(verified->role, "GLOBAL_ADMIN");
  EXPECT_FALSE(codec.verify(token, 2000).has_value());
}

TEST(Jwt, TamperedUnsignedAndForeignTokensAreRefused) {
  const jwt_codec codec("a-secret-of-at-least-thirty-two-chars");
  const auto token = codec.sign(claims);
  const auto dot = token.find('.');
  auto forged_claims = claims;
  forged_claims.role = "GLOBAL_ADMIN";
  forged_claims.tid = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  const auto forged = jwt_codec("another-secret-of-thirty-two-chars!").sign(forged_claims);
  const auto swapped = token.substr(0, dot) + forged.substr(forged.find('.'), forged.rfind('.') - forged.find('.')) +
                       token.substr(token.rfind('.'));
  EXPECT_FALSE(codec.verify(swapped, 1500).has_value());
  EXPECT_FALSE(codec.verify(forged, 1500).has_value());
  const auto none =
      base::base64url_encode(R"({"alg":"none","typ":"JWT"})") + token.substr(dot, token.rfind('.') - dot) + ".";
  EXPECT_FALSE(codec.verify(none, 1500).has_value());
  for (const char* junk : {"", "a.b", "a.b.c.d", "...", "!!.??.**"})
    EXPECT_FALSE(codec.verify(junk, 1500).has_value()) << junk;
}

TEST(Password, Argon2idHashesVerifyOnlyTheirPassword) {
  const auto hash = gateway::hash_password("stradia-dev");
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(gateway::verify_password(*hash, "stradia-dev"));
  EXPECT_FALSE(gateway::verify_password(*hash, "stradia-dev "));
  EXPECT_FALSE(gateway::verify_password("", "stradia-dev"));
  EXPECT_NE(*gateway::hash_password("stradia-dev"), *hash) << "salted";
}

}  // namespace
}  // namespace stradia::testing
