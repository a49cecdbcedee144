#include "gateway/api.hpp"

#include <simdjson.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>

#include "base/encoding.hpp"
#include "base/json_writer.hpp"
#include "commands/uuid.hpp"
#include "domain/clock.hpp"
#include "gateway/command_parser.hpp"
#include "gateway/command_routes.hpp"
#include "gateway/event_log_json.hpp"
#include "gateway/password.hpp"
#include "gateway/problem.hpp"
#include "gateway/request_helpers.hpp"
#include "gateway/web_console.hpp"

namespace stradia::gateway {

namespace {

constexpr std::size_t min_password_length = 8;

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

// A body's digest for its Idempotency-Key, keyed by the server's secret: a body may hold a
// password, and an unkeyed hash of it kept in Postgres could be searched offline.
std::string keyed_digest(const std::string& key, std::string_view name, std::string_view body) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size(), 32);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(name.data()), name.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>("\n"), 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  unsigned char digest[32];
  crypto_generichash_final(&state, digest, sizeof digest);
  return base::hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// The key of those digests: derived from the JWT secret (32 bytes of BLAKE2b).
std::string idempotency_digest_key(std::string_view jwt_secret) {
  unsigned char key[32];
  const std::string input = "stradia idempotency digest\n" + std::string(jwt_secret);
  crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(input.data()), input.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(key), sizeof key);
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// The token of an `Authorization: Bearer` header; empty without one. The scheme's name is
// case-insensitive (RFC 9110 §11.1).
std::string_view header_token(const http_request& r) {
  constexpr std::string_view scheme = "bearer ";
  if (r.authorization.size() > scheme.size() &&
      equal_ignoring_case(std::string_view(r.authorization).substr(0, scheme.size()), scheme))
    return std::string_view(r.authorization).substr(scheme.size());
  return {};
}

constexpr std::string_view session_cookie_name = "stradia_session=";

std::string bearer_token(const http_request& r) {
  if (const auto token = header_token(r); !token.empty()) return std::string(token);
  constexpr std::string_view cookie = session_cookie_name;
  for (std::size_t at = 0; at < r.cookie.size();) {
    const auto end = std::min(r.cookie.find(';', at), r.cookie.size());
    auto part = std::string_view(r.cookie).substr(at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, cookie.size()) == cookie) return std::string(part.substr(cookie.size()));
    at = end + 1;
  }
  return {};
}

// A browser names the page that makes a request in Origin. The session cookie is sent by
// any page of the same site (SameSite ignores ports), so a change or a socket that does not
// carry its own bearer token must come from a page of this server: another origin's page
// could otherwise drive a signed-in browser (or sign it in as someone else). Browsers never
// add a bearer token on their own (they may add Basic credentials: those count for
// nothing); other clients send no Origin.
bool from_another_origins_page(const http_request& r) {
  if (r.origin.empty() || !header_token(r).empty()) return false;
  auto origin = std::string_view(r.origin);
  for (std::string_view scheme : {"http://", "https://"})
    if (origin.substr(0, scheme.size()) == scheme) origin.remove_prefix(scheme.size());
  return !equal_ignoring_case(origin, r.host);
}

std::string outcome_json(const commands::command_outcome& o) {
  base::json_writer json;
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
    : commands_(commands),
      store_(store),
      users_(users),
      options_(std::move(options)),
      jwt_(options_.jwt_secret),
      digest_key_(idempotency_digest_key(options_.jwt_secret)) {}

const std::vector<api::route>& api::routes() {
  using access = route_access;
  using lane = request_lane;
  static const std::vector<route> table{
      {"GET", "/healthz", "health", access::open, lane::io, &api::healthz},
      {"GET", "/readyz", "health", access::open, lane::standard, &api::ready},
      {"GET", "/metrics", "metrics", access::open, lane::standard, &api::metrics_text},
      {"POST", "/api/v1/auth/login", "login", access::open, lane::hashing, &api::login},
      {"POST", "/api/v1/auth/logout", "login", access::open, lane::io, &api::logout},
      {"GET", "/", "console", access::open, lane::io, &api::console_page},
      {"GET", "/web/{id}", "console", access::open, lane::io, &api::console_asset},
      {"POST", "/api/v1/commands/{id}", "command", access::caller, lane::standard, &api::command},
      {"GET", "/api/v1/events", "events", access::caller, lane::standard, &api::event_log},
      {"GET", "/api/v1/streams/{id}", "streams", access::caller, lane::standard, &api::stream},
      {"GET", "/api/v1/audit/key", "audit", access::caller, lane::standard, &api::audit_key},
      {"GET", "/api/v1/audit/head", "audit", access::caller, lane::standard, &api::audit_head},
      {"GET", "/api/v1/audit/proof", "audit", access::caller, lane::standard, &api::audit_proof},
      {"GET", "/api/v1/audit/consistency", "audit", access::caller, lane::standard, &api::audit_consistency},
      {"GET", "/api/v1/markets", "query", access::caller, lane::standard, &api::markets},
      {"GET", "/api/v1/boards", "query", access::caller, lane::standard, &api::boards_of_market},
      {"GET", "/api/v1/boards/{id}", "query", access::caller, lane::standard, &api::board},
      {"GET", "/api/v1/tasks/{id}", "query", access::caller, lane::standard, &api::task},
      {"GET", "/api/v1/heatmap", "query", access::caller, lane::standard, &api::heatmap},
      {"GET", "/api/v1/heatmap.svg", "query", access::caller, lane::standard, &api::heatmap_svg},
      {"GET", "/api/v1/analytics/heatmap-history", "analytics", access::caller, lane::standard, &api::heatmap_history},
      {"GET", "/api/v1/analytics/heatmap-history.svg", "analytics", access::caller, lane::standard,
       &api::heatmap_history_svg},
      {"GET", "/api/v1/analytics/flow", "analytics", access::caller, lane::standard, &api::flow},
      {"GET", "/api/v1/analytics/ai-usage", "analytics", access::caller, lane::standard, &api::ai_usage},
      {"GET", "/api/v1/analytics/ghost-cards", "analytics", access::caller, lane::standard, &api::ghost_cards},
      {"GET", "/api/v1/usage", "query", access::caller, lane::standard, &api::usage},
      {"GET", "/api/v1/me", "query", access::caller, lane::standard, &api::me},
      {"GET", "/api/v1/users", "query", access::caller, lane::standard, &api::users},
      {"GET", "/api/v1/tenant", "query", access::caller, lane::standard, &api::tenant},
      {"GET", "/api/v1/policies", "query", access::caller, lane::standard, &api::policies},
      {"GET", "/api/v1/vault", "query", access::caller, lane::standard, &api::vault},
      {"GET", "/api/v1/strategies", "query", access::caller, lane::standard, &api::strategies},
      {"GET", "/api/v1/strategies/{id}", "query", access::caller, lane::standard, &api::strategy},
  };
  return table;
}

std::vector<std::pair<std::string_view, std::string_view>> api::route_table() {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (const auto& r : routes()) out.emplace_back(r.method, r.pattern);
  return out;
}

api::route_match api::match(const http_request& request) {
  route_match out;
  const auto segments = path_segments(request.target);
  if (!segments) return out;
  for (const auto& r : routes()) {
    std::string_view pattern = r.pattern.substr(1);
    std::string id;
    std::size_t i = 0;
    bool same = true;
    while (same && !pattern.empty()) {
      const auto slash = pattern.find('/');
      const auto part = pattern.substr(0, slash);
      pattern = slash == std::string_view::npos ? std::string_view() : pattern.substr(slash + 1);
      if (i >= segments->size())
        same = false;
      else if (part == "{id}")
        id = (*segments)[i];
      else
        same = part == (*segments)[i];
      ++i;
    }
    if (!same || i != segments->size()) continue;
    if (!out.found || request.method == r.method) out = route_match{&r, request.method == r.method, std::move(id)};
    if (out.method_allowed) break;
  }
  return out;
}

http_response api::handle(const http_request& request) {
  const auto started = std::chrono::steady_clock::now();
  const auto matched = match(request);
  auto response = route_request(request, matched);
  // Answers about a tenant's data are for the caller only: no cache keeps them.
  if (path_of(request.target).rfind("/api/", 0) == 0) response.headers.emplace_back("Cache-Control", "no-store");
  metrics_.record(matched.found ? matched.found->metric : "other", response.status,
                  std::chrono::steady_clock::now() - started);
  return response;
}

// The steps every request takes: find its route, check the method, and for a caller's
// route the token and the rate limit; then the endpoint.
http_response api::route_request(const http_request& request, const route_match& matched) {
  if (!matched.found) return problem(problem_code::not_found, "No such resource: " + path_of(request.target));
  if (!matched.method_allowed)
    return problem(problem_code::method_not_allowed, "Use " + std::string(matched.found->method) + ".");
  std::optional<domain::caller> who;
  if (request.method != "GET" && from_another_origins_page(request))
    return problem(problem_code::forbidden, "A request from another origin's page is refused.");
  if (matched.found->access == route_access::caller) {
    who = authenticate(request);
    if (!who) return problem(problem_code::unauthenticated, "A valid token is required.");
    if (!within_rate_limit(who->user_id)) return problem(problem_code::rate_limited, "Too many requests; slow down.");
  }
  return (this->*matched.found->run)(route_args{request, who ? &*who : nullptr, matched.id});
}

http_response api::healthz(const route_args&) { return json_ok(R"({"status":"ok"})"); }

http_response api::metrics_text(const route_args&) {
  http_response response;
  response.content_type = "text/plain; version=0.0.4";
  metrics_.write(response.body);
  if (options_.runtime_metrics) response.body += options_.runtime_metrics();
  return response;
}

request_lane api::lane_of(const http_request& request) const {
  const auto matched = match(request);
  if (!matched.found || !matched.method_allowed) return request_lane::standard;
  if (matched.found->run == &api::command)
    if (const auto* command = find_command_route(matched.id)) return command->lane;
  return matched.found->lane;
}

std::optional<http_response> api::screen(const http_request& request) const {
  if (path_of(request.target).rfind("/api/v1/", 0) != 0) return std::nullopt;
  const auto matched = match(request);
  if (matched.found && matched.found->access == route_access::open) return std::nullopt;
  if (authenticate(request)) return std::nullopt;
  return problem(problem_code::unauthenticated, "A valid token is required.");
}

std::int64_t api::wanted_position(const http_request& request) const {
  if (request.method != "GET" || !options_.read_model_position) return 0;
  const auto wanted = whole_number(query_param(request.target, "min_position"));
  if (!wanted || *wanted <= options_.read_model_position()) return 0;
  // Only a caller who may read waits; the others are answered at once.
  return authenticate(request) ? *wanted : 0;
}

// Ready while the store answers and the feeds run. The reasons go to the log (once per
// change), never to the unauthenticated client.
http_response api::ready(const route_args&) {
  std::string trouble;
  if (!store_.head_position()) trouble = "the event store is not reachable";
  if (trouble.empty() && options_.bus_problem) trouble = options_.bus_problem();
  {
    std::lock_guard lock(readiness_mutex_);
    if (trouble != last_readiness_problem_) {
      if (!trouble.empty()) std::fprintf(stderr, "stradia: not ready: %s\n", trouble.c_str());
      last_readiness_problem_ = trouble;
    }
  }
  if (!trouble.empty())
    return problem(problem_code::service_unavailable, "Not ready: the event store or the event bus is down.");
  base::json_writer json;
  json.begin_object().field("status", "ready");
  if (options_.read_models)
    if (const auto quarantined = options_.read_models->quarantined_count())
      json.field("quarantined_events", *quarantined);
  json.end_object();
  return json_ok(json.take());
}

std::optional<domain::caller> api::authenticate(const http_request& request) const {
  const auto token = bearer_token(request);
  if (token.empty()) return std::nullopt;
  const auto claims = jwt_.verify(token, options_.unix_seconds());
  if (!claims) return std::nullopt;
  return current(domain::caller{claims->sub, claims->tid, {}, {}, false});
}

std::optional<domain::caller> api::current(const domain::caller& who) const {
  const auto user = users_.by_id(who.user_id);
  if (!user || !user->is_active || user->tenant_id != who.tenant_id || !users_.tenant_active(user->tenant_id))
    return std::nullopt;
  return domain::caller{user->id, user->tenant_id, user->role,
                        std::vector<std::string>(user->market_ids.begin(), user->market_ids.end()), false};
}

base::expected<domain::caller, http_response> api::authenticate_socket(const http_request& request) const {
  if (from_another_origins_page(request))
    return base::unexpected(problem(problem_code::forbidden, "A WebSocket from another origin's page is refused."));
  auto who = authenticate(request);
  if (!who) return base::unexpected(problem(problem_code::unauthenticated, "A valid token is required."));
  return std::move(*who);
}

namespace {

constexpr std::size_t max_buckets = 100000;

// Token bucket: `rate` tokens a second up to `burst`; false when none is left. Made-up
// keys cannot fill memory: past 100,000 keys the full buckets (the same as none) are
// dropped, and if that frees nothing a new key is refused rather than anyone forgiven.
bool take_token(std::unordered_map<std::string, api_bucket>& buckets, const std::string& key, double rate,
                double burst) {
  const auto now = std::chrono::steady_clock::now();
  if (buckets.size() >= max_buckets && !buckets.count(key)) {
    std::erase_if(buckets, [&](const auto& entry) {
      const auto& b = entry.second;
      return b.tokens + std::chrono::duration<double>(now - b.refilled).count() * rate >= burst;
    });
    if (buckets.size() >= max_buckets) return false;
  }
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

bool api::login_allowed(const std::string& email, const std::string& address) {
  std::lock_guard lock(rate_mutex_);
  const auto per_email = options_.login_attempts_per_minute;
  const auto per_address = options_.login_attempts_per_address;
  if (per_address > 0 && !take_token(address_buckets_, address, per_address / 60, per_address)) return false;
  return per_email <= 0 || take_token(login_buckets_, email, per_email / 60, per_email);
}

http_response api::login(const route_args& a) {
  const auto& request = a.request;
  simdjson::ondemand::parser parser;
  const simdjson::padded_string body(request.body);
  auto doc = parser.iterate(body);
  std::string_view email_view, password_view;
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return problem(problem_code::malformed_json, "The body must be a JSON object.");
  if (object["email"].get_string().get(email_view) || object["password"].get_string().get(password_view))
    return problem(problem_code::validation_failed, "Login needs an email and a password.",
                   {{"email", "Required"}, {"password", "Required"}});
  std::string email(email_view);
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!login_allowed(email, request.client_address))
    return problem(problem_code::rate_limited, "Too many login attempts; wait a minute.");
  const auto user = users_.by_email(email);
  // The same work and the same answer whether the email or the password is wrong.
  static const std::string decoy = hash_password("stradia decoy password").value_or("");
  const bool password_ok = verify_password(user ? user->password_hash : decoy, password_view);
  if (!user || !password_ok || !user->is_active)
    return problem(problem_code::unauthenticated, "Wrong email or password.");
  if (!users_.tenant_active(user->tenant_id))
    return problem(problem_code::unauthenticated, "The organisation's account is deactivated.");

  const auto now = options_.unix_seconds();
  token_claims claims{user->id, user->tenant_id, std::string(domain::name_of(user->role)), now,
                      now + options_.token_lifetime.count()};
  const auto token = jwt_.sign(claims);
  user::v1::RecordUserLogin recorded;
  recorded.set_user_id(user->id);
  (void)commands_.record_user_login(domain::system_caller(user->tenant_id), recorded);

  base::json_writer json;
  json.begin_object();
  json.field("token", token);
  json.field("expires_at", domain::format_rfc3339(domain::timestamp{std::chrono::seconds{claims.exp}}));
  json.key("user").begin_object();
  json.field("id", user->id).field("tenant_id", user->tenant_id).field("role", claims.role).field("email", user->email);
  json.end_object();
  json.end_object();
  auto response = json_ok(json.take());
  response.headers.emplace_back("Set-Cookie", session_cookie(token));
  return response;
}

std::string api::session_cookie(const std::string& token) const {
  return std::string(session_cookie_name) + token + "; HttpOnly; SameSite=Strict; Path=/" +
         (options_.secure_cookies ? "; Secure" : "");
}

// The session cookie is HttpOnly, so only the server can end it: an expired cookie replaces
// it. The token itself stays valid until it expires (JWTs are not revoked one by one).
http_response api::logout(const route_args&) {
  http_response response;
  response.status = 204;
  response.headers.emplace_back("Set-Cookie", session_cookie("") + "; Max-Age=0");
  return response;
}

http_response api::console_page(const route_args&) { return web_console_file("index.html"); }

http_response api::console_asset(const route_args& a) { return web_console_file(a.id); }

// InviteUser: Argon2 costs 64 MiB and tens of milliseconds, so only for a caller who may
// invite; the plain password is wiped once hashed. An answer when refused.
std::optional<http_response> api::hash_invited_password(const domain::caller& who, user::v1::InviteUser& invite) {
  const auto wipe = [&] {
    sodium_memzero(invite.mutable_password()->data(), invite.password().size());
    invite.clear_password();
  };
  if (who.role != domain::roles::GLOBAL_ADMIN) {
    wipe();
    return problem(problem_code::forbidden, "Only a GLOBAL_ADMIN may do this.");
  }
  if (invite.password().size() < min_password_length) {
    wipe();
    return problem(problem_code::validation_failed, "The command has invalid fields.",
                   {{"password", "String must contain at least 8 character(s)"}});
  }
  auto hash = hash_password(invite.password());
  wipe();
  if (!hash) return problem(problem_code::service_unavailable, "Could not hash the password.");
  invite.set_password_hash(*hash);
  return std::nullopt;
}

// ChangeOwnPassword: the current password proves it is the user (a stolen token alone
// cannot take the account), checked under the login limits; the new one is hashed and both
// are wiped before the command goes on. An answer when refused.
std::optional<http_response> api::hash_new_password(const domain::caller& who, user::v1::ChangeOwnPassword& change,
                                                    const std::string& client_address) {
  const auto wipe = [&] {
    sodium_memzero(change.mutable_current_password()->data(), change.current_password().size());
    sodium_memzero(change.mutable_new_password()->data(), change.new_password().size());
    change.clear_current_password();
    change.clear_new_password();
  };
  const auto user = users_.by_id(who.user_id);
  if (!user) {
    wipe();
    return problem(problem_code::unauthenticated, "A valid token is required.");
  }
  if (!login_allowed(user->email, client_address)) {
    wipe();
    return problem(problem_code::rate_limited, "Too many password attempts; wait a minute.");
  }
  if (!verify_password(user->password_hash, change.current_password())) {
    wipe();
    return problem(problem_code::validation_failed, "The command has invalid fields.",
                   {{"current_password", "The current password is wrong."}});
  }
  if (change.new_password().size() < min_password_length) {
    wipe();
    return problem(problem_code::validation_failed, "The command has invalid fields.",
                   {{"new_password", "String must contain at least 8 character(s)"}});
  }
  auto hash = hash_password(change.new_password());
  wipe();
  if (!hash) return problem(problem_code::service_unavailable, "Could not hash the password.");
  change.set_password_hash(*hash);
  return std::nullopt;
}

http_response api::command(const route_args& a) {
  const auto& request = a.request;
  const auto& who = a.who;
  const std::string_view name = a.id;
  const auto* route = find_command_route(name);
  if (!route) return problem(problem_code::unknown_command, "No command named '" + std::string(name) + "'.");

  auto parsed = parse_command(request.body, *route->prototype, route->hidden, route->required);
  if (!parsed) return problem(parsed.error().code, parsed.error().detail, parsed.error().errors, parsed.error().status);
  auto& message = **parsed;
  // Passwords are checked and hashed in the run, so a replayed Idempotency-Key answers the
  // first response without doing it again (the old password no longer holds after a change).
  auto run = [&](const domain::caller& as) -> http_response {
    if (auto* invite = dynamic_cast<user::v1::InviteUser*>(&message)) {
      if (auto refused = hash_invited_password(as, *invite)) return *refused;
    } else if (auto* change = dynamic_cast<user::v1::ChangeOwnPassword*>(&message)) {
      if (auto refused = hash_new_password(as, *change, request.client_address)) return *refused;
    }
    auto result = route->invoke(commands_, as, message);
    if (result) return json_ok(outcome_json(*result));
    if (result.error().unavailable) return problem(problem_code::service_unavailable, result.error().error.detail);
    return problem(result.error().error);
  };
  if (request.idempotency_key.empty()) return run(*who);
  return idempotent_command(*who, name, request, run);
}

http_response api::idempotent_command(const domain::caller& who, std::string_view name, const http_request& request,
                                      const std::function<http_response(const domain::caller&)>& run) {
  const auto& key = request.idempotency_key;
  const bool printable = std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 0x20 && c < 0x7F; });
  if (key.size() > 200 || !printable)
    return problem(problem_code::validation_failed, "Idempotency-Key is 1 to 200 printable characters.",
                   {{"Idempotency-Key", "Invalid key"}});
  if (!options_.idempotency) return problem(problem_code::service_unavailable, "Idempotency keys are not available.");
  auto& keys = *options_.idempotency;
  const auto digest = keyed_digest(digest_key_, name, request.body);
  // The claim outlives the longest the command can run. Commands that call outside systems
  // have their outbound deadlines, and their calls cannot be taken back: a long lease. The
  // others finish in milliseconds, and a second run of one cannot record anything twice
  // (its events' ids come from its command id): a short lease, so a retry after a crash
  // waits little.
  const auto lease = lane_of(request) == request_lane::outbound ? std::chrono::seconds(90) : std::chrono::seconds(5);
  auto claim = keys.claim(who.tenant_id, who.user_id, key, digest, commands::new_uuid(), lease);
  if (!claim) return problem(problem_code::service_unavailable, "The event store is not reachable.");
  switch (claim->kind) {
    case eventstore::claim_kind::different_request:
      return problem(problem_code::idempotency_key_reused, "This Idempotency-Key was used with a different body.");
    case eventstore::claim_kind::in_use:
      return problem(problem_code::idempotency_key_in_use,
                     "A request with this Idempotency-Key is still running; retry later.");
    case eventstore::claim_kind::too_many_keys:
      return problem(problem_code::rate_limited, "Too many Idempotency-Keys in 24 hours for this user.");
    case eventstore::claim_kind::replay:
      if (claim->answer.body)
        return http_response{claim->answer.status, claim->answer.content_type, *claim->answer.body, {}, {}};
      return answer_from_log(who, claim->command_id, claim->log_head);
    case eventstore::claim_kind::taken_over: {
      // Its process died holding the key: if its command committed, its events say so.
      auto recorded = store_.read_command_events(who.tenant_id, claim->command_id, claim->log_head);
      if (!recorded) return problem(problem_code::service_unavailable, "The event store is not reachable.");
      if (!recorded->empty()) {
        auto answer = answer_from_log(who, claim->command_id, claim->log_head);
        if (answer.status == 200)
          (void)keys.complete(who.tenant_id, who.user_id, key, {answer.status, answer.content_type, answer.body});
        return answer;
      }
      break;  // it never committed: run it now, under the same command id
    }
    case eventstore::claim_kind::fresh: break;
  }
  auto as = who;
  as.idempotent_command_id = claim->command_id;
  auto response = run(as);
  if (claim->kind == eventstore::claim_kind::taken_over && response.status != 200) {
    // The first run committed after the takeover looked: its events are in place (this run
    // was refused by their ids, or by the state they made), and the answer is theirs.
    auto recorded = store_.read_command_events(who.tenant_id, claim->command_id, claim->log_head);
    if (recorded && !recorded->empty()) response = answer_from_log(who, claim->command_id, claim->log_head);
  }
  if (response.status >= 500)
    (void)keys.release(who.tenant_id, who.user_id, key);  // in doubt: a retry looks in the log
  else
    (void)keys.complete(who.tenant_id, who.user_id, key, {response.status, response.content_type, response.body});
  return response;
}

// The answer of an idempotent command rebuilt from the events it recorded (its first answer
// was too large to keep, or its process died before keeping it). `result` lists the
// entities whose streams it started.
http_response api::answer_from_log(const domain::caller& who, const std::string& command_id, std::int64_t after) {
  auto events = store_.read_command_events(who.tenant_id, command_id, after);
  if (!events) return problem(problem_code::service_unavailable, "The event store is not reachable.");
  if (events->empty())
    return problem(problem_code::service_unavailable, "The first answer is gone; retry with a new key.");
  static constexpr std::pair<std::string_view, std::string_view> created_names[] = {
      {"task-", "local_task_id"},          {"user-", "user_id"},         {"market-", "market_id"},
      {"strategy-", "master_strategy_id"}, {"board-", "local_board_id"}, {"tenant-", "tenant_id"}};
  const auto* main = &events->front();
  std::vector<std::pair<std::string, std::string>> created;
  for (const auto& e : *events)
    for (const auto& [prefix, field] : created_names)
      if (e.stream_version() == 1 && e.stream_id().rfind(prefix, 0) == 0) {
        created.emplace_back(field, e.stream_id().substr(prefix.size()));
        main = &e;
      }
  std::int64_t version = 0;
  for (const auto& e : *events)
    if (e.stream_id() == main->stream_id()) version = e.stream_version();
  base::json_writer json;
  json.begin_object();
  json.field("command_id", command_id).field("stream_id", main->stream_id()).field("version", version);
  json.field("global_position", events->back().global_position());
  json.key("events").begin_array();
  for (const auto& e : *events) json.raw(event_json(e));
  json.end_array().key("result").begin_object();
  for (const auto& [name, id] : created) json.field(name, id);
  json.end_object().end_object();
  return json_ok(json.take());
}

}  // namespace stradia::gateway
