// `stradia serve` and `stradia seed`.
#include <cstdio>
#include <cstdlib>

#include "eventstore/migrator.hpp"
#include "gateway/api.hpp"
#include "gateway/cli.hpp"
#include "gateway/http_server.hpp"
#include "gateway/live_boards.hpp"
#include "gateway/runtime.hpp"
#include "gateway/seed.hpp"

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

int run_serve(const arguments& args) {
  static const std::string help =
      std::string(
          "usage: stradia serve [options]\n\n"
          "Serves the HTTP API of API.md.\n"
          "  --listen HOST:PORT         default 127.0.0.1:8080 (env STRADIA_LISTEN)\n"
          "  --jwt-secret SECRET        HS256 key, 32+ characters (env STRADIA_JWT_SECRET)\n"
          "  --rate-limit N             requests per second per user, bursts of 2N; 0 turns it off\n"
          "                             (env STRADIA_RATE_LIMIT, default 50)\n"
          "  --ws-queue-limit N         frames a WebSocket client may fall behind before it is\n"
          "                             closed (env STRADIA_WS_QUEUE_LIMIT, default 1024)\n"
          "  --ws-idle-seconds N        a quiet WebSocket is pinged after N/2 s and closed when no\n"
          "                             answer comes by N s (env STRADIA_WS_IDLE_SECONDS, default 60)\n") +
      database_help;
  if (const auto done = args.help_or_refusal(
          "serve", help,
          {"listen", "jwt-secret", "rate-limit", "database-url", "worker-database-url", "owner-database-url",
           "master-key", "gemini-url", "gemini-api-key", "tag-manager-url", "analytics-admin-url", "kafka-brokers",
           "kafka-topic", "ws-queue-limit", "ws-idle-seconds"}))
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
  if (colon == std::string::npos) {
    std::fprintf(stderr, "stradia serve: --listen wants HOST:PORT, got '%s'\n", listen.c_str());
    return 2;
  }
  if (!migrate_if_asked(*config, "serve")) return 1;

  runtime rt(*config);
  if (!rt.wait_for_directory(std::chrono::seconds(30))) {
    std::fprintf(stderr, "stradia serve: could not read the event log\n");
    return 1;
  }
  const auto rate = args.option("rate-limit", "STRADIA_RATE_LIMIT").value_or("50");
  api_options api_config;
  api_config.jwt_secret = *secret;
  api_config.unix_seconds = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(system_now().time_since_epoch()).count();
  };
  api_config.requests_per_second = std::strtod(rate.c_str(), nullptr);
  api_config.clock = system_now;
  api_config.read_models = &rt.read_models();
  api_config.read_model_position = [&rt] { return rt.read_model_position(); };
  websocket_stats sockets;
  api_config.runtime_metrics = [&rt, &sockets] {
    auto text = rt.metrics();
    auto line = [&](const char* name, const char* type, const char* help, long long value) {
      text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
              std::to_string(value) + "\n";
    };
    line("stradia_websocket_open", "gauge", "WebSocket connections open.", sockets.open.load());
    line("stradia_websocket_accepted_total", "counter", "WebSocket connections accepted.",
         static_cast<long long>(sockets.accepted.load()));
    line("stradia_websocket_dropped_slow_total", "counter", "Clients closed because their send queue was full.",
         static_cast<long long>(sockets.dropped_slow.load()));
    line("stradia_websocket_frames_sent_total", "counter", "Frames written to WebSocket clients.",
         static_cast<long long>(sockets.frames_sent.load()));
    return text;
  };
  api_config.bus_problem = [&rt] { return rt.bus_problem(); };
  api handler(rt.commands(), rt.store(), rt.users(), api_config);
  live_boards boards(rt.commands(), rt.read_models(),
                     [&handler](const domain::caller& who) { return handler.current(who); });
  rt.on_board_events([&boards](const auto& events) { boards.publish(events); });
  server_options options;
  options.address = listen.substr(0, colon);
  options.port = static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)));
  if (const auto limit = args.option("ws-queue-limit", "STRADIA_WS_QUEUE_LIMIT"))
    options.websocket_queue_limit = static_cast<std::size_t>(std::max(1L, std::strtol(limit->c_str(), nullptr, 10)));
  if (const auto idle = args.option("ws-idle-seconds", "STRADIA_WS_IDLE_SECONDS"))
    options.websocket_idle_timeout = std::chrono::seconds(std::max(1L, std::strtol(idle->c_str(), nullptr, 10)));
  websocket_handlers websocket;
  websocket.stats = &sockets;
  websocket.authenticate = [&handler](const http_request& r) { return handler.authenticate_socket(r); };
  websocket.on_frame = [&boards](const auto& c, const domain::caller& who, std::string_view text) {
    boards.on_frame(c, who, text);
  };
  websocket.on_close = [&boards](const live_connection* c, const std::vector<std::string>& joined) {
    boards.on_close(c, joined);
  };
  http_server server(
      options, [&handler](const http_request& r) { return handler.handle(r); }, websocket);
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
  if (const auto done = args.help_or_refusal(
          "seed", help,
          {"database-url", "worker-database-url", "owner-database-url", "master-key", "gemini-url", "gemini-api-key",
           "tag-manager-url", "analytics-admin-url", "kafka-brokers", "kafka-topic"}))
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
