#pragma once
// The HTTP API of API.md, without the transport: login, commands, health. Each request
// is authenticated (bearer token or stradia_session cookie, verified HS256, and the user
// looked up live in the directory so a deactivated user is refused at once), routed,
// parsed, run, and answered in the API's shapes. Thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "commands/command_service.hpp"
#include "eventstore/event_store.hpp"
#include "eventstore/idempotency_store.hpp"
#include "gateway/http_server.hpp"
#include "gateway/http_types.hpp"
#include "gateway/jwt.hpp"
#include "gateway/request_metrics.hpp"
#include "projections/analytics/analytics_reader.hpp"
#include "projections/read_model_reader.hpp"
#include "projections/user_directory.hpp"

namespace stradia::eventstore::audit {
class audit_reader;
}

namespace stradia::gateway {

struct api_options {
  std::string jwt_secret;
  std::chrono::seconds token_lifetime{8 * 3600};
  std::function<std::int64_t()> unix_seconds;  // the clock tokens are checked against
  std::function<domain::timestamp()> clock;    // usage periods are read at it (microseconds)
  double requests_per_second = 50;             // per user, burst of twice that; 0 = no limit
  double login_attempts_per_minute = 10;       // per email, burst of the same; 0 = no limit
  double login_attempts_per_address = 60;      // per client address and minute, burst of the same; 0 = no limit
  bool secure_cookies = false;                 // the session cookie gets `Secure` (behind TLS)
  projections::read_model_reader* read_models = nullptr;
  std::function<std::int64_t()> read_model_position;     // the last log position every read model applied
  std::function<std::string()> runtime_metrics;          // Prometheus lines of the store, feeds and relay
  std::function<std::string()> bus_problem;              // why the bus is not ready; empty when it is (logged only)
  eventstore::idempotency_store* idempotency = nullptr;  // Idempotency-Key answers; none: the header is refused
  eventstore::audit::audit_reader* audit = nullptr;      // the audit trail's heads and proofs
  std::string audit_public_key;                          // Ed25519, 32 raw bytes; empty: none configured
};

// A token bucket of the rate limits.
struct api_bucket {
  double tokens;
  std::chrono::steady_clock::time_point refilled;
};

class api {
 public:
  api(commands::command_service& commands, eventstore::event_store& store, const projections::user_directory& users,
      api_options options);

  http_response handle(const http_request& request);
  // What the transport asks before a request runs: its lane (whose threads run it), an
  // answer from its headers alone (no valid token: 401), and the log position its
  // ?min_position= waits for (0 when it need not wait).
  request_lane lane_of(const http_request& request) const;
  std::optional<http_response> screen(const http_request& request) const;
  std::int64_t wanted_position(const http_request& request) const;
  // The WebSocket handshake's caller, or the 401 refusing the upgrade.
  base::expected<domain::caller, http_response> authenticate_socket(const http_request& request) const;
  // Method and path pattern of every route ("{id}" for a path parameter), for the check
  // that schemas/openapi.yaml describes exactly these.
  static std::vector<std::pair<std::string_view, std::string_view>> route_table();
  // The caller as the directory knows them now; nullopt once deactivated or deleted.
  std::optional<domain::caller> current(const domain::caller& who) const;

 private:
  // What an endpoint gets: the request, the caller (null on open routes) and the {id} of
  // its path, decoded.
  struct route_args {
    const http_request& request;
    const domain::caller* who;
    std::string id;
  };
  using endpoint = http_response (api::*)(const route_args&);
  enum class route_access {
    open,    // anyone (health, metrics, login)
    caller,  // a valid token, within the caller's rate limit
  };
  // One row per endpoint of API.md: the route table. Patterns are path segments, "{id}"
  // standing for one.
  struct route {
    std::string_view method;
    std::string_view pattern;
    std::string_view metric;  // the route label of stradia_http_requests_total
    route_access access;
    request_lane lane;
    endpoint run;
  };
  static const std::vector<route>& routes();
  struct route_match {
    const route* found = nullptr;  // null: no route has this path
    bool method_allowed = false;
    std::string id;
  };
  static route_match match(const http_request& request);

  http_response route_request(const http_request& request, const route_match& matched);
  http_response healthz(const route_args& a);
  http_response ready(const route_args& a);
  http_response metrics_text(const route_args& a);
  http_response login(const route_args& a);
  http_response logout(const route_args& a);
  std::string session_cookie(const std::string& token) const;
  http_response console_page(const route_args& a);
  http_response console_asset(const route_args& a);
  http_response command(const route_args& a);
  http_response event_log(const route_args& a);
  http_response audit_key(const route_args& a);
  http_response audit_head(const route_args& a);
  http_response audit_proof(const route_args& a);
  http_response audit_consistency(const route_args& a);
  http_response stream(const route_args& a);
  http_response board(const route_args& a);
  http_response boards_of_market(const route_args& a);
  http_response markets(const route_args& a);
  http_response task(const route_args& a);
  http_response usage(const route_args& a);
  http_response me(const route_args& a);
  http_response users(const route_args& a);
  http_response tenant(const route_args& a);
  http_response policies(const route_args& a);
  http_response vault(const route_args& a);
  http_response strategies(const route_args& a);
  http_response strategy(const route_args& a);
  http_response heatmap(const route_args& a);
  http_response heatmap_svg(const route_args& a);
  struct heatmap_view {
    std::string strategy_id;
    std::int64_t position = 0;
    std::vector<projections::heatmap_cell> cells;
    std::optional<domain::timestamp> as_of;  // answered from the history, as it stood then
  };
  base::expected<heatmap_view, http_response> visible_heatmap(const route_args& a);
  // ?strategy_id=, required and a lowercase UUID (422 naming it otherwise).
  static base::expected<std::string, http_response> strategy_id_of(const http_request& request);
  // Analytics (API.md §7): the range of UTC days, CSV or JSON, the read-your-writes position
  // and the markets a LOCAL_USER is kept to; or the answer refusing the request.
  struct analytics_request {
    projections::analytics::day_range range;
    bool csv = false;
    std::int64_t position = 0;
    projections::analytics::market_filter markets;
  };
  base::expected<analytics_request, http_response> analytics_request_of(const route_args& a);
  struct heatmap_history_view {
    std::string strategy_id, bucket;
    analytics_request request;
    std::vector<projections::analytics::heatmap_history_point> points;
  };
  base::expected<heatmap_history_view, http_response> visible_heatmap_history(const route_args& a);
  http_response heatmap_history(const route_args& a);
  http_response heatmap_history_svg(const route_args& a);
  http_response flow(const route_args& a);
  http_response ai_usage(const route_args& a);
  http_response ghost_cards(const route_args& a);
  // The read model's position when it has reached ?min_position (read-your-writes; the
  // transport waited for it already), or the error to answer (504 once the wait is over).
  base::expected<std::int64_t, http_response> read_model_position(const http_request& request);
  std::optional<domain::caller> authenticate(const http_request& request) const;
  bool within_rate_limit(const std::string& user_id);
  bool login_allowed(const std::string& email, const std::string& address);
  std::optional<http_response> hash_invited_password(const domain::caller& who, user::v1::InviteUser& invite);
  std::optional<http_response> hash_new_password(const domain::caller& who, user::v1::ChangeOwnPassword& change,
                                                 const std::string& client_address);

  // Idempotency-Key: runs the command once per (tenant, user, key), answering retries with
  // the first answer (kept in Postgres, or rebuilt from the command's events).
  http_response idempotent_command(const domain::caller& who, std::string_view name, const http_request& request,
                                   const std::function<http_response(const domain::caller&)>& run);
  http_response answer_from_log(const domain::caller& who, const std::string& command_id, std::int64_t after);

  commands::command_service& commands_;
  eventstore::event_store& store_;
  const projections::user_directory& users_;
  api_options options_;
  jwt_codec jwt_;
  std::string digest_key_;  // keys the bodies' digests kept with Idempotency-Keys
  std::mutex rate_mutex_;
  std::unordered_map<std::string, api_bucket> buckets_;          // by user id
  std::unordered_map<std::string, api_bucket> login_buckets_;    // by email
  std::unordered_map<std::string, api_bucket> address_buckets_;  // by client address, for logins
  request_metrics metrics_;
  std::mutex readiness_mutex_;
  std::string last_readiness_problem_;
};

}  // namespace stradia::gateway
