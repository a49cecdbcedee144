// Strategies: editing is one stream; publishing and deploying also create boards (with a
// LocalTask per GlobalTask) or offer the new version to existing boards as ghost cards,
// all in the same append as the strategy's own events.
#include "commands/aggregates.hpp"
#include "commands/command_service.hpp"
#include "commands/handler_steps.hpp"
#include "domain/stream_ids.hpp"

namespace stradia::commands {

namespace ids = domain::stream_ids;
namespace strategy_pb = stradia::strategy::v1;
namespace board_pb = stradia::board::v1;
namespace task_pb = stradia::task::v1;

command_result command_service::create_master_strategy(const domain::caller& who,
                                                       strategy::v1::CreateMasterStrategy c) {
  if (c.master_strategy_id().empty()) c.set_master_strategy_id(new_uuid());
  auto result = run_single<strategy_aggregate>(who, ids::strategy(c.master_strategy_id()), c, "CreateMasterStrategy");
  if (result) result->created.emplace_back("master_strategy_id", c.master_strategy_id());
  return result;
}

command_result command_service::add_global_task(const domain::caller& who, strategy::v1::AddGlobalTask c) {
  if (c.task().global_task_id().empty()) c.mutable_task()->set_global_task_id(new_uuid());
  auto result = run_single<strategy_aggregate>(who, ids::strategy(c.master_strategy_id()), c, "AddGlobalTask");
  if (result) result->created.emplace_back("global_task_id", c.task().global_task_id());
  return result;
}

command_result command_service::update_global_task(const domain::caller& who, strategy::v1::UpdateGlobalTask c) {
  return run_single<strategy_aggregate>(who, ids::strategy(c.master_strategy_id()), c, "UpdateGlobalTask");
}

command_result command_service::remove_global_task(const domain::caller& who, strategy::v1::RemoveGlobalTask c) {
  return run_single<strategy_aggregate>(who, ids::strategy(c.master_strategy_id()), c, "RemoveGlobalTask");
}

namespace {

domain::context as_system(const domain::context& ctx) {
  return domain::context{domain::system_caller(ctx.who.tenant_id), ctx.now, ctx.new_id, ctx.zones};
}

// Records, for one StrategyDeployedToMarket, the board's and its tasks' events.
domain::check deploy_to_board(eventstore::event_log& store, unit_of_work& work, const domain::context& ctx,
                              const domain::master_strategy::state& strategy,
                              const strategy_pb::StrategyDeployedToMarket& deployed,
                              std::vector<std::pair<std::string, std::string>>& created) {
  const auto& tenant_id = ctx.who.tenant_id;
  auto market = load<market_aggregate>(store, tenant_id, ids::market(deployed.market_id()));
  if (!market) return base::unexpected(market.error().error);
  if (auto usable = domain::market::require_usable(market->state, ctx); !usable) return usable;
  auto board = load<board_aggregate>(store, tenant_id, ids::board(deployed.local_board_id()));
  if (!board) return base::unexpected(board.error().error);
  const auto system = as_system(ctx);

  domain::decision<board_aggregate::event> on_board = std::vector<board_aggregate::event>{};
  if (!board->state.exists) {
    board_pb::CreateLocalBoard create;
    create.set_local_board_id(deployed.local_board_id());
    create.set_market_id(deployed.market_id());
    create.set_master_strategy_id(strategy.id);
    create.set_strategy_version(deployed.version());
    for (const auto& [id, task] : strategy.published_tasks) *create.add_tasks() = task;
    on_board = board_aggregate::decide(board->state, create, system);
    created.emplace_back("local_board_id", deployed.local_board_id());
  } else {
    board_pb::OfferStrategyVersion offer;
    offer.set_local_board_id(deployed.local_board_id());
    offer.set_strategy_version(deployed.version());
    for (const auto& [id, task] : strategy.published_tasks) *offer.add_tasks() = task;
    on_board = board_aggregate::decide(board->state, offer, system);
  }
  if (!on_board) return base::unexpected(on_board.error().error);
  work.record(*board, *on_board);

  auto record_task = [&](const std::string& local_task_id, const task_aggregate::command& c) -> domain::check {
    auto task = load<task_aggregate>(store, tenant_id, ids::task(local_task_id));
    if (!task) return base::unexpected(task.error().error);
    auto decided = task_aggregate::decide(task->state, c, system);
    if (!decided) return base::unexpected(decided.error().error);
    work.record(*task, *decided);
    return {};
  };
  for (const auto& e : *on_board) {
    if (const auto* added = std::get_if<board_pb::BoardTaskAdded>(&e)) {
      task_pb::CreateLocalTask create;
      create.set_local_task_id(added->local_task_id());
      create.set_local_board_id(deployed.local_board_id());
      create.set_market_id(deployed.market_id());
      *create.mutable_definition() = added->definition();
      if (auto ok = record_task(added->local_task_id(), create); !ok) return ok;
    } else if (const auto* offered = std::get_if<board_pb::GhostCardsOffered>(&e)) {
      for (const auto& card : offered->cards()) {
        if (card.kind() == board_pb::GhostCard::ADDED) {
          task_pb::CreateLocalTask create;
          create.set_local_task_id(card.local_task_id());
          create.set_local_board_id(deployed.local_board_id());
          create.set_market_id(deployed.market_id());
          *create.mutable_definition() = card.definition();
          create.set_is_ghost_card(true);
          if (auto ok = record_task(card.local_task_id(), create); !ok) return ok;
        } else {
          task_pb::OfferGhostCard ghost;
          ghost.set_local_task_id(card.local_task_id());
          ghost.set_strategy_version(offered->strategy_version());
          *ghost.mutable_definition() = card.definition();
          ghost.set_is_removal(card.kind() == board_pb::GhostCard::REMOVED);
          if (auto ok = record_task(card.local_task_id(), ghost); !ok) return ok;
        }
      }
    }
  }
  return {};
}

}  // namespace

command_result command_service::deploy(
    const domain::caller& who, const std::string& strategy_id,
    const std::function<domain::decision<domain::master_strategy::event>(const domain::master_strategy::state&,
                                                                         const domain::context&)>& decide_strategy,
    std::string_view command_name) {
  return with_retries([&]() -> command_result {
    auto strategy = load_stream<strategy_aggregate>(who.tenant_id, ids::strategy(strategy_id));
    if (!strategy) return base::unexpected(strategy.error());
    const auto ctx = context_for(who);
    auto decided = decide_strategy(strategy->state, ctx);
    if (!decided) return base::unexpected(domain_failure(std::move(decided).error().error));
    unit_of_work work(who.tenant_id, metadata_for(who, command_name));
    work.record(*strategy, *decided);
    auto after = strategy->state;
    for (const auto& e : *decided) after = strategy_aggregate::evolve(std::move(after), e);
    std::vector<std::pair<std::string, std::string>> created;
    for (const auto& e : *decided) {
      if (const auto* deployed = std::get_if<strategy_pb::StrategyDeployedToMarket>(&e)) {
        auto ok = deploy_to_board(store_, work, ctx, after, *deployed, created);
        if (!ok) return base::unexpected(domain_failure(std::move(ok).error()));
      }
    }
    return finish(store_, work, strategy->stream_id, strategy->version, std::move(created));
  });
}

command_result command_service::publish_master_strategy(const domain::caller& who,
                                                        strategy::v1::PublishMasterStrategy c) {
  return deploy(
      who, c.master_strategy_id(),
      [&](const domain::master_strategy::state& s, const domain::context& ctx) {
        return strategy_aggregate::decide(s, c, ctx);
      },
      "PublishMasterStrategy");
}

command_result command_service::deploy_strategy_to_market(const domain::caller& who,
                                                          strategy::v1::DeployStrategyToMarket c) {
  return deploy(
      who, c.master_strategy_id(),
      [&](const domain::master_strategy::state& s, const domain::context& ctx) {
        return strategy_aggregate::decide(s, c, ctx);
      },
      "DeployStrategyToMarket");
}

}  // namespace stradia::commands
