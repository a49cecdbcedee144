#include <gtest/gtest.h>

#include "gateway/command_parser.hpp"
#include "gateway/problem.hpp"
#include "strategy.pb.h"
#include "task.pb.h"
#include "tenant.pb.h"
#include "user.pb.h"

namespace stradia::testing {
namespace {

gateway::parsed_message parse(std::string_view body) {
  return gateway::parse_command(body, task::v1::MoveTask::default_instance());
}

TEST(CommandParser, ReadsFieldsAndEnumsByTheirDomainNames) {
  auto parsed = parse(R"({"local_task_id":"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001","new_status":"DONE",)"
                      R"("expected_previous_status":"IN_PROGRESS","expected_version":7})");
  ASSERT_TRUE(parsed.has_value());
  const auto& m = static_cast<const task::v1::MoveTask&>(**parsed);
  EXPECT_EQ(m.local_task_id(), "6ebf5172-93a4-4ecf-9041-5c6d7e8f0001");
  EXPECT_EQ(m.new_status(), common::v1::TaskStatus::DONE);
  EXPECT_EQ(m.expected_previous_status(), common::v1::TaskStatus::IN_PROGRESS);
  ASSERT_TRUE(m.has_expected_version());
  EXPECT_EQ(m.expected_version(), 7);
}

TEST(CommandParser, UnknownMembersAndWrongTypesAre400ValidationFailedNamingThem) {
  auto unknown = parse(R"({"local_task_id":"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001","admin":true,"root":1})");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, gateway::problem_code::validation_failed);
  EXPECT_EQ(unknown.error().status, 400);
  ASSERT_EQ(unknown.error().errors.size(), 2u);
  EXPECT_EQ(unknown.error().errors.at(0).path, "admin");
  EXPECT_EQ(unknown.error().errors.at(0).message, "Unrecognized key 'admin'");
  EXPECT_EQ(unknown.error().errors.at(1).path, "root");
  const auto answer = gateway::problem(unknown.error().code, unknown.error().detail, unknown.error().errors, 400);
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find(R"("status":400)"), std::string::npos) << answer.body;
  EXPECT_EQ(answer.body.find("not valid JSON"), std::string::npos) << answer.body;
  auto wrong = parse(R"({"expected_version":"7"})");
  EXPECT_EQ(wrong.error().code, gateway::problem_code::validation_failed);
  EXPECT_EQ(wrong.error().status, 400);
  EXPECT_EQ(wrong.error().errors.at(0).message, "Expected number, received string");
  EXPECT_EQ(parse(R"({"expected_version":1.5})").error().errors.at(0).message, "Expected integer, received float");
  for (const char* broken : {"", "[]", "{", R"({"a":})", "nul", "\"str\""}) {
    auto r = parse(broken);
    ASSERT_FALSE(r.has_value()) << broken;
    EXPECT_EQ(r.error().code, gateway::problem_code::malformed_json) << broken;
  }
}

TEST(CommandParser, AnUnknownEnumValueIsAValidationError) {
  auto r = parse(R"({"new_status":"FINISHED"})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, gateway::problem_code::validation_failed);
  EXPECT_EQ(r.error().errors.at(0).message,
            "Invalid enum value. Expected 'TODO' | 'IN_PROGRESS' | 'BLOCKED' | 'DONE', received 'FINISHED'");
  EXPECT_FALSE(parse(R"({"new_status":"UNSPECIFIED"})").has_value());
}

TEST(CommandParser, ReadsNestedObjectsAndStringArrays) {
  auto task = gateway::parse_command(R"({"master_strategy_id":"4c9e3f50-7182-4cad-9e2f-3a4b5c6d0001",)"
                                     R"("task":{"title":"T","weight":5,"task_type":"C_EXECUTIVE"}})",
                                     strategy::v1::AddGlobalTask::default_instance());
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(static_cast<const strategy::v1::AddGlobalTask&>(**task).task().weight(), 5);
  auto nested_unknown =
      gateway::parse_command(R"({"task":{"hidden":1}})", strategy::v1::AddGlobalTask::default_instance());
  EXPECT_FALSE(nested_unknown.has_value());
  auto publish = gateway::parse_command(
      R"({"master_strategy_id":"4c9e3f50-7182-4cad-9e2f-3a4b5c6d0001",)"
      R"("market_ids":["2a7c1d3e-5f60-4a8b-9c0d-1e2f3a4b0001","2a7c1d3e-5f60-4a8b-9c0d-1e2f3a4b0002"]})",
      strategy::v1::PublishMasterStrategy::default_instance());
  ASSERT_TRUE(publish.has_value());
  EXPECT_EQ(static_cast<const strategy::v1::PublishMasterStrategy&>(**publish).market_ids_size(), 2);
}

// API.md §3: ids a client chooses are lowercase hyphenated UUIDs, or 422 naming the field.
TEST(CommandParser, IdsAreLowercaseUuidsAtTheDoor) {
  for (const char* id : {"poison-1", "6EBF5172-93A4-4ECF-9041-5C6D7E8F0001", "6ebf5172-93a4-4ecf-9041-5c6d7e8f000",
                         "6ebf5172x93a4-4ecf-9041-5c6d7e8f0001", "' OR 1=1 --"}) {
    auto r = parse(std::string(R"({"local_task_id":")") + id + R"(","new_status":"DONE"})");
    ASSERT_FALSE(r.has_value()) << id;
    EXPECT_EQ(r.error().code, gateway::problem_code::validation_failed) << id;
    ASSERT_EQ(r.error().errors.size(), 1u) << id;
    EXPECT_EQ(r.error().errors[0].path, "local_task_id");
    EXPECT_EQ(r.error().errors[0].message, "Invalid uuid");
  }
  auto nested = gateway::parse_command(R"({"master_strategy_id":"4c9e3f50-7182-4cad-9e2f-3a4b5c6d0001",)"
                                       R"("market_ids":["2a7c1d3e-5f60-4a8b-9c0d-1e2f3a4b0001","Spain"]})",
                                       strategy::v1::PublishMasterStrategy::default_instance());
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error().errors.at(0).path, "market_ids.1");
  auto in_task = gateway::parse_command(R"({"master_strategy_id":"4c9e3f50-7182-4cad-9e2f-3a4b5c6d0001",)"
                                        R"("task":{"global_task_id":"gt-1","title":"T"}})",
                                        strategy::v1::AddGlobalTask::default_instance());
  ASSERT_FALSE(in_task.has_value());
  EXPECT_EQ(in_task.error().errors.at(0).path, "task.global_task_id");
}

TEST(CommandParser, ForeignIdsKeepTheirOwnFormats) {
  auto r = gateway::parse_command(
      R"({"local_task_id":"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001","measurement_id":"G-ABC123","container_id":"GTM-XYZ"})",
      task::v1::ExecuteTask::default_instance());
  EXPECT_TRUE(r.has_value());
}

TEST(CommandParser, ControlCharactersInTextAreRefused) {
  auto r = gateway::parse_command(
      R"({"local_task_id":"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001","content":"before\u0000after"})",
      task::v1::AddTaskNote::default_instance());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, gateway::problem_code::validation_failed);
  EXPECT_EQ(r.error().errors.at(0).path, "content");
  auto lines = gateway::parse_command(
      R"({"local_task_id":"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001","content":"line one\nline two\ttabbed"})",
      task::v1::AddTaskNote::default_instance());
  EXPECT_TRUE(lines.has_value());
}

TEST(CommandParser, NothingMayFollowTheObject) {
  for (const char* body : {R"({"local_task_id":"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001"}{})",
                           R"({"local_task_id":"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001"} garbage)"}) {
    auto r = gateway::parse_command(body, task::v1::AcquireLock::default_instance());
    ASSERT_FALSE(r.has_value()) << body;
    EXPECT_EQ(r.error().code, gateway::problem_code::malformed_json) << body;
  }
  EXPECT_TRUE(gateway::parse_command("{\"local_task_id\":\"6ebf5172-93a4-4ecf-9041-5c6d7e8f0001\"}  \n",
                                     task::v1::AcquireLock::default_instance())
                  .has_value());
}

TEST(CommandParser, HiddenFieldsCannotBeSetByClients) {
  auto r =
      gateway::parse_command(R"({"password_hash":"x"})", user::v1::InviteUser::default_instance(), {"password_hash"});
  EXPECT_FALSE(r.has_value());
}

TEST(Problems, EveryCodeOfTheContractHasItsStatus) {
  const std::vector<std::pair<std::string_view, int>> table{{"MALFORMED_JSON", 400},
                                                            {"BAD_REQUEST", 400},
                                                            {"METHOD_NOT_ALLOWED", 405},
                                                            {"UNKNOWN_COMMAND", 400},
                                                            {"UNAUTHENTICATED", 401},
                                                            {"FORBIDDEN", 403},
                                                            {"NOT_FOUND", 404},
                                                            {"VERSION_CONFLICT", 409},
                                                            {"STATUS_CONFLICT", 409},
                                                            {"TASK_LOCKED", 409},
                                                            {"PAYLOAD_TOO_LARGE", 413},
                                                            {"VALIDATION_FAILED", 422},
                                                            {"LAST_ADMIN", 422},
                                                            {"MARKET_LIMIT_REACHED", 422},
                                                            {"SEAT_LIMIT_REACHED", 422},
                                                            {"TOKEN_QUOTA_EXCEEDED", 422},
                                                            {"EXECUTION_REQUIRED", 422},
                                                            {"PREFLIGHT_REQUIRED", 422},
                                                            {"LOCK_REQUIRED", 422},
                                                            {"CREDENTIAL_MISSING", 422},
                                                            {"CREDENTIAL_REVOKED", 422},
                                                            {"RATE_LIMITED", 429},
                                                            {"EMAIL_TAKEN", 409},
                                                            {"IDEMPOTENCY_KEY_IN_USE", 409},
                                                            {"IDEMPOTENCY_KEY_REUSED", 422},
                                                            {"INTERNAL", 500},
                                                            {"SERVICE_UNAVAILABLE", 503},
                                                            {"READ_MODEL_BEHIND", 504}};
  ASSERT_EQ(table.size(), static_cast<std::size_t>(gateway::problem_code_count));
  for (int i = 0; i < gateway::problem_code_count; ++i) {
    const auto code = static_cast<gateway::problem_code>(i);
    const auto name = gateway::code_name(code);
    const auto row = std::find_if(table.begin(), table.end(), [&](const auto& r) { return r.first == name; });
    ASSERT_NE(row, table.end()) << name << " is not in the contract";
    EXPECT_EQ(gateway::status_of(code), row->second) << name;
    const auto p = gateway::problem(code, "detail");
    EXPECT_EQ(p.status, row->second);
    EXPECT_EQ(p.content_type, "application/problem+json");
    EXPECT_NE(p.body.find("\"type\":\"https://stradia.dev/errors/" + std::string(name) + "\""), std::string::npos);
  }
}

}  // namespace
}  // namespace stradia::testing

namespace stradia::testing {
namespace {

TEST(CommandParser, AMissingOrNullRequiredMemberIsRequiredAsZodSaysIt) {
  const std::vector<std::string> required{"policy_text", "platform"};
  auto missing = gateway::parse_command(R"({"platform":null})", tenant::v1::CreateGovernancePolicy::default_instance(),
                                        {}, required);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, gateway::problem_code::validation_failed);
  EXPECT_EQ(missing.error().status, 0) << "422, as the model's rules";
  ASSERT_EQ(missing.error().errors.size(), 2u);
  EXPECT_EQ(missing.error().errors[0].path, "policy_text");
  EXPECT_EQ(missing.error().errors[0].message, "Required");
  EXPECT_EQ(missing.error().errors[1].path, "platform");
  EXPECT_TRUE(gateway::parse_command(R"({"policy_text":"Never send PII.","platform":"GA4"})",
                                     tenant::v1::CreateGovernancePolicy::default_instance(), {}, required)
                  .has_value());
}

}  // namespace
}  // namespace stradia::testing
