// The real server on loopback, seeded with the playground, driven over real HTTP.
#include <gtest/gtest.h>

#include <future>

#include "child_process.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_board.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/pg_fixture.hpp"
#include "fake_gemini.hpp"
#include "gateway/jwt.hpp"
#include "http_client.hpp"
#include "server_process.hpp"
#include "xml_check.hpp"

namespace stradia::testing {
namespace {

const std::string secret = "e2e-secret-0123456789abcdef0123456789";
const std::string acme = "a5e1c0de-0000-4000-8000-000000000001";

class Gateway : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    env_ = {"STRADIA_DATABASE_URL=" + app(), "STRADIA_WORKER_DATABASE_URL=" + worker(),
            "STRADIA_OWNER_DATABASE_URL=" + owner(), "STRADIA_JWT_SECRET=" + secret,
            "STRADIA_MASTER_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="};
    ASSERT_EQ(run_stradia({"seed"}, env_), 0);
    server_ = std::make_unique<server_process>(env_);
    store_ = std::make_unique<eventstore::event_store>(eventstore::store_options{app(), worker()});
    find_spain_tasks();
  }
  void TearDown() override {
    server_.reset();
    store_.reset();
    pg_test::TearDown();
  }

  void find_spain_tasks() {
    std::string spain_board;
    const auto log = store_->read_all(0, 100000);
    for (const auto& e : *log) {
      if (e.event_type() != "BoardTaskAdded" || e.tenant_id() != acme) continue;
      auto added = domain::decode_event<domain::local_board::event>(e);
      const auto& a = std::get<board::v1::BoardTaskAdded>(*added);
      if (spain_board.empty()) spain_board = a.local_board_id();
      spain_board_ = spain_board;
      if (a.local_board_id() != spain_board) continue;
      (a.definition().title() == "Review Privacy Law" ? review_task_ : consent_task_) = a.local_task_id();
    }
  }

  std::string token(const std::string& email) {
    auto r = http_call(server_->port(), "POST", "/api/v1/auth/login",
                       R"({"email":")" + email + R"(","password":"stradia-dev"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return json_string_field(r.body, "token");
  }

  http_answer command(const std::string& name, const std::string& body, const std::string& bearer,
                      std::map<std::string, std::string> headers = {}) {
    if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
    return http_call(server_->port(), "POST", "/api/v1/commands/" + name, body, headers);
  }

  std::string move(const std::string& task, const char* from, const char* to) {
    return R"({"local_task_id":")" + task + R"(","expected_previous_status":")" + from + R"(","new_status":")" + to +
           R"("})";
  }

  static std::string code_of(const http_answer& r) { return json_string_field(r.body, "code"); }

  std::string acme_strategy() {
    std::string strategy;
    for (const auto& e : *store_->read_all(0, 100000))
      if (e.event_type() == "MasterStrategyCreated" && e.tenant_id() == acme) strategy = e.stream_id().substr(9);
    return strategy;
  }
  // Spain's "Review Privacy Law" moved TODO → DONE; the move's log position (0 if refused).
  std::int64_t review_moved_to_done() {
    auto moved = command("MoveTask", move(review_task_, "TODO", "DONE"), token("spain@acme.com"));
    EXPECT_EQ(moved.status, 200) << moved.body;
    if (moved.status != 200) return 0;
    return std::stoll(moved.body.substr(moved.body.find("\"global_position\":") + 18));
  }

  std::vector<std::string> env_;
  std::unique_ptr<server_process> server_;
  std::unique_ptr<eventstore::event_store> store_;
  std::string review_task_, consent_task_, spain_board_;
};

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
  auto unknown_field = command("MoveTask", R"({"local_task_id":"x","sneaky":true})", t);
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_NE(unknown_field.body.find("sneaky"), std::string::npos);
  auto unknown = command("DropDatabase", "{}", t);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(code_of(unknown), "UNKNOWN_COMMAND");
  auto huge = command("AddTaskNote", std::string(2 * 1024 * 1024, 'a'), t);
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(code_of(huge), "PAYLOAD_TOO_LARGE");
}

TEST_F(Gateway, MissingTamperedExpiredAndUnsignedTokensAre401) {
  const auto good = token("spain@acme.com");
  const auto body = move(review_task_, "TODO", "IN_PROGRESS");
  EXPECT_EQ(command("MoveTask", body, "").status, 401);
  auto tampered = good;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(command("MoveTask", body, tampered).status, 401);
  const auto payload = good.substr(good.find('.') + 1, good.rfind('.') - good.find('.') - 1);
  const auto alg_none = gateway::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".";
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
  auto revoked = command(
      "ExecuteTask", R"({"local_task_id":")" + consent_task_ + R"(","parameters":{"container_id":"GTM-A1"}})", spain);
  EXPECT_EQ(code_of(revoked), "CREDENTIAL_REVOKED");
  ASSERT_EQ(command("UpdateExecutionPayload",
                    R"({"local_task_id":")" + consent_task_ + R"(","execution_payload":"{\"action\":\"UPDATE_TAG\"}"})",
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

TEST_F(Gateway, AuditorsReadTheirTenantsLogAsNdjson) {
  const auto auditor = token("auditor@acme.com");
  auto r = http_call(server_->port(), "GET", "/api/v1/events?after=0&limit=1000", "",
                     {{"Authorization", "Bearer " + auditor}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/x-ndjson");
  std::size_t lines = 0;
  std::int64_t last = 0;
  for (std::size_t at = 0; at < r.body.size();) {
    const auto end = r.body.find('\n', at);
    const auto line = r.body.substr(at, end - at);
    EXPECT_NE(line.find("\"tenant_id\":\"" + acme + "\""), std::string::npos) << line;
    EXPECT_EQ(line.find("argon2id"), std::string::npos) << "a password hash leaked: " << line;
    const auto position = std::stoll(line.substr(line.find("\"global_position\":") + 18));
    EXPECT_GT(position, last);
    last = position;
    ++lines;
    at = end + 1;
  }
  EXPECT_GT(lines, 20u);
  auto typed = http_call(server_->port(), "GET", "/api/v1/events?type=TaskNoteAdded", "",
                         {{"Authorization", "Bearer " + auditor}});
  EXPECT_NE(typed.body.find("Client provided the production Measurement ID over Slack."), std::string::npos);
  EXPECT_EQ(typed.body.find("MarketCreated"), std::string::npos);
  auto local =
      http_call(server_->port(), "GET", "/api/v1/events", "", {{"Authorization", "Bearer " + token("spain@acme.com")}});
  EXPECT_EQ(local.status, 403);
  auto bad = http_call(server_->port(), "GET", "/api/v1/events?after=x", "", {{"Authorization", "Bearer " + auditor}});
  EXPECT_EQ(bad.status, 422);
}

TEST_F(Gateway, AStreamReadsAsOfAVersion) {
  const auto admin = token("admin@acme.com");
  const auto path = "/api/v1/streams/task-" + consent_task_;
  auto all = http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find("PreFlightScanCompleted"), std::string::npos);
  EXPECT_NE(all.body.find(R"("state":{"id":")" + consent_task_ + R"(","local_board_id")"), std::string::npos)
      << all.body;
  EXPECT_NE(all.body.find(R"("status":"IN_PROGRESS")"), std::string::npos);
  EXPECT_NE(all.body.find(R"("pre_flight_scan_status":"PASSED","gemini_token_cost":450)"), std::string::npos);
  EXPECT_NE(all.body.find("Client provided the production Measurement ID over Slack."), std::string::npos);
  auto first = http_call(server_->port(), "GET", path + "?as_of_version=1", "", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("\"version\":1"), std::string::npos);
  EXPECT_EQ(first.body.find("PreFlightScanCompleted"), std::string::npos);
  EXPECT_NE(first.body.find(R"("status":"TODO")"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find(R"("pre_flight_scan_status":"PENDING")"), std::string::npos);
  auto past = http_call(server_->port(), "GET", path + "?as_of=2000-01-01T00:00:00Z", "",
                        {{"Authorization", "Bearer " + admin}});
  EXPECT_EQ(past.status, 404);
  auto globex = http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + token("admin@globex.com")}});
  EXPECT_EQ(globex.status, 404);
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
  EXPECT_NE(failed.body.find(R"("token_cost":"321")"), std::string::npos) << failed.body;
  const auto sent = gemini.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[1].find(":generateContent"), std::string::npos);
  EXPECT_NE(sent[1].find("x-goog-api-key: test-key"), std::string::npos);
  EXPECT_NE(sent[1].find("Never send PII to GA4."), std::string::npos) << "the tenant's policy is in the prompt";
  EXPECT_NE(sent[1].find("G-ABC123XYZ0"), std::string::npos) << "the payload is in the prompt";
  EXPECT_NE(sent[1].find("<change>"), std::string::npos) << "as delimited data";
  EXPECT_NE(sent[1].find("\"responseSchema\""), std::string::npos) << "with a structured answer asked for";

  auto passed = command("RequestPreFlightScan", scan, spain);
  ASSERT_EQ(passed.status, 200);
  EXPECT_NE(passed.body.find(R"("status":"PASSED")"), std::string::npos);
  auto usage = http_call(server_->port(), "GET", "/api/v1/events?type=TokenReservationSettled", "",
                         {{"Authorization", "Bearer " + token("auditor@acme.com")}});
  EXPECT_NE(usage.body.find(R"("tokens":"321")"), std::string::npos) << usage.body;
  EXPECT_NE(usage.body.find(R"("ai_tokens_used":"99941")"), std::string::npos) << "99,500 + 321 + 120";
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
  auto manual = command("GenerateContent", R"({"local_task_id":")" + review_task_ + "\"}", spain);
  EXPECT_EQ(manual.status, 422) << "only B_GENERATIVE tasks generate";
  EXPECT_EQ(gemini.requests().size(), 1u);
}

TEST_F(Gateway, ATypeCTaskRunsOnTagManagerWithTheVaultTokenAndThenMayBeDone) {
  fake_gemini tag_manager;  // any scripted loopback server will do
  tag_manager.reply(200, R"({"tagId":"7","name":"GA4 Configuration - Base"})");
  server_.reset();
  auto env = env_;
  env.push_back("STRADIA_TAG_MANAGER_URL=" + tag_manager.url());
  server_ = std::make_unique<server_process>(env);
  const auto spain = token("spain@acme.com");
  const auto execute = R"({"local_task_id":")" + consent_task_ +
                       R"(","parameters":{"container_id":"GTM-ABC123","trigger_type":"All Pages"}})";
  auto missing = command("ExecuteTask", execute, spain);
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(code_of(missing), "CREDENTIAL_MISSING");

  std::string spain_market;
  for (const auto& e : *store_->read_all(0, 100000))
    if (e.event_type() == "MarketCreated" && e.tenant_id() == acme && spain_market.empty())
      spain_market = e.stream_id().substr(7);
  ASSERT_EQ(
      command("StoreVaultCredential",
              R"({"market_id":")" + spain_market + R"(","platform":"GTM","oauth_token":"ya29.REAL-TOKEN"})", spain)
          .status,
      200);
  auto done_too_early = command("MoveTask", move(consent_task_, "IN_PROGRESS", "DONE"), spain);
  EXPECT_EQ(code_of(done_too_early), "EXECUTION_REQUIRED");
  auto executed = command("ExecuteTask", execute, spain);
  ASSERT_EQ(executed.status, 200) << executed.body;
  EXPECT_NE(executed.body.find(R"("type":"TaskExecutionCompleted")"), std::string::npos) << executed.body;
  EXPECT_NE(executed.body.find(R"("http_status":200)"), std::string::npos) << executed.body;
  const auto sent = tag_manager.requests().at(0);
  EXPECT_NE(sent.find("POST /tagmanager/v2/containers/GTM-ABC123/tags"), std::string::npos) << sent;
  EXPECT_NE(sent.find("Authorization: Bearer ya29.REAL-TOKEN"), std::string::npos) << "the opened vault token";
  EXPECT_NE(sent.find("G-ABC123XYZ0"), std::string::npos) << "the execution payload";
  EXPECT_EQ(command("MoveTask", move(consent_task_, "IN_PROGRESS", "DONE"), spain).status, 200);
}

TEST_F(Gateway, AnExpiredPlatformTokenPausesTheRunWithACheckpoint) {
  fake_gemini tag_manager;
  tag_manager.reply(401, R"({"error":{"code":401,"message":"Request had invalid authentication credentials."}})");
  server_.reset();
  auto env = env_;
  env.push_back("STRADIA_TAG_MANAGER_URL=" + tag_manager.url());
  server_ = std::make_unique<server_process>(env);
  const auto spain = token("spain@acme.com");
  std::string spain_market;
  for (const auto& e : *store_->read_all(0, 100000))
    if (e.event_type() == "MarketCreated" && e.tenant_id() == acme && spain_market.empty())
      spain_market = e.stream_id().substr(7);
  ASSERT_EQ(command("StoreVaultCredential",
                    R"({"market_id":")" + spain_market + R"(","platform":"GTM","oauth_token":"ya29.OLD"})", spain)
                .status,
            200);
  auto paused =
      command("ExecuteTask",
              R"({"local_task_id":")" + consent_task_ + R"(","parameters":{"container_id":"GTM-ABC123"}})", spain);
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_NE(paused.body.find(R"("type":"TaskExecutionPaused")"), std::string::npos) << paused.body;
  EXPECT_NE(paused.body.find(R"("checkpoint_state":"")"), std::string::npos) << "kept, but never shown";
  EXPECT_EQ(code_of(command("MoveTask", move(consent_task_, "IN_PROGRESS", "DONE"), spain)), "EXECUTION_REQUIRED");
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

TEST_F(Gateway, ABoardReadsItsOwnWritesFromTheReadModel) {
  const auto spain = token("spain@acme.com");
  const auto path = "/api/v1/boards/" + spain_board_;
  auto seeded = http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + spain}});
  ASSERT_EQ(seeded.status, 200) << seeded.body;
  EXPECT_NE(seeded.body.find(R"("heatmap_score":0,)"), std::string::npos) << seeded.body;
  EXPECT_NE(seeded.body.find(R"("title":"Deploy Consent Mode")"), std::string::npos);
  EXPECT_NE(seeded.body.find(R"("pre_flight_scan_status":"PASSED","gemini_token_cost":450)"), std::string::npos);
  EXPECT_NE(seeded.body.find(R"("status":"IN_PROGRESS")"), std::string::npos);
  const auto spain_id = gateway::jwt_codec(secret).verify(spain, 0)->sub;
  EXPECT_NE(seeded.body.find(R"("locked_by":")" + spain_id + "\""), std::string::npos) << seeded.body;

  auto moved = command("MoveTask", move(review_task_, "TODO", "DONE"), spain);
  ASSERT_EQ(moved.status, 200);
  const auto position = moved.body.substr(moved.body.find("\"global_position\":") + 18);
  auto after = http_call(server_->port(), "GET", path + "?min_position=" + std::to_string(std::stoll(position)), "",
                         {{"Authorization", "Bearer " + spain}});
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.body.find(R"("status":"DONE")"), std::string::npos) << after.body;
  EXPECT_NE(after.body.find(R"("heatmap_score":0.16666666666666666)"), std::string::npos) << "weight 1 of 1 + 5";

  EXPECT_EQ(
      http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + token("france@acme.com")}}).status,
      404);
  EXPECT_EQ(
      http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + token("admin@globex.com")}}).status,
      404);
  auto ahead =
      http_call(server_->port(), "GET", path + "?min_position=999999999", "", {{"Authorization", "Bearer " + spain}});
  EXPECT_EQ(ahead.status, 504);
}

TEST_F(Gateway, MarketsAndTheirBoardsAreListedWithinTheSandbox) {
  auto get = [&](const std::string& path, const std::string& email) {
    return http_call(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + token(email)}});
  };
  const auto head = std::to_string(*store_->head_position());
  auto admin = get("/api/v1/markets?min_position=" + head, "admin@acme.com");
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_NE(admin.body.find(R"("name":"France - Retail")"), std::string::npos);
  EXPECT_NE(admin.body.find(R"("name":"Spain - Retail","region_code":"ES","timezone":"Europe/Madrid")"),
            std::string::npos);
  EXPECT_EQ(admin.body.find("Germany"), std::string::npos) << "another tenant's market";
  auto spain = get("/api/v1/markets", "spain@acme.com");
  EXPECT_NE(spain.body.find("Spain - Retail"), std::string::npos);
  EXPECT_EQ(spain.body.find("France - Retail"), std::string::npos) << "an unassigned market";
  EXPECT_NE(get("/api/v1/markets", "admin@globex.com").body.find("Germany - Retail"), std::string::npos);

  const auto spain_market = json_string_field(spain.body, "id");
  auto boards = get("/api/v1/boards?market_id=" + spain_market, "spain@acme.com");
  ASSERT_EQ(boards.status, 200);
  EXPECT_NE(boards.body.find(R"("id":")" + spain_board_ + "\""), std::string::npos) << boards.body;
  EXPECT_EQ(get("/api/v1/boards?market_id=" + spain_market, "france@acme.com").status, 404);
  EXPECT_EQ(get("/api/v1/boards", "admin@acme.com").status, 422);
}

TEST_F(Gateway, ATaskComesWithItsTimeline) {
  auto r = http_call(server_->port(), "GET", "/api/v1/tasks/" + consent_task_, "",
                     {{"Authorization", "Bearer " + token("spain@acme.com")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Client provided the production Measurement ID over Slack."), std::string::npos);
  EXPECT_NE(r.body.find("[SYSTEM AUTO-SAVE: Version Collision Detected at "), std::string::npos);
  EXPECT_NE(r.body.find(R"("user_id":"system")"), std::string::npos);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/tasks/" + consent_task_, "",
                      {{"Authorization", "Bearer " + token("france@acme.com")}})
                .status,
            404);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/tasks/" + consent_task_, "",
                      {{"Authorization", "Bearer " + token("admin@globex.com")}})
                .status,
            404);
}

TEST_F(Gateway, UsageShowsTheQuotaAndTheOverdraftState) {
  auto r = http_call(server_->port(), "GET", "/api/v1/usage", "",
                     {{"Authorization", "Bearer " + token("auditor@acme.com")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(
      r.body.find(R"("ai_token_quota":100000,"ai_tokens_used":99500,"overdraft_limit":105000,"overdraft_state":"ok")"),
      std::string::npos)
      << r.body;
  auto globex = http_call(server_->port(), "GET", "/api/v1/usage", "",
                          {{"Authorization", "Bearer " + token("admin@globex.com")}});
  EXPECT_NE(globex.body.find(R"("ai_token_quota":50000,"ai_tokens_used":0)"), std::string::npos) << globex.body;
}

TEST_F(Gateway, TheHeatmapScoresEachMarketByTheWeightsOfItsDoneTasks) {
  const auto admin = token("admin@acme.com");
  const auto strategy = acme_strategy();
  const auto position = review_moved_to_done();
  ASSERT_GT(position, 0);
  auto r = http_call(server_->port(), "GET",
                     "/api/v1/heatmap?strategy_id=" + strategy + "&min_position=" + std::to_string(position), "",
                     {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(r.status, 200) << r.body;
  // By hand: Spain has "Review Privacy Law" (weight 1) DONE of 1 + 5; France has nothing done.
  EXPECT_NE(r.body.find(R"("market_name":"France - Retail")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("board_status":"ACTIVE","heatmap_score":0})"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("heatmap_score":0.16666666666666666)"), std::string::npos) << r.body;
}

TEST_F(Gateway, TheHeatmapPictureIsValidSvgWithEveryMarketLabelled) {
  const auto strategy = acme_strategy();
  const auto position = review_moved_to_done();
  ASSERT_GT(position, 0);
  auto r = http_call(server_->port(), "GET",
                     "/api/v1/heatmap.svg?strategy_id=" + strategy + "&min_position=" + std::to_string(position), "",
                     {{"Authorization", "Bearer " + token("admin@acme.com")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "image/svg+xml");
  EXPECT_EQ(xml_problem(r.body), "") << r.body;
  EXPECT_NE(r.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  // Spain: weight 1 DONE of 1 + 5 is 17%; France: 0%.
  EXPECT_NE(r.body.find(">Spain - Retail</text>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(">17%</text>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(">France - Retail</text>"), std::string::npos);
  EXPECT_NE(r.body.find(">0%</text>"), std::string::npos);
  EXPECT_NE(r.body.find("Legend"), std::string::npos);
  auto spain = http_call(server_->port(), "GET", "/api/v1/heatmap.svg?strategy_id=" + strategy, "",
                         {{"Authorization", "Bearer " + token("spain@acme.com")}});
  EXPECT_EQ(spain.body.find("France - Retail"), std::string::npos) << "a market the LOCAL_USER is not assigned to";
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/heatmap.svg").status, 401);
}

TEST_F(Gateway, ATasksTimelineReadsItsOwnWrite) {
  const auto spain = token("spain@acme.com");
  auto noted =
      command("AddTaskNote", R"({"local_task_id":")" + review_task_ + R"(","content":"Read me back."})", spain);
  ASSERT_EQ(noted.status, 200) << noted.body;
  const auto position = noted.body.substr(noted.body.find("\"global_position\":") + 18);
  auto r = http_call(server_->port(), "GET",
                     "/api/v1/tasks/" + review_task_ + "?min_position=" + position.substr(0, position.find(',')), "",
                     {{"Authorization", "Bearer " + spain}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("kind":"NOTE")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("detail":"Read me back.")"), std::string::npos) << r.body;
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/tasks/" + review_task_ + "?min_position=99999999", "",
                      {{"Authorization", "Bearer " + spain}})
                .status,
            504);
}

TEST_F(Gateway, MetricsCountRequestsAndShowTheReadModelsPosition) {
  EXPECT_EQ(http_call(server_->port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/v1/markets").status, 401);
  auto r = http_call(server_->port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find("stradia_http_requests_total{route=\"health\",code=\"2xx\"} 1\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("stradia_http_requests_total{route=\"query\",code=\"4xx\"} 1\n"), std::string::npos);
  const auto head = *store_->head_position();
  EXPECT_NE(r.body.find("stradia_log_head_position " + std::to_string(head) + "\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("stradia_read_model_position "), std::string::npos);
  EXPECT_NE(r.body.find("stradia_read_model_lag_events "), std::string::npos);
}

TEST_F(Gateway, HealthAndReadinessAnswer) {
  EXPECT_EQ(http_call(server_->port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_call(server_->port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(http_call(server_->port(), "GET", "/nowhere").status, 404);
}

TEST_F(Gateway, RebuildReplaysTheLogIntoTheSameReadModels) {
  const auto admin = token("admin@acme.com");
  const auto before =
      http_call(server_->port(), "GET", "/api/v1/boards/" + spain_board_, "", {{"Authorization", "Bearer " + admin}});
  ASSERT_EQ(before.status, 200);
  child_process all({"rebuild"}, env_);
  const auto report = all.next_line();
  EXPECT_EQ(all.signal(0), 0);
  EXPECT_NE(report.find("events into 4 read models"), std::string::npos) << report;
  const auto after =
      http_call(server_->port(), "GET", "/api/v1/boards/" + spain_board_, "", {{"Authorization", "Bearer " + admin}});
  // The same board and tasks (the answer's position moved with the admin's login event).
  EXPECT_EQ(after.body.substr(after.body.find("\"tasks\"")), before.body.substr(before.body.find("\"tasks\"")));
  child_process one({"rebuild", "--projection", "board-state"}, env_);
  EXPECT_NE(one.next_line().find("into 1 read models"), std::string::npos) << one.last_line();
  EXPECT_EQ(one.signal(0), 0);
  EXPECT_EQ(run_stradia({"rebuild", "--projection", "heat"}, env_), 2);
}

TEST_F(Gateway, SeedingTwiceChangesNothing) {
  const auto head = *store_->head_position();
  EXPECT_EQ(run_stradia({"seed"}, env_), 0);
  EXPECT_EQ(*store_->head_position(), head);
}

TEST_F(Gateway, SigtermStopsTheServerGracefully) { EXPECT_EQ(server_->stop(), 0); }

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
