// What a frontend draws from: a task's drawer (GET /tasks/{id}), ghost cards as a person
// sees them, and the board lifecycle, each read back as JSON a client parses.
#include <simdjson.h>

#include <algorithm>
#include <map>
#include <thread>

#include "base/uuid_text.hpp"
#include "gateway_fixture.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

// A parsed answer kept alive with its parser.
struct json_answer {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  explicit json_answer(const std::string& body) {
    if (parser.parse(body).get(root)) ADD_FAILURE() << "not JSON: " << body;
  }
  simdjson::dom::element at(std::string_view pointer) {
    simdjson::dom::element e;
    if (root.at_pointer(pointer).get(e)) ADD_FAILURE() << "no " << pointer;
    return e;
  }
  std::string text(std::string_view pointer) {
    std::string_view v;
    return at(pointer).get(v) ? std::string("<not a string>") : std::string(v);
  }
};

class Frontend : public Gateway {
 protected:
  std::int64_t position_of(const http_answer& command_answer) {
    json_answer a(command_answer.body);
    std::int64_t p = 0;
    if (a.at("/global_position").get(p)) ADD_FAILURE() << command_answer.body;
    return p;
  }
  http_answer get_after(const std::string& path, const std::string& email, std::int64_t position) {
    return get(path + (path.find('?') == std::string::npos ? "?" : "&") + "min_position=" + std::to_string(position),
               email);
  }
  // A new version of `strategy` with `task` (a GlobalTask's JSON) added, or published to one market.
  http_answer add_global_task(const std::string& strategy, const std::string& task, const std::string& admin) {
    return command("AddGlobalTask", R"({"master_strategy_id":")" + strategy + R"(","task":)" + task + "}", admin);
  }
  http_answer publish_to(const std::string& strategy, const std::string& market, const std::string& admin) {
    return command("PublishMasterStrategy",
                   R"({"master_strategy_id":")" + strategy + R"(","market_ids":[")" + market + "\"]}", admin);
  }
  // GET with a token the caller already has (logins are rate limited per email).
  http_answer get_as(const std::string& path, const std::string& bearer) {
    return checked_call("GET", path, "", {{"Authorization", "Bearer " + bearer}});
  }
  std::string market_named(const std::string& name) {
    json_answer markets(get("/api/v1/markets", "admin@acme.com").body);
    for (auto m : markets.at("/markets").get_array())
      if (std::string_view(m["name"]) == name) return std::string(std::string_view(m["id"]));
    return "";
  }
  std::string board_of(const std::string& market_id) {
    json_answer boards(get("/api/v1/boards?market_id=" + market_id, "admin@acme.com").body);
    return boards.text("/boards/0/id");
  }
  // The board's status once the board lifecycle has recorded `wanted` (it follows the read
  // models within a fraction of a second), or the last status seen.
  std::string board_status_becomes(const std::string& board, const std::string& wanted) {
    std::string status;
    const auto admin = token("admin@acme.com");  // once: logins are rate limited per email
    for (int i = 0; i < 100 && status != wanted; ++i) {
      if (i) std::this_thread::sleep_for(50ms);
      json_answer b(get_as("/api/v1/boards/" + board, admin).body);
      status = b.text("/status");
    }
    return status;
  }
};

TEST_F(Frontend, ATaskOpensWithEverythingItsDrawerShows) {
  json_answer task(get("/api/v1/tasks/" + consent_task_, "spain@acme.com").body);
  EXPECT_EQ(task.text("/task/description"),
            "Create the GA4 configuration tag with Consent Mode in the market's GTM container.");
  EXPECT_TRUE(task.at("/task/expected_payload_schema").is_object()) << "a JSON value, not a string";
  EXPECT_EQ(task.text("/task/expected_payload_schema/type"), "object");
  EXPECT_TRUE(task.at("/task/execution_payload").is_object());
  EXPECT_EQ(task.text("/task/execution_payload/action"), "CREATE_TAG") << "the golden record's payload";
  EXPECT_EQ(task.text("/task/execution_payload/schema/parameter/0/value"), "G-ABC123XYZ0");
  EXPECT_EQ(task.text("/task/pre_flight/status"), "PASSED");
  EXPECT_EQ(std::int64_t(task.at("/task/pre_flight/token_cost")), 450);
  EXPECT_EQ(std::int64_t(task.at("/task/gemini_token_cost")), 450) << "a JSON number";
  EXPECT_TRUE(task.at("/task/pre_flight/findings").is_array());
  EXPECT_TRUE(task.at("/task/generated_content").is_null());
  EXPECT_TRUE(task.at("/task/ghost_card").is_null());
  EXPECT_TRUE(task.at("/task/removed_at").is_null());
  // The golden record's notes: ids, authors, the system's auto-save marked as such.
  auto notes = task.at("/task/notes").get_array();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_TRUE(base::is_uuid(std::string_view(notes.at(0)["id"])));
  EXPECT_EQ(std::string_view(notes.at(0)["content"]), "Client provided the production Measurement ID over Slack.");
  EXPECT_FALSE(bool(notes.at(0)["is_system_generated"]));
  EXPECT_EQ(std::string_view(notes.at(1)["user_id"]), "system");
  EXPECT_TRUE(bool(notes.at(1)["is_system_generated"]));
  EXPECT_EQ(std::string_view(notes.at(1)["content"]).rfind("[SYSTEM AUTO-SAVE: Version Collision Detected at ", 0), 0u);
  EXPECT_EQ(std::string_view(task.at("/task/timeline").get_array().at(0)["kind"]), "NOTE");
  const auto raw = get("/api/v1/tasks/" + consent_task_, "spain@acme.com").body;
  EXPECT_EQ(raw.find("checkpoint_state"), std::string::npos);
  EXPECT_EQ(raw.find("system_prompt"), std::string::npos);

  // A payload is sent and read back as JSON; 64-bit numbers stay numbers.
  const auto body = R"({"local_task_id":")" + consent_task_ +
                    R"(","execution_payload":{"action":"UPDATE_TAG","platform":"GTM","schema":{"name":"Base",)"
                    R"("type":"ga4_setup"},"hits":12345678901}})";
  const auto edited = command("UpdateExecutionPayload", body, token("spain@acme.com"));
  ASSERT_EQ(edited.status, 200) << edited.body;
  json_answer answer(edited.body);
  EXPECT_EQ(answer.text("/events/0/execution_payload/action"), "UPDATE_TAG") << "events carry JSON values too";
  json_answer after(get_after("/api/v1/tasks/" + consent_task_, "spain@acme.com", position_of(edited)).body);
  EXPECT_EQ(std::int64_t(after.at("/task/execution_payload/hits")), 12345678901);
  EXPECT_EQ(after.text("/task/pre_flight/status"), "PENDING") << "a verdict holds for the payload it read";
  EXPECT_EQ(after.at("/task/pre_flight/findings").get_array().size(), 0u);
  EXPECT_TRUE(after.at("/task/pre_flight/token_cost").is_null());
  EXPECT_FALSE(after.text("/task/payload_updated_by").empty());

  const auto not_json = command("UpdateExecutionPayload",
                                R"({"local_task_id":")" + consent_task_ + R"(","execution_payload":"not json"})",
                                token("spain@acme.com"));
  EXPECT_EQ(not_json.status, 422) << not_json.body;
  EXPECT_NE(not_json.body.find("Expected a JSON object."), std::string::npos) << not_json.body;
  const auto number =
      command("UpdateExecutionPayload", R"({"local_task_id":")" + consent_task_ + R"(","execution_payload":7})",
              token("spain@acme.com"));
  EXPECT_EQ(number.status, 400) << number.body;
  // The task's expected_payload_schema and the model's id rules: one problem per path.
  const auto breaks = command("UpdateExecutionPayload",
                              R"({"local_task_id":")" + consent_task_ +
                                  R"(","execution_payload":{"action":"DROP_TAG","platform":"GTM",)"
                                  R"("schema":{"name":"Base","type":"ga4_setup"},"measurement_id":"G-1"}})",
                              token("spain@acme.com"));
  EXPECT_EQ(breaks.status, 422) << breaks.body;
  EXPECT_NE(breaks.body.find(R"("path":"execution_payload.action")"), std::string::npos) << breaks.body;
  EXPECT_NE(breaks.body.find(
                R"({"path":"execution_payload.measurement_id","message":"Must be a valid GA4 Measurement ID."})"),
            std::string::npos)
      << breaks.body;

  EXPECT_EQ(get("/api/v1/tasks/" + consent_task_, "france@acme.com").status, 404) << "a market not assigned";
  EXPECT_EQ(get("/api/v1/tasks/" + consent_task_, "admin@globex.com").status, 404) << "another tenant";
}

TEST_F(Frontend, GhostCardsComeAndGoAsAPersonExpects) {
  const auto strategy = acme_strategy();
  const auto spain_market = market_named("Spain - Retail");
  const auto admin = token("admin@acme.com"), spain = token("spain@acme.com");
  ASSERT_GT(review_moved_to_done(), 0);  // Spain: weight 1 DONE of 1 + 5
  json_answer detail(get("/api/v1/strategies/" + strategy, "admin@acme.com").body);
  std::string review_global;
  for (auto t : detail.at("/strategy/global_tasks").get_array())
    if (std::string_view(t["title"]) == "Review Privacy Law") review_global = std::string(std::string_view(t["id"]));
  ASSERT_FALSE(review_global.empty());

  // Version 2 adds a task and drops the review.
  ASSERT_EQ(add_global_task(strategy,
                            R"({"title":"Audit Cookie Banner","task_type":"A_MANUAL","target_platform":"NONE",)"
                            R"("weight":4,"order_index":2})",
                            admin)
                .status,
            200);
  ASSERT_EQ(
      command("RemoveGlobalTask",
              R"({"master_strategy_id":")" + strategy + R"(","global_task_id":")" + review_global + R"("})", admin)
          .status,
      200);
  const auto published = publish_to(strategy, spain_market, admin);
  ASSERT_EQ(published.status, 200) << published.body;
  json_answer board(get_after("/api/v1/boards/" + spain_board_, "spain@acme.com", position_of(published)).body);
  std::string audit;
  for (auto t : board.at("/tasks").get_array()) {
    const std::string_view title = t["title"];
    if (title == "Audit Cookie Banner") {
      audit = std::string(std::string_view(t["id"]));
      EXPECT_TRUE(bool(t["is_ghost_card"]));
      EXPECT_EQ(std::string_view(t["ghost_change"]), "ADDED");
    } else if (title == "Review Privacy Law") {
      EXPECT_TRUE(bool(t["is_ghost_card"]));
      EXPECT_EQ(std::string_view(t["ghost_change"]), "REMOVED") << "offered for removal, still on the board";
    }
  }
  ASSERT_FALSE(audit.empty());
  EXPECT_DOUBLE_EQ(double(board.at("/heatmap_score")), 1.0 / 6) << "a pending added card does not count";
  json_answer heatmap(get("/api/v1/heatmap?strategy_id=" + strategy, "admin@acme.com").body);
  for (auto m : heatmap.at("/markets").get_array())
    if (std::string_view(m["market_name"]) == "Spain - Retail") {
      EXPECT_DOUBLE_EQ(double(m["heatmap_score"]), 1.0 / 6);
    }
  json_answer offered(get("/api/v1/tasks/" + audit, "spain@acme.com").body);
  EXPECT_EQ(offered.text("/task/ghost_card/change"), "ADDED");
  EXPECT_EQ(offered.text("/task/ghost_card/proposed/title"), "Audit Cookie Banner");

  // Rejected, the added card leaves the board; its rejection stays readable.
  const auto rejected =
      command("RejectGhostCard",
              R"({"local_task_id":")" + audit + R"(","justification":"Not needed in Spain this year."})", spain);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  const auto after_reject = get_after("/api/v1/boards/" + spain_board_, "spain@acme.com", position_of(rejected));
  EXPECT_EQ(after_reject.body.find(audit), std::string::npos) << "a rejected added card leaves the board";
  json_answer gone(get("/api/v1/tasks/" + audit, "spain@acme.com").body);
  EXPECT_FALSE(gone.at("/task/removed_at").is_null());
  auto entry = gone.at("/task/timeline").get_array().at(0);
  EXPECT_EQ(std::string_view(entry["kind"]), "GHOST_REJECTED");
  EXPECT_EQ(std::string_view(entry["justification"]), "Not needed in Spain this year.");
  EXPECT_TRUE(base::is_uuid(std::string_view(entry["id"])));
  EXPECT_EQ(code_of(command("AcquireLock", R"({"local_task_id":")" + audit + R"("})", spain)), "NOT_FOUND");

  // Accepted, the removal takes the review off the board (and out of the score).
  const auto accepted = command("AcceptGhostCard", R"({"local_task_id":")" + review_task_ + R"("})", spain);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  json_answer after_accept(get_after("/api/v1/boards/" + spain_board_, "spain@acme.com", position_of(accepted)).body);
  EXPECT_EQ(after_accept.at("/tasks").get_array().size(), 1u) << "only Deploy Consent Mode stays";
  EXPECT_DOUBLE_EQ(double(after_accept.at("/heatmap_score")), 0.0) << "0 of 5";
  EXPECT_FALSE(
      json_answer(get("/api/v1/tasks/" + review_task_, "spain@acme.com").body).at("/task/removed_at").is_null());
}

TEST_F(Frontend, ABoardIsPendingUntilATaskStartsAndCompleteWhileAllAreDone) {
  const auto admin = token("admin@acme.com"), france = token("france@acme.com");
  const auto france_market = market_named("France - Retail");
  EXPECT_EQ(board_status_becomes(board_of(france_market), "PENDING"), "PENDING") << "deployed, nothing started";

  const auto created = command("CreateMasterStrategy", R"({"title":"Cookie Banner Refresh"})", admin);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto strategy = json_answer(created.body).text("/result/master_strategy_id");
  for (const char* title : {"Draft the banner copy", "Translate the banner"})
    ASSERT_EQ(add_global_task(
                  strategy,
                  R"({"title":")" + std::string(title) + R"(","task_type":"A_MANUAL","target_platform":"NONE"})", admin)
                  .status,
              200);
  const auto published = publish_to(strategy, france_market, admin);
  ASSERT_EQ(published.status, 200) << published.body;
  const auto board = json_answer(published.body).text("/result/local_board_id");
  json_answer tasks(get_after("/api/v1/boards/" + board, "france@acme.com", position_of(published)).body);
  EXPECT_EQ(tasks.text("/status"), "PENDING");
  const auto first = tasks.text("/tasks/0/id"), second = tasks.text("/tasks/1/id");

  ASSERT_EQ(command("MoveTask", move(first, "TODO", "DONE"), france).status, 200);
  EXPECT_EQ(board_status_becomes(board, "ACTIVE"), "ACTIVE") << "a task left TODO";
  ASSERT_EQ(command("MoveTask", move(second, "TODO", "DONE"), france).status, 200);
  EXPECT_EQ(board_status_becomes(board, "COMPLETED"), "COMPLETED") << "every task DONE";
  ASSERT_EQ(command("MoveTask", move(second, "DONE", "IN_PROGRESS"), france).status, 200);
  EXPECT_EQ(board_status_becomes(board, "ACTIVE"), "ACTIVE") << "one left DONE";
  // Flips faster than the lifecycle looks: whatever it saw in between, it settles on what
  // the tasks say now (one DONE, one IN_PROGRESS).
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(command("MoveTask", move(second, "IN_PROGRESS", "DONE"), france).status, 200);
    ASSERT_EQ(command("MoveTask", move(second, "DONE", "IN_PROGRESS"), france).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(37 * i));
  }
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(board_status_becomes(board, "ACTIVE"), "ACTIVE") << "not left COMPLETED by a stale look";

  // As events, in the log auditors read.
  const auto log = get("/api/v1/events?type=BoardStatusChanged&stream_id=board-" + board, "auditor@acme.com").body;
  const auto active = log.find(R"("status":"ACTIVE")"), completed = log.find(R"("status":"COMPLETED")");
  ASSERT_NE(active, std::string::npos) << log;
  ASSERT_NE(completed, std::string::npos) << log;
  EXPECT_LT(active, completed);
  EXPECT_NE(log.find(R"("status":"ACTIVE")", completed), std::string::npos) << log;
}

// `stradia tenant …` as an operator runs it: its output lines and exit code.
std::pair<int, std::vector<std::string>> operator_run(const std::vector<std::string>& args,
                                                      const std::vector<std::string>& env) {
  child_process p(args, env);
  auto lines = p.remaining_lines();
  return {p.signal(0), std::move(lines)};
}

http_answer login(unsigned short port, const std::string& email, const std::string& password) {
  return http_call(port, "POST", "/api/v1/auth/login",
                   R"({"email":")" + email + R"(","password":")" + password + "\"}");
}

// A login once the server's directory has the change another process or request made (it
// follows the log within a fraction of a second); few tries, as logins are limited per email.
http_answer login_once_known(unsigned short port, const std::string& email, const std::string& password) {
  auto r = login(port, email, password);
  for (int i = 0; i < 6 && r.status != 200; ++i) {
    std::this_thread::sleep_for(400ms);
    r = login(port, email, password);
  }
  return r;
}

TEST_F(Frontend, AnOperatorCreatesATenantWithItsAdminAndDeactivatesIt) {
  const auto [created, lines] = operator_run(
      {"tenant", "create", "--name", "Initech", "--admin-email", "boss@initech.com", "--ai-token-quota", "20000"},
      env_);
  ASSERT_EQ(created, 0);
  std::string tenant, password;
  for (const auto& line : lines) {
    if (line.rfind("tenant ", 0) == 0) tenant = line.substr(7);
    if (line.rfind("password ", 0) == 0) password = line.substr(9);
  }
  ASSERT_TRUE(base::is_uuid(tenant)) << lines.size();
  ASSERT_GE(password.size(), 20u) << "a password made for the admin, shown once";
  const auto signed_in = login_once_known(server_->port(), "boss@initech.com", password);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const auto boss = json_string_field(signed_in.body, "token");
  auto tenant_answer = get_as("/api/v1/tenant", boss);
  for (int i = 0; i < 50 && tenant_answer.status != 200; ++i) {  // the read model follows the CLI's append
    std::this_thread::sleep_for(100ms);
    tenant_answer = get_as("/api/v1/tenant", boss);
  }
  json_answer plan(tenant_answer.body);
  EXPECT_EQ(plan.text("/tenant/name"), "Initech");
  EXPECT_EQ(std::int64_t(plan.at("/tenant/ai_token_quota")), 20000);
  EXPECT_EQ(std::int64_t(plan.at("/tenant/user_seat_limit")), 25) << "the default plan";
  EXPECT_EQ(
      command("InviteUser", R"({"email":"peter@initech.com","role":"LOCAL_USER","password":"tps-report-1"})", boss)
          .status,
      200);
  EXPECT_EQ(operator_run({"tenant", "create", "--name", "Copycat", "--admin-email", "admin@acme.com"}, env_).first, 1)
      << "an email another tenant uses";

  ASSERT_EQ(operator_run({"tenant", "deactivate", "--tenant", tenant}, env_).first, 0);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() < deadline) {
    status = http_call(server_->port(), "GET", "/api/v1/me", "", {{"Authorization", "Bearer " + boss}}).status;
    if (status == 200) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(status, 401) << "a deactivated tenant's tokens";
  const auto refused = login(server_->port(), "boss@initech.com", password);
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body.find("deactivated"), std::string::npos) << refused.body;
  EXPECT_EQ(login(server_->port(), "peter@initech.com", "tps-report-1").status, 401);
  EXPECT_EQ(login(server_->port(), "admin@acme.com", "stradia-dev").status, 200) << "other tenants go on";

  ASSERT_EQ(operator_run({"tenant", "activate", "--tenant", tenant}, env_).first, 0);
  EXPECT_EQ(login_once_known(server_->port(), "boss@initech.com", password).status, 200);
}

TEST_F(Frontend, UsersKeepTheirOwnPasswordAndLanguageAndAdminsTheirMarkets) {
  const auto spain = token("spain@acme.com");
  const auto wrong =
      command("ChangeOwnPassword", R"({"current_password":"not-my-password","new_password":"a-longer-secret"})", spain);
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(wrong.body.find("current_password"), std::string::npos);
  EXPECT_EQ(command("ChangeOwnPassword", R"({"current_password":"stradia-dev","new_password":"short"})", spain).status,
            422);
  const std::string change_body = R"({"current_password":"stradia-dev","new_password":"a-longer-secret"})";
  const std::map<std::string, std::string> retry_key{{"Idempotency-Key", "password-change-1"}};
  const auto changed = command("ChangeOwnPassword", change_body, spain, retry_key);
  ASSERT_EQ(changed.status, 200) << changed.body;
  const auto retried = command("ChangeOwnPassword", change_body, spain, retry_key);
  EXPECT_EQ(retried.status, 200) << "a retry answers the first response, though the old password no longer holds";
  EXPECT_EQ(retried.body, changed.body);
  EXPECT_EQ(changed.body.find("a-longer-secret"), std::string::npos) << "never echoed";
  EXPECT_EQ(changed.body.find("argon2"), std::string::npos) << "nor its hash";
  EXPECT_EQ(login_once_known(server_->port(), "spain@acme.com", "a-longer-secret").status, 200);
  EXPECT_EQ(login(server_->port(), "spain@acme.com", "stradia-dev").status, 401);

  EXPECT_EQ(command("ChangeOwnLanguage", R"({"language_preference":"spanish"})", spain).status, 422);
  const auto language = command("ChangeOwnLanguage", R"({"language_preference":"es-ES"})", spain);
  ASSERT_EQ(language.status, 200) << language.body;
  json_answer spain_me(http_call(server_->port(), "GET",
                                 "/api/v1/me?min_position=" + std::to_string(position_of(language)), "",
                                 {{"Authorization", "Bearer " + spain}})
                           .body);
  EXPECT_EQ(spain_me.text("/user/language_preference"), "es-ES");

  const auto admin = token("admin@acme.com");
  const auto spain_market = market_named("Spain - Retail");
  const auto taken =
      command("RenameMarket", R"({"market_id":")" + spain_market + R"(","name":"france - retail"})", admin);
  EXPECT_EQ(taken.status, 422) << "names stay unique in the tenant, whatever the case";
  EXPECT_EQ(command("RenameMarket", R"({"market_id":")" + spain_market + R"(","name":"Spain - Iberia"})", spain).status,
            403)
      << "a LOCAL_USER manages no markets";
  const auto renamed =
      command("RenameMarket", R"({"market_id":")" + spain_market + R"(","name":"Spain - Iberia"})", admin);
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(
      command("ChangeMarketTimezone", R"({"market_id":")" + spain_market + R"(","timezone":"Mars/Olympus"})", admin)
          .status,
      422);
  const auto moved =
      command("ChangeMarketTimezone", R"({"market_id":")" + spain_market + R"(","timezone":"Atlantic/Canary"})", admin);
  ASSERT_EQ(moved.status, 200) << moved.body;
  const auto markets = get_after("/api/v1/markets", "admin@acme.com", position_of(moved)).body;
  EXPECT_NE(markets.find(R"("name":"Spain - Iberia","region_code":"ES","timezone":"Atlantic/Canary")"),
            std::string::npos)
      << markets;
  EXPECT_EQ(command("RenameMarket", R"({"market_id":")" + spain_market + R"(","name":"Globex Spain"})",
                    token("admin@globex.com"))
                .status,
            404)
      << "another tenant's market";
}

TEST_F(Frontend, ALocalUserPagesOnlyTheStrategiesOfTheirMarkets) {
  const auto admin = token("admin@acme.com");
  const auto created = command("CreateMasterStrategy", R"({"title":"Spain Only"})", admin);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto strategy = json_answer(created.body).text("/result/master_strategy_id");
  ASSERT_EQ(
      add_global_task(strategy, R"({"title":"Spanish banner","task_type":"A_MANUAL","target_platform":"NONE"})", admin)
          .status,
      200);
  const auto published = publish_to(strategy, market_named("Spain - Retail"), admin);
  ASSERT_EQ(published.status, 200) << published.body;
  const auto france = token("france@acme.com");
  // One a page: the baseline is France's page, the last; Spain's strategy is on none.
  json_answer first(
      get_as("/api/v1/strategies?limit=1&min_position=" + std::to_string(position_of(published)), france).body);
  ASSERT_EQ(first.at("/strategies").get_array().size(), 1u) << "a page is full, not filtered after the fact";
  EXPECT_EQ(first.text("/strategies/0/title"), "Data Layer Baseline 2026");
  EXPECT_TRUE(first.at("/next_cursor").is_null()) << "no later page holds one of France's";
  EXPECT_EQ(get_as("/api/v1/strategies/" + strategy, france).status, 404);
  json_answer spain(get_as("/api/v1/strategies", token("spain@acme.com")).body);
  EXPECT_EQ(spain.at("/strategies").get_array().size(), 2u);
}

// What a persona's screens showed, drawn from queries alone.
struct drawn {
  int markets = 0, boards = 0, tasks = 0, strategies = 0, heatmaps = 0, users = 0, policies = 0;
  std::vector<std::string> failures;  // any answer that is not 2xx
};

TEST_F(Frontend, ThePlaygroundsScreensDrawFromQueriesAlone) {
  auto draw = [&](const std::string& email) {
    drawn d;
    const auto bearer = token(email);
    auto ok = [&](const std::string& path) -> std::string {
      const auto r = get_as(path, bearer);
      if (r.status / 100 != 2) d.failures.push_back(email + " GET " + path + " -> " + std::to_string(r.status));
      return r.body;
    };
    // Every page of a list (one item a page, to walk the cursors), each item to `each`.
    auto every = [&](const std::string& path, const char* list, auto each) {
      std::string cursor;
      do {
        json_answer page(ok(path + (path.find('?') == std::string::npos ? "?" : "&") + "limit=1" +
                            (cursor.empty() ? "" : "&cursor=" + cursor)));
        for (auto item : page.at(std::string("/") + list).get_array()) each(item);
        simdjson::dom::element next = page.at("/next_cursor");
        cursor = next.is_null() ? "" : std::string(std::string_view(next));
      } while (!cursor.empty());
    };
    json_answer me(ok("/api/v1/me"));
    const std::string role(me.text("/user/role"));
    ok("/api/v1/tenant");
    ok("/api/v1/usage");
    every("/api/v1/markets", "markets", [&](simdjson::dom::element m) {
      ++d.markets;
      every("/api/v1/boards?market_id=" + std::string(std::string_view(m["id"])), "boards",
            [&](simdjson::dom::element b) {
              ++d.boards;
              json_answer board(ok("/api/v1/boards/" + std::string(std::string_view(b["id"]))));
              for (auto t : board.at("/tasks").get_array()) {
                ++d.tasks;
                ok("/api/v1/tasks/" + std::string(std::string_view(t["id"])));
              }
            });
    });
    every("/api/v1/strategies", "strategies", [&](simdjson::dom::element st) {
      ++d.strategies;
      const auto id = std::string(std::string_view(st["id"]));
      ok("/api/v1/strategies/" + id);
      ok("/api/v1/heatmap?strategy_id=" + id);
      ok("/api/v1/heatmap.svg?strategy_id=" + id);
      ++d.heatmaps;
    });
    every("/api/v1/policies", "policies", [&](simdjson::dom::element) { ++d.policies; });
    if (role == "GLOBAL_ADMIN" || role == "SUPERVISOR")
      every("/api/v1/users", "users", [&](simdjson::dom::element) { ++d.users; });
    if (role == "GLOBAL_ADMIN") ok("/api/v1/vault");
    return d;
  };
  ASSERT_EQ(command("CreateGovernancePolicy", R"({"policy_text":"Never send PII to GA4.","platform":"NONE"})",
                    token("admin@acme.com"))
                .status,
            200);

  const auto admin = draw("admin@acme.com");
  EXPECT_EQ(admin.failures, std::vector<std::string>{});
  EXPECT_EQ(admin.markets, 2);
  EXPECT_EQ(admin.boards, 2);
  EXPECT_EQ(admin.tasks, 4) << "two tasks on each market's board";
  EXPECT_EQ(admin.strategies, 1);
  EXPECT_EQ(admin.heatmaps, 1);
  EXPECT_EQ(admin.users, 5) << "admin, supervisor, spain, france, auditor";
  EXPECT_EQ(admin.policies, 1);

  const auto supervisor = draw("supervisor@acme.com");
  EXPECT_EQ(supervisor.failures, std::vector<std::string>{});
  EXPECT_EQ(supervisor.tasks, 4);
  EXPECT_EQ(supervisor.users, 5);

  const auto spain = draw("spain@acme.com");
  EXPECT_EQ(spain.failures, std::vector<std::string>{});
  EXPECT_EQ(spain.markets, 1) << "only Spain";
  EXPECT_EQ(spain.boards, 1);
  EXPECT_EQ(spain.tasks, 2);
  EXPECT_EQ(spain.strategies, 1);
}

// Every query as each role, and as another tenant: who sees what (API.md §4), and 404 for
// what is not theirs to see.
TEST_F(Frontend, EachQueryAnswersEachRoleAsTheModelSays) {
  const auto spain_market = market_named("Spain - Retail"), france_market = market_named("France - Retail");
  const auto france_board = board_of(france_market);
  const auto france_task =
      json_answer(get("/api/v1/boards/" + france_board, "admin@acme.com").body).text("/tasks/0/id");
  const auto strategy = acme_strategy();
  const std::vector<std::string> roles = {"admin@acme.com", "supervisor@acme.com", "spain@acme.com", "auditor@acme.com",
                                          "admin@globex.com"};
  std::map<std::string, std::string> bearer;
  for (const auto& r : roles) bearer[r] = token(r);
  struct row {
    std::string path;
    std::vector<int> statuses;  // per role, in the order above
  };
  const std::vector<row> table = {
      {"/api/v1/me", {200, 200, 200, 200, 200}},
      {"/api/v1/tenant", {200, 200, 200, 200, 200}},
      {"/api/v1/usage", {200, 200, 200, 200, 200}},
      {"/api/v1/users", {200, 200, 403, 403, 200}},
      {"/api/v1/policies", {200, 200, 200, 200, 200}},
      {"/api/v1/vault", {200, 403, 403, 403, 200}},
      {"/api/v1/markets", {200, 200, 200, 200, 200}},
      {"/api/v1/strategies", {200, 200, 200, 200, 200}},
      {"/api/v1/strategies/" + strategy, {200, 200, 200, 200, 404}},
      {"/api/v1/heatmap?strategy_id=" + strategy, {200, 200, 200, 200, 404}},
      {"/api/v1/boards?market_id=" + spain_market, {200, 200, 200, 200, 404}},
      {"/api/v1/boards?market_id=" + france_market, {200, 200, 404, 200, 404}},
      {"/api/v1/boards/" + spain_board_, {200, 200, 200, 200, 404}},
      {"/api/v1/boards/" + france_board, {200, 200, 404, 200, 404}},
      {"/api/v1/tasks/" + review_task_, {200, 200, 200, 200, 404}},
      {"/api/v1/tasks/" + france_task, {200, 200, 404, 200, 404}},
      {"/api/v1/streams/task-" + review_task_, {200, 200, 403, 200, 404}},
      {"/api/v1/events?limit=1", {200, 403, 403, 200, 200}},
  };
  for (const auto& [path, statuses] : table)
    for (std::size_t i = 0; i < roles.size(); ++i)
      EXPECT_EQ(get_as(path, bearer[roles[i]]).status, statuses[i]) << roles[i] << " GET " << path;
  // Another tenant's lists never hold Acme's rows.
  const auto globex_markets = get_as("/api/v1/markets", bearer["admin@globex.com"]).body;
  EXPECT_EQ(globex_markets.find(spain_market), std::string::npos);
}

// The console comes from the server itself: every file the page loads (its modules'
// imports followed) answers with its media type, none names another origin, and the page's
// policy allows only the server.
TEST_F(Frontend, TheConsoleIsServedByTheServerUnderAPolicyThatAllowsOnlyItself) {
  const auto page = http_call(server_->port(), "GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  const auto policy = page.headers.at("content-security-policy");
  EXPECT_NE(policy.find("default-src 'self'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("connect-src 'self'"), std::string::npos) << policy;
  for (const char* loose : {"unsafe", "*", "http", "data:"}) EXPECT_EQ(policy.find(loose), std::string::npos) << policy;

  std::vector<std::string> pending{"/"}, loaded;
  const std::map<std::string, std::string> types{
      {".js", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"}, {".svg", "image/svg+xml"}};
  while (!pending.empty()) {
    const auto path = pending.back();
    pending.pop_back();
    if (std::find(loaded.begin(), loaded.end(), path) != loaded.end()) continue;
    loaded.push_back(path);
    const auto file = http_call(server_->port(), "GET", path);
    ASSERT_EQ(file.status, 200) << path;
    EXPECT_EQ(file.headers.at("content-security-policy"), policy) << path;
    if (const auto dot = path.rfind('.'); dot != std::string::npos && path != "/") {
      EXPECT_EQ(file.headers.at("content-type"), types.at(path.substr(dot))) << path;
    }
    if (path.ends_with(".svg")) continue;
    EXPECT_EQ(file.body.find("http://"), std::string::npos) << path << " names another origin";
    EXPECT_EQ(file.body.find("https://"), std::string::npos) << path << " names another origin";
    // Files named by the page (src=, href=) and by the modules (from './x.js').
    for (const std::string marker : {"=\"/web/", "from './"}) {
      for (auto at = file.body.find(marker); at != std::string::npos; at = file.body.find(marker, at + 1)) {
        const auto start = at + marker.size();
        const auto end = file.body.find_first_of("\"'", start);
        pending.push_back("/web/" + file.body.substr(start, end - start));
      }
    }
  }
  EXPECT_GE(loaded.size(), 10u) << "the page, its styles, icon and every module";

  const auto missing = http_call(server_->port(), "GET", "/web/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers.at("content-type"), "application/problem+json");
  EXPECT_EQ(http_call(server_->port(), "GET", "/web/../api/v1/me").status, 404);

  // A page of another origin (another port counts) can neither sign a browser in nor send a
  // command with its cookie; the server's own page can, and so can any client with a token.
  const std::string login = R"({"email":"spain@acme.com","password":"stradia-dev"})";
  const auto foreign =
      http_call(server_->port(), "POST", "/api/v1/auth/login", login, {{"Origin", "http://127.0.0.1:9"}});
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_NE(foreign.body.find(R"("code":"FORBIDDEN")"), std::string::npos) << foreign.body;
  const auto own = http_call(server_->port(), "POST", "/api/v1/auth/login", login, {{"Origin", "http://127.0.0.1"}});
  ASSERT_EQ(own.status, 200) << own.body;
  const auto cookie = "stradia_session=" + json_field(own.body, "token");
  const auto note_with = [&](const std::map<std::string, std::string>& headers) {
    const auto note = R"({"local_task_id":")" + review_task_ + R"(","content":"from a page"})";
    return http_call(server_->port(), "POST", "/api/v1/commands/AddTaskNote", note, headers).status;
  };
  EXPECT_EQ(note_with({{"Cookie", cookie}, {"Origin", "https://evil.example"}}), 403);
  // Credentials a browser may add by itself (Basic) do not make the cookie's request a client's own.
  EXPECT_EQ(
      note_with({{"Cookie", cookie}, {"Authorization", "Basic c3BhaW46cGFzcw=="}, {"Origin", "http://evil.example"}}),
      403);
  EXPECT_EQ(http_call(server_->port(), "POST", "/api/v1/auth/logout", "", {{"Origin", "null"}}).status, 403);
  EXPECT_EQ(note_with({{"Cookie", cookie}, {"Origin", "http://127.0.0.1"}}), 200);
  EXPECT_EQ(note_with({{"Authorization", "Bearer " + json_field(own.body, "token")},
                       {"Origin", "https://elsewhere.example"}}),
            200);

  // Signing out replaces the HttpOnly session cookie with an expired one.
  const auto out = http_call(server_->port(), "POST", "/api/v1/auth/logout");
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(out.headers.at("set-cookie").rfind("stradia_session=;", 0), 0u) << out.headers.at("set-cookie");
  EXPECT_NE(out.headers.at("set-cookie").find("Max-Age=0"), std::string::npos);
}
}  // namespace
}  // namespace stradia::testing
