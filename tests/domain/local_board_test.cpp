#include "domain/local_board.hpp"

#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace lb = domain::local_board;
namespace pb = stradia::board::v1;
using domain::errc;
using domain::task_types;

domain::global_task task(std::string id, std::string title, int weight = 1) {
  domain::global_task t;
  t.set_global_task_id(std::move(id));
  t.set_task_type(task_types::A_MANUAL);
  t.set_title(std::move(title));
  t.set_weight(weight);
  t.set_target_platform(domain::platforms::NONE);
  return t;
}

lb::state apply(lb::state s, const lb::command& c, const domain::context& ctx) {
  auto d = lb::decide(s, c, ctx);
  EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().error.detail);
  return d ? fold(std::move(s), *d, lb::evolve) : s;
}

lb::state spain_board() {
  pb::CreateLocalBoard c;
  c.set_local_board_id(spain_board_id);
  c.set_market_id(spain_market_id);
  c.set_master_strategy_id(strategy_id);
  c.set_strategy_version(1);
  *c.add_tasks() = task("00000000-0000-4000-9000-000000000001", "Review Privacy Law");
  *c.add_tasks() = task("00000000-0000-4000-9000-000000000002", "Deploy Consent Mode", 5);
  return apply({}, c, context_for(as_system()));
}

TEST(LocalBoard, IsCreatedPendingWithATaskPerGlobalTask) {
  auto s = spain_board();
  EXPECT_EQ(s.status, domain::board_statuses::PENDING);
  EXPECT_EQ(s.tasks.size(), 2u);
  EXPECT_EQ(s.by_global_task_id.count("00000000-0000-4000-9000-000000000002"), 1u);
}

TEST(LocalBoard, ANewStrategyVersionOffersChangedAndAddedTasksAsGhostCards) {
  auto s = spain_board();
  pb::OfferStrategyVersion offer;
  offer.set_strategy_version(2);
  *offer.add_tasks() = task("00000000-0000-4000-9000-000000000001", "Review Privacy Law");         // unchanged
  *offer.add_tasks() = task("00000000-0000-4000-9000-000000000002", "Deploy Consent Mode v2", 5);  // changed
  *offer.add_tasks() = task("00000000-0000-4000-9000-000000000003", "Audit Cookie Banner");        // added
  auto d = lb::decide(s, offer, context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  const auto& offered = std::get<pb::GhostCardsOffered>(d->front());
  ASSERT_EQ(offered.cards_size(), 2);
  EXPECT_EQ(offered.cards(0).kind(), pb::GhostCard::CHANGED);
  EXPECT_EQ(offered.cards(0).local_task_id(), s.by_global_task_id.at("00000000-0000-4000-9000-000000000002"));
  EXPECT_EQ(offered.cards(1).kind(), pb::GhostCard::ADDED);
  s = fold(s, *d, lb::evolve);
  EXPECT_EQ(s.strategy_version, 2);
  EXPECT_EQ(s.tasks.size(), 3u);
}

TEST(LocalBoard, ATaskANewVersionDropsIsOfferedForRemovalOnceAndComesBackAsAChange) {
  auto s = spain_board();
  const auto review = s.by_global_task_id.at("00000000-0000-4000-9000-000000000001");
  pb::OfferStrategyVersion v2;
  v2.set_strategy_version(2);
  *v2.add_tasks() = task("00000000-0000-4000-9000-000000000002", "Deploy Consent Mode", 5);
  auto d = lb::decide(s, v2, context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  const auto& offered = std::get<pb::GhostCardsOffered>(d->front());
  ASSERT_EQ(offered.cards_size(), 1);
  EXPECT_EQ(offered.cards(0).kind(), pb::GhostCard::REMOVED);
  EXPECT_EQ(offered.cards(0).local_task_id(), review);
  EXPECT_EQ(offered.cards(0).definition().title(), "Review Privacy Law") << "the card shows what leaves";
  s = fold(s, *d, lb::evolve);

  pb::OfferStrategyVersion v3 = v2;  // still without it: not offered again
  v3.set_strategy_version(3);
  d = lb::decide(s, v3, context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(std::get<pb::GhostCardsOffered>(d->front()).cards_size(), 0);
  s = fold(s, *d, lb::evolve);

  pb::OfferStrategyVersion v4 = v2;  // back, unchanged: offered to the same task
  v4.set_strategy_version(4);
  *v4.add_tasks() = task("00000000-0000-4000-9000-000000000001", "Review Privacy Law");
  d = lb::decide(s, v4, context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  const auto& back = std::get<pb::GhostCardsOffered>(d->front());
  ASSERT_EQ(back.cards_size(), 1);
  EXPECT_EQ(back.cards(0).kind(), pb::GhostCard::CHANGED);
  EXPECT_EQ(back.cards(0).local_task_id(), review);
}

TEST(LocalBoard, OnlyTheSystemChangesTheStatusAsTheTasksMove) {
  auto s = spain_board();
  pb::ChangeBoardStatus active;
  active.set_local_board_id(spain_board_id);
  active.set_status(domain::board_statuses::ACTIVE);
  EXPECT_EQ(refusal_code(lb::decide(s, active, context_for(as_admin()))), errc::forbidden);
  s = apply(s, active, context_for(as_system()));
  EXPECT_EQ(s.status, domain::board_statuses::ACTIVE);
  auto again = lb::decide(s, active, context_for(as_system()));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->empty()) << "already ACTIVE: nothing to record";
  pb::ChangeBoardStatus pending = active;
  pending.set_status(domain::board_statuses::PENDING);
  auto back = lb::decide(s, pending, context_for(as_system()));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->empty()) << "a started board whose tasks are all in TODO again stays ACTIVE";
  pb::ChangeBoardStatus completed = active;
  completed.set_status(domain::board_statuses::COMPLETED);
  s = apply(s, completed, context_for(as_system()));
  s = apply(s, pending, context_for(as_system()));
  EXPECT_EQ(s.status, domain::board_statuses::ACTIVE) << "from COMPLETED, tasks back in TODO make it ACTIVE";
}

TEST(LocalBoard, AnOldOrRepeatedVersionOffersNothing) {
  pb::OfferStrategyVersion offer;
  offer.set_strategy_version(1);
  *offer.add_tasks() = task("00000000-0000-4000-9000-000000000009", "Something new");
  auto d = lb::decide(spain_board(), offer, context_for(as_system()));
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->empty());
}

pb::CreateCustomLocalTask custom(std::string title) {
  pb::CreateCustomLocalTask c;
  c.set_local_task_id(local_task_id);
  c.set_title(std::move(title));
  return c;
}

TEST(LocalBoard, LocalUsersAddCustomTasksToTheirOwnMarketsBoards) {
  auto d = lb::decide(spain_board(), custom("Translate cookie banner"), context_for(as_spain_user()));
  ASSERT_TRUE(d.has_value());
  const auto& added = std::get<pb::BoardTaskAdded>(d->front());
  EXPECT_TRUE(added.is_custom_local_task());
  EXPECT_EQ(added.definition().task_type(), task_types::A_MANUAL);
  EXPECT_EQ(added.definition().weight(), 1);
  EXPECT_EQ(refusal_code(lb::decide(spain_board(), custom("Mine"), context_for(as_france_user()))), errc::not_found);
  EXPECT_EQ(refusal_code(lb::decide(spain_board(), custom("Mine"), context_for(as_auditor()))), errc::forbidden);
  EXPECT_EQ(refusal_code(lb::decide(spain_board(), custom(""), context_for(as_spain_user()))), errc::validation_failed);
}

TEST(LocalBoard, ClientsCannotCreateBoardsOrOfferVersions) {
  pb::CreateLocalBoard c;
  EXPECT_EQ(refusal_code(lb::decide({}, c, context_for(as_admin()))), errc::forbidden);
  pb::OfferStrategyVersion offer;
  offer.set_strategy_version(2);
  EXPECT_EQ(refusal_code(lb::decide(spain_board(), offer, context_for(as_admin()))), errc::forbidden);
}

}  // namespace
}  // namespace stradia::testing
