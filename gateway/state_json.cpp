#include "gateway/state_json.hpp"

#include "base/json_text.hpp"
#include "base/json_writer.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_board.hpp"
#include "domain/local_task.hpp"
#include "domain/market.hpp"
#include "domain/master_strategy.hpp"
#include "domain/tenant.hpp"
#include "domain/token_ledger.hpp"
#include "domain/user.hpp"
#include "domain/vault_credential.hpp"
#include "gateway/request_helpers.hpp"

namespace stradia::gateway {

namespace {

using domain::format_rfc3339;
using domain::name_of;

void optional_time(base::json_writer& j, std::string_view name, const std::optional<domain::timestamp>& t) {
  j.key(name);
  if (t)
    j.value(format_rfc3339(*t));
  else
    j.null();
}

void definition(base::json_writer& j, const domain::global_task& d) {
  j.field("global_task_id", d.global_task_id()).field("title", d.title()).field("description", d.description());
  j.field("task_type", name_of(d.task_type())).field("target_platform", name_of(d.target_platform()));
  j.field("weight", d.weight()).field("order_index", d.order_index());
}

void task(base::json_writer& j, const domain::local_task::state& s) {
  j.field("id", s.id).field("local_board_id", s.local_board_id).field("status", name_of(s.status));
  definition(j, s.definition);
  j.field("is_custom_local_task", s.is_custom_local_task).field("is_ghost_card", s.is_ghost_card);
  j.field("pre_flight_scan_status", name_of(s.pre_flight_scan_status)).field("gemini_token_cost", s.gemini_token_cost);
  j.key("execution_payload");
  base::write_json_text(j, s.execution_payload);
  j.field("error_log", s.error_log);
  j.key("locked_by");
  if (s.current_lock)
    j.value(s.current_lock->locked_by);
  else
    j.null();
  optional_time(j, "locked_at", s.current_lock ? std::optional(s.current_lock->locked_at) : std::nullopt);
  optional_time(j, "expires_at", s.current_lock ? std::optional(s.current_lock->expires_at()) : std::nullopt);
  optional_time(j, "last_executed_at", s.last_executed_at);
  j.key("notes").begin_array();
  for (const auto& n : s.notes)
    j.begin_object()
        .field("id", n.id)
        .field("user_id", n.user_id)
        .field("content", n.content)
        .field("created_at", format_rfc3339(n.created_at))
        .end_object();
  j.end_array().key("rejections").begin_array();
  for (const auto& r : s.rejections)
    j.begin_object()
        .field("id", r.id)
        .field("user_id", r.user_id)
        .field("justification", r.justification)
        .field("rejected_at", format_rfc3339(r.rejected_at))
        .end_object();
  j.end_array().key("executions").begin_array();
  for (const auto& x : s.executions) {
    j.begin_object().field("execution_id", x.execution_id).field("requested_by", x.requested_by);
    j.key("http_status");
    if (x.http_status)
      j.value(*x.http_status);
    else
      j.null();
    j.end_object();
  }
  j.end_array();
}

void tenant(base::json_writer& j, const domain::tenant::state& s) {
  j.field("id", s.id).field("name", s.name).field("stripe_customer_id", s.stripe_customer_id);
  j.field("active_markets_limit", s.active_markets_limit).field("user_seat_limit", s.user_seat_limit);
  j.field("ai_token_quota", s.ai_token_quota).field("token_reset_date", format_rfc3339(s.token_reset_date));
  j.field("is_active", s.is_active).field("created_at", format_rfc3339(s.created_at));
  j.field("seats_taken", static_cast<std::int64_t>(s.seats.size()));
  j.field("active_markets", static_cast<std::int64_t>(s.active_markets.size()));
  j.key("policies").begin_array();
  for (const auto& [id, p] : s.policies)
    j.begin_object()
        .field("id", id)
        .field("policy_text", p.policy_text)
        .field("platform", name_of(p.platform))
        .field("is_active", p.is_active)
        .end_object();
  j.end_array();
}

void user(base::json_writer& j, const domain::user::state& s) {
  j.field("id", s.id).field("tenant_id", s.tenant_id).field("email", s.email).field("role", name_of(s.role));
  j.field("language_preference", s.language_preference).field("is_active", s.is_active);
  optional_time(j, "last_login_at", s.last_login_at);
  j.key("market_ids").begin_array();
  for (const auto& m : s.market_ids) j.value(m);
  j.end_array();
}

void market(base::json_writer& j, const domain::market::state& s) {
  j.field("id", s.id).field("name", s.name).field("region_code", s.region_code).field("timezone", s.timezone);
  j.field("is_active", s.is_active);
  optional_time(j, "deleted_at", s.deleted_at);
}

void strategy(base::json_writer& j, const domain::master_strategy::state& s) {
  j.field("id", s.id).field("title", s.title).field("description", s.description).field("version", s.version);
  j.field("is_published", s.is_published).field("created_by", s.created_by);
  j.key("tasks").begin_array();
  for (const auto& [id, t] : s.tasks) {
    j.begin_object();
    definition(j, t);
    j.end_object();
  }
  j.end_array();
}

void board(base::json_writer& j, const domain::local_board::state& s) {
  j.field("id", s.id).field("market_id", s.market_id).field("master_strategy_id", s.master_strategy_id);
  j.field("strategy_version", s.strategy_version).field("status", name_of(s.status));
  j.key("local_task_ids").begin_array();
  for (const auto& [id, t] : s.tasks) j.value(id);
  j.end_array();
}

void ledger(base::json_writer& j, const domain::token_ledger::state& s) {
  j.field("tenant_id", s.tenant_id).field("period_start", format_rfc3339(s.period_start));
  j.field("resets_at", format_rfc3339(s.resets_at)).field("ai_tokens_used", s.ai_tokens_used);
}

void vault(base::json_writer& j, const domain::vault_credential::state& s) {
  j.field("id", s.credential_id).field("market_id", s.market_id).field("platform", name_of(s.platform));
  j.field("is_revoked", s.is_revoked);
  optional_time(j, "updated_at", s.updated_at);
}

// Folds one aggregate's events as they come, with the domain's evolve.
template <class State, class Event, class Write>
class folder final : public stream_state_folder {
 public:
  folder(State (*evolve)(State, const Event&), Write write) : evolve_(evolve), write_(write) {}
  void apply(const stradia::envelope::v1::EventEnvelope& e) override {
    if (auto event = domain::decode_event<Event>(e)) state_ = evolve_(std::move(state_), *event);
  }
  std::string json() const override {
    base::json_writer j;
    j.begin_object();
    write_(j, state_);
    j.end_object();
    return j.take();
  }

 private:
  State state_;
  State (*evolve_)(State, const Event&);
  Write write_;
};

template <class State, class Event, class Write>
std::unique_ptr<stream_state_folder> make_folder(State (*evolve)(State, const Event&), Write write) {
  return std::make_unique<folder<State, Event, Write>>(evolve, write);
}

}  // namespace

std::unique_ptr<stream_state_folder> stream_state_folder::for_stream(const std::string& stream_id) {
  namespace d = domain;
  auto is = [&](std::string_view prefix) { return stream_id.rfind(prefix, 0) == 0; };
  if (is("task-")) return make_folder(d::local_task::evolve, task);
  if (is("tenant-")) return make_folder(d::tenant::evolve, tenant);
  if (is("user-")) return make_folder(d::user::evolve, user);
  if (is("market-")) return make_folder(d::market::evolve, market);
  if (is("strategy-")) return make_folder(d::master_strategy::evolve, strategy);
  if (is("board-")) return make_folder(d::local_board::evolve, board);
  if (is("ledger-")) return make_folder(d::token_ledger::evolve, ledger);
  if (is("vault-")) return make_folder(d::vault_credential::evolve, vault);
  return nullptr;
}

}  // namespace stradia::gateway
