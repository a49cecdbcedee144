// `stradia serve` and `stradia seed`.
#include <cstdio>
#include <cstdlib>
#include <optional>

#include <sys/resource.h>

#include "eventstore/migrator.hpp"
#include "gateway/api.hpp"
#include "gateway/cli.hpp"
#include "gateway/http_server.hpp"
#include "gateway/live_boards.hpp"
#include "gateway/runtime.hpp"
#include "gateway/seed.hpp"
#include "gateway/ws_protocol.hpp"

namespace stradia::gateway {

namespace {

constexpr const char* database_help =
    "  --database-url URL         role stradia_app (env STRADIA_DATABASE_URL)\n"
    "  --worker-database-url URL  role stradia_worker (env STRADIA_WORKER_DATABASE_URL)\n"
    "  --owner-database-url URL   role stradia_owner: migrate first (env STRADIA_OWNER_DATABASE_URL)\n"
    "  --master-key BASE64        32-byte key wrapping the tenants' vault keys (env STRADIA_MASTER_KEY)\n"
    "  --gemini-url URL           Gemini API base URL for pre-flight scans (env STRADIA_GEMINI_URL)\n"
    "  --gemini-api-key KEY       (env STRADIA_GEMINI_API_KEY)\n"
    "  --tag-manager-url URL      Tag Manager API base (env STRADIA_TAG_MANAGER_URL, default Google's)\n"
    "  --analytics-admin-url URL  Analytics Admin API base (env STRADIA_ANALYTICS_ADMIN_URL, default Google's)\n"
    "  --outbound-timeout SECONDS every call to Gemini, Tag Manager, Analytics, retries included\n"
    "                             (env STRADIA_OUTBOUND_TIMEOUT, default 30; connect 5, each read 15)\n"
    "  --kafka-brokers LIST       Kafka mode: relay the log to these brokers; `stradia project` workers\n"
    "                             build the read models (env STRADIA_KAFKA_BROKERS; default: embedded)\n"
    "  --kafka-topic NAME         (env STRADIA_KAFKA_TOPIC, default stradia.events)\n";

bool migrate_if_asked(const runtime_config& config, const char* command) {
  if (config.owner_database_url.empty()) return true;
  auto report = eventstore::migrate(config.owner_database_url);
  if (!report) std::fprintf(stderr, "stradia %s: migration failed: %s\n", command, report.error().message.c_str());
  return report.has_value();
}

}  // namespace

namespace {

// A whole number option in [min, max]; nullopt (with the reason on stderr) when it is not one.
std::optional<double> number_option(const arguments& args, const char* name, const char* env, double fallback,
                                    double min, double max) {
  const auto text = args.option(name, env);
  if (!text) return fallback;
  char* end = nullptr;
  const double value = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || value < min || value > max) {
    std::fprintf(stderr, "stradia serve: --%s wants a number from %g to %g, got '%s'\n", name, min, max, text->c_str());
    return std::nullopt;
  }
  return value;
}

// Sockets are file descriptors: take every descriptor the system allows this process.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int run_serve(const arguments& args) {
  static const std::string help =
      std::string(
          "usage: stradia serve [options]\n\n"
          "Serves the HTTP API of API.md.\n"
          "  --listen HOST:PORT         default 127.0.0.1:8080 (env STRADIA_LISTEN)\n"
          "  --jwt-secret SECRET        HS256 key, 32+ characters (env STRADIA_JWT_SECRET)\n"
          "  --rate-limit N             requests per second per user, bursts of 2N; 0 turns it off\n"
          "                             (env STRADIA_RATE_LIMIT, default 50)\n"
          "  --login-attempts-per-minute N   per email (env STRADIA_LOGIN_ATTEMPTS_PER_MINUTE, default 10)\n"
          "  --login-attempts-per-address N  per client address and minute\n"
          "                             (env STRADIA_LOGIN_ATTEMPTS_PER_ADDRESS, default 60)\n"
          "  --max-connections N        open connections; at the cap accepting waits (env\n"
          "                             STRADIA_MAX_CONNECTIONS, default 10000)\n"
          "  --secure-cookies           the session cookie gets Secure: set behind TLS (env\n"
          "                             STRADIA_SECURE_COOKIES=1)\n"
          "  --ws-queue-limit N         frames a WebSocket client may fall behind before it is\n"
          "                             closed (env STRADIA_WS_QUEUE_LIMIT, default 1024)\n"
          "  --ws-idle-seconds N        a quiet WebSocket is pinged after N/2 s and closed when no\n"
          "                             answer comes by N s (env STRADIA_WS_IDLE_SECONDS, default 60)\n"
          "  --ws-per-user N            live sockets one user may hold (env STRADIA_WS_PER_USER,\n"
          "                             default 16)\n"
          "  --ws-frames-per-second N   client frames per socket and second, bursts of 2N; 0 turns\n"
          "                             it off (env STRADIA_WS_FRAMES_PER_SECOND, default 20)\n") +
      database_help;
  if (const auto done = args.help_or_refusal("serve", help,
                                             {"listen",
                                              "jwt-secret",
                                              "rate-limit",
                                              "login-attempts-per-minute",
                                              "login-attempts-per-address",
                                              "max-connections",
                                              "secure-cookies",
                                              "database-url",
                                              "worker-database-url",
                                              "owner-database-url",
                                              "master-key",
                                              "gemini-url",
                                              "gemini-api-key",
                                              "tag-manager-url",
                                              "analytics-admin-url",
                                              "outbound-timeout",
                                              "kafka-brokers",
                                              "kafka-topic",
                                              "ws-queue-limit",
                                              "ws-idle-seconds",
                                              "ws-per-user",
                                              "ws-frames-per-second"}))
    return *done;
  const auto config = read_runtime_config(args, "serve");
  const auto secret = args.option("jwt-secret", "STRADIA_JWT_SECRET");
  if (!config) return 2;
  if (!secret || secret->size() < 32) {
    std::fprintf(stderr, "stradia serve: STRADIA_JWT_SECRET (or --jwt-secret) must be at least 32 characters\n");
    return 2;
  }
  const auto listen = args.option("listen", "STRADIA_LISTEN").value_or("127.0.0.1:8080");
  const auto colon = listen.rfind(':');
  const auto port = colon == std::string::npos ? std::nullopt : std::optional<std::string>(listen.substr(colon + 1));
  char* port_end = nullptr;
  const long port_number = port ? std::strtol(port->c_str(), &port_end, 10) : -1;
  if (!port || port->empty() || *port_end != '\0' || port_number < 0 || port_number > 65535) {
    std::fprintf(stderr, "stradia serve: --listen wants HOST:PORT, got '%s'\n", listen.c_str());
    return 2;
  }
  const auto rate = number_option(args, "rate-limit", "STRADIA_RATE_LIMIT", 50, 0, 1e6);
  const auto per_email =
      number_option(args, "login-attempts-per-minute", "STRADIA_LOGIN_ATTEMPTS_PER_MINUTE", 10, 0, 1e6);
  const auto per_address =
      number_option(args, "login-attempts-per-address", "STRADIA_LOGIN_ATTEMPTS_PER_ADDRESS", 60, 0, 1e6);
  const auto max_connections = number_option(args, "max-connections", "STRADIA_MAX_CONNECTIONS", 10000, 1, 1e7);
  const auto queue_limit = number_option(args, "ws-queue-limit", "STRADIA_WS_QUEUE_LIMIT", 1024, 1, 1e7);
  const auto idle_seconds = number_option(args, "ws-idle-seconds", "STRADIA_WS_IDLE_SECONDS", 60, 1, 86400);
  const auto per_user = number_option(args, "ws-per-user", "STRADIA_WS_PER_USER", 16, 1, 1e6);
  const auto frames = number_option(args, "ws-frames-per-second", "STRADIA_WS_FRAMES_PER_SECOND", 20, 0, 1e6);
  if (!rate || !per_email || !per_address || !max_connections || !queue_limit || !idle_seconds || !per_user || !frames)
    return 2;
  if (!migrate_if_asked(*config, "serve")) return 1;
  raise_descriptor_limit();

  runtime rt(*config);
  if (!rt.wait_for_directory(std::chrono::seconds(30))) {
    std::fprintf(stderr, "stradia serve: could not read the event log\n");
    return 1;
  }
  api_options api_config;
  api_config.jwt_secret = *secret;
  api_config.unix_seconds = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(system_now().time_since_epoch()).count();
  };
  api_config.requests_per_second = *rate;
  api_config.login_attempts_per_minute = *per_email;
  api_config.login_attempts_per_address = *per_address;
  const char* secure_env = std::getenv("STRADIA_SECURE_COOKIES");
  api_config.secure_cookies = args.flag("secure-cookies") || (secure_env && std::string_view(secure_env) == "1");
  api_config.clock = system_now;
  api_config.read_models = &rt.read_models();
  api_config.read_model_position = [&rt] { return rt.read_model_position(); };
  const http_server* serving = nullptr;  // set once the server exists; metrics read its counters
  api_config.runtime_metrics = [&rt, &serving] {
    auto text = rt.metrics();
    if (!serving) return text;
    const auto& s = serving->stats();
    auto line = [&](const char* name, const char* type, const char* help, long long value) {
      text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
              std::to_string(value) + "\n";
    };
    line("stradia_http_connections", "gauge", "Connections open (HTTP and WebSocket).", s.connections.load());
    line("stradia_http_accept_errors_total", "counter", "Accept failures (out of descriptors, ...), retried.",
         static_cast<long long>(s.accept_errors.load()));
    line("stradia_http_lane_full_total", "counter", "Requests answered 503 because their lane was full.",
         static_cast<long long>(s.lane_full.load()));
    line("stradia_http_internal_errors_total", "counter", "Handler exceptions answered 500.",
         static_cast<long long>(s.internal_errors.load()));
    line("stradia_websocket_open", "gauge", "WebSocket connections open.", s.websocket_open.load());
    line("stradia_websocket_accepted_total", "counter", "WebSocket connections accepted.",
         static_cast<long long>(s.websocket_accepted.load()));
    line("stradia_websocket_dropped_slow_total", "counter", "Clients closed because their send queue was full.",
         static_cast<long long>(s.websocket_dropped_slow.load()));
    line("stradia_websocket_frames_sent_total", "counter", "Frames written to WebSocket clients.",
         static_cast<long long>(s.websocket_frames_sent.load()));
    line("stradia_websocket_frames_limited_total", "counter", "Client frames refused by the per-socket rate limit.",
         static_cast<long long>(s.websocket_frames_limited.load()));
    return text;
  };
  api_config.bus_problem = [&rt] { return rt.bus_problem(); };
  api_config.idempotency = &rt.idempotency();
  api handler(rt.commands(), rt.store(), rt.users(), api_config);
  live_boards boards(rt.commands(), rt.read_models(),
                     [&handler](const domain::caller& who) { return handler.current(who); });
  rt.on_board_events([&boards](const auto& events) { boards.publish(events); });
  server_options options;
  options.address = listen.substr(0, colon);
  options.port = static_cast<unsigned short>(port_number);
  options.max_connections = static_cast<std::size_t>(*max_connections);
  options.websocket_queue_limit = static_cast<std::size_t>(*queue_limit);
  options.websocket_idle_timeout = std::chrono::seconds(static_cast<long>(*idle_seconds));
  options.websocket_per_user = static_cast<std::size_t>(*per_user);
  options.websocket_frames_per_second = *frames;
  http_handlers http;
  http.handle = [&handler](const http_request& r) { return handler.handle(r); };
  http.lane = [&handler](const http_request& r) { return handler.lane_of(r); };
  http.screen = [&handler](const http_request& r) { return handler.screen(r); };
  http.wanted_position = [&handler](const http_request& r) { return handler.wanted_position(r); };
  http.watch = &rt.read_model_watch();
  websocket_handlers websocket;
  websocket.authenticate = [&handler](const http_request& r) { return handler.authenticate_socket(r); };
  websocket.on_frame = [&boards](const auto& c, const domain::caller& who, std::string_view text) {
    boards.on_frame(c, who, text);
  };
  websocket.on_close = [&boards](const live_connection* c, const std::vector<std::string>& joined) {
    boards.on_close(c, joined);
  };
  websocket.error_frame = [](std::string_view code, std::string_view message) {
    return ws::error_frame(code, message, {});
  };
  http_server server(options, std::move(http), websocket);
  serving = &server;
  std::printf("stradia serve: listening on http://%s:%u\n", options.address.c_str(), server.port());
  std::fflush(stdout);
  server.run();
  rt.on_board_events({});
  std::printf("stradia serve: stopped\n");
  return 0;
}

int run_seed(const arguments& args) {
  static const std::string help = std::string(
                                      "usage: stradia seed [options]\n\n"
                                      "Builds the playground through commands; running it again changes nothing.\n"
                                      "Every seeded user's password is STRADIA_SEED_PASSWORD or 'stradia-dev'.\n") +
                                  database_help;
  if (const auto done = args.help_or_refusal("seed", help,
                                             {"database-url", "worker-database-url", "owner-database-url", "master-key",
                                              "gemini-url", "gemini-api-key", "tag-manager-url", "analytics-admin-url",
                                              "outbound-timeout", "kafka-brokers", "kafka-topic", "seed-password"}))
    return *done;
  auto config = read_runtime_config(args, "seed");
  if (!config) return 2;
  if (!migrate_if_asked(*config, "seed")) return 1;
  config->feed_read_models = false;  // the serving process (or the workers) build them
  runtime rt(*config);
  const auto password = args.option("seed-password", "STRADIA_SEED_PASSWORD").value_or("stradia-dev");
  auto report = seed_playground(rt, password);
  if (!report) {
    std::fprintf(stderr, "stradia seed: %s\n", report.error().c_str());
    return 1;
  }
  if (report->already_seeded)
    std::printf("stradia seed: the playground is already there; nothing changed\n");
  else
    std::printf("stradia seed: playground built with %d commands\n", report->commands);
  return 0;
}

}  // namespace stradia::gateway
