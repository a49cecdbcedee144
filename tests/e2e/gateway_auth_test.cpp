// End to end over HTTP: logins, tokens, roles and rate limits.
#include "gateway_fixture.hpp"

namespace stradia::testing {
namespace {

TEST_F(Gateway, LoginReturnsATokenACookieAndTheUser) {
  auto r = http_call(server_->port(), "POST", "/api/v1/auth/login",
                     R"({"email":"Admin@Acme.com","password":"stradia-dev"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(json_string_field(r.body, "token").empty());
  EXPECT_EQ(json_string_field(r.body, "role"), "GLOBAL_ADMIN");
  EXPECT_EQ(json_string_field(r.body, "tenant_id"), acme);
  EXPECT_NE(r.body.find("\"expires_at\":\""), std::string::npos);
  const auto cookie = r.headers["set-cookie"];
  EXPECT_EQ(cookie.rfind("stradia_session=", 0), 0u);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
}

TEST_F(Gateway, AWrongPasswordAndAnUnknownEmailLookTheSame) {
  auto wrong =
      http_call(server_->port(), "POST", "/api/v1/auth/login", R"({"email":"admin@acme.com","password":"nope"})");
  auto unknown =
      http_call(server_->port(), "POST", "/api/v1/auth/login", R"({"email":"who@acme.com","password":"nope"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.headers["content-type"], "application/problem+json");
}

TEST_F(Gateway, GuessingPasswordsIsSlowedDownPerEmail) {
  int limited = 0;
  for (int i = 0; i < 14; ++i) {
    auto r =
        http_call(server_->port(), "POST", "/api/v1/auth/login", R"({"email":"admin@acme.com","password":"guess"})");
    if (r.status == 429)
      ++limited;
    else
      EXPECT_EQ(r.status, 401);
  }
  EXPECT_GE(limited, 3);
  auto other = http_call(server_->port(), "POST", "/api/v1/auth/login",
                         R"({"email":"spain@acme.com","password":"stradia-dev"})");
  EXPECT_EQ(other.status, 200) << "another email is not held back";
}

TEST_F(Gateway, TheSessionCookieAuthenticatesToo) {
  const auto t = token("spain@acme.com");
  auto r = command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"via cookie"})", "",
                   {{"Cookie", "theme=dark; stradia_session=" + t}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(Gateway, MissingTamperedExpiredAndUnsignedTokensAre401) {
  const auto good = token("spain@acme.com");
  const auto body = move(review_task_, "TODO", "IN_PROGRESS");
  EXPECT_EQ(command("MoveTask", body, "").status, 401);
  auto tampered = good;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(command("MoveTask", body, tampered).status, 401);
  const auto payload = good.substr(good.find('.') + 1, good.rfind('.') - good.find('.') - 1);
  const auto alg_none = base::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".";
  EXPECT_EQ(command("MoveTask", body, alg_none).status, 401);
  const auto claims = gateway::jwt_codec(secret).verify(good, 0).value();
  auto old = claims;
  old.iat -= 100000;
  old.exp = old.iat + 60;
  const auto expired = command("MoveTask", body, gateway::jwt_codec(secret).sign(old));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(code_of(expired), "UNAUTHENTICATED");
  EXPECT_EQ(command("MoveTask", body, gateway::jwt_codec("another-secret-0123456789abcdef01").sign(claims)).status,
            401);
}

TEST_F(Gateway, RolesAndSandboxesAreEnforced) {
  const auto market = R"({"name":"Italy - Retail","region_code":"IT","timezone":"Europe/Rome"})";
  EXPECT_EQ(command("CreateMarket", market, token("spain@acme.com")).status, 403);
  EXPECT_EQ(command("InviteUser", R"({"email":"x@acme.com","role":"READ_ONLY","password":"long-enough"})",
                    token("supervisor@acme.com"))
                .status,
            403);
  auto auditor = command("MoveTask", move(review_task_, "TODO", "IN_PROGRESS"), token("auditor@acme.com"));
  EXPECT_EQ(auditor.status, 403);
  EXPECT_EQ(code_of(auditor), "FORBIDDEN");
  auto france = command("MoveTask", move(review_task_, "TODO", "IN_PROGRESS"), token("france@acme.com"));
  EXPECT_EQ(france.status, 404);
  auto globex = command("MoveTask", move(review_task_, "TODO", "IN_PROGRESS"), token("admin@globex.com"));
  EXPECT_EQ(globex.status, 404);
  EXPECT_EQ(code_of(globex), "NOT_FOUND");
  EXPECT_EQ(command("CreateMarket", market, token("admin@acme.com")).status, 200);
  EXPECT_EQ(command("MoveTask", move(review_task_, "TODO", "IN_PROGRESS"), token("supervisor@acme.com")).status, 200);
}

TEST_F(Gateway, EachRoleMayDoWhatApiSection3Says) {
  struct row {
    const char* group;
    std::string command;
    std::string body;
  };
  int unique = 0;
  auto fresh = [&] { return std::to_string(++unique); };
  const std::vector<std::pair<std::string, std::vector<int>>> roles{
      // email, then the expected status per row below
      {"admin@acme.com", {200, 200, 200, 200, 200, 200}},
      {"supervisor@acme.com", {403, 403, 403, 403, 403, 200}},
      {"spain@acme.com", {403, 403, 403, 403, 403, 200}},
      {"auditor@acme.com", {403, 403, 403, 403, 403, 403}},
  };
  for (const auto& [email, expected] : roles) {
    const auto t = token(email);
    const std::vector<row> rows{
        {"tenancy", "UpdateTenantPlan", R"({"ai_token_quota":100000})"},
        {"users", "InviteUser",
         R"({"email":"u)" + fresh() + R"(@acme.com","role":"READ_ONLY","password":"long-enough"})"},
        {"markets", "CreateMarket",
         R"({"name":"Role market )" + fresh() + R"(","region_code":"IT","timezone":"Europe/Rome"})"},
        {"strategy", "CreateMasterStrategy", R"({"title":"Role strategy"})"},
        {"governance", "CreateGovernancePolicy", R"({"policy_text":"Never track minors.","platform":"GA4"})"},
        {"board", "AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"by role"})"},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto r = command(rows[i].command, rows[i].body, t);
      EXPECT_EQ(r.status, expected[i]) << email << " " << rows[i].group << ": " << r.body;
    }
  }
  EXPECT_EQ(
      command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"x"})", token("france@acme.com"))
          .status,
      404)
      << "a LOCAL_USER of another market";
}

TEST_F(Gateway, ADeactivatedUsersTokenStopsWorking) {
  const auto auditor = token("auditor@acme.com");
  const auto id = gateway::jwt_codec(secret).verify(auditor, 0)->sub;
  ASSERT_EQ(command("DeactivateUser", R"({"user_id":")" + id + R"("})", token("admin@acme.com")).status, 200);
  int status = 0;
  for (int i = 0; i < 100 && status != 401; ++i) {
    status = command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"x"})", auditor).status;
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 401);
}

TEST_F(Gateway, CreatingATenantIsForTheServiceOnly) {
  auto r = command("CreateTenant", R"({"name":"Sneaky Inc","active_markets_limit":99})", token("admin@acme.com"));
  EXPECT_EQ(r.status, 403);
}

TEST_F(Gateway, ACallerOverTheRateLimitGets429) {
  server_.reset();
  auto env = env_;
  env.push_back("STRADIA_RATE_LIMIT=2");
  server_ = std::make_unique<server_process>(env);
  const auto t = token("spain@acme.com");
  int limited = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"fast"})", t);
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(code_of(r), "RATE_LIMITED");
    }
  }
  EXPECT_GT(limited, 0);
}

}  // namespace
}  // namespace stradia::testing
