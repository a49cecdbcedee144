// `stradia google-sandbox`: the stand-in for Gemini, the OAuth token endpoint, Tag Manager
// and Analytics Admin that `scripts/run` starts on a fresh box and the tests start for the
// executive flow. Loopback by default; faults by flag or POST /_sandbox/faults.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "adapters/sandbox/sandbox_server.hpp"
#include "app/cli.hpp"

namespace stradia::app {

namespace {

struct sandbox_flags {
  std::string listen = "127.0.0.1:8090";
  adapters::sandbox::sandbox_setup setup;
};

int run_google_sandbox(const sandbox_flags& flags) {
  const auto colon = flags.listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "stradia google-sandbox: --listen wants host:port\n");
    return 2;
  }
  const auto host = flags.listen.substr(0, colon);
  int port = -1;
  try {
    port = std::stoi(flags.listen.substr(colon + 1));
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "stradia google-sandbox: --listen wants a port from 0 to 65535\n");
    return 2;
  }
  const auto stop_signals = block_stop_signals();
  adapters::sandbox::google_sandbox sandbox(flags.setup);
  std::atomic<bool> stop{false};
  std::atomic<int> bound{-1};
  std::thread server([&] {
    const bool ok = adapters::sandbox::serve_sandbox(
        host, static_cast<unsigned short>(port), sandbox, stop, [&](unsigned short at) {
          std::printf("google-sandbox listening on http://%s:%u\n", host.c_str(), at);
          std::fflush(stdout);
          bound = at;
        });
    if (!ok) {
      bound = 0;
      kill(getpid(), SIGTERM);
    }
  });
  waiting_for_stop(stop_signals);
  stop = true;
  server.join();
  return bound > 0 ? 0 : 1;
}

}  // namespace

void add_google_sandbox(CLI::App& cli, int& exit_code) {
  auto* command = cli.add_subcommand(
      "google-sandbox", "serve a stand-in for Gemini, Google OAuth, Tag Manager v2 and Analytics Admin on loopback");
  command->footer(
      "Point Stradia at it with --gemini-url, --tag-manager-url, --analytics-admin-url (all http://HOST:PORT) and "
      "--oauth-token-url http://HOST:PORT/token. GET /_sandbox/state shows what was made and every call; POST "
      "/_sandbox/faults sets faults; POST /_sandbox/reset starts over. Serves until SIGINT or SIGTERM.");
  auto flags = std::make_shared<sandbox_flags>();
  auto& faults = flags->setup.faults;
  command->add_option("--listen", flags->listen, "host:port (port 0: any free one, printed)")->capture_default_str();
  command->add_option("--container", flags->setup.containers, "a GTM container's public id (repeatable)")
      ->capture_default_str();
  command
      ->add_option("--measurement-id", flags->setup.measurement_ids, "a GA4 web stream's measurement id (repeatable)")
      ->capture_default_str();
  command->add_option("--expire-token-at-call", faults.expire_token_at_call,
                      "the N-th API call finds its access token expired (401); a refreshed one works");
  command->add_option("--rate-limited", faults.rate_limited, "the first N API calls answer 429");
  command->add_option("--server-errors", faults.server_errors, "the first N API calls answer 503");
  command->add_option("--slow-ms", faults.slow_ms, "every API answer waits this many milliseconds");
  command->add_flag("--refuse-refresh", faults.refuse_refresh, "the token endpoint answers invalid_grant");
  command->add_option("--fail-marker", faults.fail_marker, "a scanned payload holding this text gets a FAIL verdict")
      ->capture_default_str();
  command->callback([flags, &exit_code] { exit_code = run_google_sandbox(*flags); });
}

}  // namespace stradia::app
