#include "domain/master_strategy.hpp"

#include <algorithm>

#include "domain/access.hpp"
#include "domain/expected_version.hpp"
#include "domain/guardrails.hpp"

namespace stradia::domain::master_strategy {

namespace {

using events = std::vector<event>;

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::CreateMasterStrategy& c) const {
    if (s_.exists) return refuse(errc::version_conflict, "The strategy already exists.");
    auto problems = guardrails::entity_id("master_strategy_id", c.master_strategy_id());
    guardrails::collect(problems, guardrails::length_between("title", c.title(), 1, 200));
    guardrails::collect(problems, guardrails::length_between("description", c.description(), 0, 5000));
    if (!problems.empty()) return invalid(std::move(problems));
    pb::MasterStrategyCreated e;
    e.set_master_strategy_id(c.master_strategy_id());
    e.set_tenant_id(ctx_.who.tenant_id);
    e.set_title(c.title());
    e.set_description(c.description());
    e.set_version(1);
    e.set_is_published(false);
    e.set_created_by(ctx_.who.user_id);
    *e.mutable_created_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::AddGlobalTask& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (s_.tasks.count(c.task().global_task_id())) return refuse(errc::version_conflict, "The task already exists.");
    if (s_.tasks.size() >= max_tasks) return invalid("task", "A strategy holds at most 500 tasks.");
    auto task = with_defaults(c.task());
    if (auto problems = global_task_problems(task); !problems.empty()) return invalid(std::move(problems));
    pb::GlobalTaskAdded e;
    e.set_master_strategy_id(s_.id);
    *e.mutable_task() = std::move(task);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::UpdateGlobalTask& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (!s_.tasks.count(c.task().global_task_id())) return refuse(errc::not_found, "No such task in the strategy.");
    auto task = with_defaults(c.task());
    if (auto problems = global_task_problems(task); !problems.empty()) return invalid(std::move(problems));
    pb::GlobalTaskUpdated e;
    e.set_master_strategy_id(s_.id);
    *e.mutable_task() = std::move(task);
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::RemoveGlobalTask& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (!s_.tasks.count(c.global_task_id())) return refuse(errc::not_found, "No such task in the strategy.");
    pb::GlobalTaskRemoved e;
    e.set_master_strategy_id(s_.id);
    e.set_global_task_id(c.global_task_id());
    return events{std::move(e)};
  }

  decision<event> operator()(const pb::PublishMasterStrategy& c) const {
    if (auto ok = expected_version(c); !ok) return unexpected(ok.error());
    if (s_.tasks.empty()) return invalid("tasks", "A strategy needs at least one task to publish.");
    for (int i = 0; i < c.market_ids_size(); ++i)
      for (int j = 0; j < i; ++j)
        if (c.market_ids(i) == c.market_ids(j))
          return invalid("market_ids." + std::to_string(i), "Each market is named once.");
    const int version = s_.is_published ? s_.version + 1 : s_.version;
    pb::MasterStrategyPublished published;
    published.set_master_strategy_id(s_.id);
    published.set_version(version);
    for (const auto& task : ordered_tasks()) *published.add_tasks() = task;
    for (const auto& market_id : c.market_ids()) published.add_market_ids(market_id);
    *published.mutable_published_at() = to_proto(ctx_.now);
    events out{std::move(published)};
    for (const auto& market_id : c.market_ids()) out.push_back(deployment(market_id, version));
    return out;
  }

  decision<event> operator()(const pb::DeployStrategyToMarket& c) const {
    if (auto ok = matches_expected_version(c, s_.stream_version, "The strategy"); !ok) return unexpected(ok.error());
    if (!s_.is_published) return invalid("master_strategy_id", "Publish the strategy before deploying it.");
    if (s_.boards.count(c.market_id())) return events{};
    return events{deployment(c.market_id(), s_.version)};
  }

 private:
  template <class Command>
  check expected_version(const Command& c) const {
    if (!c.has_expected_version() || c.expected_version() == s_.stream_version) return {};
    return refuse(errc::version_conflict,
                  "The strategy changed since version " + std::to_string(c.expected_version()) + ".");
  }

  static global_task with_defaults(global_task t) {
    if (t.weight() == 0) t.set_weight(1);
    return t;
  }

  std::vector<global_task> ordered_tasks() const {
    std::vector<global_task> out;
    for (const auto& [id, task] : s_.tasks) out.push_back(task);
    std::stable_sort(out.begin(), out.end(),
                     [](const global_task& a, const global_task& b) { return a.order_index() < b.order_index(); });
    return out;
  }

  // A market that has a board keeps it (the new version reaches it as ghost cards);
  // otherwise a new board id is planned.
  pb::StrategyDeployedToMarket deployment(const std::string& market_id, int version) const {
    pb::StrategyDeployedToMarket e;
    e.set_master_strategy_id(s_.id);
    e.set_market_id(market_id);
    auto board = s_.boards.find(market_id);
    e.set_local_board_id(board != s_.boards.end() ? board->second : ctx_.new_id());
    e.set_version(version);
    return e;
  }

  const state& s_;
  const context& ctx_;
};

struct applier {
  state& s;

  void operator()(const pb::MasterStrategyCreated& e) {
    s.exists = true;
    s.id = e.master_strategy_id();
    s.tenant_id = e.tenant_id();
    s.title = e.title();
    s.description = e.description();
    s.version = e.version();
    s.is_published = e.is_published();
    s.created_by = e.created_by();
    s.created_at = from_proto(e.created_at());
  }
  void operator()(const pb::GlobalTaskAdded& e) { s.tasks[e.task().global_task_id()] = e.task(); }
  void operator()(const pb::GlobalTaskUpdated& e) { s.tasks[e.task().global_task_id()] = e.task(); }
  void operator()(const pb::GlobalTaskRemoved& e) { s.tasks.erase(e.global_task_id()); }
  void operator()(const pb::MasterStrategyPublished& e) {
    s.version = e.version();
    s.is_published = true;
    s.published_tasks.clear();
    for (const auto& task : e.tasks()) s.published_tasks[task.global_task_id()] = task;
  }
  void operator()(const pb::StrategyDeployedToMarket& e) { s.boards[e.market_id()] = e.local_board_id(); }
};

}  // namespace

std::vector<field_error> global_task_problems(const global_task& t) {
  auto problems = guardrails::length_between("title", t.title(), 1, 200);
  guardrails::collect(
      problems, guardrails::length_between("description", t.description(), 0, guardrails::max_description_characters));
  if (t.global_task_id().empty())
    problems.push_back({"global_task_id", "Required"});
  else
    guardrails::collect(problems, guardrails::entity_id("global_task_id", t.global_task_id()));
  if (t.task_type() == task_types::UNSPECIFIED)
    problems.push_back({"task_type", "Invalid enum value. Expected 'A_MANUAL' | 'B_GENERATIVE' | 'C_EXECUTIVE'"});
  if (t.target_platform() == platforms::UNSPECIFIED)
    problems.push_back({"target_platform", "Invalid enum value. Expected 'GTM' | 'GA4' | 'NONE'"});
  if (t.task_type() == task_types::C_EXECUTIVE && t.target_platform() == platforms::NONE)
    problems.push_back({"target_platform", "A C_EXECUTIVE task targets GTM or GA4."});
  guardrails::collect(problems, guardrails::weight(t.weight()));
  if (t.order_index() < 0) problems.push_back({"order_index", "Number must be greater than or equal to 0"});
  return problems;
}

decision<event> decide(const state& s, const command& c, const context& ctx) {
  if (!std::holds_alternative<pb::CreateMasterStrategy>(c)) {
    if (!s.exists) return refuse(errc::not_found, "No such strategy.");
    if (auto ok = require_tenant(ctx, s.tenant_id); !ok) return unexpected(ok.error());
  }
  if (auto ok = require_admin(ctx); !ok) return unexpected(ok.error());
  return std::visit(decider(s, ctx), c);
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::master_strategy
