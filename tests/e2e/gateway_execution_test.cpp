// Type C execution end to end against `stradia google-sandbox`: the exact Tag Manager and
// Analytics Admin calls, OAuth refresh, a paused run resumed, retries, the pre-flight gate,
// and the vault's tokens never leaving it in plain text.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "gateway_fixture.hpp"
#include "google_sandbox_process.hpp"

namespace stradia::testing {
namespace {

using nlohmann::json;

const std::string access_token = "ya29.e2e-access-token-0123456789";
const std::string refresh_token = "1//e2e-refresh-token-0123456789";
const std::string container_path = "/tagmanager/v2/accounts/6000001/containers/7000001";

class Execution : public Gateway {
 protected:
  void SetUp() override {
    Gateway::SetUp();
    if (HasFatalFailure()) return;
    sandbox_ = std::make_unique<google_sandbox_process>();
    log_file_ = "/tmp/stradia-execution-" + std::to_string(::getpid()) + "-" + new_uuid() + ".log";
    server_.reset();
    for (auto& e : sandbox_->server_env()) env_.push_back(e);
    server_ = std::make_unique<server_process>(env_, 0, log_file_);
    spain_ = token("spain@acme.com");
    answers_.clear();
  }
  void TearDown() override {
    server_.reset();
    sandbox_.reset();
    std::remove(log_file_.c_str());
    Gateway::TearDown();
  }

  // A command whose answer is kept for the leak checks.
  http_answer run(const std::string& name, const std::string& body, const std::string& bearer) {
    auto r = command(name, body, bearer);
    answers_.push_back(r.body);
    return r;
  }
  std::string spain_market() {
    for (const auto& e : *store_->read_all(0, 100000))
      if (e.event_type() == "MarketCreated" && e.tenant_id() == acme) return e.stream_id().substr(7);
    return {};
  }
  void store_credential(const std::string& platform, const std::string& access, const std::string& refresh) {
    auto stored = run(
        "StoreVaultCredential",
        json{{"market_id", spain_market()}, {"platform", platform}, {"oauth_token", access}, {"refresh_token", refresh}}
            .dump(),
        spain_);
    ASSERT_EQ(stored.status, 200) << stored.body;
  }
  http_answer execute_consent(const std::string& trigger = "All Pages") {
    return run("ExecuteTask",
               json{{"local_task_id", consent_task_}, {"container_id", "GTM-ABC123"}, {"trigger_type", trigger}}.dump(),
               spain_);
  }
  std::string done_move() { return move(consent_task_, "IN_PROGRESS", "DONE"); }
  // Every tag named `name` in the container (its workspaces and versions): distinct tag ids.
  static std::set<std::string> tag_ids_named(const json& container, const std::string& name) {
    std::set<std::string> ids;
    for (const auto* place : {"workspaces", "versions"})
      for (const auto& holder : container[place])
        for (const auto& tag : holder["tag"])
          if (tag["name"] == name) ids.insert(tag["tagId"].get<std::string>());
    return ids;
  }
  std::size_t count_events(const std::string& type) {
    std::size_t n = 0;
    for (const auto& e : *store_->read_all(0, 100000)) n += e.event_type() == type;
    return n;
  }

  std::unique_ptr<google_sandbox_process> sandbox_;
  std::string log_file_, spain_;
  std::vector<std::string> answers_;
};

TEST_F(Execution, ATypeCTaskGoesFromPreFlightToDoneWithGooglesCallsInOrder) {
  store_credential("GTM", access_token, refresh_token);
  auto scanned = run("RequestPreFlightScan", json{{"local_task_id", consent_task_}}.dump(), spain_);
  ASSERT_EQ(scanned.status, 200) << scanned.body;
  EXPECT_NE(scanned.body.find(R"("status":"PASSED")"), std::string::npos) << scanned.body;
  EXPECT_EQ(code_of(command("MoveTask", done_move(), spain_)), "EXECUTION_REQUIRED");

  auto executed = execute_consent();
  ASSERT_EQ(executed.status, 200) << executed.body;
  EXPECT_NE(executed.body.find(R"("type":"TaskExecutionCompleted")"), std::string::npos) << executed.body;
  EXPECT_NE(executed.body.find(R"("http_status":200)"), std::string::npos) << executed.body;
  EXPECT_NE(executed.body.find(R"("execution_steps":{"container":{)"), std::string::npos) << executed.body;

  const auto calls = sandbox_->platform_calls();
  const std::vector<std::string> expected = {
      "GET /tagmanager/v2/accounts/containers:lookup?tagId=GTM-ABC123",
      "GET " + container_path + "/workspaces",
      "POST " + container_path + "/workspaces",
      "GET " + container_path + "/workspaces/2/tags",
      "POST " + container_path + "/workspaces/2/tags",
      "POST " + container_path + "/workspaces/2:create_version",
      "POST " + container_path + "/versions/1:publish?fingerprint=",
  };
  ASSERT_EQ(calls.size(), expected.size()) << ::testing::PrintToString(calls);
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(calls[i].rfind(expected[i], 0), 0u) << calls[i];
  const auto state = sandbox_->state();
  bool asked_gemini = false;
  for (const auto& call : state["calls"])
    asked_gemini |= call["path"] == "/v1beta/models/gemini-2.0-flash:generateContent";
  EXPECT_TRUE(asked_gemini) << "the pre-flight scan asked the sandbox's Gemini";

  const auto container = sandbox_->container("GTM-ABC123");
  EXPECT_EQ(container["liveVersionId"], "1") << "the version is published";
  ASSERT_EQ(container["versions"].size(), 1u);
  const auto& tag = container["versions"][0]["tag"].at(0);
  EXPECT_EQ(tag["name"], "GA4 Configuration - Base");
  EXPECT_EQ(tag["firingTriggerId"], json::array({"2147479553"})) << "the built-in All Pages trigger";
  EXPECT_EQ(tag["parameter"][0]["value"], "G-ABC123XYZ0") << "the payload's parameters, as they were";
  EXPECT_EQ(command("MoveTask", done_move(), spain_).status, 200);
}

TEST_F(Execution, ACustomEventTriggerIsMadeOnceAndARepeatedRunUpdatesTheSameTag) {
  store_credential("GTM", access_token, refresh_token);
  ASSERT_EQ(execute_consent("CustomEvent").status, 200);
  ASSERT_EQ(execute_consent("CustomEvent").status, 200) << "a second run of the same task";
  const auto container = sandbox_->container("GTM-ABC123");
  EXPECT_EQ(tag_ids_named(container, "GA4 Configuration - Base").size(), 1u) << "never a second tag";
  ASSERT_EQ(container["versions"].size(), 2u);
  const auto& latest = container["versions"][1];
  ASSERT_EQ(latest["trigger"].size(), 1u) << "the trigger came from the first version; none was added";
  EXPECT_EQ(latest["trigger"][0]["name"], "Stradia - GA4 Configuration - Base");
  EXPECT_EQ(latest["trigger"][0]["customEventFilter"][0]["parameter"][1]["value"], "GA4 Configuration - Base");
  EXPECT_EQ(latest["tag"][0]["firingTriggerId"][0], latest["trigger"][0]["triggerId"]);
  bool updated = false;
  for (const auto& call : sandbox_->platform_calls()) updated |= call.rfind("PUT ", 0) == 0;
  EXPECT_TRUE(updated) << "the second run updates the tag by its name";
}

TEST_F(Execution, AnExpiredAccessTokenIsRefreshedSealedAndRecordedAsARotation) {
  store_credential("GTM", access_token, refresh_token);
  sandbox_->faults({{"expire_token_at_call", 1}});
  auto executed = execute_consent();
  ASSERT_EQ(executed.status, 200) << executed.body;
  EXPECT_NE(executed.body.find(R"("type":"TaskExecutionCompleted")"), std::string::npos) << executed.body;
  const auto state = sandbox_->state();
  ASSERT_GE(state["calls"].size(), 2u);
  const auto calls = sandbox_->platform_calls();
  EXPECT_EQ(calls.at(0), calls.at(1)) << "the lookup, repeated with the new token";
  ASSERT_EQ(state["issuedAccessTokens"].size(), 1u) << "one refresh";
  EXPECT_EQ(count_events("VaultCredentialRotated"), 1u);
  for (const auto& e : *store_->read_all(0, 100000)) {
    if (e.event_type() == "VaultCredentialRotated") {
      EXPECT_EQ(e.user_id(), "system");
    }
  }

  // The next run uses the sealed new token: no refresh, and the old one stays refused.
  ASSERT_EQ(execute_consent().status, 200);
  EXPECT_EQ(sandbox_->state()["issuedAccessTokens"].size(), 1u);

  // Nothing the vault holds, nor the refreshed token, is in any answer, event or log line.
  std::vector<std::string> secrets = {access_token, refresh_token, state["issuedAccessTokens"][0]};
  std::ifstream log_in(log_file_);
  std::stringstream log;
  log << log_in.rdbuf();
  auto vault = get("/api/v1/vault", "admin@acme.com");
  answers_.push_back(vault.body);
  for (const auto& secret : secrets) {
    for (const auto& answer : answers_) EXPECT_EQ(answer.find(secret), std::string::npos) << "in an answer";
    for (const auto& e : *store_->read_all(0, 100000))
      EXPECT_EQ(e.SerializeAsString().find(secret), std::string::npos) << "in " << e.event_type();
    EXPECT_EQ(log.str().find(secret), std::string::npos) << "in the server's log";
  }
}

TEST_F(Execution, ARefusedRefreshPausesTheRunAndResumeExecutionFinishesItWithoutASecondTagOrVersion) {
  store_credential("GTM", access_token, refresh_token);
  // The sixth call (create_version) finds the token expired, and Google refuses the refresh.
  sandbox_->faults({{"expire_token_at_call", 6}, {"refuse_refresh", true}});
  auto paused = execute_consent();
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_NE(paused.body.find(R"("type":"TaskExecutionPaused")"), std::string::npos) << paused.body;
  EXPECT_NE(paused.body.find(R"("checkpoint_state":"")"), std::string::npos) << "kept, but never shown";
  EXPECT_NE(paused.body.find("could not be refreshed"), std::string::npos) << paused.body;
  EXPECT_EQ(code_of(command("MoveTask", done_move(), spain_)), "EXECUTION_REQUIRED");
  const auto drawer = get("/api/v1/tasks/" + consent_task_, "spain@acme.com");
  EXPECT_EQ(drawer.body.find("checkpoint"), std::string::npos) << drawer.body;
  const auto before = sandbox_->platform_calls().size();
  EXPECT_EQ(before, 6u);

  auto not_holder =
      command("ResumeExecution", json{{"local_task_id", consent_task_}}.dump(), token("supervisor@acme.com"));
  EXPECT_EQ(code_of(not_holder), "TASK_LOCKED") << not_holder.body;

  // A new credential, then the run goes on from where it stopped.
  store_credential("GTM", "ya29.e2e-new-access-token", "1//e2e-new-refresh-token");
  sandbox_->faults({{"refuse_refresh", false}});
  auto resumed = run("ResumeExecution", json{{"local_task_id", consent_task_}}.dump(), spain_);
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_NE(resumed.body.find(R"("type":"TaskExecutionResumed")"), std::string::npos) << resumed.body;
  EXPECT_NE(resumed.body.find(R"("type":"TaskExecutionCompleted")"), std::string::npos) << resumed.body;
  const auto after = sandbox_->platform_calls(before);
  ASSERT_EQ(after.size(), 2u) << ::testing::PrintToString(after);
  EXPECT_EQ(after[0], "POST " + container_path + "/workspaces/2:create_version");
  EXPECT_EQ(after[1].rfind("POST " + container_path + "/versions/1:publish", 0), 0u) << after[1];
  const auto container = sandbox_->container("GTM-ABC123");
  EXPECT_EQ(tag_ids_named(container, "GA4 Configuration - Base").size(), 1u);
  EXPECT_EQ(container["versions"].size(), 1u);
  EXPECT_EQ(container["liveVersionId"], "1");
  EXPECT_EQ(command("MoveTask", done_move(), spain_).status, 200);

  auto again = command("ResumeExecution", json{{"local_task_id", consent_task_}}.dump(), spain_);
  EXPECT_EQ(code_of(again), "STATUS_CONFLICT") << again.body;
}

TEST_F(Execution, A429IsRetriedAndTheRunSucceeds) {
  store_credential("GTM", access_token, refresh_token);
  sandbox_->faults({{"rate_limited", 1}});
  auto executed = execute_consent();
  ASSERT_EQ(executed.status, 200) << executed.body;
  EXPECT_NE(executed.body.find(R"("http_status":200)"), std::string::npos) << executed.body;
  const auto calls = sandbox_->state()["calls"];
  EXPECT_EQ(calls[0]["status"], 429);
  EXPECT_EQ(calls[1]["status"], 200);
  EXPECT_EQ(calls[0]["path"], calls[1]["path"]);
}

TEST_F(Execution, AFailVerdictBlocksTheRunAndAPayloadOffItsSchemaIsRefusedWithPaths) {
  store_credential("GTM", access_token, refresh_token);
  auto off_schema = command("UpdateExecutionPayload",
                            json{{"local_task_id", consent_task_},
                                 {"execution_payload", {{"action", "DELETE_ALL"}, {"platform", "GTM"}, {"schema", 7}}}}
                                .dump(),
                            spain_);
  ASSERT_EQ(off_schema.status, 422) << off_schema.body;
  EXPECT_NE(off_schema.body.find(R"("path":"execution_payload.action")"), std::string::npos) << off_schema.body;
  EXPECT_NE(off_schema.body.find(R"("path":"execution_payload.schema")"), std::string::npos) << off_schema.body;

  auto marked = command("UpdateExecutionPayload",
                        json{{"local_task_id", consent_task_},
                             {"execution_payload",
                              {{"action", "CREATE_TAG"},
                               {"platform", "GTM"},
                               {"schema", {{"name", "SANDBOX_FAIL tag"}, {"type", "html"}}}}}}
                            .dump(),
                        spain_);
  ASSERT_EQ(marked.status, 200) << marked.body;
  auto scanned = command("RequestPreFlightScan", json{{"local_task_id", consent_task_}}.dump(), spain_);
  ASSERT_EQ(scanned.status, 200) << scanned.body;
  EXPECT_NE(scanned.body.find(R"("status":"FAILED")"), std::string::npos) << scanned.body;
  EXPECT_NE(scanned.body.find("SANDBOX_FAIL"), std::string::npos) << "the findings say why";
  auto blocked = execute_consent();
  EXPECT_EQ(code_of(blocked), "PREFLIGHT_REQUIRED") << blocked.body;
  EXPECT_TRUE(sandbox_->platform_calls().empty()) << "nothing reached Tag Manager";
}

TEST_F(Execution, AGa4TaskFindsItsDataStreamAndAddsTheCustomDimensionOnce) {
  store_credential("GA4", access_token, refresh_token);
  auto created = command("CreateCustomLocalTask",
                         json{{"local_board_id", spain_board_},
                              {"title", "Plan tier dimension"},
                              {"task_type", "C_EXECUTIVE"},
                              {"target_platform", "GA4"}}
                             .dump(),
                         spain_);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto task = json_string_field(created.body, "local_task_id");
  ASSERT_EQ(command("AcquireLock", json{{"local_task_id", task}}.dump(), spain_).status, 200);
  ASSERT_EQ(
      command(
          "UpdateExecutionPayload",
          json{{"local_task_id", task},
               {"execution_payload",
                {{"action", "CREATE_TAG"},
                 {"platform", "GA4"},
                 {"schema", {{"name", "Plan tier"}, {"type", "custom_dimension"}, {"parameter_name", "plan_tier"}}}}}}
              .dump(),
          spain_)
          .status,
      200);
  ASSERT_EQ(command("RequestPreFlightScan", json{{"local_task_id", task}}.dump(), spain_).status, 200);
  const auto execute = json{{"local_task_id", task}, {"measurement_id", "G-ABC123XYZ0"}}.dump();
  auto missing = command("ExecuteTask", json{{"local_task_id", task}}.dump(), spain_);
  EXPECT_EQ(missing.status, 422) << "a GA4 run names its measurement id";
  EXPECT_NE(missing.body.find(R"("path":"measurement_id")"), std::string::npos) << missing.body;
  auto executed = command("ExecuteTask", execute, spain_);
  ASSERT_EQ(executed.status, 200) << executed.body;
  EXPECT_NE(executed.body.find(R"("http_status":200)"), std::string::npos) << executed.body;
  const std::vector<std::string> expected = {
      "GET /v1beta/accountSummaries?pageSize=200",
      "GET /v1beta/properties/400001/dataStreams",
      "GET /v1beta/properties/400001/customDimensions",
      "POST /v1beta/properties/400001/customDimensions",
  };
  EXPECT_EQ(sandbox_->platform_calls(), expected);
  ASSERT_EQ(command("ExecuteTask", execute, spain_).status, 200);
  const auto state = sandbox_->state();
  const auto property = state["analytics"]["properties"][0];
  ASSERT_EQ(property["customDimensions"].size(), 1u) << "the second run finds it and adds none";
  EXPECT_EQ(property["customDimensions"][0]["parameterName"], "plan_tier");
  EXPECT_EQ(property["customDimensions"][0]["scope"], "EVENT");

  auto unknown =
      command("ExecuteTask", json{{"local_task_id", task}, {"measurement_id", "G-ZZZZZZZZZZ"}}.dump(), spain_);
  ASSERT_EQ(unknown.status, 200) << "the platform's answer is recorded";
  EXPECT_NE(unknown.body.find(R"("succeeded":false)"), std::string::npos) << unknown.body;
  EXPECT_NE(unknown.body.find("no web data stream of G-ZZZZZZZZZZ"), std::string::npos) << unknown.body;
}

}  // namespace
}  // namespace stradia::testing
