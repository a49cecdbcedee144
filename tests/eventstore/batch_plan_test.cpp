// The group-commit planner without a database: who is written, who is a retry, who fails.
#include "eventstore/batch_plan.hpp"

#include <gtest/gtest.h>

#include "eventstore/sql_literals.hpp"

namespace stradia::testing {
namespace {

using namespace eventstore;

const std::string tenant = "5b0d8a56-6a2e-4c49-9e1c-0d6a7d3b2a01";
const std::string other_tenant = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

event_to_append event(std::string id, std::string payload = "p") {
  event_to_append e;
  e.event_id = std::move(id);
  e.event_type = "TaskMoved";
  e.payload = std::move(payload);
  return e;
}

std::string id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

append_request request(std::string stream, expected_version expected, std::vector<event_to_append> events,
                       std::string tenant_id = tenant) {
  return append_request{std::move(tenant_id), {stream_append{std::move(stream), expected, std::move(events), {}}}};
}

TEST(BatchPlan, AppendsToTheSameStreamInOneBatchSeeEachOther) {
  std::vector<append_request> batch{request("s", expected_version::no_stream(), {event(id(1))}),
                                    request("s", expected_version::exact(1), {event(id(2))}),
                                    request("s", expected_version::exact(1), {event(id(3))})};
  auto plan = plan_batch(batch, {}, {});
  ASSERT_EQ(plan.rows.size(), 2u);
  EXPECT_EQ(plan.rows[1].stream_version, 2);
  ASSERT_TRUE(plan.decided[2].has_value());
  EXPECT_EQ(plan.decided[2]->error().code, store_errc::version_conflict);
  auto outcomes = complete_batch(batch, plan, {10, 11});
  EXPECT_EQ(outcomes[0]->first_position, 10);
  EXPECT_EQ(outcomes[1]->streams[0].first_version, 2);
  EXPECT_FALSE(outcomes[2].has_value());
}

TEST(BatchPlan, AStreamOfAnotherTenantIsRefusedAsForeign) {
  auto plan = plan_batch({request("s", expected_version::any(), {event(id(1))})}, {{"s", {other_tenant, 3}}}, {});
  EXPECT_TRUE(plan.rows.empty());
  EXPECT_EQ(plan.decided[0]->error().code, store_errc::foreign_stream);
}

TEST(BatchPlan, ARetryOfARecordedAppendReturnsItsOriginalPositions) {
  const auto e = event(id(1));
  std::map<std::string, recorded_digest> recorded{{id(1), {"s", tenant, 4, "TaskMoved", md5_hex("p"), 99}}};
  auto plan = plan_batch({request("s", expected_version::exact(3), {e})}, {{"s", {tenant, 4}}}, recorded);
  ASSERT_TRUE(plan.decided[0].has_value());
  const auto& retry = plan.decided[0]->value();
  EXPECT_TRUE(retry.already_recorded);
  EXPECT_EQ(retry.first_position, 99);
  EXPECT_EQ(retry.streams[0].first_version, 4);
}

TEST(BatchPlan, ARetryWithinTheSameBatchIsTheFirstAppendsResult) {
  std::vector<append_request> batch{request("s", expected_version::no_stream(), {event(id(1))}),
                                    request("s", expected_version::no_stream(), {event(id(1))})};
  auto plan = plan_batch(batch, {}, {});
  ASSERT_EQ(plan.rows.size(), 1u);
  auto outcomes = complete_batch(batch, plan, {7});
  ASSERT_TRUE(outcomes[1].has_value());
  EXPECT_TRUE(outcomes[1]->already_recorded);
  EXPECT_EQ(outcomes[1]->first_position, 7);
}

TEST(BatchPlan, OtherContentUnderARecordedIdIsAnEventIdConflict) {
  std::map<std::string, recorded_digest> recorded{{id(1), {"s", tenant, 1, "TaskMoved", md5_hex("p"), 5}}};
  auto changed = plan_batch({request("s", expected_version::any(), {event(id(1), "changed")})}, {}, recorded);
  EXPECT_EQ(changed.decided[0]->error().code, store_errc::event_id_conflict);
  auto partly = plan_batch({request("s", expected_version::any(), {event(id(1)), event(id(2))})}, {}, recorded);
  EXPECT_EQ(partly.decided[0]->error().code, store_errc::event_id_conflict);
}

TEST(BatchPlan, ValidationNormalizesIdsAndRefusesBadShapes) {
  auto upper = request("s", expected_version::any(), {event("AAAAAAAA-0000-4000-8000-000000000001")});
  auto ok = validated(upper);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->streams[0].events[0].event_id, "aaaaaaaa-0000-4000-8000-000000000001");
  EXPECT_FALSE(validated(request("s", expected_version::any(), {event(id(1)), event(id(1))})).has_value());
  EXPECT_FALSE(validated(request("s", expected_version::any(), {})).has_value());
  EXPECT_FALSE(validated(request(std::string(201, 's'), expected_version::any(), {event(id(1))})).has_value());
  EXPECT_FALSE(validated(request("s\x01", expected_version::any(), {event(id(1))})).has_value());
}

TEST(SqlLiterals, ArrayElementsAreQuotedAndEscaped) {
  array_literal a;
  a.add_text(R"(a "quoted" \ value)");
  a.add_raw("42");
  a.add_bytea(std::string("\x00\xff", 2));
  EXPECT_EQ(a.finish(), R"({"a \"quoted\" \\ value",42,"\\x00ff"})");
}

}  // namespace
}  // namespace stradia::testing
