// The Type C executor in process, against the Google sandbox on loopback and against a
// scripted server that answers like a hostile or broken Google: what it calls, what it
// records, and that nothing it reads can steer it elsewhere.
#include "adapters/google_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/execution_steps.hpp"
#include "adapters/google_json.hpp"
#include "adapters/sandbox/sandbox_server.hpp"
#include "e2e/fake_gemini.hpp"

namespace stradia::testing {
namespace {

using namespace std::chrono_literals;

// The credential as the executor sees it; counts refreshes, may refuse them.
class test_credential final : public commands::platform_credential {
 public:
  explicit test_credential(bool refresh_works) : refresh_works_(refresh_works) {}
  const std::string& access_token() const override { return token_; }
  base::expected<void, std::string> refresh() override {
    ++refreshes;
    if (!refresh_works_) return base::unexpected(std::string("invalid_grant"));
    token_ = "ya29.refreshed";
    return {};
  }
  int refreshes = 0;

 private:
  bool refresh_works_;
  std::string token_ = "ya29.first";
};

class sandbox_on_loopback {
 public:
  sandbox_on_loopback() : sandbox_(adapters::sandbox::sandbox_setup{}) {
    thread_ = std::thread([this] {
      adapters::sandbox::serve_sandbox("127.0.0.1", 0, sandbox_, stop_, [this](unsigned short p) { port_ = p; });
    });
    for (int i = 0; i < 200 && port_ == 0; ++i) std::this_thread::sleep_for(5ms);
  }
  ~sandbox_on_loopback() {
    stop_ = true;
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  adapters::sandbox::google_sandbox& sandbox() { return sandbox_; }

 private:
  adapters::sandbox::google_sandbox sandbox_;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned short> port_{0};
  std::thread thread_;
};

commands::execution_run consent_run(std::string completed_steps = {}) {
  commands::execution_run run;
  run.platform = domain::platforms::GTM;
  run.execution_id = "run-1";
  run.task_title = "Deploy Consent Mode";
  run.execution_payload =
      R"({"action":"CREATE_TAG","platform":"GTM","schema":{"name":"GA4 Configuration - Base","type":"gaawc",)"
      R"("parameter":[{"type":"template","key":"measurementId","value":"G-ABC123XYZ0"}]}})";
  run.parameters.set_container_id("GTM-ABC123");
  run.completed_steps = std::move(completed_steps);
  return run;
}

adapters::google_executor executor_at(const std::string& url) {
  adapters::google_executor_options o;
  o.tag_manager_url = o.analytics_admin_url = url;
  o.retries.first_backoff = 10ms;
  o.deadlines.total = 5s;
  return adapters::google_executor(o);
}

TEST(GoogleExecutor, AFreshRunRecordsEveryStepAndAResumeFromThemCallsNothingAgain) {
  sandbox_on_loopback google;
  auto executor = executor_at(google.url());
  test_credential credential(true);
  const auto answer = executor.execute(consent_run(), credential);
  ASSERT_EQ(answer.http_status, 200) << answer.error_log;
  const auto steps = adapters::execution_steps::parse(answer.steps);
  for (const char* step : {"container", "workspace", "trigger", "tag", "version", "publish"})
    EXPECT_NE(steps.find(step), nullptr) << step;
  EXPECT_EQ(steps.find("tag")->at("created"), "true");
  EXPECT_EQ(credential.refreshes, 0);
  const auto again = executor.execute(consent_run(answer.steps), credential);
  EXPECT_EQ(again.http_status, 200);
  EXPECT_EQ(again.steps, answer.steps) << "every step was done: nothing is called, nothing changes";
}

TEST(GoogleExecutor, A401RefreshesOnceAndASecond401Pauses) {
  sandbox_on_loopback google;
  auto executor = executor_at(google.url());
  google.sandbox().handle({"POST", "/_sandbox/faults", "", "", R"({"expire_token_at_call":3})"});
  test_credential refused(false);
  const auto paused = executor.execute(consent_run(), refused);
  EXPECT_TRUE(paused.paused);
  EXPECT_EQ(refused.refreshes, 1);
  const auto steps = adapters::execution_steps::parse(paused.steps);
  EXPECT_NE(steps.find("container"), nullptr);
  EXPECT_EQ(steps.find("tag"), nullptr) << "stopped at the workspace step";
  EXPECT_NE(paused.error_log.find("workspace: The access token expired and could not be refreshed"), std::string::npos)
      << paused.error_log;
}

TEST(GoogleExecutor, ResourceNamesFromAnAnswerCannotSteerTheNextCall) {
  fake_gemini google;  // a scripted server: it answers whatever it is told to
  google.reply(200, R"({"path":"accounts/1/../../../evil?x=","containerId":"2"})");
  auto executor = executor_at(google.url());
  test_credential credential(true);
  const auto answer = executor.execute(consent_run(), credential);
  EXPECT_EQ(answer.http_status, 502);
  EXPECT_NE(answer.error_log.find("could not be read"), std::string::npos) << answer.error_log;
  EXPECT_EQ(google.requests().size(), 1u) << "no call to the injected path";
  for (const char* bad : {"", "/accounts/1", "accounts//1", "accounts/1/../2", "accounts/1?fingerprint=1", "a b"})
    EXPECT_FALSE(adapters::is_resource_name(bad)) << bad;
  EXPECT_TRUE(adapters::is_resource_name("accounts/6000001/containers/7000001/workspaces/2"));
}

TEST(GoogleExecutor, APayloadWithoutATagAndAnUnreachablePlatformAreClearFailures) {
  sandbox_on_loopback google;
  auto executor = executor_at(google.url());
  test_credential credential(true);
  auto run = consent_run();
  run.execution_payload = R"({"action":"CREATE_TAG"})";
  const auto no_tag = executor.execute(run, credential);
  EXPECT_EQ(no_tag.http_status, 400);
  EXPECT_NE(no_tag.error_log.find("schema.name"), std::string::npos);
  auto down = executor_at("http://127.0.0.1:1");
  const auto unreachable = down.execute(consent_run(), credential);
  EXPECT_EQ(unreachable.http_status, 0) << "no answer: the handler answers 503";
  EXPECT_FALSE(unreachable.paused);
}

TEST(GoogleExecutor, ARunThatLosesThePlatformAfterSomeStepsPausesWithThem) {
  fake_gemini google;  // scripted: the container is found, then Tag Manager is down
  google.reply(200, R"({"path":"accounts/1/containers/2","containerId":"2","publicId":"GTM-ABC123"})");
  for (int i = 0; i < 3; ++i) google.reply(503, R"({"error":{"code":503,"status":"UNAVAILABLE"}})");
  auto executor = executor_at(google.url());
  test_credential credential(true);
  const auto answer = executor.execute(consent_run(), credential);
  EXPECT_TRUE(answer.paused) << "resumable: the container step is not asked again";
  EXPECT_EQ(answer.http_status, 0);
  const auto steps = adapters::execution_steps::parse(answer.steps);
  ASSERT_NE(steps.find("container"), nullptr);
  EXPECT_EQ(steps.find("container")->at("path"), "accounts/1/containers/2");
  EXPECT_EQ(google.requests().size(), 4u) << "the lookup, then the workspace list tried three times";
}

// The GA4 changes besides a custom dimension: a key event made once, a data stream renamed.
TEST(GoogleExecutor, Ga4KeyEventsAreMadeOnceAndOtherChangesPatchTheDataStream) {
  sandbox_on_loopback google;
  auto executor = executor_at(google.url());
  test_credential credential(true);
  commands::execution_run run;
  run.platform = domain::platforms::GA4;
  run.parameters.set_measurement_id("G-ABC123XYZ0");
  run.execution_payload =
      R"({"action":"CREATE_TAG","platform":"GA4","schema":{"name":"Purchase","type":"key_event","event_name":"purchase"}})";
  EXPECT_EQ(executor.execute(run, credential).http_status, 200);
  EXPECT_EQ(executor.execute(run, credential).http_status, 200) << "again: found, not made twice";
  run.execution_payload =
      R"({"action":"UPDATE_TAG","platform":"GA4","schema":{"name":"Retail web","type":"data_stream","default_uri":"https://shop.example"}})";
  const auto patched = executor.execute(run, credential);
  EXPECT_EQ(patched.http_status, 200) << patched.error_log;
  EXPECT_NE(patched.steps.find("displayName,webStreamData.defaultUri"), std::string::npos) << patched.steps;
  const auto state = nlohmann::json::parse(google.sandbox().handle({"GET", "/_sandbox/state", "", "", ""}).body);
  const auto& property = state["analytics"]["properties"][0];
  ASSERT_EQ(property["keyEvents"].size(), 1u);
  EXPECT_EQ(property["keyEvents"][0]["eventName"], "purchase");
  EXPECT_EQ(property["dataStreams"][0]["displayName"], "Retail web");
  EXPECT_EQ(property["dataStreams"][0]["webStreamData"]["defaultUri"], "https://shop.example");
}

TEST(ExecutionSteps, GarbageIsAFreshRunAndTheJsonRoundTrips) {
  for (const char* garbage : {"", "null", "[1,2]", "{\"tag\":7}", "{not json", "{\"tag\":{\"tagId\":5}}"}) {
    const auto steps = adapters::execution_steps::parse(garbage);
    EXPECT_TRUE(steps.find("tag") == nullptr || steps.find("tag")->empty()) << garbage;
  }
  adapters::execution_steps steps;
  steps.record("container", {{"path", "accounts/1/containers/2"}, {"note", "quote \" and \\ back"}});
  const auto back = adapters::execution_steps::parse(steps.json());
  ASSERT_NE(back.find("container"), nullptr);
  EXPECT_EQ(back.find("container")->at("note"), "quote \" and \\ back");
  EXPECT_EQ(back.json(), steps.json());
}

}  // namespace
}  // namespace stradia::testing
