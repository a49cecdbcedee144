// End to end over HTTP: commands, their answers and errors, business rules, idempotency, races.
#include "gateway_fixture.hpp"

namespace stradia::testing {
namespace {

TEST_F(Gateway, ACommandAnswersWithItsStreamVersionPositionAndEvents) {
  auto r = command("MoveTask", move(review_task_, "TODO", "IN_PROGRESS"), token("spain@acme.com"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_string_field(r.body, "stream_id"), "task-" + review_task_);
  EXPECT_NE(r.body.find("\"version\":2"), std::string::npos);
  EXPECT_NE(r.body.find("\"type\":\"TaskMoved\""), std::string::npos);
  EXPECT_NE(r.body.find("\"global_position\":"), std::string::npos);
}

TEST_F(Gateway, BadRequestsGetTheirStatusAndCode) {
  const auto t = token("spain@acme.com");
  auto not_json = command("MoveTask", "{not json", t);
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(code_of(not_json), "MALFORMED_JSON");
  auto wrong_type = command("MoveTask", R"({"local_task_id": 5})", t);
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(wrong_type.body.find("Expected string, received number"), std::string::npos);
  EXPECT_EQ(code_of(wrong_type), "VALIDATION_FAILED");
  auto unknown_field = command("MoveTask", R"({"local_task_id":"x","sneaky":true})", t);
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_EQ(code_of(unknown_field), "VALIDATION_FAILED");
  EXPECT_NE(unknown_field.body.find(R"("path":"sneaky")"), std::string::npos) << unknown_field.body;
  // Not in the contract on purpose: a command no one defined.
  auto unknown =
      http_call(server_->port(), "POST", "/api/v1/commands/DropDatabase", "{}", {{"Authorization", "Bearer " + t}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(code_of(unknown), "UNKNOWN_COMMAND");
  auto huge = command("AddTaskNote", std::string(2 * 1024 * 1024, 'a'), t);
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(code_of(huge), "PAYLOAD_TOO_LARGE");
}

TEST_F(Gateway, TheRemainingBusinessRulesAnswerTheirCodes) {
  const auto globex = token("admin@globex.com");
  ASSERT_EQ(command("UpdateTenantPlan", R"({"user_seat_limit":1})", globex).status, 200);
  auto seat =
      command("InviteUser", R"({"email":"two@globex.com","role":"READ_ONLY","password":"long-enough"})", globex);
  EXPECT_EQ(code_of(seat), "SEAT_LIMIT_REACHED");
  ASSERT_EQ(command("UpdateTenantPlan", R"({"active_markets_limit":1})", globex).status, 200);
  auto markets =
      command("CreateMarket", R"({"name":"Austria - Retail","region_code":"AT","timezone":"Europe/Vienna"})", globex);
  EXPECT_EQ(code_of(markets), "MARKET_LIMIT_REACHED");

  const auto spain = token("spain@acme.com");
  std::string spain_market;
  for (const auto& e : *store_->read_all(0, 100000))
    if (e.event_type() == "MarketCreated" && e.tenant_id() == acme && spain_market.empty())
      spain_market = e.stream_id().substr(7);
  const auto credential = R"({"market_id":")" + spain_market + R"(","platform":"GTM")";
  ASSERT_EQ(command("StoreVaultCredential", credential + R"(,"oauth_token":"ya29.X"})", spain).status, 200);
  ASSERT_EQ(command("RevokeVaultCredential", credential + "}", spain).status, 200);
  auto revoked =
      command("ExecuteTask", R"({"local_task_id":")" + consent_task_ + R"(","container_id":"GTM-A1"})", spain);
  EXPECT_EQ(code_of(revoked), "CREDENTIAL_REVOKED");
  ASSERT_EQ(
      command(
          "UpdateExecutionPayload",
          R"({"local_task_id":")" + consent_task_ +
              R"(","execution_payload":{"action":"UPDATE_TAG","platform":"GTM","schema":{"name":"Base","type":"ga4_setup"}}})",
          spain)
          .status,
      200);
  auto scan_again = command("MoveTask", move(consent_task_, "IN_PROGRESS", "DONE"), spain);
  EXPECT_EQ(code_of(scan_again), "PREFLIGHT_REQUIRED") << "a new payload needs a new scan";
}

TEST_F(Gateway, ConflictsAre409WithTheirCodes) {
  auto stale = command("MoveTask", move(review_task_, "IN_PROGRESS", "DONE"), token("spain@acme.com"));
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(code_of(stale), "STATUS_CONFLICT");
  auto locked = command("MoveTask", move(consent_task_, "IN_PROGRESS", "BLOCKED"), token("supervisor@acme.com"));
  EXPECT_EQ(locked.status, 409);
  EXPECT_EQ(code_of(locked), "TASK_LOCKED");
  auto version =
      command("UpdateTenantPlan", R"({"active_markets_limit":6,"expected_version":1})", token("admin@acme.com"));
  EXPECT_EQ(version.status, 409);
  EXPECT_EQ(code_of(version), "VERSION_CONFLICT");
  // Every command that changes an existing entity takes expected_version (API.md §3).
  const auto note = R"({"local_task_id":")" + review_task_ + R"(","content":"Seen.","expected_version":)";
  auto stale_note = command("AddTaskNote", note + "999}", token("spain@acme.com"));
  EXPECT_EQ(stale_note.status, 409) << stale_note.body;
  EXPECT_EQ(code_of(stale_note), "VERSION_CONFLICT");
  // With the version it is at, the same note goes through.
  auto first = command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"First."})",
                       token("spain@acme.com"));
  ASSERT_EQ(first.status, 200) << first.body;
  const auto at = first.body.find("\"version\":");
  ASSERT_NE(at, std::string::npos);
  const auto version_now = std::stoll(first.body.substr(at + 10));
  auto current = command("AddTaskNote", note + std::to_string(version_now) + "}", token("spain@acme.com"));
  EXPECT_EQ(current.status, 200) << current.body;
}

TEST_F(Gateway, BusinessRulesAre422WithTheModelsMessages) {
  auto zone = command("CreateMarket", R"({"name":"Mars - Retail","region_code":"MA","timezone":"Mars/Olympus"})",
                      token("admin@acme.com"));
  EXPECT_EQ(zone.status, 422);
  EXPECT_NE(zone.body.find(R"({"path":"timezone","message":"Invalid IANA timezone."})"), std::string::npos)
      << zone.body;
  auto gate = command("MoveTask", move(consent_task_, "IN_PROGRESS", "DONE"), token("spain@acme.com"));
  EXPECT_EQ(gate.status, 422);
  EXPECT_EQ(code_of(gate), "EXECUTION_REQUIRED");
  auto lock =
      command("UpdateExecutionPayload", R"({"local_task_id":")" + review_task_ + R"(","execution_payload":"{}"})",
              token("spain@acme.com"));
  EXPECT_EQ(code_of(lock), "LOCK_REQUIRED");
  const auto globex_admin = token("admin@globex.com");
  const auto me = gateway::jwt_codec(secret).verify(globex_admin, 0)->sub;
  auto last = command("DeactivateUser", R"({"user_id":")" + me + R"("})", globex_admin);
  EXPECT_EQ(last.status, 422);
  EXPECT_EQ(code_of(last), "LAST_ADMIN");
}

TEST_F(Gateway, AnIdempotencyKeyReplaysTheFirstAnswerAndAppendsNothing) {
  const auto t = token("spain@acme.com");
  const auto body = R"({"local_task_id":")" + review_task_ + R"(","content":"only once"})";
  const std::map<std::string, std::string> key{{"Idempotency-Key", "3f1c9a2e-7b4d-4e8f-9a6b-1c2d3e4f5a6b"}};
  auto first = command("AddTaskNote", body, t, key);
  ASSERT_EQ(first.status, 200);
  const auto head = *store_->head_position();
  auto again = command("AddTaskNote", body, t, key);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(*store_->head_position(), head);
  auto other = command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"different"})", t, key);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(*store_->head_position(), head);
}

TEST_F(Gateway, RacingDeactivationsOfTheLastTwoAdminsOverHttpLeaveOne) {
  const auto admin = token("admin@acme.com");
  auto invited =
      command("InviteUser", R"({"email":"second@acme.com","role":"GLOBAL_ADMIN","password":"long-enough"})", admin);
  ASSERT_EQ(invited.status, 200) << invited.body;
  const auto second_id = json_string_field(invited.body, "user_id");
  std::string second;
  for (int i = 0; i < 100 && second.empty(); ++i) {  // the directory learns the new user within moments
    auto r = http_call(server_->port(), "POST", "/api/v1/auth/login",
                       R"({"email":"second@acme.com","password":"long-enough"})");
    if (r.status == 200)
      second = json_string_field(r.body, "token");
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(second.empty());
  const auto first_id = gateway::jwt_codec(secret).verify(admin, 0)->sub;
  auto a = std::async(std::launch::async,
                      [&] { return command("DeactivateUser", R"({"user_id":")" + first_id + "\"}", second); });
  auto b = std::async(std::launch::async,
                      [&] { return command("DeactivateUser", R"({"user_id":")" + second_id + "\"}", admin); });
  const auto ra = a.get(), rb = b.get();
  EXPECT_EQ((ra.status == 200) + (rb.status == 200), 1) << ra.body << rb.body;
  // The loser is refused by the rule, or, when the winner deactivated the loser's own
  // account first, at the door.
  const auto loser = code_of(ra.status == 200 ? rb : ra);
  EXPECT_TRUE(loser == "LAST_ADMIN" || loser == "UNAUTHENTICATED") << loser;
  int can_log_in = 0;
  for (int i = 0; i < 50; ++i) {
    can_log_in = (http_call(server_->port(), "POST", "/api/v1/auth/login",
                            R"({"email":"admin@acme.com","password":"stradia-dev"})")
                      .status == 200) +
                 (http_call(server_->port(), "POST", "/api/v1/auth/login",
                            R"({"email":"second@acme.com","password":"long-enough"})")
                      .status == 200);
    if (can_log_in == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(can_log_in, 1) << "exactly one active admin is left";
}

TEST_F(Gateway, SixRacingCreateMarketsAgainstTheFreeSlotsCreateExactlyThose) {
  const auto admin = token("admin@acme.com");  // Acme has 2 of 5 markets: 3 slots free
  std::vector<std::future<http_answer>> racing;
  for (int i = 0; i < 6; ++i)
    racing.push_back(std::async(std::launch::async, [&, i] {
      return command("CreateMarket",
                     R"({"name":"Market )" + std::to_string(i) + R"(","region_code":"IT","timezone":"Europe/Rome"})",
                     admin);
    }));
  int created = 0, limited = 0;
  for (auto& f : racing) {
    const auto r = f.get();
    if (r.status == 200)
      ++created;
    else if (code_of(r) == "MARKET_LIMIT_REACHED")
      ++limited;
  }
  EXPECT_EQ(created, 3);
  EXPECT_EQ(limited, 3);
}

}  // namespace
}  // namespace stradia::testing
