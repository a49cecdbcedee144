#pragma once
// MasterStrategy aggregate (stream "strategy-<id>"): the global blueprint of GlobalTasks,
// its published versions and the board each market runs it on. Publishing plans the
// deployment (StrategyDeployedToMarket per market); handlers then create the boards or
// offer the new version to boards that run an older one.
#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "domain/clock.hpp"
#include "domain/context.hpp"
#include "domain/decision.hpp"
#include "domain/enums.hpp"
#include "strategy.pb.h"

namespace stradia::domain::master_strategy {

namespace pb = stradia::strategy::v1;

inline constexpr std::size_t max_tasks = 500;

using command = std::variant<pb::CreateMasterStrategy, pb::AddGlobalTask, pb::UpdateGlobalTask, pb::RemoveGlobalTask,
                             pb::PublishMasterStrategy, pb::DeployStrategyToMarket>;

using event = std::variant<pb::MasterStrategyCreated, pb::GlobalTaskAdded, pb::GlobalTaskUpdated, pb::GlobalTaskRemoved,
                           pb::MasterStrategyPublished, pb::StrategyDeployedToMarket>;

struct state {
  bool exists = false;
  std::int64_t stream_version = 0;

  std::string id;
  std::string tenant_id;
  std::string title;
  std::string description;
  int version = 1;  // the model's strategy version, bumped by each later publish
  bool is_published = false;
  std::string created_by;
  timestamp created_at;

  std::map<std::string, global_task> tasks;            // the draft being edited
  std::map<std::string, global_task> published_tasks;  // as of the last publish
  std::map<std::string, std::string> boards;           // market id -> local board id
};

decision<event> decide(const state& s, const command& c, const context& ctx);
state evolve(state s, const event& e);

// The field problems of a GlobalTask definition (title, enums, weight, order).
std::vector<field_error> global_task_problems(const global_task& t);

}  // namespace stradia::domain::master_strategy
