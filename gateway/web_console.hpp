#pragma once
// The console: the static pages, ES modules and styles of gateway/web, compiled into the
// binary and served at / with a Content-Security-Policy that allows only the server itself.
#include <string_view>
#include <vector>

#include "gateway/http_types.hpp"

namespace stradia::gateway {

struct web_asset {
  std::string_view name;  // the file's name in gateway/web, served at /web/<name>
  std::string_view content_type;
  std::string_view body;
};

// Generated from gateway/web by cmake/embed_web.cmake.
const std::vector<web_asset>& embedded_web_assets();

// The asset named `name`, or 404 in the API's problem shape. "index.html" is the page at /.
http_response web_console_file(std::string_view name);

}  // namespace stradia::gateway
