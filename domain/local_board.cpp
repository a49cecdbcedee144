#include "domain/local_board.hpp"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <set>

#include "domain/access.hpp"
#include "domain/guardrails.hpp"

namespace stradia::domain::local_board {

namespace {

using events = std::vector<event>;
using google::protobuf::util::MessageDifferencer;

class decider {
 public:
  decider(const state& s, const context& ctx) : s_(s), ctx_(ctx) {}

  decision<event> operator()(const pb::CreateLocalBoard& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (s_.exists) return refuse(errc::version_conflict, "The board already exists.");
    pb::LocalBoardCreated created;
    created.set_local_board_id(c.local_board_id());
    created.set_tenant_id(ctx_.who.tenant_id);
    created.set_market_id(c.market_id());
    created.set_master_strategy_id(c.master_strategy_id());
    created.set_strategy_version(c.strategy_version());
    created.set_status(board_statuses::PENDING);  // until a task leaves TODO
    *created.mutable_created_at() = to_proto(ctx_.now);
    events out{std::move(created)};
    for (const auto& task : c.tasks()) out.push_back(task_added(c.local_board_id(), ctx_.new_id(), task, false));
    return out;
  }

  decision<event> operator()(const pb::OfferStrategyVersion& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (c.strategy_version() <= s_.strategy_version) return events{};
    pb::GhostCardsOffered offered;
    offered.set_local_board_id(s_.id);
    offered.set_strategy_version(c.strategy_version());
    std::set<std::string> kept;
    for (const auto& task : c.tasks()) {
      kept.insert(task.global_task_id());
      auto known = s_.by_global_task_id.find(task.global_task_id());
      if (known == s_.by_global_task_id.end()) {
        add_card(offered, ctx_.new_id(), pb::GhostCard::ADDED, task);
        continue;
      }
      const auto& on_board = s_.tasks.at(known->second);
      // A task offered for removal comes back as a change, even with the same definition.
      if (on_board.removal_offered || !MessageDifferencer::Equals(on_board.definition, task))
        add_card(offered, known->second, pb::GhostCard::CHANGED, task);
    }
    for (const auto& [global_task_id, local_task_id] : s_.by_global_task_id) {
      const auto& on_board = s_.tasks.at(local_task_id);
      if (!kept.count(global_task_id) && !on_board.removal_offered)
        add_card(offered, local_task_id, pb::GhostCard::REMOVED, on_board.definition);
    }
    return events{std::move(offered)};
  }

  decision<event> operator()(const pb::CreateCustomLocalTask& c) const {
    if (auto ok = require_board_work(ctx_, s_.tenant_id, s_.market_id); !ok) return unexpected(ok.error());
    if (s_.tasks.count(c.local_task_id())) return refuse(errc::version_conflict, "The task already exists.");
    global_task definition;
    definition.set_title(c.title());
    definition.set_description(c.description());
    definition.set_task_type(c.task_type() == task_types::UNSPECIFIED ? task_types::A_MANUAL : c.task_type());
    definition.set_target_platform(c.target_platform() == platforms::UNSPECIFIED ? platforms::NONE
                                                                                 : c.target_platform());
    definition.set_weight(c.weight() == 0 ? 1 : c.weight());
    definition.set_order_index(static_cast<int>(s_.tasks.size()));
    auto problems = guardrails::entity_id("local_task_id", c.local_task_id());
    guardrails::collect(problems, guardrails::length_between("title", c.title(), 1, 200));
    if (definition.task_type() == task_types::C_EXECUTIVE && definition.target_platform() == platforms::NONE)
      problems.push_back({"target_platform", "A C_EXECUTIVE task targets GTM or GA4."});
    guardrails::collect(problems, guardrails::weight(definition.weight()));
    guardrails::collect(problems, guardrails::length_between("description", c.description(), 0,
                                                             guardrails::max_description_characters));
    if (custom_tasks() >= max_custom_tasks)
      problems.push_back({"local_board_id", "A board holds at most 500 custom tasks."});
    if (!problems.empty()) return invalid(std::move(problems));
    return events{task_added(s_.id, c.local_task_id(), definition, true)};
  }

  decision<event> operator()(const pb::ChangeBoardStatus& c) const {
    if (auto ok = require_system(ctx_); !ok) return unexpected(ok.error());
    if (c.status() == board_statuses::UNSPECIFIED)
      return invalid("status", "Invalid enum value. Expected 'PENDING' | 'ACTIVE' | 'COMPLETED'");
    // A board that started stays started: its tasks back in TODO leave it ACTIVE.
    const auto wanted = c.status() == board_statuses::PENDING && s_.status != board_statuses::PENDING
                            ? board_statuses::ACTIVE
                            : c.status();
    if (wanted == s_.status) return events{};
    pb::BoardStatusChanged e;
    e.set_local_board_id(s_.id);
    e.set_status(wanted);
    *e.mutable_changed_at() = to_proto(ctx_.now);
    return events{std::move(e)};
  }

 private:
  std::size_t custom_tasks() const {
    return static_cast<std::size_t>(
        std::count_if(s_.tasks.begin(), s_.tasks.end(), [](const auto& t) { return t.second.is_custom_local_task; }));
  }

  static pb::BoardTaskAdded task_added(const std::string& board_id, std::string local_task_id,
                                       const global_task& definition, bool custom) {
    pb::BoardTaskAdded e;
    e.set_local_board_id(board_id);
    e.set_local_task_id(std::move(local_task_id));
    *e.mutable_definition() = definition;
    e.set_is_custom_local_task(custom);
    e.set_is_ghost_card(false);
    return e;
  }

  static void add_card(pb::GhostCardsOffered& offered, std::string local_task_id, pb::GhostCard::Kind kind,
                       const global_task& definition) {
    auto* card = offered.add_cards();
    card->set_local_task_id(std::move(local_task_id));
    card->set_kind(kind);
    *card->mutable_definition() = definition;
  }

  const state& s_;
  const context& ctx_;
};

struct applier {
  state& s;

  void operator()(const pb::LocalBoardCreated& e) {
    s.exists = true;
    s.id = e.local_board_id();
    s.tenant_id = e.tenant_id();
    s.market_id = e.market_id();
    s.master_strategy_id = e.master_strategy_id();
    s.strategy_version = e.strategy_version();
    s.status = e.status();
  }
  void operator()(const pb::BoardTaskAdded& e) {
    remember(e.local_task_id(), e.definition(), e.is_custom_local_task());
  }
  void operator()(const pb::GhostCardsOffered& e) {
    s.strategy_version = e.strategy_version();
    for (const auto& card : e.cards()) {
      if (card.kind() == pb::GhostCard::REMOVED)
        s.tasks[card.local_task_id()].removal_offered = true;
      else
        remember(card.local_task_id(), card.definition(), false);
    }
  }
  void operator()(const pb::BoardStatusChanged& e) { s.status = e.status(); }

  void remember(const std::string& local_task_id, const global_task& definition, bool custom) {
    s.tasks[local_task_id] = board_task{local_task_id, definition, custom};
    if (!definition.global_task_id().empty()) s.by_global_task_id[definition.global_task_id()] = local_task_id;
  }
};

}  // namespace

decision<event> decide(const state& s, const command& c, const context& ctx) {
  if (!std::holds_alternative<pb::CreateLocalBoard>(c)) {
    if (!s.exists) return refuse(errc::not_found, "No such board.");
    if (auto ok = require_tenant(ctx, s.tenant_id); !ok) return unexpected(ok.error());
  }
  return std::visit(decider(s, ctx), c);
}

state evolve(state s, const event& e) { return apply_event<applier>(std::move(s), e); }

}  // namespace stradia::domain::local_board
