// `stradia serve` and `stradia seed`.
#include <sys/resource.h>

#include <cstdio>

#include "app/cli.hpp"
#include "app/playground.hpp"
#include "base/prometheus_text.hpp"
#include "gateway/api.hpp"
#include "gateway/http_server.hpp"
#include "gateway/live_boards.hpp"
#include "gateway/ws_protocol.hpp"

namespace stradia::app {

namespace {

// Sockets are file descriptors: take every descriptor the system allows this process.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

// HOST:PORT with a port from 0 to 65535.
struct listen_address {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
};

std::optional<listen_address> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return std::nullopt;
  unsigned long port = 0;
  for (std::size_t i = colon + 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned long>(text[i] - '0');
    if (port > 65535) return std::nullopt;
  }
  return listen_address{text.substr(0, colon), static_cast<unsigned short>(port)};
}

struct serve_flags {
  runtime_flags runtime;
  std::string listen = "127.0.0.1:8080";
  std::string jwt_secret;
  double rate_limit = 50;
  double login_attempts_per_minute = 10;
  double login_attempts_per_address = 60;
  std::size_t max_connections = 10000;
  bool secure_cookies = false;
  std::size_t ws_queue_limit = 1024;
  long ws_idle_seconds = 60;
  std::size_t ws_per_user = 16;
  double ws_frames_per_second = 20;
};

int run_serve(const serve_flags& flags) {
  const auto config = runtime_config_of(flags.runtime, "serve");
  if (!config) return 2;
  const auto address = parse_listen(flags.listen);
  if (!address) {
    std::fprintf(stderr, "stradia serve: --listen wants HOST:PORT, got '%s'\n", flags.listen.c_str());
    return 2;
  }
  if (!config->owner_database_url.empty() && !migrate_schema(config->owner_database_url, "serve")) return 1;
  raise_descriptor_limit();

  runtime rt(*config);
  if (!rt.wait_for_directory(std::chrono::seconds(30))) {
    std::fprintf(stderr, "stradia serve: could not read the event log\n");
    return 1;
  }
  gateway::api_options api_config;
  api_config.jwt_secret = flags.jwt_secret;
  api_config.unix_seconds = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(system_now().time_since_epoch()).count();
  };
  api_config.requests_per_second = flags.rate_limit;
  api_config.login_attempts_per_minute = flags.login_attempts_per_minute;
  api_config.login_attempts_per_address = flags.login_attempts_per_address;
  api_config.secure_cookies = flags.secure_cookies;
  api_config.clock = system_now;
  api_config.read_models = &rt.read_models();
  api_config.read_model_position = [&rt] { return rt.read_model_position(); };
  const gateway::http_server* serving = nullptr;  // set once the server exists; metrics read its counters
  api_config.runtime_metrics = [&rt, &serving] {
    auto text = rt.metrics();
    if (!serving) return text;
    const auto& s = serving->stats();
    base::prometheus_text metrics;
    metrics.gauge("stradia_http_connections", "Connections open (HTTP and WebSocket).", s.connections.load())
        .counter("stradia_http_accept_errors_total", "Accept failures (out of descriptors, ...), retried.",
                 static_cast<std::int64_t>(s.accept_errors.load()))
        .counter("stradia_http_lane_full_total", "Requests answered 503 because their lane was full.",
                 static_cast<std::int64_t>(s.lane_full.load()))
        .counter("stradia_http_internal_errors_total", "Handler exceptions answered 500.",
                 static_cast<std::int64_t>(s.internal_errors.load()))
        .gauge("stradia_websocket_open", "WebSocket connections open.", s.websocket_open.load())
        .counter("stradia_websocket_accepted_total", "WebSocket connections accepted.",
                 static_cast<std::int64_t>(s.websocket_accepted.load()))
        .counter("stradia_websocket_dropped_slow_total", "Clients closed because their send queue was full.",
                 static_cast<std::int64_t>(s.websocket_dropped_slow.load()))
        .counter("stradia_websocket_frames_sent_total", "Frames written to WebSocket clients.",
                 static_cast<std::int64_t>(s.websocket_frames_sent.load()))
        .counter("stradia_websocket_frames_limited_total", "Client frames refused by the per-socket rate limit.",
                 static_cast<std::int64_t>(s.websocket_frames_limited.load()));
    text += metrics.str();
    return text;
  };
  api_config.bus_problem = [&rt] { return rt.bus_problem(); };
  api_config.idempotency = &rt.idempotency();
  api_config.audit = &rt.audit();
  api_config.audit_public_key = rt.audit_public_key();
  gateway::api handler(rt.commands(), rt.store(), rt.users(), api_config);
  gateway::live_boards boards(rt.commands(), rt.read_models(),
                              [&handler](const domain::caller& who) { return handler.current(who); });
  rt.on_board_events([&boards](const auto& events) { boards.publish(events); });
  gateway::server_options options;
  options.address = address->host;
  options.port = address->port;
  options.max_connections = flags.max_connections;
  options.websocket_queue_limit = flags.ws_queue_limit;
  options.websocket_idle_timeout = std::chrono::seconds(flags.ws_idle_seconds);
  options.websocket_per_user = flags.ws_per_user;
  options.websocket_frames_per_second = flags.ws_frames_per_second;
  gateway::http_handlers http;
  http.handle = [&handler](const gateway::http_request& r) { return handler.handle(r); };
  http.lane = [&handler](const gateway::http_request& r) { return handler.lane_of(r); };
  http.screen = [&handler](const gateway::http_request& r) { return handler.screen(r); };
  http.wanted_position = [&handler](const gateway::http_request& r) { return handler.wanted_position(r); };
  http.watch = &rt.read_model_watch();
  gateway::websocket_handlers websocket;
  websocket.authenticate = [&handler](const gateway::http_request& r) { return handler.authenticate_socket(r); };
  websocket.on_frame = [&boards](const auto& c, const domain::caller& who, std::string_view text) {
    boards.on_frame(c, who, text);
  };
  websocket.on_close = [&boards](const gateway::live_connection* c, const std::vector<std::string>& joined) {
    boards.on_close(c, joined);
  };
  websocket.error_frame = gateway::ws::refusal_frame;
  gateway::http_server server(options, std::move(http), websocket);
  serving = &server;
  std::printf("stradia serve: listening on http://%s:%u\n", options.address.c_str(), server.port());
  std::fflush(stdout);
  server.run();
  rt.on_board_events({});
  std::printf("stradia serve: stopped\n");
  return 0;
}

struct seed_flags {
  runtime_flags runtime;
  std::string password = "stradia-dev";
};

int run_seed(const seed_flags& flags) {
  auto config = runtime_config_of(flags.runtime, "seed");
  if (!config) return 2;
  if (!config->owner_database_url.empty() && !migrate_schema(config->owner_database_url, "seed")) return 1;
  config->feed_read_models = false;  // the serving process (or the workers) build them
  runtime rt(*config);
  auto report = seed_playground(rt, flags.password);
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

}  // namespace

void add_serve(CLI::App& cli, int& exit_code) {
  auto* command = cli.add_subcommand("serve", "run the HTTP API (migrates first when an owner connection is given)");
  auto flags = std::make_shared<serve_flags>();
  command->add_option("--listen", flags->listen, "HOST:PORT")
      ->envname("STRADIA_LISTEN")
      ->check([](const std::string& s) { return parse_listen(s) ? std::string() : "wants HOST:PORT, port 0 to 65535"; },
              "HOST:PORT")
      ->capture_default_str();
  command->add_option("--jwt-secret", flags->jwt_secret, "HS256 key, 32+ characters")
      ->envname("STRADIA_JWT_SECRET")
      ->required()
      ->check([](const std::string& s) { return s.size() >= 32 ? std::string() : "must be at least 32 characters"; },
              "32+ characters");
  command->add_option("--rate-limit", flags->rate_limit, "requests per second per user, bursts of 2N; 0 turns it off")
      ->envname("STRADIA_RATE_LIMIT")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  command->add_option("--login-attempts-per-minute", flags->login_attempts_per_minute, "login attempts per email")
      ->envname("STRADIA_LOGIN_ATTEMPTS_PER_MINUTE")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  command
      ->add_option("--login-attempts-per-address", flags->login_attempts_per_address,
                   "login attempts per client address and minute")
      ->envname("STRADIA_LOGIN_ATTEMPTS_PER_ADDRESS")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  command->add_option("--max-connections", flags->max_connections, "open connections; at the cap accepting waits")
      ->envname("STRADIA_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  command->add_flag("--secure-cookies", flags->secure_cookies, "the session cookie gets Secure: set behind TLS")
      ->envname("STRADIA_SECURE_COOKIES");
  command
      ->add_option("--ws-queue-limit", flags->ws_queue_limit,
                   "frames a WebSocket client may fall behind before it is closed")
      ->envname("STRADIA_WS_QUEUE_LIMIT")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}))
      ->capture_default_str();
  command
      ->add_option("--ws-idle-seconds", flags->ws_idle_seconds,
                   "a quiet WebSocket is pinged after N/2 s and closed when no answer comes by N s")
      ->envname("STRADIA_WS_IDLE_SECONDS")
      ->check(CLI::Range(1L, 86400L))
      ->capture_default_str();
  command->add_option("--ws-per-user", flags->ws_per_user, "live sockets one user may hold")
      ->envname("STRADIA_WS_PER_USER")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  command
      ->add_option("--ws-frames-per-second", flags->ws_frames_per_second,
                   "client frames per socket and second, bursts of 2N; 0 turns it off")
      ->envname("STRADIA_WS_FRAMES_PER_SECOND")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  add_runtime_options(*command, flags->runtime);
  command->callback([flags, &exit_code] { exit_code = run_serve(*flags); });
}

void add_seed(CLI::App& cli, int& exit_code) {
  auto* command = cli.add_subcommand("seed", "build the playground through commands (again: changes nothing)");
  auto flags = std::make_shared<seed_flags>();
  command->add_option("--seed-password", flags->password, "every seeded user's password")
      ->envname("STRADIA_SEED_PASSWORD")
      ->capture_default_str();
  add_runtime_options(*command, flags->runtime);
  command->callback([flags, &exit_code] { exit_code = run_seed(*flags); });
}

}  // namespace stradia::app
