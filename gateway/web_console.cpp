#include "gateway/web_console.hpp"

#include <string>

#include "gateway/problem.hpp"

namespace stradia::gateway {

namespace {

// Only the server itself (the transport adds X-Content-Type-Options: nosniff to every answer): no CDN, no inline script
// or style, no frames, no plugins.
constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace

http_response web_console_file(std::string_view name) {
  for (const auto& asset : embedded_web_assets()) {
    if (asset.name != name) continue;
    http_response response;
    response.content_type = std::string(asset.content_type);
    response.body = std::string(asset.body);
    response.headers = {{"Content-Security-Policy", std::string(content_security_policy)},
                        {"Referrer-Policy", "no-referrer"},
                        // Revalidated on every load: a new binary's console is picked up at once.
                        {"Cache-Control", "no-cache"}};
    return response;
  }
  return problem(problem_code::not_found, "No such file: /web/" + std::string(name));
}

}  // namespace stradia::gateway
