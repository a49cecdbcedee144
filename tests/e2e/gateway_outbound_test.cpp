// End to end over HTTP: the vault, Gemini and Tag Manager (loopback fakes).
#include "gateway_fixture.hpp"

namespace stradia::testing {
namespace {

TEST_F(Gateway, VaultTokensNeverComeBackInPlainText) {
  std::string spain_market;
  for (const auto& e : *store_->read_all(0, 100000))
    if (e.event_type() == "MarketCreated" && e.tenant_id() == acme && spain_market.empty())
      spain_market = e.stream_id().substr(7);
  const auto body = R"({"market_id":")" + spain_market +
                    R"(","platform":"GTM","oauth_token":"ya29.SECRET-TOKEN","refresh_token":"1//SECRET-REFRESH"})";
  auto stored = command("StoreVaultCredential", body, token("spain@acme.com"));
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.body.find("SECRET"), std::string::npos) << stored.body;
  auto log = http_call(server_->port(), "GET", "/api/v1/events?type=VaultCredentialStored", "",
                       {{"Authorization", "Bearer " + token("auditor@acme.com")}});
  ASSERT_EQ(log.status, 200);
  EXPECT_NE(log.body.find("VaultCredentialStored"), std::string::npos);
  EXPECT_EQ(log.body.find("SECRET"), std::string::npos) << log.body;
  EXPECT_EQ(command("StoreVaultCredential", body, token("france@acme.com")).status, 404);
  EXPECT_EQ(command("StoreVaultCredential", body, token("auditor@acme.com")).status, 403);
  auto forged = command("StoreVaultCredential",
                        R"({"market_id":")" + spain_market + R"(","platform":"GTM","encrypted_oauth_token":"eA=="})",
                        token("spain@acme.com"));
  EXPECT_EQ(forged.status, 400) << "clients cannot set ciphertext";

  // The vault's status shows the credential, never a token; it follows a revocation.
  auto get_vault = [&](const std::string& query, const std::string& email) {
    return http_call(server_->port(), "GET", "/api/v1/vault" + query, "",
                     {{"Authorization", "Bearer " + token(email)}});
  };
  const auto head = std::to_string(*store_->head_position());
  auto status = get_vault("?min_position=" + head, "admin@acme.com");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_NE(status.body.find(R"("market_id":")" + spain_market + R"(","platform":"GTM","is_revoked":false)"),
            std::string::npos)
      << status.body;
  EXPECT_EQ(status.body.find("SECRET"), std::string::npos) << status.body;
  EXPECT_EQ(status.body.find("token"), std::string::npos) << status.body;
  ASSERT_EQ(command("RevokeVaultCredential", R"({"market_id":")" + spain_market + R"(","platform":"GTM"})",
                    token("admin@acme.com"))
                .status,
            200);
  const auto after = std::to_string(*store_->head_position());
  EXPECT_NE(get_vault("?min_position=" + after, "admin@acme.com").body.find(R"("is_revoked":true)"), std::string::npos);
  EXPECT_EQ(get_vault("", "spain@acme.com").status, 403);
  EXPECT_EQ(get_vault("", "supervisor@acme.com").status, 403);
  const auto globex = get_vault("", "admin@globex.com");
  ASSERT_EQ(globex.status, 200) << globex.body;
  EXPECT_EQ(globex.body.find(spain_market), std::string::npos) << "another tenant's";
}

TEST_F(Gateway, APreFlightScanAsksGeminiAndRecordsItsVerdictAndCost) {
  fake_gemini gemini;
  gemini.reply(429, R"({"error":{"code":429}})");  // retried
  gemini.reply(200, fake_gemini::verdict("FAIL", {"The tag sends PII to GA4."}, 321));
  gemini.reply(200, fake_gemini::verdict("PASS", {}, 120));
  server_.reset();
  auto env = env_;
  env.push_back("STRADIA_GEMINI_URL=" + gemini.url());
  env.push_back("STRADIA_GEMINI_API_KEY=test-key");
  env.push_back("STRADIA_GEMINI_MODEL=gemini-2.5-pro");
  server_ = std::make_unique<server_process>(env);
  ASSERT_EQ(command("CreateGovernancePolicy", R"({"policy_text":"Never send PII to GA4.","platform":"NONE"})",
                    token("admin@acme.com"))
                .status,
            200);
  const auto spain = token("spain@acme.com");
  const auto scan = R"({"local_task_id":")" + consent_task_ + "\"}";
  auto failed = command("RequestPreFlightScan", scan, spain);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_NE(failed.body.find(R"("status":"FAILED")"), std::string::npos) << failed.body;
  EXPECT_NE(failed.body.find(R"("token_cost":321)"), std::string::npos) << failed.body;
  const auto sent = gemini.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[1].find("POST /v1beta/models/gemini-2.5-pro:generateContent"), std::string::npos)
      << "the configured model";
  EXPECT_NE(sent[1].find("x-goog-api-key: test-key"), std::string::npos);
  EXPECT_NE(sent[1].find("Never send PII to GA4."), std::string::npos) << "the tenant's policy is in the prompt";
  EXPECT_NE(sent[1].find("G-ABC123XYZ0"), std::string::npos) << "the payload is in the prompt";
  EXPECT_NE(sent[1].find("<change>"), std::string::npos) << "as delimited data";
  EXPECT_NE(sent[1].find("\"responseSchema\""), std::string::npos) << "with a structured answer asked for";
  const auto drawer =
      get("/api/v1/tasks/" + consent_task_ + "?min_position=" + json_field(failed.body, "global_position"),
          "spain@acme.com");
  EXPECT_NE(
      drawer.body.find(R"("pre_flight":{"status":"FAILED","findings":["The tag sends PII to GA4."],"token_cost":321)"),
      std::string::npos)
      << "the task's drawer shows the verdict, its findings and cost: " << drawer.body;

  auto passed = command("RequestPreFlightScan", scan, spain);
  ASSERT_EQ(passed.status, 200);
  EXPECT_NE(passed.body.find(R"("status":"PASSED")"), std::string::npos);
  auto usage = http_call(server_->port(), "GET", "/api/v1/events?type=TokenReservationSettled", "",
                         {{"Authorization", "Bearer " + token("auditor@acme.com")}});
  EXPECT_NE(usage.body.find(R"("tokens":321)"), std::string::npos) << usage.body;
  EXPECT_NE(usage.body.find(R"("ai_tokens_used":99941)"), std::string::npos) << "99,500 + 321 + 120";
}

TEST_F(Gateway, GenerativeTasksGetTheirContentFromGemini) {
  fake_gemini gemini;
  gemini.reply(200, fake_gemini::answer("Acepta las cookies para una mejor experiencia.", 77));
  server_.reset();
  auto env = env_;
  env.push_back("STRADIA_GEMINI_URL=" + gemini.url());
  server_ = std::make_unique<server_process>(env);
  const auto spain = token("spain@acme.com");
  auto created = command(
      "CreateCustomLocalTask",
      R"({"local_board_id":")" + spain_board_ + R"(","title":"Cookie banner copy","task_type":"B_GENERATIVE"})", spain);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto task = json_string_field(created.body, "local_task_id");
  auto generated = command("GenerateContent", R"({"local_task_id":")" + task + "\"}", spain);
  ASSERT_EQ(generated.status, 200) << generated.body;
  EXPECT_NE(generated.body.find("Acepta las cookies para una mejor experiencia."), std::string::npos);
  EXPECT_NE(generated.body.find(R"("type":"ContentGenerated")"), std::string::npos);
  EXPECT_NE(gemini.requests().at(0).find("Cookie banner copy"), std::string::npos);
  const auto drawer =
      get("/api/v1/tasks/" + task + "?min_position=" + json_field(generated.body, "global_position"), "spain@acme.com");
  EXPECT_NE(drawer.body.find(
                R"("generated_content":{"content":"Acepta las cookies para una mejor experiencia.","token_cost":77)"),
            std::string::npos)
      << drawer.body;
  EXPECT_NE(drawer.body.find(R"("global_task_id":null)"), std::string::npos) << "a custom task has none";
  auto manual = command("GenerateContent", R"({"local_task_id":")" + review_task_ + "\"}", spain);
  EXPECT_EQ(manual.status, 422) << "only B_GENERATIVE tasks generate";
  EXPECT_EQ(gemini.requests().size(), 1u);
}

TEST_F(Gateway, AScanIsRefusedPastTheOverdraftAndWhenGeminiIsDown) {
  fake_gemini gemini;
  gemini.reply(200, fake_gemini::verdict("PASS", {}, 6000));  // crosses 105,000: recorded all the same
  for (int i = 0; i < 3; ++i) gemini.reply(503, "{}");
  server_.reset();
  auto env = env_;
  env.push_back("STRADIA_GEMINI_URL=" + gemini.url());
  server_ = std::make_unique<server_process>(env);
  const auto spain = token("spain@acme.com");
  const auto scan = R"({"local_task_id":")" + consent_task_ + "\"}";
  ASSERT_EQ(command("RequestPreFlightScan", scan, spain).status, 200);
  auto over = command("RequestPreFlightScan", scan, spain);
  EXPECT_EQ(over.status, 422);
  EXPECT_EQ(code_of(over), "TOKEN_QUOTA_EXCEEDED");
  auto raised = command("UpdateTenantPlan", R"({"ai_token_quota":200000})", token("admin@acme.com"));
  EXPECT_EQ(code_of(raised), "FORBIDDEN") << "a tenant may not raise its own plan";
  ASSERT_EQ(run_stradia({"plan", "--tenant", acme, "--ai-token-quota", "200000"}, env_), 0) << "billing raises it";
  auto down = command("RequestPreFlightScan", scan, spain);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(gemini.requests().size(), 4u) << "one call, then three attempts while down";
}

}  // namespace
}  // namespace stradia::testing
