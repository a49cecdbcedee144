#include "domain/master_strategy.hpp"

#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace ms = domain::master_strategy;
namespace pb = stradia::strategy::v1;
using domain::errc;
using domain::task_types;

ms::state apply(ms::state s, const ms::command& c, const domain::context& ctx) {
  auto d = ms::decide(s, c, ctx);
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().error.detail);
  return d ? fold(std::move(s), *d, ms::evolve) : s;
}

domain::global_task task(std::string id, domain::task_type type, int order, int weight = 0) {
  domain::global_task t;
  t.set_global_task_id(std::move(id));
  t.set_task_type(type);
  t.set_title(type == task_types::A_MANUAL ? "Review Privacy Law" : "Deploy Consent Mode");
  t.set_order_index(order);
  t.set_weight(weight);
  t.set_target_platform(type == task_types::C_EXECUTIVE ? domain::platforms::GTM : domain::platforms::NONE);
  return t;
}

pb::AddGlobalTask add(domain::global_task t) {
  pb::AddGlobalTask c;
  *c.mutable_task() = std::move(t);
  return c;
}

pb::PublishMasterStrategy publish_to(std::vector<std::string> markets) {
  pb::PublishMasterStrategy c;
  for (auto& m : markets) c.add_market_ids(m);
  return c;
}

// The playground's "Data Layer Baseline 2026".
ms::state baseline(const domain::context& ctx) {
  pb::CreateMasterStrategy c;
  c.set_master_strategy_id(strategy_id);
  c.set_title("Data Layer Baseline 2026");
  auto s = apply({}, c, ctx);
  s = apply(s, add(task("00000000-0000-4000-9000-000000000001", task_types::A_MANUAL, 0)), ctx);
  return apply(s, add(task("00000000-0000-4000-9000-000000000002", task_types::C_EXECUTIVE, 1, 5)), ctx);
}

TEST(MasterStrategy, StartsAsUnpublishedVersionOne) {
  auto s = baseline(context_for(as_admin()));
  EXPECT_EQ(s.version, 1);
  EXPECT_FALSE(s.is_published);
  EXPECT_EQ(s.tasks.at("00000000-0000-4000-9000-000000000001").weight(), 1);  // default weight
  EXPECT_EQ(s.tasks.at("00000000-0000-4000-9000-000000000002").weight(), 5);
}

TEST(MasterStrategy, OnlyGlobalAdminsManageStrategies) {
  pb::CreateMasterStrategy c;
  c.set_title("Mine");
  for (auto who : {as_supervisor(), as_spain_user(), as_auditor()})
    EXPECT_EQ(refusal_code(ms::decide({}, c, context_for(who))), errc::forbidden);
}

TEST(MasterStrategy, ExecutiveTasksTargetAPlatform) {
  auto t = task("00000000-0000-4000-9000-000000000003", task_types::C_EXECUTIVE, 2);
  t.set_target_platform(domain::platforms::NONE);
  auto errors = field_errors(ms::decide(baseline(context_for(as_admin())), add(t), context_for(as_admin())));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "target_platform");
}

TEST(MasterStrategy, FirstPublishDeploysVersionOneToEveryChosenMarket) {
  auto ctx = context_for(as_admin());
  auto d = ms::decide(baseline(ctx), publish_to({spain_market_id, france_market_id}), ctx);
  ASSERT_TRUE(d.has_value());
  ASSERT_EQ(d->size(), 3u);
  const auto& published = std::get<pb::MasterStrategyPublished>((*d)[0]);
  EXPECT_EQ(published.version(), 1);
  ASSERT_EQ(published.tasks_size(), 2);
  EXPECT_EQ(published.tasks(0).title(), "Review Privacy Law");  // in order_index order
  EXPECT_EQ(std::get<pb::StrategyDeployedToMarket>((*d)[1]).market_id(), spain_market_id);
  EXPECT_NE(std::get<pb::StrategyDeployedToMarket>((*d)[1]).local_board_id(),
            std::get<pb::StrategyDeployedToMarket>((*d)[2]).local_board_id());
}

TEST(MasterStrategy, LaterPublishBumpsTheVersionAndKeepsTheMarketsBoard) {
  auto ctx = context_for(as_admin());
  auto s = apply(baseline(ctx), publish_to({spain_market_id}), ctx);
  const auto board = s.boards.at(spain_market_id);
  s = apply(s, add(task("00000000-0000-4000-9000-000000000003", task_types::A_MANUAL, 2)), ctx);
  auto d = ms::decide(s, publish_to({spain_market_id}), ctx);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<pb::MasterStrategyPublished>((*d)[0]).version(), 2);
  EXPECT_EQ(std::get<pb::StrategyDeployedToMarket>((*d)[1]).local_board_id(), board);
}

TEST(MasterStrategy, PublishingAnEmptyStrategyIsRefused) {
  auto ctx = context_for(as_admin());
  pb::CreateMasterStrategy c;
  c.set_master_strategy_id(strategy_id);
  c.set_title("Empty");
  EXPECT_EQ(refusal_code(ms::decide(apply({}, c, ctx), publish_to({}), ctx)), errc::validation_failed);
}

TEST(MasterStrategy, DeployNeedsAPublishedStrategyAndIsIdempotent) {
  auto ctx = context_for(as_admin());
  pb::DeployStrategyToMarket deploy;
  deploy.set_market_id(spain_market_id);
  EXPECT_EQ(refusal_code(ms::decide(baseline(ctx), deploy, ctx)), errc::validation_failed);
  auto s = apply(apply(baseline(ctx), publish_to({}), ctx), deploy, ctx);
  auto again = ms::decide(s, deploy, ctx);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty());
}

TEST(MasterStrategy, ADeployWithAStaleExpectedVersionIsAVersionConflict) {
  auto ctx = context_for(as_admin());
  const auto s = apply(baseline(ctx), publish_to({}), ctx);
  pb::DeployStrategyToMarket deploy;
  deploy.set_market_id(spain_market_id);
  deploy.set_expected_version(s.stream_version - 1);
  EXPECT_EQ(refusal_code(ms::decide(s, deploy, ctx)), errc::version_conflict);
  deploy.set_expected_version(s.stream_version);
  EXPECT_TRUE(ms::decide(s, deploy, ctx).has_value());
}

}  // namespace
}  // namespace stradia::testing
