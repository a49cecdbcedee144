#include "domain/user.hpp"

#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace us = domain::user;
namespace pb = stradia::user::v1;
using domain::errc;
using domain::roles;

pb::InviteUser invite(std::string email) {
  pb::InviteUser c;
  c.set_user_id(spain_user_id);
  c.set_email(std::move(email));
  c.set_role(roles::LOCAL_USER);
  c.set_password_hash("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
  return c;
}

us::state invited() {
  auto d = us::decide({}, invite("Spain@Acme.com"), context_for(as_admin()));
  EXPECT_TRUE(d.has_value());
  return fold(us::state{}, *d, us::evolve);
}

TEST(User, InviteRecordsTheProfileWithALowercaseEmail) {
  auto s = invited();
  EXPECT_EQ(s.email, "spain@acme.com");
  EXPECT_EQ(s.tenant_id, tenant_id);
  EXPECT_EQ(s.role, roles::LOCAL_USER);
  EXPECT_EQ(s.language_preference, "en");
  EXPECT_TRUE(s.is_active);
}

TEST(User, InviteValidatesEmailRoleAndPassword) {
  pb::InviteUser c = invite("not-an-email");
  c.set_role(roles::UNSPECIFIED);
  c.clear_password_hash();
  auto errors = field_errors(us::decide({}, c, context_for(as_admin())));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], (domain::field_error{"email", "Invalid email"}));
  EXPECT_EQ(errors[1].path, "role");
  EXPECT_EQ(errors[2].path, "password");
}

TEST(User, OnlyGlobalAdminsManageUsers) {
  for (auto who : {as_supervisor(), as_spain_user(), as_auditor()})
    EXPECT_EQ(refusal_code(us::decide({}, invite("x@acme.com"), context_for(who))), errc::forbidden);
  pb::DeactivateUser off;
  off.set_user_id(spain_user_id);
  EXPECT_EQ(refusal_code(us::decide(invited(), off, context_for(as_supervisor()))), errc::forbidden);
}

TEST(User, AnotherTenantsUserIsNotFound) {
  pb::ChangeUserRole c;
  c.set_role(roles::READ_ONLY);
  EXPECT_EQ(refusal_code(us::decide(invited(), c, context_for(as_other_tenant_admin()))), errc::not_found);
}

TEST(User, DeletedUsersAreNotFound) {
  auto s = invited();
  auto d = us::decide(s, pb::DeleteUser{}, context_for(as_admin()));
  ASSERT_TRUE(d.has_value());
  s = fold(s, *d, us::evolve);
  EXPECT_EQ(refusal_code(us::decide(s, pb::DeactivateUser{}, context_for(as_admin()))), errc::not_found);
}

TEST(User, RoleChangeRecordsThePreviousRole) {
  pb::ChangeUserRole c;
  c.set_role(roles::SUPERVISOR);
  auto d = us::decide(invited(), c, context_for(as_admin()));
  ASSERT_TRUE(d.has_value());
  const auto& e = std::get<pb::UserRoleChanged>(d->front());
  EXPECT_EQ(e.previous_role(), roles::LOCAL_USER);
  EXPECT_EQ(e.role(), roles::SUPERVISOR);
}

TEST(User, AssignmentsAreIdempotent) {
  pb::AssignUserToMarket c;
  c.set_market_id(spain_market_id);
  auto s = invited();
  auto d = us::decide(s, c, context_for(as_admin()));
  ASSERT_TRUE(d.has_value());
  s = fold(s, *d, us::evolve);
  EXPECT_TRUE(s.market_ids.count(spain_market_id));
  auto again = us::decide(s, c, context_for(as_admin()));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty());
}

TEST(User, AssignmentsWithAStaleExpectedVersionAreVersionConflicts) {
  const auto s = invited();  // at version 1
  pb::AssignUserToMarket assign;
  assign.set_market_id(spain_market_id);
  assign.set_expected_version(3);
  EXPECT_EQ(refusal_code(us::decide(s, assign, context_for(as_admin()))), errc::version_conflict);
  pb::UnassignUserFromMarket unassign;
  unassign.set_market_id(spain_market_id);
  unassign.set_expected_version(3);
  EXPECT_EQ(refusal_code(us::decide(s, unassign, context_for(as_admin()))), errc::version_conflict);
  assign.set_expected_version(1);
  EXPECT_TRUE(us::decide(s, assign, context_for(as_admin())).has_value());
}

TEST(User, LoginIsRecordedForTheUserThemself) {
  auto d = us::decide(invited(), pb::RecordUserLogin{}, context_for(as_spain_user()));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(fold(invited(), *d, us::evolve).last_login_at, base_time);
  EXPECT_EQ(refusal_code(us::decide(invited(), pb::RecordUserLogin{}, context_for(as_france_user()))), errc::forbidden);
}

}  // namespace
}  // namespace stradia::testing
