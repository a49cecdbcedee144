#include "gateway/api.hpp"

#include <openssl/sha.h>
#include <simdjson.h>

#include <algorithm>
#include <thread>

#include "commands/uuid.hpp"
#include "domain/clock.hpp"
#include "domain/event_codec.hpp"
#include "domain/local_task.hpp"
#include "domain/stream_ids.hpp"
#include "domain/tenant.hpp"
#include "domain/token_ledger.hpp"
#include "gateway/command_parser.hpp"
#include "gateway/command_routes.hpp"
#include "gateway/event_log_json.hpp"
#include "gateway/json_writer.hpp"
#include "gateway/password.hpp"
#include "gateway/problem.hpp"
#include "gateway/state_json.hpp"

namespace stradia::gateway {

namespace {

constexpr std::string_view commands_prefix = "/api/v1/commands/";
constexpr std::string_view streams_prefix = "/api/v1/streams/";
constexpr std::string_view boards_prefix = "/api/v1/boards/";
constexpr std::string_view tasks_prefix = "/api/v1/tasks/";
constexpr auto read_your_writes_wait = std::chrono::seconds(5);
constexpr std::size_t default_log_limit = 100;
constexpr std::size_t max_log_limit = 1000;
constexpr std::size_t max_remembered_keys = 10000;
constexpr std::size_t min_password_length = 8;

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+')
      out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else
      out += s[i];
  }
  return out;
}

// The value of query parameter `name`, decoded; nullopt when absent.
std::optional<std::string> query_param(const std::string& target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view query = std::string_view(target).substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// A whole stream as the tenant sees it; nullopt when the store is unreachable.
std::optional<std::vector<eventstore::envelope>> whole_stream(eventstore::event_store& store,
                                                              const std::string& tenant_id,
                                                              const std::string& stream_id) {
  std::vector<eventstore::envelope> events;
  for (;;) {
    eventstore::stream_range range;
    range.after_version = events.empty() ? 0 : events.back().stream_version();
    auto batch = store.read_stream(tenant_id, stream_id, range);
    if (!batch) return std::nullopt;
    events.insert(events.end(), batch->begin(), batch->end());
    if (batch->size() < range.max_count) return events;
  }
}

template <class State, class Event>
State fold_state(const std::vector<eventstore::envelope>& events, State (*evolve)(State, const Event&)) {
  State state;
  for (const auto& e : events)
    if (auto event = domain::decode_event<Event>(e)) state = evolve(std::move(state), *event);
  return state;
}

std::optional<std::int64_t> whole_number(const std::optional<std::string>& text) {
  if (!text || text->empty() || text->size() > 18 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(*text);
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 0xF];
  }
  return out;
}

std::string bearer_token(const http_request& r) {
  constexpr std::string_view scheme = "Bearer ";
  if (r.authorization.size() > scheme.size() && std::equal(scheme.begin(), scheme.end(), r.authorization.begin()))
    return r.authorization.substr(scheme.size());
  constexpr std::string_view cookie = "stradia_session=";
  for (std::size_t at = 0; at < r.cookie.size();) {
    const auto end = std::min(r.cookie.find(';', at), r.cookie.size());
    auto part = std::string_view(r.cookie).substr(at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, cookie.size()) == cookie) return std::string(part.substr(cookie.size()));
    at = end + 1;
  }
  return {};
}

http_response json_ok(std::string body) { return http_response{200, "application/json", std::move(body), {}}; }

std::string outcome_json(const commands::command_outcome& o) {
  json_writer json;
  json.begin_object();
  json.field("command_id", o.command_id);
  json.field("stream_id", o.stream_id);
  json.field("version", o.version);
  json.field("global_position", o.global_position);
  json.key("events").begin_array();
  for (const auto& e : o.events) json.raw(e);
  json.end_array();
  json.key("result").begin_object();
  for (const auto& [name, id] : o.created) json.field(name, id);
  json.end_object();
  json.end_object();
  return json.take();
}

}  // namespace

api::api(commands::command_service& commands, eventstore::event_store& store, const projections::user_directory& users,
         api_options options)
    : commands_(commands), store_(store), users_(users), options_(std::move(options)), jwt_(options_.jwt_secret) {}

http_response api::handle(const http_request& request) {
  const auto path = path_of(request.target);
  if (path == "/healthz")
    return request.method == "GET" ? json_ok(R"({"status":"ok"})") : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path == "/readyz") return request.method == "GET" ? ready() : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path == "/api/v1/auth/login")
    return request.method == "POST" ? login(request) : problem("METHOD_NOT_ALLOWED", "Use POST.");
  if (path == "/api/v1/events")
    return request.method == "GET" ? event_log(request) : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path.rfind(tasks_prefix, 0) == 0)
    return request.method == "GET" ? task(request, std::string_view(path).substr(tasks_prefix.size()))
                                   : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path == "/api/v1/heatmap")
    return request.method == "GET" ? heatmap(request) : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path == "/api/v1/usage")
    return request.method == "GET" ? usage(request) : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path == "/api/v1/markets")
    return request.method == "GET" ? markets(request) : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path == "/api/v1/boards")
    return request.method == "GET" ? boards_of_market(request) : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path.rfind(boards_prefix, 0) == 0)
    return request.method == "GET" ? board(request, std::string_view(path).substr(boards_prefix.size()))
                                   : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path.rfind(streams_prefix, 0) == 0)
    return request.method == "GET" ? stream(request, std::string_view(path).substr(streams_prefix.size()))
                                   : problem("METHOD_NOT_ALLOWED", "Use GET.");
  if (path.rfind(commands_prefix, 0) == 0)
    return request.method == "POST" ? command(request, std::string_view(path).substr(commands_prefix.size()))
                                    : problem("METHOD_NOT_ALLOWED", "Use POST.");
  return problem("NOT_FOUND", "No such resource: " + path);
}

http_response api::ready() {
  auto head = store_.read_all(0, 1);
  if (!head) return problem("SERVICE_UNAVAILABLE", "The event store is not reachable.");
  return json_ok(R"({"status":"ready"})");
}

std::optional<domain::caller> api::authenticate(const http_request& request) const {
  const auto token = bearer_token(request);
  if (token.empty()) return std::nullopt;
  const auto claims = jwt_.verify(token, options_.unix_seconds());
  if (!claims) return std::nullopt;
  const auto user = users_.by_id(claims->sub);
  if (!user || !user->is_active || user->tenant_id != claims->tid) return std::nullopt;
  return domain::caller{user->id, user->tenant_id, user->role,
                        std::vector<std::string>(user->market_ids.begin(), user->market_ids.end()), false};
}

namespace {

// Token bucket: `rate` tokens a second up to `burst`; false when none is left. The map
// forgets everyone when it grows past 100,000 keys (made-up emails cannot fill memory).
bool take_token(std::unordered_map<std::string, api_bucket>& buckets, const std::string& key, double rate,
                double burst) {
  const auto now = std::chrono::steady_clock::now();
  if (buckets.size() > 100000) buckets.clear();
  auto [it, fresh] = buckets.try_emplace(key, api_bucket{burst, now});
  auto& b = it->second;
  b.tokens = std::min(burst, b.tokens + std::chrono::duration<double>(now - b.refilled).count() * rate);
  b.refilled = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace

bool api::within_rate_limit(const std::string& user_id) {
  if (options_.requests_per_second <= 0) return true;
  std::lock_guard lock(rate_mutex_);
  return take_token(buckets_, user_id, options_.requests_per_second, options_.requests_per_second * 2);
}

bool api::login_allowed(const std::string& email) {
  if (options_.requests_per_second <= 0 || options_.login_attempts_per_minute <= 0) return true;
  std::lock_guard lock(rate_mutex_);
  return take_token(login_buckets_, email, options_.login_attempts_per_minute / 60, options_.login_attempts_per_minute);
}

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
  if (!options_.boards) return domain::unexpected(problem("SERVICE_UNAVAILABLE", "No read model is configured."));
  const auto min_position = query_param(request.target, "min_position");
  if (min_position && !whole_number(min_position))
    return domain::unexpected(
        problem("VALIDATION_FAILED", "min_position is a whole number.", {{"min_position", "Expected a whole number"}}));
  std::int64_t position = options_.board_position();
  if (const auto wanted = whole_number(min_position)) {
    const auto deadline = std::chrono::steady_clock::now() + read_your_writes_wait;
    while ((position = options_.board_position()) < *wanted) {
      if (std::chrono::steady_clock::now() >= deadline)
        return domain::unexpected(
            problem("READ_MODEL_BEHIND", "The read model has not reached position " + *min_position + " yet."));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return position;
}

// A task with its timeline (notes, rejections, executions), rebuilt from its stream, so it
// is always current; a LOCAL_USER sees only tasks of assigned markets.
http_response api::task(const http_request& request, std::string_view local_task_id) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto stream_id = "task-" + url_decode(local_task_id);
  const auto read = whole_stream(store_, who->tenant_id, stream_id);
  if (!read) return problem("SERVICE_UNAVAILABLE", "The event store is not reachable.");
  const auto& events = *read;
  const auto state = fold_state(events, &domain::local_task::evolve);
  if (!state.exists || (who->role == domain::roles::LOCAL_USER && !who->assigned_to(state.market_id)))
    return problem("NOT_FOUND", "No such task.");
  json_writer json;
  json.begin_object();
  json.field("position", events.back().global_position());
  json.key("task").raw(*state_json(stream_id, events));
  json.end_object();
  return json_ok(json.take());
}

// The tenant's AI token usage in the current period, from the Tenant and TokenLedger streams.
http_response api::usage(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto tenant_events = whole_stream(store_, who->tenant_id, domain::stream_ids::tenant(who->tenant_id));
  if (!tenant_events) return problem("SERVICE_UNAVAILABLE", "The event store is not reachable.");
  const auto tenant = fold_state(*tenant_events, &domain::tenant::evolve);
  if (!tenant.exists) return problem("NOT_FOUND", "No such tenant.");
  const auto now = domain::timestamp{std::chrono::seconds{options_.unix_seconds()}};
  const auto period = domain::token_ledger::period_at(tenant.token_reset_date, now);
  const auto ledger_events =
      whole_stream(store_, who->tenant_id, domain::stream_ids::ledger(who->tenant_id, period.start));
  if (!ledger_events) return problem("SERVICE_UNAVAILABLE", "The event store is not reachable.");
  const auto ledger = fold_state(*ledger_events, &domain::token_ledger::evolve);
  const auto used = domain::token_ledger::used_at(ledger, now);
  const auto overdraft = domain::token_ledger::overdraft_at(used, tenant.ai_token_quota);
  json_writer json;
  json.begin_object();
  json.field("ai_token_quota", tenant.ai_token_quota).field("ai_tokens_used", used);
  json.field("overdraft_limit", tenant.ai_token_quota * (100 + domain::token_ledger::overdraft_percent) / 100);
  json.field("overdraft_state", overdraft == domain::token_ledger::overdraft_state::ok          ? "ok"
                                : overdraft == domain::token_ledger::overdraft_state::overdraft ? "overdraft"
                                                                                                : "locked");
  json.field("period_start", domain::format_rfc3339(period.start));
  json.field("token_reset_date", domain::format_rfc3339(period.resets_at));
  json.end_object();
  return json_ok(json.take());
}

// Per market running a strategy: the weighted completion score 0..1 and the board status.
http_response api::heatmap(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto strategy_id = query_param(request.target, "strategy_id");
  if (!strategy_id || strategy_id->empty())
    return problem("VALIDATION_FAILED", "strategy_id is required.", {{"strategy_id", "Required"}});
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  auto cells = options_.boards->heatmap(who->tenant_id, *strategy_id);
  if (!cells) return problem("SERVICE_UNAVAILABLE", "The read model is not reachable.");
  json_writer json;
  json.begin_object().field("master_strategy_id", *strategy_id).field("position", *waited).key("markets").begin_array();
  for (const auto& c : *cells) {
    if (who->role == domain::roles::LOCAL_USER && !who->assigned_to(c.market_id)) continue;
    json.begin_object().field("market_id", c.market_id).field("market_name", c.market_name);
    json.field("local_board_id", c.local_board_id).field("board_status", c.board_status);
    json.field("heatmap_score", c.score).end_object();
  }
  json.end_array().end_object();
  return json_ok(json.take());
}

// The markets the caller may see: all of the tenant's, or a LOCAL_USER's assigned ones.
http_response api::markets(const http_request& request) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto waited = read_model_position(request);
  if (!waited) return waited.error();
  auto markets = options_.boards->markets(who->tenant_id);
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
  auto boards = options_.boards->boards_of_market(who->tenant_id, *market_id);
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
  auto view = options_.boards->board(who->tenant_id, std::string(board_id));
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
  auto optional = [&](std::string_view name, const std::optional<std::string>& v) {
    json.key(name);
    if (v)
      json.value(*v);
    else
      json.null();
  };
  for (const auto& t : b.tasks) {
    json.begin_object();
    json.field("id", t.id).field("global_task_id", t.global_task_id).field("title", t.title);
    json.field("task_type", t.task_type).field("target_platform", t.target_platform).field("weight", t.weight);
    json.field("order_index", t.order_index).field("status", t.status);
    json.field("is_custom_local_task", t.is_custom_local_task).field("is_ghost_card", t.is_ghost_card);
    json.field("pre_flight_scan_status", t.pre_flight_scan_status).field("gemini_token_cost", t.gemini_token_cost);
    optional("locked_by", t.locked_by);
    optional("locked_at", t.locked_at);
    optional("expires_at", t.expires_at);
    json.field("error_log", t.error_log);
    optional("last_executed_at", t.last_executed_at);
    json.field("version", t.version);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json_ok(json.take());
}

http_response api::login(const http_request& request) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string body(request.body);
  auto doc = parser.iterate(body);
  std::string_view email_view, password_view;
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return problem("MALFORMED_JSON", "The body must be a JSON object.");
  if (object["email"].get_string().get(email_view) || object["password"].get_string().get(password_view))
    return problem("VALIDATION_FAILED", "Login needs an email and a password.",
                   {{"email", "Required"}, {"password", "Required"}});
  std::string email(email_view);
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!login_allowed(email)) return problem("RATE_LIMITED", "Too many login attempts for this email; wait a minute.");
  const auto user = users_.by_email(email);
  // The same work and the same answer whether the email or the password is wrong.
  static const std::string decoy = hash_password("stradia decoy password").value_or("");
  const bool password_ok = verify_password(user ? user->password_hash : decoy, password_view);
  if (!user || !password_ok || !user->is_active) return problem("UNAUTHENTICATED", "Wrong email or password.");

  const auto now = options_.unix_seconds();
  token_claims claims{user->id, user->tenant_id, std::string(domain::name_of(user->role)), now,
                      now + options_.token_lifetime.count()};
  const auto token = jwt_.sign(claims);
  user::v1::RecordUserLogin recorded;
  recorded.set_user_id(user->id);
  (void)commands_.record_user_login(domain::system_caller(user->tenant_id), recorded);

  json_writer json;
  json.begin_object();
  json.field("token", token);
  json.field("expires_at", domain::format_rfc3339(domain::timestamp{std::chrono::seconds{claims.exp}}));
  json.key("user").begin_object();
  json.field("id", user->id).field("tenant_id", user->tenant_id).field("role", claims.role).field("email", user->email);
  json.end_object();
  json.end_object();
  auto response = json_ok(json.take());
  response.headers.emplace_back("Set-Cookie", "stradia_session=" + token + "; HttpOnly; SameSite=Strict; Path=/");
  return response;
}

http_response api::command(const http_request& request, std::string_view name) {
  const auto who = authenticate(request);
  if (!who) return problem("UNAUTHENTICATED", "A valid token is required.");
  if (!within_rate_limit(who->user_id)) return problem("RATE_LIMITED", "Too many requests; slow down.");
  const auto* route = find_command_route(name);
  if (!route) return problem("UNKNOWN_COMMAND", "No command named '" + std::string(name) + "'.");

  std::string idempotency_key;
  std::string digest;
  if (!request.idempotency_key.empty()) {
    idempotency_key = who->user_id + "/" + request.idempotency_key;
    digest = sha256_hex(std::string(name) + "\n" + request.body);
    if (auto earlier = replay(idempotency_key, digest)) return *earlier;
  }

  auto parsed = parse_command(request.body, *route->prototype, route->hidden);
  if (!parsed) return problem(parsed.error().code, parsed.error().detail, parsed.error().errors);
  auto& message = **parsed;
  if (auto* invite = dynamic_cast<user::v1::InviteUser*>(&message)) {
    if (invite->password().size() < min_password_length)
      return problem("VALIDATION_FAILED", "The command has invalid fields.",
                     {{"password", "String must contain at least 8 character(s)"}});
    auto hash = hash_password(invite->password());
    invite->clear_password();
    if (!hash) return problem("SERVICE_UNAVAILABLE", "Could not hash the password.");
    invite->set_password_hash(*hash);
  }

  auto result = route->invoke(commands_, *who, message);
  http_response response;
  if (result)
    response = json_ok(outcome_json(*result));
  else if (result.error().unavailable)
    response = problem("SERVICE_UNAVAILABLE", result.error().error.detail);
  else
    response = problem(result.error().error);
  if (!idempotency_key.empty() && response.status < 500) remember(idempotency_key, digest, response);
  return response;
}

std::optional<http_response> api::replay(const std::string& key, const std::string& body_digest) {
  std::lock_guard lock(idempotency_mutex_);
  auto it = idempotency_.find(key);
  if (it == idempotency_.end()) return std::nullopt;
  if (it->second.body_digest != body_digest)
    return problem("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different body.");
  return it->second.response;
}

void api::remember(const std::string& key, const std::string& body_digest, const http_response& response) {
  std::lock_guard lock(idempotency_mutex_);
  if (!idempotency_.emplace(key, remembered{body_digest, response}).second) return;
  idempotency_order_.push_back(key);
  if (idempotency_order_.size() > max_remembered_keys) {
    idempotency_.erase(idempotency_order_.front());
    idempotency_order_.pop_front();
  }
}

}  // namespace stradia::gateway
