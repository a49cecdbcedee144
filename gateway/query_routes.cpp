// The read side of the API: the event log, time travel, tasks, usage and the read models
// (markets, boards, heatmap) with read-your-writes waits.
#include <thread>

#include "domain/local_task.hpp"
#include "domain/stream_ids.hpp"
#include "domain/tenant.hpp"
#include "domain/token_ledger.hpp"
#include "gateway/api.hpp"
#include "gateway/board_json.hpp"
#include "gateway/event_log_json.hpp"
#include "gateway/heatmap_svg.hpp"
#include "gateway/json_writer.hpp"
#include "gateway/problem.hpp"
#include "gateway/request_helpers.hpp"
#include "gateway/state_json.hpp"

namespace stradia::gateway {

namespace {

constexpr auto read_your_writes_wait = std::chrono::seconds(5);
constexpr std::size_t default_log_limit = 100;
constexpr std::size_t max_log_limit = 1000;

}  // namespace

// The tenant's log for auditors (GLOBAL_ADMIN, READ_ONLY), as NDJSON in position order.
http_response api::event_log(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  if (who->role != domain::roles::GLOBAL_ADMIN && who->role != domain::roles::READ_ONLY)
    return problem("FORBIDDEN", "Only GLOBAL_ADMIN and READ_ONLY users read the event log.");
  eventstore::log_query query;
  const auto after = query_param(request.target, "after");
  const auto limit = query_param(request.target, "limit");
  if ((after && !whole_number(after)) || (limit && !whole_number(limit)))
    return problem("VALIDATION_FAILED", "after and limit are whole numbers.",
                   {{after && !whole_number(after) ? "after" : "limit", "Expected a whole number"}});
  query.after_position = whole_number(after).value_or(0);
  query.max_count =
      std::min<std::size_t>(static_cast<std::size_t>(whole_number(limit).value_or(default_log_limit)), max_log_limit);
  query.stream_id = query_param(request.target, "stream_id");
  query.event_type = query_param(request.target, "type");
  auto events = store_.read_tenant_log(who->tenant_id, query);
  if (!events) return problem("SERVICE_UNAVAILABLE", "The event store is not reachable.");
  std::string body;
  for (const auto& e : *events) body += envelope_json(e) + "\n";
  return http_response{200, "application/x-ndjson", std::move(body), {}};
}

// A stream's events up to a version or a time (time travel), as the caller may see them.
http_response api::stream(const http_request& request, std::string_view stream_id) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  if (who->role != domain::roles::GLOBAL_ADMIN && who->role != domain::roles::READ_ONLY &&
      who->role != domain::roles::SUPERVISOR)
    return problem("FORBIDDEN", "This role does not read raw streams.");
  eventstore::stream_range range;
  const auto version = query_param(request.target, "as_of_version");
  if (version && !whole_number(version))
    return problem("VALIDATION_FAILED", "as_of_version is a whole number.",
                   {{"as_of_version", "Expected a whole number"}});
  range.up_to_version = whole_number(version);
  if (const auto as_of = query_param(request.target, "as_of")) {
    const auto at = domain::parse_rfc3339(*as_of);
    if (!at) return problem("VALIDATION_FAILED", "as_of is an RFC 3339 time.", {{"as_of", "Invalid datetime"}});
    range.up_to_recorded_at = at->time_since_epoch().count();
  }
  auto events = store_.read_stream(who->tenant_id, std::string(url_decode(stream_id)), range);
  if (!events) return problem("SERVICE_UNAVAILABLE", "The event store is not reachable.");
  if (events->empty()) return problem("NOT_FOUND", "No such stream.");
  json_writer json;
  json.begin_object();
  json.field("stream_id", url_decode(stream_id));
  json.field("version", events->back().stream_version());
  json.key("state");
  if (const auto state = state_json(std::string(url_decode(stream_id)), *events))
    json.raw(*state);
  else
    json.null();
  json.key("events").begin_array();
  for (const auto& e : *events) json.raw(envelope_json(e));
  json.end_array();
  json.end_object();
  return json_ok(json.take());
}

domain::expected<std::int64_t, http_response> api::read_model_position(const http_request& request) {
  if (!options_.read_models) return domain::unexpected(problem("SERVICE_UNAVAILABLE", "No read model is configured."));
  const auto min_position = query_param(request.target, "min_position");
  if (min_position && !whole_number(min_position))
    return domain::unexpected(
        problem("VALIDATION_FAILED", "min_position is a whole number.", {{"min_position", "Expected a whole number"}}));
  std::int64_t position = options_.read_model_position();
  if (const auto wanted = whole_number(min_position)) {
    const auto deadline = std::chrono::steady_clock::now() + read_your_writes_wait;
    while ((position = options_.read_model_position()) < *wanted) {
      if (std::chrono::steady_clock::now() >= deadline)
        return domain::unexpected(
            problem("READ_MODEL_BEHIND", "The read model has not reached position " + *min_position + " yet."));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return position;
}

// A task with its timeline (notes, rejections, executions), from the read models.
http_response api::task(const http_request& request, std::string_view local_task_id) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->task(who->tenant_id, url_decode(local_task_id));
  if (!found) return problem("SERVICE_UNAVAILABLE", "The read model is not reachable.");
  if (!*found || (who->role == domain::roles::LOCAL_USER && !who->assigned_to((*found)->task.market_id)))
    return problem("NOT_FOUND", "No such task.");
  const auto& t = (*found)->task;
  json_writer json;
  json.begin_object().field("position", *waited).key("task").begin_object();
  json.field("local_board_id", t.local_board_id).field("market_id", t.market_id);
  write_board_task(json, t);
  json.key("timeline").begin_array();
  for (const auto& entry : (*found)->timeline) {
    json.begin_object().field("position", entry.position).field("kind", entry.kind);
    json.field("user_id", entry.user_id).field("detail", entry.detail).key("http_status");
    if (entry.http_status)
      json.value(*entry.http_status);
    else
      json.null();
    json.field("at", entry.at).end_object();
  }
  json.end_array().end_object().end_object();
  return json_ok(json.take());
}

// The tenant's AI token usage in the current period, from the token-usage read model.
http_response api::usage(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->usage(who->tenant_id);
  if (!found) return problem("SERVICE_UNAVAILABLE", "The read model is not reachable.");
  if (!*found) return problem("NOT_FOUND", "No such tenant.");
  const auto& u = **found;
  // Microseconds, as the reset date: a whole-second clock could put `now` before a period
  // that began within the current second, and read the previous period.
  const auto now = options_.clock();
  const auto period = domain::token_ledger::period_at(u.token_reset_date, now);
  std::int64_t used = 0;
  for (const auto& p : u.periods)
    if (p.start == period.start && now < p.resets_at) used = p.ai_tokens_used;
  const auto overdraft = domain::token_ledger::overdraft_at(used, u.ai_token_quota);
  json_writer json;
  json.begin_object().field("position", *waited);
  json.field("ai_token_quota", u.ai_token_quota).field("ai_tokens_used", used);
  json.field("overdraft_limit", u.ai_token_quota * (100 + domain::token_ledger::overdraft_percent) / 100);
  json.field("overdraft_state", overdraft == domain::token_ledger::overdraft_state::ok          ? "ok"
                                : overdraft == domain::token_ledger::overdraft_state::overdraft ? "overdraft"
                                                                                                : "locked");
  json.field("period_start", domain::format_rfc3339(period.start));
  json.field("token_reset_date", domain::format_rfc3339(period.resets_at));
  json.end_object();
  return json_ok(json.take());
}

// The cells of the heatmap the caller may see (a LOCAL_USER: their markets), after the
// read-your-writes wait; or the answer refusing them.
domain::expected<api::heatmap_view, http_response> api::visible_heatmap(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return domain::unexpected(problem("UNAUTHENTICATED", "A valid token is required."));
  if (!within_rate_limit(who->user_id))
    return domain::unexpected(problem("RATE_LIMITED", "Too many requests; slow down."));
  const auto strategy_id = query_param(request.target, "strategy_id");
  if (!strategy_id || strategy_id->empty())
    return domain::unexpected(problem("VALIDATION_FAILED", "strategy_id is required.", {{"strategy_id", "Required"}}));
  const auto waited = read_model_position(request);
  if (!waited) return domain::unexpected(waited.error());
  auto cells = options_.read_models->heatmap(who->tenant_id, *strategy_id);
  if (!cells) return domain::unexpected(problem("SERVICE_UNAVAILABLE", "The read model is not reachable."));
  if (who->role == domain::roles::LOCAL_USER)
    std::erase_if(*cells, [&](const auto& c) { return !who->assigned_to(c.market_id); });
  return heatmap_view{*strategy_id, *waited, std::move(*cells)};
}

// Per market running a strategy: the weighted completion score 0..1 and the board status.
http_response api::heatmap(const http_request& request) {
  const auto view = visible_heatmap(request);
  if (!view) return view.error();
  json_writer json;
  json.begin_object().field("master_strategy_id", view->strategy_id).field("position", view->position);
  json.key("markets").begin_array();
  for (const auto& c : view->cells) {
    json.begin_object().field("market_id", c.market_id).field("market_name", c.market_name);
    json.field("local_board_id", c.local_board_id).field("board_status", c.board_status);
    json.field("heatmap_score", c.score).end_object();
  }
  json.end_array().end_object();
  return json_ok(json.take());
}

// The heatmap as a labelled SVG picture (the same cells as GET /api/v1/heatmap).
http_response api::heatmap_svg(const http_request& request) {
  const auto view = visible_heatmap(request);
  if (!view) return view.error();
  http_response response;
  response.content_type = "image/svg+xml";
  response.body = gateway::heatmap_svg(view->strategy_id, view->cells);
  return response;
}

// The markets the caller may see: all of the tenant's, or a LOCAL_USER's assigned ones.
http_response api::markets(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  auto markets = options_.read_models->markets(who->tenant_id);
  if (!markets) return problem("SERVICE_UNAVAILABLE", "The read model is not reachable.");
  json_writer json;
  json.begin_object().field("position", *waited).key("markets").begin_array();
  for (const auto& m : *markets) {
    if (who->role == domain::roles::LOCAL_USER && !who->assigned_to(m.id)) continue;
    json.begin_object().field("id", m.id).field("name", m.name).field("region_code", m.region_code);
    json.field("timezone", m.timezone).field("is_active", m.is_active).end_object();
  }
  json.end_array().end_object();
  return json_ok(json.take());
}

// GET /api/v1/boards?market_id=: the boards of a market the caller may see.
http_response api::boards_of_market(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto market_id = query_param(request.target, "market_id");
  if (!market_id || market_id->empty())
    return problem("VALIDATION_FAILED", "market_id is required.", {{"market_id", "Required"}});
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  if (who->role == domain::roles::LOCAL_USER && !who->assigned_to(*market_id))
    return problem("NOT_FOUND", "No such market.");
  auto boards = options_.read_models->boards_of_market(who->tenant_id, *market_id);
  if (!boards) return problem("SERVICE_UNAVAILABLE", "The read model is not reachable.");
  json_writer json;
  json.begin_object().field("position", *waited).key("boards").begin_array();
  for (const auto& b : *boards) {
    json.begin_object().field("id", b.id).field("market_id", b.market_id);
    json.field("master_strategy_id", b.master_strategy_id).field("status", b.status);
    json.field("strategy_version", b.strategy_version).end_object();
  }
  json.end_array().end_object();
  return json_ok(json.take());
}

// A board from the read model; ?min_position=N waits (up to 5 s, else 504) until the
// model has applied position N, so a client reads its own writes.
http_response api::board(const http_request& request, std::string_view board_id) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  const auto position = *waited;
  auto view = options_.read_models->board(who->tenant_id, std::string(board_id));
  if (!view) return problem("SERVICE_UNAVAILABLE", "The read model is not reachable.");
  const auto in_sandbox = *view && (who->role != domain::roles::LOCAL_USER || who->assigned_to((*view)->market_id));
  if (!in_sandbox) return problem("NOT_FOUND", "No such board.");
  const auto& b = **view;
  json_writer json;
  json.begin_object();
  json.field("id", b.id).field("market_id", b.market_id).field("master_strategy_id", b.master_strategy_id);
  json.field("status", b.status).field("strategy_version", b.strategy_version).field("heatmap_score", b.heatmap_score);
  json.field("position", position);
  json.key("tasks").begin_array();
  for (const auto& t : b.tasks) {
    json.begin_object();
    write_board_task(json, t);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json_ok(json.take());
}

}  // namespace stradia::gateway
