// The read side of the API: the event log, time travel, and the read models (markets,
// boards, tasks, usage, heatmap, the caller, users, tenant, policies, vault, strategies)
// with read-your-writes waits; lists paged with ?limit= and ?cursor=.

#include <algorithm>

#include "base/json_text.hpp"
#include "base/json_writer.hpp"
#include "base/uuid_text.hpp"
#include "domain/local_task.hpp"
#include "domain/stream_ids.hpp"
#include "domain/tenant.hpp"
#include "domain/token_ledger.hpp"
#include "gateway/api.hpp"
#include "gateway/board_json.hpp"
#include "gateway/event_log_json.hpp"
#include "gateway/heatmap_svg.hpp"
#include "gateway/problem.hpp"
#include "gateway/request_helpers.hpp"
#include "gateway/state_json.hpp"

namespace stradia::gateway {

namespace {

constexpr std::size_t default_log_limit = 100;
constexpr std::size_t max_log_limit = 1000;
constexpr std::size_t stream_page = 100;  // events read from Postgres per piece of a streamed answer

// ?limit= (1 to 1,000, 100 when absent) and ?cursor= of a list (API.md §4). A cursor is
// what the list pages by: a log position (a whole number), an entity's id (a UUID), or text.
struct list_request {
  std::size_t limit;
  std::string cursor;
};

enum class cursor_kind { position, id, text };

base::expected<list_request, http_response> list_request_of(const http_request& request, cursor_kind kind) {
  const auto text = query_param(request.target, "limit");
  const auto limit = whole_number(text).value_or(default_log_limit);
  if ((text && !whole_number(text)) || limit < 1 || limit > static_cast<std::int64_t>(max_log_limit))
    return base::unexpected(problem(problem_code::validation_failed, "limit is a whole number from 1 to 1000.",
                                    {{"limit", "Expected a whole number from 1 to 1000"}}));
  auto cursor = query_param(request.target, "cursor").value_or("");
  if (kind == cursor_kind::position && !cursor.empty() && !whole_number(cursor))
    return base::unexpected(problem(problem_code::validation_failed, "cursor is the previous page's next_cursor.",
                                    {{"cursor", "Expected a whole number"}}));
  if (kind == cursor_kind::id && !cursor.empty() && !base::is_uuid(cursor))
    return base::unexpected(problem(problem_code::validation_failed, "cursor is the previous page's next_cursor.",
                                    {{"cursor", "Invalid uuid"}}));
  return list_request{static_cast<std::size_t>(limit), std::move(cursor)};
}

// `"name": "text"`, or `"name": null` when there is none.
void write_next_cursor(base::json_writer& json, const std::optional<std::string>& cursor) {
  write_optional(json, "next_cursor", cursor);
}

// A list's answer, the same for every list: {position, <list>: [each item's object], next_cursor}.
// `write_item` writes an item's fields into its object.
template <class Item, class WriteItem>
http_response page_answer(std::int64_t position, std::string_view list, const projections::page<Item>& page,
                          WriteItem write_item) {
  base::json_writer json;
  json.begin_object().field("position", position).key(list).begin_array();
  for (const auto& item : page.items) {
    json.begin_object();
    write_item(json, item);
    json.end_object();
  }
  json.end_array();
  write_next_cursor(json, page.next_cursor);
  json.end_object();
  return json_ok(json.take());
}

// The markets a caller is confined to: a LOCAL_USER's assigned ones; nullopt for the others.
std::optional<std::vector<std::string>> sandbox_of(const domain::caller& who) {
  if (who.role != domain::roles::LOCAL_USER) return std::nullopt;
  return who.assigned_market_ids;
}

}  // namespace

// The tenant's log for auditors (GLOBAL_ADMIN, READ_ONLY), as NDJSON in position order:
// up to `limit` events after `after`, read and sent a page at a time.
http_response api::event_log(const route_args& a) {
  const auto& request = a.request;
  const auto* who = a.who;
  if (who->role != domain::roles::GLOBAL_ADMIN && who->role != domain::roles::READ_ONLY)
    return problem(problem_code::forbidden, "Only GLOBAL_ADMIN and READ_ONLY users read the event log.");
  const auto after = query_param(request.target, "after");
  const auto limit = query_param(request.target, "limit");
  if ((after && !whole_number(after)) || (limit && !whole_number(limit)))
    return problem(problem_code::validation_failed, "after and limit are whole numbers.",
                   {{after && !whole_number(after) ? "after" : "limit", "Expected a whole number"}});
  struct progress {
    eventstore::log_query query;
    std::string tenant_id;
    std::size_t remaining = 0;
  };
  auto at = std::make_shared<progress>();
  at->tenant_id = who->tenant_id;
  at->query.after_position = whole_number(after).value_or(0);
  at->remaining =
      std::min<std::size_t>(static_cast<std::size_t>(whole_number(limit).value_or(default_log_limit)), max_log_limit);
  at->query.stream_id = query_param(request.target, "stream_id");
  at->query.event_type = query_param(request.target, "type");
  if (at->query.stream_id) {
    // A stream of another tenant (or none) is not there to filter by.
    eventstore::stream_range first;
    first.max_count = 1;
    const auto exists = store_.read_stream(who->tenant_id, *at->query.stream_id, first);
    if (!exists) return problem(problem_code::service_unavailable, "The event store is not reachable.");
    if (exists->empty()) return problem(problem_code::not_found, "No such stream.");
  }
  // Reads the next page into `out`; false at the end. Throws when the store fails mid-way.
  auto next_page = [this, at](std::string& out) {
    at->query.max_count = std::min(stream_page, at->remaining);
    if (at->query.max_count == 0) return false;
    auto events = store_.read_tenant_log(at->tenant_id, at->query);
    if (!events) throw std::runtime_error("the event store failed mid-answer: " + events.error().message);
    for (const auto& e : *events) out += envelope_json(e) + "\n";
    at->remaining -= events->size();
    if (!events->empty()) at->query.after_position = events->back().global_position();
    return events->size() == at->query.max_count && at->remaining > 0;
  };
  http_response response{200, "application/x-ndjson", {}, {}, {}};
  try {
    if (next_page(response.body)) response.stream = next_page;  // the first page answers errors as 503
  } catch (const std::exception&) {
    return problem(problem_code::service_unavailable, "The event store is not reachable.");
  }
  return response;
}

// A stream's state up to a version or a time (time travel), with its events a page at a
// time (?limit=, default 100, at most 1,000; ?cursor= the version after which the page
// starts, from the previous page's next_cursor). The state folds every event up to the
// point asked for, read page by page, never the whole stream at once.
http_response api::stream(const route_args& a) {
  const auto& request = a.request;
  const auto* who = a.who;
  if (who->role != domain::roles::GLOBAL_ADMIN && who->role != domain::roles::READ_ONLY &&
      who->role != domain::roles::SUPERVISOR)
    return problem(problem_code::forbidden, "This role does not read raw streams.");
  const std::string& stream_id = a.id;
  eventstore::stream_range range;
  for (const char* name : {"as_of_version", "limit", "cursor"})
    if (const auto value = query_param(request.target, name); value && !whole_number(value))
      return problem(problem_code::validation_failed, std::string(name) + " is a whole number.",
                     {{name, "Expected a whole number"}});
  range.up_to_version = whole_number(query_param(request.target, "as_of_version"));
  if (const auto as_of = query_param(request.target, "as_of")) {
    const auto at = domain::parse_rfc3339(*as_of);
    if (!at)
      return problem(problem_code::validation_failed, "as_of is an RFC 3339 time.", {{"as_of", "Invalid datetime"}});
    range.up_to_recorded_at = at->time_since_epoch().count();
  }
  range.max_count = stream_page;
  struct progress {
    std::string tenant_id;
    eventstore::stream_range range;
    std::unique_ptr<stream_state_folder> state;
    std::int64_t cursor = 0;
    std::size_t to_show = 0;
    std::int64_t version = 0;
    std::optional<std::int64_t> next_cursor;
    bool first_shown = true;
  };
  auto at = std::make_shared<progress>();
  at->tenant_id = who->tenant_id;
  at->range = range;
  at->state = stream_state_folder::for_stream(stream_id);
  at->cursor = whole_number(query_param(request.target, "cursor")).value_or(0);
  at->to_show = std::min<std::size_t>(
      static_cast<std::size_t>(whole_number(query_param(request.target, "limit")).value_or(default_log_limit)),
      max_log_limit);
  // Reads the next page: shown events go to `out`, every event to the state. False at the end.
  auto next_page = [this, at, stream_id](std::string& out) {
    auto events = store_.read_stream(at->tenant_id, stream_id, at->range);
    if (!events) throw std::runtime_error("the event store failed mid-answer: " + events.error().message);
    for (const auto& e : *events) {
      if (at->state) at->state->apply(e);
      at->version = e.stream_version();
      if (e.stream_version() <= at->cursor) continue;
      if (at->to_show == 0) {
        if (!at->next_cursor) at->next_cursor = e.stream_version() - 1;
        continue;
      }
      out += at->first_shown ? "" : ",";
      out += envelope_json(e);
      at->first_shown = false;
      --at->to_show;
    }
    if (!events->empty()) at->range.after_version = events->back().stream_version();
    if (events->size() == at->range.max_count) return true;
    // The object's last members: numbers and the state's JSON, nothing to escape.
    out += "],\"version\":" + std::to_string(at->version) + ",\"state\":" + (at->state ? at->state->json() : "null") +
           ",\"next_cursor\":" + (at->next_cursor ? std::to_string(*at->next_cursor) : "null") + "}";
    return false;
  };
  base::json_writer head;
  head.begin_object().field("stream_id", stream_id).key("events").begin_array();
  http_response response{200, "application/json", head.take(), {}, {}};
  try {
    const bool more = next_page(response.body);
    if (at->version == 0) return problem(problem_code::not_found, "No such stream.");
    if (more) response.stream = next_page;
  } catch (const std::exception&) {
    return problem(problem_code::service_unavailable, "The event store is not reachable.");
  }
  return response;
}

base::expected<std::int64_t, http_response> api::read_model_position(const http_request& request) {
  if (!options_.read_models)
    return base::unexpected(problem(problem_code::service_unavailable, "No read model is configured."));
  const auto min_position = query_param(request.target, "min_position");
  if (min_position && !whole_number(min_position))
    return base::unexpected(problem(problem_code::validation_failed, "min_position is a whole number.",
                                    {{"min_position", "Expected a whole number"}}));
  const std::int64_t position = options_.read_model_position();
  if (const auto wanted = whole_number(min_position); wanted && position < *wanted)
    return base::unexpected(
        problem(problem_code::read_model_behind, "The read model has not reached position " + *min_position + " yet."));
  return position;
}

// A task with everything its drawer shows (API.md §4), from the read models.
http_response api::task(const route_args& a) {
  const auto& request = a.request;
  const auto* who = a.who;
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->task(who->tenant_id, a.id);
  if (!found) return read_model_unreachable();
  if (!*found || (who->role == domain::roles::LOCAL_USER && !who->assigned_to((*found)->task.market_id)))
    return problem(problem_code::not_found, "No such task.");
  base::json_writer json;
  json.begin_object().field("position", *waited).key("task").begin_object();
  write_task_detail(json, **found);
  json.end_object().end_object();
  return json_ok(json.take());
}

// The tenant's AI token usage in the current period, from the token-usage read model.
http_response api::usage(const route_args& a) {
  const auto& request = a.request;
  const auto* who = a.who;
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->usage(who->tenant_id);
  if (!found) return read_model_unreachable();
  if (!*found) return problem(problem_code::not_found, "No such tenant.");
  const auto& u = **found;
  // Microseconds, as the reset date: a whole-second clock could put `now` before a period
  // that began within the current second, and read the previous period.
  const auto now = options_.clock();
  const auto period = domain::token_ledger::period_at(u.token_reset_date, now);
  std::int64_t used = 0;
  for (const auto& p : u.periods)
    if (p.start == period.start && now < p.resets_at) used = p.ai_tokens_used;
  const auto overdraft = domain::token_ledger::overdraft_at(used, u.ai_token_quota);
  base::json_writer json;
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

base::expected<std::string, http_response> api::strategy_id_of(const http_request& request) {
  auto strategy_id = query_param(request.target, "strategy_id");
  if (!strategy_id || strategy_id->empty())
    return base::unexpected(
        problem(problem_code::validation_failed, "strategy_id is required.", {{"strategy_id", "Required"}}));
  if (!base::is_uuid(*strategy_id))
    return base::unexpected(problem(problem_code::validation_failed, "strategy_id is a lowercase UUID.",
                                    {{"strategy_id", "Invalid uuid"}}));
  return std::move(*strategy_id);
}

// The cells of the heatmap the caller may see (a LOCAL_USER: their markets), after the
// read-your-writes wait; or the answer refusing them.
base::expected<api::heatmap_view, http_response> api::visible_heatmap(const route_args& a) {
  const auto& request = a.request;
  const auto* who = a.who;
  const auto strategy_id = strategy_id_of(request);
  if (!strategy_id) return base::unexpected(strategy_id.error());
  std::optional<domain::timestamp> as_of;
  if (const auto text = query_param(request.target, "as_of")) {
    as_of = domain::parse_rfc3339(*text);
    if (!as_of)
      return base::unexpected(
          problem(problem_code::validation_failed, "as_of is an RFC 3339 time.", {{"as_of", "Invalid datetime"}}));
  }
  const auto waited = read_model_position(request);
  if (!waited) return base::unexpected(waited.error());
  std::vector<projections::heatmap_cell> cells;
  if (as_of) {
    // From the heatmap history: each board's score and status at that moment.
    auto then = projections::analytics::analytics_reader(*options_.read_models)
                    .heatmap_as_of(who->tenant_id, *strategy_id, as_of->time_since_epoch().count());
    if (!then) return base::unexpected(read_model_unreachable());
    if (!*then) return base::unexpected(problem(problem_code::not_found, "No such strategy deployed."));
    cells = std::move(**then);
  } else {
    auto now = options_.read_models->heatmap(who->tenant_id, *strategy_id);
    if (!now) return base::unexpected(read_model_unreachable());
    // A strategy with no board in the tenant (another tenant's, or none) is not there to see.
    if (now->empty()) return base::unexpected(problem(problem_code::not_found, "No such strategy deployed."));
    cells = std::move(*now);
  }
  if (who->role == domain::roles::LOCAL_USER)
    std::erase_if(cells, [&](const auto& c) { return !who->assigned_to(c.market_id); });
  return heatmap_view{*strategy_id, *waited, std::move(cells), as_of};
}

// Per market running a strategy: the weighted completion score 0..1 and the board status.
http_response api::heatmap(const route_args& a) {
  const auto view = visible_heatmap(a);
  if (!view) return view.error();
  base::json_writer json;
  json.begin_object().field("master_strategy_id", view->strategy_id).field("position", view->position);
  if (view->as_of) json.field("as_of", domain::format_rfc3339(*view->as_of));
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
http_response api::heatmap_svg(const route_args& a) {
  const auto view = visible_heatmap(a);
  if (!view) return view.error();
  http_response response;
  response.content_type = "image/svg+xml";
  response.body = gateway::heatmap_svg(view->strategy_id, view->cells);
  return response;
}

// The markets the caller may see: all of the tenant's, or a LOCAL_USER's assigned ones.
http_response api::markets(const route_args& a) {
  const auto* who = a.who;
  const auto list = list_request_of(a.request, cursor_kind::text);
  if (!list) return list.error();
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->markets(who->tenant_id, list->cursor, list->limit, sandbox_of(*who));
  if (!found) return read_model_unreachable();
  if (!*found)
    return problem(problem_code::validation_failed, "cursor is the previous page's next_cursor.",
                   {{"cursor", "Not a cursor of this list"}});
  return page_answer(*waited, "markets", **found, [](base::json_writer& json, const projections::market_view& m) {
    json.field("id", m.id).field("name", m.name).field("region_code", m.region_code);
    json.field("timezone", m.timezone).field("is_active", m.is_active);
  });
}

// GET /api/v1/boards?market_id=: the boards of a market the caller may see.
http_response api::boards_of_market(const route_args& a) {
  const auto& request = a.request;
  const auto* who = a.who;
  const auto market_id = query_param(request.target, "market_id");
  if (!market_id || market_id->empty())
    return problem(problem_code::validation_failed, "market_id is required.", {{"market_id", "Required"}});
  if (!base::is_uuid(*market_id))
    return problem(problem_code::validation_failed, "market_id is a lowercase UUID.", {{"market_id", "Invalid uuid"}});
  const auto list = list_request_of(request, cursor_kind::id);
  if (!list) return list.error();
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  if (who->role == domain::roles::LOCAL_USER && !who->assigned_to(*market_id))
    return problem(problem_code::not_found, "No such market.");
  const auto market = options_.read_models->markets(who->tenant_id, "", 1, std::vector{*market_id});
  if (!market || !*market) return read_model_unreachable();
  if ((*market)->items.empty()) return problem(problem_code::not_found, "No such market.");
  const auto boards = options_.read_models->boards_of_market(who->tenant_id, *market_id, list->cursor, list->limit);
  if (!boards) return read_model_unreachable();
  return page_answer(*waited, "boards", *boards, [](base::json_writer& json, const projections::board_summary& b) {
    json.field("id", b.id).field("market_id", b.market_id);
    json.field("master_strategy_id", b.master_strategy_id).field("status", b.status);
    json.field("strategy_version", b.strategy_version);
  });
}

// A board from the read model; ?min_position=N waits (up to 5 s, else 504) until the
// model has applied position N, so a client reads its own writes.
http_response api::board(const route_args& a) {
  const auto& request = a.request;
  const auto* who = a.who;
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  const auto position = *waited;
  auto view = options_.read_models->board(who->tenant_id, a.id);
  if (!view) return read_model_unreachable();
  const auto in_sandbox = *view && (who->role != domain::roles::LOCAL_USER || who->assigned_to((*view)->market_id));
  if (!in_sandbox) return problem(problem_code::not_found, "No such board.");
  const auto& b = **view;
  base::json_writer json;
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

namespace {

void write_user(base::json_writer& json, const projections::directory_user& u) {
  json.field("id", u.id).field("email", u.email).field("role", u.role).field("is_active", u.is_active);
  json.field("language_preference", u.language_preference).key("assigned_market_ids").begin_array();
  for (const auto& m : u.assigned_market_ids) json.value(m);
  json.end_array();
  write_optional(json, "last_login_at", u.last_login_at);
}

}  // namespace

// The caller as the directory read model has them.
http_response api::me(const route_args& a) {
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->user(a.who->tenant_id, a.who->user_id);
  if (!found) return read_model_unreachable();
  if (!*found) return problem(problem_code::not_found, "No such user.");
  base::json_writer json;
  json.begin_object().field("position", *waited).field("tenant_id", a.who->tenant_id).key("user").begin_object();
  write_user(json, **found);
  json.end_object().end_object();
  return json_ok(json.take());
}

// GET /api/v1/users: the tenant's users by email, a page at a time (GLOBAL_ADMIN,
// SUPERVISOR).
http_response api::users(const route_args& a) {
  const auto& who = *a.who;
  if (who.role != domain::roles::GLOBAL_ADMIN && who.role != domain::roles::SUPERVISOR)
    return problem(problem_code::forbidden, "Only GLOBAL_ADMIN and SUPERVISOR users list users.");
  const auto list = list_request_of(a.request, cursor_kind::text);
  if (!list) return list.error();
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->users(who.tenant_id, list->cursor, list->limit);
  if (!found) return read_model_unreachable();
  return page_answer(*waited, "users", *found, write_user);
}

// GET /api/v1/tenant: the plan, its limits and what the tenant uses of them.
http_response api::tenant(const route_args& a) {
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->tenant(a.who->tenant_id);
  if (!found) return read_model_unreachable();
  if (!*found) return problem(problem_code::not_found, "No such tenant.");
  const auto& t = **found;
  base::json_writer json;
  json.begin_object().field("position", *waited).key("tenant").begin_object();
  json.field("id", t.id).field("name", t.name).field("is_active", t.is_active);
  json.field("active_markets_limit", t.active_markets_limit).field("active_markets_in_use", t.active_markets_in_use);
  json.field("user_seat_limit", t.user_seat_limit).field("seats_in_use", t.seats_in_use);
  json.field("ai_token_quota", t.ai_token_quota);
  json.end_object().end_object();
  return json_ok(json.take());
}

// GET /api/v1/policies: the tenant's governance policies, oldest first, a page at a time.
http_response api::policies(const route_args& a) {
  const auto list = list_request_of(a.request, cursor_kind::position);
  if (!list) return list.error();
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found =
      options_.read_models->policies(a.who->tenant_id, whole_number(list->cursor).value_or(0), list->limit);
  if (!found) return read_model_unreachable();
  return page_answer(*waited, "policies", *found, [](base::json_writer& json, const projections::policy_view& p) {
    json.field("id", p.id).field("policy_text", p.policy_text).field("platform", p.platform);
    json.field("is_active", p.is_active).field("created_by", p.created_by).field("created_at", p.created_at);
  });
}

// GET /api/v1/vault: per market and platform, whether a credential is stored or revoked;
// never a token (GLOBAL_ADMIN).
http_response api::vault(const route_args& a) {
  if (a.who->role != domain::roles::GLOBAL_ADMIN)
    return problem(problem_code::forbidden, "Only a GLOBAL_ADMIN reads the vault's status.");
  const auto list = list_request_of(a.request, cursor_kind::text);
  if (!list) return list.error();
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->vault(a.who->tenant_id, list->cursor, list->limit);
  if (!found) return read_model_unreachable();
  return page_answer(*waited, "credentials", *found, [](base::json_writer& json, const projections::vault_view& v) {
    json.field("market_id", v.market_id).field("platform", v.platform);
    json.field("is_revoked", v.is_revoked).field("stored_by", v.stored_by).field("updated_at", v.updated_at);
    write_optional(json, "last_used_at", v.last_used_at);
  });
}

namespace {

// A strategy as a LOCAL_USER may see it (only the markets assigned to them), or nullopt
// when it runs on none of them; everyone else sees it whole.
std::optional<projections::strategy_view> visible(projections::strategy_view s, const domain::caller& who) {
  if (who.role != domain::roles::LOCAL_USER) return s;
  std::erase_if(s.deployed_market_ids, [&](const std::string& m) { return !who.assigned_to(m); });
  if (s.deployed_market_ids.empty()) return std::nullopt;
  return s;
}

void write_strategy(base::json_writer& json, const projections::strategy_view& s) {
  json.field("id", s.id).field("title", s.title).field("description", s.description);
  json.field("version", s.version).field("is_published", s.is_published).key("deployed_market_ids").begin_array();
  for (const auto& m : s.deployed_market_ids) json.value(m);
  json.end_array().key("global_tasks").begin_array();
  for (const auto& t : s.tasks) {
    json.begin_object().field("id", t.id).field("title", t.title).field("description", t.description);
    json.field("task_type", t.task_type).field("target_platform", t.target_platform).field("weight", t.weight);
    json.field("order_index", t.order_index).field("has_system_prompt", t.has_system_prompt);
    json.key("expected_payload_schema");
    base::write_json_text(json, t.expected_payload_schema);
    json.end_object();
  }
  json.end_array();
}

}  // namespace

// GET /api/v1/strategies: the tenant's master strategies with their tasks and markets,
// oldest first, a page at a time (a LOCAL_USER: those running on their markets).
http_response api::strategies(const route_args& a) {
  const auto list = list_request_of(a.request, cursor_kind::position);
  if (!list) return list.error();
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->strategies(a.who->tenant_id, whole_number(list->cursor).value_or(0),
                                                      list->limit, sandbox_of(*a.who));
  if (!found) return read_model_unreachable();
  projections::page<projections::strategy_view> shown{{}, found->next_cursor};
  for (const auto& s : found->items)
    if (auto v = visible(s, *a.who)) shown.items.push_back(std::move(*v));
  return page_answer(*waited, "strategies", shown, write_strategy);
}

// GET /api/v1/strategies/{id}
http_response api::strategy(const route_args& a) {
  const auto waited = read_model_position(a.request);
  if (!waited) return waited.error();
  const auto found = options_.read_models->strategy(a.who->tenant_id, a.id);
  if (!found) return read_model_unreachable();
  const auto shown = *found ? visible(**found, *a.who) : std::nullopt;
  if (!shown) return problem(problem_code::not_found, "No such strategy.");
  base::json_writer json;
  json.begin_object().field("position", *waited).key("strategy").begin_object();
  write_strategy(json, *shown);
  json.end_object().end_object();
  return json_ok(json.take());
}

}  // namespace stradia::gateway
