// The command handlers' own rules, on the in-memory event log (no database): a command
// that loses a race decides again on the newer state; the streams of one command are
// recorded together or not at all; the stream cache reads only what it has not seen;
// an email is held by one tenant at a time.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "commands/command_service.hpp"
#include "commands/system_zone_catalog.hpp"
#include "domain/stream_ids.hpp"
#include "random_uuid.hpp"
#include "support/in_memory_event_log.hpp"

namespace stradia::testing {
namespace {

using domain::errc;
using domain::roles;

class HandlerRules : public ::testing::Test {
 protected:
  void SetUp() override {
    zones_ = *commands::load_system_zone_catalog();
    service_ = std::make_unique<commands::command_service>(
        log_,
        commands::command_service_options{
            [] { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); },
            &zones_, 8});
    create_tenant(tenant_, 1);
    admin_ = invite(tenant_, "admin@acme.com").value();
  }

  void create_tenant(const std::string& id, int markets) {
    tenant::v1::CreateTenant t;
    t.set_tenant_id(id);
    t.set_name("Tenant " + id);
    t.set_active_markets_limit(markets);
    t.set_user_seat_limit(25);
    t.set_ai_token_quota(100000);
    ASSERT_TRUE(service_->create_tenant(domain::system_caller(id), t).has_value());
  }

  commands::command_result invite_result(const std::string& tenant, const std::string& email) {
    user::v1::InviteUser c;
    c.set_email(email);
    c.set_role(roles::GLOBAL_ADMIN);
    c.set_password_hash("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
    return service_->invite_user(domain::system_caller(tenant), c);
  }

  std::optional<domain::caller> invite(const std::string& tenant, const std::string& email) {
    auto r = invite_result(tenant, email);
    if (!r) return std::nullopt;
    return domain::caller{r->created.at(0).second, tenant, roles::GLOBAL_ADMIN, {}, false};
  }

  commands::command_result create_market(const std::string& name) {
    market::v1::CreateMarket c;
    c.set_name(name);
    c.set_region_code("ES");
    c.set_timezone("Europe/Madrid");
    return service_->create_market(admin_, c);
  }

  in_memory_event_log log_;
  domain::zone_catalog zones_;
  std::unique_ptr<commands::command_service> service_;
  std::string tenant_ = random_uuid();
  domain::caller admin_;
};

TEST_F(HandlerRules, ACommandThatLosesARaceDecidesAgainOnTheNewerState) {
  // The tenant may run one market. Between the first command's decision and its append,
  // another takes the slot: the first must not be recorded on the stale decision.
  std::optional<commands::command_result> racer;
  log_.before_next_append([&] { racer = create_market("Spain"); });
  const auto late = create_market("France");
  ASSERT_TRUE(racer && racer->has_value());
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().error.code, errc::market_limit_reached);
  int created = 0;
  for (const auto& e : log_.all()) created += e.event_type() == "MarketCreated";
  EXPECT_EQ(created, 1);
}

TEST_F(HandlerRules, ARaceWithRoomForBothRecordsBoth) {
  create_tenant(random_uuid(), 1);  // another tenant's append changes nothing here
  tenant::v1::UpdateTenantPlan plan;
  plan.set_active_markets_limit(5);
  ASSERT_TRUE(service_->update_tenant_plan(domain::system_caller(tenant_), plan).has_value());
  std::optional<commands::command_result> racer;
  log_.before_next_append([&] { racer = create_market("Spain"); });
  const auto late = create_market("France");
  ASSERT_TRUE(racer && racer->has_value());
  ASSERT_TRUE(late.has_value()) << late.error().error.detail;
  EXPECT_NE((*racer)->created.at(0).second, late->created.at(0).second);
}

TEST_F(HandlerRules, TheStreamsOfOneCommandAreRecordedTogetherOrNotAtAll) {
  const auto before = log_.all().size();
  const auto market = create_market("Spain");
  ASSERT_TRUE(market.has_value());
  const auto after = log_.all();
  ASSERT_GT(after.size(), before + 1);  // the market's stream and the tenant's
  std::set<std::string> streams;
  for (std::size_t i = before; i < after.size(); ++i) {
    streams.insert(after[i].stream_id());
    EXPECT_EQ(after[i].correlation_id(), after[before].correlation_id());
    EXPECT_EQ(after[i].global_position(), static_cast<std::int64_t>(i + 1));
  }
  EXPECT_TRUE(streams.count(domain::stream_ids::tenant(tenant_)));
  // Refused (the one market slot is taken): nothing of it is recorded, on any stream.
  const auto refused = create_market("France");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(log_.all().size(), after.size());
}

TEST_F(HandlerRules, TheStreamCacheReadsOnlyWhatItHasNotSeen) {
  const auto tenant_stream = domain::stream_ids::tenant(tenant_);
  ASSERT_TRUE(create_market("Spain").has_value());
  std::size_t length = 0;
  for (const auto& e : log_.all()) length += e.stream_id() == tenant_stream;
  ASSERT_GE(length, 3u);
  tenant::v1::UpdateTenantPlan plan;
  plan.set_user_seat_limit(30);
  const auto before = log_.events_read(tenant_stream);
  ASSERT_TRUE(service_->update_tenant_plan(domain::system_caller(tenant_), plan).has_value());
  EXPECT_LT(log_.events_read(tenant_stream) - before, length) << "the tenant's stream was read from its start again";
  // A fresh service (another process) has no cache: it reads the whole stream once.
  commands::command_service fresh(
      log_,
      commands::command_service_options{
          [] { return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()); },
          &zones_, 8});
  plan.set_user_seat_limit(31);
  const auto cold = log_.events_read(tenant_stream);
  ASSERT_TRUE(fresh.update_tenant_plan(domain::system_caller(tenant_), plan).has_value());
  EXPECT_EQ(log_.events_read(tenant_stream) - cold, length + 1);
}

TEST_F(HandlerRules, AnEmailIsHeldByOneTenantAtATime) {
  const auto globex = random_uuid();
  create_tenant(globex, 1);
  const auto taken = invite_result(globex, "ADMIN@acme.com");
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().error.code, errc::email_taken);
  // Racing invites of a new email from two tenants: the one that appends second loses.
  std::optional<commands::command_result> first;
  log_.before_next_append([&] { first = invite_result(tenant_, "spain@acme.com"); });
  const auto second = invite_result(globex, "spain@acme.com");
  ASSERT_TRUE(first && first->has_value());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().error.code, errc::email_taken);
}

TEST_F(HandlerRules, AnotherTenantsStreamIsForeign) {
  // Globex creates a market; Acme names the same id for a market of its own. As Acme the
  // stream reads as empty, so the decision is to create it, and the append is refused as
  // foreign: NOT_FOUND, nothing recorded, no retry that could land anywhere else.
  const auto globex = random_uuid();
  create_tenant(globex, 1);
  const auto globex_admin = invite(globex, "admin@globex.com").value();
  const auto market_id = random_uuid();
  market::v1::CreateMarket germany;
  germany.set_market_id(market_id);
  germany.set_name("Germany - Retail");
  germany.set_region_code("DE");
  germany.set_timezone("Europe/Berlin");
  ASSERT_TRUE(service_->create_market(globex_admin, germany).has_value());
  const auto before = log_.all().size();
  market::v1::CreateMarket taken = germany;
  taken.set_name("Spain - Retail");
  const auto refused = service_->create_market(admin_, taken);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().error.code, errc::not_found);
  EXPECT_FALSE(refused.error().raced);
  EXPECT_EQ(log_.all().size(), before);
}

}  // namespace
}  // namespace stradia::testing

namespace stradia::testing {
namespace {

// The payload rules as the JSON work does them: the task's schema (draft 7) and the model's
// ExecuteTypeCTaskSchema rules wherever the payload names their fields.
TEST(PayloadRules, ASchemaAndTheModelsIdRulesGiveOneProblemPerPath) {
  const commands::payload_schema_rules rules;
  const std::string schema =
      R"({"type":"object","required":["action","platform"],"properties":{"action":{"enum":["CREATE_TAG","UPDATE_TAG"]},)"
      R"("platform":{"enum":["GTM","GA4"]},"schema":{"type":"object","required":["name"]}}})";
  EXPECT_TRUE(rules.problems(schema, R"({"action":"CREATE_TAG","platform":"GTM","schema":{"name":"Base"}})").empty());
  const auto wrong = rules.problems(
      schema,
      R"({"action":"DROP_TAG","platform":"GTM","schema":{"parameter":[{"key":"measurementId","value":"G-123"}]},)"
      R"("container_id":"gtm-lower","trigger_type":"Page View"})");
  std::map<std::string, std::string> by_path;
  for (const auto& p : wrong) by_path[p.path] = p.message;
  EXPECT_TRUE(by_path.count("execution_payload.action")) << "not in the enum";
  EXPECT_TRUE(by_path.count("execution_payload.schema")) << "name is required there";
  EXPECT_EQ(by_path["execution_payload.schema.parameter.0.value"], "Must be a valid GA4 Measurement ID.");
  EXPECT_EQ(by_path["execution_payload.container_id"], "Must be a valid GTM Container ID.");
  EXPECT_EQ(by_path["execution_payload.trigger_type"],
            "Invalid enum value. Expected 'All Pages' | 'CustomEvent', received 'Page View'");
  EXPECT_EQ(rules.problems("", "[1,2]").at(0).message, "Expected a JSON object.");
  EXPECT_TRUE(rules.problems("", R"({"measurementId":"G-ABC123XYZ0"})").empty()) << "no schema: the id rules only";
  EXPECT_TRUE(rules.problems("{not json", R"({"anything":1})").empty()) << "an unreadable schema constrains nothing";
}

}  // namespace
}  // namespace stradia::testing
