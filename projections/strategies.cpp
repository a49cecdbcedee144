#include "projections/strategies.hpp"

#include <algorithm>

#include "domain/enums.hpp"
#include "domain/event_codec.hpp"
#include "domain/master_strategy.hpp"

namespace stradia::projections {

namespace {

namespace strategy_pb = stradia::strategy::v1;
using envelope = stradia::envelope::v1::EventEnvelope;

enum strategy_column {
  s_id,
  s_tenant,
  s_title,
  s_description,
  s_version,
  s_published,
  s_markets,
  s_created_position,
  s_position,
  strategy_width
};
enum task_column {
  g_key,
  g_strategy,
  g_tenant,
  g_id,
  g_title,
  g_description,
  g_type,
  g_platform,
  g_weight,
  g_order,
  g_has_prompt,
  g_schema,
  g_removed,
  g_position,
  task_width
};

std::string task_key(const std::string& strategy_id, const std::string& global_task_id) {
  return strategy_id + "/" + global_task_id;
}

// The global task ids a strategy event touches (to load their rows).
std::vector<std::string> touched_tasks(const domain::master_strategy::event& event) {
  return std::visit(
      [](const auto& m) -> std::vector<std::string> {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, strategy_pb::GlobalTaskAdded> ||
                      std::is_same_v<T, strategy_pb::GlobalTaskUpdated>)
          return {m.task().global_task_id()};
        else if constexpr (std::is_same_v<T, strategy_pb::GlobalTaskRemoved>)
          return {m.global_task_id()};
        else
          return {};
      },
      event);
}

void add_market(row& r, const std::string& market_id) {
  auto ids = parse_text_array(r[s_markets].value_or("{}"));
  if (std::find(ids.begin(), ids.end(), market_id) == ids.end()) ids.push_back(market_id);
  r[s_markets] = format_text_array(ids);
}

}  // namespace

strategies::strategies()
    : strategies_("read_strategies",
                  {"master_strategy_id", "tenant_id", "title", "description", "version", "is_published",
                   "deployed_market_ids", "created_position", "position"},
                  "uuid"),
      tasks_("read_global_tasks",
             {"global_task_key", "master_strategy_id", "tenant_id", "global_task_id", "title", "description",
              "task_type", "target_platform", "weight", "order_index", "has_system_prompt", "expected_payload_schema",
              "is_removed", "position"},
             "text") {}

bool strategies::reads(const envelope& e) const { return !stream_id_of(e, "strategy").empty(); }

void strategies::load(pqxx::transaction_base& t, const std::vector<const envelope*>& batch) {
  std::vector<std::string> ids, tasks;
  for (const auto* e : batch) {
    const auto id = std::string(stream_id_of(*e, "strategy"));
    ids.push_back(id);
    const auto& type = e->event_type();
    if (type != "GlobalTaskAdded" && type != "GlobalTaskUpdated" && type != "GlobalTaskRemoved") continue;
    if (const auto event = domain::decode_event<domain::master_strategy::event>(*e))
      for (const auto& task : touched_tasks(*event)) tasks.push_back(task_key(id, task));
  }
  strategies_.load(t, ids);
  tasks_.load(t, tasks);
}

void strategies::apply(const envelope& e, const decoded_payload&) {
  auto event = decode_checked<domain::master_strategy::event>(e);
  if (!event) return;
  const auto id = entity_key(e, "strategy");
  const auto position = std::to_string(e.global_position());
  if (const auto* created = std::get_if<strategy_pb::MasterStrategyCreated>(&*event)) {
    row r(strategy_width);
    r[s_id] = id;
    r[s_tenant] = e.tenant_id();
    r[s_title] = created->title();
    r[s_description] = created->description();
    r[s_version] = std::to_string(created->version());
    r[s_published] = created->is_published() ? "true" : "false";
    r[s_markets] = "{}";
    r[s_created_position] = position;
    r[s_position] = position;
    strategies_.insert(std::move(r));
    return;
  }
  row* s = strategies_.change(id);
  if (!s) return;
  auto write_task = [&](const common::v1::GlobalTask& task) {
    row r(task_width);
    r[g_key] = task_key(id, task.global_task_id());
    row& kept = tasks_.insert(std::move(r));
    kept[g_strategy] = id;
    kept[g_tenant] = e.tenant_id();
    kept[g_id] = task.global_task_id();
    kept[g_title] = task.title();
    kept[g_description] = task.description();
    kept[g_type] = std::string(domain::name_of(task.task_type()));
    kept[g_platform] = std::string(domain::name_of(task.target_platform()));
    kept[g_weight] = std::to_string(task.weight());
    kept[g_order] = std::to_string(task.order_index());
    kept[g_has_prompt] = task.system_prompt().empty() ? "false" : "true";
    kept[g_schema] = task.expected_payload_schema();
    kept[g_removed] = "false";
    kept[g_position] = position;
  };
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, strategy_pb::GlobalTaskAdded> ||
                      std::is_same_v<T, strategy_pb::GlobalTaskUpdated>) {
          write_task(m.task());
        } else if constexpr (std::is_same_v<T, strategy_pb::GlobalTaskRemoved>) {
          if (row* t = tasks_.change(task_key(id, m.global_task_id()))) {
            (*t)[g_removed] = "true";
            (*t)[g_position] = position;
          }
        } else if constexpr (std::is_same_v<T, strategy_pb::MasterStrategyPublished>) {
          (*s)[s_version] = std::to_string(m.version());
          (*s)[s_published] = "true";
          for (const auto& market : m.market_ids()) add_market(*s, market);
        } else if constexpr (std::is_same_v<T, strategy_pb::StrategyDeployedToMarket>) {
          add_market(*s, m.market_id());
        }
      },
      *event);
  (*s)[s_position] = position;
}

void strategies::flush(pqxx::transaction_base& t, write_mode mode) {
  strategies_.flush(t, mode);
  tasks_.flush(t, mode);
}

}  // namespace stradia::projections
